package channel

import (
	"sync"
	"sync/atomic"
)

// The rendezvous flavor (capacity 0): a send meets a receive and hands its
// value over directly, after crossbeam-channel's zero flavor.
//
// Waiting senders and receivers sit in two lists under one mutex. An
// arriving operation claims the first waiter of the opposite kind (the
// compare-and-swap on its state), copies the value through the waiter's cell
// while still holding the mutex, and unparks it. The parked side therefore
// finds its operation complete when it wakes: it never retries.
type zeroChan[T any] struct {
	mu        sync.Mutex
	senders   []zeroEntry[T] // each cell holds the value to hand over
	receivers []zeroEntry[T] // each cell is where the value goes
	gone      bool
	observers int // entries with a nil cell, in both lists
	parked    parkPool[T]
	// ver counts registrations and the disconnection, the only events
	// that can make a blocked operation able to proceed (see
	// flavor.version). It is written under mu and read without it.
	ver atomic.Uint64
}

type zeroEntry[T any] struct {
	w    *waiter
	op   uint32
	cell *T
	hnd  *atomic.Bool // the closed flag of the handle the operation goes through
}

func newZero[T any]() *zeroChan[T] {
	return &zeroChan[T]{}
}

// claim takes the first waiter in q that can be claimed for its operation,
// and removes it; the caller completes the operation through the cell, so it
// is marked done. Callers hold mu. (A Select never meets its own entries
// here: it tries its cases before it registers any, and claimable keeps its
// registration from reporting its own opposite case as ready.)
func claim[T any](q *[]zeroEntry[T]) (zeroEntry[T], bool) {
	for i, e := range *q {
		if e.cell != nil && e.w.trySelect(e.op) { // observers are never paired
			e.w.done = true
			*q = removeEntry(*q, i)
			return e, true
		}
	}
	return zeroEntry[T]{}, false
}

// claimable reports whether claim would succeed, without claiming.
func claimable[T any](q []zeroEntry[T], self *waiter) bool {
	for _, e := range q {
		if e.cell != nil && e.w != self && e.w.state.Load() == waiting {
			return true
		}
	}
	return false
}

// wakeObservers wakes the observers in q (see flavor.watchSend): an
// operation of the opposite kind now waits, so theirs can proceed. Entries
// stay; their owners remove them. Callers hold mu.
func (c *zeroChan[T]) wakeObservers(q []zeroEntry[T]) {
	if c.observers == 0 {
		return
	}
	for _, e := range q {
		if e.cell == nil && e.w.trySelect(e.op) {
			e.w.unpark()
		}
	}
}

// list appends an entry to q, counting observers, and wakes the observers
// of the opposite kind (other) when it is an operation. Callers hold mu.
func (c *zeroChan[T]) list(q *[]zeroEntry[T], e zeroEntry[T], other []zeroEntry[T]) {
	*q = append(*q, e)
	c.ver.Add(1)
	if e.cell == nil {
		c.observers++
	} else {
		c.wakeObservers(other)
	}
}

func removeEntry[T any](q []zeroEntry[T], i int) []zeroEntry[T] {
	n := len(q)
	if i < n-1 { // the common case, the only entry, needs no copy
		copy(q[i:], q[i+1:])
	}
	q[n-1] = zeroEntry[T]{}
	return q[:n-1]
}

func (c *zeroChan[T]) unlist(q *[]zeroEntry[T], w *waiter, op uint32) {
	for i, e := range *q {
		if e.w == w && e.op == op {
			if e.cell == nil {
				c.observers--
			}
			*q = removeEntry(*q, i)
			return
		}
	}
}

// trySend and tryRecv are the non-blocking forms of send and recv, in the
// shape Select and the timers use.
func (c *zeroChan[T]) trySend(v T) status { return statusOf(c.send(v, wait{}, nil)) }

func (c *zeroChan[T]) tryRecv() (T, status) {
	v, err := c.recv(wait{}, nil)
	return v, statusOf(err)
}

// statusOf maps the error of a non-blocking operation back to its status.
func statusOf(err error) status {
	switch err {
	case nil:
		return success
	case ErrDisconnected:
		return gone
	}
	return wouldBlock
}

func (c *zeroChan[T]) send(v T, wt wait, hnd *atomic.Bool) error {
	c.mu.Lock()
	if r, ok := claim(&c.receivers); ok {
		*r.cell = v
		c.mu.Unlock()
		r.w.unpark()
		return nil
	}
	if err := c.cannotWait(wt, ErrFull, hnd); err != nil {
		c.mu.Unlock()
		return err
	}
	zw := c.parked.get()
	zw.cell = v
	c.list(&c.senders, zeroEntry[T]{&zw.waiter, opBase, &zw.cell, hnd}, c.receivers)
	c.mu.Unlock()

	outcome := c.wait(&c.senders, zw, wt)
	c.parked.put(zw)
	return c.result(outcome, wt)
}

func (c *zeroChan[T]) recv(wt wait, hnd *atomic.Bool) (T, error) {
	var zero T
	c.mu.Lock()
	if s, ok := claim(&c.senders); ok {
		v := *s.cell
		c.mu.Unlock()
		s.w.unpark()
		return v, nil
	}
	if err := c.cannotWait(wt, ErrEmpty, hnd); err != nil {
		c.mu.Unlock()
		return zero, err
	}
	zw := c.parked.get()
	c.list(&c.receivers, zeroEntry[T]{&zw.waiter, opBase, &zw.cell, hnd}, c.senders)
	c.mu.Unlock()

	outcome := c.wait(&c.receivers, zw, wt)
	v := zw.cell
	c.parked.put(zw)
	if err := c.result(outcome, wt); err != nil {
		return zero, err
	}
	return v, nil
}

// cannotWait says why an operation that found no partner must not wait:
// the channel is disconnected, the call does not block (tryErr), its
// handle (flag hnd, nil for none) was closed, or its time is up. Callers
// hold mu; closeHandle takes it after setting the flag, so an operation
// either sees the flag here or is listed when closeHandle looks.
func (c *zeroChan[T]) cannotWait(wt wait, tryErr error, hnd *atomic.Bool) error {
	if c.gone {
		return ErrDisconnected
	}
	if !wt.block {
		return tryErr
	}
	if hnd != nil && hnd.Load() {
		return ErrClosed
	}
	return wt.expired()
}

// wait parks zw, listed in q, and takes it off q if nobody claimed it.
func (c *zeroChan[T]) wait(q *[]zeroEntry[T], zw *parked[T], wt wait) uint32 {
	outcome := zw.park(wt)
	if outcome != opBase {
		c.mu.Lock()
		c.unlist(q, &zw.waiter, opBase)
		c.mu.Unlock()
	}
	return outcome
}

func (c *zeroChan[T]) result(outcome uint32, wt wait) error {
	switch outcome {
	case opBase:
		return nil
	case disconnected:
		return ErrDisconnected
	case closing:
		return ErrClosed
	}
	return wt.reason()
}

func (c *zeroChan[T]) watchSend(w *waiter, op uint32, cell *T, hnd *atomic.Bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list(&c.senders, zeroEntry[T]{w, op, cell, hnd}, c.receivers)
	return c.gone || hnd.Load() || claimable(c.receivers, w)
}

func (c *zeroChan[T]) watchRecv(w *waiter, op uint32, cell *T, hnd *atomic.Bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list(&c.receivers, zeroEntry[T]{w, op, cell, hnd}, c.senders)
	return c.gone || hnd.Load() || claimable(c.senders, w)
}

func (c *zeroChan[T]) version() uint64 { return c.ver.Load() }

// readyToSend and readyToRecv look for a waiting partner under the lock.
func (c *zeroChan[T]) readyToSend() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone || claimable(c.receivers, nil)
}

func (c *zeroChan[T]) readyToRecv() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone || claimable(c.senders, nil)
}

// closeHandle claims the waiters listed through the closed handle, which
// then find ErrClosed. Entries stay; their owners remove them.
func (c *zeroChan[T]) closeHandle(hnd *atomic.Bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, q := range [][]zeroEntry[T]{c.senders, c.receivers} {
		for _, e := range q {
			if e.hnd == hnd && e.w.trySelect(closing) {
				e.w.unpark()
			}
		}
	}
}

func (c *zeroChan[T]) unwatchSend(w *waiter, op uint32) {
	c.mu.Lock()
	c.unlist(&c.senders, w, op)
	c.mu.Unlock()
}

func (c *zeroChan[T]) unwatchRecv(w *waiter, op uint32) {
	c.mu.Lock()
	c.unlist(&c.receivers, w, op)
	c.mu.Unlock()
}

func (c *zeroChan[T]) len() int      { return 0 }
func (c *zeroChan[T]) capacity() int { return 0 }
func (c *zeroChan[T]) full() bool    { return true }

func (c *zeroChan[T]) disconnect() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gone {
		return false
	}
	c.gone = true
	c.ver.Add(1)
	for _, q := range [][]zeroEntry[T]{c.senders, c.receivers} {
		for _, e := range q {
			if e.w.trySelect(disconnected) {
				e.w.unpark()
			}
		}
	}
	// Every waiter is now claimed: by this disconnection, by a peer, or by
	// its own abort. None is waiting, so none needs to stay listed.
	clear(c.senders)
	clear(c.receivers)
	c.observers = 0
	c.senders, c.receivers = c.senders[:0], c.receivers[:0]
	return true
}

func (c *zeroChan[T]) discard() {}
