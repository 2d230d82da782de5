package pool_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/pool"
)

type quietObserver struct{}

func (quietObserver) TaskDone(waited, ran time.Duration) {}

// TestQueuedTaskNumbers: a plain task waits in the queue as its function
// alone, and gets its number back when a worker takes it, from the count
// taken. Running shows each queued task, as it runs, under the number it
// was accepted with, on every path a task takes: handed to a fresh or a
// parked worker, queued, or queued from the line of waiting submitters.
func TestQueuedTaskNumbers(t *testing.T) {
	ctx := hangCtx(t)
	p := pool.New(2, pool.WithQueue(8))
	p.Observe("numbers", quietObserver{})
	const n = 200
	var mu sync.Mutex
	var bad []string
	check := func(want uint64) func(context.Context) error {
		return func(context.Context) error {
			found := false
			for _, r := range p.Running() {
				found = found || r.Seq == want
			}
			if !found {
				mu.Lock()
				bad = append(bad, "task "+itoa(want)+" not in Running as itself")
				mu.Unlock()
			}
			return nil
		}
	}
	for round := range 3 {
		release := make(chan struct{})
		base := uint64(round * (n + 2))
		for range 2 { // both workers held: what follows queues, then waits in line
			if err := p.Submit(ctx, func(context.Context) error { <-release; return nil }); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		wg.Go(func() {
			for i := range n {
				if err := p.Submit(ctx, check(base+2+uint64(i))); err != nil {
					t.Error(err)
				}
			}
		})
		eventually(t, "a full queue", func() bool { return p.Stats().Waiting == 1 })
		close(release)
		wg.Wait()
		eventually(t, "the workers idle", func() bool { return p.Stats().Running == 0 })
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Fatalf("%d of %d: %v", len(bad), 3*n, bad[0])
	}
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
