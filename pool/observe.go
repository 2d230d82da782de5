package pool

import (
	"context"
	"runtime/pprof"
	"slices"
	"strconv"
	"sync"
	"time"
)

// TaskObserver receives the timing of every task a pool runs. TaskDone is
// called on the worker goroutine right after the task returns, so it must
// be fast and must not block: a slow observer slows the pool it watches.
type TaskObserver interface {
	// TaskDone reports one task: waited is the time from its acceptance
	// (Submit or TrySubmit returning nil) to its start, ran its run time.
	TaskDone(waited, ran time.Duration)
}

// RunningTask is a task being run now, as Running reports it.
type RunningTask struct {
	Seq     uint64    // the task's number in acceptance order, from 0
	Worker  int       // the worker running it: the value of its "baton.worker" pprof label
	Started time.Time // when it started
}

// observer is an attached TaskObserver with its name. A new one is made at
// each Observe, so a worker notices a change by comparing pointers.
type observer struct {
	name string
	o    TaskObserver
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

// epoch is the origin of the pool's monotonic clock readings: a task's
// acceptance time is stored as the nanoseconds since epoch, one word in
// its queue slot instead of a time.Time's three.
var epoch = time.Now()

func now() int64 { return int64(time.Since(epoch)) }

// Observe attaches o under name, replacing any observer attached before; a
// nil o detaches. While an observer is attached, the pool reads the clock
// twice per task, keeps track of the tasks running for Running, and its
// worker goroutines carry the pprof labels "baton.pool" = name and
// "baton.worker" = the worker's number, so a CPU or goroutine profile can
// be split by pool and worker. Detached, none of this costs anything.
//
// Tasks accepted before Observe was called report a waited time of 0.
func (p *Pool) Observe(name string, o TaskObserver) { p.c.observe(name, o) }

// Observe attaches o under name, as Pool.Observe does.
func (r *Results[T]) Observe(name string, o TaskObserver) { r.c.observe(name, o) }

// Running returns the tasks being run now, oldest first, or nil while no
// observer is attached. A task that started before the observer was
// attached is not listed.
func (p *Pool) Running() []RunningTask { return p.c.running() }

// Running returns the tasks being run now, as Pool.Running does.
func (r *Results[T]) Running() []RunningTask { return r.c.running() }

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
