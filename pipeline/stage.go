package pipeline

import (
	"context"

	"github.com/baton-go/baton/channel"
)

// result is what a stage's callback made of one input: nothing (Filter
// dropped it), one value (Map, Filter), or several (FlatMap). It is returned
// by value so that Map and Filter move items without allocating.
type result[R any] struct {
	one  R
	many []R
	n    int8 // 0: nothing, 1: one, 2: many
}

// proc is the callback of a stage, in the shape shared by Map, Filter and
// FlatMap.
type proc[T, R any] func(ctx context.Context, v T) (result[R], error)

// Map returns a stream of fn applied to every item of s.
//
// With Workers(n), n goroutines call fn at once and results are emitted as
// they finish; with Ordered() they are emitted in input order (see Window).
// The context given to fn is cancelled when the pipeline stops, so a long
// callback should watch it. If fn returns an error or panics, the sink
// returns a *StageError naming this stage and the item's index, and every
// stage stops (unless the sink has CollectErrors, which drops the item and
// goes on).
//
// A nil fn, or an option that is not a stage option, panics here; so does
// an s that already has a consumer.
func Map[T, R any](s *Stream[T], fn func(ctx context.Context, v T) (R, error), opts ...Option) *Stream[R] {
	if fn == nil {
		panic("pipeline: Map(s, fn) needs a non-nil fn")
	}
	return newStage(s, "map", opts, func(ctx context.Context, v T) (result[R], error) {
		r, err := fn(ctx, v)
		return result[R]{one: r, n: 1}, err
	})
}

// Filter returns the items of s for which keep returns true, with the same
// options and error handling as Map. A dropped item counts as done: a message
// from an AckReceiver is settled when Filter drops it.
//
// A nil keep panics.
func Filter[T any](s *Stream[T], keep func(ctx context.Context, v T) (bool, error), opts ...Option) *Stream[T] {
	if keep == nil {
		panic("pipeline: Filter(s, keep) needs a non-nil keep")
	}
	return newStage(s, "filter", opts, func(ctx context.Context, v T) (result[T], error) {
		ok, err := keep(ctx, v)
		if !ok {
			return result[T]{}, err
		}
		return result[T]{one: v, n: 1}, err
	})
}

// FlatMap returns, for each item of s, every value of the slice fn returns,
// in slice order, with the same options and error handling as Map. With
// Ordered(), the children of an item come before those of the next item.
// An empty slice emits nothing. The values are copied out of the slice as
// they are sent, so fn may return a fresh slice each time but must not
// change one it returned.
//
// A nil fn panics.
func FlatMap[T, R any](s *Stream[T], fn func(ctx context.Context, v T) ([]R, error), opts ...Option) *Stream[R] {
	if fn == nil {
		panic("pipeline: FlatMap(s, fn) needs a non-nil fn")
	}
	return newStage(s, "flatmap", opts, func(ctx context.Context, v T) (result[R], error) {
		rs, err := fn(ctx, v)
		return result[R]{many: rs, n: 2}, err
	})
}

// newStage builds the stream behind Map, Filter and FlatMap.
func newStage[T, R any](s *Stream[T], kind string, opts []Option, p proc[T, R]) *Stream[R] {
	c := options(kind, opts, stageOpts...)
	s.claim(kind)
	name := stageName(c, kind, s.depth+1)
	ordered := c.ordered && c.workers > 1 // a lone worker keeps order by itself
	res := &Stream[R]{kind: kind, depth: s.depth + 1, name: name, multi: c.workers > 1 && !ordered}
	res.build = func(r *run) *channel.Receiver[item[R]] {
		in := s.build(r)
		tx, rx := newChan[R](r, c.buffer)
		st := r.stats(name, c.workers, []string{s.name}, in)
		box := newInbox(s, in, c.workers)
		if ordered {
			startOrdered(r, name, st, c, box, tx, p)
			return rx
		}
		for i := range c.workers {
			wtx := tx
			if i > 0 {
				wtx = tx.Clone()
			}
			r.spawn(name, st, func(ctx context.Context, pr *probe) {
				worker(ctx, r, name, pr, box.port(), newOut(wtx), p)
			})
		}
		return rx
	}
	return res
}

// worker is one goroutine of an unordered stage: receive, call, send, until
// the input ends or the pipeline stops.
func worker[T, R any](ctx context.Context, r *run, name string, pr *probe,
	in *port[T], o *out[R], p proc[T, R]) {
	defer o.tx.Close()
	var cur inFlight
	defer cur.goexit(r, name)
	for {
		it, idx, err := in.recv(ctx, pr)
		if err != nil {
			r.ended(err)
			return
		}
		cur.enter(it.ack, idx)
		pr.enter(idx)
		res, err := call(ctx, p, it.v)
		pr.leave()
		cur.leave()
		if err != nil {
			if !r.failed(name, pr, idx, it.ack, err) {
				return
			}
		} else if !emit(ctx, r, o, pr, res, it.ack) {
			return
		}
	}
}

// emit sends what a callback made of one item, dividing the item's message
// among its children.
func emit[R any](ctx context.Context, r *run, o *out[R], pr *probe, res result[R], a *ack) bool {
	switch {
	case res.n == 1:
		return sendItem(ctx, r, o, pr, item[R]{v: res.one, ack: a})
	case res.n == 0 || len(res.many) == 0:
		a.taken() // dropped, or no children: the work is done
		return true
	}
	a.share(len(res.many) - 1)
	for _, v := range res.many {
		if !sendItem(ctx, r, o, pr, item[R]{v: v, ack: a}) {
			return false
		}
	}
	return true
}
