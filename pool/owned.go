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

// Runner is what a group submits to: a *Pool, a *Subpool or a *Results[T].
// Its methods are unexported, so no other type can be one.
type Runner interface {
	submitOwned(ctx context.Context, t owned) error
	trySubmitOwned(t owned) error
	// goroutineOn returns the record of the pool worker goroutine whose
	// tag is t, or nil if t is none of the pool's workers.
	goroutineOn(t workerTag) *onGoroutine
}

// onGoroutine is a pool worker goroutine's list of the owners (groups,
// subpools) whose tasks it is running now, outermost first: a subpool's
// run, then a task of a group on that subpool. Only its goroutine touches
// it, so no lock is needed. It lets a Group's Wait and a Subpool's Close
// see that they were called from inside one of their own tasks, which
// would otherwise wait for itself: Go gives no other way to ask "which
// task am I in?" (the pool's Close has the same question; see inside.go).
type onGoroutine struct {
	owners []any
}

// onKey is the context key under which owned tasks find their goroutine's
// onGoroutine.
type onKey struct{}

// onOf returns the onGoroutine carried by ctx, the context an owned task
// was given; nil outside a pool worker.
func onOf(ctx context.Context) *onGoroutine {
	on, _ := ctx.Value(onKey{}).(*onGoroutine)
	return on
}

func (on *onGoroutine) enter(owner any) {
	if on != nil {
		on.owners = append(on.owners, owner)
	}
}

func (on *onGoroutine) leave() {
	if on != nil && len(on.owners) > 0 {
		on.owners[len(on.owners)-1] = nil
		on.owners = on.owners[:len(on.owners)-1]
	}
}

// calledInside reports whether the calling goroutine is running one of
// owner's tasks, on one of r's workers. It costs a stack trace of the
// caller (a few microseconds; see onWorker): callers use it only where
// waiting is about to last, never per task.
func calledInside(r Runner, owner any) bool {
	t, ok := onWorker()
	if !ok {
		return false
	}
	on := r.goroutineOn(t)
	if on == nil {
		return false
	}
	for _, o := range on.owners { // our own goroutine's: no race
		if o == owner {
			return true
		}
	}
	return false
}

// ownedCtx is what the worker's owned tasks run with: the pool's context,
// carrying the worker's onGoroutine. It is made once per worker struct
// (the struct stays with its pool), not per task.
func (w *worker[R]) ownedCtx(ctx context.Context) context.Context {
	if w.onCtx == nil {
		w.onCtx = context.WithValue(ctx, onKey{}, &w.on)
	}
	return w.onCtx
}

func (p *Pool) goroutineOn(t workerTag) *onGoroutine { return p.c.goroutineOn(t) }

func (p *Pool) submitOwned(ctx context.Context, t owned) error {
	return p.c.submit(ctx, job[struct{}]{run: t.run, dropped: t.dropped})
}

func (p *Pool) trySubmitOwned(t owned) error {
	return p.c.trySubmit(job[struct{}]{run: t.run, dropped: t.dropped})
}

// A Results runs owned tasks beside its own: they share its queue, its
// admission order and its workers, but take no place in its window (see
// job.slot), so All never yields them and they never wait for its reader.

func (r *Results[T]) goroutineOn(t workerTag) *onGoroutine { return r.c.goroutineOn(t) }

func (r *Results[T]) submitOwned(ctx context.Context, t owned) error {
	return r.c.submit(ctx, job[T]{run: t.run, dropped: t.dropped})
}

func (r *Results[T]) trySubmitOwned(t owned) error {
	return r.c.trySubmit(job[T]{run: t.run, dropped: t.dropped})
}

func (c *core[R]) goroutineOn(t workerTag) *onGoroutine {
	// The caller runs on the worker t names, if any, and only that
	// goroutine touches its record: no lock needed.
	if w := c.workerOf(t); w != nil {
		return &w.on
	}
	return nil
}
