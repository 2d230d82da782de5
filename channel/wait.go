package channel

import (
	"context"
	"time"
)

// wait says how long an operation may block: not at all (the Try forms),
// until a deadline, until a context ends, or forever.
type wait struct {
	block    bool
	late     bool            // not blocking because the time limit had passed
	deadline time.Time       // zero: none
	ctx      context.Context // nil: none
}

// unlimited reports whether the operation blocks with no time limit, the
// common case, which needs no clock and no timer.
func (wt *wait) unlimited() bool { return wt.block && wt.ctx == nil && wt.deadline.IsZero() }

// expired reports why the operation must stop waiting, or nil. The context
// is looked at first, so a call whose context was already done fails with
// its error.
func (wt wait) expired() error {
	if wt.ctx != nil {
		if err := wt.ctx.Err(); err != nil {
			return err
		}
	}
	if !wt.deadline.IsZero() && !time.Now().Before(wt.deadline) {
		return ErrTimeout
	}
	return nil
}

// reason says why a wait that was cut short ended: the context's error if
// it is done, otherwise the deadline.
func (wt wait) reason() error {
	if err := wt.expired(); err != nil {
		return err
	}
	return ErrTimeout
}

// timeoutWait and deadlineWait turn a time limit already reached into a
// single non-blocking attempt whose failure reads as a timeout.
func timeoutWait(d time.Duration) wait {
	if d <= 0 {
		return wait{late: true}
	}
	return wait{block: true, deadline: time.Now().Add(d)}
}

func deadlineWait(t time.Time) wait {
	if !t.After(time.Now()) {
		return wait{late: true}
	}
	return wait{block: true, deadline: t}
}

func contextWait(ctx context.Context) wait {
	if ctx == nil {
		panic("channel: nil Context")
	}
	return wait{block: true, ctx: ctx}
}
