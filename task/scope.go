package task

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/baton-go/baton/internal/errjoin"
)

// Group starts functions inside a Scope. Its methods are safe for concurrent
// use, including from the functions it started; it must not be used after
// its Scope has returned.
type Group struct {
	ctx    context.Context
	cancel context.CancelCauseFunc

	mu sync.Mutex
	// active counts the body of Scope plus every function started or
	// waiting for a slot. Scope is over when it drops to zero; nothing can
	// raise it again, because only live members of the scope can spawn.
	active    int
	idle      chan struct{} // closed when active drops to zero
	closed    bool          // set with idle: later spawns come from escaped goroutines
	errs      []error       // in the order they happened
	abandoned error         // what every Spawn that gave up returned; one value, see result
	lim       limiter
}

// Scope calls fn with a Group and returns when fn and every function started
// through the Group (including those started by started functions) have
// ended. No goroutine outlives the call.
//
// The Group's context derives from ctx. It is cancelled, with the error as
// its cause (see context.Cause), at the first error, panic or Goexit of any
// function, fn included, so the others can stop early; and when Scope returns.
//
// Scope returns every error, in the order they happened: those the functions
// returned, a *PanicError for each panic (in fn too), ErrGoexit for each
// Goexit, and fn's own error. One error is returned as it is; several are
// joined with errors.Join, so errors.Is and errors.As see each of them. If a
// Spawn gave up because the context was done, its error is included too,
// once, unless one of the others already wraps it: work that never ran does
// not go unreported even when the caller ignored Spawn's result.
//
// If fn itself calls runtime.Goexit, Scope still waits for everything fn
// started, then lets the Goexit go on; it never returns.
//
// Scope panics if ctx or fn is nil.
func Scope(ctx context.Context, fn func(g *Group) error) (err error) {
	if ctx == nil {
		panic("task: nil Context")
	}
	if fn == nil {
		panic("task: nil function passed to Scope")
	}
	gctx, cancel := context.WithCancelCause(ctx)
	g := &Group{ctx: gctx, cancel: cancel, active: 1, idle: make(chan struct{})}
	var body outcome[struct{}]
	defer func() {
		// Deferred, so that a Goexit in fn still waits for its children.
		g.end(body.err, false)
		<-g.idle
		g.cancel(nil)
		err = g.result()
	}()
	capture(&body, func() (struct{}, error) { return struct{}{}, fn(g) })
	return nil
}

// Context returns the context given to every spawned function. It is done at
// the first failure in the scope, when the parent context is done, or when
// Scope returns.
func (g *Group) Context() context.Context {
	return g.ctx
}

// Spawn starts fn on a new goroutine with the Group's context, and returns nil.
//
// When the limit set by SetLimit is reached, Spawn blocks until a running
// function ends. It gives up when the Group's context is done, whether
// already when called or while waiting: then fn is not started, and Spawn
// returns an error wrapping the context's error. (errgroup's Go, blocked on a
// limit, cannot be cancelled this way; see golang/go#27837.) That error is
// also part of what Scope returns, so ignoring it loses no information.
//
// A spawned function that calls Spawn while the limit is reached waits like
// any caller, holding its own slot meanwhile; if every running function does
// that, none can go on until the context ends. Work that fans out from inside
// a limited Group is better given a Scope of its own.
//
// Spawn panics if fn is nil, or if it is called after Scope returned (the
// Group escaped its scope, and the function could no longer be joined).
func (g *Group) Spawn(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("task: nil function passed to Group.Spawn")
	}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		panic("task: Group.Spawn called after its Scope returned")
	}
	if g.ctx.Err() != nil {
		err := g.abandonLocked()
		g.mu.Unlock()
		return err
	}
	g.active++ // also while waiting: the scope must wait for a waiter too
	if g.lim.tryAcquire() {
		g.mu.Unlock()
		go g.run(fn)
		return nil
	}
	w := g.lim.enqueue()
	g.mu.Unlock()

	select {
	case <-w:
		// A slot is ours. The context may have ended meanwhile, and a
		// done context must not start work, whichever case select picked.
		if g.ctx.Err() == nil {
			go g.run(fn)
			return nil
		}
		g.mu.Lock()
		g.lim.release()
	case <-g.ctx.Done():
		g.mu.Lock()
		if !g.lim.dequeue(w) {
			g.lim.release() // granted as we gave up: pass the slot on
		}
	}
	err := g.abandonLocked()
	g.leaveLocked()
	g.mu.Unlock()
	return err
}

// SetLimit bounds how many spawned functions run at once; n <= 0 removes the
// bound (the default). It may be called at any time: raising the limit
// starts waiting spawns at once; lowering it below the number running stops
// none of them, but holds back new ones until enough have ended. The body of
// Scope does not count against the limit.
func (g *Group) SetLimit(n int) {
	g.mu.Lock()
	g.lim.setLimit(n)
	g.mu.Unlock()
}

func (g *Group) run(fn func(ctx context.Context) error) {
	var o outcome[struct{}]
	defer func() { g.end(o.err, true) }() // deferred: runs on Goexit too
	capture(&o, func() (struct{}, error) { return struct{}{}, fn(g.ctx) })
}

// end records how a member of the scope (the body, or a spawned function
// holding a slot) ended.
func (g *Group) end(err error, slot bool) {
	if err != nil {
		g.cancel(err) // only the first cause is kept, which is what we want
	}
	g.mu.Lock()
	if err != nil {
		g.errs = append(g.errs, err)
	}
	if slot {
		g.lim.release()
	}
	g.leaveLocked()
	g.mu.Unlock()
}

func (g *Group) leaveLocked() {
	g.active--
	if g.active == 0 {
		g.closed = true
		close(g.idle)
	}
}

// abandonLocked returns the error of a Spawn that gave up. It is the same
// value every time, so that result can tell whether the caller already
// reported it.
func (g *Group) abandonLocked() error {
	if g.abandoned == nil {
		g.abandoned = fmt.Errorf("task: Spawn gave up: %w", g.ctx.Err())
	}
	return g.abandoned
}

func (g *Group) result() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	errs := g.errs
	if g.abandoned != nil && !anyIs(errs, g.abandoned) {
		errs = append(errs, g.abandoned)
	}
	return errjoin.Join(errs)
}

func anyIs(errs []error, target error) bool {
	for _, err := range errs {
		if errors.Is(err, target) {
			return true
		}
	}
	return false
}
