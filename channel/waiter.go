package channel

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A waiter is what a blocked goroutine parks on. It is claimed exactly once
// per round: by a peer that completes or enables one of the waiter's
// operations, by a disconnection, or by the owner itself when its deadline
// or context ends it (or when it finds a case ready while registering).
//
// The claim is a compare-and-swap of state from waiting to the outcome.
// Whoever wins it, unless it is the owner, sends exactly one token on wake;
// the owner receives that token before it reuses the waiter. So a waiter
// leaves a round with an empty wake channel and no entry in any queue, and
// can be pooled.
type waiter struct {
	state atomic.Uint32
	// done is set by the peer that claimed the waiter when it also completed
	// the waiter's operation on its behalf, moving the value through the
	// entry's cell, as Go's runtime does for a blocked channel operation.
	// The owner then finds its work finished and need not retry. It is
	// written before the unpark and read after it, so the wake token orders
	// the two.
	done  bool
	wake  chan struct{}
	timer *time.Timer // created on first use, stopped between rounds
}

// Outcomes of a round. Values from opBase up name the operation that was
// selected: opBase for a plain send or receive, opBase+i for case i of a
// Selector.
const (
	waiting      uint32 = iota // unclaimed
	aborted                    // claimed by the owner: deadline, context, or a ready case
	disconnected               // claimed by a disconnection
	opBase                     // claimed for an operation
)

func newWaiter() *waiter { return &waiter{wake: make(chan struct{}, 1)} }

// reset starts a new round.
func (w *waiter) reset() {
	w.state.Store(waiting)
	w.done = false
}

// parked is a waiter with the cell its value passes through: the value a
// blocked send offers, or the place a blocked receive gets its value. Each
// channel pools its own, so a blocked operation allocates nothing.
type parked[T any] struct {
	waiter
	cell T
}

type parkPool[T any] struct{ pool sync.Pool }

func (pp *parkPool[T]) get() *parked[T] {
	p, _ := pp.pool.Get().(*parked[T])
	if p == nil {
		p = &parked[T]{waiter: waiter{wake: make(chan struct{}, 1)}}
	}
	p.reset()
	return p
}

// put clears the cell, so the pool keeps no value alive, and pools p.
func (pp *parkPool[T]) put(p *parked[T]) {
	var zero T
	p.cell = zero
	pp.pool.Put(p)
}

// trySelect claims the waiter for outcome s. Only the winner may unpark it.
func (w *waiter) trySelect(s uint32) bool { return w.state.CompareAndSwap(waiting, s) }

// unpark hands the owner its token. It never blocks: there is one token per
// round and the buffer holds one.
func (w *waiter) unpark() { w.wake <- struct{}{} }

// park blocks until the waiter is claimed, w's deadline passes or its
// context ends, and returns the outcome. It consumes the wake token when a
// peer claimed the waiter, so the waiter leaves clean.
//
// It does not spin first: the caller's backoff already did, and a waiter
// that yields here lets a storm of yields through the global run queue
// build up when many goroutines block at once (see backoff).
func (w *waiter) park(wt wait) uint32 {
	if s := w.state.Load(); s != waiting { // claimed while registering
		return w.settle(s)
	}
	var timeout <-chan time.Time
	if !wt.deadline.IsZero() {
		d := time.Until(wt.deadline)
		if d <= 0 {
			return w.abort()
		}
		if w.timer == nil {
			w.timer = time.NewTimer(d)
		} else {
			w.timer.Reset(d)
		}
		timeout = w.timer.C
	}
	var done <-chan struct{}
	if wt.ctx != nil {
		done = wt.ctx.Done()
	}
	if timeout == nil && done == nil {
		<-w.wake
		return w.state.Load()
	}
	select {
	case <-w.wake:
		w.stopTimer()
		return w.state.Load()
	case <-timeout:
	case <-done:
		w.stopTimer()
	}
	return w.abort()
}

// settle finishes a round the owner found claimed: a peer's claim comes
// with a token, which must be taken; the owner's own abort does not.
func (w *waiter) settle(s uint32) uint32 {
	if s != aborted {
		<-w.wake
	}
	return s
}

// abort ends the round on the owner's side, unless a peer claimed the waiter
// first, in which case the peer's outcome stands and its token is taken.
func (w *waiter) abort() uint32 {
	if w.trySelect(aborted) {
		return aborted
	}
	<-w.wake
	return w.state.Load()
}

func (w *waiter) stopTimer() {
	if w.timer != nil {
		w.timer.Stop() // since Go 1.23, Stop leaves no stale tick in C
	}
}

// wait says how long an operation may block: not at all (the Try forms),
// until a deadline, until a context ends, or forever.
type wait struct {
	block    bool
	late     bool            // not blocking because the time limit had passed
	deadline time.Time       // zero: none
	ctx      context.Context // nil: none
}

// expired reports why the operation must stop waiting, or nil. The context
// is looked at first, so a call whose context was already done fails with
// its error.
func (wt wait) expired() error {
	if wt.ctx != nil {
		if err := wt.ctx.Err(); err != nil {
			return err
		}
	}
	if !wt.deadline.IsZero() && !time.Now().Before(wt.deadline) {
		return ErrTimeout
	}
	return nil
}

// waitEntry is a waiter registered in a queue for one operation, with the
// cell its value passes through.
type waitEntry[T any] struct {
	w    *waiter
	op   uint32
	cell *T
}

// waitQueue holds the waiters that wait for a channel to change: receivers
// waiting for a value, or senders waiting for room. A peer that changes the
// channel claims the first waiter it can, tries to complete its operation
// for it, and unparks it; a waiter whose operation was not completed
// retries.
//
// Lost wake-ups are ruled out by ordering: a waiter registers (storing
// nonEmpty) and then re-checks the channel; a peer changes the channel and
// then loads nonEmpty. Both are sequentially consistent atomics, so at least
// one of them sees the other.
type waitQueue[T any] struct {
	// nonEmpty is read by every send or receive, so it sits apart from the
	// lock and the entries, which blocked goroutines write, and it is
	// written only when it changes: a line that stays unmodified is read
	// from each core's own cache.
	nonEmpty atomic.Bool
	_        [cacheLineSize - 4]byte
	mu       sync.Mutex
	entries  []waitEntry[T]
}

// setNonEmpty records whether the queue has entries. Callers hold mu.
func (q *waitQueue[T]) setNonEmpty(v bool) {
	if q.nonEmpty.Load() != v {
		q.nonEmpty.Store(v)
	}
}

func (q *waitQueue[T]) register(w *waiter, op uint32, cell *T) {
	q.mu.Lock()
	q.entries = append(q.entries, waitEntry[T]{w, op, cell})
	q.setNonEmpty(true)
	q.mu.Unlock()
}

func (q *waitQueue[T]) unregister(w *waiter, op uint32) {
	q.mu.Lock()
	for i, e := range q.entries {
		if e.w == w && e.op == op {
			q.remove(i)
			break
		}
	}
	q.mu.Unlock()
}

// remove deletes entry i, keeping the rest in arrival order. Callers hold mu.
func (q *waitQueue[T]) remove(i int) {
	n := len(q.entries)
	copy(q.entries[i:], q.entries[i+1:])
	q.entries[n-1] = waitEntry[T]{}
	q.entries = q.entries[:n-1]
	q.setNonEmpty(n > 1)
}

// claim claims the longest-waiting waiter that can still be claimed and
// takes it off the queue. Until the caller unparks it, the caller alone may
// touch the waiter and its cell.
func (q *waitQueue[T]) claim() (waitEntry[T], bool) {
	if !q.nonEmpty.Load() {
		return waitEntry[T]{}, false
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	for i, e := range q.entries {
		if e.w.trySelect(e.op) {
			q.remove(i)
			return e, true
		}
	}
	return waitEntry[T]{}, false
}

// disconnect claims every waiter that can still be claimed and wakes it to
// find the channel disconnected. Entries stay; their owners remove them.
func (q *waitQueue[T]) disconnect() {
	q.mu.Lock()
	for _, e := range q.entries {
		if e.w.trySelect(disconnected) {
			e.w.unpark()
		}
	}
	q.mu.Unlock()
}

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

// reason says why a wait that was cut short ended: the context's error if
// it is done, otherwise the deadline.
func (wt wait) reason() error {
	if err := wt.expired(); err != nil {
		return err
	}
	return ErrTimeout
}
