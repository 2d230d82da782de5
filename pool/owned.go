package pool

import (
	"context"
	"errors"
)

// Groups and subpools run their tasks on a pool as owned tasks: the owner
// wraps each task, keeps its error, and tells the pool only how it ended,
// with one of these sentinels in place of the error. The pool counts the
// outcome in its Stats but keeps no error, and a WithFailFast pool does not
// stop for it: a group's failure is the group's business.
var (
	errOwnedFailed   = errors.New("pool: an owned task failed")
	errOwnedPanicked = errors.New("pool: an owned task panicked")
	// errOwnedSkipped: the owner dropped the task unrun (a group whose
	// context ended); the pool counts it Cancelled.
	errOwnedSkipped = errors.New("pool: an owned task was dropped by its owner")
)

// owned is a task as an owner hands it to a runner. run returns nil or one
// of the sentinels above; dropped is called instead of run if the pool
// drops the task unrun (Shutdown's ctx ended, WithContext's context ended,
// WithFailFast).
type owned struct {
	run     func(ctx context.Context) error
	dropped func()
}

// Runner is what a group submits to: a *Pool or a *Subpool. Its methods are
// unexported, so no other type can be one.
type Runner interface {
	submitOwned(ctx context.Context, t owned) error
	trySubmitOwned(t owned) error
}

func (p *Pool) submitOwned(ctx context.Context, t owned) error {
	return p.c.submit(ctx, job[struct{}]{run: t.run, dropped: t.dropped})
}

func (p *Pool) trySubmitOwned(t owned) error {
	return p.c.trySubmit(job[struct{}]{run: t.run, dropped: t.dropped})
}
