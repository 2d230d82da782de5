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
//   - Several send and several receive: they receive with a counter (see
//     counter), which only this case pays for.
type inbox[T any] struct {
	rx      *channel.Receiver[item[T]]
	stamped bool // one sender: items carry their position
	shared  *counter[T]
	next    int64 // the lone receiver's count, without stamped
}

// newInbox returns the inbox of a stage with workers goroutines reading the
// input of s. Each goroutine needs its own port on it (see port).
func newInbox[T any](s *Stream[T], rx *channel.Receiver[item[T]], workers int) *inbox[T] {
	b := &inbox[T]{rx: rx, stamped: !s.multi}
	if s.multi && workers > 1 {
		b.shared = newCounter(rx)
	}
	return b
}

// port is one goroutine's end of an inbox.
func (b *inbox[T]) port() *port[T] { return &port[T]{b: b} }

type port[T any] struct {
	b   *inbox[T]
	sel *channel.Selector // for the counter's waits; made on the first
}

// recv receives the next item and its position.
func (p *port[T]) recv(ctx context.Context, pr *probe) (item[T], int64, error) {
	b := p.b
	if b.shared != nil {
		return b.shared.recv(ctx, pr, &p.sel)
	}
	it, err := recvItem(ctx, b.rx, pr)
	if b.stamped {
		return it, it.idx, err
	}
	idx := b.next
	if err == nil {
		b.next++
	}
	return it, idx, err
}

// counter lets several goroutines receive from one channel and number
// what they receive in delivery order: each receive and its number are
// taken together under a mutex. The mutex is held only around a TryRecv,
// never across a wait; a goroutine that finds the channel empty waits,
// without the lock, until the channel is ready (Selector.ReadyContext) and
// tries again. So a goroutine waiting for input can leave when the
// pipeline stops, and testing/synctest counts it as durably blocked, which
// it does not for a goroutine waiting on a sync.Mutex.
type counter[T any] struct {
	rx   *channel.Receiver[item[T]]
	mu   sync.Mutex
	next int64 // under mu
}

func newCounter[T any](rx *channel.Receiver[item[T]]) *counter[T] { return &counter[T]{rx: rx} }

// recv receives the next item and its number. sel is the caller's own
// Selector on rx, made on the first wait.
func (c *counter[T]) recv(ctx context.Context, pr *probe, sel **channel.Selector) (item[T], int64, error) {
	var zero item[T]
	if err := ctx.Err(); err != nil {
		return zero, 0, err
	}
	waited := false
	defer func() {
		if waited {
			pr.doneIn()
		}
	}()
	for {
		c.mu.Lock()
		it, err := c.rx.TryRecv()
		seq := c.next
		if err == nil {
			c.next++
		}
		c.mu.Unlock()
		if err == nil {
			if pr != nil {
				pr.received()
			}
			return it, seq, nil
		}
		if err != channel.ErrEmpty {
			return zero, 0, err
		}
		if *sel == nil {
			*sel = channel.NewSelect(channel.OnRecv(c.rx, nil))
		}
		if pr != nil && !waited {
			pr.waitIn()
			waited = true
		}
		if _, err := (*sel).ReadyContext(ctx); err != nil {
			return zero, 0, err
		}
	}
}
