package pool_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/baton-go/baton/pool"
)

// A handler submits its request's tasks to the process's one pool as a
// group, and waits for those alone.
func ExamplePool_Group() {
	shared := pool.New(4) // made once, for the whole process
	defer shared.Close()

	handle := func(ctx context.Context, ids []int) (int64, error) {
		g := shared.Group(ctx)
		var total atomic.Int64
		for _, id := range ids {
			err := g.Submit(func(ctx context.Context) error {
				if id < 0 {
					return fmt.Errorf("item %d: no such item", id)
				}
				total.Add(int64(id))
				return nil
			})
			if err != nil {
				break // the request's context ended
			}
		}
		err := g.Wait() // this request's tasks only; every error, joined
		return total.Load(), err
	}

	fmt.Println(handle(context.Background(), []int{1, 2, 3, 4}))
	fmt.Println(handle(context.Background(), []int{5, -6, 7}))
	// Output:
	// 10 <nil>
	// 12 item -6: no such item
}

// With CancelOnError a group behaves as errgroup.WithContext: the first
// error cancels the others, and Wait returns it alone.
func ExampleCancelOnError() {
	p := pool.New(1, pool.WithQueue(8))

	g := p.Group(context.Background(), pool.CancelOnError())
	queued := make(chan struct{})
	g.Submit(func(ctx context.Context) error {
		<-queued
		return errors.New("replica 1: timeout")
	})
	for range 3 {
		g.Submit(func(ctx context.Context) error { return nil }) // dropped unrun
	}
	close(queued)
	fmt.Println("Wait:", g.Wait())
	fmt.Println("cause:", context.Cause(g.Context()))
	p.Close() // the pool's own counts are final once it is closed
	fmt.Println("cancelled:", p.Stats().Cancelled)
	// Output:
	// Wait: replica 1: timeout
	// cause: replica 1: timeout
	// cancelled: 3
}

// A result group hands back its values in its own submission order,
// however the tasks finish.
func ExampleNewResultGroup() {
	p := pool.New(4)
	defer p.Close()

	g := pool.NewResultGroup[string](p, context.Background())
	for _, w := range []string{"groups", "share", "one", "pool"} {
		g.Submit(func(ctx context.Context) (string, error) { return strings.ToUpper(w), nil })
	}
	words, err := g.Wait()
	fmt.Println(words, err)
	// Output: [GROUPS SHARE ONE POOL] <nil>
}

// A Results streams its own tasks' values to All while a group on the same
// workers collects its own: neither sees the other's.
func ExampleResults_Group() {
	r := pool.NewResults[int](4)
	for i := 1; i <= 3; i++ {
		r.Submit(context.Background(), func(context.Context) (int, error) { return i, nil })
	}

	g := r.Group(context.Background())
	for i := 1; i <= 3; i++ {
		g.Submit(func(context.Context) (int, error) { return 100 * i, nil })
	}
	hundreds, err := g.Wait()
	fmt.Println("group:", hundreds, err)

	r.Close()
	for v, err := range r.All() {
		fmt.Println("stream:", v, err)
	}
	// Output:
	// group: [100 200 300] <nil>
	// stream: 1 <nil>
	// stream: 2 <nil>
	// stream: 3 <nil>
}

// A subpool gives a part of the program at most n of the pool's workers.
func ExamplePool_Subpool() {
	p := pool.New(8)
	defer p.Close()

	resize := p.Subpool(2) // image resizing takes at most 2 of the 8 workers
	var now, peak atomic.Int32
	for range 20 {
		resize.Submit(context.Background(), func(ctx context.Context) error {
			n := now.Add(1)
			for {
				p := peak.Load()
				if n <= p || peak.CompareAndSwap(p, n) {
					break
				}
			}
			now.Add(-1)
			return nil
		})
	}
	err := resize.Close() // waits for the subpool's tasks, not the pool's
	st := resize.Stats()
	fmt.Println("Close:", err, "- succeeded:", st.Succeeded, "- at most 2 at once:", peak.Load() <= 2)
	// Output: Close: <nil> - succeeded: 20 - at most 2 at once: true
}
