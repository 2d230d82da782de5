package pool

import (
	"context"
	"errors"
	"iter"
	"sync/atomic"
)

// Results is a pool whose tasks return values, read back with All in
// submission order (or, with Unordered, in completion order): a fan-out
// and fan-in with many workers, one reader, and memory bounded by the
// reorder window however the task durations vary.
//
// Submit, TrySubmit, Resize, Stats and Close are safe for concurrent use;
// All is meant for one reader at a time.
type Results[T any] struct {
	c       *core[T]
	reading atomic.Bool
}

// errStoppedEarly cancels what is left when the reader leaves All.
var errStoppedEarly = errors.New("pool: Results.All stopped early")

// NewResults makes a result pool of at most workers goroutines, started
// as tasks arrive. It takes every
// option: WithQueue, WithContext and WithFailFast as New does, plus
// Unordered and WithWindow.
//
// NewResults panics if workers < 1 or an option is nil.
func NewResults[T any](workers int, opts ...Option) *Results[T] {
	if workers < 1 {
		panic("pool: workers < 1 passed to NewResults")
	}
	cfg := newConfig(workers, opts)
	var out resultSink[T]
	if cfg.unordered {
		out = newWindow[T](cfg.window, false)
	} else {
		out = newOrderedWindow[T](cfg.window)
	}
	return &Results[T]{c: newCore(workers, cfg, out)}
}

// Submit queues fn, waiting while the queue is full, exactly as
// Pool.Submit does; fn's value and error come out of All, in the place of
// this call among all accepted submits. A refused fn yields nothing.
//
// Submit panics if ctx or fn is nil.
func (r *Results[T]) Submit(ctx context.Context, fn func(ctx context.Context) (T, error)) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Submit")
	}
	if fn == nil {
		panic("pool: nil fn passed to Submit")
	}
	return r.c.submit(ctx, job[T]{get: fn})
}

// TrySubmit is Submit that fails with ErrFull instead of waiting, as
// Pool.TrySubmit does.
//
// TrySubmit panics if fn is nil.
func (r *Results[T]) TrySubmit(fn func(ctx context.Context) (T, error)) error {
	if fn == nil {
		panic("pool: nil fn passed to TrySubmit")
	}
	return r.c.trySubmit(job[T]{get: fn})
}

// Resize sets the number of workers, as Pool.Resize does. The window keeps
// the size it was given.
//
// Resize panics if n < 1.
func (r *Results[T]) Resize(n int) { r.c.resize(n) }

// Stats returns a snapshot of the counters, as Pool.Stats does.
func (r *Results[T]) Stats() Stats { return r.c.stats() }

// Close stops intake and returns at once: later submits fail with
// ErrClosed, and All ends after the last accepted task's result. Errors are
// not returned here but yielded by All, each beside its task's result.
// Close is idempotent and safe from any goroutine.
func (r *Results[T]) Close() { r.c.stopIntake(ErrClosed) }

// All returns an iterator over the results: each task's value and error (a
// *task.PanicError for a panic, task.ErrGoexit for runtime.Goexit, and, for
// a task dropped unrun because the pool was stopped, an error wrapping the
// cause), in submission order unless Unordered was given. A result is
// yielded as soon as it and every result before it are ready.
//
// The range ends after the last result, once Close was called and every
// worker has exited. Breaking out of it early (or panicking in its body)
// stops the pool: intake closes, running tasks see their context cancelled,
// queued tasks are dropped, and All waits for every worker before it
// returns, so nothing leaks.
//
// All panics if another range over the same Results is running. A range
// started after an earlier one ended yields nothing: the pool is stopped.
func (r *Results[T]) All() iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if !r.reading.CompareAndSwap(false, true) {
			panic("pool: Results.All called while another range over it is running")
		}
		defer r.reading.Store(false)
		ended := false
		defer func() {
			if !ended { // break, or a panic in the loop's body
				r.c.stopIntake(ErrClosed)
				r.c.abort(errStoppedEarly)
				r.c.out.leave()
			}
			r.c.shutdown(context.Background(), "Close")
		}()
		for {
			v, err, ok := r.c.out.next()
			if !ok {
				ended = true
				return
			}
			if !yield(v, err) {
				return
			}
		}
	}
}
