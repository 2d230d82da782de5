package channel

import "sync/atomic"

// status is the outcome of one non-blocking attempt inside a flavor.
type status uint8

const (
	success    status = iota
	wouldBlock        // full (send) or empty (receive)
	gone              // disconnected
)

// flavor is what each kind of channel implements; the handles in channel.go
// dispatch to it. The watch methods are the flavor's part of Select: they
// register a waiter for one operation and report whether that operation can
// already proceed, so the selector never sleeps through a ready case.
type flavor[T any] interface {
	trySend(v T) status
	tryRecv() (T, status)
	// send and recv block as wt allows and return nil, ErrDisconnected,
	// ErrFull or ErrEmpty (non-blocking), ErrTimeout, the context's error,
	// or ErrClosed once *hnd, the closed flag of the handle they go through,
	// is set while they wait.
	send(v T, wt wait, hnd *atomic.Bool) error
	recv(wt wait, hnd *atomic.Bool) (T, error)

	// readyToSend and readyToRecv report whether the operation could
	// proceed now: room (a waiting receiver, for a rendezvous), a value (a
	// waiting sender), or the disconnection.
	readyToSend() bool
	readyToRecv() bool

	// watchSend registers n for sending *n.cell as operation n.op of
	// waiter n.w; watchRecv for receiving into *n.cell. A peer that claims
	// the waiter may complete the operation through the cell, and then sets
	// w.done. Closing the handle whose flag is n.hnd claims it too. A nil
	// cell registers an observer, for Selector.Ready: it is claimed (and
	// woken) when the operation may have become able to proceed, but
	// nothing is done for it, and observers are woken besides the one
	// waiter a change wakes, never instead of it.
	watchSend(n *waitNode[T]) (ready bool)
	unwatchSend(n *waitNode[T])
	watchRecv(n *waitNode[T]) (ready bool)
	unwatchRecv(n *waitNode[T])
	// closeHandle wakes the operations blocked through the handle whose
	// closed flag is hnd, which is already set.
	closeHandle(hnd *atomic.Bool)
	// version changes whenever an operation that could not proceed may
	// have become able to: it grows with every completed operation, every
	// registration and the disconnection. A select that found every case
	// unable to proceed, and then sees every version unchanged, knows that
	// at one instant none could, so reporting none is linearizable.
	version() uint64

	len() int
	capacity() int // -1 when unbounded
	full() bool
	// disconnect marks the channel disconnected and wakes every waiter. It
	// reports whether this call did it. discard then drops what is buffered,
	// once no receiver is left to take it.
	disconnect() bool
	discard()
}

// polled is a flavor with a lock-free buffer: the array and the list. Their
// waiters sit in wait queues; the blocking loops below are shared.
type polled[T any] interface {
	trySend(v T) status
	tryRecv() (T, status)
	readyToSend() bool // room, or disconnected
	readyToRecv() bool // a value, or disconnected
	sendQueue() *waitQueue[T]
	recvQueue() *waitQueue[T]
}

// sendPolled sends v, parking until there is room, the channel
// disconnects, the handle closes, or wt runs out. It does not spin before
// parking: on few processors spinning only delays the goroutine it waits
// for (see backoff).
func sendPolled[T any](f polled[T], v T, wt wait, hnd *atomic.Bool) error {
	for {
		if hnd.Load() {
			return ErrClosed
		}
		switch f.trySend(v) {
		case success:
			return nil
		case gone:
			return ErrDisconnected
		}
		if !wt.block {
			return ErrFull
		}
		unlimited := wt.unlimited()
		if !unlimited {
			if err := wt.expired(); err != nil {
				return err
			}
		}
		q := f.sendQueue()
		cache := &q.cache
		p := cache.get()
		p.cell, p.node.op, p.node.hnd = v, opBase, hnd
		q.register(&p.node)
		if f.readyToSend() || hnd.Load() {
			p.trySelect(aborted)
		}
		var outcome uint32
		if unlimited {
			outcome = p.parkForever()
		} else {
			outcome = p.park(wt)
		}
		if outcome != opBase { // a claimer took the node out; otherwise it is still listed
			q.unregister(&p.node)
		}
		done := p.done
		cache.put(p)
		if done {
			return nil // a receiver made room and sent v for us
		}
	}
}

// recvPolled is sendPolled's mirror for receives.
func recvPolled[T any](f polled[T], wt wait, hnd *atomic.Bool) (T, error) {
	for {
		var zero T
		if hnd.Load() {
			return zero, ErrClosed
		}
		v, st := f.tryRecv()
		switch st {
		case success:
			return v, nil
		case gone:
			return v, ErrDisconnected
		}
		if !wt.block {
			return v, ErrEmpty
		}
		unlimited := wt.unlimited()
		if !unlimited {
			if err := wt.expired(); err != nil {
				return zero, err
			}
		}
		q := f.recvQueue()
		cache := &q.cache
		p := cache.get()
		p.node.op, p.node.hnd = opBase, hnd
		q.register(&p.node)
		if f.readyToRecv() || hnd.Load() {
			p.trySelect(aborted)
		}
		var outcome uint32
		if unlimited {
			outcome = p.parkForever()
		} else {
			outcome = p.park(wt)
		}
		if outcome != opBase {
			q.unregister(&p.node)
		}
		v, done := p.cell, p.done
		cache.put(p)
		if done {
			return v, nil // a sender received v for us
		}
	}
}

// wakeSender is called after a value left the buffer, when the send queue
// looked non-empty (callers check nonEmpty inline first): it claims the
// longest-waiting sender and, if there is room, sends that sender's value
// for it, so the sender wakes with its work done.
func wakeSender[T any](f polled[T]) {
	if n := f.sendQueue().claim(); n != nil {
		n.w.done = f.trySend(*n.cell) == success
		n.w.unpark()
	}
}

// wakeReceiver is called after a value entered the buffer, when the
// receive queue looked non-empty: it claims the
// longest-waiting receiver and, if a value is still there, receives it into
// that receiver's cell.
func wakeReceiver[T any](f polled[T]) {
	if n := f.recvQueue().claim(); n != nil {
		v, st := f.tryRecv()
		if st == success {
			*n.cell = v
			n.w.done = true
		}
		n.w.unpark()
	}
}

// discardPolled receives and drops everything buffered, so the values can be
// collected once every receiver is gone. It competes with receives still in
// flight through the normal protocol, so each value goes to exactly one of
// them.
func discardPolled[T any](f polled[T]) {
	for {
		if _, st := f.tryRecv(); st != success {
			return
		}
	}
}
