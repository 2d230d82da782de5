package pool

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/baton-go/baton/task"
)

// Subpool is a smaller concurrency limit inside a pool: its tasks run on
// the parent's workers, at most n of them at once, and the parent's own
// limit holds too. A part of a program that must not take over the whole
// pool (image resizing, calls to a rate-limited service) gets a Subpool
// instead of a pool of its own, so idle capacity is still shared.
//
// A Subpool has the pool's methods, with the pool's semantics: Submit waits
// for room in the subpool's bounded queue, TrySubmit never waits, Resize
// changes the limit, Group starts a group on the subpool, Close and
// Shutdown wait for the subpool's own tasks only (not the parent's, nor
// other subpools') and return their errors, and Stats counts the subpool's
// tasks. Its tasks' errors are its own: the parent's Close does not report
// them.
//
// How it runs: a task that finds fewer than n of the subpool's tasks on
// the parent is submitted to the parent at once, and the worker that runs
// it then goes on with the tasks queued in the subpool meanwhile, until the
// queue is empty. The parent therefore holds at most n tasks of the
// subpool, queued or running, and its Stats count those runs, not the
// subpool's tasks one by one.
//
// As the pool's, submitters waiting for room are served first come, first
// served, and TrySubmit does not jump their line.
type Subpool struct {
	parent    Runner
	parentMax func() int // the parent's limit now: its workers, or its own limit
	limit     int        // under mu
	queueCap  int
	failFast  bool
	ctx       context.Context // every task's; cancelled to abort
	cancel    context.CancelCauseFunc

	// The context given by WithContext, watched when it can end.
	stopWatch func() bool
	watchDone chan struct{}

	linked    atomic.Bool // the parent's context is watched
	watchOnce sync.Once
	done      chan struct{}
	spawns    sync.WaitGroup // goroutines replacing a run ended by runtime.Goexit

	mu       sync.Mutex
	queue    []*subTask // FIFO from qhead
	qhead    int
	runs     int          // runs on the parent, accepted by it
	starting int          // runs being submitted to the parent
	line     []*subWaiter // submitters waiting for room, FIFO from first
	first    int
	pending  int // tasks accepted and not ended: queued, in a run, running
	running  int
	inside   int           // Close and Shutdown calls waiting from inside a task
	changed  chan struct{} // closed and replaced, for inside, when a run ended
	closed   error         // why intake stopped, or nil
	cause    error         // why tasks were dropped
	unlink   func() bool
	errs     []error
	result   error
	st       Stats // the counters; the gauges are filled in by Stats
	// skipped counts tasks a group dropped itself, its context having
	// ended; Stats counts them Cancelled, Close's note does not.
	skipped int64
}

// subTask is a task of a subpool: a plain task, or one owned by a group on
// the subpool (then dropped is set and run reports an owned outcome).
type subTask struct {
	run     func(ctx context.Context) error
	dropped func()
}

// subWaiter is a submitter waiting in line. Its fate is set under mu
// before the one token is sent on wake.
type subWaiter struct {
	t     *subTask
	wake  chan struct{}
	fate  int   // waiting, served (queued), refused, or startRun
	extra bool  // served, and it starts an extra run for the queue
	err   error // why it was refused
}

// startRun is a waiter's fate when it was given room for a run of its own
// on the parent: it submits its task there itself, as it may wait.
const startRun = refused + 1

// subRun is one task submitted to the parent: it runs first, then the
// subpool's queue.
type subRun struct {
	s         *Subpool
	first     *subTask
	fresh     bool // first is a new submission, not yet counted Submitted
	confirmed bool // counted in runs rather than starting; under s.mu
}

// Subpool returns a subpool of p running at most n tasks at once. Its queue
// holds n tasks unless WithQueue says otherwise; WithContext and
// WithFailFast apply to the subpool alone, as New's do to a pool. The other
// options are ignored.
//
// Subpool panics if n < 1, if n is larger than p's workers (as set by New
// or the last Resize), or if an option is nil. Shrinking the pool below n
// later is allowed: then the pool's limit is the tighter one.
func (p *Pool) Subpool(n int, opts ...Option) *Subpool {
	// A pool done with Close reports 0 workers; its subpools are allowed,
	// and refuse every task with ErrClosed, as the pool does.
	return newSubpool(p, func() int { return p.Stats().Workers }, "pool's", n, opts)
}

// Subpool returns a subpool of s, as Pool.Subpool does of a pool: its tasks
// run within s's limit, and so within the pool's, at most n at once.
//
// Subpool panics if n < 1, if n is larger than s's limit, or if an option
// is nil.
func (s *Subpool) Subpool(n int, opts ...Option) *Subpool {
	return newSubpool(s, s.currentLimit, "subpool's", n, opts)
}

func newSubpool(parent Runner, parentMax func() int, whose string, n int, opts []Option) *Subpool {
	if n < 1 {
		panic(fmt.Sprintf("pool: n < 1 passed to Subpool: %d", n))
	}
	if max := parentMax(); max > 0 && n > max {
		panic(fmt.Sprintf("pool: n passed to Subpool is larger than the %s limit of %d: %d", whose, max, n))
	}
	cfg := newConfig(n, opts)
	s := &Subpool{
		parent:    parent,
		parentMax: parentMax,
		limit:     n,
		queueCap:  cfg.queue,
		failFast:  cfg.failFast,
		done:      make(chan struct{}),
		changed:   make(chan struct{}),
	}
	s.ctx, s.cancel = context.WithCancelCause(cfg.ctx)
	if cfg.ctx.Done() != nil {
		pctx := cfg.ctx
		s.watchDone = make(chan struct{})
		s.stopWatch = context.AfterFunc(pctx, func() {
			defer close(s.watchDone)
			s.mu.Lock()
			s.closeLocked(fmt.Errorf("%w: context ended: %w", ErrClosed, context.Cause(pctx)))
			if s.cause == nil {
				s.cause = fmt.Errorf("context ended: %w", context.Cause(pctx))
			}
			s.mu.Unlock()
		})
	}
	return s
}

// Submit queues fn to run on one of the parent's workers, waiting while the
// subpool's queue is full, or while the subpool's first task is being
// handed to the parent and the parent's queue is full. Its results and
// refusals are those of Pool.Submit; fn's own error is reported by Close.
// Once the subpool stopped (Close, Shutdown, WithContext's context ended,
// WithFailFast), the refusal satisfies errors.Is(err, ErrClosed), and
// wraps the cause too when there is one.
//
// Submit panics if ctx or fn is nil.
func (s *Subpool) Submit(ctx context.Context, fn func(ctx context.Context) error) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Subpool.Submit")
	}
	if fn == nil {
		panic("pool: nil fn passed to Subpool.Submit")
	}
	return s.submit(ctx, &subTask{run: fn}, true)
}

// TrySubmit is Submit that never waits: it fails with ErrFull when the
// subpool's queue is full, or its task would have to wait for room in the
// parent's.
//
// TrySubmit panics if fn is nil.
func (s *Subpool) TrySubmit(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("pool: nil fn passed to Subpool.TrySubmit")
	}
	return s.submit(context.Background(), &subTask{run: fn}, false)
}

// Group starts a group of tasks on the subpool, as Pool.Group does on a
// pool.
//
// Group panics if ctx or an option is nil.
func (s *Subpool) Group(ctx context.Context, opts ...GroupOption) *Group {
	g := &Group{}
	g.core.init(s, ctx, opts, "Subpool.Group")
	return g
}

func (s *Subpool) goroutineOn(gid uint64) *onGoroutine { return s.parent.goroutineOn(gid) }

func (s *Subpool) submitOwned(ctx context.Context, t owned) error {
	return s.submit(ctx, &subTask{run: t.run, dropped: t.dropped}, true)
}

func (s *Subpool) trySubmitOwned(t owned) error {
	return s.submit(context.Background(), &subTask{run: t.run, dropped: t.dropped}, false)
}

func (s *Subpool) submit(ctx context.Context, t *subTask, wait bool) error {
	if ctx.Err() != nil {
		s.reject()
		return gaveUp(ctx)
	}
	s.mu.Lock()
	if err := s.refusedLocked(); err != nil {
		s.st.Rejected++
		s.mu.Unlock()
		return err
	}
	if s.first == len(s.line) { // else t would jump the line
		switch s.placeLocked(t) {
		case served:
			s.mu.Unlock()
			return nil
		case servedExtra:
			s.mu.Unlock()
			s.startExtra()
			return nil
		case startRun:
			s.mu.Unlock()
			return s.startRun(ctx, t, wait)
		}
	}
	if !wait {
		s.st.Rejected++
		s.mu.Unlock()
		return ErrFull
	}
	// Wait in line. Whoever makes room serves the line in order, queueing
	// each waiter's task or giving it room for a run, so a waiter wakes
	// only to return, or to start its run.
	wt := &subWaiter{t: t, wake: make(chan struct{}, 1)}
	s.line = append(s.line, wt)
	s.mu.Unlock()
	select {
	case <-wt.wake:
	case <-ctx.Done():
		s.mu.Lock()
		if wt.fate == waiting {
			s.leaveLineLocked(wt)
			s.st.Rejected++
			s.mu.Unlock()
			return gaveUp(ctx)
		}
		s.mu.Unlock()
		<-wt.wake // its fate was set: the token is there
	}
	switch wt.fate {
	case refused:
		return wt.err
	case startRun:
		return s.startRun(ctx, t, true) // with ctx ended, the parent refuses it
	}
	if wt.extra {
		s.startExtra()
	}
	return nil
}

// servedExtra is placeLocked's result when t was queued and an extra run
// is to be started for the queue.
const servedExtra = startRun + 1

// placeLocked accepts t if it can without waiting: it queues t, for a run
// the parent has accepted (served, or servedExtra when there is room for
// one more run, counted in starting), or it gives t room for a run of its
// own (startRun, counted in starting and pending; the caller submits it).
// It returns waiting when there is no room.
func (s *Subpool) placeLocked(t *subTask) int {
	queued := len(s.queue) - s.qhead
	if s.runs+s.starting < s.limit && queued == 0 {
		s.starting++
		s.pending++
		return startRun
	}
	// Queued tasks are only ever left to runs the parent has accepted: a
	// run still being submitted may be refused, and the tasks queued
	// behind it would have nobody to run them. A queue with tasks in it
	// always has such a run: the last run leaves only once the queue is
	// empty, or drops it (the parent stopped).
	if s.runs == 0 || queued >= s.queueCap {
		return waiting
	}
	if s.qhead > 0 && len(s.queue) == cap(s.queue) { // compact before growing
		n := copy(s.queue, s.queue[s.qhead:])
		clear(s.queue[n:])
		s.queue, s.qhead = s.queue[:n], 0
	}
	s.queue = append(s.queue, t)
	s.pending++
	s.st.Submitted++
	// Room for another run (after Resize raised the limit, or a start was
	// refused): one more takes from the queue.
	if s.runs+s.starting < s.limit {
		s.starting++
		return servedExtra
	}
	return served
}

// serveLineLocked gives the submitters at the front of the line the room
// there is, in order, and wakes each; once intake stopped, it refuses them.
func (s *Subpool) serveLineLocked() {
	for s.first < len(s.line) {
		wt := s.line[s.first]
		if err := s.refusedLocked(); err != nil {
			wt.fate, wt.err = refused, err
			s.st.Rejected++
		} else {
			switch s.placeLocked(wt.t) {
			case waiting:
				return
			case servedExtra:
				wt.fate, wt.extra = served, true
			case startRun:
				wt.fate = startRun
			default:
				wt.fate = served
			}
		}
		s.line[s.first] = nil
		s.first++
		if s.first == len(s.line) {
			s.line, s.first = s.line[:0], 0
		}
		wt.wake <- struct{}{}
	}
}

// leaveLineLocked takes wt out of the line, wherever it is.
func (s *Subpool) leaveLineLocked(wt *subWaiter) {
	for i := s.first; i < len(s.line); i++ {
		if s.line[i] == wt {
			copy(s.line[i:], s.line[i+1:])
			s.line[len(s.line)-1] = nil
			s.line = s.line[:len(s.line)-1]
			break
		}
	}
	if s.first == len(s.line) {
		s.line, s.first = s.line[:0], 0
	}
}

// startRun submits a run whose first task is t to the parent; placeLocked
// counted it in starting and pending.
func (s *Subpool) startRun(ctx context.Context, t *subTask, wait bool) error {
	r := &subRun{s: s, first: t, fresh: true}
	o := owned{run: r.run, dropped: r.dropped}
	var err error
	if wait {
		err = s.parent.submitOwned(ctx, o)
	} else {
		err = s.parent.trySubmitOwned(o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.starting--
		s.pending--
		s.st.Rejected++
		s.broadcastLocked()
		s.finishIfDoneLocked()
		if errors.Is(err, ErrFull) {
			return ErrFull
		}
		if ctx.Err() != nil {
			return gaveUp(ctx)
		}
		if r := s.refusedLocked(); r != nil {
			return r
		}
		return err // the parent's refusal
	}
	r.confirmLocked()
	return nil
}

func (s *Subpool) reject() {
	s.mu.Lock()
	s.st.Rejected++
	s.mu.Unlock()
}

// refusedLocked says why a submit must fail now, or nil.
func (s *Subpool) refusedLocked() error {
	if s.closed != nil {
		return s.closed
	}
	if s.ctx.Err() != nil {
		return fmt.Errorf("%w: %w", ErrClosed, context.Cause(s.ctx))
	}
	return nil
}

// confirmLocked moves the run from starting to runs, once: the parent
// accepted it (the submitter learns it when Submit returns, the run itself
// when it starts, whichever comes first).
func (r *subRun) confirmLocked() {
	if !r.confirmed {
		r.confirmed = true
		r.s.starting--
		r.s.runs++
		if r.fresh {
			r.s.st.Submitted++
		}
		r.s.broadcastLocked() // submitters may queue now
	}
}

// run is the run's body on a parent's worker: its first task, then the
// subpool's queue until it is empty.
func (r *subRun) run(pctx context.Context) error {
	s := r.s
	s.link(pctx)
	s.mu.Lock()
	r.confirmLocked()
	s.mu.Unlock()
	t := r.first
	r.first = nil
	// The goroutine runs the subpool's tasks now: a Close from one of
	// them must not wait for it.
	on := onOf(pctx)
	on.enter(s)
	octx := s.ctx // what a group's task runs with: made to carry on at the first
	normal := false
	defer func() {
		on.leave()
		if !normal { // runtime.Goexit ended this goroutine in t
			s.goexited(t)
		}
	}()
	for {
		if t == nil {
			s.mu.Lock()
			if s.runs <= s.limit { // else Resize lowered the limit: leave
				t = s.popLocked()
			}
			if t == nil {
				s.runs--
				s.broadcastLocked()
				s.mu.Unlock()
				break
			}
			s.mu.Unlock()
		}
		s.exec(pctx, t, on, &octx)
		t = nil
	}
	normal = true
	return nil
}

// startExtra submits a run with no task of its own, to take tasks from the
// queue, without waiting: if the parent has no room now, the runs already
// there drain the queue. The caller counted it in starting.
func (s *Subpool) startExtra() {
	r := &subRun{s: s}
	err := s.parent.trySubmitOwned(owned{run: r.run, dropped: r.dropped})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.starting--
		s.broadcastLocked()
		s.finishIfDoneLocked()
		return
	}
	r.confirmLocked()
}

// Resize sets the subpool's limit, at any time. A higher limit takes queued
// tasks onto more of the parent's workers at once; after a lower one, no
// task starts beyond n, while those running finish. After Close or
// Shutdown began it does nothing.
//
// Resize panics if n < 1, or if n is larger than the parent's limit (the
// pool's workers, or the parent subpool's limit).
func (s *Subpool) Resize(n int) {
	if n < 1 {
		panic(fmt.Sprintf("pool: n < 1 passed to Subpool.Resize: %d", n))
	}
	if max := s.parentMax(); max > 0 && n > max {
		panic(fmt.Sprintf("pool: n passed to Subpool.Resize is larger than the parent's limit of %d: %d", max, n))
	}
	s.mu.Lock()
	if s.closed != nil {
		s.mu.Unlock()
		return
	}
	s.limit = n
	extra := 0
	for queued := len(s.queue) - s.qhead; s.runs+s.starting < s.limit && extra < queued; extra++ {
		s.starting++
	}
	s.broadcastLocked() // waiting submitters may start runs now
	s.mu.Unlock()
	for range extra {
		s.startExtra()
	}
}

// currentLimit is the subpool's limit now.
func (s *Subpool) currentLimit() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limit
}

// dropped is called by the parent instead of run when it drops the run
// unrun: its first task is dropped, and so is the queue if no run is left
// to take it.
func (r *subRun) dropped() {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	r.confirmLocked()
	s.runs--
	if s.cause == nil {
		s.cause = errors.New("the parent pool was stopped")
	}
	s.dropLocked(r.first)
	if s.runs+s.starting == 0 {
		for t := s.popLocked(); t != nil; t = s.popLocked() {
			s.dropLocked(t)
		}
	}
	s.broadcastLocked()
	s.finishIfDoneLocked()
}

func (s *Subpool) popLocked() *subTask {
	if s.qhead == len(s.queue) {
		return nil
	}
	t := s.queue[s.qhead]
	s.queue[s.qhead] = nil
	s.qhead++
	if s.qhead == len(s.queue) {
		s.queue, s.qhead = s.queue[:0], 0
	}
	s.broadcastLocked() // room in the queue
	return t
}

// exec runs one task and accounts for it. The parent's context is checked
// as well as the subpool's, which follows it only asynchronously. An owned
// task (a group's, or a nested subpool's run) runs with *octx, the
// subpool's context carrying on, made once per run.
func (s *Subpool) exec(pctx context.Context, t *subTask, on *onGoroutine, octx *context.Context) {
	if s.ctx.Err() != nil || pctx.Err() != nil {
		s.mu.Lock()
		if s.cause == nil && s.ctx.Err() == nil {
			s.cause = context.Cause(pctx)
		}
		s.dropLocked(t)
		s.finishIfDoneLocked()
		s.mu.Unlock()
		return
	}
	s.mu.Lock()
	s.running++
	s.mu.Unlock()
	var err error
	panicked := false
	if t.dropped != nil {
		if on != nil && *octx == s.ctx {
			*octx = context.WithValue(s.ctx, onKey{}, on)
		}
		err = t.run(*octx) // an owner's wrapper: it recovers its own panics
	} else {
		err, panicked = callTask(s.ctx, t.run)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	s.endedLocked(err, panicked)
}

// endedLocked accounts for a task that ran.
func (s *Subpool) endedLocked(err error, panicked bool) {
	s.pending--
	switch {
	case err == nil:
		s.st.Succeeded++
	case err == errOwnedFailed:
		s.st.Failed++
	case err == errOwnedPanicked:
		s.st.Panicked++
	case err == errOwnedSkipped:
		s.skipped++
	default:
		if panicked {
			s.st.Panicked++
		} else {
			s.st.Failed++
		}
		s.errs = append(s.errs, err)
		if s.failFast {
			s.closeLocked(fmt.Errorf("%w: stopped by a failed task: %w", ErrClosed, err))
			s.cancel(err)
		}
	}
	s.finishIfDoneLocked()
}

// goexited accounts for a task that called runtime.Goexit, which ended the
// run's goroutine: another run takes over the queue, submitted from a
// goroutine of its own since this one can do nothing more.
func (s *Subpool) goexited(t *subTask) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.running--
	if t.dropped != nil {
		s.endedLocked(errOwnedFailed, false) // the group recorded task.ErrGoexit
	} else {
		s.endedLocked(task.ErrGoexit, false)
	}
	s.runs--
	if s.qhead == len(s.queue) {
		s.broadcastLocked()
		s.finishIfDoneLocked()
		return
	}
	s.starting++
	r := &subRun{s: s, first: s.popLocked()}
	s.spawns.Add(1)
	go func() {
		defer s.spawns.Done()
		err := s.parent.submitOwned(context.Background(), owned{run: r.run, dropped: r.dropped})
		if err != nil {
			r.dropped() // the parent stopped: nothing will run
		}
	}()
}

// dropLocked ends a task unrun.
func (s *Subpool) dropLocked(t *subTask) {
	if t == nil {
		return
	}
	s.pending--
	s.st.Cancelled++
	if t.dropped != nil {
		t.dropped()
	}
}

// link makes the subpool's context end when the parent's does, once.
func (s *Subpool) link(pctx context.Context) {
	if s.linked.Load() {
		return
	}
	s.mu.Lock()
	if !s.linked.Load() {
		if pctx.Done() != nil {
			s.unlink = context.AfterFunc(pctx, func() { s.abort(context.Cause(pctx)) })
		}
		s.linked.Store(true)
	}
	s.mu.Unlock()
}

func (s *Subpool) abort(cause error) {
	s.mu.Lock()
	if s.cause == nil {
		s.cause = cause
	}
	s.closeLocked(fmt.Errorf("%w: %w", ErrClosed, cause))
	s.mu.Unlock()
	s.cancel(cause)
}

// broadcastLocked is called wherever room may have freed, a run ended or
// intake stopped: it serves the line, and wakes the Close calls waiting
// from inside a task.
func (s *Subpool) broadcastLocked() {
	s.serveLineLocked()
	if s.inside > 0 {
		close(s.changed)
		s.changed = make(chan struct{})
	}
}

// closeLocked stops intake; only the first reason sticks.
func (s *Subpool) closeLocked(reason error) {
	if s.closed != nil {
		return
	}
	s.closed = reason
	s.broadcastLocked()
	s.finishIfDoneLocked()
}

// finishIfDoneLocked closes done once intake stopped and every accepted
// task has ended.
func (s *Subpool) finishIfDoneLocked() {
	if s.closed == nil || s.pending > 0 || s.starting > 0 || isClosed(s.done) {
		return
	}
	var note error
	if s.st.Cancelled > 0 {
		why := s.cause
		if why == nil {
			why = context.Cause(s.ctx)
		}
		note = fmt.Errorf("pool: %d queued tasks never ran: %w", s.st.Cancelled, why)
	}
	errs := s.errs
	if note != nil {
		errs = append(errs[:len(errs):len(errs)], note)
	}
	switch len(errs) {
	case 0:
	case 1:
		s.result = errs[0]
	default:
		s.result = errors.Join(errs...)
	}
	close(s.done)
}

func isClosed(ch chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// Stats returns a snapshot of the subpool's counters: Workers is its limit
// (0 once it has closed and every task has ended), Running the tasks it
// has running on the parent's workers, Queued its queue, Waiting its
// waiting submitters. The counters mean what they mean for a pool.
func (s *Subpool) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.st
	st.Cancelled += s.skipped
	st.Workers = s.limit
	if isClosed(s.done) {
		st.Workers = 0
	}
	st.Waiting = len(s.line) - s.first
	st.Queued = len(s.queue) - s.qhead
	st.Running = s.running
	return st
}

// Close stops intake, lets the subpool's queued tasks run, waits for them,
// and returns their errors joined, as Pool.Close does. Other tasks of the
// parent are not waited for, and the parent keeps running.
//
// Close is idempotent and safe from any goroutine. Called from inside one
// of the subpool's own tasks, it waits, as Pool.Close does, for the
// subpool's other runs on the parent's workers only, not for its own:
// the tasks still queued then run after the calling task returns, on its
// worker, and the errors returned are those so far. A Close from outside
// waits for everything.
func (s *Subpool) Close() error { return s.Shutdown(context.Background()) }

// Shutdown is Close with a limit on patience, as Pool.Shutdown is: once
// ctx is done, the subpool's running tasks see their context cancelled and
// its queued tasks are dropped unrun, counted Cancelled.
//
// Shutdown panics if ctx is nil.
func (s *Subpool) Shutdown(ctx context.Context) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Subpool.Shutdown")
	}
	if calledInside(s.parent, s) {
		return s.shutdownInside(ctx)
	}
	s.mu.Lock()
	s.closeLocked(ErrClosed)
	s.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
		<-s.done
	}
	s.cleanUp()
	s.mu.Lock()
	res := s.result
	s.mu.Unlock()
	return res
}

// shutdownInside is Shutdown called from inside one of the subpool's
// tasks: it waits until every run on the parent but the callers' own has
// ended, each caller's run being the one goroutine that waits. The queue
// is left to the callers' runs, which take it once their task returns; so
// the subpool finishes later, and cleans up then.
func (s *Subpool) shutdownInside(ctx context.Context) error {
	aborted := false
	if ctx.Err() != nil {
		// Already over: drop the queue now, even with no other run to
		// wait for, as Pool.Shutdown does.
		aborted = true
		s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
	}
	s.mu.Lock()
	s.closeLocked(ErrClosed)
	s.inside++
	for s.runs+s.starting > s.inside {
		ch := s.changed
		s.mu.Unlock()
		if aborted {
			<-ch
		} else {
			select {
			case <-ch:
			case <-ctx.Done():
				aborted = true
				s.abort(fmt.Errorf("pool: Shutdown: %w", ctx.Err()))
			}
		}
		s.mu.Lock()
	}
	s.inside--
	errs := s.errs
	s.mu.Unlock()
	go func() {
		<-s.done
		s.cleanUp()
	}()
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	return errors.Join(errs...)
}

// cleanUp is the end of a finished subpool: its context's watches stop and
// its context is released. It is idempotent.
func (s *Subpool) cleanUp() {
	s.spawns.Wait()
	s.watchOnce.Do(func() {
		if s.stopWatch != nil && !s.stopWatch() {
			<-s.watchDone
		}
	})
	s.mu.Lock()
	unlink := s.unlink
	s.unlink = nil
	s.mu.Unlock()
	if unlink != nil {
		unlink()
	}
	s.cancel(context.Canceled)
}

// callTask runs fn, turning a panic into a *task.PanicError.
func callTask(ctx context.Context, fn func(context.Context) error) (err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			if v := recover(); v != nil {
				err, panicked = &task.PanicError{Value: v, Stack: debug.Stack()}, true
			}
		}
	}()
	err = fn(ctx)
	normal = true
	return err, false
}
