package channel

import (
	"context"
	"math/bits"
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Case is one operation a Selector can pick: a receive built by OnRecv or a
// send built by OnSend or OnSendFrom. A Case holds the state of its pending
// operation, so it belongs to one Selector at a time.
type Case struct{ op caseOp }

// caseOp is the part of a case that a Selector drives. It hides the value
// type, so one Selector can mix channels of every type.
type caseOp interface {
	// try attempts the operation without waiting and reports whether it
	// completed, successfully or with an error to report.
	try() bool
	// ready reports whether the operation could proceed now, without
	// performing it.
	ready() bool
	// watch registers w to be claimed as op when the operation may proceed,
	// and reports whether it may proceed already. With peek, w only
	// observes (see flavor.watchSend): a claimer does nothing for it.
	watch(w *waiter, op uint32, peek bool) bool
	unwatch()
	// accept finishes the operation after w was claimed for it: either the
	// claimer completed it already (w.done), or it is tried again.
	accept(w *waiter) bool
	// fire runs the callback with the result of the completed operation.
	fire()
	// version changes whenever the case may have become able to proceed:
	// the channel's version (see flavor.version) and the handle's closed
	// flag.
	version() uint64
}

// OnRecv returns a case that receives from rx and passes the value, or the
// error (ErrDisconnected, ErrClosed), to fn. A nil fn discards them. A nil
// rx panics.
func OnRecv[T any](rx *Receiver[T], fn func(T, error)) Case {
	if rx == nil {
		panic("channel: nil Receiver passed to OnRecv")
	}
	return Case{&recvCase[T]{rx: rx, fn: fn}}
}

// OnSend returns a case that sends v on tx and passes the outcome to fn: nil,
// ErrDisconnected or ErrClosed. A nil fn ignores it. A nil tx panics.
func OnSend[T any](tx *Sender[T], v T, fn func(error)) Case {
	if tx == nil {
		panic("channel: nil Sender passed to OnSend")
	}
	return Case{&sendCase[T]{tx: tx, v: v, fn: fn}}
}

// OnSendFrom is OnSend that reads the value from *src each time the case is
// tried, so a Selector reused in a loop sends fresh values. A nil tx or src
// panics.
func OnSendFrom[T any](tx *Sender[T], src *T, fn func(error)) Case {
	if tx == nil {
		panic("channel: nil Sender passed to OnSendFrom")
	}
	if src == nil {
		panic("channel: nil source pointer passed to OnSendFrom")
	}
	return Case{&sendCase[T]{tx: tx, src: src, fn: fn}}
}

type recvCase[T any] struct {
	rx   *Receiver[T]
	fn   func(T, error)
	node waitNode[T] // this case's registration, reused by every wait
	cell T           // where a rendezvous sender puts its value
	v    T
	err  error
}

func (c *recvCase[T]) try() bool {
	if c.rx.closed.Load() {
		c.err = ErrClosed
		return true
	}
	v, st := c.rx.c.f.tryRecv()
	switch st {
	case success:
		c.v = v
		return true
	case gone:
		c.err = ErrDisconnected
		return true
	}
	return false
}

func (c *recvCase[T]) ready() bool { return c.rx.closed.Load() || c.rx.c.f.readyToRecv() }

func (c *recvCase[T]) watch(w *waiter, op uint32, peek bool) bool {
	c.node.w, c.node.op, c.node.cell, c.node.hnd = w, op, &c.cell, &c.rx.closed
	if peek {
		c.node.cell = nil
	}
	return c.rx.c.f.watchRecv(&c.node)
}

func (c *recvCase[T]) version() uint64 { return versionOf(c.rx.c.f.version(), &c.rx.closed) }

// versionOf folds a handle's closed flag into its channel's version.
func versionOf(v uint64, closed *atomic.Bool) uint64 {
	v <<= 1
	if closed.Load() {
		v |= 1
	}
	return v
}

func (c *recvCase[T]) unwatch() { c.rx.c.f.unwatchRecv(&c.node) }

func (c *recvCase[T]) accept(w *waiter) bool {
	if w.done {
		var zero T
		c.v, c.cell = c.cell, zero
		return true
	}
	return c.try()
}

func (c *recvCase[T]) fire() {
	var zero T
	v, err := c.v, c.err
	c.v, c.err = zero, nil
	if c.fn != nil {
		c.fn(v, err)
	}
}

type sendCase[T any] struct {
	tx   *Sender[T]
	v    T
	src  *T // when set, the value is read from here each time
	fn   func(error)
	node waitNode[T] // this case's registration, reused by every wait
	cell T           // what a rendezvous receiver takes
	err  error
}

func (c *sendCase[T]) value() T {
	if c.src != nil {
		return *c.src
	}
	return c.v
}

func (c *sendCase[T]) try() bool {
	if c.tx.closed.Load() {
		c.err = ErrClosed
		return true
	}
	switch c.tx.c.f.trySend(c.value()) {
	case success:
		return true
	case gone:
		c.err = ErrDisconnected
		return true
	}
	return false
}

func (c *sendCase[T]) ready() bool { return c.tx.closed.Load() || c.tx.c.f.readyToSend() }

func (c *sendCase[T]) watch(w *waiter, op uint32, peek bool) bool {
	c.node.w, c.node.op, c.node.cell, c.node.hnd = w, op, &c.cell, &c.tx.closed
	if peek {
		c.node.cell = nil
	} else {
		c.cell = c.value()
	}
	return c.tx.c.f.watchSend(&c.node)
}

func (c *sendCase[T]) version() uint64 { return versionOf(c.tx.c.f.version(), &c.tx.closed) }

func (c *sendCase[T]) unwatch() {
	c.tx.c.f.unwatchSend(&c.node)
	var zero T
	c.cell = zero
}

func (c *sendCase[T]) accept(w *waiter) bool {
	if w.done {
		return true
	}
	return c.try()
}

func (c *sendCase[T]) fire() {
	err := c.err
	c.err = nil
	if c.fn != nil {
		c.fn(err)
	}
}

// Selector waits on any number of cases, chosen at run time, and completes
// exactly one per call. Cases may be added and removed between calls. Among
// cases ready together the choice is uniformly random, so no channel starves
// the others. A case on a disconnected channel, or on a closed handle, is ready:
// its callback gets the error.
//
// Callbacks run on the goroutine that called Wait or Try, after the
// operation completed and outside every internal lock. A Selector is used by
// one goroutine at a time, and a callback must not call Wait on its own
// Selector. Reused in a loop, a Selector allocates nothing per call.
type Selector struct {
	cases []caseOp // by index; nil where removed
	// live holds the indexes of the cases present, in the order of the
	// last call's shuffle: each call draws a fresh random order from it.
	live []uint32
	vers []uint64 // by index: the case's version when it was last tried
	w    *waiter  // this selector's own, reused by every call
	rng  uint64   // wyrand state for the shuffle, seeded by NewSelect
}

// randn returns a pseudo-random number in [0, n), as the runtime's
// cheaprandn does for select: wyrand, then a multiply-shift into the
// range. Its bias, below n/2^32, is far under what any test of fairness
// could see, and it costs a few instructions where math/rand/v2 costs
// dozens, once per case tried.
func (s *Selector) randn(n int) int {
	s.rng += 0xa0761d6478bd642f
	hi, lo := bits.Mul64(s.rng, s.rng^0xe7037ed1a0b428db)
	return int((uint64(uint32(hi^lo)) * uint64(n)) >> 32)
}

// NewSelect returns a Selector over cases; their indexes are their
// positions in the list.
func NewSelect(cases ...Case) *Selector {
	s := &Selector{w: newWaiter(), rng: rand.Uint64()}
	for _, c := range cases {
		s.Add(c)
	}
	return s
}

// Select waits for one of cases, runs its callback and returns its index:
// one-shot sugar for NewSelect(cases...).Wait().
func Select(cases ...Case) int { return NewSelect(cases...).Wait() }

// Add adds a case and returns its index, which stays valid until the case is
// removed. Indexes are never reused. A zero Case panics.
func (s *Selector) Add(c Case) int {
	if c.op == nil {
		panic("channel: zero Case passed to Selector.Add")
	}
	i := len(s.cases)
	s.cases = append(s.cases, c.op)
	s.vers = append(s.vers, 0)
	s.live = append(s.live, uint32(i))
	return i
}

// Remove removes the case at index i. The other cases keep their indexes.
// An index that was never returned by Add, or was already removed, panics.
func (s *Selector) Remove(i int) {
	if i < 0 || i >= len(s.cases) || s.cases[i] == nil {
		panic("channel: Selector.Remove of an index that is not present")
	}
	s.cases[i] = nil
	for k, j := range s.live {
		if int(j) == i {
			s.live = append(s.live[:k], s.live[k+1:]...)
			break
		}
	}
}

// Len returns the number of cases present.
func (s *Selector) Len() int { return len(s.live) }

// Wait blocks until one case completes, runs its callback and returns its
// index. With no cases it blocks forever, like an empty select statement.
func (s *Selector) Wait() int {
	i, _ := s.run(wait{block: true}, false)
	return i
}

// Try completes a case that is ready now, runs its callback and returns its
// index and true; it returns -1 and false when no case is ready. It is
// linearizable: it reports none only if at one instant during the call no
// case could proceed, so a case that stayed ready throughout is never
// missed, however the others change meanwhile. It never blocks, but while
// other goroutines keep completing operations on its channels it may look
// again (see run).
func (s *Selector) Try() (int, bool) {
	i, err := s.run(wait{}, false)
	return i, err == nil
}

// WaitTimeout is Wait that gives up after d, returning -1 and ErrTimeout. A
// zero or negative d only tries, like Try.
func (s *Selector) WaitTimeout(d time.Duration) (int, error) {
	return s.run(timeoutWait(d), false)
}

// WaitDeadline is Wait that gives up at t, returning -1 and ErrTimeout. A t
// already past only tries, like Try.
func (s *Selector) WaitDeadline(t time.Time) (int, error) {
	return s.run(deadlineWait(t), false)
}

// WaitContext is Wait that gives up when ctx is done, returning -1 and
// ctx.Err(). A ctx already done fails at once, completing nothing. A nil ctx
// panics, as in the standard library.
func (s *Selector) WaitContext(ctx context.Context) (int, error) {
	wt := contextWait(ctx)
	if err := ctx.Err(); err != nil {
		return -1, err
	}
	return s.run(wt, false)
}

// Ready blocks until one case can proceed and returns its index, without
// performing the operation or running the callback: crossbeam's
// Select::ready. The caller then does the operation itself, typically with
// the Try form (TryRecv, TrySend), and must expect it to fail: another
// goroutine may take the value or the room between the two, so Ready suits
// a loop that goes round again on ErrEmpty or ErrFull. A case on a
// disconnected channel or a closed handle is ready, as for Wait. Among ready
// cases the choice is uniform. With no cases it blocks forever, like Wait.
func (s *Selector) Ready() int {
	i, _ := s.run(wait{block: true}, true)
	return i
}

// TryReady is Ready that does not wait: it returns the index of a case that
// can proceed now and true, or -1 and false when none can (or there are no
// cases). Like Try, it reports none only if at one instant during the call
// no case could proceed.
func (s *Selector) TryReady() (int, bool) {
	i, err := s.run(wait{}, true)
	return i, err == nil
}

// ReadyTimeout is Ready that gives up after d, returning -1 and
// ErrTimeout. A zero or negative d only looks, like TryReady.
func (s *Selector) ReadyTimeout(d time.Duration) (int, error) {
	return s.run(timeoutWait(d), true)
}

// ReadyDeadline is Ready that gives up at t, returning -1 and ErrTimeout.
// A t already past only looks, like TryReady.
func (s *Selector) ReadyDeadline(t time.Time) (int, error) {
	return s.run(deadlineWait(t), true)
}

// ReadyContext is Ready that gives up when ctx is done, returning -1 and
// ctx.Err(). A ctx already done fails at once. A nil ctx panics, as in the
// standard library.
func (s *Selector) ReadyContext(ctx context.Context) (int, error) {
	wt := contextWait(ctx)
	if err := ctx.Err(); err != nil {
		return -1, err
	}
	return s.run(wt, true)
}

// run is crossbeam's select loop: try the cases in a random order; if none
// is ready, register the waiter on all of them, park, unregister, and
// either finish the case that claimed the waiter or go round again.
//
// The order is a Fisher-Yates shuffle drawn lazily, one swap per case
// tried: the first ready case in a uniformly random order is uniformly
// random among the ready ones, as Go's spec requires, and a select whose
// first case is ready draws one random number, not n.
//
// A call that may not wait reports failure only after a pass in which
// every case failed and no case's version changed from just before its
// try to the end of the pass: then there was an instant, the end of the
// pass, at which no case could proceed, and the failure is linearizable
// there. Otherwise it tries again. Go's runtime gets the same guarantee by
// locking every channel of the select; our buffers take no lock, and a
// retry only happens when another operation on one of the channels
// completed in between, so the loop is lock-free.
//
// With peek (the Ready family) a pass only looks at each case, and the
// waiter registers as an observer; the case that claims it is returned.
func (s *Selector) run(wt wait, peek bool) (int, error) {
	n := len(s.live)
	if n == 0 {
		switch {
		case !wt.block && wt.late:
			return -1, ErrTimeout
		case !wt.block:
			return -1, ErrEmpty
		case wt.deadline.IsZero() && wt.ctx == nil:
			select {} // nothing can ever complete
		}
		s.w.reset()
		s.w.park(wt)
		return -1, wt.reason()
	}
	// A wait with no time limit never reports failure, so it need not
	// record versions.
	track := !wt.unlimited()
	for {
		if i, ok := s.pass(peek, track); ok {
			return i, nil
		}
		err := wt.expired()
		if !wt.block {
			err = ErrEmpty
			if wt.late {
				err = ErrTimeout
			}
		}
		if err != nil {
			if s.unchanged() {
				return -1, err
			}
			continue
		}
		w := s.w
		w.reset()
		watched := n
		for k := range n {
			i := s.live[k]
			if s.cases[i].watch(w, opBase+i, peek) {
				w.trySelect(aborted)
				watched = k + 1
				break
			}
		}
		outcome := w.park(wt)
		for k := range watched {
			i := s.live[k]
			s.cases[i].unwatch()
		}
		if outcome >= opBase {
			i := outcome - opBase
			if peek {
				return int(i), nil
			}
			if c := s.cases[i]; c.accept(w) {
				c.fire()
				return int(i), nil
			}
		}
	}
}

// pass tries every case once, in a fresh random order, recording each
// case's version before its try when track is set, and completes the first that is ready
// (with peek, returns the first that is ready, performing nothing).
func (s *Selector) pass(peek, track bool) (int, bool) {
	live, n := s.live, len(s.live)
	for k := range n {
		if j := k + s.randn(n-k); j != k {
			live[k], live[j] = live[j], live[k]
		}
		i := live[k]
		c := s.cases[i]
		if track {
			s.vers[i] = c.version()
		}
		if peek {
			if c.ready() {
				return int(i), true
			}
		} else if c.try() {
			c.fire()
			return int(i), true
		}
	}
	return -1, false
}

// unchanged reports whether no case's version moved since pass tried it.
func (s *Selector) unchanged() bool {
	for _, i := range s.live {
		if s.cases[i].version() != s.vers[i] {
			return false
		}
	}
	return true
}
