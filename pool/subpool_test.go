package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

// gauge tracks how many tasks run at once, and the most ever seen.
type gauge struct{ now, peak atomic.Int32 }

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

// TestSubpoolStress: two subpools and the pool itself take tasks from many
// goroutines at once, some through groups. A ledger proves every accepted
// task ran exactly once and every refused one never did; the gauges prove
// that neither subpool ever ran more than its limit, nor the pool more than
// its workers; the subpools' counters add up (pond's subpool tests, as one
// stress).
func TestSubpoolStress(t *testing.T) {
	for _, q := range []int{0, 1, 8} {
		t.Run(fmt.Sprint("queue=", q), func(t *testing.T) {
			p := pool.New(4, pool.WithQueue(2))
			subs := []*pool.Subpool{p.Subpool(1, pool.WithQueue(q)), p.Subpool(3, pool.WithQueue(q))}
			var all gauge
			gauges := make([]gauge, len(subs))
			const submitters = 6
			per := stressScale(400)
			ran := make([]atomic.Int32, submitters*per)
			refused := make([]bool, submitters*per)
			var wg sync.WaitGroup
			for s := range submitters {
				wg.Go(func() {
					rng := rand.New(rand.NewPCG(uint64(s), 3))
					var gs [2]*pool.Group // a group on each subpool
					for i := range per {
						id := s*per + i
						which := rng.IntN(3) // 0, 1: a subpool; 2: the pool
						fn := func(context.Context) error {
							all.enter()
							if which < 2 {
								gauges[which].enter()
							}
							ran[id].Add(1)
							if rng := id % 7; rng == 0 {
								runtime.Gosched()
							}
							if which < 2 {
								gauges[which].leave()
							}
							all.leave()
							return nil
						}
						var err error
						switch {
						case which == 2:
							err = p.Submit(context.Background(), fn)
						case i%5 == 0:
							err = subs[which].TrySubmit(fn)
						case i%3 == 0:
							if gs[which] == nil {
								gs[which] = subs[which].Group(context.Background())
							}
							err = gs[which].Submit(fn)
						default:
							err = subs[which].Submit(context.Background(), fn)
						}
						if err != nil {
							if err != pool.ErrFull {
								t.Errorf("submit: %v", err)
							}
							refused[id] = true
						}
						if which < 2 && gs[which] != nil && i%10 == 9 {
							if err := gs[which].Wait(); err != nil {
								t.Errorf("group: %v", err)
							}
							gs[which] = nil
						}
					}
					for _, g := range gs {
						if g != nil {
							g.Wait()
						}
					}
				})
			}
			wg.Wait()
			for i, s := range subs {
				if err := s.Close(); err != nil {
					t.Errorf("subpool %d: Close = %v", i, err)
				}
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			var accepted int64
			for id := range ran {
				want := int32(1)
				if refused[id] {
					want = 0
				} else {
					accepted++
				}
				if got := ran[id].Load(); got != want {
					t.Fatalf("task %d ran %d times, want %d", id, got, want)
				}
			}
			var inSubs int64
			for i, s := range subs {
				limit := []int32{1, 3}[i]
				if peak := gauges[i].peak.Load(); peak > limit {
					t.Errorf("subpool %d ran %d tasks at once, limit %d", i, peak, limit)
				}
				st := s.Stats()
				if st.Submitted != st.Succeeded || st.Failed+st.Panicked+st.Cancelled != 0 || st.Workers != 0 {
					t.Errorf("subpool %d stats after Close: %+v", i, st)
				}
				inSubs += st.Submitted
			}
			if peak := all.peak.Load(); peak > 4 {
				t.Errorf("the pool ran %d tasks at once, with 4 workers", peak)
			}
			if st := p.Stats(); st.Submitted-st.Succeeded != 0 || inSubs > accepted {
				t.Errorf("pool stats %+v; subpools' tasks %d of %d accepted", st, inSubs, accepted)
			}
		})
	}
}

// blockers returns a task that reports its start and waits for release.
func blockers() (fn func(context.Context) error, started chan struct{}, release chan struct{}) {
	started, release = make(chan struct{}, 100), make(chan struct{})
	return func(context.Context) error {
		started <- struct{}{}
		<-release
		return nil
	}, started, release
}

// TestSubpoolDifferentLimits ports pond's test of the same name: with every
// task blocked, subpools of 1, 2 and 3 run exactly that many, and the pool
// of 7 fills its last worker with its own task.
func TestSubpoolDifferentLimits(t *testing.T) {
	p := pool.New(7, pool.WithQueue(10))
	fn, started, release := blockers()
	var subs []*pool.Subpool
	for n := 1; n <= 3; n++ {
		s := p.Subpool(n, pool.WithQueue(10))
		subs = append(subs, s)
		for range 10 {
			if err := s.Submit(context.Background(), fn); err != nil {
				t.Fatal(err)
			}
		}
		for range n {
			<-started
		}
	}
	for range 3 {
		p.Submit(context.Background(), fn)
	}
	<-started
	for i, s := range subs {
		if st := s.Stats(); st.Running != i+1 || st.Queued != 10-(i+1) {
			t.Errorf("subpool %d: %+v, want %d running", i+1, st, i+1)
		}
	}
	if st := p.Stats(); st.Running != 7 {
		t.Errorf("pool: %+v, want 7 running", st)
	}
	close(release)
	for i, s := range subs {
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if st := s.Stats(); st.Succeeded != 10 {
			t.Errorf("subpool %d: %+v", i+1, st)
		}
	}
	p.Close()
}

// TestSubpoolCloseWaitsForItsOwn: Close returns when the subpool's tasks
// are done, while a task of the pool itself still runs, and the pool keeps
// taking tasks.
func TestSubpoolCloseWaitsForItsOwn(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	fn, started, release := blockers()
	p.Submit(context.Background(), fn)
	<-started
	s := p.Subpool(1)
	var n atomic.Int32
	for range 20 {
		s.Submit(context.Background(), func(context.Context) error { n.Add(1); return nil })
	}
	if err := s.Close(); err != nil || n.Load() != 20 {
		t.Fatalf("Close = %v after %d of 20 tasks", err, n.Load())
	}
	if err := s.Submit(context.Background(), func(context.Context) error { return nil }); err != pool.ErrClosed {
		t.Fatalf("Submit after Close: %v", err)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatalf("the pool stopped with its subpool: %v", err)
	}
	close(release)
}

// TestSubpoolErrors: a subpool's errors, panics and Goexits come back from
// its own Close, joined, and its queue goes on after each; the parent's
// Close does not report them.
func TestSubpoolErrors(t *testing.T) {
	p := pool.New(2)
	s := p.Subpool(1, pool.WithQueue(8))
	boom := errors.New("boom")
	var after atomic.Int32
	s.Submit(context.Background(), func(context.Context) error { return boom })
	s.Submit(context.Background(), func(context.Context) error { panic("p") })
	s.Submit(context.Background(), func(context.Context) error { runtime.Goexit(); return nil })
	for range 3 {
		s.Submit(context.Background(), func(context.Context) error { after.Add(1); return nil })
	}
	err := s.Close()
	var pe *task.PanicError
	if !errors.Is(err, boom) || !errors.As(err, &pe) || !errors.Is(err, task.ErrGoexit) || after.Load() != 3 {
		t.Fatalf("Close = %v; %d of 3 later tasks ran", err, after.Load())
	}
	if st := s.Stats(); st.Failed != 2 || st.Panicked != 1 || st.Succeeded != 3 {
		t.Fatalf("stats %+v", st)
	}
	// A Goexit ends the parent worker's goroutine whatever anyone does,
	// but it is the subpool's error, as the others are.
	if err := p.Close(); err != nil {
		t.Fatalf("the pool's Close = %v, want nil: the errors were the subpool's", err)
	}
}

// TestSubpoolShutdown: once Shutdown's ctx is done, the subpool's running
// task sees its context cancelled and the queued ones never run.
func TestSubpoolShutdown(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	s := p.Subpool(1, pool.WithQueue(4))
	started := make(chan struct{})
	s.Submit(context.Background(), func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return nil
	})
	var ran atomic.Int32
	for range 3 {
		s.Submit(context.Background(), func(context.Context) error { ran.Add(1); return nil })
	}
	<-started
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	err := s.Shutdown(ended)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "3 queued tasks never ran") || ran.Load() != 0 {
		t.Fatalf("Shutdown = %v; queued tasks ran %d", err, ran.Load())
	}
	if st := s.Stats(); st.Cancelled != 3 || st.Succeeded != 1 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSubpoolFailFast: WithFailFast stops the subpool alone.
func TestSubpoolFailFast(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	s := p.Subpool(1, pool.WithFailFast(), pool.WithQueue(4))
	boom := errors.New("boom")
	s.Submit(context.Background(), func(context.Context) error { return boom })
	eventually(t, "the subpool stops", func() bool {
		return s.Submit(context.Background(), func(context.Context) error { return nil }) != nil
	})
	if err := s.Submit(context.Background(), func(context.Context) error { return nil }); !errors.Is(err, boom) || !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("Submit after a failure: %v, want it to wrap ErrClosed and boom", err)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatalf("the pool stopped with its subpool: %v", err)
	}
	if err := s.Close(); !errors.Is(err, boom) {
		t.Fatal(err)
	}
}

// TestSubpoolParentAborted ports pond's "no deadlock when the context is
// cancelled with queued tasks": the pool's context ends while the subpool
// has queued tasks; they are dropped, and Close says so.
func TestSubpoolParentAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	p := pool.New(2, pool.WithContext(ctx))
	s := p.Subpool(1, pool.WithQueue(4))
	fn, started, release := blockers()
	s.Submit(context.Background(), fn)
	for range 3 {
		s.Submit(context.Background(), func(context.Context) error { return nil })
	}
	<-started
	cancel()
	close(release)
	err := s.Close()
	if err == nil || !strings.Contains(err.Error(), "3 queued tasks never ran") {
		t.Fatalf("Close = %v", err)
	}
	p.Close()
	if err := s.Submit(context.Background(), func(context.Context) error { return nil }); !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("Submit after: %v", err)
	}
}

// TestSubpoolTrySubmit: TrySubmit fails with ErrFull on a full subpool
// queue, and the subpool runs what it accepted.
func TestSubpoolTrySubmit(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	s := p.Subpool(1, pool.WithQueue(2))
	fn, started, release := blockers()
	if err := s.TrySubmit(fn); err != nil {
		t.Fatal(err)
	}
	<-started
	for i := range 2 {
		if err := s.TrySubmit(func(context.Context) error { return nil }); err != nil {
			t.Fatalf("TrySubmit %d: %v", i, err)
		}
	}
	if err := s.TrySubmit(func(context.Context) error { return nil }); err != pool.ErrFull {
		t.Fatalf("TrySubmit on a full queue: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Submit(ctx, func(context.Context) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("Submit with an ended ctx: %v", err)
	}
	close(release)
	s.Close()
	if st := s.Stats(); st.Succeeded != 3 || st.Rejected != 2 {
		t.Fatalf("stats %+v", st)
	}
}

// TestSubpoolNested ports pond's subpool-of-a-subpool: the inner limit
// holds within the outer one.
func TestSubpoolNested(t *testing.T) {
	p := pool.New(4)
	outer := p.Subpool(3)
	inner := outer.Subpool(1)
	var g gauge
	for range 30 {
		inner.Submit(context.Background(), func(context.Context) error {
			g.enter()
			runtime.Gosched()
			g.leave()
			return nil
		})
	}
	if err := inner.Close(); err != nil {
		t.Fatal(err)
	}
	if g.peak.Load() != 1 {
		t.Fatalf("the inner subpool ran %d at once", g.peak.Load())
	}
	outer.Close()
	p.Close()
	if st := inner.Stats(); st.Succeeded != 30 {
		t.Fatalf("stats %+v", st)
	}
}

func TestSubpoolBadInput(t *testing.T) {
	var nilCtx context.Context // a variable, so that linters let the bad input under test through
	p := pool.New(4)
	defer p.Close()
	mustPanicWith(t, "n < 1 passed to Subpool: 0", func() { p.Subpool(0) })
	mustPanicWith(t, "n passed to Subpool is larger than the pool's limit of 4: 5", func() { p.Subpool(5) })
	s := p.Subpool(2)
	mustPanicWith(t, "larger than the subpool's limit of 2: 3", func() { s.Subpool(3) })
	mustPanicWith(t, "nil ctx passed to Subpool.Submit", func() { s.Submit(nilCtx, func(context.Context) error { return nil }) })
	mustPanicWith(t, "nil fn passed to Subpool.Submit", func() { s.Submit(context.Background(), nil) })
	mustPanicWith(t, "nil fn passed to Subpool.TrySubmit", func() { s.TrySubmit(nil) })
	mustPanicWith(t, "nil ctx passed to Subpool.Shutdown", func() { s.Shutdown(nilCtx) })
	mustPanicWith(t, "nil Option", func() { p.Subpool(1, nil) })
	s.Close()
	s.Close() // idempotent
}

// TestSubpoolRaces: Submit and Resize race the subpool's Close, or
// Shutdown with an ended context, or the parent's Shutdown, or Close and
// Shutdown called from inside one of the subpool's tasks. A ledger proves
// every task is refused, or run once, or dropped and counted Cancelled,
// and that the subpool's counters add up to what its submitters saw.
func TestSubpoolRaces(t *testing.T) {
	for round := range stressScale(60) {
		p := pool.New(3, pool.WithQueue(round%2))
		s := p.Subpool(1+round%3, pool.WithQueue(round%4))
		var ran, accepted atomic.Int64
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for i := range 50 {
					fn := func(context.Context) error { ran.Add(1); return nil }
					var err error
					if i%4 == 0 {
						err = s.TrySubmit(fn)
					} else {
						err = s.Submit(context.Background(), fn)
					}
					if err == nil {
						accepted.Add(1)
					} else if err != pool.ErrFull && !errors.Is(err, pool.ErrClosed) {
						t.Errorf("submit: %v", err)
					}
				}
			})
		}
		wg.Go(func() { // the limit changes under the submitters' feet
			for i := range 50 {
				s.Resize(1 + (i+round)%3)
				runtime.Gosched()
			}
		})
		ended, cancel := context.WithCancel(context.Background())
		cancel()
		switch round % 5 {
		case 0:
			s.Close()
		case 1:
			s.Shutdown(ended)
		case 2:
			p.Shutdown(ended)
			s.Close()
		case 3, 4:
			inside := make(chan error, 1)
			err := s.Submit(context.Background(), func(context.Context) error {
				ran.Add(1)
				if round%5 == 3 {
					inside <- s.Close()
				} else {
					inside <- s.Shutdown(ended)
				}
				return nil
			})
			if err == nil {
				accepted.Add(1)
				if err := <-inside; err != nil {
					t.Errorf("round %d: from inside: %v", round, err)
				}
			} else if !errors.Is(err, pool.ErrClosed) {
				t.Errorf("submit: %v", err)
			}
		}
		wg.Wait()
		s.Close()
		p.Close()
		st := s.Stats()
		if st.Submitted != accepted.Load() || st.Succeeded != ran.Load() || st.Submitted != st.Succeeded+st.Cancelled {
			t.Fatalf("round %d: stats %+v; %d accepted, %d ran", round, st, accepted.Load(), ran.Load())
		}
	}
}

// TestSubpoolWithContext: when WithContext's context ends, the subpool
// stops as in Shutdown: its running task sees it, its queue is dropped,
// Submit fails with ErrClosed and the cause; the parent goes on.
func TestSubpoolWithContext(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	ctx, cancel := context.WithCancelCause(context.Background())
	s := p.Subpool(1, pool.WithContext(ctx), pool.WithQueue(4))
	started := make(chan struct{})
	s.Submit(context.Background(), func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return nil
	})
	for range 2 {
		s.Submit(context.Background(), func(context.Context) error { return nil })
	}
	<-started
	why := errors.New("tenant removed")
	cancel(why)
	eventually(t, "the subpool refuses tasks", func() bool {
		err := s.Submit(context.Background(), func(context.Context) error { return nil })
		return errors.Is(err, pool.ErrClosed) && errors.Is(err, why)
	})
	err := s.Close()
	if !errors.Is(err, why) || !strings.Contains(err.Error(), "2 queued tasks never ran") {
		t.Fatalf("Close = %v", err)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatalf("the parent stopped: %v", err)
	}
}

// TestSubpoolResize ports pond's resize test: raising the limit takes
// queued tasks onto more workers; after lowering it, no task starts beyond
// the new limit while the running ones finish.
func TestSubpoolResize(t *testing.T) {
	p := pool.New(6)
	defer p.Close()
	s := p.Subpool(1, pool.WithQueue(10))
	release := make(chan struct{})
	var now atomic.Int32
	var shrunk atomic.Bool
	var overLimit atomic.Int32
	for range 10 {
		s.Submit(context.Background(), func(context.Context) error {
			if n := now.Add(1); shrunk.Load() && n > 2 {
				overLimit.Add(1)
			}
			<-release
			now.Add(-1)
			return nil
		})
	}
	eventually(t, "1 running", func() bool { st := s.Stats(); return st.Running == 1 && st.Queued == 9 })
	s.Resize(3)
	eventually(t, "3 running", func() bool { st := s.Stats(); return st.Running == 3 && st.Queued == 7 })
	if st := s.Stats(); st.Workers != 3 {
		t.Fatalf("Workers = %d after Resize(3)", st.Workers)
	}
	s.Resize(2)
	shrunk.Store(true)
	for range 10 {
		release <- struct{}{}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := overLimit.Load(); n != 0 {
		t.Fatalf("%d tasks started with more than 2 running, after Resize(2)", n)
	}
	if st := s.Stats(); st.Succeeded != 10 {
		t.Fatalf("stats %+v", st)
	}
	mustPanicWith(t, "n < 1 passed to Subpool.Resize: 0", func() { s.Resize(0) })
	mustPanicWith(t, "larger than the parent's limit of 6: 7", func() { s.Resize(7) })
}

// TestSubpoolCloseFromInside: Close called from inside one of the
// subpool's own tasks waits, as Pool.Close does from inside, for the
// subpool's other runs only, never for itself; it stops intake at once,
// the tasks still queued run after the calling task returns, and a Close
// from outside then waits for everything and returns every error. So does
// Shutdown from inside, with a context already ended: the queue is dropped.
func TestSubpoolCloseFromInside(t *testing.T) {
	for _, limit := range []int{1, 2} {
		p := pool.New(3)
		s := p.Subpool(limit, pool.WithQueue(8))
		boom := errors.New("boom")
		var ran atomic.Int32
		otherStarted, releaseOther := make(chan struct{}), make(chan struct{})
		if limit > 1 { // another run, still busy when Close is called
			s.Submit(hangCtx(t), func(context.Context) error {
				close(otherStarted)
				<-releaseOther
				ran.Add(1)
				return boom
			})
			<-otherStarted
		}
		inside := make(chan error, 1)
		queued := make(chan struct{})
		s.Submit(hangCtx(t), func(context.Context) error {
			<-queued
			err := s.Close()
			if e := s.Submit(context.Background(), func(context.Context) error { return nil }); !errors.Is(e, pool.ErrClosed) {
				err = fmt.Errorf("Submit after Close from inside: %v", e)
			}
			inside <- err
			ran.Add(1)
			return nil
		})
		for range 3 {
			s.Submit(hangCtx(t), func(context.Context) error { ran.Add(1); return nil })
		}
		close(queued)
		if limit > 1 {
			// The other run must end before the Close from inside returns.
			select {
			case err := <-inside:
				t.Fatalf("limit %d: Close from inside returned %v while the other run was busy", limit, err)
			default:
			}
			close(releaseOther)
		}
		select {
		case err := <-inside:
			if limit > 1 && !errors.Is(err, boom) || limit == 1 && err != nil {
				t.Fatalf("limit %d: Close from inside = %v", limit, err)
			}
		case <-hangCtx(t).Done():
			t.Fatalf("limit %d: Close from inside hangs", limit)
		}
		if err := s.Close(); limit > 1 && !errors.Is(err, boom) || limit == 1 && err != nil {
			t.Fatalf("limit %d: Close from outside = %v", limit, err)
		}
		if want := int32(3 + limit); ran.Load() != want {
			t.Fatalf("limit %d: %d tasks ran, want %d", limit, ran.Load(), want)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}

	p := pool.New(1)
	s := p.Subpool(1, pool.WithQueue(4))
	inside := make(chan error, 1)
	var ran atomic.Int32
	queued := make(chan struct{})
	s.Submit(hangCtx(t), func(ctx context.Context) error {
		<-queued
		ended, cancel := context.WithCancel(context.Background())
		cancel()
		inside <- s.Shutdown(ended)
		if ctx.Err() == nil {
			return errors.New("the task's context was not cancelled by Shutdown")
		}
		return nil
	})
	for range 2 {
		if err := s.Submit(hangCtx(t), func(context.Context) error { ran.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	close(queued)
	if err := <-inside; err != nil {
		t.Fatalf("Shutdown from inside = %v", err)
	}
	if err := s.Close(); err == nil || !strings.Contains(err.Error(), "2 queued tasks never ran") || ran.Load() != 0 {
		t.Fatalf("Close after Shutdown from inside = %v; %d queued tasks ran", err, ran.Load())
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSubpoolFIFO: submitters waiting for room in a subpool are served in
// the order they came, as the pool's are, whether the room is in the
// subpool's queue or a run of their own on the parent.
func TestSubpoolFIFO(t *testing.T) {
	for _, queue := range []int{1, 0} {
		p := pool.New(2)
		s := p.Subpool(1, pool.WithQueue(queue))
		fn, started, release := blockers()
		if err := s.Submit(hangCtx(t), fn); err != nil {
			t.Fatal(err)
		}
		<-started
		var mu sync.Mutex
		var order []int
		record := func(i int) func(context.Context) error {
			return func(context.Context) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			}
		}
		next := 0
		for range queue { // the queue's room, taken at once
			if err := s.Submit(hangCtx(t), record(next)); err != nil {
				t.Fatal(err)
			}
			next++
		}
		const waiters = 6
		var wg sync.WaitGroup
		for i := range waiters {
			k := next + i
			wg.Go(func() {
				if err := s.Submit(hangCtx(t), record(k)); err != nil {
					t.Error(err)
				}
			})
			eventually(t, "submitter in line", func() bool { return s.Stats().Waiting == i+1 })
		}
		if err := s.TrySubmit(record(-1)); err != pool.ErrFull {
			t.Fatalf("TrySubmit with submitters in line: %v, want ErrFull", err)
		}
		close(release)
		wg.Wait()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		p.Close()
		for i, k := range order {
			if i != k {
				t.Fatalf("queue %d: ran in the order %v, want the order of submission", queue, order)
			}
		}
		if len(order) != next+waiters {
			t.Fatalf("queue %d: %d of %d tasks ran", queue, len(order), next+waiters)
		}
	}
}
