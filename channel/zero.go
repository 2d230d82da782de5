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
	senders   waitList[T] // each cell holds the value to hand over
	receivers waitList[T] // each cell is where the value goes
	gone      bool
	observers int // listed nodes with a nil cell, in both lists
	// Spare parked waiters, one cache per side (see waitQueue.cache).
	_          cacheLinePad
	sendParked parkCache[T]
	_          cacheLinePad
	recvParked parkCache[T]
	// ver counts registrations and the disconnection, the only events
	// that can make a blocked operation able to proceed (see
	// flavor.version). It is written under mu and read without it.
	ver atomic.Uint64
}

func newZero[T any]() *zeroChan[T] {
	return &zeroChan[T]{}
}

// pair claims the first waiter in l that can be claimed for its operation,
// and takes it out; the caller completes the operation through the cell,
// so it is marked done. Observers are skipped: they never pair. Callers
// hold mu. (A Select never meets its own nodes here: it tries its cases
// before it registers any, and claimable keeps its registration from
// reporting its own opposite case as ready.)
func pair[T any](l *waitList[T]) *waitNode[T] {
	for n := l.head; n != nil; n = n.next {
		if n.cell != nil && n.w.trySelect(n.op) {
			n.w.done = true
			l.unlink(n)
			return n
		}
	}
	return nil
}

// claimable reports whether pair would succeed, without claiming.
func claimable[T any](l *waitList[T], self *waiter) bool {
	for n := l.head; n != nil; n = n.next {
		if n.cell != nil && n.w != self && n.w.state.Load() == waiting {
			return true
		}
	}
	return false
}

// list appends n to l, counting observers, and wakes the observers of the
// opposite kind (in other) when n is an operation: theirs can now proceed.
// Callers hold mu.
func (c *zeroChan[T]) list(l *waitList[T], n *waitNode[T], other *waitList[T]) {
	l.push(n)
	c.ver.Add(1)
	switch {
	case n.cell == nil:
		c.observers++
	case c.observers > 0:
		other.wake(forOp, isObserver[T])
	}
}

func isObserver[T any](n *waitNode[T]) bool { return n.cell == nil }

func (c *zeroChan[T]) unlist(l *waitList[T], n *waitNode[T]) {
	if n.listed && n.cell == nil {
		c.observers--
	}
	l.unlink(n)
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
	if r := pair(&c.receivers); r != nil {
		*r.cell = v
		c.mu.Unlock()
		r.w.unpark()
		return nil
	}
	if err := c.cannotWait(wt, ErrFull, hnd); err != nil {
		c.mu.Unlock()
		return err
	}
	zw := c.sendParked.get()
	zw.cell, zw.node.op, zw.node.hnd = v, opBase, hnd
	c.list(&c.senders, &zw.node, &c.receivers)
	c.mu.Unlock()

	outcome := c.wait(&c.senders, zw, wt)
	c.sendParked.put(zw)
	return c.result(outcome, wt)
}

func (c *zeroChan[T]) recv(wt wait, hnd *atomic.Bool) (T, error) {
	var zero T
	c.mu.Lock()
	if s := pair(&c.senders); s != nil {
		v := *s.cell
		c.mu.Unlock()
		s.w.unpark()
		return v, nil
	}
	if err := c.cannotWait(wt, ErrEmpty, hnd); err != nil {
		c.mu.Unlock()
		return zero, err
	}
	zw := c.recvParked.get()
	zw.node.op, zw.node.hnd = opBase, hnd
	c.list(&c.receivers, &zw.node, &c.senders)
	c.mu.Unlock()

	outcome := c.wait(&c.receivers, zw, wt)
	v := zw.cell
	c.recvParked.put(zw)
	if err := c.result(outcome, wt); err != nil {
		return zero, err
	}
	return v, nil
}

// sendWait and recvWait are send and recv with no time limit, the common
// case, kept free of the wait plumbing: no deadline or context to look at,
// no timer, and an outcome that can only be a pairing, the disconnection
// or the handle's closing.
func (c *zeroChan[T]) sendWait(v T, hnd *atomic.Bool) error {
	c.mu.Lock()
	if r := pair(&c.receivers); r != nil {
		*r.cell = v
		c.mu.Unlock()
		r.w.unpark()
		return nil
	}
	if err := c.cannotPark(hnd); err != nil {
		c.mu.Unlock()
		return err
	}
	zw := c.sendParked.get()
	zw.cell, zw.node.op, zw.node.hnd = v, opBase, hnd
	c.list(&c.senders, &zw.node, &c.receivers)
	c.mu.Unlock()

	outcome := zw.parkForever()
	if outcome != opBase {
		c.mu.Lock()
		c.unlist(&c.senders, &zw.node)
		c.mu.Unlock()
	}
	c.sendParked.put(zw)
	return c.result(outcome, wait{})
}

func (c *zeroChan[T]) recvWait(hnd *atomic.Bool) (T, error) {
	c.mu.Lock()
	if s := pair(&c.senders); s != nil {
		v := *s.cell
		c.mu.Unlock()
		s.w.unpark()
		return v, nil
	}
	if err := c.cannotPark(hnd); err != nil {
		c.mu.Unlock()
		var zero T
		return zero, err
	}
	zw := c.recvParked.get()
	zw.node.op, zw.node.hnd = opBase, hnd
	c.list(&c.receivers, &zw.node, &c.senders)
	c.mu.Unlock()

	outcome := zw.parkForever()
	if outcome != opBase {
		c.mu.Lock()
		c.unlist(&c.receivers, &zw.node)
		c.mu.Unlock()
	}
	v := zw.cell
	c.recvParked.put(zw)
	if outcome != opBase {
		var zero T
		return zero, c.result(outcome, wait{})
	}
	return v, nil
}

// cannotPark is cannotWait for an operation with no time limit.
func (c *zeroChan[T]) cannotPark(hnd *atomic.Bool) error {
	switch {
	case c.gone:
		return ErrDisconnected
	case hnd.Load():
		return ErrClosed
	}
	return nil
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

// wait parks zw, listed in l, and takes it out if nobody paired with it.
func (c *zeroChan[T]) wait(l *waitList[T], zw *parked[T], wt wait) uint32 {
	outcome := zw.park(wt)
	if outcome != opBase {
		c.mu.Lock()
		c.unlist(l, &zw.node)
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

func (c *zeroChan[T]) watchSend(n *waitNode[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list(&c.senders, n, &c.receivers)
	return c.gone || n.hnd.Load() || claimable(&c.receivers, n.w)
}

func (c *zeroChan[T]) watchRecv(n *waitNode[T]) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.list(&c.receivers, n, &c.senders)
	return c.gone || n.hnd.Load() || claimable(&c.senders, n.w)
}

func (c *zeroChan[T]) version() uint64 { return c.ver.Load() }

// readyToSend and readyToRecv look for a waiting partner under the lock.
func (c *zeroChan[T]) readyToSend() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone || claimable(&c.receivers, nil)
}

func (c *zeroChan[T]) readyToRecv() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gone || claimable(&c.senders, nil)
}

// closeHandle claims the waiters listed through the closed handle, which
// then find ErrClosed. Nodes stay listed; their owners take them out.
func (c *zeroChan[T]) closeHandle(hnd *atomic.Bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	match := func(n *waitNode[T]) bool { return n.hnd == hnd }
	c.senders.wake(closing, match)
	c.receivers.wake(closing, match)
}

func (c *zeroChan[T]) unwatchSend(n *waitNode[T]) {
	c.mu.Lock()
	c.unlist(&c.senders, n)
	c.mu.Unlock()
}

func (c *zeroChan[T]) unwatchRecv(n *waitNode[T]) {
	c.mu.Lock()
	c.unlist(&c.receivers, n)
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
	// Nodes stay listed, their owners take them out: every waiter is now
	// claimed (by this disconnection, a peer or its own abort), and a late
	// registration finds gone and does not wait.
	c.senders.wake(disconnected, nil)
	c.receivers.wake(disconnected, nil)
	return true
}

func (c *zeroChan[T]) discard() {}
