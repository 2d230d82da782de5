package channel

import "sync/atomic"

// The bounded flavor (capacity >= 1): a ring of slots, each with a sequence
// stamp, after crossbeam-channel's array flavor (itself after Dmitry Vyukov's
// bounded MPMC queue).
//
// head and tail are positions: the low bits index a slot, the bits from
// oneLap up count laps around the ring, and markBit, set on tail only, says
// the channel is disconnected. A slot's stamp tells whose turn it is:
//   - stamp == tail: the slot is free for the sender that claims tail;
//   - stamp == head+1: the slot holds the value for the receiver that claims head.
//
// A sender claims a slot by a compare-and-swap on tail, writes the value, then
// publishes it by storing the stamp; a receiver does the mirror image on head.
// So the fast path takes no lock, and the only shared writes are the CAS and
// the stamp.
//
// Each slot stores its stamp less its own index (relative stamps), so a
// slot's initial stamp, its index, is stored as zero: the zeroed memory make
// returns is already the initial state, and creating a channel touches none
// of it. A large buffer then costs what make(chan T, n) costs, pages the
// operating system hands over zeroed and maps in on first use.
type arrayChan[T any] struct {
	_    cacheLinePad
	head atomic.Uint64 // next position to receive from
	_    cacheLinePad
	tail atomic.Uint64 // next position to send to; carries markBit
	_    cacheLinePad

	buf     []arraySlot[T]
	cap     uint64
	oneLap  uint64 // 2 * markBit: one trip around the ring
	markBit uint64 // smallest power of two above cap

	// The wait queues are written only when goroutines block, but then
	// often; their own lines keep that from evicting the fields above,
	// which every operation reads.
	_     cacheLinePad
	sendq waitQueue[T] // senders waiting for room, each with its value
	_     cacheLinePad
	recvq waitQueue[T] // receivers waiting for a value
}

type arraySlot[T any] struct {
	stamp atomic.Uint64 // relative: the stamp less the slot's index
	value T
}

func newArray[T any](n int) *arrayChan[T] {
	markBit := uint64(1)
	for markBit < uint64(n)+1 {
		markBit <<= 1
	}
	return &arrayChan[T]{
		buf:     make([]arraySlot[T], n), // zero: every slot free for lap 0
		cap:     uint64(n),
		markBit: markBit,
		oneLap:  markBit << 1,
	}
}

// next is the position after pos, wrapping to the next lap at the ring's end.
func (c *arrayChan[T]) next(pos uint64) uint64 {
	index := pos & (c.markBit - 1)
	if index+1 < c.cap {
		return pos + 1
	}
	return pos&^(c.oneLap-1) + c.oneLap
}

func (c *arrayChan[T]) trySend(v T) status {
	var b backoff
	tail := c.tail.Load()
	for {
		if tail&c.markBit != 0 {
			return gone
		}
		index := tail & (c.markBit - 1)
		slot := &c.buf[index]
		stamp := slot.stamp.Load() + index
		switch {
		case stamp == tail: // the slot is free: claim it
			if c.tail.CompareAndSwap(tail, c.next(tail)) {
				slot.value = v
				slot.stamp.Store(tail + 1 - index)
				if c.recvq.nonEmpty.Load() {
					wakeReceiver[T](c)
				}
				return success
			}
			b.spin()
		case stamp+c.oneLap == tail+1: // the slot still holds last lap's value
			if c.head.Load()+c.oneLap == tail {
				return wouldBlock // full
			}
			b.snooze() // a receiver claimed it but has not released it yet
		default: // another sender is ahead of us; wait for it
			b.snooze()
		}
		tail = c.tail.Load()
	}
}

func (c *arrayChan[T]) tryRecv() (T, status) {
	var b backoff
	head := c.head.Load()
	for {
		index := head & (c.markBit - 1)
		slot := &c.buf[index]
		stamp := slot.stamp.Load() + index
		switch {
		case stamp == head+1: // the slot holds a value: claim it
			if c.head.CompareAndSwap(head, c.next(head)) {
				v := slot.value
				var zero T
				slot.value = zero // let the collector have it
				slot.stamp.Store(head + c.oneLap - index)
				if c.sendq.nonEmpty.Load() {
					wakeSender[T](c)
				}
				return v, success
			}
			b.spin()
		case stamp == head: // the slot is empty
			tail := c.tail.Load()
			if tail&^c.markBit == head {
				var zero T
				if tail&c.markBit != 0 {
					return zero, gone
				}
				return zero, wouldBlock
			}
			b.snooze() // a sender claimed it but has not written yet
		default:
			// A receiver is ahead of us, or discard moved head past
			// slots whose stamps it left as they were.
			if tail := c.tail.Load(); tail&c.markBit != 0 && tail&^c.markBit == head {
				var zero T
				return zero, gone
			}
			b.snooze()
		}
		head = c.head.Load()
	}
}

// send and recv try once directly before the shared blocking loops, which
// reach the flavor through an interface: the common case pays no dispatch.
func (c *arrayChan[T]) send(v T, wt wait, hnd *atomic.Bool) error {
	if c.trySend(v) == success {
		return nil
	}
	return sendPolled[T](c, v, wt, hnd)
}

func (c *arrayChan[T]) recv(wt wait, hnd *atomic.Bool) (T, error) {
	if v, st := c.tryRecv(); st == success {
		return v, nil
	}
	return recvPolled[T](c, wt, hnd)
}

// version sums two positions that only grow, so it is unchanged only if
// both are.
func (c *arrayChan[T]) version() uint64 { return c.head.Load() + c.tail.Load() }

func (c *arrayChan[T]) closeHandle(hnd *atomic.Bool) {
	c.sendq.closeHandle(hnd)
	c.recvq.closeHandle(hnd)
}

func (c *arrayChan[T]) sendQueue() *waitQueue[T]   { return &c.sendq }
func (c *arrayChan[T]) recvQueue() *waitQueue[T]   { return &c.recvq }
func (c *arrayChan[T]) readyToSend() bool          { return !c.full() || c.isDisconnected() }
func (c *arrayChan[T]) readyToRecv() bool          { return c.len() > 0 || c.isDisconnected() }
func (c *arrayChan[T]) isDisconnected() bool       { return c.tail.Load()&c.markBit != 0 }
func (c *arrayChan[T]) capacity() int              { return int(c.cap) }
func (c *arrayChan[T]) unwatchSend(n *waitNode[T]) { c.sendq.unregister(n) }
func (c *arrayChan[T]) unwatchRecv(n *waitNode[T]) { c.recvq.unregister(n) }

func (c *arrayChan[T]) watchSend(n *waitNode[T]) bool {
	c.sendq.register(n)
	return c.readyToSend() || n.hnd.Load()
}

func (c *arrayChan[T]) watchRecv(n *waitNode[T]) bool {
	c.recvq.register(n)
	return c.readyToRecv() || n.hnd.Load()
}

func (c *arrayChan[T]) full() bool {
	return c.head.Load()+c.oneLap == c.tail.Load()&^c.markBit
}

// len reads tail, head, and tail again, so the pair it uses is consistent.
func (c *arrayChan[T]) len() int {
	for {
		tail := c.tail.Load()
		head := c.head.Load()
		if c.tail.Load() != tail {
			continue
		}
		hix := head & (c.markBit - 1)
		tix := tail & (c.markBit - 1)
		switch {
		case hix < tix:
			return int(tix - hix)
		case hix > tix:
			return int(c.cap - hix + tix)
		case tail&^c.markBit == head:
			return 0
		default:
			return int(c.cap)
		}
	}
}

func (c *arrayChan[T]) disconnect() bool {
	if c.tail.Or(c.markBit)&c.markBit != 0 {
		return false
	}
	c.sendq.disconnect()
	c.recvq.disconnect()
	return true
}

// discard drops what is buffered once the last receiver is gone. It claims
// every buffered value in one compare-and-swap of head onto tail, frozen
// since the disconnection: a receive still in flight either claimed its
// value before (and keeps it) or loses its own swap and finds the channel
// empty and disconnected, so each value still goes to exactly one receiver.
// The stamps are left as they are; tryRecv reads a disconnected channel
// whose head reached tail as gone whatever the stamp says. So a buffer of
// values that hold no pointers is released in constant time. Values that
// hold pointers are cleared so that the collector can have them, each after
// the sender that claimed its slot before the disconnection has written it.
func (c *arrayChan[T]) discard() {
	tail := c.tail.Load() &^ c.markBit
	var b backoff
	head := c.head.Load()
	for head != tail && !c.head.CompareAndSwap(head, tail) {
		b.spin()
		head = c.head.Load()
	}
	if head == tail || !holdsPointers[T]() {
		return
	}
	var zero T
	for pos := head; pos != tail; pos = c.next(pos) {
		index := pos & (c.markBit - 1)
		slot := &c.buf[index]
		var wb backoff
		for slot.stamp.Load()+index != pos+1 {
			wb.snooze()
		}
		slot.value = zero
	}
}
