package channel

import "runtime"

// backoff spins with growing pauses, then yields the processor. It is
// crossbeam's Backoff, in Go, with one change: an operation that may block
// stops spinning early and parks (completed), and never yields first. Go's
// scheduler wakes a parked goroutine onto the waker's processor, so the two
// often share one: spinning or yielding there only delays the goroutine it
// waits for (measured with baton bench: yielding before parking cost bounded1
// 1.5 to 4 times more per message). Loops that wait for another goroutine to
// finish a step it has begun (snooze without completed) still yield after a
// while, so a preempted peer gets to run.
type backoff struct{ step uint32 }

const (
	spinLimit = 6 // up to 2^6 busy iterations per pause; then snooze yields
	parkAfter = 3 // an operation that may block parks after this many pauses
)

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

// completed reports that a blocking operation should park now.
func (b *backoff) completed() bool { return b.step > parkAfter }
