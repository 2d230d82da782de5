package channel

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
	// ErrFull or ErrEmpty (non-blocking), ErrTimeout or the context's error.
	send(v T, wt wait) error
	recv(wt wait) (T, error)

	// watchSend registers w for sending *cell as operation op; watchRecv for
	// receiving into *cell. A flavor that hands values over directly (the
	// rendezvous one) completes a selected operation through cell itself, and
	// says so with handsOff; the others only wake the selector to retry.
	watchSend(w *waiter, op uint32, cell *T) (ready bool)
	unwatchSend(w *waiter, op uint32)
	watchRecv(w *waiter, op uint32, cell *T) (ready bool)
	unwatchRecv(w *waiter, op uint32)
	handsOff() bool

	len() int
	capacity() int // -1 when unbounded
	full() bool
	// disconnect marks the channel disconnected and wakes every waiter. It
	// reports whether this call did it. discard then drops what is buffered,
	// once no receiver is left to take it.
	disconnect() bool
	discard()
}

// polled is a flavor whose waiters only wait for a change and then retry:
// the array and the list. They share the blocking loops below.
type polled[T any] interface {
	trySend(v T) status
	tryRecv() (T, status)
	readyToSend() bool // room, or disconnected
	readyToRecv() bool // a value, or disconnected
	sendQueue() *waitQueue
	recvQueue() *waitQueue
}

// sendPolled sends v, spinning briefly and then parking until there is room,
// the channel disconnects, or wt runs out.
func sendPolled[T any](f polled[T], v T, wt wait) error {
	for {
		var b backoff
		for {
			switch f.trySend(v) {
			case success:
				return nil
			case gone:
				return ErrDisconnected
			}
			if !wt.block {
				return ErrFull
			}
			if b.completed() {
				break
			}
			b.snooze()
		}
		if err := wt.expired(); err != nil {
			return err
		}
		w := getWaiter()
		q := f.sendQueue()
		q.register(w, opBase)
		if f.readyToSend() {
			w.trySelect(aborted)
		}
		w.park(wt)
		q.unregister(w, opBase)
		putWaiter(w)
	}
}

// recvPolled is sendPolled's mirror for receives.
func recvPolled[T any](f polled[T], wt wait) (T, error) {
	for {
		var b backoff
		for {
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
			if b.completed() {
				break
			}
			b.snooze()
		}
		if err := wt.expired(); err != nil {
			var zero T
			return zero, err
		}
		w := getWaiter()
		q := f.recvQueue()
		q.register(w, opBase)
		if f.readyToRecv() {
			w.trySelect(aborted)
		}
		w.park(wt)
		q.unregister(w, opBase)
		putWaiter(w)
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
