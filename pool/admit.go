package pool

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
)

// admission serves submitters first come, first served.
//
// A baton channel parks a blocked sender without spinning, but it lets a
// newcomer's send take a slot just freed ahead of a sender that has waited
// longer, and a sender that loses that race queues again at the back. So
// only one submitter at a time, the head, talks to the channel; the others
// wait in line here, each on its own channel. A follower whose context ends
// leaves the line without disturbing it; if it was promoted in that very
// moment, it passes the role on, so nobody behind it is stranded.
//
// When the head is done it also sends, in line order, the tasks of as many
// followers as the queue has room for, and wakes each as already served
// (flat combining): while many producers wait on a busy pool, the queue is
// refilled by the goroutine already running, instead of one context switch
// per task. Only when the queue is full again is the next follower promoted
// to wait for room.
//
// In the common case, nobody waiting, taking and giving back the role is a
// compare-and-swap each.
type admission[R any] struct {
	// n counts the head plus the followers. Under mu it equals
	// 1 + len(line) - first whenever it is not zero; only the transitions
	// 0 -> 1 and 1 -> 0, with the line empty, happen without mu.
	n     atomic.Int64
	mu    sync.Mutex
	line  []*follower[R] // FIFO from first on
	first int
	free  []*follower[R] // reused, so a waiting submitter allocates nothing
}

type follower[R any] struct {
	j    job[R]
	wake chan struct{} // one token, sent with served or promoted set
	// Set under mu before the token is sent.
	served   bool // the head sent j for it: its Submit succeeded
	promoted bool // it is the head now
}

// errStopped is what acquire returns when the pool stopped taking tasks
// while the caller waited; the caller reports the pool's own reason.
var errStopped = errors.New("pool: stopped")

// acquire makes the caller the head, waiting in line if need be, or reports
// served when a head sent j on the caller's behalf meanwhile. It fails with
// ctx's error or errStopped; then the caller is neither head nor served.
func (c *core[R]) acquire(ctx context.Context, j job[R]) (served bool, err error) {
	a := &c.adm
	if a.n.CompareAndSwap(0, 1) {
		return false, nil
	}
	a.mu.Lock()
	if a.n.Add(1) == 1 {
		a.mu.Unlock()
		return false, nil
	}
	f := a.get()
	f.j = j
	if a.first > 0 && len(a.line) == cap(a.line) { // compact before growing
		n := copy(a.line, a.line[a.first:])
		clear(a.line[n:])
		a.line, a.first = a.line[:n], 0
	}
	a.line = append(a.line, f)
	a.mu.Unlock()

	select {
	case <-f.wake:
		a.mu.Lock()
		served = f.served
		a.put(f)
		a.mu.Unlock()
		return served, nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-c.stopped:
		err = errStopped
	}
	a.mu.Lock()
	served, promoted := f.served, f.promoted
	if served || promoted { // the token is on its way, or there
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
	switch {
	case served: // sent before we gave up: the task is in, and will run
		return true, nil
	case promoted:
		c.release() // pass the role on
	}
	return false, err
}

// tryAcquire makes the caller the head only if nobody holds the role or
// waits for it.
func (c *core[R]) tryAcquire() bool { return c.adm.n.CompareAndSwap(0, 1) }

// release ends the head's turn: it sends followers' tasks while the queue
// has room, then hands the role to the next follower, if any.
func (c *core[R]) release() {
	a := &c.adm
	if a.n.CompareAndSwap(1, 0) {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n.Add(-1) // the head's own count
	for a.first < len(a.line) {
		f := a.line[a.first]
		if c.tx.IsFull() || !c.sendNow(f.j) {
			break
		}
		a.pop()
		a.n.Add(-1)
		f.served = true
		f.wake <- struct{}{}
	}
	if a.first < len(a.line) {
		f := a.pop()
		f.promoted = true
		f.wake <- struct{}{}
	}
}

// sendNow sends j without waiting, as the head. It fails only if the queue
// filled up, or intake stopped.
func (c *core[R]) sendNow(j job[R]) bool {
	j.seq = c.seq
	if c.tx.TrySend(j) != nil {
		return false
	}
	c.seq++
	return true
}

// waiting is how many submitters hold or wait for the role.
func (a *admission[R]) waiting() int { return int(a.n.Load()) }

// pop takes the first follower off the line. Callers hold mu.
func (a *admission[R]) pop() *follower[R] {
	f := a.line[a.first]
	a.line[a.first] = nil
	a.first++
	a.reset()
	return f
}

// reset starts the line over at the front of its array once it is empty,
// so the array is reused instead of creeping forward. Callers hold mu.
func (a *admission[R]) reset() {
	if a.first == len(a.line) {
		a.line, a.first = a.line[:0], 0
	}
}

// get and put keep followers for reuse. Callers hold mu.
func (a *admission[R]) get() *follower[R] {
	if n := len(a.free); n > 0 {
		f := a.free[n-1]
		a.free = a.free[:n-1]
		return f
	}
	return &follower[R]{wake: make(chan struct{}, 1)}
}

func (a *admission[R]) put(f *follower[R]) {
	*f = follower[R]{wake: f.wake}
	a.free = append(a.free, f)
}
