package pipeline

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/baton-go/baton/channel"
)

// reorder is the shared state of an Ordered stage's workers.
//
// A worker first reserves room in the window, then receives an item with
// its number in the input (see inbox: carried by the item when one
// goroutine feeds the input, counted under a lock otherwise); so numbers
// follow input order exactly, and with no gap, as the ring needs. It runs
// the callback without any lock and deposits the result in
// ring[seq % window]. Whoever deposits the result at the head of the line,
// while nobody else is emitting, becomes the emitter: it sends that result,
// then every ready one behind it, without holding emitMu (so a slow consumer
// never stops the workers from finishing items), and leaves later results
// to whoever completes the next head.
//
// sent counts the items whose result has been sent on (or dropped), and
// reserved the reservations handed out. The window bounds reserved - sent,
// so it bounds the items taken but not yet passed on (in a callback,
// waiting in the ring, or being sent): the ring of window slots never
// overflows, and one slow item holds back at most window - 1 others, so
// memory stays bounded and the other workers wait for the head instead of
// racing ahead. This is the difference with conc's stream, whose window is
// tied to its worker count.
//
// A worker that finds no room waits on moved, a channel, rather than on a
// lock or condition: it can give up when the pipeline stops, and
// testing/synctest counts it as durably blocked.
type reorder[R any] struct {
	window int64

	reserved atomic.Int64
	sent     atomic.Int64
	waiters  atomic.Int64
	moved    chan struct{} // one token per wake-up; capacity: the workers

	emitMu   sync.Mutex
	head     int64 // under emitMu
	emitting bool
	ring     []slot[R]
	out      *out[R] // only the emitter sends
}

type slot[R any] struct {
	res   result[R]
	ack   *ack
	ready bool
}

func startOrdered[T, R any](r *run, name string, st *stageStats, c config,
	in *inbox[T], tx *channel.Sender[item[R]], p proc[T, R]) {
	o := &reorder[R]{window: int64(c.window), moved: make(chan struct{}, c.workers), ring: make([]slot[R], c.window)}
	r.cleanups = append(r.cleanups, func(cause error) {
		for i := range o.ring {
			if o.ring[i].ready {
				o.ring[i].ack.fail(cause)
				o.ring[i] = slot[R]{}
			}
		}
	})
	var left atomic.Int64 // workers still running; the last closes tx
	left.Store(int64(c.workers))
	o.out = newOut(tx) // used by one emitter at a time, which numbers what it sends
	for range c.workers {
		r.spawn(name, st, func(ctx context.Context, pr *probe) {
			defer func() {
				if left.Add(-1) == 0 {
					tx.Close()
				}
			}()
			orderedWorker(ctx, r, name, pr, in.port(), o, p)
		})
	}
}

func orderedWorker[T, R any](ctx context.Context, r *run, name string, pr *probe,
	in *port[T], o *reorder[R], p proc[T, R]) {
	var cur inFlight
	defer cur.goexit(r, name)
	for {
		if !o.reserve(ctx, pr) {
			r.stopped.Store(true)
			return
		}
		it, seq, err := in.recv(ctx, pr)
		if err != nil {
			o.unreserve()
			r.ended(err)
			return
		}
		cur.enter(it.ack, seq)
		pr.enter(seq)
		res, err := call(ctx, p, it.v)
		pr.leave()
		cur.leave()
		a := it.ack
		if err != nil {
			if !r.failed(name, pr, seq, a, err) {
				return
			}
			res, a = result[R]{}, nil // a hole in the line, so the head moves on
		}
		if !o.deposit(ctx, r, pr, seq, res, a) {
			return
		}
	}
}

// reserve takes room in the window for one item, waiting while it is full.
func (o *reorder[R]) reserve(ctx context.Context, pr *probe) bool {
	if o.tryReserve() {
		return true
	}
	if pr != nil {
		pr.waitIn()
		defer pr.doneIn()
	}
	for {
		o.waiters.Add(1)
		if o.tryReserve() { // room appeared before we said we wait
			o.waiters.Add(-1)
			return true
		}
		select {
		case <-o.moved:
			o.waiters.Add(-1)
			if o.tryReserve() {
				return true
			}
		case <-ctx.Done():
			o.waiters.Add(-1)
			return false
		}
	}
}

func (o *reorder[R]) tryReserve() bool {
	for {
		n := o.reserved.Load()
		if n-o.sent.Load() >= o.window {
			return false
		}
		if o.reserved.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// passed records that one more item has left the window, and wakes a worker
// waiting for room.
func (o *reorder[R]) passed() {
	o.sent.Add(1)
	o.wake()
}

// unreserve gives back a reservation that took no item, because the input
// ended: the workers waiting for room must wake to see the end too.
func (o *reorder[R]) unreserve() {
	o.reserved.Add(-1)
	o.wake()
}

// wake wakes a worker waiting for room, if any. When moved is full, every
// waiter has a wake-up coming already.
func (o *reorder[R]) wake() {
	if o.waiters.Load() > 0 {
		select {
		case o.moved <- struct{}{}:
		default:
		}
	}
}

// deposit puts the result of item seq in the ring and, if it is the head of
// the line and nobody is emitting, emits every ready result from the head on.
func (o *reorder[R]) deposit(ctx context.Context, r *run, pr *probe,
	seq int64, res result[R], a *ack) bool {
	w := o.window
	o.emitMu.Lock()
	if o.emitting || seq != o.head {
		o.ring[seq%w] = slot[R]{res: res, ack: a, ready: true}
		o.emitMu.Unlock()
		return true
	}
	// seq is the head: emit it straight away, without a trip through the
	// ring, then whatever became ready behind it.
	o.emitting = true
	o.head++
	for {
		o.emitMu.Unlock()
		ok := emit(ctx, r, o.out, pr, res, a)
		o.passed()
		o.emitMu.Lock()
		if !ok {
			break
		}
		s := &o.ring[o.head%w]
		if !s.ready {
			break
		}
		res, a = s.res, s.ack
		*s = slot[R]{}
		o.head++
	}
	o.emitting = false
	o.emitMu.Unlock()
	return ctx.Err() == nil
}
