package channel

import (
	"context"
	"iter"
	"sync/atomic"
	"time"
	"unsafe"
)

// maxArrayBytes bounds a bounded channel's buffer well inside what positions
// can count (see arrayChan) and what any machine can allocate.
const maxArrayBytes = 1 << 48

// Bounded returns the two ends of a channel that buffers up to n values.
// With n == 0 it is a rendezvous channel: each send waits for a receive and
// hands its value over directly. The buffer is allocated up front, as make
// does for a buffered channel. A negative n panics, as make does, and so does
// an n whose buffer could not be addressed.
func Bounded[T any](n int) (*Sender[T], *Receiver[T]) {
	switch {
	case n < 0:
		panic("channel: negative capacity passed to Bounded")
	case uint64(n) > maxArrayBytes/uint64(unsafe.Sizeof(arraySlot[T]{})):
		panic("channel: capacity passed to Bounded is too large")
	case n == 0:
		z := newZero[T]()
		return handles(&core[T]{f: z, zero: z, counter: newCounter()})
	}
	a := newArray[T](n)
	return handles(&core[T]{f: a, arr: a, counter: newCounter()})
}

// Unbounded returns the two ends of a channel whose buffer grows as needed:
// a send never waits. Memory is taken in blocks and given back to the
// garbage collector as they are consumed.
func Unbounded[T any]() (*Sender[T], *Receiver[T]) {
	l := newList[T]()
	return handles(&core[T]{f: l, list: l, counter: newCounter()})
}

func handles[T any](c *core[T]) (*Sender[T], *Receiver[T]) {
	return &Sender[T]{c: c}, &Receiver[T]{c: c}
}

// core is what every handle of one channel shares.
type core[T any] struct {
	f flavor[T]
	// The flavor again, typed: exactly one is set. Send, Recv and their Try
	// forms call it directly, with no interface dispatch on the common
	// path; everything else goes through f.
	arr  *arrayChan[T]
	zero *zeroChan[T]
	list *listChan[T]
	*counter
	stop func() // run once every receiver is gone: timers stop here
	// reachable counts the Receiver handles of a timer channel that the
	// garbage collector has not found unreachable yet (see untilUnreachable).
	reachable atomic.Int64
}

// Sender is the sending end of a channel. It is safe for use by many
// goroutines at once; Clone gives another handle to the same side, and the
// channel disconnects for receivers once every Sender handle is closed.
//
// Methods on a nil *Sender panic.
type Sender[T any] struct {
	c      *core[T]
	closed atomic.Bool
}

// Receiver is the receiving end of a channel. It is safe for use by many
// goroutines at once, each value going to exactly one of them. Clone gives
// another handle; once every Receiver handle is closed, sends fail with
// ErrDisconnected and the buffered values are released.
//
// Methods on a nil *Receiver panic.
type Receiver[T any] struct {
	c      *core[T]
	closed atomic.Bool
}

// Send sends v, waiting while the channel is full (or, for a rendezvous
// channel, until a receiver takes it). It fails with ErrDisconnected once
// every Receiver is closed, and with ErrClosed if s was closed. A failed send
// returns a *SendError holding v.
func (s *Sender[T]) Send(v T) error {
	if !s.closed.Load() {
		if a := s.c.arr; a != nil {
			if a.trySend(v) == success {
				return nil
			}
			return s.failed(v, sendPolled[T](a, v, wait{block: true}, &s.closed))
		} else if z := s.c.zero; z != nil {
			return s.failed(v, z.sendWait(v, &s.closed))
		} else if s.c.list.trySend(v) == success {
			return nil
		}
	}
	return s.send(v, wait{block: true})
}

// TrySend sends v only if that needs no waiting; otherwise it fails with
// ErrFull. On a rendezvous channel it succeeds only if a receiver is waiting.
func (s *Sender[T]) TrySend(v T) error {
	if a := s.c.arr; a != nil && !s.closed.Load() {
		if a.trySend(v) == success {
			return nil
		}
	}
	return s.send(v, wait{})
}

// SendTimeout is Send that gives up with ErrTimeout after d. A zero or
// negative d makes a single attempt, like TrySend, but fails with ErrTimeout.
func (s *Sender[T]) SendTimeout(v T, d time.Duration) error {
	return s.send(v, timeoutWait(d))
}

// SendDeadline is Send that gives up with ErrTimeout at t. A t already past
// makes a single attempt, like TrySend, but fails with ErrTimeout.
func (s *Sender[T]) SendDeadline(v T, t time.Time) error {
	return s.send(v, deadlineWait(t))
}

// SendContext is Send that gives up when ctx is done, failing with an error
// for which errors.Is(err, ctx.Err()) holds. A ctx already done fails at once,
// without sending. A nil ctx panics, as in the standard library.
func (s *Sender[T]) SendContext(ctx context.Context, v T) error {
	return s.send(v, contextWait(ctx))
}

func (s *Sender[T]) send(v T, wt wait) error {
	var err error
	switch {
	case s.closed.Load():
		err = ErrClosed
	case wt.ctx != nil && wt.ctx.Err() != nil:
		err = wt.ctx.Err()
	default:
		err = s.c.f.send(v, wt, &s.closed)
		if err == ErrFull && wt.late {
			err = ErrTimeout
		}
	}
	return s.failed(v, err)
}

// failed wraps the error of a send that failed, with v, in a *SendError.
func (s *Sender[T]) failed(v T, err error) error {
	if err == nil {
		return nil
	}
	if err == ErrDisconnected && s.closed.Load() {
		err = ErrClosed // closing s disconnected the channel under it
	}
	return &SendError[T]{Value: v, Err: err}
}

// Clone returns a new Sender for the same channel. The channel stays
// connected until every clone is closed too. Cloning a closed handle, or one
// whose side is already gone, gives a closed handle.
func (s *Sender[T]) Clone() *Sender[T] {
	n := &Sender[T]{c: s.c}
	if s.closed.Load() || !acquire(&s.c.senders) {
		n.closed.Store(true)
	}
	return n
}

// Close closes this handle. A send blocked through it wakes and fails with
// ErrClosed, handing its value back; sends through other handles go on.
// When it is the last open Sender, the channel disconnects: receivers get
// what is buffered, then ErrDisconnected. Close is idempotent and safe to
// call from any goroutine.
func (s *Sender[T]) Close() {
	if !s.closed.CompareAndSwap(false, true) {
		return
	}
	if release(&s.c.senders) {
		s.c.f.disconnect()
	} else {
		s.c.f.closeHandle(&s.closed)
	}
}

// SameChannel reports whether s and other are handles of the same channel,
// as crossbeam's Sender::same_channel does: clones of one handle are, handles
// of two channels made alike are not. Closed handles still belong to their
// channel. A nil other reports false. It is a method, like Clone, because
// it relates two handles of one side and one element type; the compiler
// then rejects comparing a Sender with a Receiver.
func (s *Sender[T]) SameChannel(other *Sender[T]) bool { return other != nil && s.c == other.c }

// IsDisconnected reports whether every Receiver is closed.
func (s *Sender[T]) IsDisconnected() bool { return s.c.receivers.Load() <= 0 }

// Len returns the number of values buffered.
func (s *Sender[T]) Len() int { return s.c.f.len() }

// Cap returns the capacity: 0 for rendezvous, -1 for unbounded.
func (s *Sender[T]) Cap() int { return s.c.f.capacity() }

// IsEmpty reports whether nothing is buffered. A rendezvous channel is
// always empty.
func (s *Sender[T]) IsEmpty() bool { return s.c.f.len() == 0 }

// IsFull reports whether a send would have to wait for room. A rendezvous
// channel is always full; an unbounded one never is.
func (s *Sender[T]) IsFull() bool { return s.c.f.full() }

// Recv receives a value, waiting until one is sent. Once every Sender is
// closed it still returns what was buffered, then ErrDisconnected. It fails
// with ErrClosed if r was closed.
func (r *Receiver[T]) Recv() (T, error) {
	if !r.closed.Load() {
		if a := r.c.arr; a != nil {
			if v, st := a.tryRecv(); st == success {
				return v, nil
			}
			v, err := recvPolled[T](a, wait{block: true}, &r.closed)
			return v, r.failed(err)
		} else if z := r.c.zero; z != nil {
			v, err := z.recvWait(&r.closed)
			return v, r.failed(err)
		} else if v, st := r.c.list.tryRecv(); st == success {
			return v, nil
		}
	}
	return r.recv(wait{block: true})
}

// TryRecv receives a value only if that needs no waiting; otherwise it fails
// with ErrEmpty.
func (r *Receiver[T]) TryRecv() (T, error) {
	if a := r.c.arr; a != nil && !r.closed.Load() {
		if v, st := a.tryRecv(); st == success {
			return v, nil
		}
	}
	return r.recv(wait{})
}

// RecvTimeout is Recv that gives up with ErrTimeout after d. A zero or
// negative d makes a single attempt, like TryRecv, but fails with ErrTimeout.
func (r *Receiver[T]) RecvTimeout(d time.Duration) (T, error) {
	return r.recv(timeoutWait(d))
}

// RecvDeadline is Recv that gives up with ErrTimeout at t. A t already past
// makes a single attempt, like TryRecv, but fails with ErrTimeout.
func (r *Receiver[T]) RecvDeadline(t time.Time) (T, error) {
	return r.recv(deadlineWait(t))
}

// RecvContext is Recv that gives up when ctx is done, returning ctx.Err(). A
// ctx already done fails at once, without receiving. A nil ctx panics, as in
// the standard library.
func (r *Receiver[T]) RecvContext(ctx context.Context) (T, error) {
	return r.recv(contextWait(ctx))
}

func (r *Receiver[T]) recv(wt wait) (T, error) {
	var zero T
	if r.closed.Load() {
		return zero, ErrClosed
	}
	if wt.ctx != nil {
		if err := wt.ctx.Err(); err != nil {
			return zero, err
		}
	}
	v, err := r.c.f.recv(wt, &r.closed)
	if err == ErrEmpty && wt.late {
		err = ErrTimeout
	}
	return v, r.failed(err)
}

// failed reports a receive's error as the caller should see it.
func (r *Receiver[T]) failed(err error) error {
	if err == ErrDisconnected && r.closed.Load() {
		return ErrClosed // closing r disconnected the channel under it
	}
	return err
}

// All returns an iterator over received values, for use with range. It
// waits for each value and ends when the channel is disconnected and empty,
// or when r is closed, like iterating a Rust Receiver.
func (r *Receiver[T]) All() iter.Seq[T] {
	return func(yield func(T) bool) {
		for {
			v, err := r.Recv()
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Drain returns an iterator over the values buffered when it starts. It
// never waits, and values sent after it started are left for later.
func (r *Receiver[T]) Drain() iter.Seq[T] {
	return func(yield func(T) bool) {
		for n := r.Len(); n > 0; n-- {
			v, err := r.TryRecv()
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Clone returns a new Receiver for the same channel. Cloning a closed
// handle, or one whose side is already gone, gives a closed handle.
func (r *Receiver[T]) Clone() *Receiver[T] {
	n := &Receiver[T]{c: r.c}
	if r.closed.Load() || !acquire(&r.c.receivers) {
		n.closed.Store(true)
	}
	if r.c.stop != nil {
		untilUnreachable(n)
	}
	return n
}

// Close closes this handle. A receive blocked through it (Recv, a range
// over All, a Selector case) wakes and fails with ErrClosed; receives
// through other handles go on. When it is the last open Receiver, the
// channel disconnects: sends fail with ErrDisconnected, waiting senders
// wake, and the buffered values are dropped so the garbage collector can
// reclaim them. Close is idempotent and safe to call from any goroutine.
func (r *Receiver[T]) Close() {
	if !r.closed.CompareAndSwap(false, true) {
		return
	}
	if !release(&r.c.receivers) {
		r.c.f.closeHandle(&r.closed)
		return
	}
	r.c.f.disconnect()
	r.c.f.discard()
	if r.c.stop != nil {
		r.c.stop()
	}
}

// SameChannel reports whether r and other are handles of the same channel;
// see Sender.SameChannel. A nil other reports false.
func (r *Receiver[T]) SameChannel(other *Receiver[T]) bool { return other != nil && r.c == other.c }

// IsDisconnected reports whether every Sender is closed. Values may still be
// buffered.
func (r *Receiver[T]) IsDisconnected() bool { return r.c.senders.Load() <= 0 }

// Len returns the number of values buffered.
func (r *Receiver[T]) Len() int { return r.c.f.len() }

// Cap returns the capacity: 0 for rendezvous, -1 for unbounded.
func (r *Receiver[T]) Cap() int { return r.c.f.capacity() }

// IsEmpty reports whether nothing is buffered.
func (r *Receiver[T]) IsEmpty() bool { return r.c.f.len() == 0 }

// IsFull reports whether a send would have to wait for room.
func (r *Receiver[T]) IsFull() bool { return r.c.f.full() }
