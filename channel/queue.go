package channel

import (
	"sync"
	"sync/atomic"
)

// waitEntry is a waiter registered in a queue for one operation, with the
// cell its value passes through.
type waitEntry[T any] struct {
	w    *waiter
	op   uint32
	cell *T
	hnd  *atomic.Bool // the closed flag of the handle the operation goes through
}

// waitQueue holds the waiters that wait for a channel to change: receivers
// waiting for a value, or senders waiting for room. A peer that changes the
// channel claims the first waiter it can, tries to complete its operation
// for it, and unparks it; a waiter whose operation was not completed
// retries.
//
// Lost wake-ups are ruled out by ordering: a waiter registers (storing
// nonEmpty) and then re-checks the channel; a peer changes the channel and
// then loads nonEmpty. Both are sequentially consistent atomics, so at least
// one of them sees the other.
type waitQueue[T any] struct {
	// nonEmpty is read by every send or receive, so it sits apart from the
	// lock and the entries, which blocked goroutines write, and it is
	// written only when it changes: a line that stays unmodified is read
	// from each core's own cache.
	nonEmpty atomic.Bool
	_        [cacheLineSize - 4]byte
	mu       sync.Mutex
	entries  []waitEntry[T]
}

// setNonEmpty records whether the queue has entries. Callers hold mu.
func (q *waitQueue[T]) setNonEmpty(v bool) {
	if q.nonEmpty.Load() != v {
		q.nonEmpty.Store(v)
	}
}

func (q *waitQueue[T]) register(w *waiter, op uint32, cell *T, hnd *atomic.Bool) {
	q.mu.Lock()
	q.entries = append(q.entries, waitEntry[T]{w, op, cell, hnd})
	q.setNonEmpty(true)
	q.mu.Unlock()
}

func (q *waitQueue[T]) unregister(w *waiter, op uint32) {
	q.mu.Lock()
	for i, e := range q.entries {
		if e.w == w && e.op == op {
			q.remove(i)
			break
		}
	}
	q.mu.Unlock()
}

// remove deletes entry i, keeping the rest in arrival order. Callers hold mu.
func (q *waitQueue[T]) remove(i int) {
	n := len(q.entries)
	if i < n-1 {
		copy(q.entries[i:], q.entries[i+1:])
	}
	q.entries[n-1] = waitEntry[T]{}
	q.entries = q.entries[:n-1]
	q.setNonEmpty(n > 1)
}

// claim claims the longest-waiting waiter that can still be claimed and
// takes it off the queue. Until the caller unparks it, the caller alone may
// touch the waiter and its cell.
func (q *waitQueue[T]) claim() (waitEntry[T], bool) {
	if !q.nonEmpty.Load() {
		return waitEntry[T]{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for i := 0; i < len(q.entries); {
		e := q.entries[i]
		switch {
		case e.cell == nil: // an observer: wake it and go on
			if e.w.trySelect(e.op) {
				e.w.unpark()
				q.remove(i)
				continue
			}
		case e.w.trySelect(e.op):
			q.remove(i)
			return e, true
		}
		i++
	}
	return waitEntry[T]{}, false
}

// closeHandle claims every waiter registered through the handle whose
// closed flag is hnd, and wakes it to find the handle closed. Entries stay;
// their owners remove them. The flag is set before this runs, and a waiter
// looks at it after registering, so one of the two sees the other.
func (q *waitQueue[T]) closeHandle(hnd *atomic.Bool) {
	if q == nil || !q.nonEmpty.Load() {
		return
	}
	q.mu.Lock()
	for _, e := range q.entries {
		if e.hnd == hnd && e.w.trySelect(closing) {
			e.w.unpark()
		}
	}
	q.mu.Unlock()
}

// disconnect claims every waiter that can still be claimed and wakes it to
// find the channel disconnected. Entries stay; their owners remove them.
func (q *waitQueue[T]) disconnect() {
	q.mu.Lock()
	for _, e := range q.entries {
		if e.w.trySelect(disconnected) {
			e.w.unpark()
		}
	}
	q.mu.Unlock()
}
