package pipeline

import (
	"context"
	"sync"

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
	mu      sync.Mutex
	next    int64 // without stamped: under mu, or owned by the lone receiver
}

// newInbox returns the inbox of a stage with workers goroutines reading the
// input of s.
func newInbox[T any](s *Stream[T], rx *channel.Receiver[item[T]], workers int) *inbox[T] {
	return &inbox[T]{rx: rx, stamped: !s.multi, locked: s.multi && workers > 1}
}

// recv receives the next item and its position.
func (b *inbox[T]) recv(ctx context.Context, st *stageStats) (item[T], int64, error) {
	if b.locked {
		b.mu.Lock()
		it, err := recvItem(ctx, b.rx, st)
		idx := b.next
		if err == nil {
			b.next++
		}
		b.mu.Unlock()
		return it, idx, err
	}
	it, err := recvItem(ctx, b.rx, st)
	if b.stamped {
		return it, it.idx, err
	}
	idx := b.next
	if err == nil {
		b.next++
	}
	return it, idx, err
}
