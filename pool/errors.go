package pool

import (
	"context"
	"errors"
	"fmt"
)

// The sentinel errors of a refused task. Compare with errors.Is: a refusal
// because the caller's context ended wraps that context's error instead.
var (
	// ErrClosed refuses a task submitted after Close or Shutdown began. It
	// is an error, never a panic, so a producer racing a shutdown needs no
	// recover.
	ErrClosed = errors.New("pool: closed")
	// ErrFull refuses a task that TrySubmit could not queue without
	// waiting: the queue was full, or other submitters were already waiting
	// for room and the task would have jumped their line.
	ErrFull = errors.New("pool: queue full")
)

// gaveUp is the error of a Submit whose context ended before its task was
// accepted. It wraps the context's error and, when it differs, its cause.
func gaveUp(ctx context.Context) error {
	err := ctx.Err()
	if cause := context.Cause(ctx); cause != nil && cause != err {
		return fmt.Errorf("pool: Submit gave up: %w: %w", err, cause)
	}
	return fmt.Errorf("pool: Submit gave up: %w", err)
}
