package channel

import (
	"errors"
	"fmt"
)

// The sentinel errors. Compare with errors.Is: a failed send wraps one of
// them (or a context's error) in a *SendError.
var (
	// ErrDisconnected reports that the other side of the channel is gone:
	// every Sender is closed (and, for a receive, nothing is left in the
	// buffer), or every Receiver is closed (for a send).
	ErrDisconnected = errors.New("channel: disconnected")
	// ErrFull reports that TrySend found no room and no waiting receiver.
	ErrFull = errors.New("channel: full")
	// ErrEmpty reports that TryRecv found no value and no waiting sender.
	ErrEmpty = errors.New("channel: empty")
	// ErrTimeout reports that a Timeout or Deadline operation ran out of time.
	ErrTimeout = errors.New("channel: timed out")
	// ErrClosed reports an operation on a handle that was itself closed.
	ErrClosed = errors.New("channel: use of closed handle")
)

// SendError is the error of every failed send. It hands the unsent value
// back, so nothing is lost, and unwraps to the cause: ErrDisconnected,
// ErrFull, ErrTimeout, ErrClosed or a context's error.
type SendError[T any] struct {
	Value T     // the value that was not sent
	Err   error // why it was not sent
}

// Error describes the cause.
func (e *SendError[T]) Error() string {
	return fmt.Sprintf("send failed: %v", e.Err)
}

// Unwrap returns the cause, so errors.Is(err, ErrFull) and the like work.
func (e *SendError[T]) Unwrap() error { return e.Err }
