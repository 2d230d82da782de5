package channel

import "runtime"

// backoff spins with growing pauses, then yields the processor. It is
// crossbeam's Backoff, in Go, for the short waits of the lock-free buffers:
// a lost compare-and-swap (spin), or a peer that claimed a slot and has not
// yet written or emptied it (snooze). After a while snooze yields, so a
// preempted peer gets to run.
//
// An operation that must wait for the channel to change does not use it:
// it tries once and parks. Go's scheduler wakes a parked goroutine onto the
// waker's processor, so the two often share one, and with two processors
// spinning or yielding before parking only delays the goroutine it waits
// for (measured with baton bench: yielding before parking cost bounded1 1.5
// to 4 times more per message).
type backoff struct{ step uint32 }

const spinLimit = 6 // up to 2^6 busy iterations per pause; then snooze yields

// relax burns n iterations of a loop the compiler keeps (Go has no pause
// instruction to call), without touching shared memory.
//
//go:noinline
func relax(n uint32) {
	for i := uint32(0); i < n; i++ {
	}
}

// spin pauses briefly after a lost compare-and-swap.
func (b *backoff) spin() {
	relax(1 << min(b.step, spinLimit))
	if b.step <= spinLimit {
		b.step++
	}
}

// snooze pauses while waiting for another goroutine to make progress.
func (b *backoff) snooze() {
	if b.step <= spinLimit {
		relax(1 << b.step)
	} else {
		runtime.Gosched()
	}
	b.step++
}
