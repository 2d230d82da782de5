package suite

import (
	"runtime"
	"time"

	"github.com/baton-go/baton/bench/peers"
)

// idleSettle is how long the blocked receiver is given to reach its parked
// state (after any spinning) before the window opens.
const idleSettle = 20 * time.Millisecond

// SpinLimit is the share of the window above which an idle receiver is
// judged to be spinning rather than parked.
const SpinLimit = 0.10

// SpinFloor is the CPU time below which an idle receiver is never judged to
// be spinning, whatever the share: in a window of a few milliseconds, the
// runtime's own background work would otherwise look like spinning.
const SpinFloor = 5 * time.Millisecond

// measureIdle blocks one goroutine in Recv on an empty queue of impl, lets
// it settle, and returns the CPU time the whole process used during window
// while the calling goroutine sleeps. A parked receiver costs about
// nothing; a spinning one costs up to a core.
func measureIdle(impl peers.Impl, capacity, messages int, window time.Duration) sample {
	runtime.GC()
	q := impl.New(capacity, messages)
	done := make(chan struct{})
	go func() {
		defer close(done)
		q.Recv()
	}()
	time.Sleep(idleSettle)
	before, ok1 := cpuTime()
	time.Sleep(window)
	after, ok2 := cpuTime()
	q.Send(1) // release the receiver
	<-done
	q.Close()
	if !ok1 || !ok2 {
		return sample{ns: -1, window: window.Nanoseconds()}
	}
	return sample{ns: (after - before).Nanoseconds(), window: window.Nanoseconds()}
}
