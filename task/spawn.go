package task

import (
	"context"
	"fmt"
)

// Handle is the joinable end of a function started by Spawn. All its methods
// are safe to call from many goroutines, any number of times.
type Handle[T any] struct {
	done chan struct{} // closed once out is final
	out  outcome[T]
}

// Spawn starts fn on a new goroutine and returns the handle to join it.
// A panic or runtime.Goexit in fn does not escape its goroutine: Join
// reports it as a *PanicError or ErrGoexit.
//
// Spawn panics if fn is nil, at the call rather than later on the new
// goroutine, where the mistake would be harder to trace.
func Spawn[T any](fn func() (T, error)) *Handle[T] {
	if fn == nil {
		panic("task: nil function passed to Spawn")
	}
	h := &Handle[T]{done: make(chan struct{})}
	go h.run(fn)
	return h
}

func (h *Handle[T]) run(fn func() (T, error)) {
	// Deferred so that it runs on Goexit too: a handle never hangs.
	defer close(h.done)
	capture(&h.out, fn)
}

// Join waits for the function to end and returns its results. A panic comes
// back as a *PanicError (and a zero value), runtime.Goexit as ErrGoexit.
// Every call, from any goroutine, returns the same results.
func (h *Handle[T]) Join() (T, error) {
	<-h.done
	return h.out.val, h.out.err
}

// JoinContext is Join that stops waiting when ctx is done, returning the zero
// value and an error that wraps ctx.Err() (and context.Cause(ctx), when it
// differs). The function itself is not stopped: its goroutine keeps running,
// and a later Join still gets its results. To make the function stop, give it
// a context of its own and cancel that.
//
// A function that has already ended wins over a done ctx. JoinContext panics
// if ctx is nil, as the context package does.
func (h *Handle[T]) JoinContext(ctx context.Context) (T, error) {
	if ctx == nil {
		panic("task: nil Context")
	}
	select {
	case <-h.done:
		return h.out.val, h.out.err
	default:
	}
	select {
	case <-h.done:
		return h.out.val, h.out.err
	case <-ctx.Done():
		var zero T
		return zero, gaveUp("JoinContext", ctx)
	}
}

// Done returns a channel that is closed when the function has ended, so a
// handle can sit in a native select beside other channels. Join then returns
// at once.
func (h *Handle[T]) Done() <-chan struct{} {
	return h.done
}

// gaveUp is the error of a wait abandoned because ctx is done. It wraps the
// cause as well, so that errors.Is finds whatever the canceller passed to a
// CancelCauseFunc.
func gaveUp(op string, ctx context.Context) error {
	err := ctx.Err()
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("task: %s gave up: %w: %w", op, err, cause)
	}
	return fmt.Errorf("task: %s gave up: %w", op, err)
}
