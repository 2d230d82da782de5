package pool_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/baton-go/baton/pool"
)

// Submit waits only while the queue is full. Here every worker is stuck in
// a task that waits for the producer, so the queue drains by one slot and
// no further: the next Submit must take that slot. A Submit that waited
// for more room than that (a low-water mark, say) would wait forever.
func TestSubmitTakesTheOneFreeSlot(t *testing.T) {
	g := newGate()
	l := newLedger(6)
	p := pool.New(1, pool.WithQueue(4))
	submit := func(id int) {
		err := p.Submit(hangCtx(t), func(ctx context.Context) error {
			l.ran[id].Add(1)
			return g.task(ctx)
		})
		if err != nil {
			l.refused[id].Add(1)
			t.Errorf("task %d: %v", id, err)
		}
	}
	submit(0)
	eventually(t, "task 0 runs", func() bool { return g.waiting.Load() == 1 })
	for id := 1; id <= 4; id++ { // the queue is full now
		submit(id)
	}
	// Task 5 waits for room. Then a second worker takes task 1 and blocks
	// too: one slot is free, and only the producer can open the gate.
	done := make(chan struct{})
	go func() {
		defer close(done)
		submit(5)
	}()
	eventually(t, "task 5 waits", func() bool { return p.Stats().Waiting == 1 })
	p.Resize(2)
	<-done
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if ran, _ := l.check(t); ran != 6 {
		t.Fatalf("%d tasks ran, want 6", ran)
	}
}

// With every task blocked until the producers are done, a pool holds
// exactly workers + queue tasks, and every Submit of that many must return
// while none of them has finished, whatever the interleaving of the workers
// taking tasks and the submitters filling the queue. Every task then runs
// exactly once. The same holds for a Results whose window has room for all.
func TestStressBlockedWorkersFillTheQueue(t *testing.T) {
	rounds := 200
	if testing.Short() {
		rounds = 50
	}
	for round := range rounds {
		r := rand.New(rand.NewPCG(uint64(round), 7))
		workers, queue, submitters := 1+r.IntN(4), r.IntN(9), 1+r.IntN(4)
		results := round%2 == 1
		name := fmt.Sprintf("round=%d/workers=%d/queue=%d/submitters=%d/results=%t", round, workers, queue, submitters, results)
		n := workers + queue
		g := newGate()
		l := newLedger(n)
		var submit func(id int) error
		var finish func() error
		if results {
			rp := pool.NewResults[int](workers, pool.WithQueue(queue), pool.WithWindow(n), pool.Unordered())
			submit = func(id int) error {
				return rp.Submit(hangCtx(t), func(ctx context.Context) (int, error) {
					l.ran[id].Add(1)
					return id, g.task(ctx)
				})
			}
			finish = func() error {
				rp.Close()
				count := 0
				for _, err := range rp.All() {
					if err != nil {
						return err
					}
					count++
				}
				if count != n {
					return fmt.Errorf("%d results, want %d", count, n)
				}
				return nil
			}
		} else {
			p := pool.New(workers, pool.WithQueue(queue))
			submit = func(id int) error {
				return p.Submit(hangCtx(t), func(ctx context.Context) error {
					l.ran[id].Add(1)
					return g.task(ctx)
				})
			}
			finish = p.Close
		}
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for s := range submitters {
			wg.Go(func() {
				for id := s; id < n; id += submitters {
					if err := submit(id); err != nil {
						l.refused[id].Add(1)
						errs <- fmt.Errorf("task %d: %w", id, err)
					}
				}
			})
		}
		wg.Wait()
		g.open()
		close(errs)
		for err := range errs {
			t.Errorf("%s: %v", name, err)
		}
		if err := finish(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if t.Failed() {
			t.FailNow()
		}
		if ran, _ := l.check(t); ran != n {
			t.Fatalf("%s: %d tasks ran, want %d", name, ran, n)
		}
	}
}
