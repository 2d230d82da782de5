package channel

import "sync/atomic"

// counter tracks how many live handles each side of a channel has. A side
// whose count reaches zero is gone for good: the count never climbs back,
// because Clone only adds a handle to a side that still has one.
type counter struct {
	senders   atomic.Int64
	receivers atomic.Int64
}

func newCounter() *counter {
	c := &counter{}
	c.senders.Store(1)
	c.receivers.Store(1)
	return c
}

// acquire adds a handle to a side unless that side is already gone.
func acquire(n *atomic.Int64) bool {
	for {
		v := n.Load()
		if v <= 0 {
			return false
		}
		if n.CompareAndSwap(v, v+1) {
			return true
		}
	}
}

// release drops a handle and reports whether it was the side's last one.
func release(n *atomic.Int64) bool { return n.Add(-1) == 0 }
