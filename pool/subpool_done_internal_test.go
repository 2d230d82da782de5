package pool

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// stoppingParent is a parent that accepts a subpool's first run and keeps
// it queued, and holds the next submit until told how it ends: the test
// decides the order in which a stopping pool drops one run and refuses
// another, which a real pool leaves to the scheduler.
type stoppingParent struct {
	mu      sync.Mutex
	runs    []owned
	calls   int
	release chan error // the second submit's answer
}

func (p *stoppingParent) submitOwned(ctx context.Context, t owned) error {
	p.mu.Lock()
	p.calls++
	first := p.calls == 1
	if first {
		p.runs = append(p.runs, t)
	}
	p.mu.Unlock()
	if first {
		return nil
	}
	return <-p.release
}

func (p *stoppingParent) trySubmitOwned(t owned) error { return ErrFull }

func (p *stoppingParent) goroutineOn(workerTag) *onGoroutine { return nil }

// TestSubpoolQueueOrphanedByStoppingParent: the parent drops the run the
// subpool's queue waits behind while a second run is still being
// submitted, then refuses that one. The queued task has no run left: it
// must be dropped and counted, and Close must return, whichever of the
// two the subpool hears of last (before the fix, only the drop looked
// at the queue, so this order stranded it and Close waited for good).
func TestSubpoolQueueOrphanedByStoppingParent(t *testing.T) {
	parent := &stoppingParent{release: make(chan error)}
	s := newSubpool(parent, func() int { return 4 }, "pool's", 2, nil)
	noop := func(context.Context) error { return nil }

	if err := s.Submit(context.Background(), noop); err != nil { // run A, queued on the parent
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() { second <- s.Submit(context.Background(), noop) }() // run B, held
	waitStarting(s, 1)
	if err := s.TrySubmit(noop); err != nil { // C: queued behind A
		t.Fatal(err)
	}

	parent.runs[0].dropped()    // the stopping parent drops A...
	parent.release <- ErrClosed // ...then refuses B
	if err := <-second; !errors.Is(err, ErrClosed) {
		t.Fatalf("B's Submit = %v, want ErrClosed", err)
	}

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err == nil || !strings.Contains(err.Error(), "2 queued tasks never ran: the parent pool was stopped") {
			t.Fatalf("Close = %v, want the 2 dropped tasks named", err)
		}
	case <-time.After(10 * time.Second): // turns the hang into a failure
		t.Fatal("Close hangs: the queued task was stranded")
	}
	if st := s.Stats(); st.Cancelled != 2 || st.Submitted != 2 || st.Rejected != 1 {
		t.Fatalf("stats %+v, want A and C cancelled, B rejected", st)
	}
}

// slowExtraParent accepts every run at once, except that a TrySubmit (an
// extra run's) is held until the test lets it through: the test decides
// that the subpool's last task ends and Close begins while an extra run is
// still on its way to the parent.
type slowExtraParent struct {
	mu      sync.Mutex
	runs    []owned
	tryGate chan struct{}
}

func (p *slowExtraParent) add(t owned) {
	p.mu.Lock()
	p.runs = append(p.runs, t)
	p.mu.Unlock()
}

func (p *slowExtraParent) submitOwned(ctx context.Context, t owned) error { p.add(t); return nil }

func (p *slowExtraParent) trySubmitOwned(t owned) error {
	<-p.tryGate
	p.add(t)
	return nil
}

func (p *slowExtraParent) goroutineOn(workerTag) *onGoroutine { return nil }

// TestSubpoolDoneAfterLateExtraRun: Resize starts an extra run for the
// queue; the first run drains the queue, and Close begins, before the
// parent accepts the extra run, which then finds nothing to do. The
// subpool is done when that run is accepted, or at the latest when it
// leaves: before the fix nothing checked then, and Close waited for good.
func TestSubpoolDoneAfterLateExtraRun(t *testing.T) {
	parent := &slowExtraParent{tryGate: make(chan struct{})}
	s := newSubpool(parent, func() int { return 4 }, "pool's", 1, []Option{WithQueue(4)})
	var ran sync.WaitGroup
	ran.Add(2)
	task := func(context.Context) error { ran.Done(); return nil }
	if err := s.Submit(context.Background(), task); err != nil { // run A
		t.Fatal(err)
	}
	if err := s.Submit(context.Background(), task); err != nil { // queued behind A
		t.Fatal(err)
	}
	resized := make(chan struct{})
	go func() { defer close(resized); s.Resize(2) }() // an extra run, held by the parent
	waitStarting(s, 1)
	parent.runs[0].run(context.Background()) // A runs both tasks, then leaves
	ran.Wait()

	closed := make(chan error, 1)
	go func() { closed <- s.Close() }()
	for !func() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.closed != nil }() {
		runtime.Gosched()
	}
	close(parent.tryGate) // the extra run is accepted now...
	<-resized
	parent.mu.Lock()
	extra := parent.runs[1]
	parent.mu.Unlock()
	extra.run(context.Background()) // ...and finds the queue empty

	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close = %v", err)
		}
	case <-time.After(10 * time.Second): // turns the hang into a failure
		t.Fatal("Close hangs after the late extra run")
	}
	if st := s.Stats(); st.Succeeded != 2 || st.Submitted != 2 {
		t.Fatalf("stats %+v, want 2 submitted and succeeded", st)
	}
}

// waitStarting waits until n runs of s are on their way to the parent.
func waitStarting(s *Subpool, n int) {
	for {
		s.mu.Lock()
		starting := s.starting
		s.mu.Unlock()
		if starting == n {
			return
		}
		runtime.Gosched()
	}
}
