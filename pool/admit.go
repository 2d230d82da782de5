package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// admission serves submitters first come, first served.
//
// A baton channel already parks a blocked sender without spinning, but it
// lets a newcomer's send take a slot that has just been freed ahead of a
// sender that has waited longer, and a sender that loses that race queues
// again at the back. So only one submitter at a time, the head, talks to the
// channel, with a blocking send; the others wait in line here, each on its
// own channel, and the head hands its role to the next when its send is
// done. A follower whose context ends leaves the line without disturbing
// it; if it was promoted in that very moment, it passes the role on, so
// nobody behind it is stranded.
//
// In the common case, nobody waiting, taking and giving back the role is a
// compare-and-swap each.
type admission struct {
	// n counts the head plus the followers. Under mu it equals
	// 1 + len(line) whenever it is not zero; only the transitions 0 -> 1
	// and 1 -> 0, when the line is empty, happen without mu.
	n     atomic.Int64
	mu    sync.Mutex
	line  []*follower // FIFO from first on; reused from the start once empty
	first int
	free  []*follower // reused, so a waiting submitter allocates nothing
}

type follower struct {
	promoted bool          // set under mu when it became head
	wake     chan struct{} // one token, sent with promoted
}

// errStopped is what acquire returns when the pool stopped taking tasks
// while the caller waited; the caller reports the pool's own reason.
var errStopped = errors.New("pool: stopped")

// acquire makes the caller the head, waiting in line if need be. It fails
// with ctx's error or errStopped; then the caller is not the head.
func (a *admission) acquire(ctx context.Context, stopped <-chan struct{}) error {
	if a.n.CompareAndSwap(0, 1) {
		return nil
	}
	a.mu.Lock()
	if a.n.Add(1) == 1 {
		a.mu.Unlock()
		return nil
	}
	f := a.get()
	if a.first > 0 && len(a.line) == cap(a.line) { // compact before growing
		n := copy(a.line, a.line[a.first:])
		clear(a.line[n:])
		a.line, a.first = a.line[:n], 0
	}
	a.line = append(a.line, f)
	a.mu.Unlock()

	var err error
	select {
	case <-f.wake:
		a.mu.Lock()
		a.put(f)
		a.mu.Unlock()
		return nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-stopped:
		err = errStopped
	}
	a.mu.Lock()
	promoted := f.promoted
	if promoted { // promoted as we gave up: pass the role on below
		<-f.wake
	} else {
		for i := a.first; i < len(a.line); i++ {
			if a.line[i] == f {
				copy(a.line[i:], a.line[i+1:])
				a.line[len(a.line)-1] = nil
				a.line = a.line[:len(a.line)-1]
				break
			}
		}
		a.reset()
		a.n.Add(-1)
	}
	a.put(f)
	a.mu.Unlock()
	if promoted {
		a.release()
	}
	return err
}

// tryAcquire makes the caller the head only if nobody holds the role or
// waits for it.
func (a *admission) tryAcquire() bool { return a.n.CompareAndSwap(0, 1) }

// release gives the role to the longest-waiting follower, if any.
func (a *admission) release() {
	if a.n.CompareAndSwap(1, 0) {
		return
	}
	a.mu.Lock()
	a.n.Add(-1)
	f := a.line[a.first]
	a.line[a.first] = nil
	a.first++
	a.reset()
	f.promoted = true
	f.wake <- struct{}{}
	a.mu.Unlock()
}

// waiting is how many submitters hold or wait for the role.
func (a *admission) waiting() int { return int(a.n.Load()) }

// reset starts the line over at the front of its array once it is empty,
// so the array is reused instead of creeping forward. Callers hold mu.
func (a *admission) reset() {
	if a.first == len(a.line) {
		a.line, a.first = a.line[:0], 0
	}
}

// get and put keep followers for reuse. Callers hold mu.
func (a *admission) get() *follower {
	if n := len(a.free); n > 0 {
		f := a.free[n-1]
		a.free = a.free[:n-1]
		return f
	}
	return &follower{wake: make(chan struct{}, 1)}
}

func (a *admission) put(f *follower) {
	f.promoted = false
	a.free = append(a.free, f)
}
