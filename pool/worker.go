package pool

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/baton-go/baton/task"
)

// worker is one of a pool's goroutines. Its tallies are written by it alone
// and read by Stats; the leading padding keeps two workers allocated side by
// side from sharing a cache line.
type worker struct {
	_         [64]byte
	running   atomic.Bool
	succeeded atomic.Int64
	failed    atomic.Int64
	panicked  atomic.Int64
	cancelled atomic.Int64
	taken     atomic.Int64  // tasks received: one of the four above, or running
	gid       atomic.Uint64 // its goroutine's id: lets Close see it is called from a task
	cur       uint64        // the sequence number of the job in hand

	idx     int           // in the core's all, under its life lock
	leaving bool          // it claimed a retirement; under the life lock
	wake    chan struct{} // a Results' worker waits here for room in the window
}

// startLocked starts n workers, allocated together. Callers hold the life
// lock.
func (c *core[R]) startLocked(n int) {
	ws := make([]worker, n)
	for i := range ws {
		w := &ws[i]
		if c.out != nil {
			w.wake = make(chan struct{}, 1)
		}
		w.idx = len(c.all)
		c.all = append(c.all, w)
		go c.work(w)
	}
}

// work is a worker's loop: receive, run, repeat, until the queue is
// disconnected and drained (the pool stopped taking tasks) or Resize
// retires the worker.
//
// A task that calls runtime.Goexit ends the goroutine whatever anyone does;
// the deferred function then records ErrGoexit and starts a goroutine that
// takes the worker's place, so the pool keeps its size.
func (c *core[R]) work(w *worker) {
	w.gid.Store(goid())
	finished := false
	defer func() {
		if finished {
			c.exit(w)
			return
		}
		w.running.Store(false)
		w.failed.Add(1)
		if c.out != nil {
			var zero R
			c.out.put(w.cur, zero, task.ErrGoexit)
		}
		c.failure(task.ErrGoexit, c.out == nil)
		go c.work(w)
	}()
	for {
		j, err := c.recv(w)
		if err != nil {
			finished = true
			return
		}
		w.taken.Add(1)
		c.handle(w, j)
	}
}

// recv takes the next task, or fails once the queue is disconnected and
// drained, or the worker is retired.
//
// An idle worker parks at once. Yielding a few times first, to meet a
// producer about to send, was measured (W2 of bench/poolbench): it made
// tiny tasks slower, because on a small machine the yielding worker takes
// the processor the producer needs.
func (c *core[R]) recv(w *worker) (job[R], error) {
	for {
		if c.retire.Load() > 0 && c.tryRetire(w) {
			return job[R]{}, errRetired
		}
		j, err := c.rx.RecvContext(c.idle.Load().ctx)
		if err == nil || !isCtxErr(err) {
			return j, err
		}
		// Resize woke the idle workers: see whether one should leave.
	}
}

var errRetired = errors.New("pool: worker retired")

func isCtxErr(err error) bool {
	return err == context.Canceled || err == context.DeadlineExceeded
}

func (c *core[R]) handle(w *worker, j job[R]) {
	w.cur = j.seq
	if c.ctx.Err() != nil {
		// Aborted: queued tasks are dropped, never run. A Results still
		// owes the reader a result for each.
		w.cancelled.Add(1)
		if c.out != nil {
			c.out.cancelled(w, j.seq, c.ctx)
		}
		if j.dropped != nil { // hook for owned tasks
			j.dropped()
		}
		return
	}
	w.running.Store(true)
	var err error
	var panicked bool
	if j.run != nil {
		err, panicked = call(c.ctx, j.run)
	} else {
		var ran bool
		if panicked, ran, err = c.out.exec(w, c.ctx, j); !ran {
			w.running.Store(false)
			w.cancelled.Add(1)
			return
		}
	}
	w.running.Store(false)
	switch {
	case err == nil:
		w.succeeded.Add(1)
	// Hook for owned tasks: their owner keeps the error, so a shared pool
	// does not pile up every group's errors, and a group's failure does not
	// stop a WithFailFast pool.
	case err == errOwnedFailed:
		w.failed.Add(1)
	case err == errOwnedPanicked:
		w.panicked.Add(1)
	case err == errOwnedSkipped:
		c.skipped.Add(1)
	case panicked:
		w.panicked.Add(1)
		c.failure(err, c.out == nil)
	default:
		w.failed.Add(1)
		c.failure(err, c.out == nil)
	}
}

// call runs fn, turning a panic into a *task.PanicError. On runtime.Goexit
// it never returns; the worker's deferred function takes over.
func call(ctx context.Context, fn func(context.Context) error) (err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			err, panicked = &task.PanicError{Value: recover(), Stack: debug.Stack()}, true
		}
	}()
	err = fn(ctx)
	normal = true
	return err, false
}

// callGet is call for a Results' task.
func callGet[R any](ctx context.Context, fn func(context.Context) (R, error)) (v R, err error, panicked bool) {
	normal := false
	defer func() {
		if !normal {
			var zero R
			v, err, panicked = zero, &task.PanicError{Value: recover(), Stack: debug.Stack()}, true
		}
	}()
	v, err = fn(ctx)
	normal = true
	return v, err, false
}

// stackBufs lends goid its buffer, which runtime.Stack makes escape.
var stackBufs = sync.Pool{New: func() any { return new([64]byte) }}

// goid returns the calling goroutine's id, read from the first line of its
// stack trace ("goroutine 42 [running]:"). Go offers no other way to ask
// "am I one of this pool's workers?", which Close must know to avoid
// waiting for itself. It costs about a microsecond, paid once per worker
// start and once per Close, never per task.
func goid() uint64 {
	buf := stackBufs.Get().(*[64]byte)
	defer stackBufs.Put(buf)
	b := bytes.TrimPrefix(buf[:runtime.Stack(buf[:], false)], []byte("goroutine "))
	var id uint64
	for _, d := range b {
		if d < '0' || d > '9' {
			break
		}
		id = id*10 + uint64(d-'0')
	}
	return id // 0, never a goroutine's id, if the format ever changes
}
