// Command overhead measures what observe costs a pool and a pipeline with
// everything attached, against the same run with nothing attached and
// with only the core's hook attached (the pool's task hook with an
// observer that does nothing; a pipeline's Monitor and stall watch): the
// pool's W2 (tiny tasks, one submitter, workers = GOMAXPROCS; see
// bench/poolbench) and the pipeline's W4 rows with 4 workers (see
// bench/pipebench). The three variants run interleaved in one process,
// in an order that rotates from round to round, and each round gives
// ratios to the plain run; it prints their medians and spreads. The hook
// column is what the core costs an observer; the observed column adds
// observe's own work on top.
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
	"runtime/pprof"
	"slices"
	"strings"
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
	only := flag.String("only", "", "run only the workload of this name (W2 or a W4 row's name)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this `file`")
	flag.Parse()
	if *rounds < 1 || *tasks < 1 || *items < 1 {
		fmt.Fprintln(os.Stderr, "overhead: -rounds, -tasks and -items must be at least 1")
		os.Exit(2)
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "overhead:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "overhead:", err)
			os.Exit(1)
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	run := func(name string, rounds, n int, fn func(mode)) {
		if *only == "" || strings.HasPrefix(name, *only) {
			report(name, rounds, n, fn)
		}
	}
	us := pipebench.ItersPerMicrosecond()
	fmt.Printf("GOMAXPROCS=%d, %d rounds, interleaved; ns per task or item (median over rounds), and each variant's ratio to plain: median [min, max]\n\n",
		runtime.GOMAXPROCS(0), *rounds)
	fmt.Printf("%-26s %8s %8s %9s %22s %22s\n", "workload", "plain", "hook", "observed", "hook/plain", "observed/plain")
	run("W2 (1 submitter, tiny)", *rounds, *tasks, func(m mode) { w2(*tasks, m) })
	for _, r := range []pipebench.Row{
		{Name: "W4/noop/n=4/unordered", Items: *items, Workers: 4},
		{Name: "W4/noop/n=4/ordered", Items: *items, Workers: 4, Ordered: true},
		{Name: "W4/spin1us/n=4/unordered", Items: *items, Workers: 4, Work: pipebench.Work{Spin: us}},
		{Name: "W4/spin1us/n=4/ordered", Items: *items, Workers: 4, Ordered: true, Work: pipebench.Work{Spin: us}},
	} {
		run(r.Name, *rounds, r.Items, func(m mode) { w4(r, m) })
	}
}

// mode is what a run has attached.
type mode int

const (
	plain    mode = iota // nothing
	hook                 // the core's hook, feeding nothing
	observed             // everything: observe registered and watching
)

// report runs fn in each mode, rounds times, and prints a row.
func report(name string, rounds, n int, fn func(mode)) {
	for m := range observed + 1 { // warm up
		fn(m)
	}
	var ns [3][]float64
	var ratio [3][]float64
	for i := range rounds {
		order := []mode{plain, hook, observed}
		k := i % 3
		order = append(order[k:], order[:k]...)
		if (i/3)%2 == 1 {
			slices.Reverse(order)
		}
		var t [3]float64
		for _, m := range order {
			runtime.GC()
			start := time.Now()
			fn(m)
			t[m] = float64(time.Since(start).Nanoseconds()) / float64(n)
		}
		for m := range t {
			ns[m] = append(ns[m], t[m])
			ratio[m] = append(ratio[m], t[m]/t[plain])
		}
	}
	spread := func(xs []float64) string {
		return fmt.Sprintf("%.3f [%.3f, %.3f]", median(xs), slices.Min(xs), slices.Max(xs))
	}
	fmt.Printf("%-26s %8.1f %8.1f %9.1f %22s %22s\n", name, median(ns[plain]), median(ns[hook]), median(ns[observed]),
		spread(ratio[hook]), spread(ratio[observed]))
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
func w2(n int, m mode) {
	ctx := context.Background()
	workers := runtime.GOMAXPROCS(0)
	p := pool.New(workers, pool.WithQueue(max(workers, 1024)))
	switch m {
	case hook:
		p.Observe("w2", nopObserver{})
	case observed:
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
func w4(r pipebench.Row, m mode) {
	opts := []pipeline.Option{pipeline.Workers(r.Workers)}
	if r.Ordered {
		opts = append(opts, pipeline.Ordered())
	}
	var sinkOpts []pipeline.Option
	if m != plain {
		mon := pipeline.NewMonitor()
		sinkOpts = observedOptions(mon)
		if m == observed {
			o := observe.New()
			if err := o.Register(prometheus.NewRegistry(), "w4", mon); err != nil {
				panic(err)
			}
			defer watcher(o, false)()
		}
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

// nopObserver is a TaskObserver that does nothing: with it attached, a
// pool pays for its hook alone.
type nopObserver struct{}

func (nopObserver) TaskDone(waited, ran time.Duration) {}
