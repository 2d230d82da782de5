package channel

import "sync/atomic"

// The unbounded flavor: a linked list of fixed-size blocks, after
// crossbeam-channel's list flavor.
//
// Positions count in steps of 1<<listShift; the low bit is a mark. A block
// spans listLap positions but holds one slot fewer: the last position of each
// lap is never a slot, and whoever sees an index land there knows another
// goroutine is installing the next block and waits.
//
// On tail, the mark means disconnected. On head, it means head's block is not
// tail's block, so a receiver need not look at tail to know the channel is
// not empty.
//
// Unlike crossbeam, we let the garbage collector free a block: once head and
// tail have both moved past it, nothing refers to it, so memory shrinks back
// after a burst without the destroy protocol Rust needs.
type listChan[T any] struct {
	_    cacheLinePad
	head listPosition[T]
	_    cacheLinePad
	tail listPosition[T]
	_    cacheLinePad

	recvq waitQueue[T] // receivers waiting for a value; senders never wait
}

const (
	listLap   = 64          // positions per block
	listSlots = listLap - 1 // slots per block
	listShift = 1           // positions count in these steps, below is the mark
	listMark  = 1
)

type listPosition[T any] struct {
	index atomic.Uint64
	block atomic.Pointer[listBlock[T]]
}

type listBlock[T any] struct {
	next  atomic.Pointer[listBlock[T]]
	slots [listSlots]listSlot[T]
}

type listSlot[T any] struct {
	value   T
	written atomic.Bool
}

func newList[T any]() *listChan[T] {
	c := &listChan[T]{}
	b := new(listBlock[T])
	c.head.block.Store(b)
	c.tail.block.Store(b)
	return c
}

// waitNext returns the block after b, waiting for its installer if needed.
func (b *listBlock[T]) waitNext() *listBlock[T] {
	var bo backoff
	for {
		if n := b.next.Load(); n != nil {
			return n
		}
		bo.snooze()
	}
}

func (c *listChan[T]) trySend(v T) status {
	var b backoff
	tail := c.tail.index.Load()
	block := c.tail.block.Load()
	var next *listBlock[T]
	for {
		if tail&listMark != 0 {
			return gone
		}
		offset := (tail >> listShift) % listLap
		if offset == listSlots { // the next block is being installed
			b.snooze()
			tail, block = c.tail.index.Load(), c.tail.block.Load()
			continue
		}
		// Allocate the next block before claiming the last slot, so the
		// window in which others wait for it stays short.
		if offset+1 == listSlots && next == nil {
			next = new(listBlock[T])
		}
		newTail := tail + 1<<listShift
		if c.tail.index.CompareAndSwap(tail, newTail) {
			if offset+1 == listSlots { // we took the last slot: install next
				c.tail.block.Store(next)
				c.tail.index.Add(1 << listShift)
				block.next.Store(next)
			}
			slot := &block.slots[offset]
			slot.value = v
			slot.written.Store(true)
			if c.recvq.nonEmpty.Load() {
				wakeReceiver[T](c)
			}
			return success
		}
		b.spin()
		tail, block = c.tail.index.Load(), c.tail.block.Load()
	}
}

func (c *listChan[T]) tryRecv() (T, status) {
	var b backoff
	var zero T
	head := c.head.index.Load()
	block := c.head.block.Load()
	for {
		offset := (head >> listShift) % listLap
		if offset == listSlots { // the next block is being installed
			b.snooze()
			head, block = c.head.index.Load(), c.head.block.Load()
			continue
		}
		newHead := head + 1<<listShift
		if newHead&listMark == 0 { // head and tail may share a block
			tail := c.tail.index.Load()
			if head>>listShift == tail>>listShift {
				if tail&listMark != 0 {
					return zero, gone
				}
				return zero, wouldBlock
			}
			if (head>>listShift)/listLap != (tail>>listShift)/listLap {
				newHead |= listMark
			}
		}
		if c.head.index.CompareAndSwap(head, newHead) {
			if offset+1 == listSlots { // we took the last slot: move to next
				next := block.waitNext()
				nextIndex := (newHead &^ listMark) + 1<<listShift
				if next.next.Load() != nil {
					nextIndex |= listMark
				}
				c.head.block.Store(next)
				c.head.index.Store(nextIndex)
			}
			slot := &block.slots[offset]
			var wb backoff
			for !slot.written.Load() { // the sender claimed it but is still writing
				wb.snooze()
			}
			v := slot.value
			slot.value = zero
			return v, success
		}
		b.spin()
		head, block = c.head.index.Load(), c.head.block.Load()
	}
}

func (c *listChan[T]) send(v T, wt wait, hnd *atomic.Bool) error {
	if c.trySend(v) == gone {
		return ErrDisconnected
	}
	return nil
}

func (c *listChan[T]) recv(wt wait, hnd *atomic.Bool) (T, error) {
	if v, st := c.tryRecv(); st == success { // see arrayChan.send
		return v, nil
	}
	return recvPolled[T](c, wt, hnd)
}

// version: see arrayChan.version.
func (c *listChan[T]) version() uint64 { return c.head.index.Load() + c.tail.index.Load() }

func (c *listChan[T]) closeHandle(hnd *atomic.Bool) { c.recvq.closeHandle(hnd) }

func (c *listChan[T]) sendQueue() *waitQueue[T] { return nil } // senders never wait
func (c *listChan[T]) recvQueue() *waitQueue[T] { return &c.recvq }
func (c *listChan[T]) readyToSend() bool        { return true }
func (c *listChan[T]) readyToRecv() bool        { return !c.empty() || c.isDisconnected() }
func (c *listChan[T]) isDisconnected() bool     { return c.tail.index.Load()&listMark != 0 }
func (c *listChan[T]) capacity() int            { return -1 }
func (c *listChan[T]) full() bool               { return false }

// A send never waits, so a send case is always ready and never registers.
func (c *listChan[T]) watchSend(*waitNode[T]) bool { return true }
func (c *listChan[T]) unwatchSend(*waitNode[T])    {}

func (c *listChan[T]) watchRecv(n *waitNode[T]) bool {
	c.recvq.register(n)
	return c.readyToRecv() || n.hnd.Load()
}

func (c *listChan[T]) unwatchRecv(n *waitNode[T]) { c.recvq.unregister(n) }

func (c *listChan[T]) empty() bool {
	return c.head.index.Load()>>listShift == c.tail.index.Load()>>listShift
}

// len counts positions between head and tail, less the one unused position
// per block boundary crossed.
func (c *listChan[T]) len() int {
	for {
		tail := c.tail.index.Load()
		head := c.head.index.Load()
		if c.tail.index.Load() != tail {
			continue
		}
		tail &^= 1<<listShift - 1
		head &^= 1<<listShift - 1
		// Positions on a block's unused last index belong to the next block.
		if (tail>>listShift)&(listLap-1) == listLap-1 {
			tail += 1 << listShift
		}
		if (head>>listShift)&(listLap-1) == listLap-1 {
			head += 1 << listShift
		}
		// Shift both so that head falls in the first block.
		lap := (head >> listShift) / listLap
		tail -= (lap * listLap) << listShift
		head -= (lap * listLap) << listShift
		tail >>= listShift
		head >>= listShift
		return int(tail - head - tail/listLap)
	}
}

func (c *listChan[T]) disconnect() bool {
	if c.tail.index.Or(listMark)&listMark != 0 {
		return false
	}
	c.recvq.disconnect()
	return true
}

// discard drops what is buffered once the last receiver is gone. Whole
// blocks go in one compare-and-swap each: discard claims the rest of head's
// block as a receiver claims one slot, moving head on to the next block
// exactly as the receiver of a block's last slot does, and leaves the
// claimed values unread in a block nothing refers to any more, for the
// collector. A receive still in flight claimed its slot before (and keeps
// it) or loses its swap and retries from the new head, so each value still
// goes to exactly one receiver. The values of tail's block, at most a
// block's worth, are received one by one.
func (c *listChan[T]) discard() {
	var b backoff
	for {
		head := c.head.index.Load()
		block := c.head.block.Load()
		offset := (head >> listShift) % listLap
		if offset == listSlots { // the next block is being installed
			b.snooze()
			continue
		}
		tail := c.tail.index.Load()
		if (head>>listShift)/listLap == (tail>>listShift)/listLap {
			break // head's block is tail's
		}
		start := (head >> listShift) / listLap * listLap
		newHead := (start+listSlots)<<listShift | listMark
		if !c.head.index.CompareAndSwap(head, newHead) {
			b.spin()
			continue
		}
		next := block.waitNext()
		nextIndex := (newHead &^ listMark) + 1<<listShift
		if next.next.Load() != nil {
			nextIndex |= listMark
		}
		c.head.block.Store(next)
		c.head.index.Store(nextIndex)
	}
	discardPolled[T](c)
}
