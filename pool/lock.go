package pool

import (
	"runtime"
	"sync/atomic"
)

// lockHot takes mu on the paths every task takes: a submit, and a worker
// coming back for its next task.
//
// A sync.Mutex found held parks its caller at once whenever the caller's
// P has other goroutines ready to run, which a pool of thousands of
// workers always has; that park and the wake-up that ends it cost
// microseconds, where mu is held for well under one. Worse, a waiter that
// waited over a millisecond, as one queued behind thousands of ready
// goroutines does, turns the mutex to handing itself over waiter by
// waiter, every hand-over a wake-up: with 10k workers whose 10 ms tasks
// end together (W1), a fifth of the CPU went there. So lockHot first
// retries for about as long as mu is held; then, in a pool with many more
// workers than Ps (GOMAXPROCS), it yields its P rather than park, so that
// it never waits in the mutex's queue. In a small pool, yielding only
// spins the few goroutines there are, so it parks as sync.Mutex does. It
// retries only with more than one P: on one, the holder cannot run while
// it waits. GOMAXPROCS is read when the pool is made (c.spin, c.crowd).
func (c *core[R]) lockHot() {
	if c.mu.TryLock() {
		return
	}
	if c.spin {
		for range spinTries {
			for range spinPause {
				if spinSink.Load() != 0 {
					break
				}
			}
			if c.mu.TryLock() {
				return
			}
		}
		if c.wanted.Load() > c.crowd {
			for range yieldTries {
				runtime.Gosched()
				if c.mu.TryLock() {
					return
				}
			}
		}
	}
	c.mu.Lock()
}

// lockHot's budget: spinTries retries, spinPause loads apart (about a
// nanosecond each), some hundreds of nanoseconds in all; then, in a pool
// of more than crowd workers, yieldTries yields.
const (
	spinTries  = 8
	spinPause  = 40
	yieldTries = 64
)

// spinSink is what lockHot's pause loads, never written: a load the
// compiler cannot drop.
var spinSink atomic.Uint32
