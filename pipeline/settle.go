package pipeline

import (
	"context"
	"errors"

	"github.com/baton-go/baton/task"
)

// failed handles the error of a callback on the item at position idx of
// stage name's input, whose message is a, and reports whether the stage
// should go on.
//
// An error that only echoes the run's stop (the callback saw its context
// end and returned ctx.Err()) is not the stage's failure: the item is
// settled with the reason the run stopped and nothing is recorded or
// counted, so a cancelled run returns the context's error, not one
// StageError per callback that was in flight (issue 15).
func (r *run) failed(name string, p *probe, idx int64, a *ack, err error) bool {
	if r.echo(err) {
		a.fail(r.cause())
		r.stopped.Store(true)
		return false
	}
	p.failed()
	serr := &StageError{Stage: name, Index: idx, Err: err}
	a.fail(serr)
	return r.fail(serr)
}

// echo reports whether err is only the run's stop seen from a callback.
func (r *run) echo(err error) bool {
	if r.ctx.Err() == nil {
		return false
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, context.Cause(r.ctx))
}

// inFlight is the item a stage goroutine has handed to its callback. A
// callback that calls runtime.Goexit (as t.FailNow does) ends the goroutine
// in the middle of the item; recover cannot stop that, so each stage
// goroutine defers inFlight.goexit, which settles the item's message with
// a StageError wrapping task.ErrGoexit and fails the run with it. Without
// this a JetStream message would wait for its ack timeout instead of being
// redelivered at once.
type inFlight struct {
	a    *ack
	idx  int64
	busy bool
}

func (f *inFlight) enter(a *ack, idx int64) { f.a, f.idx, f.busy = a, idx, true }
func (f *inFlight) leave()                  { f.busy = false }

// goexit runs deferred: busy still set means the callback never returned.
func (f *inFlight) goexit(r *run, name string) {
	if !f.busy {
		return
	}
	serr := &StageError{Stage: name, Index: f.idx, Err: task.ErrGoexit}
	f.a.fail(serr)
	r.goexits.Add(1)
	r.record(serr)
	r.cancel(serr)
}
