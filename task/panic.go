package task

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
)

// ErrPanicked matches, with errors.Is, every *PanicError: it lets a caller
// tell "the function crashed" from the errors the function returned itself.
var ErrPanicked = errors.New("task: panicked")

// ErrGoexit reports that the function called runtime.Goexit, directly or
// through testing.T.FailNow. Without it, the goroutine would vanish without a
// result and Join would wait forever.
var ErrGoexit = errors.New("task: runtime.Goexit called")

// PanicError is the error of a function that panicked. The panic is recovered
// on the function's own goroutine, so one crashing task does not take the
// process down, and the evidence travels to whoever joins it.
type PanicError struct {
	// Value is what was passed to panic. For panic(nil) it is a
	// *runtime.PanicNilError, as recover reports since Go 1.21.
	Value any
	// Stack is the panicking goroutine's stack, captured while the panic
	// was in flight, so it shows the frame that panicked. The goroutine is
	// gone by the time anyone reads the error; this is all that is left.
	Stack []byte
}

// newPanicError must be called from the deferred function that recovered v,
// so that the captured stack still holds the panicking frames.
func newPanicError(v any) *PanicError {
	return &PanicError{Value: v, Stack: debug.Stack()}
}

// Error is one line for logs that join errors: the stack is kept out of it
// and printed only by the %+v verb.
func (e *PanicError) Error() string {
	return fmt.Sprintf("task: panic: %v", e.Value)
}

// Is makes errors.Is(err, ErrPanicked) hold without giving up Unwrap, which
// is reserved for the panic value.
func (e *PanicError) Is(target error) bool {
	return target == ErrPanicked
}

// Unwrap returns the panic value when it is an error, so errors.Is and
// errors.As reach it (for example a *runtime.PanicNilError or a
// runtime.Error), and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}

// Format prints the stack after the message for %+v, the verb that error
// libraries use for "everything you know"; every other verb prints Error().
func (e *PanicError) Format(s fmt.State, verb rune) {
	switch {
	case verb == 'v' && s.Flag('+'):
		_, _ = io.WriteString(s, e.Error())
		_, _ = io.WriteString(s, "\n\n")
		_, _ = s.Write(e.Stack)
	case verb == 'q':
		_, _ = fmt.Fprintf(s, "%q", e.Error())
	default:
		_, _ = io.WriteString(s, e.Error())
	}
}
