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
// microseconds, where mu is held for well under one. With 10k workers
// whose 10 ms tasks end together (W1), a fifth of the CPU went there. So
// lockHot first retries for about as long as mu is held, and parks only
// after that. It retries only with more than one CPU: on one, the holder
// cannot run while it waits.
func (c *core[R]) lockHot() {
	if c.mu.TryLock() {
		return
	}
	if multiCPU {
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
	}
	c.mu.Lock()
}

// lockHot's budget: spinTries retries, spinPause loads apart (about a
// nanosecond each), some hundreds of nanoseconds in all.
const (
	spinTries = 8
	spinPause = 40
)

var multiCPU = runtime.NumCPU() > 1

// spinSink is what lockHot's pause loads, never written: a load the
// compiler cannot drop.
var spinSink atomic.Uint32
