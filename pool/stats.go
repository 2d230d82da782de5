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
