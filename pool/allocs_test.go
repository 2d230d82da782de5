//go:build !race

package pool_test

import (
	"context"
	"runtime"
	"testing"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pool"
)

// The pool allocates nothing per task in steady state: not when the queue
// has room, not when the submitter waits for it, not when many wait in
// line. (The race detector allocates on its own, hence the build tag.)
func TestNoAllocationPerTask(t *testing.T) {
	ctx := context.Background()
	for _, q := range []int{0, 1, 2, 64} {
		p := pool.New(2, pool.WithQueue(q))
		for range 1000 { // warm up: followers, wait queues, stacks
			p.Submit(ctx, nop)
		}
		if n := testing.AllocsPerRun(5000, func() { p.Submit(ctx, nop) }); n != 0 {
			t.Errorf("queue %d: %.2f allocations per Submit", q, n)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// Serve allocates nothing per message either.
func TestServeNoAllocationPerMessage(t *testing.T) {
	tx, rx := channel.Bounded[int](1024)
	const n = 20000
	done := make(chan float64)
	go func() {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		pool.Serve(context.Background(), rx, 2, func(context.Context, int) error { return nil })
		runtime.ReadMemStats(&after)
		done <- float64(after.Mallocs-before.Mallocs) / n
	}()
	for i := range n {
		tx.Send(i)
	}
	tx.Close()
	// Starting the workers allocates a little, once; per message nothing.
	if per := <-done; per > 0.05 {
		t.Errorf("%.3f allocations per message", per)
	}
}
