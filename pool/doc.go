// Package pool runs tasks on at most n workers that pull from one bounded
// queue, so a producer that outruns the workers waits instead of filling
// memory.
//
//	p := pool.New(8)
//	for _, job := range jobs {
//		if err := p.Submit(ctx, func(ctx context.Context) error { return handle(ctx, job) }); err != nil {
//			break // ctx ended while the queue was full, or the pool stopped
//		}
//	}
//	err := p.Close() // waits for the queued tasks; every task error, joined
//
// The queue holds DefaultQueue (1024) tasks, or twice the workers if that
// is more, unless WithQueue says otherwise. Workers start on demand, up to n, and park when there is
// nothing to do; while they keep up, a task costs a submit and a take from
// a ring under one mutex, with no hand-off between goroutines. Besides
// speed, the package gives what the usual Go pools leave out:
//
//   - Submit waits for room until its context ends; waiting submitters are
//     served first come, first served, and one that gives up strands nobody.
//   - A refused task never runs, and the error says why: ErrFull, ErrClosed,
//     or the context's error. Submitting to a closed pool is an error, never
//     a panic.
//   - A panic or runtime.Goexit in a task becomes an error (a
//     *task.PanicError with the stack, or task.ErrGoexit), and the pool
//     keeps its workers.
//   - Close and Shutdown return every task error, joined, not only the
//     first. They are idempotent, and safe from inside a task.
//   - No goroutine exists before the first task, and none outlives Close
//     or Shutdown. An idle pool uses no CPU: its workers are parked.
//   - In steady state the pool allocates nothing per task; the closure a
//     caller passes is the caller's.
//
// # Results
//
// NewResults is a pool whose tasks return values, read back in submission
// order with All, an iter.Seq2. A result finished ahead of a slow one waits
// in a reorder window of bounded size; when it is full, workers wait rather
// than start more, so memory stays bounded. Breaking out of the range stops
// the pool and waits for it.
//
// # Groups and subpools
//
// A Group is the tasks of one request or batch job on the process's shared
// pool, waited for together: Pool.Group(ctx) returns one, its Submit puts a
// task in the pool's queue, in the pool's first-come-first-served line, and
// its Wait waits for the group's own tasks only, whatever other groups do,
// and returns their errors, joined. With CancelOnError the first error
// cancels the group's context, as errgroup.WithContext's does. When the
// group's context ends, or Stop is called, its queued tasks are dropped
// unrun (counted Cancelled) and other groups' are not touched. A group's
// errors, panics and runtime.Goexit calls are its own: the pool counts
// them in Stats but its Close does not return them, and they do not stop a
// WithFailFast pool. NewResultGroup[T] is a group whose tasks return
// values, handed back by Wait in the group's own submission order.
//
// A Subpool is a smaller limit inside a pool: Pool.Subpool(n) runs at most
// n of its tasks at once, on the parent's workers, within the parent's
// limit. It has the pool's methods: Submit waits for room in its own queue,
// first come first served; Close waits for its own tasks only and returns
// their errors; Stats counts its own tasks; Resize, Group and Subpool work
// on it as on a pool.
//
// Called from inside one of its own tasks, a Subpool's Close waits for the
// subpool's other tasks, not for itself, as Pool.Close does. A Group's Wait
// called from inside one of the group's own tasks returns an error instead
// of waiting for itself.
//
// # Observing
//
// Observe attaches a TaskObserver that gets every task's waiting and
// running time; while one is attached, Running lists the tasks in hand
// and the workers carry pprof labels. With none attached it costs nothing.
//
// # Serve
//
// Serve runs n workers over anything with a RecvContext method — a baton
// channel's Receiver, a JetStream receiver — until it disconnects or the
// context ends: many consumers pulling from one queue. Closing the
// receiver ends Serve cleanly too. A receiver that also implements
// AckReceiver has each message settled after its handler ran.
//
// # Misuse
//
// A nil task, context, receiver or option, workers < 1, WithQueue(n < 0)
// and WithWindow(w < 1) are programming errors: they panic at the call,
// with a message naming the argument.
package pool
