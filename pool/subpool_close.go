package pool

import (
	"context"
	"fmt"

	"github.com/baton-go/baton/internal/errjoin"
)

// Close stops intake, lets the subpool's queued tasks run, waits for them,
// and returns their errors joined, as Pool.Close does. Other tasks of the
// parent are not waited for, and the parent keeps running.
//
// Close is idempotent and safe from any goroutine. Called from inside one
// of the subpool's own tasks, it waits, as Pool.Close does, for the
// subpool's other runs on the parent's workers only, not for its own:
// the tasks still queued then run after the calling task returns, on its
// worker, and the errors returned are those so far. A Close from outside
// waits for everything.
func (s *Subpool) Close() error { return s.Shutdown(context.Background()) }

// Shutdown is Close with a limit on patience, as Pool.Shutdown is: once
// ctx is done, the subpool's running tasks see their context cancelled and
// its queued tasks are dropped unrun, counted Cancelled.
//
// Shutdown panics if ctx is nil.
func (s *Subpool) Shutdown(ctx context.Context) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Subpool.Shutdown")
	}
	if calledInside(s.parent, s) {
		return s.shutdownInside(ctx)
	}
	s.mu.Lock()
	s.closeLocked(ErrClosed)
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
		<-s.done
	}
	s.cleanUp()
	s.mu.Lock()
	res := s.result
	s.mu.Unlock()
	return res
}

// shutdownInside is Shutdown called from inside one of the subpool's
// tasks: it waits until every run on the parent but the callers' own has
// ended, each caller's run being the one goroutine that waits. The queue
// is left to the callers' runs, which take it once their task returns; so
// the subpool finishes later, and cleans up then.
func (s *Subpool) shutdownInside(ctx context.Context) error {
	aborted := false
	if ctx.Err() != nil {
		// Already over: drop the queue now, even with no other run to
		// wait for, as Pool.Shutdown does.
		aborted = true
		s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
	}
	s.mu.Lock()
	s.closeLocked(ErrClosed)
	s.inside++
	for s.runs+s.starting > s.inside {
		ch := s.changed
		s.mu.Unlock()
		if aborted {
			<-ch
		} else {
			select {
			case <-ch:
			case <-ctx.Done():
				aborted = true
				s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
			}
		}
		s.mu.Lock()
	}
	s.inside--
	errs := s.errs
	s.mu.Unlock()
	go func() {
		<-s.done
		s.cleanUp()
	}()
	return errjoin.Join(errs)
}

func (s *Subpool) abort(cause error) {
	s.mu.Lock()
	if s.cause == nil {
		s.cause = cause
	}
	s.closeLocked(fmt.Errorf("%w: %w", ErrClosed, cause))
	s.mu.Unlock()
	s.cancel(cause)
}

// closeLocked stops intake; only the first reason sticks.
func (s *Subpool) closeLocked(reason error) {
	if s.closed != nil {
		return
	}
	s.closed = reason
	s.broadcastLocked()
	s.finishIfDoneLocked()
}

// finishIfDoneLocked closes done once intake stopped and every accepted
// task has ended.
func (s *Subpool) finishIfDoneLocked() {
	if s.closed == nil || s.pending > 0 || s.starting > 0 || isClosed(s.done) {
		return
	}
	var note error
	if s.st.Cancelled > 0 {
		why := s.cause
		if why == nil {
			why = context.Cause(s.ctx)
		}
		note = fmt.Errorf("pool: %d queued tasks never ran: %w", s.st.Cancelled, why)
	}
	errs := s.errs
	if note != nil {
		errs = append(errs[:len(errs):len(errs)], note)
	}
	s.result = errjoin.Join(errs)
	close(s.done)
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// cleanUp is the end of a finished subpool: its context's watches stop and
// its context is released. It is idempotent.
func (s *Subpool) cleanUp() {
	s.spawns.Wait()
	s.watchOnce.Do(func() {
		if s.stopWatch != nil && !s.stopWatch() {
			<-s.watchDone
		}
	})
	s.parentLink.unlink(&s.mu)
	s.cancel(context.Canceled)
}
