package pipeline

import (
	"errors"
	"fmt"
)

// StageError is the error a sink returns for a failure inside the pipeline:
// it names the stage, so that a failure in a graph of ten stages points at
// one of them, and keeps the cause for errors.Is and errors.As.
//
// A panic in a callback arrives as a StageError whose Err is a
// *task.PanicError holding the panic value and the stack of the goroutine
// that panicked; a callback that calls runtime.Goexit (as t.FailNow does)
// arrives with Err set to task.ErrGoexit.
type StageError struct {
	// Stage is the stage's name: the one given with Name, or the default
	// "kind#depth", such as "map#1" for a Map right after its source.
	Stage string
	// Index is the exact position of the failing item in the stage's
	// input, counted from 0 in the order the input channel delivered the
	// items, however many workers the stage has. When one goroutine feeds
	// the input (a source, a single-worker or Ordered stage, Batch, a
	// fan-out branch) that is the order it sent them, so for a stage right
	// after From(seq), Index is the item's position in seq. When several
	// feed it (an unordered stage with several workers, a Merge), their
	// items interleave, and Index counts them as they came out of the
	// channel. For a source, Index counts the values it received before
	// it failed. It is -1 when the failure concerns no single item (a
	// panic in a source's own iterator, say).
	Index int64
	// Err is the cause: what the callback returned, a *task.PanicError, or
	// the error of the source's receiver.
	Err error
}

// Error reads "pipeline: stage map#1, item 41: cause".
func (e *StageError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("pipeline: stage %s: %v", e.Stage, e.Err)
	}
	return fmt.Sprintf("pipeline: stage %s, item %d: %v", e.Stage, e.Index, e.Err)
}

// Unwrap gives the cause, so errors.Is(err, io.EOF) or
// errors.As(err, &panicErr) see through the stage.
func (e *StageError) Unwrap() error { return e.Err }

// ErrEmpty is First's error when the stream ended without a single item:
// the zero value First returns with it is no item of the stream.
var ErrEmpty = errors.New("pipeline: the stream is empty")
