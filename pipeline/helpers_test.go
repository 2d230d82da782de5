package pipeline_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// ledger counts how often each value arrived, to prove that nothing was
// lost or duplicated.
type ledger struct {
	mu   sync.Mutex
	seen map[int]int
}

func newLedger() *ledger { return &ledger{seen: map[int]int{}} }

func (l *ledger) add(v int) {
	l.mu.Lock()
	l.seen[v]++
	l.mu.Unlock()
}

// exactly checks that every value of want arrived exactly once and nothing
// else arrived.
func (l *ledger) exactly(t testing.TB, want []int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	wanted := map[int]bool{}
	for _, v := range want {
		wanted[v] = true
		if n := l.seen[v]; n != 1 {
			t.Fatalf("value %d arrived %d times, want once", v, n)
		}
	}
	for v, n := range l.seen {
		if !wanted[v] {
			t.Fatalf("value %d arrived %d times, want never", v, n)
		}
	}
}

func seq(n int) []int {
	xs := make([]int, n)
	for i := range xs {
		xs[i] = i
	}
	return xs
}

// jitter burns a random, small amount of time by yielding, so that workers
// finish out of order without any sleep.
func jitter() {
	for range rand.IntN(8) {
		runtime.Gosched()
	}
}

// gauge tracks how many callbacks run at once and the most ever seen.
type gauge struct {
	now, peak atomic.Int64
}

func (g *gauge) enter() {
	n := g.now.Add(1)
	for {
		p := g.peak.Load()
		if n <= p || g.peak.CompareAndSwap(p, n) {
			return
		}
	}
}

func (g *gauge) leave() { g.now.Add(-1) }

// cfgName names a subtest after its worker count and order.
func cfgName(workers int, ordered bool) string {
	return fmt.Sprintf("workers=%d/ordered=%v", workers, ordered)
}

var bg = context.Background()

// kinds are the one-to-one-or-fewer operators, built around one callback so
// that a test can run the same check on each.
var kinds = []string{"map", "filter", "flatmap"}

// op builds the operator kind on s, calling fn for every item: Map returns
// fn's value, Filter keeps the item, FlatMap gives one child.
func op(kind string, s *pipeline.Stream[int], fn func(ctx context.Context, v int) (int, error), opts ...pipeline.Option) *pipeline.Stream[int] {
	switch kind {
	case "map":
		return pipeline.Map(s, fn, opts...)
	case "filter":
		return pipeline.Filter(s, func(ctx context.Context, v int) (bool, error) {
			_, err := fn(ctx, v)
			return true, err
		}, opts...)
	default:
		return pipeline.FlatMap(s, func(ctx context.Context, v int) ([]int, error) {
			r, err := fn(ctx, v)
			return []int{r}, err
		}, opts...)
	}
}
