package pool

import (
	"context"
	"fmt"
	"sync"
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

	parentLink contextLink       // aborts the subpool when the parent's context ends; under mu
	abortFn    func(cause error) // abort, as a func value made once
	watchOnce  sync.Once
	done       chan struct{}
	spawns     sync.WaitGroup // goroutines replacing a run ended by runtime.Goexit

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
	s.abortFn = s.abort
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

func (s *Subpool) goroutineOn(t workerTag) *onGoroutine { return s.parent.goroutineOn(t) }

func (s *Subpool) submitOwned(ctx context.Context, t owned) error {
	return s.submit(ctx, &subTask{run: t.run, dropped: t.dropped}, true)
}

func (s *Subpool) trySubmitOwned(t owned) error {
	return s.submit(context.Background(), &subTask{run: t.run, dropped: t.dropped}, false)
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
