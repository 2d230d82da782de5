package pool

import (
	"context"
	"sync"
)

// ResultGroup is a Group whose tasks return values: Wait gives them back in
// the group's own submission order, whatever order they finished in and
// whatever other groups share the pool. Everything else is as for Group.
//
// The group holds each value until Wait returns them, so its memory grows
// with the number of tasks submitted to it: meant for the bounded fan-out
// of one request, not for a stream (NewResults is for streams).
type ResultGroup[T any] struct {
	core  groupCore
	mu    sync.Mutex
	cells []*cell[T] // in submission order
}

// cell is one task's place among the results.
type cell[T any] struct {
	v       T
	refused bool // the submit failed: the task has no place
}

// NewResultGroup starts a group on r, a *Pool, a *Subpool or a *Results of
// any type, whose tasks return values of type T. (Go methods cannot take
// type parameters, hence a function rather than a method; on a Results[T],
// r.Group is the same.) Options and context are as for Pool.Group.
//
// NewResultGroup panics if r, ctx or an option is nil.
func NewResultGroup[T any](r Runner, ctx context.Context, opts ...GroupOption) *ResultGroup[T] {
	if r == nil {
		panic("pool: nil r passed to NewResultGroup")
	}
	g := &ResultGroup[T]{}
	g.core.init(r, ctx, opts, "NewResultGroup")
	return g
}

// Group starts a group on r, as Pool.Group does on a pool, whose tasks
// return values of r's type: Wait gives them back in the group's own
// submission order. The group's tasks share r's queue, admission order and
// workers with r's own tasks, but their values go to the group, never to
// All, and they take no place in r's window, so they never wait for All's
// reader. (Only r's own tasks do: while a slow reader keeps the window
// full, the workers holding its tasks wait, and the group's tasks queue
// behind them like everyone else's.) Ending All early, like any abort of
// r, drops the group's queued tasks and cancels its running ones.
//
// Group panics if ctx or an option is nil.
func (r *Results[T]) Group(ctx context.Context, opts ...GroupOption) *ResultGroup[T] {
	g := &ResultGroup[T]{}
	g.core.init(r, ctx, opts, "Results.Group")
	return g
}

// Submit queues fn as Group.Submit does; its value takes the place of this
// call among the group's accepted submits.
//
// Submit panics if fn is nil.
func (g *ResultGroup[T]) Submit(fn func(ctx context.Context) (T, error)) error {
	if fn == nil {
		panic("pool: nil fn passed to ResultGroup.Submit")
	}
	return g.submit(fn, true)
}

// TrySubmit is Submit that fails with ErrFull instead of waiting, as
// Group.TrySubmit does.
//
// TrySubmit panics if fn is nil.
func (g *ResultGroup[T]) TrySubmit(fn func(ctx context.Context) (T, error)) error {
	if fn == nil {
		panic("pool: nil fn passed to ResultGroup.TrySubmit")
	}
	return g.submit(fn, false)
}

func (g *ResultGroup[T]) submit(fn func(context.Context) (T, error), wait bool) error {
	// The cell is listed only once the task is pending, so Wait, which
	// reads the cells after nothing is pending, sees every flag final.
	if err := g.core.enter(); err != nil {
		return err
	}
	c := &cell[T]{}
	g.mu.Lock()
	g.cells = append(g.cells, c)
	g.mu.Unlock()
	t := g.core.task(func(ctx context.Context) error {
		v, err := fn(ctx)
		if err == nil {
			c.v = v
		}
		return err
	})
	return g.core.send(t, wait, func() {
		g.mu.Lock()
		c.refused = true
		g.mu.Unlock()
	})
}

// Wait waits as Group.Wait does, and returns the values of the accepted
// tasks in submission order, with the error Group.Wait would return. A task
// that failed, panicked or was dropped leaves the zero value in its place,
// so the slice always has one value per accepted submit. Called from
// inside one of the group's own tasks, it returns no values and the error
// Group.Wait returns there.
func (g *ResultGroup[T]) Wait() ([]T, error) {
	err := g.core.wait()
	if err == errWaitInside { // the tasks still run: their values are not ours to read
		return nil, err
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	vs := make([]T, 0, len(g.cells))
	for _, c := range g.cells {
		if !c.refused {
			vs = append(vs, c.v)
		}
	}
	return vs, err
}

// Stop is Group.Stop.
func (g *ResultGroup[T]) Stop() { g.core.stop() }

// Done is Group.Done.
func (g *ResultGroup[T]) Done() <-chan struct{} { return g.core.done }

// Context is Group.Context.
func (g *ResultGroup[T]) Context() context.Context { return g.core.ctx }
