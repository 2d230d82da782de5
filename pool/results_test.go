package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

// jitter spends a random while: yields, and now and then a short sleep, so
// tasks finish out of order. Nothing is measured.
func jitter(r *rand.Rand) {
	switch r.IntN(10) {
	case 0:
		time.Sleep(time.Duration(r.IntN(200)) * time.Microsecond)
	case 1, 2, 3:
		for range r.IntN(20) {
			runtime.Gosched()
		}
	}
}

func TestResultsOrderAndWindow(t *testing.T) {
	for _, tc := range []struct{ workers, window int }{{1, 1}, {4, 1}, {4, 3}, {8, 16}, {3, 50}} {
		t.Run(fmt.Sprintf("workers=%d/window=%d", tc.workers, tc.window), func(t *testing.T) {
			const n = 600
			r := pool.NewResults[int](tc.workers, pool.WithWindow(tc.window))
			// taken counts results the reader's loop body has seen;
			// started, tasks begun. A task may start only within the
			// window ahead of the reader. The result on its way to the
			// loop body has already left the window when the body counts
			// it, hence the one extra.
			var taken, started, over atomic.Int64
			bound := int64(tc.window) + 1
			go func() {
				defer r.Close()
				for i := range n {
					seed := uint64(i)
					err := r.Submit(hangCtx(t), func(context.Context) (int, error) {
						if s := started.Add(1); s-taken.Load() > bound {
							over.Store(s - taken.Load())
						}
						jitter(rand.New(rand.NewPCG(seed, 7)))
						if i%7 == 0 {
							return -i, fmt.Errorf("task %d", i)
						}
						return i * i, nil
					})
					if err != nil {
						panic(err)
					}
				}
			}()
			i := 0
			for v, err := range r.All() {
				taken.Add(1)
				if i%7 == 0 {
					if v != -i || err == nil || err.Error() != fmt.Sprintf("task %d", i) {
						t.Fatalf("result %d: %v, %v", i, v, err)
					}
				} else if v != i*i || err != nil {
					t.Fatalf("result %d: %v, %v (out of order?)", i, v, err)
				}
				i++
			}
			if i != n {
				t.Fatalf("%d results, want %d", i, n)
			}
			if o := over.Load(); o != 0 {
				t.Fatalf("%d tasks started ahead of the reader, window %d", o-1, tc.window)
			}
		})
	}
}

func TestResultsSlowHeadHoldsBackAtMostTheWindow(t *testing.T) {
	const window = 5
	r := pool.NewResults[int](4, pool.WithWindow(window), pool.WithQueue(100))
	release := make(chan struct{})
	var started atomic.Int64
	go func() {
		defer r.Close()
		for i := range 100 {
			r.Submit(hangCtx(t), func(context.Context) (int, error) {
				started.Add(1)
				if i == 0 {
					<-release // the slow head
				}
				return i, nil
			})
		}
	}()
	// While the head is stuck, the others may run only within the window.
	eventually(t, "window filled", func() bool { return started.Load() == window })
	for range 50 {
		runtime.Gosched()
	}
	if s := started.Load(); s != window {
		t.Fatalf("%d tasks started behind a stuck head, window %d", s, window)
	}
	close(release)
	i := 0
	for v, err := range r.All() {
		if v != i || err != nil {
			t.Fatalf("result %d: %v %v", i, v, err)
		}
		i++
	}
}

func TestResultsUnordered(t *testing.T) {
	r := pool.NewResults[int](4, pool.Unordered(), pool.WithWindow(2))
	const n = 500
	go func() {
		defer r.Close()
		for i := range n {
			r.Submit(hangCtx(t), func(context.Context) (int, error) {
				jitter(rand.New(rand.NewPCG(uint64(i), 1)))
				return i, nil
			})
		}
	}()
	seen := make([]bool, n)
	count := 0
	for v, err := range r.All() {
		if err != nil || seen[v] {
			t.Fatalf("result %d: %v, seen before: %v", v, err, seen[v])
		}
		seen[v] = true
		count++
	}
	if count != n {
		t.Fatalf("%d results, want %d", count, n)
	}
}

func TestResultsBreakStopsEverything(t *testing.T) {
	for _, unordered := range []bool{false, true} {
		opts := []pool.Option{pool.WithQueue(4)}
		if unordered {
			opts = append(opts, pool.Unordered())
		}
		r := pool.NewResults[int](3, opts...)
		var ran atomic.Int64
		var cancelled atomic.Int64
		producer := make(chan error, 1)
		go func() {
			defer r.Close()
			for i := 0; ; i++ {
				err := r.Submit(hangCtx(t), func(ctx context.Context) (int, error) {
					ran.Add(1)
					if i > 10 {
						<-ctx.Done() // only the break ends these
						cancelled.Add(1)
						return 0, ctx.Err()
					}
					return i, nil
				})
				if err != nil {
					producer <- err
					return
				}
			}
		}()
		for v := range r.All() {
			if v == 5 || unordered && v >= 0 {
				break
			}
		}
		// All has returned: every worker is gone (goleak checks the rest),
		// and the producer is refused.
		if err := <-producer; !errors.Is(err, pool.ErrClosed) {
			t.Fatalf("Submit after the reader left: %v", err)
		}
		if st := r.Stats(); st.Running != 0 || st.Workers != 0 {
			t.Fatalf("stats after break: %+v", st)
		}
		for range r.All() {
			t.Fatal("a second range after a break yielded")
		}
	}
}

func TestResultsPanicInLoopBodyStops(t *testing.T) {
	r := pool.NewResults[int](2)
	go func() {
		defer r.Close()
		for i := range 100 {
			if r.Submit(hangCtx(t), func(ctx context.Context) (int, error) { return i, nil }) != nil {
				return
			}
		}
	}()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the loop body's panic was lost")
			}
		}()
		for v := range r.All() {
			if v == 3 {
				panic("reader")
			}
		}
	}()
}

func TestResultsErrorsAndPanics(t *testing.T) {
	r := pool.NewResults[string](2)
	boom := errors.New("boom")
	go func() {
		defer r.Close()
		r.Submit(hangCtx(t), func(context.Context) (string, error) { return "a", nil })
		r.Submit(hangCtx(t), func(context.Context) (string, error) { return "", boom })
		r.Submit(hangCtx(t), func(context.Context) (string, error) { panic("p") })
		r.Submit(hangCtx(t), func(context.Context) (string, error) { runtime.Goexit(); return "", nil })
		r.Submit(hangCtx(t), func(context.Context) (string, error) { return "e", nil })
	}()
	var got []string
	var errs []error
	for v, err := range r.All() {
		got = append(got, v)
		errs = append(errs, err)
	}
	if fmt.Sprint(got) != "[a    e]" {
		t.Fatalf("values %q", got)
	}
	if errs[0] != nil || errs[1] != boom || !errors.Is(errs[2], task.ErrPanicked) || errs[3] != task.ErrGoexit || errs[4] != nil {
		t.Fatalf("errors %v", errs)
	}
	if st := r.Stats(); st.Succeeded != 2 || st.Failed != 2 || st.Panicked != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestResultsCancelledTasksYieldErrors(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	r := pool.NewResults[int](1, pool.WithQueue(10), pool.WithContext(parent))
	g := newGate()
	r.Submit(hangCtx(t), func(ctx context.Context) (int, error) { return 0, g.task(ctx) })
	eventually(t, "running", func() bool { return g.waiting.Load() == 1 })
	for i := range 5 {
		r.Submit(hangCtx(t), func(context.Context) (int, error) { return i, nil })
	}
	cancel()
	n := 0
	for _, err := range r.All() {
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("result %d of a cancelled pool: %v", n, err)
		}
		n++
	}
	if n != 6 {
		t.Fatalf("%d results, want 6", n)
	}
}

func TestResultsConcurrentAllPanics(t *testing.T) {
	r := pool.NewResults[int](1)
	g := newGate()
	r.Submit(hangCtx(t), func(ctx context.Context) (int, error) { return 1, nil })
	r.Submit(hangCtx(t), func(ctx context.Context) (int, error) { return 2, g.task(ctx) })
	r.Close()
	var wg sync.WaitGroup
	inside := make(chan struct{})
	wg.Go(func() {
		for v := range r.All() {
			if v == 1 { // the range is running: its body has a result
				close(inside)
			}
		}
	})
	<-inside
	mustPanicWith(t, "another range", func() {
		for range r.All() {
		}
	})
	g.open()
	wg.Wait()
}
