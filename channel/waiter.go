package channel

import (
	"sync"
	"sync/atomic"
	"time"
)

// A waiter is what a blocked goroutine parks on. It is claimed exactly once
// per round: by a peer that completes or enables one of the waiter's
// operations, by a disconnection, or by the owner itself when its deadline
// or context ends it (or when it finds a case ready while registering).
//
// The claim is a compare-and-swap of state from waiting to the outcome.
// Whoever wins it, unless it is the owner, sends exactly one token on wake;
// the owner receives that token before it reuses the waiter. So a waiter
// leaves a round with an empty wake channel and no entry in any queue, and
// can be pooled.
type waiter struct {
	state atomic.Uint32
	// done is set by the peer that claimed the waiter when it also completed
	// the waiter's operation on its behalf, moving the value through the
	// entry's cell, as Go's runtime does for a blocked channel operation.
	// The owner then finds its work finished and need not retry. It is
	// written before the unpark and read after it, so the wake token orders
	// the two.
	done  bool
	wake  chan struct{}
	timer *time.Timer // created on first use, stopped between rounds
}

// Outcomes of a round. Values from opBase up name the operation that was
// selected: opBase for a plain send or receive, opBase+i for case i of a
// Selector.
const (
	waiting      uint32 = iota // unclaimed
	aborted                    // claimed by the owner: deadline, context, or a ready case
	disconnected               // claimed by a disconnection
	closing                    // claimed because the handle it waits through was closed
	opBase                     // claimed for an operation
)

func newWaiter() *waiter { return &waiter{wake: make(chan struct{}, 1)} }

// reset starts a new round.
func (w *waiter) reset() {
	w.state.Store(waiting)
	w.done = false
}

// parked is a waiter with the cell its value passes through, the value a
// blocked send offers or the place a blocked receive gets its value, and
// the node that lists it in a wait queue. Each channel keeps a few in a
// cache, so a blocked operation allocates nothing.
type parked[T any] struct {
	waiter
	node waitNode[T]
	cell T
}

// parkCache is a channel's few spare parked waiters: a handful of atomic
// slots, cheaper than a sync.Pool (which pins the processor and walks
// per-P lists on every get and put), and enough for the goroutines that
// block on one channel at once in practice. More than that spill to a
// sync.Pool.
type parkCache[T any] struct {
	slots [4]atomic.Pointer[parked[T]]
	spill sync.Pool
}

func (pc *parkCache[T]) get() *parked[T] {
	var p *parked[T]
	for i := range pc.slots {
		if pc.slots[i].Load() != nil {
			if p = pc.slots[i].Swap(nil); p != nil {
				break
			}
		}
	}
	if p == nil {
		p, _ = pc.spill.Get().(*parked[T])
	}
	if p == nil {
		p = &parked[T]{waiter: waiter{wake: make(chan struct{}, 1)}}
		p.node.w, p.node.cell = &p.waiter, &p.cell
	}
	p.reset()
	return p
}

// put clears the cell, so the cache keeps no value alive, and keeps p.
func (pc *parkCache[T]) put(p *parked[T]) {
	var zero T
	p.cell = zero
	p.node.hnd = nil
	for i := range pc.slots {
		if pc.slots[i].Load() == nil && pc.slots[i].CompareAndSwap(nil, p) {
			return
		}
	}
	pc.spill.Put(p)
}

// trySelect claims the waiter for outcome s. Only the winner may unpark it.
func (w *waiter) trySelect(s uint32) bool { return w.state.CompareAndSwap(waiting, s) }

// unpark hands the owner its token. It never blocks: there is one token per
// round and the buffer holds one.
func (w *waiter) unpark() { w.wake <- struct{}{} }

// park blocks until the waiter is claimed, w's deadline passes or its
// context ends, and returns the outcome. It consumes the wake token when a
// peer claimed the waiter, so the waiter leaves clean.
//
// It does not spin or yield first: with few processors that only delays
// the goroutine it waits for, and a waiter that yields lets a storm of
// yields through the global run queue build up when many goroutines block
// at once (see backoff).
func (w *waiter) park(wt wait) uint32 {
	if s := w.state.Load(); s != waiting { // claimed while registering
		return w.settle(s)
	}
	var timeout <-chan time.Time
	if !wt.deadline.IsZero() {
		d := time.Until(wt.deadline)
		if d <= 0 {
			return w.abort()
		}
		if w.timer == nil {
			w.timer = time.NewTimer(d)
		} else {
			w.timer.Reset(d)
		}
		timeout = w.timer.C
	}
	var done <-chan struct{}
	if wt.ctx != nil {
		done = wt.ctx.Done()
	}
	if timeout == nil && done == nil {
		<-w.wake
		return w.state.Load()
	}
	select {
	case <-w.wake:
		w.stopTimer()
		return w.state.Load()
	case <-timeout:
	case <-done:
		w.stopTimer()
	}
	return w.abort()
}

// parkForever is park with no deadline and no context, the common case.
func (w *waiter) parkForever() uint32 {
	if s := w.state.Load(); s != waiting {
		return w.settle(s)
	}
	<-w.wake
	return w.state.Load()
}

// settle finishes a round the owner found claimed: a peer's claim comes
// with a token, which must be taken; the owner's own abort does not.
func (w *waiter) settle(s uint32) uint32 {
	if s != aborted {
		<-w.wake
	}
	return s
}

// abort ends the round on the owner's side, unless a peer claimed the waiter
// first, in which case the peer's outcome stands and its token is taken.
func (w *waiter) abort() uint32 {
	if w.trySelect(aborted) {
		return aborted
	}
	<-w.wake
	return w.state.Load()
}

func (w *waiter) stopTimer() {
	if w.timer != nil {
		w.timer.Stop() // since Go 1.23, Stop leaves no stale tick in C
	}
}
