package pipeline

import (
	"context"

	"github.com/baton-go/baton/channel"
)

// inbox is how the goroutines of one stage receive from its input, and how
// they number what they receive, so that a StageError names exactly the
// item that failed: its position in the stage's input, counted from 0 in
// the order the input channel delivered the items.
//
// Taking a number from a shared counter after the receive, as an earlier
// version did, lets two workers swap numbers: the one that received first
// may count second. Three cases avoid that without slowing the common one:
//
//   - One goroutine sends into the input (a source, a single-worker or
//     Ordered stage, Batch, a fan-out branch): it writes each item's
//     position into the item as it sends, and a receiver reads it there,
//     however many workers receive.
//   - Several goroutines send, one receives: the receiver counts alone.
//   - Several send and several receive: the receivers receive and count
//     under one mutex, so counting order is delivery order. Only this case
//     pays for a lock.
type inbox[T any] struct {
	rx      *channel.Receiver[item[T]]
	stamped bool // one sender: items carry their position
	locked  bool // several senders and several receivers: count under mu
	mu      chanLock
	next    int64 // without stamped: under mu, or owned by the lone receiver
}

// newInbox returns the inbox of a stage with workers goroutines reading the
// input of s.
func newInbox[T any](s *Stream[T], rx *channel.Receiver[item[T]], workers int) *inbox[T] {
	b := &inbox[T]{rx: rx, stamped: !s.multi, locked: s.multi && workers > 1}
	if b.locked {
		b.mu = newChanLock()
	}
	return b
}

// chanLock is a mutex made of a channel, for a lock held across a wait for
// input: a goroutine waiting for it can give up when the pipeline stops,
// and testing/synctest counts it as durably blocked (it does not count a
// goroutine waiting for a sync.Mutex), so a pipeline under test in a
// bubble lets the fake clock advance.
type chanLock chan struct{}

func newChanLock() chanLock { return make(chanLock, 1) }

func (l chanLock) lock(ctx context.Context) bool {
	select {
	case l <- struct{}{}:
		return true
	default:
	}
	select {
	case l <- struct{}{}:
		return true
	case <-ctx.Done():
		return false
	}
}

func (l chanLock) unlock() { <-l }

// recv receives the next item and its position.
func (b *inbox[T]) recv(ctx context.Context, p *probe) (item[T], int64, error) {
	if b.locked {
		if !b.mu.lock(ctx) {
			var zero item[T]
			return zero, 0, ctx.Err()
		}
		it, err := recvItem(ctx, b.rx, p)
		idx := b.next
		if err == nil {
			b.next++
		}
		b.mu.unlock()
		return it, idx, err
	}
	it, err := recvItem(ctx, b.rx, p)
	if b.stamped {
		return it, it.idx, err
	}
	idx := b.next
	if err == nil {
		b.next++
	}
	return it, idx, err
}
