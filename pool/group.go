package pool

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/task"
)

// Group is a set of tasks submitted to a shared pool and waited for
// together: the few dozen tasks of one web request, or of one batch job. A
// handler makes a Group per request on the process's one pool, instead of a
// pool per request, and its Wait waits for the group's own tasks only,
// whatever other groups do.
//
// A group's tasks go through the pool's Submit, so they share its queue,
// its bound and its first-come-first-served admission with every other
// task. Each runs with the group's context (see Context), which ends when
// the context given to Group ends, when Stop is called, when the pool is
// aborted (Shutdown's ctx ended, WithContext's context ended, WithFailFast),
// or, with CancelOnError, at the first error. Once it has ended, the
// group's queued tasks are dropped unrun, counted Cancelled in the pool's
// Stats, and other groups' tasks are not touched.
//
// A group's errors are its own: Wait returns them (task.ErrGoexit for a
// task that called runtime.Goexit), the pool's Close does not, and a
// failing group does not stop a WithFailFast pool. The pool's Stats count
// each of the group's tasks once its worker is done with it, which may be
// a moment after Wait returned; after the pool's Close they are exact.
//
// All methods are safe for concurrent use, and Submit and TrySubmit may be
// called from inside the group's own tasks, even while Wait waits. Wait
// called from inside one of the group's own tasks would wait for itself:
// it returns an error instead (see Wait).
type Group struct {
	core groupCore
}

// groupCore is what a Group and a ResultGroup share.
type groupCore struct {
	r             Runner
	ctx           context.Context
	cancel        context.CancelCauseFunc
	cancelOnError bool
	dropFn        func() // dropOne, as a func value made once

	// state holds the number of pending tasks (accepted, not yet ended)
	// times stateUnit, plus the closing and stopped bits. The group
	// finishes at the one moment state has the closing bit and no pending
	// task; after that moment no task can be accepted, so it happens once.
	state atomic.Int64
	done  chan struct{} // closed by finish, after result is set

	// poolLink makes the group's context end when the pool's does, so an
	// aborted pool cancels a group's running tasks; mu guards it.
	poolLink contextLink
	mu       sync.Mutex
	errs     []error // without CancelOnError
	first    error   // with CancelOnError: the error that cancelled the group
	drops    int64   // tasks dropped unrun
	result   error   // set once, before done is closed
}

const (
	closing   = 1 << 0 // Wait or Stop was called: finish once nothing is pending
	stopped   = 1 << 1 // Stop was called: intake is closed
	stateUnit = 1 << 2 // one pending task
)

var (
	// errGroupStopped is the cause of a group's context after Stop.
	errGroupStopped = errors.New("pool: Group.Stop called")
	// errGroupDone is the cause of a group's context once Wait returned.
	errGroupDone = errors.New("pool: group's Wait returned")
	// errWaitInside is what a Wait called from inside one of the group's
	// own tasks returns, instead of waiting for itself forever.
	errWaitInside = errors.New("pool: group's Wait called from inside one of its own tasks: it would wait for itself; Wait from outside the group")
)

// GroupOption configures a group; see CancelOnError.
type GroupOption func(*groupCore)

// CancelOnError gives a group errgroup's semantics: the first task error
// (or panic) cancels the group's context, with that error as its cause, so
// the group's running tasks see it and its queued tasks are dropped unrun;
// Wait returns that first error only. Without it, a failing task does not
// affect the others, and Wait returns every error, joined.
func CancelOnError() GroupOption {
	return func(g *groupCore) { g.cancelOnError = true }
}

// Group starts a group of tasks on p whose context derives from ctx. See
// the Group type.
//
// Group panics if ctx or an option is nil.
func (p *Pool) Group(ctx context.Context, opts ...GroupOption) *Group {
	g := &Group{}
	g.core.init(p, ctx, opts, "Group")
	return g
}

func (g *groupCore) init(r Runner, ctx context.Context, opts []GroupOption, op string) {
	if ctx == nil {
		panic("pool: nil ctx passed to " + op)
	}
	for _, o := range opts {
		if o == nil {
			panic("pool: nil GroupOption passed to " + op)
		}
		o(g)
	}
	g.r = r
	g.ctx, g.cancel = context.WithCancelCause(ctx)
	g.done = make(chan struct{})
	g.dropFn = g.dropOne
}

// Submit queues fn on the pool, waiting while the pool's queue is full, as
// Pool.Submit does, until the group's context ends. fn runs with the
// group's context; its error is reported by Wait.
//
// Submit returns nil once fn is queued. Otherwise fn never runs and the
// error says why: ErrClosed after Wait returned or Stop was called; an
// error wrapping ErrClosed and the cause once the group's context ended;
// the pool's own refusal (ErrClosed after Close, ...) otherwise.
//
// Submit panics if fn is nil.
func (g *Group) Submit(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("pool: nil fn passed to Group.Submit")
	}
	return g.core.submit(g.core.task(fn), true)
}

// TrySubmit is Submit that never waits: when the pool's queue is full, or
// other submitters wait for room, it fails with ErrFull.
//
// TrySubmit panics if fn is nil.
func (g *Group) TrySubmit(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("pool: nil fn passed to Group.TrySubmit")
	}
	return g.core.submit(g.core.task(fn), false)
}

// Wait waits until every task accepted by the group has ended (run, or
// dropped unrun), closes the group to new tasks, and returns the tasks'
// errors joined (a *task.PanicError for a panic), with, if tasks were
// dropped, an error saying how many and why; or nil. With CancelOnError it
// returns the first error only. Tasks submitted while Wait waits, from
// inside the group's tasks for example, are waited for too.
//
// When Wait returns, the group's context is cancelled, as errgroup's is.
// Every call waits, and returns the same result.
//
// Called from inside one of the group's own tasks, Wait cannot wait for
// itself: it returns an error saying so, after about a millisecond (it
// asks where it was called from only once it has waited that long, so a
// Wait from outside pays nothing), and the group still closes once its
// tasks have ended, as after any Wait. A task that needs its sub-tasks'
// results puts them in a group of their own.
func (g *Group) Wait() error { return g.core.wait() }

// Stop closes the group to new tasks and cancels its context: running
// tasks see it, queued tasks are dropped unrun. It does not wait; Wait
// does. Stop is idempotent, and a no-op once Wait has returned.
func (g *Group) Stop() { g.core.stop() }

// Done returns a channel that is closed when Wait would return at once:
// Wait or Stop was called and every accepted task has ended.
func (g *Group) Done() <-chan struct{} { return g.core.done }

// Context returns the group's context: the one its tasks run with, ended
// as the Group type says.
func (g *Group) Context() context.Context { return g.core.ctx }

// task wraps fn as an owned task of the group.
func (g *groupCore) task(fn func(context.Context) error) owned {
	return owned{
		run:     func(pctx context.Context) error { return g.run(pctx, fn) },
		dropped: g.dropFn,
	}
}

func (g *groupCore) submit(t owned, wait bool) error {
	if err := g.enter(); err != nil {
		return err
	}
	return g.send(t, wait, nil)
}

// send hands an entered task to the runner. If the runner refuses it,
// refused (if not nil) runs before the task stops being pending.
func (g *groupCore) send(t owned, wait bool, refused func()) error {
	var err error
	if wait {
		err = g.r.submitOwned(g.ctx, t)
	} else {
		err = g.r.trySubmitOwned(t)
	}
	if err != nil {
		if refused != nil {
			refused()
		}
		g.leave()
		if g.ctx.Err() != nil {
			return g.closedErr()
		}
		return err
	}
	return nil
}

// enter counts a task as pending, unless the group is closed.
func (g *groupCore) enter() error {
	if g.ctx.Err() != nil {
		return g.closedErr()
	}
	for {
		s := g.state.Load()
		if s&stopped != 0 || s < stateUnit && s&closing != 0 {
			return g.closedErr()
		}
		if g.state.CompareAndSwap(s, s+stateUnit) {
			return nil
		}
	}
}

// leave ends a pending task.
func (g *groupCore) leave() {
	if s := g.state.Add(-stateUnit); s < stateUnit && s&closing != 0 {
		g.finish()
	}
}

// closedErr is the refusal of a task submitted to a closed group.
func (g *groupCore) closedErr() error {
	cause := context.Cause(g.ctx)
	if cause == nil || cause == errGroupStopped || cause == errGroupDone {
		return ErrClosed
	}
	return fmt.Errorf("%w: the group's context ended: %w", ErrClosed, cause)
}

// run is a task's wrapper, called by a worker with the pool's context.
func (g *groupCore) run(pctx context.Context, fn func(context.Context) error) (outcome error) {
	g.poolLink.once(&g.mu, pctx, g.cancel)
	if g.ctx.Err() != nil {
		g.dropOne()
		return errOwnedSkipped
	}
	on := onOf(pctx) // so that a Wait from inside fn sees where it is
	on.enter(g)
	normal := false
	defer func() {
		on.leave()
		if normal {
			return
		}
		// A panic, or runtime.Goexit (then recover returns nil, and the
		// goroutine goes on exiting).
		var err error = task.ErrGoexit
		if v := recover(); v != nil {
			err = &task.PanicError{Value: v, Stack: debug.Stack()}
			outcome = errOwnedPanicked
		}
		g.fail(err)
		g.leave()
	}()
	err := fn(g.ctx)
	normal = true
	if err != nil {
		g.fail(err)
		outcome = errOwnedFailed
	}
	g.leave()
	return outcome
}

func (g *groupCore) fail(err error) {
	g.mu.Lock()
	first := false
	if g.cancelOnError {
		if g.first == nil {
			g.first, first = err, true
		}
	} else {
		g.errs = append(g.errs, err)
	}
	g.mu.Unlock()
	if first {
		g.cancel(err)
	}
}

// dropOne ends a task dropped unrun, by the group or by the pool.
func (g *groupCore) dropOne() {
	g.mu.Lock()
	g.drops++
	g.mu.Unlock()
	g.leave()
}

func (g *groupCore) wait() error {
	for {
		s := g.state.Load()
		if s&closing != 0 {
			break
		}
		if g.state.CompareAndSwap(s, s|closing) {
			if s == 0 {
				g.finish()
			}
			break
		}
	}
	select {
	case <-g.done:
		return g.result
	default:
	}
	// Called from inside one of the group's tasks, Wait would wait for
	// itself. Asking "am I inside?" costs a goroutine id, microseconds,
	// too dear for every Wait of a group of tiny tasks: a Wait asks only
	// once it has waited insideCheck, when a few microseconds more are
	// noise, so a Wait from inside returns its error late, never hangs.
	t := time.NewTimer(insideCheck)
	select {
	case <-g.done:
		t.Stop()
		return g.result
	case <-t.C:
	}
	if calledInside(g.r, g) {
		return errWaitInside
	}
	<-g.done
	return g.result
}

// insideCheck is how long a Wait waits before it asks whether it was
// called from inside one of the group's own tasks.
const insideCheck = time.Millisecond

func (g *groupCore) stop() {
	for {
		s := g.state.Load()
		if s&stopped != 0 {
			return
		}
		if g.state.CompareAndSwap(s, s|stopped|closing) {
			g.cancel(errGroupStopped)
			if s == 0 { // nothing pending, and not finished yet
				g.finish()
			}
			return
		}
	}
}

// finish runs once, when the group is closing and nothing is pending.
func (g *groupCore) finish() {
	g.mu.Lock()
	var note error
	if g.drops > 0 {
		why := context.Cause(g.ctx)
		if why == nil {
			why = ErrClosed // the pool dropped them before any task linked the group to it
		}
		note = fmt.Errorf("pool: group: %d tasks never ran: %w", g.drops, why)
	}
	switch {
	case g.first != nil:
		g.result = g.first
	case note != nil && len(g.errs) == 0:
		g.result = note
	case note != nil:
		g.result = errors.Join(append(g.errs, note)...)
	case len(g.errs) == 1:
		g.result = g.errs[0]
	case len(g.errs) > 1:
		g.result = errors.Join(g.errs...)
	}
	g.mu.Unlock()
	g.cancel(errGroupDone)
	g.poolLink.unlink(&g.mu)
	close(g.done)
}
