package pool

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/baton-go/baton/internal/errjoin"
)

// job is what the queue holds: a Pool's task (run) or a Results' task
// (get), with its number in acceptance order and, when an observer was
// attached, the time it was accepted.
type job[R any] struct {
	seq uint64
	// slot, for a Results' own task (get), is its place in the reorder
	// window: numbered apart from seq because the tasks of a group on a
	// Results are owned (run) and take no place in the window.
	slot uint64
	at   int64
	run  func(context.Context) error
	get  func(context.Context) (R, error)
	// dropped, for a task owned by a Group or a Subpool, is called instead
	// of run when the pool drops the task unrun, so its owner stops
	// waiting for it (see owned.go).
	dropped func()
}

// core is the machinery shared by Pool and Results. R is a Results' result
// type; a Pool uses struct{}.
//
// Everything a task passes through is guarded by one mutex, mu: the
// queue, a ring of jobs; the workers, started on demand up to the target
// and parked when there is nothing to do; and the line of submitters
// waiting for room. A submit takes mu once and, in the common case, only
// puts its job in the ring; a worker takes mu once per task, to account
// for the task it ran and take the next. A worker that finds the queue
// empty parks, and a submit wakes it only if no worker is awake to take
// the job, so while the workers keep up, a task costs two short critical
// sections and no hand-off at all.
//
// The invariants that make this safe: a job goes into the ring only when
// every live worker is busy (none parked, none to be started), a worker
// parks only when the ring is empty, and a submitter waits in line only
// when the ring is full, or it is a hand-off queue (WithQueue(0)) and no
// worker is free.
//
// Stats and Running take no lock a worker takes: what they read is also
// kept in atomics, written under mu, and each worker publishes the
// number of the task it took in one of its own (see stats.go).
type core[R any] struct {
	// What a submit and a worker write for every task is on mu's cache
	// line, and nothing else is: the two pass mu to each other for every
	// task, and with it, this one line (W1's profile: a line more was a
	// miss more in every critical section, each making the other side
	// wait longer for mu).
	mu sync.Mutex
	// The queue: count jobs from head, in a ring that grows by doubling
	// up to qcap, so a pool that never fills its queue never pays for it.
	// A plain task, the common case, is one word in runs; a job that has
	// more than its run (see plain) has a nil there, if runs was made, and
	// is whole in rich. Each is made the first time it is needed (a Results
	// only ever queues rich jobs). See push.
	runs        []func(context.Context) error
	head, count int
	// seq is the next accepted task's number, so also the count of
	// tasks accepted, and taken the count of tasks taken by a worker
	// (handed to one, or popped): written under mu, and read without it
	// by Stats. Kept beside mu, they cost no miss; a count in each
	// worker's struct did, one per task, with thousands of workers (W1).
	seq   atomic.Uint64
	taken atomic.Uint64

	rich []job[R]
	size int // of the ring: len(runs), len(rich), when made
	qcap int
	// slots numbers the tasks that yield to a Results' window (see
	// job.slot). Guarded by mu.
	slots uint64

	// The workers. live counts those that may take another task: busy
	// ones and parked ones. all holds every worker goroutine that has not
	// exited yet, including those told to leave.
	target int
	live   int
	idle   []*worker[R] // parked; the last one parked is woken first
	all    []*worker[R]
	spare  []*worker[R] // the structs of exited workers, reused
	limbo  []*worker[R] // the structs of workers let go, reused once they left
	slab   []worker[R]  // allocated, not yet used
	nums   int          // worker numbers handed out: one per struct, for good
	// alive counts worker goroutines that have not finished: a worker
	// leaves all when it is let go, under mu, and ends alive on its way
	// out, without mu, so the end of a large pool is not a crowd of
	// goroutines queueing for the lock. The last one out finishes.
	alive atomic.Int64

	// The line of submitters waiting for room, FIFO from first.
	line    []*waiter[R]
	first   int
	waiters sync.Pool // of *waiter[R], for reuse

	stopped bool  // intake stopped: Close, Shutdown, WithContext's end, fail fast
	stopErr error // why, for the refused
	done    bool  // every worker has exited after intake stopped
	changed chan struct{}
	watched bool // someone waits on changed: replace it at the next exit
	inside  int  // Close and Shutdown calls waiting from inside a task
	result  error
	cause   error // why tasks were cancelled, for the result; nil for fail fast

	// What Stats reads besides seq, written under mu but not per task
	// (see stats.go), and what Stats and Running keep for themselves; on
	// cache lines of their own, away from those read for every task.
	_       [64]byte
	busy    atomic.Int64 // workers in a task, or handed one
	tallies [skipped + 1]atomic.Int64
	waiting atomic.Int64 // submitters in line
	wanted  atomic.Int64 // workers wanted: target, or 0 once done
	floor   floor        // Stats' own: the largest Succeeded it returned
	// structs lists every worker struct ever allocated, for Stats and
	// Running, which read it without mu: appended to under mu, never
	// shrunk (structs are reused, never dropped).
	structs atomic.Pointer[[]*worker[R]]
	runMu   sync.Mutex // Running's own: no worker takes it
	_       [64]byte

	// The attached observer, read for every task: by the worker in obs,
	// by the submitter in observed, a plain field under mu, cheaper to
	// test than an atomic. Both change only in Observe.
	obs      atomic.Pointer[observer]
	observed bool

	// Set in New, then only read.
	id       uintptr         // the pool's, in its workers' tags (see inside.go)
	ctx      context.Context // every task's; cancelled to abort
	cancel   context.CancelCauseFunc
	failFast bool
	out      resultSink[R] // a Results' reorder window; nil for a Pool
	// lockHot's policy, from GOMAXPROCS when the pool was made: retry mu
	// before parking only if goroutines run in parallel, and yield rather
	// than park beyond crowd workers.
	spin  bool
	crowd int64
	// The parent context's watch, when WithContext gave one that can end.
	stopWatch func() bool
	watchDone chan struct{}
	watchOnce sync.Once

	rejected atomic.Int64

	errMu sync.Mutex
	errs  []error
}

// waiter is a submitter waiting in line. Its fate is set under mu before
// the one token is sent on wake.
type waiter[R any] struct {
	j    job[R]
	wake chan struct{}
	fate int
	err  error // why it was refused
}

const (
	waiting = iota
	served  // its job was accepted on its behalf
	refused // intake stopped
)

func newCore[R any](workers int, cfg config, out resultSink[R]) *core[R] {
	if workers < 1 {
		panic("pool: workers < 1 passed to New")
	}
	c := &core[R]{
		qcap:     cfg.queue,
		failFast: cfg.failFast,
		out:      out,
		changed:  make(chan struct{}),
		target:   workers,
		id:       coreIDs.Add(1),
	}
	procs := runtime.GOMAXPROCS(0)
	c.spin, c.crowd = procs > 1, int64(16*procs)
	c.wanted.Store(int64(workers))
	c.ctx, c.cancel = context.WithCancelCause(cfg.ctx)
	if cfg.ctx.Done() != nil {
		parent := cfg.ctx
		c.watchDone = make(chan struct{})
		c.stopWatch = context.AfterFunc(parent, func() {
			defer close(c.watchDone)
			cause := context.Cause(parent)
			c.stopIntake(fmt.Errorf("%w: context ended: %w", ErrClosed, cause))
			c.mu.Lock()
			if c.cause == nil {
				c.cause = fmt.Errorf("context ended: %w", cause)
			}
			c.mu.Unlock()
		})
	}
	return c
}

// refusedLocked says why a submit must fail now, or nil. Callers hold mu.
func (c *core[R]) refusedLocked() error {
	if c.stopped {
		return c.stopErr
	}
	if c.ctx.Err() != nil { // the parent ended; its watch is on its way
		return fmt.Errorf("%w: context ended: %w", ErrClosed, context.Cause(c.ctx))
	}
	return nil
}

// place accepts j if it can without waiting: a parked worker takes it, a
// new worker is started for it, or it goes in the ring. It returns the
// worker to wake or start, if any. Callers hold mu and have checked that
// nobody waits in line.
func (c *core[R]) place(j job[R]) (w *worker[R], start, ok bool) {
	switch {
	case len(c.idle) > 0:
		w = c.idle[len(c.idle)-1]
		c.idle[len(c.idle)-1] = nil
		c.idle = c.idle[:len(c.idle)-1]
	case c.live < c.target:
		w = c.newWorker()
		start = true
	case c.count < c.qcap:
		c.push(j)
		return nil, false, true
	default:
		return nil, false, false
	}
	c.number(&j)
	c.busy.Add(1)
	c.take()
	w.next, w.ob, w.has = j, c.obs.Load(), true
	return w, start, true
}

// push puts j at the tail of the ring, numbering it. Callers hold mu and
// have checked that the ring has room.
//
// The ring is written by the submitter and read by the worker inside
// their critical sections, long after (a ring of 10k workers' queue is
// 20k jobs): each slot they touch is out of the cache, and every miss
// lengthens the time mu is held, for everyone. A job is six words, and
// padding it to eleven made W1 a fifth slower; so a plain task is queued
// as its run alone, one word, eight to a cache line, and its number is
// not stored at all: tasks are taken in the order they were accepted (a
// job is queued only while no worker is free, and a task handed to a
// worker at once is taken as it is numbered), so a queued task's number
// is the count of tasks taken before it (see pop).
func (c *core[R]) push(j job[R]) {
	if c.count == c.size {
		c.grow()
	}
	i := c.head + c.count
	if i >= c.size {
		i -= c.size
	}
	c.number(&j)
	if j.plain() {
		if c.runs == nil {
			c.runs = make([]func(context.Context) error, c.size)
		}
		c.runs[i] = j.run
	} else {
		if c.rich == nil {
			c.rich = make([]job[R], c.size)
		}
		c.rich[i] = j
	}
	c.count++
}

// plain reports whether the job is a Pool's own task, unsampled: all there
// is of it is its run and its number.
func (j *job[R]) plain() bool {
	return j.run != nil && j.dropped == nil && j.at == 0 && j.get == nil
}

func (c *core[R]) grow() {
	n := min(max(2*c.size, 16), c.qcap)
	if c.runs != nil {
		runs := make([]func(context.Context) error, n)
		k := copy(runs, c.runs[c.head:])
		copy(runs[k:], c.runs[:c.head])
		c.runs = runs
	}
	if c.rich != nil {
		rich := make([]job[R], n)
		k := copy(rich, c.rich[c.head:])
		copy(rich[k:], c.rich[:c.head])
		c.rich = rich
	}
	c.size, c.head = n, 0
}

// pop takes the job at the head of the ring. Callers hold mu, and call it
// before they count the job taken (see push).
func (c *core[R]) pop() (j job[R]) {
	if c.runs != nil && c.runs[c.head] != nil {
		j.run, j.seq = c.runs[c.head], c.taken.Load()
		c.runs[c.head] = nil // let the closure go
	} else {
		j = c.rich[c.head]
		c.rich[c.head] = job[R]{}
	}
	c.head++
	if c.head == c.size {
		c.head = 0
	}
	c.count--
	return j
}

// wakeOrStart hands a worker its job, after mu is released.
func (c *core[R]) wakeOrStart(w *worker[R], start bool) {
	if start {
		go c.work(c.tag(w), w, false)
	} else {
		w.wake <- struct{}{}
	}
}

func (c *core[R]) submit(ctx context.Context, j job[R]) error {
	if ctx.Err() != nil {
		c.rejected.Add(1)
		return gaveUp(ctx)
	}
	c.lockHot()
	if err := c.refusedLocked(); err != nil {
		c.mu.Unlock()
		c.rejected.Add(1)
		return err
	}
	if c.observed { // as stamp does: the task is numbered seq if placed
		j.at = c.obs.Load().stamp(c.seq.Load())
	}
	if c.first == len(c.line) {
		if w, start, ok := c.place(j); ok {
			c.mu.Unlock()
			if w != nil {
				c.wakeOrStart(w, start)
			}
			return nil
		}
	}
	// Wait in line. Whoever makes room serves the line in order, putting
	// each waiter's job where it belongs, so a waiter wakes only to
	// return.
	wt := c.getWaiter()
	wt.j = j
	c.line = append(c.line, wt)
	c.waiting.Add(1)
	c.mu.Unlock()
	if done := ctx.Done(); done == nil {
		<-wt.wake
	} else {
		select {
		case <-wt.wake:
		case <-done:
			c.mu.Lock()
			if wt.fate == waiting {
				c.leaveLine(wt)
				c.mu.Unlock()
				c.putWaiter(wt)
				c.rejected.Add(1)
				return gaveUp(ctx)
			}
			c.mu.Unlock()
			<-wt.wake // served or refused meanwhile: the token is on its way
		}
	}
	// The fate was set before the token was sent, and nobody touches wt
	// any more: no lock needed to read it, nor to give wt back.
	fate, err := wt.fate, wt.err
	c.putWaiter(wt)
	if fate == refused {
		c.rejected.Add(1)
		return err
	}
	return nil
}

func (c *core[R]) trySubmit(j job[R]) error {
	c.mu.Lock()
	if err := c.refusedLocked(); err != nil {
		c.mu.Unlock()
		c.rejected.Add(1)
		return err
	}
	if c.observed { // as stamp does: the task is numbered seq if placed
		j.at = c.obs.Load().stamp(c.seq.Load())
	}
	if c.first == len(c.line) { // else the task would jump the line
		if w, start, ok := c.place(j); ok {
			c.mu.Unlock()
			if w != nil {
				c.wakeOrStart(w, start)
			}
			return nil
		}
	}
	c.mu.Unlock()
	c.rejected.Add(1)
	return ErrFull
}

// serveLine puts the jobs of the submitters at the front of the line in
// the ring while it has room, and wakes each. Callers hold mu.
func (c *core[R]) serveLine() {
	for c.first < len(c.line) && c.count < c.qcap {
		c.serveOne().wake <- struct{}{}
	}
}

// serveOne puts the job of the first submitter in line in the ring, and
// returns the submitter, for the caller to wake; the token may be sent
// after mu is released, as the waiter, seeing it was served, waits for it.
// Callers hold mu and have checked that the line is not empty and the
// ring has room.
func (c *core[R]) serveOne() *waiter[R] {
	wt := c.popLine()
	c.stamp(&wt.j)
	c.push(wt.j)
	wt.fate = served
	return wt
}

// popLine takes the first waiter off the line. Callers hold mu.
func (c *core[R]) popLine() *waiter[R] {
	wt := c.line[c.first]
	c.line[c.first] = nil
	c.waiting.Add(-1)
	c.first++
	if c.first == len(c.line) {
		c.line, c.first = c.line[:0], 0
	}
	return wt
}

// leaveLine takes wt out of the line, wherever it is. Callers hold mu.
func (c *core[R]) leaveLine(wt *waiter[R]) {
	for i := c.first; i < len(c.line); i++ {
		if c.line[i] == wt {
			c.waiting.Add(-1)
			copy(c.line[i:], c.line[i+1:])
			c.line[len(c.line)-1] = nil
			c.line = c.line[:len(c.line)-1]
			break
		}
	}
	if c.first == len(c.line) {
		c.line, c.first = c.line[:0], 0
	}
}

// getWaiter and putWaiter keep waiters for reuse, so a waiting submitter
// allocates nothing in steady state. They take no lock (a sync.Pool), so
// a woken submitter gives its waiter back without queueing for mu again.
func (c *core[R]) getWaiter() *waiter[R] {
	if wt, ok := c.waiters.Get().(*waiter[R]); ok {
		return wt
	}
	return &waiter[R]{wake: make(chan struct{}, 1)}
}

func (c *core[R]) putWaiter(wt *waiter[R]) {
	wt.j, wt.fate, wt.err = job[R]{}, waiting, nil
	c.waiters.Put(wt)
}

// stopIntake makes every later and every waiting submit fail with reason,
// and lets the parked workers go: the queue is empty when any is parked.
// Only the first reason sticks.
func (c *core[R]) stopIntake(reason error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.stopped, c.stopErr = true, reason
	for c.first < len(c.line) {
		wt := c.popLine()
		wt.fate, wt.err = refused, reason
		wt.wake <- struct{}{}
	}
	for _, w := range c.idle {
		c.live--
		c.letGo(w)
	}
	clear(c.idle)
	c.idle = c.idle[:0]
	if c.alive.Load() == 0 {
		c.finish()
	}
}

// abort cancels every task's context: running tasks see it, queued tasks
// are dropped as Cancelled.
func (c *core[R]) abort(cause error) {
	c.mu.Lock()
	if c.cause == nil {
		c.cause = cause
	}
	c.mu.Unlock()
	c.cancel(cause)
}

// failure records a task's error. A Results hands its errors to the reader
// instead of keeping them.
func (c *core[R]) failure(err error, keep bool) {
	if keep {
		c.errMu.Lock()
		c.errs = append(c.errs, err)
		c.errMu.Unlock()
	}
	if c.failFast {
		c.stopIntake(fmt.Errorf("%w: stopped by a failed task: %w", ErrClosed, err))
		c.cancel(err)
	}
}

// resize sets the number of workers. After intake stopped it does nothing:
// the workers there are drain the queue.
func (c *core[R]) resize(n int) {
	if n < 1 {
		panic("pool: n < 1 passed to Resize")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	c.target = n
	c.wanted.Store(int64(n))
	// Surplus parked workers leave now; surplus busy ones leave when they
	// come back for another task, so no task starts beyond n from here on.
	for c.live > n && len(c.idle) > 0 {
		w := c.idle[len(c.idle)-1]
		c.idle[len(c.idle)-1] = nil
		c.idle = c.idle[:len(c.idle)-1]
		c.live--
		c.letGo(w)
	}
	// New workers start only for work that waits: the rest start on demand.
	for c.live < n && c.count > 0 {
		w := c.newWorker()
		j := c.pop()
		c.busy.Add(1)
		c.take()
		w.next, w.ob, w.has = j, c.obs.Load(), true
		c.serveLine()
		go c.work(c.tag(w), w, false)
	}
	for c.live < n && c.qcap == 0 && c.first < len(c.line) {
		wt := c.popLine()
		j := wt.j
		c.stamp(&j)
		c.number(&j)
		wt.fate = served
		wt.wake <- struct{}{}
		w := c.newWorker()
		c.busy.Add(1)
		c.take()
		w.next, w.ob, w.has = j, c.obs.Load(), true
		go c.work(c.tag(w), w, false)
	}
}

// shutdown is Close (ctx never done) and Shutdown. Called from inside one
// of the pool's tasks, it waits for every worker but its own.
func (c *core[R]) shutdown(ctx context.Context, op string) error {
	c.stopIntake(ErrClosed)
	aborted := false
	if ctx.Err() != nil {
		// Already over: drop the queue now, even if nothing is left to
		// wait for, as when the caller is the last worker.
		aborted = true
		c.abort(fmt.Errorf("pool: %s: %w", op, ctx.Err()))
	}
	t, onAny := onWorker()
	c.mu.Lock()
	inside := false
	if w := c.workerOf(t); onAny && w != nil && w.idx < len(c.all) && c.all[w.idx] == w {
		inside = true
		c.inside++
	}
	for !(c.done || inside && len(c.all) <= c.inside) {
		// c.all holds the workers not yet let go; a worker let go
		// touches nothing of the pool but alive any more.
		ch := c.changed
		c.watched = true
		c.mu.Unlock()
		if aborted {
			<-ch
		} else {
			select {
			case <-ch:
			case <-ctx.Done():
				aborted = true
				c.abort(fmt.Errorf("pool: %s: %w", op, ctx.Err()))
			}
		}
		c.mu.Lock()
	}
	if inside {
		c.inside--
		c.mu.Unlock()
		return c.joined(nil)
	}
	res := c.result
	c.mu.Unlock()
	c.watchOnce.Do(func() {
		if c.stopWatch != nil && !c.stopWatch() {
			<-c.watchDone
		}
	})
	return res
}

// finish is the end: intake stopped and every worker has exited, so every
// task is accounted for. Callers hold mu.
func (c *core[R]) finish() {
	c.done = true
	c.wanted.Store(0)
	var note error
	if n := c.tallies[cancelled].Load(); n > 0 {
		why := c.cause
		if why == nil {
			why = c.ctx.Err()
		}
		note = fmt.Errorf("pool: %d queued tasks never ran: %w", n, why)
	}
	c.result = c.joined(note)
	c.cancel(context.Canceled)
	if c.out != nil {
		c.out.finish()
	}
	c.notify()
}

// notify wakes the Close and Shutdown calls waiting for a change. Callers
// hold mu.
func (c *core[R]) notify() {
	if c.watched {
		close(c.changed)
		c.changed = make(chan struct{})
		c.watched = false
	}
}

// joined is every error so far, with extra last.
func (c *core[R]) joined(extra error) error {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	errs := c.errs
	if extra != nil {
		errs = append(errs[:len(errs):len(errs)], extra)
	}
	return errjoin.Join(errs)
}

// number gives j its number in acceptance order, publishing the count
// for Stats, and a Results' task its place in the window. Callers hold mu, and have stamped j (see stamp).
func (c *core[R]) number(j *job[R]) {
	j.seq = c.seq.Load() // a plain load: only writers under mu move it
	c.seq.Store(j.seq + 1)
	if j.get != nil {
		j.slot = c.slots
		c.slots++
	}
}

// take counts one more task taken by a worker, after the worker's place
// in busy was taken, if it had none: Stats reads taken before busy, so it
// never sees a task taken, and not yet in busy, as ended. Callers hold mu.
func (c *core[R]) take() {
	c.taken.Store(c.taken.Load() + 1) // a plain load: only writers under mu move it
}

// stamp sets the acceptance time of j, about to be numbered, if it is one
// of the tasks an attached observer samples, and clears it otherwise (a
// waiter's job, stamped when it was first tried, is numbered later). The
// submit paths do the same inline: number stays small enough to inline.
// Callers hold mu.
func (c *core[R]) stamp(j *job[R]) {
	j.at = 0
	if c.observed {
		j.at = c.obs.Load().stamp(c.seq.Load())
	}
}

func (c *core[R]) observe(name string, o TaskObserver) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.observed = o != nil
	if o == nil {
		c.obs.Store(nil)
		return
	}
	c.obs.Store(&observer{name: name, o: o, from: c.seq.Load()})
}
