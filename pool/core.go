package pool

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/baton-go/baton/channel"
)

// job is what travels through the queue: a Pool's task (run) or a Results'
// task (get), with its place in submission order.
type job[R any] struct {
	seq uint64
	run func(context.Context) error
	get func(context.Context) (R, error)
	// dropped, for a task owned by a Group or a Subpool, is called instead
	// of run when the pool drops the task unrun, so its owner stops
	// waiting for it. (Hook for owned tasks: see owned.go.)
	dropped func()
}

// core is the machinery shared by Pool and Results: a bounded baton channel
// as the queue, the line of waiting submitters, the workers, and the
// lifecycle. R is the result type of a Results; a Pool uses struct{}.
type core[R any] struct {
	// The fields are grouped by who writes them, each group on cache lines
	// of its own: workers read the first group on every task, and a line
	// that a submitter writes on every submit would bounce between their
	// cores if it held any of them.

	// Set in New, then only read.
	tx       *channel.Sender[job[R]]
	rx       *channel.Receiver[job[R]]
	ctx      context.Context // every task's; cancelled to abort
	cancel   context.CancelCauseFunc
	failFast bool
	out      *window[R] // a Results' reorder window; nil for a Pool
	// stopped is closed when intake stops, after stopErr is set (once).
	stopped chan struct{}
	stopErr atomic.Pointer[error]
	// The parent context's watch, when WithContext gave one that can end.
	stopWatch func() bool
	watchDone chan struct{}
	_         [64]byte

	// Written by submitters on every submit.
	adm admission[R]
	// seq numbers accepted tasks in queue order. Only the submitter that
	// holds the admission role writes it, and the role passes with a
	// happens-before edge, so it needs no lock of its own.
	seq      uint64
	rejected atomic.Int64
	// skipped counts owned tasks that their owner dropped unrun (a group
	// whose context ended); Stats adds them to Cancelled. It is apart from
	// the workers' cancelled tallies so that Close's note about tasks the
	// pool itself dropped does not count them. (Hook for owned tasks.)
	skipped atomic.Int64
	_       [64]byte

	// Read by workers on every task, written rarely.
	//
	// Resize retires workers by count, not by name: it raises retire and
	// cancels the context idle workers wait with, so each wakes, and the
	// first ones to claim a retirement leave. Busy workers look at retire
	// after each task. A worker thus costs no context of its own.
	retire atomic.Int64 // written under the life lock
	idle   atomic.Pointer[idleCtx]
	_      [64]byte

	watchOnce sync.Once
	life      sync.Mutex
	leaving   int       // workers that claimed a retirement and are on their way out
	all       []*worker // every live worker
	target    int       // workers wanted: the last New or Resize
	inside    int       // Close and Shutdown calls waiting from inside a task
	changed   chan struct{}
	watched   bool // someone waits on changed: replace it at the next exit
	done      bool // every worker has exited after intake stopped
	result    error
	totals    counts // of the workers that exited
	cause     error  // why tasks were cancelled, for the result; nil for fail fast

	errMu sync.Mutex
	errs  []error
}

func newCore[R any](workers int, cfg config, out *window[R]) *core[R] {
	if workers < 1 {
		panic("pool: workers < 1 passed to New")
	}
	tx, rx := channel.Bounded[job[R]](cfg.queue)
	c := &core[R]{
		tx: tx, rx: rx,
		failFast: cfg.failFast,
		out:      out,
		stopped:  make(chan struct{}),
		changed:  make(chan struct{}),
		target:   workers,
	}
	c.ctx, c.cancel = context.WithCancelCause(cfg.ctx)
	if cfg.ctx.Done() != nil {
		parent := cfg.ctx
		c.watchDone = make(chan struct{})
		c.stopWatch = context.AfterFunc(parent, func() {
			defer close(c.watchDone)
			c.stopIntake(fmt.Errorf("pool: stopped: context ended: %w", context.Cause(parent)))
			c.life.Lock()
			if c.cause == nil {
				c.cause = fmt.Errorf("context ended: %w", context.Cause(parent))
			}
			c.life.Unlock()
		})
	}
	c.idle.Store(newIdleCtx())
	c.life.Lock()
	c.startLocked(workers)
	c.life.Unlock()
	return c
}

// idleCtx is what idle workers wait with; Resize cancels it to wake them.
type idleCtx struct {
	ctx    context.Context
	cancel context.CancelFunc
}

func newIdleCtx() *idleCtx {
	ctx, cancel := context.WithCancel(context.Background())
	return &idleCtx{ctx, cancel}
}

// tryRetire claims one of the retirements Resize asked for.
func (c *core[R]) tryRetire(w *worker) bool {
	c.life.Lock()
	defer c.life.Unlock()
	if c.retire.Load() <= 0 {
		return false
	}
	c.retire.Add(-1)
	c.leaving++
	w.leaving = true
	return true
}

// counts are tallies of how tasks ended. Each worker keeps its own (on
// its own cache lines), so workers never contend over statistics; these
// are the sums of the workers that exited.
type counts struct {
	succeeded, failed, panicked, cancelled int64
	taken                                  int64 // tasks received from the queue
}

// stopIntake makes every later and every waiting submit fail with reason.
// Closing the only Sender disconnects the channel once the workers have
// drained it, which is what makes them exit. Only the first reason sticks.
func (c *core[R]) stopIntake(reason error) {
	c.life.Lock()
	defer c.life.Unlock()
	if c.stopErr.Load() != nil {
		return
	}
	c.stopErr.Store(&reason)
	close(c.stopped)
	c.tx.Close()
}

// abort cancels every task's context: running tasks see it, queued tasks
// are dropped as Cancelled.
func (c *core[R]) abort(cause error) {
	c.life.Lock()
	if c.cause == nil {
		c.cause = cause
	}
	c.life.Unlock()
	c.cancel(cause)
}

// refused says why a submit must fail now, or nil.
func (c *core[R]) refused() error {
	if r := c.stopErr.Load(); r != nil {
		return *r
	}
	if c.ctx.Err() != nil { // the parent ended; its watch is on its way
		return fmt.Errorf("pool: stopped: %w", context.Cause(c.ctx))
	}
	return nil
}

func (c *core[R]) submit(ctx context.Context, j job[R]) error {
	if ctx.Err() != nil {
		c.rejected.Add(1)
		return gaveUp(ctx)
	}
	if err := c.refused(); err != nil {
		c.rejected.Add(1)
		return err
	}
	served, err := c.acquire(ctx, j)
	if served {
		return nil
	}
	if err != nil {
		c.rejected.Add(1)
		if err == errStopped {
			return c.refused()
		}
		return gaveUp(ctx)
	}
	// The head waits in the channel's own send, which a worker wakes as
	// soon as it has taken a task: Submit waits while the queue is full,
	// and no longer. Waiting until the workers had drained the queue
	// further, to a low-water mark, would save wake-ups, but it is not
	// safe: the workers may all be busy with tasks that end only after this
	// Submit returns, and then the queue never drains that far. Stopping
	// intake closes tx, which wakes this send too.
	j.seq = c.seq
	err = c.tx.SendContext(ctx, j)
	if err == nil {
		c.seq++
	}
	c.release()
	if err != nil {
		return c.reject(ctx, err)
	}
	return nil
}

func (c *core[R]) trySubmit(j job[R]) error {
	if err := c.refused(); err != nil {
		c.rejected.Add(1)
		return err
	}
	// A full queue is checked first because a failed TrySend allocates
	// its error; a rendezvous queue is always "full" and must try.
	if !c.tryAcquire() {
		c.rejected.Add(1)
		return ErrFull
	}
	if c.tx.Cap() > 0 && c.tx.IsFull() {
		c.release()
		c.rejected.Add(1)
		return ErrFull
	}
	j.seq = c.seq
	err := c.tx.TrySend(j)
	if err == nil {
		c.seq++
	}
	c.release()
	if err != nil {
		return c.reject(context.Background(), err) // no context: TrySubmit never waits
	}
	return nil
}

// reject accounts for a send that failed and says why.
func (c *core[R]) reject(ctx context.Context, err error) error {
	c.rejected.Add(1)
	switch {
	case errors.Is(err, channel.ErrFull):
		return ErrFull
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return gaveUp(ctx)
	}
	if r := c.refused(); r != nil {
		return r
	}
	return ErrClosed
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
		c.stopIntake(fmt.Errorf("pool: stopped by a failed task: %w", err))
		c.cancel(err)
	}
}

// resize sets the number of workers. After intake stopped it does nothing:
// the workers there are drain the queue.
func (c *core[R]) resize(n int) {
	if n < 1 {
		panic("pool: n < 1 passed to Resize")
	}
	c.life.Lock()
	defer c.life.Unlock()
	if c.stopErr.Load() != nil {
		return
	}
	// Workers still to retire from an earlier shrink count as gone.
	active := len(c.all) - c.leaving - int(c.retire.Load())
	c.target = n
	switch {
	case active < n:
		// Cancel pending retirements first, then start the rest.
		for active < n && c.retire.Load() > 0 {
			c.retire.Add(-1)
			active++
		}
		c.startLocked(n - active)
	case active > n:
		c.retire.Add(int64(active - n))
		old := c.idle.Swap(newIdleCtx())
		old.cancel() // wake the idle ones to claim retirements
	}
}

// shutdown is Close (ctx never done) and Shutdown. Called from inside one
// of the pool's tasks, it waits for every worker but its own.
func (c *core[R]) shutdown(ctx context.Context, op string) error {
	c.stopIntake(ErrClosed)
	me := goid()
	c.life.Lock()
	inside := false
	for _, w := range c.all {
		if me != 0 && w.gid.Load() == me {
			inside = true
			c.inside++
			break
		}
	}
	aborted := false
	for !(c.done || inside && len(c.all) <= c.inside) {
		ch := c.changed
		c.watched = true
		c.life.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			if !aborted {
				aborted = true
				c.abort(fmt.Errorf("pool: %s: %w", op, ctx.Err()))
			}
			ctx = context.Background()
		}
		c.life.Lock()
	}
	if inside {
		c.inside--
		c.life.Unlock()
		return c.joined(nil)
	}
	res := c.result
	c.life.Unlock()
	c.watchOnce.Do(func() {
		if c.stopWatch != nil && !c.stopWatch() {
			<-c.watchDone
		}
	})
	return res
}

// exit is a worker's last act.
func (c *core[R]) exit(w *worker) {
	c.life.Lock()
	defer c.life.Unlock()
	c.totals.succeeded += w.succeeded.Load()
	c.totals.failed += w.failed.Load()
	c.totals.panicked += w.panicked.Load()
	c.totals.cancelled += w.cancelled.Load()
	c.totals.taken += w.taken.Load()
	if w.leaving {
		c.leaving--
	}
	last := len(c.all) - 1
	c.all[w.idx] = c.all[last]
	c.all[w.idx].idx = w.idx
	c.all[last] = nil
	c.all = c.all[:last]
	if c.watched {
		close(c.changed)
		c.changed = make(chan struct{})
		c.watched = false
	}
	if len(c.all) == 0 {
		// Only a stopped intake lets the last worker leave: Resize never
		// retires them all. Every task is accounted for now.
		c.done = true
		var note error
		if n := c.totals.cancelled; n > 0 {
			why := c.cause
			if why == nil {
				why = c.ctx.Err()
			}
			note = fmt.Errorf("pool: %d queued tasks never ran: %w", n, why)
		}
		c.result = c.joined(note)
		c.cancel(context.Canceled)
		c.idle.Load().cancel()
		if c.out != nil {
			c.out.finish()
		}
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
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// stats adds up the workers' tallies. Submitted is not counted by the
// submitters: a task is accepted once it is in the queue, so it is the
// tasks the workers took plus those still queued. That keeps a submitter
// waiting for room out of it (it is Waiting), and after Close, with the
// queue empty, it is exactly the sum of the outcomes. The queue is read
// first and each worker's tally of tasks taken after its outcomes, so a
// task in flight is counted twice rather than not at all, and Submitted is
// never below the sum of the outcomes.
func (c *core[R]) stats() Stats {
	queued := c.rx.Len()
	c.life.Lock()
	t := c.totals
	running := 0
	for _, w := range c.all {
		t.succeeded += w.succeeded.Load()
		t.failed += w.failed.Load()
		t.panicked += w.panicked.Load()
		t.cancelled += w.cancelled.Load()
		t.taken += w.taken.Load()
		if w.running.Load() {
			running++
		}
	}
	workers := c.target
	if c.done {
		workers = 0
	}
	c.life.Unlock()
	return Stats{
		Workers:   workers,
		Waiting:   c.adm.waiting(),
		Queued:    queued,
		Running:   running,
		Submitted: t.taken + int64(queued),
		Succeeded: t.succeeded,
		Failed:    t.failed,
		Panicked:  t.panicked,
		Cancelled: t.cancelled + c.skipped.Load(),
		Rejected:  c.rejected.Load(),
	}
}
