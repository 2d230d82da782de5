package pool

import (
	"context"
	"runtime/debug"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/task"
)

// worker is one of a pool's goroutines, or the struct of one that exited,
// kept for the next. Its fields are under the core's mu unless said
// otherwise.
type worker[R any] struct {
	wake chan struct{} // a parked worker's token: next and ob are set, or quit
	next job[R]        // its next task, when has
	ob   *observer     // the observer when next was handed to it
	has  bool
	quit bool          // leave instead of taking a task
	idx  int           // in the core's all
	num  int           // its number, for pprof labels, Running and its tag
	room chan struct{} // a Results' worker waits here for room in the window

	// Its goroutine's own, outside mu.
	labelled *observer // the observer whose labels the goroutine carries

	// took is 1 + the number of the task it took last while an observer
	// was attached, or 0 before: stored by the goroutine as it takes an
	// observed task, never cleared, and read without a lock by Running.
	// Unobserved, a worker writes nothing to its struct per task: with
	// thousands of workers the struct is out of the cache, and the store
	// was a miss per task (W1's profile: a tenth of its time).
	took atomic.Uint64
	// out says it is between tasks for a while: parked, leaving or gone,
	// or its task ended in runtime.Goexit. It is set and cleared around
	// those, never per task, and tells Running to skip the worker.
	out atomic.Bool
	// left is set by a goroutine that was let go, once it no longer
	// touches the struct: it may then be reused.
	left atomic.Bool

	// Running's own, under the core's runMu: when it first saw took.
	seen   uint64
	seenAt time.Time

	// Also its goroutine's own: what owned tasks (owned.go) need.
	on    onGoroutine     // the owners whose tasks the goroutine runs now
	onCtx context.Context // the pool's context, carrying on: what owned tasks run with

	// Workers are allocated side by side in slabs; this keeps the fields
	// one writes on every task off the cache line of its neighbour's.
	_ [64]byte
}

// slabLen is how many worker structs are allocated at once, at most.
const slabLen = 64

// How a task ended, for the tallies.
type outcome uint8

const (
	none outcome = iota // no task yet
	succeeded
	failed // an error, or runtime.Goexit
	panicked
	cancelled // dropped unrun: the pool was aborted
	skipped   // an owned task its owner dropped unrun (see owned.go)
)

// newWorker makes a worker for a goroutine about to start, reusing an
// exited one's struct when there is one. Callers hold mu.
func (c *core[R]) newWorker() *worker[R] {
	var w *worker[R]
	if n := len(c.spare); n > 0 {
		w = c.spare[n-1]
		c.spare[n-1] = nil
		c.spare = c.spare[:n-1]
	} else if w = c.reclaim(); w == nil {
		if len(c.slab) == 0 {
			// Workers are allocated in slabs, not one by one under mu:
			// a thousand workers starting at once are a handful of
			// allocations, not a thousand.
			c.slab = make([]worker[R], min(max(c.target, 1), slabLen))
			c.register(c.slab)
		}
		w = &c.slab[0]
		c.slab = c.slab[1:]
	}
	w.quit = false
	w.idx = len(c.all)
	c.all = append(c.all, w)
	c.live++
	c.alive.Add(1)
	return w
}

// work is a worker's loop: account for the task it ran, take the next, run
// it, until intake stopped and the queue is drained, or Resize retires it.
//
// A task that calls runtime.Goexit ends the goroutine whatever anyone does;
// the deferred function then records ErrGoexit and starts a goroutine that
// takes the worker's place (goexited), so the pool keeps its size.
//
// t, c.tag(w), is never read here: it is in the frame for a stack trace of
// the goroutine to show (see inside.go), which work, never inlined, keeps
// at the bottom of the goroutine's stack for its whole life.
//
//go:noinline
func (c *core[R]) work(t workerTag, w *worker[R], goexited bool) {
	if w.wake == nil { // made here, not by the starter under mu
		w.wake = make(chan struct{}, 1)
		if c.out != nil {
			w.room = make(chan struct{}, 1)
		}
	}
	res := none
	if goexited {
		res = failed
	} else {
		// The goroutine inherited its starter's labels, not a worker's.
		w.labelled = nil
	}
	// What the loop needs of the task in hand lives on this goroutine's
	// stack, not in w: with thousands of workers each waking from a long
	// task, w is out of the cache, and a load from it is a miss (W1's
	// profile showed one per task). Unobserved, a task writes nothing to
	// w either (see took).
	h := hand{labelled: w.labelled, out: w.out.Load()}
	finished := false
	defer func() {
		if finished {
			return
		}
		w.out.Store(true)
		if c.out != nil && !h.owned {
			var zero R
			c.out.put(h.slot, zero, task.ErrGoexit)
		}
		if !h.owned { // an owner keeps its tasks' errors, a Goexit too
			c.failure(task.ErrGoexit, c.out == nil)
		}
		w.on.owners = w.on.owners[:0]
		go c.work(t, w, true)
	}()
	if w.has {
		// The first task, handed over (its place in busy taken) before
		// the goroutine started: taken without mu, so no critical section
		// waits on this struct's cold cache line.
		j, ob := w.next, w.ob
		w.next, w.ob, w.has = job[R]{}, nil, false
		res = c.run(w, &h, j, ob)
	}
	for {
		c.lockHot()
		j, ob, ok := c.next(w, &h, res)
		if !ok {
			finished = true
			return
		}
		res = c.run(w, &h, j, ob)
	}
}

// account tallies how the worker's last task ended, res, if it had one.
// A worker that goes on to take another task keeps its place in busy; one
// that parks or leaves (keep false) is marked out for Running, then gives
// its place up, so that a reader who sees the task counted as ended (see
// stats.go) no longer sees it in Running. Success, the common case, is not
// counted here: Stats derives it. Callers hold mu.
func (c *core[R]) account(w *worker[R], res outcome, keep bool) {
	// The tally first: Stats counts a task as ended once its worker's
	// place is given up, so the tally must be in by then.
	if res != none && res != succeeded {
		c.tallies[res].Add(1)
	}
	if keep {
		return
	}
	if !w.out.Load() {
		w.out.Store(true)
	}
	if res != none {
		c.busy.Add(-1)
	}
}

// next tallies the worker's last task, res, and takes its next, parking it
// while there is none. It is called with mu held and returns with mu
// released; ok is false when the worker must exit, which it has then done.
func (c *core[R]) next(w *worker[R], h *hand, res outcome) (j job[R], ob *observer, ok bool) {
	var toWake *waiter[R] // a submitter served, to wake once mu is released
	had := res != none    // it holds a place in busy
	switch {
	case c.live > c.target: // a surplus worker: Resize shrank the pool
		c.account(w, res, false)
		c.live--
		c.exit(w)
		return j, nil, false
	case c.count > 0:
		c.account(w, res, true)
		j = c.pop()
		if !had {
			c.busy.Add(1)
		}
		c.take()
		if c.first < len(c.line) { // one popped, so one fits
			toWake = c.serveOne()
		}
	case c.first < len(c.line): // a hand-off queue: take the first waiter's task
		c.account(w, res, true)
		wt := c.popLine()
		j = wt.j
		c.stamp(&j)
		c.number(&j)
		if !had {
			c.busy.Add(1)
		}
		c.take()
		wt.fate = served
		toWake = wt
	case c.stopped: // drained
		c.account(w, res, false)
		c.live--
		c.exit(w)
		return j, nil, false
	default:
		c.account(w, res, false)
		h.out = true
		c.idle = append(c.idle, w)
		c.mu.Unlock()
		<-w.wake
		// Whoever sent the token set the fields under mu before it, and
		// nobody else touches them: they are ours without the lock.
		if w.quit {
			w.left.Store(true) // the struct is free from here
			c.gone()
			return j, nil, false
		}
		j, ob = w.next, w.ob
		w.next, w.ob, w.has = job[R]{}, nil, false
		return j, ob, true
	}
	ob = c.obs.Load()
	c.mu.Unlock()
	if toWake != nil {
		toWake.wake <- struct{}{}
	}
	return j, ob, true
}

// exit is the last act of a worker leaving by itself, with mu held; it
// releases mu. Its struct is kept for the next worker: the goroutine
// touches nothing of it any more.
func (c *core[R]) exit(w *worker[R]) {
	c.remove(w)
	c.spare = append(c.spare, w)
	c.mu.Unlock()
	c.gone()
}

// letGo tells a parked worker to leave. Its struct waits in limbo until
// its goroutine has taken the token and left. Callers hold mu.
func (c *core[R]) letGo(w *worker[R]) {
	c.remove(w)
	c.limbo = append(c.limbo, w)
	w.quit = true
	w.wake <- struct{}{}
}

// reclaim returns a struct from limbo whose goroutine has left, or nil,
// moving the others that have to spare. Callers hold mu.
func (c *core[R]) reclaim() *worker[R] {
	kept := c.limbo[:0]
	for _, w := range c.limbo {
		if w.left.Load() {
			w.left.Store(false)
			c.spare = append(c.spare, w)
		} else {
			kept = append(kept, w)
		}
	}
	clear(c.limbo[len(kept):])
	c.limbo = kept
	n := len(c.spare)
	if n == 0 {
		return nil
	}
	w := c.spare[n-1]
	c.spare[n-1] = nil
	c.spare = c.spare[:n-1]
	return w
}

// register adds a new slab's structs to the list Running reads, and
// numbers them: a struct keeps its number, and the pprof label made of
// it, for the pool's life. Callers hold mu.
func (c *core[R]) register(slab []worker[R]) {
	var list []*worker[R]
	if p := c.structs.Load(); p != nil {
		list = *p
	}
	// Appending past the end a reader holds is safe: it reads only up to
	// its own length.
	for i := range slab {
		slab[i].num = c.nums
		c.nums++
		list = append(list, &slab[i])
	}
	c.structs.Store(&list)
}

// remove takes w out of the live workers. Callers hold mu.
func (c *core[R]) remove(w *worker[R]) {
	last := len(c.all) - 1
	c.all[w.idx] = c.all[last]
	c.all[w.idx].idx = w.idx
	c.all[last] = nil
	c.all = c.all[:last]
	if c.inside > 0 && len(c.all) <= c.inside {
		// A Close from inside a task waits for the others only; nobody
		// else needs to hear of each exit, so a large pool's Close is not
		// woken once per worker.
		c.notify()
	}
}

// gone is a worker goroutine's very last act, without mu. The last one
// out, once intake stopped, finishes the pool: only a stopped intake lets
// the last worker leave, as Resize never retires them all.
func (c *core[R]) gone() {
	if c.alive.Add(-1) == 0 {
		c.mu.Lock()
		if c.stopped && !c.done {
			c.finish()
		}
		c.mu.Unlock()
	}
}

// hand is what a worker goroutine keeps of the task in hand, and its
// copies of w's fields that only the goroutine itself writes.
type hand struct {
	slot     uint64    // its window slot, for a Goexit in a Results' task
	owned    bool      // it is owned: its Goexit is its owner's business
	labelled *observer // w.labelled
	out      bool      // w.out
}

// run runs one task, unless the pool was aborted.
func (c *core[R]) run(w *worker[R], h *hand, j job[R], ob *observer) outcome {
	h.slot, h.owned = j.slot, j.dropped != nil
	if ob != nil {
		w.took.Store(j.seq + 1)
	}
	if h.out {
		w.out.Store(false)
		h.out = false
	}
	if c.ctx.Err() != nil {
		// Aborted: queued tasks are dropped, never run. A Results still
		// owes the reader a result for each of its own (an owned task
		// has no place in the window: its owner hears of it instead).
		if c.out != nil && j.dropped == nil {
			c.out.cancelled(w, j.slot, c.ctx)
		}
		if j.dropped != nil {
			j.dropped()
		}
		return cancelled
	}
	if ob != h.labelled {
		w.relabel(ob)
		h.labelled = ob
	}
	var start int64
	if ob != nil && j.at != 0 { // a sampled task (see SampleEvery)
		start = max(now(), 1)
	}
	var err error
	var didPanic bool
	if j.dropped != nil {
		err, didPanic = call(w.ownedCtx(c.ctx), j.run)
	} else if j.run != nil {
		err, didPanic = call(c.ctx, j.run)
	} else {
		var ran bool
		if didPanic, ran, err = c.out.exec(w, c.ctx, j); !ran {
			return cancelled
		}
	}
	if start != 0 {
		ob.report(j.at, start)
	}
	switch {
	case err == nil:
		return succeeded
	// An owned task's owner keeps its error, so a shared pool does not
	// pile up every group's errors, and a group's failure does not stop a
	// WithFailFast pool: the pool only counts how it ended.
	case err == errOwnedFailed:
		return failed
	case err == errOwnedPanicked:
		return panicked
	case err == errOwnedSkipped:
		return skipped
	case didPanic:
		c.failure(err, c.out == nil)
		return panicked
	}
	c.failure(err, c.out == nil)
	return failed
}

// relabel gives the goroutine the pprof labels of ob, or none if ob is
// nil: the observer was detached or replaced since its last task.
func (w *worker[R]) relabel(ob *observer) {
	if ob == nil {
		pprof.SetGoroutineLabels(context.Background())
	} else {
		pprof.SetGoroutineLabels(ob.labelsFor(w.num))
	}
	w.labelled = ob
}

// call runs fn, turning a panic into a *task.PanicError. On runtime.Goexit
// it never returns; the worker's deferred function takes over.
func call(ctx context.Context, fn func(context.Context) error) (err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			err, panicked = &task.PanicError{Value: recover(), Stack: debug.Stack()}, true
		}
	}()
	err = fn(ctx)
	normal = true
	return err, false
}

// callGet is call for a Results' task.
func callGet[R any](ctx context.Context, fn func(context.Context) (R, error)) (v R, err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			var zero R
			v, err, panicked = zero, &task.PanicError{Value: recover(), Stack: debug.Stack()}, true
		}
	}()
	v, err = fn(ctx)
	normal = true
	return v, err, false
}
