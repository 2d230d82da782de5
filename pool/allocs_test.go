//go:build !race

package pool_test

import (
	"context"
	"testing"

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
