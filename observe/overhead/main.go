// Command overhead measures what observe costs a pool and a pipeline with
// everything attached, against the same run with nothing attached: the
// pool's W2 (tiny tasks, one submitter, workers = GOMAXPROCS; see
// bench/poolbench) and the pipeline's W4 rows with 4 workers (see
// bench/pipebench). The two variants run interleaved, ABBA, in one
// process, and each round gives a ratio; it prints the median ratio and
// the spread of the rounds.
//
// "Everything attached" is what a program watching itself runs: the pool
// or Monitor registered with an Observer and a Prometheus registry (so the
// pool's task hook feeds the histograms), the page's sampling
// (Observer.Snapshot) and a Prometheus scrape every 100 ms — ten times
// more often than a page or a Prometheus server would — and for the pool,
// Stuck polled as often.
//
//	go run ./observe/overhead -rounds 15
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/baton-go/baton/bench/pipebench"
	"github.com/baton-go/baton/bench/poolbench"
	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

func main() {
	rounds := flag.Int("rounds", 11, "interleaved rounds per workload")
	tasks := flag.Int("tasks", 1_000_000, "W2's tasks")
	items := flag.Int("items", pipebench.DefaultItems, "W4's items")
	flag.Parse()
	if *rounds < 1 || *tasks < 1 || *items < 1 {
		fmt.Fprintln(os.Stderr, "overhead: -rounds, -tasks and -items must be at least 1")
		os.Exit(2)
	}
	us := pipebench.ItersPerMicrosecond()
	fmt.Printf("GOMAXPROCS=%d, %d rounds, ABBA; ns per task or item: median over rounds, and the ratio observed/plain: median [min, max]\n\n",
		runtime.GOMAXPROCS(0), *rounds)
	fmt.Printf("%-28s %12s %12s %22s\n", "workload", "plain", "observed", "ratio")
	report("W2 (1 submitter, tiny)", *rounds, *tasks, func(observed bool) { w2(*tasks, observed) })
	for _, r := range []pipebench.Row{
		{Name: "W4/noop/n=4/unordered", Items: *items, Workers: 4},
		{Name: "W4/noop/n=4/ordered", Items: *items, Workers: 4, Ordered: true},
		{Name: "W4/spin1us/n=4/unordered", Items: *items, Workers: 4, Work: pipebench.Work{Spin: us}},
		{Name: "W4/spin1us/n=4/ordered", Items: *items, Workers: 4, Ordered: true, Work: pipebench.Work{Spin: us}},
	} {
		report(r.Name, *rounds, r.Items, func(observed bool) { w4(r, observed) })
	}
}

// report runs fn plain and observed, ABBA, rounds times, and prints a row.
func report(name string, rounds, n int, fn func(observed bool)) {
	fn(false) // warm up
	fn(true)
	var plain, obs, ratio []float64
	for i := range rounds {
		order := []bool{false, true}
		if i%2 == 1 {
			order = []bool{true, false}
		}
		var t [2]float64
		for _, o := range order {
			runtime.GC()
			start := time.Now()
			fn(o)
			ns := float64(time.Since(start).Nanoseconds()) / float64(n)
			if o {
				t[1] = ns
			} else {
				t[0] = ns
			}
		}
		plain, obs, ratio = append(plain, t[0]), append(obs, t[1]), append(ratio, t[1]/t[0])
	}
	fmt.Printf("%-28s %12.1f %12.1f %8.3f [%.3f, %.3f]\n", name, median(plain), median(obs), median(ratio), slices.Min(ratio), slices.Max(ratio))
}

func median(xs []float64) float64 {
	s := slices.Sorted(slices.Values(xs))
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// watcher is what a watching program runs beside the workload: the page's
// sampling, Prometheus' scrape and, for pools, Stuck.
func watcher(o *observe.Observer, stuck bool) (stop func()) {
	srv := httptest.NewServer(o.Handler())
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
			}
			for _, path := range []string{"/metrics", "/api/state"} {
				if resp, err := http.Get(srv.URL + path); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			if stuck {
				o.Stuck(time.Second)
			}
		}
	})
	return func() { close(done); wg.Wait(); srv.Close() }
}

// w2 is poolbench's W2 with one submitter: the shape of poolbench's
// runBaton.
func w2(n int, observed bool) {
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	p := pool.New(workers, pool.WithQueue(max(workers, 1024)))
	if observed {
		o := observe.New()
		if err := o.Register(prometheus.NewRegistry(), "w2", p); err != nil {
			panic(err)
		}
		defer watcher(o, true)()
	}
	task := func(context.Context) error { poolbench.Tiny(); return nil }
	for range n {
		if err := p.Submit(ctx, task); err != nil {
			panic(err)
		}
	}
	if err := p.Close(); err != nil {
		panic(err)
	}
}

// w4 is pipebench's baton row: From → Map(workers) → Reduce, checking the
// sum.
func w4(r pipebench.Row, observed bool) {
	opts := []pipeline.Option{pipeline.Workers(r.Workers)}
	if r.Ordered {
		opts = append(opts, pipeline.Ordered())
	}
	var sinkOpts []pipeline.Option
	if observed {
		o := observe.New()
		m := pipeline.NewMonitor()
		if err := o.Register(prometheus.NewRegistry(), "w4", m); err != nil {
			panic(err)
		}
		defer watcher(o, false)()
		sinkOpts = append(sinkOpts, observedOptions(m)...)
	}
	s := pipeline.Map(pipeline.From(func(yield func(int) bool) {
		for i := range r.Items {
			if !yield(i) {
				return
			}
		}
	}), func(_ context.Context, v int) (int, error) { return r.Work.Do(v), nil }, opts...)
	sum, err := pipeline.Reduce(context.Background(), s, 0, func(_ context.Context, acc, v int) (int, error) {
		return acc + v, nil
	}, sinkOpts...)
	if err != nil {
		panic(err)
	}
	if sum != pipebench.Want(r.Items) {
		panic(fmt.Sprintf("%s: the sink summed %d, want %d", r.Name, sum, pipebench.Want(r.Items)))
	}
}
