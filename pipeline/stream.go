package pipeline

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/baton-go/baton/channel"
)

// Stream is a description of a flow of values of type T: where they come
// from and the stages they pass through. Building a Stream starts nothing;
// a sink (Collect, ForEach, Reduce, All, Run) starts every stage behind it,
// and returns only when all of them have exited.
//
// A Stream feeds exactly one consumer. The stages between a source and its
// sink form a chain of bounded channels, and a value read by one consumer is
// gone for any other, so a second consumer would silently see a random half
// of the items. Building a second consumer of the same Stream therefore
// panics; Broadcast gives several consumers every item, and Split or
// Partition share the items among them. A Stream also runs once: after its
// sink returned, build the description again to run it again.
type Stream[T any] struct {
	kind  string // the API that made it, for messages
	depth int    // stages between it and its furthest source; for default names
	build func(r *run) *channel.Receiver[item[T]]
	used  atomic.Bool
	// name is the name of the stage that makes the stream, for the
	// Inputs of the stages that read it.
	name string
	// multi says that several goroutines send into the stream's channel
	// (an unordered stage with several workers, a Merge of several
	// streams), so the positions its items carry are not positions in the
	// channel; see inbox.
	multi bool
}

// item is the envelope in which a value travels between stages. It is
// passed by value through the channels, so a stage whose callback does not
// allocate moves an item without allocating. ack is nil unless the value
// came from an AckReceiver. idx is the item's position in its channel,
// written by the sender: exact when one goroutine sends into the channel,
// which lets several workers of the next stage name the right item in a
// StageError without a lock around their receive (see inbox).
type item[T any] struct {
	v   T
	ack *ack
	idx int64
}

// out is one goroutine's end of a stage's output channel: the channel, and
// the position the next item sent there will have, counted by the owner
// alone.
type out[T any] struct {
	tx *channel.Sender[item[T]]
	n  int64
}

func newOut[T any](tx *channel.Sender[item[T]]) *out[T] { return &out[T]{tx: tx} }

// claim marks s as consumed by the consumer being built, or panics if
// another consumer had it first.
func (s *Stream[T]) claim(by string) {
	if s == nil {
		panic(fmt.Sprintf("pipeline: nil Stream passed to %s", by))
	}
	if s.used.Swap(true) {
		panic(fmt.Sprintf("pipeline: %s: this stream (made by %s) already has a consumer; "+
			"a Stream feeds exactly one consumer, so use Broadcast to give every item to several consumers, "+
			"or Split or Partition to share the items among them", by, s.kind))
	}
}

// stageName is the name a stage gets unless Name sets one.
func stageName(c config, kind string, depth int) string {
	if c.name != "" {
		return c.name
	}
	return fmt.Sprintf("%s#%d", kind, depth)
}

// newChan makes the channel between two stages and registers it, so that
// when the run ends the items left in it are settled with the reason the
// pipeline stopped.
func newChan[T any](r *run, n int) (*channel.Sender[item[T]], *channel.Receiver[item[T]]) {
	tx, rx := channel.Bounded[item[T]](n)
	r.cleanups = append(r.cleanups, func(cause error) {
		for it := range rx.Drain() {
			it.ack.fail(cause)
		}
	})
	return tx, rx
}

// recvItem receives the next item. With a monitor it counts the item and,
// only when the input is empty, times the wait, so the steady state reads
// no clock.
func recvItem[T any](ctx context.Context, rx *channel.Receiver[item[T]], p *probe) (item[T], error) {
	if p == nil {
		return rx.RecvContext(ctx)
	}
	// RecvContext looks at ctx before the channel; so must the monitored
	// path, or a stopped stage would go on taking the items buffered in its
	// input (issue 15: a sink with CollectErrors kept calling its callback
	// after the caller's ctx ended, but only with a Monitor).
	if err := ctx.Err(); err != nil {
		var zero item[T]
		return zero, err
	}
	it, err := rx.TryRecv()
	if err == channel.ErrEmpty {
		p.waitIn()
		it, err = rx.RecvContext(ctx)
		p.doneIn()
	}
	if err == nil {
		p.received()
	}
	return it, err
}

// sendItem sends it, waiting while the output is full. If the pipeline
// stops first, it settles the item's message with the reason, records that
// the run was cut short, and reports false.
func sendItem[T any](ctx context.Context, r *run, o *out[T], p *probe, it item[T]) bool {
	var err error
	it.idx = o.n
	if p == nil {
		err = o.tx.SendContext(ctx, it)
	} else if err = ctx.Err(); err == nil && (o.tx.IsFull() || o.tx.TrySend(it) != nil) {
		// TrySend after IsFull: when another sender fills the last slot
		// between the two, the wait is still timed, not counted as busy
		// time. A TrySend that fails for another reason (closed) fails the
		// same way in SendContext, at once.
		p.waitOut()
		err = o.tx.SendContext(ctx, it)
		p.doneOut()
	}
	if err != nil {
		it.ack.fail(r.cause())
		r.stopped.Store(true)
		return false
	}
	o.n++
	if p != nil {
		p.sent()
	}
	return true
}
