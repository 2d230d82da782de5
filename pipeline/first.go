package pipeline

import "context"

// First runs s until its first item reaches the sink, then stops every
// stage and returns that item once all of them have exited. "First" is
// the first to arrive: the first of the input when every stage keeps order
// (single workers, or Ordered), whichever finished first otherwise.
//
// An endless source is fine: First stops it. Once the item arrived, the
// stages upstream start no new callback; those already running finish
// (their context is cancelled), so the work done after the decision is
// bounded by the workers. Messages from an AckReceiver that had not
// reached the sink are settled with an error, to be delivered again.
//
// If s ends without any item, First returns ErrEmpty. If a stage fails
// first, or ctx ends first, it returns that error, as every sink does;
// with either error the T is the zero value.
//
// Options: WithMonitor, WithStallReport. A nil ctx panics; so does an s
// that already has a consumer.
func First[T any](ctx context.Context, s *Stream[T], opts ...Option) (T, error) {
	checkContext(ctx, "First")
	c := options("First", opts, "WithMonitor", "WithStallReport")
	s.claim("First")
	var zero T
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	var first T
	var err error
	got := false
	iterate(ctx, s, c, "first", func(v T, e error) bool {
		if e != nil {
			err = e
		} else {
			first, got = v, true
		}
		return false
	})
	switch {
	case got:
		return first, nil
	case err != nil:
		return zero, err
	}
	return zero, ErrEmpty
}
