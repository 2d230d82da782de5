package pool

import "context"

// Pool runs tasks on at most n workers that pull from one bounded queue,
// so a producer that outruns them waits instead of filling memory. All its
// methods are safe for concurrent use, including from inside its own tasks.
//
// A Pool starts a worker when a task arrives and fewer than n are running,
// and a worker with nothing to do parks until the next task (it costs no
// CPU then); no goroutine of the pool outlives Close or Shutdown.
type Pool struct {
	c *core[struct{}]
}

// New makes a pool of at most workers goroutines, started as tasks
// arrive. The queue holds DefaultQueue tasks (or twice the workers, if
// that is more) unless WithQueue says otherwise; WithContext and WithFailFast apply too. Unordered and
// WithWindow are for NewResults and are ignored here.
//
// New panics if workers < 1 or an option is nil.
func New(workers int, opts ...Option) *Pool {
	if workers < 1 {
		panic("pool: workers < 1 passed to New")
	}
	return &Pool{c: newCore[struct{}](workers, newConfig(workers, opts), nil)}
}

// Submit queues fn to run on a worker with the pool's context, waiting while
// the queue is full. Waiting submitters are served first come, first served,
// and one whose ctx ends leaves the line without holding up those behind it.
//
// Submit returns nil once fn is queued; fn's own error is reported by Close
// or Shutdown. Otherwise fn never runs, and the error says why: it wraps
// ctx.Err() if ctx was done before fn was queued (already when Submit was
// called, or while it waited); it is ErrClosed after Close or Shutdown
// began; and when WithContext's context ended or WithFailFast saw a
// failure, it wraps both ErrClosed and the cause, so a submit loop that
// checks errors.Is(err, ErrClosed) sees every way the pool stops.
//
// A task accepted at the very moment the pool is aborted (Shutdown's ctx
// ended, WithContext's context ended, WithFailFast) may be dropped unrun
// with the rest of the queue, and is counted Cancelled.
//
// Submit panics if ctx or fn is nil.
func (p *Pool) Submit(ctx context.Context, fn func(ctx context.Context) error) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Submit")
	}
	if fn == nil {
		panic("pool: nil fn passed to Submit")
	}
	return p.c.submit(ctx, job[struct{}]{run: fn})
}

// TrySubmit is Submit that never waits: when every worker is busy and the
// queue is full, or other submitters are waiting for room (the task would
// jump their line), it fails with ErrFull. A pool with fewer than n tasks
// running always accepts, even with WithQueue(0) and even the instant New
// returns: a worker is started or woken for the task.
//
// TrySubmit panics if fn is nil.
func (p *Pool) TrySubmit(fn func(ctx context.Context) error) error {
	if fn == nil {
		panic("pool: nil fn passed to TrySubmit")
	}
	return p.c.trySubmit(job[struct{}]{run: fn})
}

// Resize sets the number of workers, at any time. Workers start at once
// for the tasks queued, and on demand after that; surplus workers exit, the
// idle ones at once and the busy ones after the task in hand, so once
// Resize returns no task starts beyond n. After Close or Shutdown began it
// does nothing: the workers there drain the queue.
//
// Resize panics if n < 1.
func (p *Pool) Resize(n int) { p.c.resize(n) }

// Stats returns a snapshot of the pool's counters. It is cheap enough to
// poll, and takes no lock a worker takes: it reads counters the workers
// and submitters keep in atomics.
func (p *Pool) Stats() Stats { return p.c.stats() }

// Close stops intake, lets the queued tasks run, waits for every worker to
// exit, and returns every task error joined with errors.Join (a
// *task.PanicError for a panic, task.ErrGoexit for runtime.Goexit), or nil.
// Later submits fail with ErrClosed.
//
// Close is idempotent and safe from any goroutine: every call waits and
// returns the same result. Called from inside one of the pool's tasks, it
// waits for every other worker, not for its own task (which is still
// running), and returns the errors known so far.
func (p *Pool) Close() error { return p.c.shutdown(context.Background(), "Close") }

// Shutdown is Close with a limit on patience: once ctx is done, running
// tasks see their context cancelled and queued tasks are dropped unrun
// (counted Cancelled, and reported in the result by an error that wraps
// ctx's error). It still waits for every worker to exit, so no goroutine
// outlives it; tasks that ignore their context delay it.
//
// Like Close, Shutdown is idempotent, may race Close, and is safe from
// inside a task. It panics if ctx is nil.
func (p *Pool) Shutdown(ctx context.Context) error {
	if ctx == nil {
		panic("pool: nil ctx passed to Shutdown")
	}
	return p.c.shutdown(ctx, "Shutdown")
}
