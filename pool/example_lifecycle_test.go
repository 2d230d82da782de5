package pool_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/baton-go/baton/pool"
)

// TrySubmit never waits: with every worker busy and the queue full it
// says ErrFull at once, and the caller decides (shed the load, retry
// later, run it inline).
func ExamplePool_TrySubmit() {
	p := pool.New(1, pool.WithQueue(1))
	release := make(chan struct{})
	started := make(chan struct{})
	p.TrySubmit(func(context.Context) error { close(started); <-release; return nil })
	<-started // the one worker is busy
	fmt.Println("queued:", p.TrySubmit(func(context.Context) error { return nil }))
	err := p.TrySubmit(func(context.Context) error { return nil })
	fmt.Println("third:", err, errors.Is(err, pool.ErrFull))
	close(release)
	fmt.Println("close:", p.Close())
	// Output:
	// queued: <nil>
	// third: pool: queue full true
	// close: <nil>
}

// Shutdown is Close with a limit on patience: once its context ends,
// running tasks see theirs cancelled and queued tasks are dropped unrun,
// counted Cancelled, and the error says how many.
func ExamplePool_Shutdown() {
	p := pool.New(1)
	started := make(chan struct{})
	p.Submit(context.Background(), func(ctx context.Context) error {
		close(started)
		<-ctx.Done() // a long task that listens to its context
		return ctx.Err()
	})
	for range 3 {
		p.Submit(context.Background(), func(context.Context) error { return nil })
	}
	<-started
	deadline, cancel := context.WithCancel(context.Background())
	cancel() // patience already used up
	err := p.Shutdown(deadline)
	fmt.Println(errors.Is(err, context.Canceled))
	st := p.Stats()
	fmt.Println("failed:", st.Failed, "cancelled:", st.Cancelled)
	// Output:
	// true
	// failed: 1 cancelled: 3
}

// Resize changes the number of workers while the pool runs: after it
// returns, no task starts beyond the new limit.
func ExamplePool_Resize() {
	p := pool.New(4)
	p.Resize(1)
	fmt.Println("workers:", p.Stats().Workers)
	var running, most atomic.Int64
	for range 20 {
		p.Submit(context.Background(), func(context.Context) error {
			n := running.Add(1)
			for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
			}
			running.Add(-1)
			return nil
		})
	}
	p.Close()
	fmt.Println("most at once:", most.Load())
	// Output:
	// workers: 1
	// most at once: 1
}

// WithWindow bounds how many finished results wait for the reader: a
// window of 2 keeps at most two results ahead of the one the reader waits
// for, however many workers there are.
func ExampleWithWindow() {
	r := pool.NewResults[int](4, pool.WithWindow(2))
	go func() {
		for i := range 6 {
			r.Submit(context.Background(), func(context.Context) (int, error) { return i * 10, nil })
		}
		r.Close()
	}()
	var got []int
	for v, err := range r.All() {
		if err != nil {
			fmt.Println(err)
		}
		got = append(got, v)
	}
	fmt.Println(got)
	// Output: [0 10 20 30 40 50]
}
