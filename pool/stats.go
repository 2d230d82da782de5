package pool

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
	Cancelled int64 // tasks accepted but never run, because the pool was stopped
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
//   - accepted, stored by the submitter;
//   - each worker's took, the number of the task it took last: tasks are
//     taken in acceptance order, so the largest is the count taken;
//   - busy, which moves only when a worker parks, leaves or is handed a
//     task while parked, as a worker that takes task after task keeps its
//     place;
//   - tallies of the tasks that did not succeed, which are rare.
//
// and Stats derives the rest: Queued = accepted - taken, ended = taken -
// busy, Succeeded = ended - the other tallies. In steady state a task
// costs one atomic store on each side, as a count under mu cost nothing
// more before.
//
// The atomics are read one after another while the pool runs, and a
// worker's took is stored after it took the task, so a figure may be off
// by the tasks in flight; each is clamped at 0. Once nothing moves (the
// workers parked, held in tasks, or gone after Close) they are exact.
func (c *core[R]) stats() Stats {
	var t [skipped + 1]int64
	var other int64
	for i := range t {
		t[i] = c.tallies[i].Load()
		other += t[i]
	}
	busy := c.busy.Load()
	var taken int64
	if p := c.structs.Load(); p != nil {
		for _, w := range *p {
			taken = max(taken, int64(w.took.Load()))
		}
	}
	submitted := int64(c.accepted.Load())
	return Stats{
		Workers:   int(c.wanted.Load()),
		Waiting:   int(max(c.waiting.Load(), 0)),
		Queued:    int(max(submitted-taken, 0)),
		Running:   int(max(busy, 0)),
		Submitted: submitted,
		Succeeded: max(taken-busy-other, 0),
		Failed:    t[failed],
		Panicked:  t[panicked],
		Cancelled: t[cancelled] + t[skipped],
		Rejected:  c.rejected.Load(),
	}
}
