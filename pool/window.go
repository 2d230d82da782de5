package pool

import (
	"context"
	"fmt"
	"sync"
)

// window is where the workers of an Unordered Results leave their results
// for the reader, or, with ordered set, of an ordered one (orderedWindow,
// lock-free on its common path, is what NewResults uses for those).
//
// Ordered, it is a ring indexed by sequence number: the task numbered s may
// start only once s < head + size, where head is the number of the next
// result the reader takes, so at most size results (finished or running)
// are ever ahead of the reader, however slow the head of the line is.
// Unordered, it is a FIFO ring, and a task may start only while fewer than
// size results are stored or being computed.
//
// Reserving room before starting, rather than after finishing, is what
// bounds memory by the window alone: a worker never sits on a finished
// result it cannot store.
type window[R any] struct {
	ordered bool
	size    uint64

	mu       sync.Mutex
	slots    []slot[R]
	head     uint64       // ordered: next sequence number; unordered: ring index of the oldest
	stored   uint64       // unordered: results in the ring
	reserved uint64       // unordered: stored plus being computed
	blocked  []*worker[R] // waiting for room
	reader   bool         // the reader is parked on wake
	wake     chan struct{}
	discard  bool // the reader left: drop results, wait for nothing
	finished bool // every worker has exited: no result will come
}

type slot[R any] struct {
	v    R
	err  error
	full bool
}

func newWindow[R any](size int, ordered bool) *window[R] {
	return &window[R]{
		ordered: ordered,
		size:    uint64(size),
		slots:   make([]slot[R], min(size, 16)),
		wake:    make(chan struct{}, 1),
	}
}

// exec runs a task once there is room for its result. It reports ran ==
// false when the reader left before that.
func (x *window[R]) exec(w *worker[R], ctx context.Context, j job[R]) (panicked, ran bool, err error) {
	if !x.reserve(w, j.slot) {
		return false, false, nil
	}
	v, err, panicked := callGet(ctx, j.get)
	x.put(j.slot, v, err)
	return panicked, true, err
}

// cancelled gives the reader the result of a task that never ran.
func (x *window[R]) cancelled(w *worker[R], seq uint64, ctx context.Context) {
	if x.reserve(w, seq) {
		var zero R
		x.put(seq, zero, fmt.Errorf("pool: task never ran: %w", context.Cause(ctx)))
	}
}

func (x *window[R]) fits(seq uint64) bool {
	if x.ordered {
		return seq < x.head+x.size
	}
	return x.reserved < x.size
}

// makeRoom grows the slots, by doubling up to size, until the result of
// task seq has one of its own. Callers hold mu and have checked fits.
func (x *window[R]) makeRoom(seq uint64) {
	for {
		n := uint64(len(x.slots))
		if x.ordered && seq < x.head+n || !x.ordered && x.reserved < n {
			return
		}
		m := min(2*n, x.size)
		slots := make([]slot[R], m)
		if x.ordered { // indexed by sequence number: rehash the live range
			for s := x.head; s < x.head+n; s++ {
				slots[s%m] = x.slots[s%n]
			}
		} else { // a FIFO ring from head: unroll it
			for i := range x.stored {
				slots[i] = x.slots[(x.head+i)%n]
			}
			x.head = 0
		}
		x.slots = slots
	}
}

// reserve waits until the result of task seq has room, and reports false if
// the reader left instead.
func (x *window[R]) reserve(w *worker[R], seq uint64) bool {
	x.mu.Lock()
	for !x.discard && !x.fits(seq) {
		x.blocked = append(x.blocked, w)
		x.mu.Unlock()
		<-w.room
		x.mu.Lock()
	}
	ok := !x.discard
	if ok {
		x.makeRoom(seq)
		if !x.ordered {
			x.reserved++
		}
	}
	x.mu.Unlock()
	return ok
}

// put stores a result in the room reserved for it.
func (x *window[R]) put(seq uint64, v R, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.discard {
		return
	}
	ready := true
	if x.ordered {
		x.slots[seq%uint64(len(x.slots))] = slot[R]{v: v, err: err, full: true}
		ready = seq == x.head
	} else {
		x.slots[(x.head+x.stored)%uint64(len(x.slots))] = slot[R]{v: v, err: err, full: true}
		x.stored++
	}
	if ready {
		x.wakeReader()
	}
}

// next waits for the next result; ok is false once there is none left.
func (x *window[R]) next() (v R, err error, ok bool) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for {
		s := &x.slots[x.head%uint64(len(x.slots))]
		if s.full && (x.ordered || x.stored > 0) {
			v, err = s.v, s.err
			*s = slot[R]{}
			if x.ordered {
				x.head++
			} else {
				x.head = (x.head + 1) % uint64(len(x.slots))
				x.stored--
				x.reserved--
			}
			x.wakeBlocked()
			return v, err, true
		}
		if x.finished {
			return v, nil, false
		}
		x.reader = true
		x.mu.Unlock()
		<-x.wake
		x.mu.Lock()
	}
}

// finish tells the reader that no more results will come.
func (x *window[R]) finish() {
	x.mu.Lock()
	x.finished = true
	x.wakeReader()
	x.mu.Unlock()
}

// leave is the reader's goodbye: results are dropped from now on, and
// workers waiting for room go on (to find their context cancelled).
func (x *window[R]) leave() {
	x.mu.Lock()
	x.discard = true
	clear(x.slots)
	x.wakeBlocked()
	x.mu.Unlock()
}

// wakeReader and wakeBlocked are called with mu held. A parked party is
// listed once and gets one token, which it takes before it can be listed
// again, so the one-slot channels never block.
func (x *window[R]) wakeReader() {
	if x.reader {
		x.reader = false
		x.wake <- struct{}{}
	}
}

func (x *window[R]) wakeBlocked() {
	for i, w := range x.blocked {
		w.room <- struct{}{}
		x.blocked[i] = nil
	}
	x.blocked = x.blocked[:0]
}
