package pool

import (
	"context"
	"fmt"
)

// subWaiter is a submitter waiting in line. Its fate is set under mu
// before the one token is sent on wake.
type subWaiter struct {
	t     *subTask
	wake  chan struct{}
	fate  int   // waiting, served (queued), refused, or startRun
	extra bool  // served, and it starts an extra run for the queue
	err   error // why it was refused
}

// startRun is a waiter's fate when it was given room for a run of its own
// on the parent: it submits its task there itself, as it may wait.
const startRun = refused + 1

// submit accepts t at once if there is room, else, when wait is set, waits
// in line for room, first come, first served.
func (s *Subpool) submit(ctx context.Context, t *subTask, wait bool) error {
	if ctx.Err() != nil {
		s.reject()
		return gaveUp(ctx)
	}
	s.mu.Lock()
	if err := s.refusedLocked(); err != nil {
		s.st.Rejected++
		s.mu.Unlock()
		return err
	}
	if s.first == len(s.line) { // else t would jump the line
		switch s.placeLocked(t) {
		case served:
			s.mu.Unlock()
			return nil
		case servedExtra:
			s.mu.Unlock()
			s.startExtra()
			return nil
		case startRun:
			s.mu.Unlock()
			return s.startRun(ctx, t, wait)
		}
	}
	if !wait {
		s.st.Rejected++
		s.mu.Unlock()
		return ErrFull
	}
	// Wait in line. Whoever makes room serves the line in order, queueing
	// each waiter's task or giving it room for a run, so a waiter wakes
	// only to return, or to start its run.
	wt := &subWaiter{t: t, wake: make(chan struct{}, 1)}
	s.line = append(s.line, wt)
	s.mu.Unlock()
	select {
	case <-wt.wake:
	case <-ctx.Done():
		s.mu.Lock()
		if wt.fate == waiting {
			s.leaveLineLocked(wt)
			s.st.Rejected++
			s.mu.Unlock()
			return gaveUp(ctx)
		}
		s.mu.Unlock()
		<-wt.wake // its fate was set: the token is there
	}
	switch wt.fate {
	case refused:
		return wt.err
	case startRun:
		return s.startRun(ctx, t, true) // with ctx ended, the parent refuses it
	}
	if wt.extra {
		s.startExtra()
	}
	return nil
}

// servedExtra is placeLocked's result when t was queued and an extra run
// is to be started for the queue.
const servedExtra = startRun + 1

// placeLocked accepts t if it can without waiting: it queues t, for a run
// the parent has accepted (served, or servedExtra when there is room for
// one more run, counted in starting), or it gives t room for a run of its
// own (startRun, counted in starting and pending; the caller submits it).
// It returns waiting when there is no room.
func (s *Subpool) placeLocked(t *subTask) int {
	queued := len(s.queue) - s.qhead
	if s.runs+s.starting < s.limit && queued == 0 {
		s.starting++
		s.pending++
		return startRun
	}
	// Queued tasks are only ever left to runs the parent has accepted: a
	// run still being submitted may be refused, and the tasks queued
	// behind it would have nobody to run them. A queue with tasks in it
	// always has such a run: the last run leaves only once the queue is
	// empty, or drops it (the parent stopped).
	if s.runs == 0 || queued >= s.queueCap {
		return waiting
	}
	if s.qhead > 0 && len(s.queue) == cap(s.queue) { // compact before growing
		n := copy(s.queue, s.queue[s.qhead:])
		clear(s.queue[n:])
		s.queue, s.qhead = s.queue[:n], 0
	}
	s.queue = append(s.queue, t)
	s.pending++
	s.st.Submitted++
	// Room for another run (after Resize raised the limit, or a start was
	// refused): one more takes from the queue.
	if s.runs+s.starting < s.limit {
		s.starting++
		return servedExtra
	}
	return served
}

// serveLineLocked gives the submitters at the front of the line the room
// there is, in order, and wakes each; once intake stopped, it refuses them.
func (s *Subpool) serveLineLocked() {
	for s.first < len(s.line) {
		wt := s.line[s.first]
		if err := s.refusedLocked(); err != nil {
			wt.fate, wt.err = refused, err
			s.st.Rejected++
		} else {
			switch s.placeLocked(wt.t) {
			case waiting:
				return
			case servedExtra:
				wt.fate, wt.extra = served, true
			case startRun:
				wt.fate = startRun
			default:
				wt.fate = served
			}
		}
		s.line[s.first] = nil
		s.first++
		if s.first == len(s.line) {
			s.line, s.first = s.line[:0], 0
		}
		wt.wake <- struct{}{}
	}
}

// leaveLineLocked takes wt out of the line, wherever it is.
func (s *Subpool) leaveLineLocked(wt *subWaiter) {
	for i := s.first; i < len(s.line); i++ {
		if s.line[i] == wt {
			copy(s.line[i:], s.line[i+1:])
			s.line[len(s.line)-1] = nil
			s.line = s.line[:len(s.line)-1]
			break
		}
	}
	if s.first == len(s.line) {
		s.line, s.first = s.line[:0], 0
	}
}

func (s *Subpool) reject() {
	s.mu.Lock()
	s.st.Rejected++
	s.mu.Unlock()
}

// refusedLocked says why a submit must fail now, or nil.
func (s *Subpool) refusedLocked() error {
	if s.closed != nil {
		return s.closed
	}
	if s.ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrClosed, context.Cause(s.ctx))
	}
	return nil
}

// broadcastLocked is called wherever room may have freed, a run ended or
// intake stopped: it serves the line, and wakes the Close calls waiting
// from inside a task.
func (s *Subpool) broadcastLocked() {
	s.serveLineLocked()
	if s.inside > 0 {
		close(s.changed)
		s.changed = make(chan struct{})
	}
}
