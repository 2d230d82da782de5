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
