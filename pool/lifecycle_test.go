package pool_test

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pool"
)

// A pool with idle workers accepts a TrySubmit, even a hand-off pool the
// instant New returns: ants' non-blocking submit, errgroup's TryGo and
// semaphore's TryAcquire all promise as much.
func TestTrySubmitOnAFreshPool(t *testing.T) {
	for round := range 100 {
		p := pool.New(4, pool.WithQueue(0))
		if err := p.TrySubmit(nop); err != nil {
			t.Fatalf("round %d: TrySubmit on a fresh idle pool: %v", round, err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// And on a pool that went idle after work.
	p := pool.New(2, pool.WithQueue(0))
	for range 10 {
		p.Submit(hangCtx(t), nop)
	}
	eventually(t, "idle", func() bool { return p.Stats().Running == 0 })
	for range 2 {
		if err := p.TrySubmit(nop); err != nil {
			t.Fatalf("TrySubmit on an idle pool: %v", err)
		}
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// concurrency records how many tasks run at once, at most.
type concurrency struct{ now, peak atomic.Int32 }

func (c *concurrency) task(context.Context) error {
	n := c.now.Add(1)
	for {
		m := c.peak.Load()
		if n <= m || c.peak.CompareAndSwap(m, n) {
			break
		}
	}
	for range 20 { // long enough to overlap with the others, if they may run
		runtime.Gosched()
	}
	c.now.Add(-1)
	return nil
}

// After Resize(n) returns, no more than n tasks start at once, even when
// the surplus workers were idle (errgroup's "switch limit", pond's resize).
func TestResizeShrinkIdle(t *testing.T) {
	rounds := 50
	if testing.Short() {
		rounds = 10
	}
	for round := range rounds {
		p := pool.New(8)
		// Let all eight start and go idle.
		g := newGate()
		fill(t, p, g, 8)
		g.open()
		eventually(t, "idle", func() bool { return p.Stats().Running == 0 })
		p.Resize(1)
		var c concurrency
		for range 20 {
			if err := p.Submit(hangCtx(t), c.task); err != nil {
				t.Fatal(err)
			}
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if n := c.peak.Load(); n > 1 {
			t.Fatalf("round %d: %d tasks ran at once after Resize(1)", round, n)
		}
	}
}

// Shutdown from inside a task with a context that has ended drops the
// queue, as its doc says, even when the caller's is the only live worker.
func TestShutdownFromInsideWithEndedContext(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	g := newGate()
	var queuedRan atomic.Bool
	inside := make(chan error, 1)
	if err := p.Submit(hangCtx(t), func(context.Context) error {
		if err := g.task(hangCtx(t)); err != nil {
			return err
		}
		inside <- p.Shutdown(ended)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "first task runs", func() bool { return g.waiting.Load() == 1 })
	if err := p.Submit(hangCtx(t), func(context.Context) error { queuedRan.Store(true); return nil }); err != nil {
		t.Fatal(err)
	}
	g.open()
	<-inside
	err := p.Close()
	if queuedRan.Load() {
		t.Fatal("the queued task ran after Shutdown's context had ended")
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v, want it to wrap context.Canceled", err)
	}
	if st := p.Stats(); st.Cancelled != 1 || st.Succeeded != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

// A pool stopped by WithContext's context or by WithFailFast refuses
// submits with an error that is ErrClosed and says why, so a submit loop
// that checks for ErrClosed sees the pool stop.
func TestStoppedPoolRefusesWithErrClosed(t *testing.T) {
	t.Run("WithContext", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		p := pool.New(2, pool.WithContext(parent))
		cancel()
		eventually(t, "stopped", func() bool { return p.Submit(context.Background(), nop) != nil })
		for _, err := range []error{p.Submit(context.Background(), nop), p.TrySubmit(nop)} {
			if !errors.Is(err, pool.ErrClosed) || !errors.Is(err, context.Canceled) {
				t.Fatalf("refused: %v, want ErrClosed and context.Canceled", err)
			}
		}
		p.Close()
	})
	t.Run("WithContextCause", func(t *testing.T) {
		why := errors.New("deploy")
		parent, cancel := context.WithCancelCause(context.Background())
		p := pool.New(2, pool.WithContext(parent))
		cancel(why)
		eventually(t, "stopped", func() bool { return p.Submit(context.Background(), nop) != nil })
		if err := p.Submit(context.Background(), nop); !errors.Is(err, pool.ErrClosed) || !errors.Is(err, why) {
			t.Fatalf("refused: %v, want ErrClosed and the cause", err)
		}
		p.Close()
	})
	t.Run("WithFailFast", func(t *testing.T) {
		boom := errors.New("boom")
		p := pool.New(2, pool.WithFailFast())
		p.Submit(context.Background(), func(context.Context) error { return boom })
		eventually(t, "stopped", func() bool { return p.Submit(context.Background(), nop) != nil })
		for _, err := range []error{p.Submit(context.Background(), nop), p.TrySubmit(nop)} {
			if !errors.Is(err, pool.ErrClosed) || !errors.Is(err, boom) {
				t.Fatalf("refused: %v, want ErrClosed and the task's error", err)
			}
		}
		p.Close()
	})
}

// Without WithQueue, a pool queues DefaultQueue tasks behind its busy
// workers before a submitter waits, or twice the workers if that is more,
// and no more.
func TestDefaultQueue(t *testing.T) {
	for _, workers := range []int{2, pool.DefaultQueue/2 + 100} {
		p := pool.New(workers)
		g := newGate()
		fill(t, p, g, workers)
		want := max(pool.DefaultQueue, 2*workers)
		for i := range want {
			if err := p.TrySubmit(nop); err != nil {
				t.Fatalf("%d workers: task %d of the default queue: %v", workers, i, err)
			}
		}
		if err := p.TrySubmit(nop); !errors.Is(err, pool.ErrFull) {
			t.Fatalf("%d workers: TrySubmit beyond the default queue: %v", workers, err)
		}
		if st := p.Stats(); st.Queued != want || st.Running != workers {
			t.Fatalf("%d workers: stats: %+v", workers, st)
		}
		g.open()
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

// Workers start with the tasks: New starts no goroutine, and a pool of
// many workers given few tasks starts no more than it needs.
//
// It counts the pools' worker goroutines by their stacks, not with
// runtime.NumGoroutine: that count is read without a lock while an earlier
// test's hundreds of workers are being freed, and was seen off by hundreds.
func TestWorkersStartOnDemand(t *testing.T) {
	eventually(t, "an earlier test's workers gone", func() bool { return workerGoroutines() == 0 })
	p := pool.New(64)
	if n := workerGoroutines(); n != 0 {
		t.Fatalf("New started %d workers", n)
	}
	g := newGate()
	fill(t, p, g, 3)
	if n := workerGoroutines(); n != 3 { // 3 blocked tasks: no fewer workers, and no more
		t.Fatalf("%d workers for 3 tasks", n)
	}
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

// workerGoroutines counts the goroutines running a pool's worker loop, of
// any pool, from every goroutine's stack.
func workerGoroutines() int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "baton/pool.(*core[...]).work(") {
			count++
		}
	}
	return count
}
