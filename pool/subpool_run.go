package pool

import (
	"context"
	"errors"
	"fmt"

	"github.com/baton-go/baton/task"
)

// subRun is one task submitted to the parent: it runs first, then the
// subpool's queue.
type subRun struct {
	s         *Subpool
	first     *subTask
	fresh     bool // first is a new submission, not yet counted Submitted
	confirmed bool // counted in runs rather than starting; under s.mu
}

// startRun submits a run whose first task is t to the parent; placeLocked
// counted it in starting and pending.
func (s *Subpool) startRun(ctx context.Context, t *subTask, wait bool) error {
	r := &subRun{s: s, first: t, fresh: true}
	o := owned{run: r.run, dropped: r.dropped}
	var err error
	if wait {
		err = s.parent.submitOwned(ctx, o)
	} else {
		err = s.parent.trySubmitOwned(o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.starting--
		s.pending--
		s.st.Rejected++
		s.dropOrphansLocked()
		s.broadcastLocked()
		s.finishIfDoneLocked()
		if errors.Is(err, ErrFull) {
			return ErrFull
		}
		if ctx.Err() != nil {
			return gaveUp(ctx)
		}
		if r := s.refusedLocked(); r != nil {
			return r
		}
		return err // the parent's refusal
	}
	r.confirmLocked()
	return nil
}

// confirmLocked moves the run from starting to runs, once: the parent
// accepted it (the submitter learns it when Submit returns, the run itself
// when it starts, whichever comes first).
func (r *subRun) confirmLocked() {
	if !r.confirmed {
		r.confirmed = true
		r.s.starting--
		r.s.runs++
		if r.fresh {
			r.s.st.Submitted++
		}
		r.s.broadcastLocked() // submitters may queue now
		// An extra run has no task of its own: if the last task ended
		// while it was being submitted, the subpool may be done now.
		r.s.finishIfDoneLocked()
	}
}

// run is the run's body on a parent's worker: its first task, then the
// subpool's queue until it is empty.
func (r *subRun) run(pctx context.Context) error {
	s := r.s
	s.parentLink.once(&s.mu, pctx, s.abortFn)
	s.mu.Lock()
	r.confirmLocked()
	s.mu.Unlock()
	t := r.first
	r.first = nil
	// The goroutine runs the subpool's tasks now: a Close from one of
	// them must not wait for it.
	on := onOf(pctx)
	on.enter(s)
	octx := s.ctx // what a group's task runs with: made to carry on at the first
	normal := false
	defer func() {
		on.leave()
		if !normal { // runtime.Goexit ended this goroutine in t
			s.goexited(t)
		}
	}()
	for {
		if t == nil {
			s.mu.Lock()
			if s.runs <= s.limit { // else Resize lowered the limit: leave
				t = s.popLocked()
			}
			if t == nil {
				s.runs--
				s.broadcastLocked()
				s.finishIfDoneLocked()
				s.mu.Unlock()
				break
			}
			s.mu.Unlock()
		}
		s.exec(pctx, t, on, &octx)
		t = nil
	}
	normal = true
	return nil
}

// startExtra submits a run with no task of its own, to take tasks from the
// queue, without waiting: if the parent has no room now, the runs already
// there drain the queue. The caller counted it in starting.
func (s *Subpool) startExtra() {
	r := &subRun{s: s}
	err := s.parent.trySubmitOwned(owned{run: r.run, dropped: r.dropped})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.starting--
		s.dropOrphansLocked()
		s.broadcastLocked()
		s.finishIfDoneLocked()
		return
	}
	r.confirmLocked()
}

// dropped is called by the parent instead of run when it drops the run
// unrun: its first task is dropped, and so is the queue if no run is left
// to take it.
func (r *subRun) dropped() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	r.confirmLocked()
	s.runs--
	if s.cause == nil {
		s.cause = errors.New("the parent pool was stopped")
	}
	s.dropLocked(r.first)
	s.dropOrphansLocked()
	s.broadcastLocked()
	s.finishIfDoneLocked()
}

// dropOrphansLocked drops the queue once no run is left to take it, on the
// parent or on its way there. Tasks are queued only behind a run the
// parent accepted, and a run leaves a non-empty queue only to others, so
// the queue is orphaned only when the parent stopped: it dropped the last
// accepted run while another was still being submitted, and then refused
// that one. Whichever of the two comes last drops the queue; checking at
// the drop alone left it stranded, and Close waiting for it for good.
func (s *Subpool) dropOrphansLocked() {
	if s.runs+s.starting > 0 || s.qhead == len(s.queue) {
		return
	}
	if s.cause == nil {
		s.cause = errors.New("the parent pool was stopped")
	}
	for t := s.popLocked(); t != nil; t = s.popLocked() {
		s.dropLocked(t)
	}
}

func (s *Subpool) popLocked() *subTask {
	if s.qhead == len(s.queue) {
		return nil
	}
	t := s.queue[s.qhead]
	s.queue[s.qhead] = nil
	s.qhead++
	if s.qhead == len(s.queue) {
		s.queue, s.qhead = s.queue[:0], 0
	}
	s.broadcastLocked() // room in the queue
	return t
}

// exec runs one task and accounts for it. The parent's context is checked
// as well as the subpool's, which follows it only asynchronously. An owned
// task (a group's, or a nested subpool's run) runs with *octx, the
// subpool's context carrying on, made once per run.
func (s *Subpool) exec(pctx context.Context, t *subTask, on *onGoroutine, octx *context.Context) {
	if s.ctx.Err() != nil || pctx.Err() != nil {
		s.mu.Lock()
		if s.cause == nil && s.ctx.Err() == nil {
			s.cause = context.Cause(pctx)
		}
		s.dropLocked(t)
		s.finishIfDoneLocked()
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.running++
	s.mu.Unlock()
	var err error
	panicked := false
	if t.dropped != nil {
		if on != nil && *octx == s.ctx {
			*octx = context.WithValue(s.ctx, onKey{}, on)
		}
		err = t.run(*octx) // an owner's wrapper: it recovers its own panics
	} else {
		err, panicked = call(s.ctx, t.run)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.endedLocked(err, panicked)
}

// endedLocked accounts for a task that ran.
func (s *Subpool) endedLocked(err error, panicked bool) {
	s.pending--
	switch {
	case err == nil:
		s.st.Succeeded++
	case err == errOwnedFailed:
		s.st.Failed++
	case err == errOwnedPanicked:
		s.st.Panicked++
	case err == errOwnedSkipped:
		s.skipped++
	default:
		if panicked {
			s.st.Panicked++
		} else {
			s.st.Failed++
		}
		s.errs = append(s.errs, err)
		if s.failFast {
			s.closeLocked(fmt.Errorf("%w: stopped by a failed task: %w", ErrClosed, err))
			s.cancel(err)
		}
	}
	s.finishIfDoneLocked()
}

// goexited accounts for a task that called runtime.Goexit, which ended the
// run's goroutine: another run takes over the queue, submitted from a
// goroutine of its own since this one can do nothing more.
func (s *Subpool) goexited(t *subTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if t.dropped != nil {
		s.endedLocked(errOwnedFailed, false) // the group recorded task.ErrGoexit
	} else {
		s.endedLocked(task.ErrGoexit, false)
	}
	s.runs--
	if s.qhead == len(s.queue) {
		s.broadcastLocked()
		s.finishIfDoneLocked()
		return
	}
	s.starting++
	r := &subRun{s: s, first: s.popLocked()}
	s.spawns.Add(1)
	go func() {
		defer s.spawns.Done()
		err := s.parent.submitOwned(context.Background(), owned{run: r.run, dropped: r.dropped})
		if err != nil {
			r.dropped() // the parent stopped: nothing will run
		}
	}()
}

// dropLocked ends a task unrun.
func (s *Subpool) dropLocked(t *subTask) {
	if t == nil {
		return
	}
	s.pending--
	s.st.Cancelled++
	if t.dropped != nil {
		t.dropped()
	}
}
