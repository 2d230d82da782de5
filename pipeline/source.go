package pipeline

import (
	"context"
	"errors"
	"iter"

	"github.com/baton-go/baton/channel"
)

// Receiver is anything a stream can read from: a baton *channel.Receiver
// or a jetstream *Receiver (module github.com/baton-go/baton/jetstream).
// RecvContext must return
// channel.ErrDisconnected (or channel.ErrClosed) when no more values will
// come, and the ctx's error when ctx ends. If the receiver also implements
// AckReceiver, FromReceiver settles each message as AckReceiver describes.
type Receiver[T any] interface {
	RecvContext(ctx context.Context) (T, error)
}

// From returns a stream of the values of seq, in order. seq is iterated on
// the source's own goroutine, once, when a sink runs the stream; iteration
// stops early, as with a break, when the pipeline stops. A panic inside seq
// fails the source's stage like a callback's panic.
//
// Options: Buffer and Name. A nil seq panics.
func From[T any](seq iter.Seq[T], opts ...Option) *Stream[T] {
	if seq == nil {
		panic("pipeline: From(seq) needs a non-nil seq")
	}
	c := options("From", opts, "Buffer", "Name")
	return source("From", stageName(c, "from", 0), c, func(ctx context.Context, r *run, o *out[T], st *probe) {
		for v := range seq {
			if !sendItem(ctx, r, o, st, item[T]{v: v}) {
				return
			}
			st.reading()
		}
	})
}

// FromSeq2 returns a stream of the values of seq, a sequence of values and
// errors, as a reader's lines with the reader's error (bufio.Scanner's Err
// no longer needs to be smuggled out through a closure). The first non-nil
// error ends the source: the run fails with a *StageError that names the
// source, whose Index is the number of values before the error and whose
// Err is the error; the value paired with the error is dropped. With
// CollectErrors the error is collected and the rest of the pipeline drains
// what the source sent before it, as with FromReceiver: the source itself
// does not go on.
//
// Like From, seq is iterated once, on the source's own goroutine, when a
// sink runs the stream, and stops early when the pipeline stops.
//
// Options: Buffer and Name. A nil seq panics.
func FromSeq2[T any](seq iter.Seq2[T, error], opts ...Option) *Stream[T] {
	if seq == nil {
		panic("pipeline: FromSeq2(seq) needs a non-nil seq")
	}
	c := options("FromSeq2", opts, "Buffer", "Name")
	name := stageName(c, "from", 0)
	return source("FromSeq2", name, c, func(ctx context.Context, r *run, o *out[T], st *probe) {
		for v, err := range seq {
			if err != nil {
				if ctx.Err() != nil && r.echo(err) {
					r.stopped.Store(true)
					return
				}
				st.failed()
				r.fail(&StageError{Stage: name, Index: o.n, Err: err})
				return
			}
			if !sendItem(ctx, r, o, st, item[T]{v: v}) {
				return
			}
			st.reading()
		}
	})
}

// FromReceiver returns a stream of the values received from rx until it
// reports channel.ErrDisconnected or channel.ErrClosed. Any other error from
// rx (other than the pipeline's own context ending) fails the source's stage
// with a *StageError whose Index is the number of values received before it,
// and the source stops, even with CollectErrors: a receiver that failed once
// is not retried. The stream does not close rx; its owner does.
//
// If rx also implements AckReceiver[T], FromReceiver receives with RecvAck
// and settles every message exactly once, as AckReceiver describes.
//
// Options: Buffer and Name. A nil rx panics.
func FromReceiver[T any](rx Receiver[T], opts ...Option) *Stream[T] {
	if rx == nil {
		panic("pipeline: FromReceiver(rx) needs a non-nil rx")
	}
	c := options("FromReceiver", opts, "Buffer", "Name")
	name := stageName(c, "receiver", 0)
	ar, _ := rx.(AckReceiver[T])
	return source("FromReceiver", name, c, func(ctx context.Context, r *run, o *out[T], st *probe) {
		for idx := int64(0); ; idx++ {
			var it item[T]
			var err error
			if ar != nil {
				var settle func(error)
				it.v, settle, err = ar.RecvAck(ctx)
				if err == nil && settle != nil {
					it.ack = newAck(settle)
				}
			} else {
				it.v, err = rx.RecvContext(ctx)
			}
			switch {
			case err == nil:
			case errors.Is(err, channel.ErrDisconnected) || errors.Is(err, channel.ErrClosed):
				return
			case ctx.Err() != nil:
				r.stopped.Store(true)
				return
			default:
				st.failed()
				r.fail(&StageError{Stage: name, Index: idx, Err: err})
				return
			}
			if st != nil {
				st.received()
			}
			if !sendItem(ctx, r, o, st, it) {
				return
			}
			st.reading()
		}
	})
}

// FromChan returns a stream of the values received from ch until it is
// closed. The stream never closes ch. Options: Buffer and Name. A nil ch
// panics: it would block forever.
func FromChan[T any](ch <-chan T, opts ...Option) *Stream[T] {
	if ch == nil {
		panic("pipeline: FromChan(ch) needs a non-nil ch")
	}
	c := options("FromChan", opts, "Buffer", "Name")
	return source("FromChan", stageName(c, "chan", 0), c, func(ctx context.Context, r *run, o *out[T], st *probe) {
		for {
			select {
			case v, ok := <-ch:
				if !ok {
					return
				}
				if !sendItem(ctx, r, o, st, item[T]{v: v}) {
					return
				}
				st.reading()
			case <-ctx.Done():
				r.stopped.Store(true)
				return
			}
		}
	})
}

// source builds a source stage named name: body runs on the stage's own
// goroutine, once, when a sink runs the stream, sending through o; the
// stage's output closes when body returns.
func source[T any](kind, name string, c config, body func(ctx context.Context, r *run, o *out[T], st *probe)) *Stream[T] {
	return &Stream[T]{kind: kind, name: name, build: func(r *run) *channel.Receiver[item[T]] {
		tx, rx := newChan[T](r, c.buffer)
		st := r.stats(name, 1, nil)
		r.spawn(name, st, func(ctx context.Context, st *probe) {
			defer tx.Close()
			st.reading()
			body(ctx, r, newOut(tx), st)
		})
		return rx
	}}
}
