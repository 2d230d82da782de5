package pipeline

import (
	"context"
	"iter"
	"sync/atomic"
)

// Every sink below follows the same rules:
//
//   - It builds and starts every stage behind its stream, and returns only
//     when every one of their goroutines has exited, whatever happened.
//   - A nil ctx panics, as in the standard library. A ctx already done
//     makes it return ctx's error at once, running nothing.
//   - The first error or panic of any stage (a *StageError), or the end of
//     ctx, stops every stage, and the sink returns that error: the
//     *StageError, or ctx's error (errors.Is works on both). With
//     CollectErrors, failed items are dropped, the rest flows on, and the
//     sink returns every *StageError joined with errors.Join (and ctx's
//     error if ctx ended).
//   - Once the run stops, no callback starts, and a callback that then
//     returns its context's error is not counted as its stage's failure:
//     its item is settled with the reason the run stopped, so a cancelled
//     run returns ctx's error alone, with or without CollectErrors and a
//     Monitor.
//   - A callback that calls runtime.Goexit stops the run with a
//     *StageError wrapping task.ErrGoexit that names its item, and that
//     item's message is settled with the same error.
//   - WithMonitor(m) reports every stage's statistics, the sink's included,
//     and WithStallReport(d, fn) reports a run in which nothing moved for d.

// Collect runs s and returns its items in the order they arrive (the input
// order when every stage is ordered). On an error it returns the items
// collected so far along with the error.
//
// Options: CollectErrors, WithMonitor, WithStallReport.
func Collect[T any](ctx context.Context, s *Stream[T], opts ...Option) ([]T, error) {
	checkContext(ctx, "Collect")
	c := options("Collect", opts, sinkOpts...)
	s.claim("Collect")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []T
	err := execute(ctx, c, func(r *run) {
		in := s.build(r)
		name := stageName(config{}, "collect", s.depth+1)
		st := r.stats(name, 1, []string{s.name}, in)
		r.spawn(name, st, func(ctx context.Context, st *probe) {
			for {
				it, err := recvItem(ctx, in, st)
				if err != nil {
					r.ended(err)
					return
				}
				out = append(out, it.v)
				it.ack.taken()
			}
		})
	})
	return out, err
}

// ForEach runs s and calls fn for each item; with Workers(n), from n
// goroutines at once, in no particular order. An item is done, and its
// message from an AckReceiver settled, when fn returns nil for it.
//
// Options: Workers, Name, CollectErrors, WithMonitor, WithStallReport. A
// nil fn panics.
func ForEach[T any](ctx context.Context, s *Stream[T], fn func(ctx context.Context, v T) error, opts ...Option) error {
	checkContext(ctx, "ForEach")
	if fn == nil {
		panic("pipeline: ForEach(ctx, s, fn) needs a non-nil fn")
	}
	c := options("ForEach", opts, eachOpts...)
	s.claim("ForEach")
	if err := ctx.Err(); err != nil {
		return err
	}
	return execute(ctx, c, func(r *run) { buildEach(r, s, "foreach", c, fn) })
}

// Reduce runs s and folds its items into acc with fn, one at a time, in
// arrival order, starting from init. With CollectErrors, an item whose fold
// fails is skipped and acc keeps its previous value. On an error Reduce
// returns the accumulator as it was, with the error.
//
// Options: Name, CollectErrors, WithMonitor, WithStallReport. A nil fn
// panics.
func Reduce[T, A any](ctx context.Context, s *Stream[T], init A, fn func(ctx context.Context, acc A, v T) (A, error), opts ...Option) (A, error) {
	checkContext(ctx, "Reduce")
	if fn == nil {
		panic("pipeline: Reduce(ctx, s, init, fn) needs a non-nil fn")
	}
	c := options("Reduce", opts, "Name", "CollectErrors", "WithMonitor", "WithStallReport")
	s.claim("Reduce")
	if err := ctx.Err(); err != nil {
		return init, err
	}
	acc := init
	err := execute(ctx, c, func(r *run) {
		in := s.build(r)
		name := stageName(c, "reduce", s.depth+1)
		st := r.stats(name, 1, []string{s.name}, in)
		fold := func(ctx context.Context, v T) (A, error) { return fn(ctx, acc, v) }
		r.spawn(name, st, func(ctx context.Context, st *probe) {
			var cur inFlight
			defer cur.goexit(r, name)
			for idx := int64(0); ; idx++ {
				it, err := recvItem(ctx, in, st)
				if err != nil {
					r.ended(err)
					return
				}
				cur.enter(it.ack, idx)
				st.enter(idx)
				next, err := call(ctx, fold, it.v)
				st.leave()
				cur.leave()
				if err != nil {
					if !r.failed(name, st, idx, it.ack, err) {
						return
					}
					continue
				}
				acc = next
				it.ack.taken()
			}
		})
	})
	return acc, err
}

// All runs s as the body of a range loop: it yields each item with a nil
// error, in arrival order, on the caller's goroutine. If the run fails, it
// then yields one last pair: the zero T and the error. Breaking out of the
// loop stops every stage and waits for them before the loop statement ends,
// so nothing leaks. An item is done (its message settled) when the loop body
// returns for it, including by break.
//
// The pipeline starts when the loop starts, not when All is called. The
// returned iterator runs once; ranging over it again panics.
//
// Options: CollectErrors, WithMonitor, WithStallReport. A nil ctx panics at the call.
func All[T any](ctx context.Context, s *Stream[T], opts ...Option) iter.Seq2[T, error] {
	checkContext(ctx, "All")
	c := options("All", opts, sinkOpts...)
	s.claim("All")
	var ran atomic.Bool
	return func(yield func(T, error) bool) {
		if ran.Swap(true) {
			panic("pipeline: the iterator returned by All was ranged over twice; a pipeline runs once")
		}
		var zero T
		if err := ctx.Err(); err != nil {
			yield(zero, err)
			return
		}
		iterate(ctx, s, c, "all", yield)
	}
}

// iterate runs s with yield as the body of its sink, on the caller's
// goroutine: the loop behind All and First. kind names the sink's stage.
func iterate[T any](ctx context.Context, s *Stream[T], c config, kind string, yield func(T, error) bool) {
	r := newRun(ctx, c)
	in := s.build(r)
	st := r.stats(stageName(config{}, kind, s.depth+1), 1, []string{s.name}, in).probe()
	r.start()
	finished := false
	var held *ack // the item in the loop body
	defer func() {
		if !finished { // the loop body panicked or called Goexit
			if st != nil {
				st.exit()
			}
			held.fail(errSinkStopped)
			r.cancel(errSinkStopped)
			_ = r.finish()
		}
	}()
	broke := false
	for idx := int64(0); ; idx++ {
		it, err := recvItem(r.ctx, in, st)
		if err != nil {
			r.ended(err)
			break
		}
		held = it.ack
		st.enter(idx)
		more := yield(it.v, nil)
		st.leave()
		held = nil
		it.ack.taken()
		if !more {
			broke = true
			r.cancel(errSinkStopped)
			break
		}
	}
	finished = true
	if st != nil {
		st.exit()
	}
	err := r.finish()
	if !broke && err != nil {
		var zero T
		yield(zero, err)
	}
}

// Sink is one consumer in a graph run by Run: made by Each. CollectErrors,
// WithMonitor and WithStallReport are accepted among Run's sinks too, and
// apply to the whole run.
type Sink interface {
	addTo(p *plan)
}

// plan is what Run's arguments add up to.
type plan struct {
	sinks []*eachSink
	opts  []Option
}

type eachSink struct {
	build func(r *run)
	used  atomic.Bool
}

func (e *eachSink) addTo(p *plan) { p.sinks = append(p.sinks, e) }

// Each is a sink for Run: it calls fn for every item of s, like ForEach.
//
// Options: Workers and Name. A nil fn panics; so does an s that already has
// a consumer.
func Each[T any](s *Stream[T], fn func(ctx context.Context, v T) error, opts ...Option) Sink {
	if fn == nil {
		panic("pipeline: Each(s, fn) needs a non-nil fn")
	}
	c := options("Each", opts, "Workers", "Name")
	s.claim("Each")
	return &eachSink{build: func(r *run) { buildEach(r, s, "each", c, fn) }}
}

// Run runs a graph with several sinks, for instance one Each per branch of
// a Broadcast, and returns when every stage of every sink has exited. Its
// error is that of a single sink, as described above. Options among the
// sinks (CollectErrors, WithMonitor, WithStallReport) apply to the whole run. Run with no
// sinks returns nil (or ctx's error). A Sink runs once: passing it to a
// second Run panics.
func Run(ctx context.Context, sinks ...Sink) error {
	checkContext(ctx, "Run")
	var p plan
	for _, s := range sinks {
		if s == nil {
			panic("pipeline: nil Sink passed to Run")
		}
		s.addTo(&p)
	}
	c := options("Run", p.opts, sinkOpts...)
	for _, e := range p.sinks {
		if e.used.Swap(true) {
			panic("pipeline: a Sink made by Each was passed to Run twice; a Sink runs once")
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return execute(ctx, c, func(r *run) {
		for _, e := range p.sinks {
			e.build(r)
		}
	})
}

// buildEach starts the workers of ForEach and Each.
func buildEach[T any](r *run, s *Stream[T], kind string, c config, fn func(context.Context, T) error) {
	in := s.build(r)
	name := stageName(c, kind, s.depth+1)
	st := r.stats(name, c.workers, []string{s.name}, in)
	box := newInbox(s, in, c.workers)
	p := func(ctx context.Context, v T) (struct{}, error) { return struct{}{}, fn(ctx, v) }
	for range c.workers {
		r.spawn(name, st, func(ctx context.Context, pr *probe) { sinkWorker(ctx, r, name, pr, box.port(), p) })
	}
}

func sinkWorker[T any](ctx context.Context, r *run, name string, pr *probe,
	in *port[T], p func(context.Context, T) (struct{}, error)) {
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
		_, err = call(ctx, p, it.v)
		pr.leave()
		cur.leave()
		if err != nil {
			if !r.failed(name, pr, idx, it.ack, err) {
				return
			}
			continue
		}
		it.ack.taken()
	}
}

// execute runs a graph built by build and waits for all of it.
func execute(ctx context.Context, c config, build func(r *run)) error {
	r := newRun(ctx, c)
	build(r)
	r.start()
	return r.finish()
}
