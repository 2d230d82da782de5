package pipeline

import (
	"context"
	"sync/atomic"
)

// Any reports whether pred holds for some item of s. It calls pred for the
// items as they arrive, from Workers(n) goroutines at once, and as soon as
// one call returns true it stops every stage and returns true once all of
// them have exited; if s ends with pred false for every item, it returns
// false.
//
// The stages upstream start no new callback after the decision; the calls
// already running, of pred or upstream, finish with their context
// cancelled, so the work after the decision is bounded by the workers. A
// call of pred that returns an error (even together with true) or panics,
// or the failure of any stage, decides too: Any returns false and the
// *StageError, as every sink does. Whichever of a true and an error comes
// first wins.
//
// Options: Workers, Name, WithMonitor, WithStallReport. A nil ctx or pred
// panics; so does an s that already has a consumer.
func Any[T any](ctx context.Context, s *Stream[T], pred func(ctx context.Context, v T) (bool, error), opts ...Option) (bool, error) {
	checkContext(ctx, "Any")
	if pred == nil {
		panic("pipeline: Any(ctx, s, pred) needs a non-nil pred")
	}
	c := options("Any", opts, "Workers", "Name", "WithMonitor", "WithStallReport")
	s.claim("Any")
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var found atomic.Bool
	err := execute(ctx, c, func(r *run) {
		buildEach(r, s, "any", c, func(ctx context.Context, v T) error {
			ok, err := pred(ctx, v)
			if err != nil || !ok {
				return err
			}
			// A true counts only while the run goes on: after another
			// worker's error stopped it, the answer is that error.
			if r.ctx.Err() == nil && found.CompareAndSwap(false, true) {
				r.cancel(errSinkStopped)
			}
			return nil
		})
	})
	if found.Load() {
		return true, nil
	}
	return false, err
}
