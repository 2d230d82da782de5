package tour

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

// patterns runs the tutorial's three designs with baton's pool and pipeline
// packages: workers pulling from one queue, a pipeline of stages, and
// fan-out to workers with fan-in to one consumer.
func patterns(ctx context.Context, out io.Writer) error {
	// Worker pool: 3 workers, a queue of 2. Submit waits while the queue is
	// full, so a producer cannot run ahead of the workers.
	p := pool.New(3, pool.WithQueue(2), pool.WithContext(ctx))
	for job := range 12 {
		err := p.Submit(ctx, func(ctx context.Context) error {
			channel.After(time.Millisecond).RecvContext(ctx) // a job takes 1ms
			switch job {
			case 5:
				return errors.New("job 5: disk full")
			case 9:
				limits := map[string]*struct{ Retries int }{}
				return fmt.Errorf("retries: %d", limits["job 9"].Retries) // a bug: a nil pointer
			}
			return nil
		})
		if err != nil {
			break // ctx ended
		}
	}
	err := p.Close() // waits for every task; their errors, joined
	st := p.Stats()
	fmt.Fprintf(out, "pool: %d submitted, %d succeeded, %d failed, %d panicked\n",
		st.Submitted, st.Succeeded, st.Failed, st.Panicked)
	for _, line := range strings.Split(fmt.Sprint(err), "\n") {
		fmt.Fprintf(out, "  Close: %s\n", line)
	}

	// The tutorial's own shape: workers pulling from a channel until it
	// disconnects. pool.Serve runs them and returns when the channel ends.
	jobs, queue := channel.Bounded[int](4)
	producer := task.Spawn(func() (struct{}, error) {
		defer jobs.Close() // the end of the jobs ends Serve
		for i := 1; i <= 20; i++ {
			if err := jobs.SendContext(ctx, i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	var sum atomic.Int64
	err = pool.Serve(ctx, queue, 4, func(ctx context.Context, n int) error {
		sum.Add(int64(n))
		return nil
	})
	queue.Close() // if Serve stopped early, this frees the producer
	producer.Join()
	fmt.Fprintf(out, "pool.Serve: 4 workers summed 1..20 = %d, err=%v\n", sum.Load(), err)

	// Results in submission order, however the tasks finish.
	squares := pool.NewResults[int](3, pool.WithContext(ctx))
	submitter := task.Spawn(func() (struct{}, error) {
		defer squares.Close()     // All ends after the last result
		for n := 5; n >= 1; n-- { // the first submitted are the slowest
			err := squares.Submit(ctx, func(ctx context.Context) (int, error) {
				channel.After(time.Duration(n) * time.Millisecond).RecvContext(ctx)
				return n * n, ctx.Err()
			})
			if err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	})
	var inOrder []int
	for v, err := range squares.All() {
		if err != nil {
			break // breaking out cancels what is left, and waits for it
		}
		inOrder = append(inOrder, v)
	}
	if _, err := submitter.Join(); err != nil {
		return err
	}
	fmt.Fprintf(out, "pool.NewResults: %v, in submission order\n", inOrder)

	// A group: a web handler's tasks on the process's one shared pool. Each
	// request submits its own lookups and waits for those alone, never for
	// other requests'; with CancelOnError the first failure cancels the
	// request's other lookups, as errgroup does.
	shared := pool.New(4, pool.WithContext(ctx))
	prices := map[string]int{"apple": 3, "pear": 5, "plum": 7}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		items := strings.Split(r.URL.Query().Get("items"), ",")
		g := pool.NewResultGroup[int](shared, r.Context(), pool.CancelOnError())
		for _, item := range items {
			err := g.Submit(func(ctx context.Context) (int, error) {
				price, ok := prices[item] // a call to a price service, say
				if !ok {
					return 0, fmt.Errorf("%s: no price", item)
				}
				return price, nil
			})
			if err != nil {
				break // an earlier lookup failed, or the client went away
			}
		}
		found, err := g.Wait() // in the order submitted
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for i, item := range items {
			fmt.Fprintf(w, "%s=%d ", item, found[i])
		}
	})
	queries := []string{"apple,pear,plum", "apple,kiwi,plum"}
	answers := make([]*httptest.ResponseRecorder, len(queries))
	var requests sync.WaitGroup
	for i, q := range queries { // two requests at once, on the one pool
		requests.Go(func() {
			answers[i] = httptest.NewRecorder()
			handler.ServeHTTP(answers[i], httptest.NewRequestWithContext(ctx, "GET", "/prices?items="+q, nil))
		})
	}
	requests.Wait()
	if err := shared.Close(); err != nil {
		return err
	}
	for i, q := range queries {
		fmt.Fprintf(out, "group: GET /prices?items=%s -> %d %s\n", q, answers[i].Code, strings.TrimSpace(answers[i].Body.String()))
	}

	// Pipeline: stages joined by bounded channels; Ordered keeps the
	// input's order although two workers map at once.
	words := []string{"message", "passing", "keeps", "state", "private"}
	upper := pipeline.Map(pipeline.From(slices.Values(words)),
		func(ctx context.Context, w string) (string, error) { return strings.ToUpper(w), nil },
		pipeline.Workers(2), pipeline.Ordered(), pipeline.Name("upper"))
	long := pipeline.Filter(upper,
		func(ctx context.Context, w string) (bool, error) { return len(w) > 5, nil }, pipeline.Name("long"))
	got, err := pipeline.Collect(ctx, long)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "pipeline: %v -> %v\n", words, got)

	// Fan-out / fan-in: Split hands each number to one of two branches,
	// each its own worker; Merge brings the replies back to one stream.
	branches := pipeline.Split(pipeline.From(slices.Values([]int{1, 2, 3, 4, 5, 6})), 2)
	var replies []*pipeline.Stream[string]
	for i, b := range branches {
		replies = append(replies, pipeline.Map(b, func(ctx context.Context, n int) (string, error) {
			return fmt.Sprintf("%d²=%d", n, n*n), nil
		}, pipeline.Name(fmt.Sprint("worker", i+1))))
	}
	all, err := pipeline.Collect(ctx, pipeline.Merge(replies...))
	if err != nil {
		return err
	}
	slices.Sort(all) // the branches interleave in any order
	fmt.Fprintf(out, "fan-out/fan-in: %d replies: %s\n", len(all), strings.Join(all, " "))
	return nil
}
