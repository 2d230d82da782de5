package pipeline

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baton-go/baton/channel"
)

// Batch groups the items of s into slices of up to size items, in order. A
// batch is emitted when it is full, or maxWait after its first item arrived,
// whichever comes first, so a steady trickle of items still flushes on time
// (a timer reset on every item, as some libraries do, would never fire
// under a trickle). A batch is never empty, and the partial batch left when
// s ends is flushed. maxWait == 0 means no time limit: only a full batch or
// the end of s flushes. Each batch is a new slice, owned by its consumer.
//
// Errors: Batch runs no callback of its own. When a stage upstream fails,
// the failing item never reaches Batch; without CollectErrors the whole
// pipeline stops, and the partial batch is dropped, not emitted (its
// messages, if they came from an AckReceiver, are settled with the error).
// With CollectErrors, the batch simply goes on without the failed item.
//
// Options: Buffer and Name. size < 1 or maxWait < 0 panics.
func Batch[T any](s *Stream[T], size int, maxWait time.Duration, opts ...Option) *Stream[[]T] {
	if size < 1 {
		panic(fmt.Sprintf("pipeline: Batch(s, size, maxWait) needs size >= 1, got %d", size))
	}
	if maxWait < 0 {
		panic(fmt.Sprintf("pipeline: Batch(s, size, maxWait) needs maxWait >= 0, got %v", maxWait))
	}
	c := options("Batch", opts, "Buffer", "Name")
	s.claim("Batch")
	name := stageName(c, "batch", s.depth+1)
	return &Stream[[]T]{kind: "Batch", depth: s.depth + 1, name: name, build: func(r *run) *channel.Receiver[item[[]T]] {
		in := s.build(r)
		tx, rx := newChan[[]T](r, c.buffer)
		st := r.stats(name, 1, []string{s.name}, in)
		r.spawn(name, st, func(ctx context.Context, st *probe) {
			defer tx.Close()
			b := batcher[T]{size: size, out: newOut(tx)}
			defer func() { b.fail(r.cause()) }() // anything left when the run stops early
			for {
				rctx := ctx
				if len(b.vals) > 0 && maxWait > 0 {
					rctx = b.ctx
				}
				it, err := recvItem(rctx, in, st)
				switch {
				case err == nil:
				case errors.Is(err, channel.ErrDisconnected):
					if len(b.vals) > 0 {
						b.flush(ctx, r, st)
					}
					return
				case ctx.Err() != nil:
					r.stopped.Store(true)
					return
				default: // the batch's deadline
					if !b.flush(ctx, r, st) {
						return
					}
					continue
				}
				if len(b.vals) == 0 && maxWait > 0 {
					b.ctx, b.cancel = context.WithTimeout(ctx, maxWait)
				}
				b.vals = append(b.vals, it.v)
				if it.ack != nil {
					b.acks = append(b.acks, it.ack)
				}
				if len(b.vals) == size && !b.flush(ctx, r, st) {
					return
				}
			}
		})
		return rx
	}}
}

// batcher is the batch being filled.
type batcher[T any] struct {
	size   int
	vals   []T
	acks   []*ack // only of the members that have one
	ctx    context.Context
	cancel context.CancelFunc
	out    *out[[]T]
}

func (b *batcher[T]) flush(ctx context.Context, r *run, st *probe) bool {
	if b.cancel != nil {
		b.cancel()
		b.ctx, b.cancel = nil, nil
	}
	it := item[[]T]{v: b.vals, ack: newBatchAck(b.acks)}
	b.vals, b.acks = make([]T, 0, min(b.size, 1024)), nil
	return sendItem(ctx, r, b.out, st, it)
}

func (b *batcher[T]) fail(cause error) {
	if b.cancel != nil {
		b.cancel()
	}
	for _, a := range b.acks {
		a.fail(cause)
	}
	b.acks = nil
}
