package pipeline

import (
	"context"
	"runtime/debug"

	"github.com/baton-go/baton/task"
)

// call runs a stage's callback on one value, turning a panic into a
// *task.PanicError so that one bad item fails its stage, with the stack of
// the panic, instead of killing the process.
//
// A runtime.Goexit in fn (t.FailNow in a test) cannot be stopped; recover
// returns nil for it, so call leaves it alone and the goroutine's task
// reports task.ErrGoexit for the stage.
func call[T, R any](ctx context.Context, fn func(context.Context, T) (R, error), v T) (r R, err error) {
	normal := false
	defer func() {
		if !normal {
			if p := recover(); p != nil {
				err = &task.PanicError{Value: p, Stack: debug.Stack()}
			}
		}
	}()
	r, err = fn(ctx, v)
	normal = true
	return r, err
}
