package pipeline

import (
	"context"
	"sync/atomic"
)

// AckReceiver is a receiver whose messages must be settled once the work
// they feed is done, such as a JetStream receiver: the broker redelivers a
// message that is never settled, or settled with an error, so a crash loses
// nothing. It has the same method set as pool.AckReceiver; Go interfaces are
// structural, so one receiver serves both.
//
// FromReceiver looks once whether its receiver also implements AckReceiver.
// If so it receives with RecvAck, and each item carries its settle func
// through the stages. settle is called exactly once per received message:
//
//   - settle(nil) when the work it feeds is done, that is when the sink took
//     every item derived from it: Collect appended it, the ForEach or Each
//     callback returned nil for it, Reduce folded it, the body of All's loop
//     returned for it. An item that Filter drops is done when dropped.
//     FlatMap's children and Broadcast's copies share one count and settle
//     the message when the last of them is taken (a FlatMap with no children
//     settles it at once). A Batch settles each member when the batch is
//     taken.
//   - settle(err) when processing it failed (err is the *StageError) or the
//     pipeline stopped before the sink took it (err is the ctx's error or
//     the first error).
//
// settle is called from stage goroutines, possibly concurrently for
// different messages, and never while a pipeline lock is held; it should not
// block for long, since it runs on the pipeline's critical path.
type AckReceiver[T any] interface {
	RecvAck(ctx context.Context) (v T, settle func(err error), err error)
}

// ack tracks one received message until it is settled. Items from sources
// without acknowledgement carry a nil *ack, and every method is a no-op on
// nil, so local pipelines pay one nil check per item.
//
// refs counts the items derived from the message that are still on their
// way to a sink; the message is settled with nil when it drops to zero, and
// with an error the first time any of them fails. done makes either happen
// once.
type ack struct {
	settle  func(error)
	members []*ack // a batch's members: settling the batch settles each
	refs    atomic.Int64
	done    atomic.Bool
}

func newAck(settle func(error)) *ack {
	a := &ack{settle: settle}
	a.refs.Store(1)
	return a
}

// newBatchAck returns the ack of a batch, or nil when no member has one.
func newBatchAck(members []*ack) *ack {
	for _, m := range members {
		if m != nil {
			a := &ack{members: members}
			a.refs.Store(1)
			return a
		}
	}
	return nil
}

// share adds n more items to those carrying the message: FlatMap children
// beyond the first, Broadcast copies beyond the first.
func (a *ack) share(n int) {
	if a != nil && n != 0 {
		a.refs.Add(int64(n))
	}
}

// taken reports that a sink took one of the items carrying the message.
func (a *ack) taken() {
	if a != nil && a.refs.Add(-1) == 0 && a.done.CompareAndSwap(false, true) {
		a.finish(nil)
	}
}

// fail settles the message with err, unless it was settled already.
func (a *ack) fail(err error) {
	if a != nil && a.done.CompareAndSwap(false, true) {
		a.finish(err)
	}
}

func (a *ack) finish(err error) {
	if a.members != nil {
		for _, m := range a.members {
			if err == nil {
				m.taken()
			} else {
				m.fail(err)
			}
		}
		return
	}
	if a.settle != nil {
		a.settle(err)
	}
}
