package pool

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
)

// resultSink is where a Results' workers leave their results for the
// reader: orderedWindow in submission order, window in completion order.
type resultSink[R any] interface {
	// exec runs a task once there is room for its result, and stores the
	// result. It reports ran == false when the reader left before that.
	exec(w *worker[R], ctx context.Context, j job[R]) (panicked, ran bool, err error)
	// cancelled gives the reader the result of a task that never ran.
	cancelled(w *worker[R], seq uint64, ctx context.Context)
	// put stores a result in the room reserved for it.
	put(seq uint64, v R, err error)
	// next waits for the next result; ok is false once there is none left.
	next() (v R, err error, ok bool)
	// finish tells the reader that no more results will come.
	finish()
	// leave is the reader's goodbye: results are dropped from now on, and
	// workers waiting for room go on.
	leave()
}

// orderedWindow hands results to the reader in submission order, through
// a ring indexed by sequence number: the task numbered s may start only
// once s < head + size, where head is the number of the next result the
// reader takes, so at most size results (finished or running) are ever
// ahead of the reader, however slow the head of the line is. Reserving
// room before starting, rather than after finishing, is what bounds memory
// by the window alone: a worker never sits on a finished result it cannot
// store.
//
// Its common path takes no lock. Every slot belongs to one sequence number
// at a time: its worker writes the result, then sets full; the reader,
// having seen full, takes the result, clears the slot, then advances head,
// which is what lets the worker of the number size further on write there.
// A lock is taken only to wait: a worker for room, the reader for a result.
// Each waiting side announces itself in an atomic before its last look,
// and the other side looks at that atomic after its own store, so one of
// the two always sees the other and no wake-up is lost.
//
// The slots come in segments allocated on first use, so a deep window
// that is never filled costs little; a segment, once there, never moves,
// which is what lets workers write into it without a lock.
type orderedWindow[R any] struct {
	size uint64
	segs []atomic.Pointer[segment[R]]

	head     atomic.Uint64 // the number of the next result the reader takes
	finished atomic.Bool   // every worker has exited: no result will come
	discard  atomic.Bool   // the reader left: drop results, wait for nothing

	readerWaits atomic.Bool   // the reader is parked, or about to, on wake
	wake        chan struct{} // the reader's token
	nblocked    atomic.Int64  // workers waiting for room, or about to

	mu      sync.Mutex // guards blocked and the allocation of segments
	blocked []*worker[R]
}

// segLen is how many slots a segment holds.
const segLen = 64

type segment[R any] [segLen]orderedSlot[R]

type orderedSlot[R any] struct {
	v    R
	err  error
	full atomic.Bool
}

func newOrderedWindow[R any](size int) *orderedWindow[R] {
	return &orderedWindow[R]{
		size: uint64(size),
		segs: make([]atomic.Pointer[segment[R]], (size+segLen-1)/segLen),
		wake: make(chan struct{}, 1),
	}
}

// slot returns the slot of task seq, allocating its segment if need be.
func (x *orderedWindow[R]) slot(seq uint64) *orderedSlot[R] {
	i := seq % x.size
	s := x.segs[i/segLen].Load()
	if s == nil {
		x.mu.Lock()
		if s = x.segs[i/segLen].Load(); s == nil {
			s = new(segment[R])
			x.segs[i/segLen].Store(s)
		}
		x.mu.Unlock()
	}
	return &s[i%segLen]
}

func (x *orderedWindow[R]) exec(w *worker[R], ctx context.Context, j job[R]) (panicked, ran bool, err error) {
	if !x.reserve(w, j.slot) {
		return false, false, nil
	}
	v, err, panicked := callGet(ctx, j.get)
	x.put(j.slot, v, err)
	return panicked, true, err
}

func (x *orderedWindow[R]) cancelled(w *worker[R], seq uint64, ctx context.Context) {
	if x.reserve(w, seq) {
		var zero R
		x.put(seq, zero, fmt.Errorf("pool: task never ran: %w", context.Cause(ctx)))
	}
}

// reserve waits until task seq is within the window, and reports false if
// the reader left instead.
func (x *orderedWindow[R]) reserve(w *worker[R], seq uint64) bool {
	for {
		if x.discard.Load() {
			return false
		}
		if seq < x.head.Load()+x.size {
			return true
		}
		x.mu.Lock()
		x.nblocked.Add(1)
		if x.discard.Load() || seq < x.head.Load()+x.size {
			x.nblocked.Add(-1)
			x.mu.Unlock()
			continue
		}
		x.blocked = append(x.blocked, w)
		x.mu.Unlock()
		<-w.room
	}
}

func (x *orderedWindow[R]) put(seq uint64, v R, err error) {
	if x.discard.Load() {
		return
	}
	s := x.slot(seq)
	s.v, s.err = v, err
	s.full.Store(true)
	if seq == x.head.Load() && x.readerWaits.Load() && x.readerWaits.CompareAndSwap(true, false) {
		x.wake <- struct{}{}
	}
}

func (x *orderedWindow[R]) next() (v R, err error, ok bool) {
	h := x.head.Load()
	s := x.slot(h)
	// After the reader left, what is stored is dropped: a later range
	// yields nothing.
	ready := func() bool { return s.full.Load() && !x.discard.Load() }
	for !ready() {
		if x.finished.Load() {
			// Every put happened before finish: a last look settles it.
			if !ready() {
				return v, nil, false
			}
			break
		}
		x.readerWaits.Store(true)
		if ready() || x.finished.Load() {
			if !x.readerWaits.CompareAndSwap(true, false) {
				<-x.wake // a putter claimed the wake-up: take its token
			}
			continue
		}
		<-x.wake
	}
	v, err = s.v, s.err
	var zero R
	s.v, s.err = zero, nil
	s.full.Store(false)
	x.head.Store(h + 1)
	if x.nblocked.Load() > 0 {
		x.wakeBlocked()
	}
	return v, err, true
}

// wakeBlocked wakes every worker waiting for room; each looks again.
func (x *orderedWindow[R]) wakeBlocked() {
	x.mu.Lock()
	for i, w := range x.blocked {
		w.room <- struct{}{}
		x.blocked[i] = nil
	}
	x.nblocked.Add(-int64(len(x.blocked)))
	x.blocked = x.blocked[:0]
	x.mu.Unlock()
}

func (x *orderedWindow[R]) finish() {
	x.finished.Store(true)
	if x.readerWaits.Load() && x.readerWaits.CompareAndSwap(true, false) {
		x.wake <- struct{}{}
	}
}

func (x *orderedWindow[R]) leave() {
	x.discard.Store(true)
	x.wakeBlocked()
}
