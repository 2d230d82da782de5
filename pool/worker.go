package pool

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"sync"
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
	num  int           // its number, for pprof labels and Running
	gid  atomic.Uint64 // its goroutine's id: lets Close see it is called from a task
	room chan struct{} // a Results' worker waits here for room in the window

	// Its goroutine's own, outside mu.
	labelled *observer // the observer whose labels the goroutine carries
	obsMu    sync.Mutex
	obsOn    bool // running an observed task; under obsMu
	obsSeq   uint64
	obsStart int64

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
	} else {
		if len(c.slab) == 0 {
			// Workers are allocated in slabs, not one by one under mu:
			// a thousand workers starting at once are a handful of
			// allocations, not a thousand.
			c.slab = make([]worker[R], min(max(c.target, 1), slabLen))
		}
		w = &c.slab[0]
		c.slab = c.slab[1:]
		w.num = c.nums
		if n := len(c.free); n > 0 {
			w.num = c.free[n-1]
			c.free = c.free[:n-1]
		} else {
			c.nums++
		}
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
func (c *core[R]) work(w *worker[R], goexited bool) {
	w.gid.Store(goid())
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
	// task, w is out of the cache, and touching it on every task costs a
	// miss (W1's profile showed it).
	h := hand{labelled: w.labelled}
	finished := false
	defer func() {
		if finished {
			return
		}
		w.obsMu.Lock()
		w.obsOn = false
		w.obsMu.Unlock()
		if c.out != nil {
			var zero R
			c.out.put(h.seq, zero, task.ErrGoexit)
		}
		if !h.owned { // an owner keeps its tasks' errors, a Goexit too
			c.failure(task.ErrGoexit, c.out == nil)
		}
		w.on.owners = w.on.owners[:0]
		w.labelled = h.labelled // the new goroutine inherits this one's labels
		go c.work(w, true)
	}()
	if w.has {
		// The first task, handed over before the goroutine started: taken
		// without mu, so the critical sections never wait on this
		// struct's cold cache line.
		j, ob := w.next, w.ob
		w.next, w.ob, w.has = job[R]{}, nil, false
		res = c.run(w, &h, j, ob)
	}
	for {
		c.mu.Lock()
		c.account(res)
		j, ob, ok := c.next(w)
		if !ok {
			finished = true
			return
		}
		res = c.run(w, &h, j, ob)
	}
}

// account tallies how the worker's last task ended. Callers hold mu.
func (c *core[R]) account(res outcome) {
	if res == none {
		return
	}
	c.busy--
	switch res {
	case succeeded:
		c.totals.succeeded++
	case failed:
		c.totals.failed++
	case panicked:
		c.totals.panicked++
	case cancelled:
		c.totals.cancelled++
	case skipped:
		c.totals.skipped++
	}
}

// next takes the worker's next task, parking it while there is none. It is
// called with mu held and returns with mu released; ok is false when the
// worker must exit, which it has then done.
func (c *core[R]) next(w *worker[R]) (j job[R], ob *observer, ok bool) {
	var toWake *waiter[R] // a submitter served, to wake once mu is released
	switch {
	case c.live > c.target: // a surplus worker: Resize shrank the pool
		c.live--
		c.exit(w)
		return j, nil, false
	case c.count > 0:
		j = c.pop()
		c.busy++
		if c.first < len(c.line) { // one popped, so one fits
			toWake = c.serveOne()
		}
	case c.first < len(c.line): // a hand-off queue: take the first waiter's task
		wt := c.popLine()
		j = wt.j
		j.seq = c.seq
		c.seq++
		c.busy++
		wt.fate = served
		toWake = wt
	case c.stopped: // drained
		c.live--
		c.exit(w)
		return j, nil, false
	default:
		c.idle = append(c.idle, w)
		c.mu.Unlock()
		<-w.wake
		// Whoever sent the token set the fields under mu before it, and
		// nobody else touches them: they are ours without the lock.
		if w.quit {
			c.gone()
			return j, nil, false
		}
		j, ob = w.next, w.ob
		w.next, w.ob, w.has = job[R]{}, nil, false
		return j, ob, true
	}
	ob = c.obs
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

// letGo tells a parked worker to leave. Its struct is dropped, not kept:
// its goroutine may not have taken the token yet. Callers hold mu.
func (c *core[R]) letGo(w *worker[R]) {
	c.remove(w)
	c.free = append(c.free, w.num)
	w.quit = true
	w.wake <- struct{}{}
}

// remove takes w out of the live workers. Callers hold mu.
func (c *core[R]) remove(w *worker[R]) {
	last := len(c.all) - 1
	c.all[w.idx] = c.all[last]
	c.all[w.idx].idx = w.idx
	c.all[last] = nil
	c.all = c.all[:last]
	w.gid.Store(0)
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

// hand is what a worker goroutine keeps of the task in hand.
type hand struct {
	seq      uint64    // its number, for a Goexit
	owned    bool      // it is owned: its Goexit is its owner's business
	labelled *observer // w.labelled, read without touching w
}

// run runs one task, unless the pool was aborted.
func (c *core[R]) run(w *worker[R], h *hand, j job[R], ob *observer) outcome {
	h.seq, h.owned = j.seq, j.dropped != nil
	if c.ctx.Err() != nil {
		// Aborted: queued tasks are dropped, never run. A Results still
		// owes the reader a result for each.
		if c.out != nil {
			c.out.cancelled(w, j.seq, c.ctx)
		}
		if j.dropped != nil {
			j.dropped()
		}
		return cancelled
	}
	var start int64
	if ob != nil || h.labelled != nil {
		start = w.observeStart(ob, j.seq)
		h.labelled = ob
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
			if ob != nil {
				w.observeEnd(nil, 0, 0)
			}
			return cancelled
		}
	}
	if ob != nil {
		w.observeEnd(ob, j.at, start)
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

// observeStart labels the goroutine for ob (or removes the labels of an
// observer that was detached) and records the task as running.
func (w *worker[R]) observeStart(ob *observer, seq uint64) int64 {
	if ob != w.labelled {
		if ob == nil {
			pprof.SetGoroutineLabels(context.Background())
		} else {
			pprof.SetGoroutineLabels(ob.labelsFor(w.num))
		}
		w.labelled = ob
	}
	if ob == nil {
		return 0
	}
	start := now()
	w.obsMu.Lock()
	w.obsOn, w.obsSeq, w.obsStart = true, seq, start
	w.obsMu.Unlock()
	return start
}

// observeEnd reports the task that was accepted at at and started at start
// to ob, if not nil, and ends its listing in Running.
func (w *worker[R]) observeEnd(ob *observer, at, start int64) {
	end := now()
	w.obsMu.Lock()
	w.obsOn = false
	w.obsMu.Unlock()
	if ob == nil {
		return
	}
	waited := time.Duration(0)
	if at != 0 && start > at {
		waited = time.Duration(start - at)
	}
	ob.o.TaskDone(waited, time.Duration(end-start))
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

// goid returns the calling goroutine's id, read from the first line of its
// stack trace ("goroutine 42 [running]:"). Go offers no other way to ask
// "am I one of this pool's workers?", which Close must know to avoid
// waiting for itself. It costs about a microsecond, paid once per worker
// goroutine start (workers park when idle, so that is rare) and once per
// Close, never per task. Its 64-byte buffer escapes to the heap: a
// sync.Pool of buffers was tried, and many workers starting at once queued
// on the pool's own lock.
func goid() uint64 {
	var buf [64]byte
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	var id uint64
	for _, d := range b {
		if d < '0' || d > '9' {
			break
		}
		id = id*10 + uint64(d-'0')
	}
	return id // 0, never a goroutine's id, if the format ever changes
}
