package channel

import (
	"sync"
	"sync/atomic"
)

// waitNode is one registration of a waiter for one operation: an intrusive
// list node that lives inside whatever waits, never allocated per wait. A
// blocked Send or Recv has one in its parked waiter; each Selector case has
// its own, reused by every call.
type waitNode[T any] struct {
	next, prev *waitNode[T]
	w          *waiter
	op         uint32
	listed     bool         // linked in a list; guarded by the list's lock
	cell       *T           // where the value passes; nil for an observer (see flavor.watchSend)
	hnd        *atomic.Bool // the closed flag of the handle the operation goes through
}

// waitList is a FIFO of nodes, guarded by its owner's lock: the wait
// queue's for the array and the list flavors, the channel's for the
// rendezvous flavor. Linking and unlinking are O(1) and allocate nothing.
type waitList[T any] struct{ head, tail *waitNode[T] }

func (l *waitList[T]) empty() bool { return l.head == nil }

func (l *waitList[T]) push(n *waitNode[T]) {
	n.next, n.prev, n.listed = nil, l.tail, true
	if l.tail == nil {
		l.head = n
	} else {
		l.tail.next = n
	}
	l.tail = n
}

// unlink takes n out if it is listed; a node a claimer already took out is
// left alone.
func (l *waitList[T]) unlink(n *waitNode[T]) {
	if !n.listed {
		return
	}
	if n.prev == nil {
		l.head = n.next
	} else {
		n.prev.next = n.next
	}
	if n.next == nil {
		l.tail = n.prev
	} else {
		n.next.prev = n.prev
	}
	n.next, n.prev, n.listed = nil, nil, false
}

// claim claims the longest-waiting node that can still be claimed for its
// operation and takes it out. Observers it meets on the way are claimed,
// woken and taken out too, but never returned: they watch, they do not
// take part. Until the caller unparks the returned node's waiter, the
// caller alone may touch the waiter and its cell.
func (l *waitList[T]) claim() *waitNode[T] {
	for n := l.head; n != nil; {
		next := n.next
		switch {
		case n.cell == nil:
			if n.w.trySelect(n.op) {
				l.unlink(n)
				n.w.unpark()
			}
		case n.w.trySelect(n.op):
			l.unlink(n)
			return n
		}
		n = next
	}
	return nil
}

// wake claims every node that can still be claimed, and that match accepts
// (nil: all), for outcome s, or for the node's own operation when s is
// forOp, and wakes it. Nodes stay listed; their owners take them out.
func (l *waitList[T]) wake(s uint32, match func(*waitNode[T]) bool) {
	for n := l.head; n != nil; n = n.next {
		o := s
		if o == forOp {
			o = n.op
		}
		if (match == nil || match(n)) && n.w.trySelect(o) {
			n.w.unpark()
		}
	}
}

// forOp tells wake to claim each node for its own operation. It is the
// value no claim ever uses, waiting.
const forOp = waiting

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
	// lock and the list, which blocked goroutines write, and it is written
	// only when it changes: a line that stays unmodified is read from each
	// core's own cache.
	nonEmpty atomic.Bool
	_        [cacheLineSize - 4]byte
	mu       sync.Mutex
	list     waitList[T]
	// cache holds spare parked waiters for this queue's side only: with
	// one sender and one receiver on two processors, each side's cache
	// then stays in its own core's cache instead of bouncing between them.
	_     cacheLinePad
	cache parkCache[T]
}

// setNonEmpty records whether the queue has nodes. Callers hold mu.
func (q *waitQueue[T]) setNonEmpty() {
	if v := !q.list.empty(); q.nonEmpty.Load() != v {
		q.nonEmpty.Store(v)
	}
}

func (q *waitQueue[T]) register(n *waitNode[T]) {
	q.mu.Lock()
	q.list.push(n)
	q.setNonEmpty()
	q.mu.Unlock()
}

func (q *waitQueue[T]) unregister(n *waitNode[T]) {
	q.mu.Lock()
	q.list.unlink(n)
	q.setNonEmpty()
	q.mu.Unlock()
}

// claim is waitList.claim under the lock, after a lock-free look at
// nonEmpty.
func (q *waitQueue[T]) claim() *waitNode[T] {
	if !q.nonEmpty.Load() {
		return nil
	}
	q.mu.Lock()
	n := q.list.claim()
	q.setNonEmpty()
	q.mu.Unlock()
	return n
}

// closeHandle claims every waiter registered through the handle whose
// closed flag is hnd, and wakes it to find the handle closed. The flag is
// set before this runs, and a waiter looks at it after registering, so one
// of the two sees the other.
func (q *waitQueue[T]) closeHandle(hnd *atomic.Bool) {
	if !q.nonEmpty.Load() {
		return
	}
	q.mu.Lock()
	q.list.wake(closing, func(n *waitNode[T]) bool { return n.hnd == hnd })
	q.mu.Unlock()
}

// disconnect claims every waiter that can still be claimed and wakes it to
// find the channel disconnected.
func (q *waitQueue[T]) disconnect() {
	q.mu.Lock()
	q.list.wake(disconnected, nil)
	q.mu.Unlock()
}
