package pipeline

import (
	"context"
	"errors"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/internal/errjoin"
	"github.com/baton-go/baton/task"
)

// errSinkStopped is what messages left in the pipeline are settled with
// when the consumer of All broke out of its loop.
var errSinkStopped = errors.New("pipeline: the sink stopped before taking the item")

// runIDs numbers the runs that have a stall report.
var runIDs atomic.Int64

// run is one execution of a graph: the stages' goroutines, the context that
// stops them, and what went wrong.
//
// A run is built in two phases. Building the sink walks the graph from the
// sink to the sources; each stage makes its channel and registers the
// goroutines it needs, but none starts. Then checks run (every fan-out
// branch must have a consumer), and only if they pass do the goroutines
// start. So a mistake in the graph panics before anything runs, and nothing
// has to be torn down.
type run struct {
	parent  context.Context
	ctx     context.Context // cancelled at the first error (unless collecting), and at the end
	cancel  context.CancelCauseFunc
	collect bool
	mon     *Monitor
	stall   *stallConfig // nil without WithStallReport
	epoch   time.Time    // the origin of the stats' clock
	all     []*stageStats
	watch   *watcher
	id      string // with a stall report: tells its goroutines apart in a profile

	memo     map[any]any // per-run state of nodes reached from several branches
	pending  []stageFunc
	checks   []func()
	cleanups []func(cause error)
	handles  []stageHandle

	mu   sync.Mutex
	errs []error // *StageError values, in the order they happened

	// stopped records that some stage stopped before its input ended,
	// because the context was done. A stage that stops closes its output
	// like one that finished, so without this flag the sink could not tell
	// a complete result from a cut-short one.
	stopped atomic.Bool

	// goexits counts the callbacks that ended their goroutine with
	// runtime.Goexit and were recorded, with their item, by inFlight; the
	// goroutine's own ErrGoexit is then not recorded a second time.
	goexits atomic.Int64
}

type stageFunc struct {
	name string
	st   *stageStats
	fn   func(ctx context.Context, p *probe)
}

type stageHandle struct {
	name string
	h    *task.Handle[struct{}]
}

func newRun(parent context.Context, c config) *run {
	ctx, cancel := context.WithCancelCause(parent)
	r := &run{parent: parent, ctx: ctx, cancel: cancel, collect: c.collect, mon: c.monitor, stall: c.stall, memo: map[any]any{}}
	if r.mon != nil {
		r.mon.reset()
	}
	if r.mon != nil || r.stall != nil {
		r.epoch = time.Now()
	}
	if r.stall != nil {
		r.id = strconv.FormatInt(runIDs.Add(1), 10)
	}
	return r
}

// checkContext panics on a nil ctx, as the standard library does.
func checkContext(ctx context.Context, where string) {
	if ctx == nil {
		panic("pipeline: nil Context passed to " + where)
	}
}

// spawn registers a goroutine of the stage name, whose counters are st
// (nil without a monitor); start starts it. fn gets the goroutine's own
// probe of st.
func (r *run) spawn(name string, st *stageStats, fn func(ctx context.Context, p *probe)) {
	r.pending = append(r.pending, stageFunc{name, st, fn})
}

// start runs the checks and then every registered goroutine. Each runs
// under task.Spawn, so a panic outside a callback (a bug, or an iterator
// that panics) or a runtime.Goexit in a callback is caught and reported as
// the stage's error instead of killing the process or hanging the sink; and
// with a pprof label naming its stage, so a profile shows which stage burns
// the CPU.
func (r *run) start() {
	for _, check := range r.checks {
		func() {
			defer func() {
				if p := recover(); p != nil {
					r.cancel(nil)
					panic(p)
				}
			}()
			check()
		}()
	}
	for _, sf := range r.pending {
		h := task.Spawn(func() (struct{}, error) {
			clean := false
			defer func() {
				if !clean {
					r.cancel(errors.New("pipeline: stage " + sf.name + " ended abnormally"))
				}
			}()
			p := sf.st.probe()
			if p != nil {
				defer p.exit()
			}
			pprof.Do(r.ctx, r.labels(sf.name), func(ctx context.Context) { sf.fn(ctx, p) })
			clean = true
			return struct{}{}, nil
		})
		r.handles = append(r.handles, stageHandle{sf.name, h})
	}
	r.pending = nil
	if r.stall != nil {
		r.watch = startWatcher(r)
	}
}

// labels are the pprof labels of a stage goroutine. With a stall report
// they also name the run, so that its goroutines are told apart from those
// of another run with the same stage names.
func (r *run) labels(stage string) pprof.LabelSet {
	if r.stall != nil {
		return pprof.Labels("pipeline.stage", stage, "pipeline.run", r.id)
	}
	return pprof.Labels("pipeline.stage", stage)
}

// finish waits for every goroutine, settles what is left in the channels and
// returns the run's error.
func (r *run) finish() error {
	for _, sh := range r.handles {
		if _, err := sh.h.Join(); err != nil {
			if errors.Is(err, task.ErrGoexit) && r.goexits.Add(-1) >= 0 {
				continue // inFlight recorded it, with the item
			}
			r.record(&StageError{Stage: sh.name, Index: -1, Err: err})
		}
	}
	if r.watch != nil {
		r.watch.stop()
	}
	cause := r.cause()
	r.cancel(nil)
	for _, c := range r.cleanups {
		c(cause)
	}
	return r.result()
}

// fail records a stage's error. Unless the run collects errors, it cancels
// the run so that every stage stops, and returns false: the stage should
// stop too. Only the first error is kept then; those that follow are
// usually echoes of the cancellation.
func (r *run) fail(err *StageError) bool {
	r.record(err)
	if r.collect {
		return true
	}
	r.cancel(err)
	return false
}

func (r *run) record(err *StageError) {
	r.mu.Lock()
	if r.collect || len(r.errs) == 0 {
		r.errs = append(r.errs, err)
	}
	r.mu.Unlock()
	if !r.collect {
		r.cancel(err)
	}
}

// ended notes why a stage's input ended: a disconnection is the normal end
// of the stream; anything else (the context) means the run was cut short.
func (r *run) ended(err error) {
	if !errors.Is(err, channel.ErrDisconnected) {
		r.stopped.Store(true)
	}
}

// cause is why the pipeline stops: the first error, the parent's cause, or
// errSinkStopped.
func (r *run) cause() error {
	if err := context.Cause(r.ctx); err != nil {
		return err
	}
	return context.Canceled
}

// result is the sink's error: the first stage error (or, when collecting,
// every one of them joined), then the parent ctx's error if the parent
// ended while the run was still going.
func (r *run) result() error {
	r.mu.Lock()
	errs := append([]error(nil), r.errs...)
	r.mu.Unlock()
	if r.stopped.Load() && r.parent.Err() != nil && (r.collect || len(errs) == 0) {
		errs = append(errs, r.parent.Err())
	}
	return errjoin.Join(errs)
}
