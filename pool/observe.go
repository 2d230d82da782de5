package pool

import (
	"context"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"time"
)

// SampleEvery is how sparsely an attached TaskObserver hears of tasks: of
// the tasks a pool accepts while it is attached, the first and every
// SampleEvery-th after it, in acceptance order, are timed and reported.
//
// Timing a task takes a clock read at its acceptance, its start and its
// end, some 30ns each on a virtual machine, and the observer's work: on a
// task that costs the pool about 100ns, timing every one would more than
// double its cost, and timing one in 64 still cost W2 (tiny tasks, one
// submitter) 2% of its time, measured against a hook that samples none;
// one in 256 costs it about half a percent, and still times thousands of
// tasks a second on a busy pool. A sample in acceptance order is blind to
// how long tasks take, so the reported times are distributed like all the
// tasks' times (unless the workload itself repeats with a period of
// SampleEvery); the exact counts of tasks are Stats'.
const SampleEvery = 256

// TaskObserver receives the timing of a sample of the tasks a pool runs:
// one in SampleEvery. TaskDone is called on the worker goroutine right
// after the task returns, so it must be fast and must not block: a slow
// observer slows the pool it watches.
type TaskObserver interface {
	// TaskDone reports one sampled task: waited is the time from its
	// acceptance (Submit or TrySubmit returning nil) to its start, ran
	// its run time.
	TaskDone(waited, ran time.Duration)
}

// RunningTask is a task being run now, as Running reports it.
type RunningTask struct {
	Seq    uint64 // the task's number in acceptance order, from 0
	Worker int    // the worker running it: the value of its "baton.worker" pprof label
	// Started is when Running first saw the task running: the pool does
	// not read the clock as each task starts. The task started at or
	// before it, so the age taken from it is a lower bound; a reader who
	// polls Running sees the age of a task that stays grow from its first
	// call on.
	Started time.Time
}

// observer is an attached TaskObserver with its name. A new one is made at
// each Observe, so a worker notices a change by comparing pointers.
type observer struct {
	name string
	o    TaskObserver
	from uint64 // the number of the first task accepted under it: sampled
	// labels is the context whose pprof labels the workers carry, one per
	// worker number, built on first use.
	mu     sync.Mutex
	labels map[int]context.Context
}

// labelsFor returns the labelled context of worker number n.
func (ob *observer) labelsFor(n int) context.Context {
	ob.mu.Lock()
	defer ob.mu.Unlock()
	if ob.labels == nil {
		ob.labels = make(map[int]context.Context)
	}
	ctx, ok := ob.labels[n]
	if !ok {
		ctx = pprof.WithLabels(context.Background(), pprof.Labels("baton.pool", ob.name, "baton.worker", strconv.Itoa(n)))
		ob.labels[n] = ctx
	}
	return ctx
}

// stamp returns the acceptance time of task number seq if ob samples it,
// else 0.
func (ob *observer) stamp(seq uint64) int64 {
	if (seq-ob.from)%SampleEvery != 0 {
		return 0
	}
	return max(now(), 1)
}

// report tells the observer of a sampled task accepted at at and started
// at start, which has just ended.
func (ob *observer) report(at, start int64) {
	end := now()
	waited := time.Duration(0)
	if start > at {
		waited = time.Duration(start - at)
	}
	ob.o.TaskDone(waited, time.Duration(max(end-start, 0)))
}

// epoch is the origin of the pool's monotonic clock readings: a task's
// acceptance time is stored as the nanoseconds since epoch, one word in
// its queue slot instead of a time.Time's three.
var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) }

// Observe attaches o under name, replacing any observer attached before; a
// nil o detaches. While an observer is attached, the pool times one task
// in SampleEvery for it, Running lists the tasks in hand, and the worker
// goroutines carry the pprof labels "baton.pool" = name and
// "baton.worker" = the worker's number, so a CPU or goroutine profile can
// be split by pool and worker. Detached, none of this costs anything.
//
// Tasks accepted before Observe was called, or run after o was detached or
// replaced, are not reported to it.
func (p *Pool) Observe(name string, o TaskObserver) { p.c.observe(name, o) }

// Observe attaches o under name, as Pool.Observe does.
func (r *Results[T]) Observe(name string, o TaskObserver) { r.c.observe(name, o) }

// Running returns the tasks being run now, oldest first, or nil while no
// observer is attached. Like the observer's reports, it lists only tasks
// accepted since the observer was attached. A task that has just returned
// may still be listed, until its worker takes the next or parks.
//
// It takes no lock a worker takes: while an observer is attached, each
// worker publishes the number of the task it takes in an atomic of its
// own, and Running reads them. Calls to Running wait for each other, never
// for the pool.
func (p *Pool) Running() []RunningTask { return p.c.running() }

// Running returns the tasks being run now, as Pool.Running does.
func (r *Results[T]) Running() []RunningTask { return r.c.running() }

func (c *core[R]) running() []RunningTask {
	ob := c.obs.Load()
	if ob == nil {
		return nil
	}
	structs := c.structs.Load()
	if structs == nil {
		return nil
	}
	c.runMu.Lock()
	defer c.runMu.Unlock()
	t := time.Now()
	var out []RunningTask
	for _, w := range *structs {
		if w.out.Load() {
			continue
		}
		took := w.took.Load()
		// Before the observer came, workers published nothing: a number
		// older than its first is a task long ended, or one not shown.
		if took == 0 || took-1 < ob.from {
			continue
		}
		if took != w.seen {
			w.seen, w.seenAt = took, t
		}
		out = append(out, RunningTask{Seq: took - 1, Worker: w.num, Started: w.seenAt})
	}
	sortRunning(out)
	return out
}

// sortRunning orders running tasks oldest first; ties by acceptance.
func sortRunning(ts []RunningTask) {
	slices.SortFunc(ts, func(a, b RunningTask) int {
		if c := a.Started.Compare(b.Started); c != 0 {
			return c
		}
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
}
