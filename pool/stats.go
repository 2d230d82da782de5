package pool

import "sync/atomic"

// Stats is a snapshot of a pool. The fields are read one after another
// while the pool runs, so they need not add up exactly at any instant; once
// Close has returned, every accepted task is in exactly one of Succeeded,
// Failed, Panicked and Cancelled:
//
//	Submitted == Succeeded + Failed + Panicked + Cancelled
type Stats struct {
	Workers int // workers wanted: the last New or Resize; 0 once all have exited
	Waiting int // submitters waiting in line for room in the queue
	Queued  int // tasks accepted that no worker has taken yet
	Running int // tasks being run

	Submitted int64 // tasks accepted
	Succeeded int64 // tasks that returned nil
	Failed    int64 // tasks that returned an error or called runtime.Goexit
	Panicked  int64 // tasks that panicked
	Cancelled int64 // tasks accepted but never run: the pool was stopped, or their group dropped them
	Rejected  int64 // submits refused: ErrFull, ErrClosed, a done context, a failed pool
}

// stats reads the pool's atomics, never mu: a pool whose workers are all
// held, or a reader polling in a tight loop, neither waits for the other.
//
// Under mu, every accepted task is in exactly one place: the queue, a
// worker's hands (busy: handed to it, or run and not yet tallied), or
// ended. Rather than a count of each, which would cost the submitter and
// the worker an atomic write apiece per task more, the pool keeps:
//
//   - accepted (seq), stored by the submitter;
//   - taken, stored by whoever hands a task to a worker or by the worker
//     that pops it, under mu, beside seq, on the line mu is on;
//   - busy, which moves only when a worker parks, leaves or is handed a
//     task while parked, as a worker that takes task after task keeps its
//     place;
//   - tallies of the tasks that did not succeed, which are rare.
//
// and Stats derives the rest: Queued = accepted - taken, ended = taken -
// busy, Succeeded = ended - the other tallies. In steady state that is one
// atomic write per task on each side, the submitter's and the worker's,
// both on the cache line each holds anyway while it holds mu.
//
// The atomics are read one after another while the pool runs, in an
// order that errs low: taken before busy before the tallies (each counted
// before the worker's place is given up) before accepted (read after the
// floor below). A task is in busy before it is counted taken (see take),
// so Succeeded may read short by the tasks that moved while Stats read,
// never over; readers keep the largest
// they returned (floor), so that it never goes back either, as a
// Prometheus counter must not. Queued is clamped to [0, the queue's
// capacity]. Once nothing moves (the workers parked, held in tasks, or
// gone after Close) the figures are exact.
func (c *core[R]) stats() Stats {
	taken := int64(c.taken.Load())
	busy := c.busy.Load()
	var t [skipped + 1]int64
	var other int64
	for i := range t {
		t[i] = c.tallies[i].Load()
		other += t[i]
	}
	succeeded := c.floor.raise(taken - busy - other)
	// Last, after the floor, which another reader may have raised from a
	// later reading than this one's.
	submitted := int64(c.seq.Load())
	return Stats{
		Workers:   int(c.wanted.Load()),
		Waiting:   int(max(c.waiting.Load(), 0)),
		Queued:    int(min(max(submitted-taken, 0), int64(c.qcap))),
		Running:   int(max(busy, 0)),
		Submitted: submitted,
		Succeeded: succeeded,
		Failed:    t[failed],
		Panicked:  t[panicked],
		Cancelled: t[cancelled] + t[skipped],
		Rejected:  c.rejected.Load(),
	}
}

// floor is the largest value of a derived counter that Stats has
// returned. Only readers touch it.
type floor struct{ v atomic.Int64 }

// raise returns the larger of n and the floor, raising the floor to n.
func (f *floor) raise(n int64) int64 {
	for {
		old := f.v.Load()
		if n <= old {
			return old
		}
		if f.v.CompareAndSwap(old, n) {
			return n
		}
	}
}
