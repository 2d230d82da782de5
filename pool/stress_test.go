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

	"github.com/baton-go/baton/pool"
)

// ledger proves that every task either ran exactly once or was refused,
// never both and never neither.
type ledger struct {
	ran     []atomic.Int32
	refused []atomic.Int32
}

func newLedger(n int) *ledger {
	return &ledger{ran: make([]atomic.Int32, n), refused: make([]atomic.Int32, n)}
}

func (l *ledger) check(t *testing.T) (ran, refused int) {
	t.Helper()
	for i := range l.ran {
		r, f := l.ran[i].Load(), l.refused[i].Load()
		if r+f != 1 {
			t.Fatalf("task %d: ran %d times, refused %d times", i, r, f)
		}
		ran += int(r)
		refused += int(f)
	}
	return ran, refused
}

func TestStressSubmitResizeClose(t *testing.T) {
	submitters, perSubmitter := 16, 400
	if testing.Short() {
		perSubmitter = 100
	}
	for round := range 6 {
		t.Run(fmt.Sprint("round=", round), func(t *testing.T) {
			q := []int{0, 1, 4, 32}[round%4]
			p := pool.New(3, pool.WithQueue(q))
			l := newLedger(submitters * perSubmitter)
			var wg, resizer sync.WaitGroup
			stop := make(chan struct{})
			resizer.Go(func() { // Resize races the submitters
				r := rand.New(rand.NewPCG(uint64(round), 2))
				for {
					select {
					case <-stop:
						return
					default:
					}
					p.Resize(1 + r.IntN(6))
					runtime.Gosched()
				}
			})
			var closeAfter atomic.Int64
			closeAfter.Store(int64(submitters * perSubmitter / (1 + round%3)))
			var submitted atomic.Int64
			closed := make(chan error, 1)
			var closeOnce sync.Once
			for s := range submitters {
				wg.Go(func() {
					r := rand.New(rand.NewPCG(uint64(s), uint64(round)))
					for k := range perSubmitter {
						id := s*perSubmitter + k
						fn := func(context.Context) error {
							l.ran[id].Add(1)
							if r := id % 50; r == 0 {
								return errors.New("fails")
							}
							return nil
						}
						var err error
						switch r.IntN(4) {
						case 0:
							err = p.TrySubmit(fn)
						case 1:
							ctx, cancel := context.WithCancel(context.Background())
							if r.IntN(2) == 0 {
								cancel() // already done, or done while waiting
							} else {
								go cancel()
							}
							err = p.Submit(ctx, fn)
							cancel()
						default:
							err = p.Submit(hangCtx(t), fn)
						}
						if err != nil {
							l.refused[id].Add(1)
						}
						if submitted.Add(1) == closeAfter.Load() {
							closeOnce.Do(func() { go func() { closed <- p.Close() }() })
						}
					}
				})
			}
			wg.Wait()
			close(stop)
			resizer.Wait()
			closeOnce.Do(func() { go func() { closed <- p.Close() }() })
			first := <-closed
			if err := p.Close(); err != first {
				t.Fatalf("Close returned %v, then %v", first, err)
			}
			ran, refused := l.check(t)
			st := p.Stats()
			if int(st.Submitted) != ran || st.Succeeded+st.Failed != st.Submitted || int(st.Rejected) != refused {
				t.Fatalf("stats %+v; ledger: %d ran, %d refused", st, ran, refused)
			}
		})
	}
}

func TestStressResults(t *testing.T) {
	for round := range 4 {
		r := pool.NewResults[int](1+round, pool.WithWindow(1+round*3), pool.WithQueue(round))
		const n = 2000
		go func() {
			defer r.Close()
			var wg sync.WaitGroup
			// Several producers: the order is the order of acceptance, so
			// each producer's own values must come out in its order.
			for s := range 4 {
				wg.Go(func() {
					for k := range n / 4 {
						v := s*n + k
						if err := r.Submit(hangCtx(t), func(context.Context) (int, error) {
							jitter(rand.New(rand.NewPCG(uint64(v), 3)))
							return v, nil
						}); err != nil {
							panic(err)
						}
					}
				})
			}
			wg.Wait()
		}()
		last := []int{-1, -1, -1, -1}
		count := 0
		for v, err := range r.All() {
			if err != nil {
				t.Fatal(err)
			}
			s, k := v/n, v%n
			if k != last[s]+1 {
				t.Fatalf("producer %d: %d after %d", s, k, last[s])
			}
			last[s] = k
			count++
		}
		if count != n {
			t.Fatalf("%d results, want %d", count, n)
		}
	}
}
