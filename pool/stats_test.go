package pool_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/pool"
)

// TestStatsWhileRunning reads Stats and Running from several goroutines
// while submitters, failing and panicking tasks, and Resize churn the pool.
// Every reading must be sane (nothing negative, nothing ended that was
// not submitted) and no counter may go back, as a Prometheus counter must
// not; after Close the counts must equal the ledger the tasks kept.
func TestStatsWhileRunning(t *testing.T) {
	n := 20000
	if raceEnabled || testing.Short() {
		n = 2000
	}
	for _, q := range []int{0, 8} {
		p := pool.New(4, pool.WithQueue(q))
		p.Observe("stats", nopObserver{})
		var ok, bad, boom atomic.Int64
		stop := make(chan struct{})
		var readers sync.WaitGroup
		for range 3 {
			readers.Go(func() {
				var last pool.Stats
				for {
					select {
					case <-stop:
						return
					default:
					}
					s := p.Stats()
					if s.Running < 0 || s.Queued < 0 || s.Waiting < 0 ||
						s.Succeeded+s.Failed+s.Panicked+s.Cancelled > s.Submitted {
						t.Errorf("queue %d: insane reading %+v", q, s)
						return
					}
					if s.Submitted < last.Submitted || s.Succeeded < last.Succeeded || s.Failed < last.Failed ||
						s.Panicked < last.Panicked || s.Rejected < last.Rejected {
						t.Errorf("queue %d: a counter went back: %+v after %+v", q, s, last)
						return
					}
					last = s
					for _, r := range p.Running() {
						if r.Seq >= uint64(p.Stats().Submitted) {
							t.Errorf("queue %d: running task %d never submitted", q, r.Seq)
							return
						}
					}
				}
			})
		}
		var submitters sync.WaitGroup
		for s := range 4 {
			submitters.Go(func() {
				for i := range n / 4 {
					if s == 0 && i%500 == 0 {
						p.Resize(1 + i/500%5)
					}
					var fn func(context.Context) error
					switch i % 50 {
					case 7:
						fn = func(context.Context) error { bad.Add(1); return errors.New("no") }
					case 13:
						fn = func(context.Context) error { boom.Add(1); panic("boom") }
					default:
						fn = func(context.Context) error { ok.Add(1); return nil }
					}
					if err := p.Submit(hangCtx(t), fn); err != nil {
						t.Error(err)
						return
					}
				}
			})
		}
		submitters.Wait()
		if err := p.Close(); err == nil {
			t.Fatal("Close: nil, want the failed tasks' errors")
		}
		close(stop)
		readers.Wait()
		s := p.Stats()
		want := pool.Stats{Submitted: int64(n), Succeeded: ok.Load(), Failed: bad.Load(), Panicked: boom.Load()}
		if s != want {
			t.Fatalf("queue %d: Stats after Close %+v, want %+v", q, s, want)
		}
		if r := p.Running(); len(r) != 0 {
			t.Fatalf("queue %d: Running after Close: %+v", q, r)
		}
	}
}

// nopObserver is an observer that does nothing.
type nopObserver struct{}

func (nopObserver) TaskDone(waited, ran time.Duration) {}
