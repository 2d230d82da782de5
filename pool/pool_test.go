package pool_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

func nop(context.Context) error { return nil }

// gate blocks tasks until opened, and counts how many are blocked on it.
type gate struct {
	ch      chan struct{}
	waiting atomic.Int64
	once    sync.Once
}

func newGate() *gate { return &gate{ch: make(chan struct{})} }

func (g *gate) open() { g.once.Do(func() { close(g.ch) }) }

// task waits for the gate, or for its context.
func (g *gate) task(ctx context.Context) error {
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	select {
	case <-g.ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fill occupies every worker of p with g and waits until they all run.
func fill(t *testing.T, p *pool.Pool, g *gate, workers int) {
	t.Helper()
	for range workers {
		if err := p.Submit(hangCtx(t), g.task); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "workers busy", func() bool { return g.waiting.Load() == int64(workers) })
}

func TestBadInput(t *testing.T) {
	var nilCtx context.Context // a variable, so that linters let the bad input under test through
	mustPanicWith(t, "workers", func() { pool.New(0) })
	mustPanicWith(t, "workers", func() { pool.New(-1) })
	mustPanicWith(t, "workers", func() { pool.NewResults[int](0) })
	mustPanicWith(t, "WithQueue", func() { pool.WithQueue(-1) })
	mustPanicWith(t, "ctx", func() { pool.WithContext(nilCtx) })
	mustPanicWith(t, "WithWindow", func() { pool.WithWindow(0) })
	mustPanicWith(t, "Option", func() { pool.New(1, nil) })

	p := pool.New(1)
	defer p.Close()
	mustPanicWith(t, "ctx", func() { p.Submit(nilCtx, nop) })
	mustPanicWith(t, "fn", func() { p.Submit(context.Background(), nil) })
	mustPanicWith(t, "fn", func() { p.TrySubmit(nil) })
	mustPanicWith(t, "Resize", func() { p.Resize(0) })
	mustPanicWith(t, "ctx", func() { p.Shutdown(nilCtx) })

	r := pool.NewResults[int](1)
	defer func() {
		r.Close()
		for range r.All() {
		}
	}()
	mustPanicWith(t, "ctx", func() { r.Submit(nilCtx, func(context.Context) (int, error) { return 0, nil }) })
	mustPanicWith(t, "fn", func() { r.Submit(context.Background(), nil) })
	mustPanicWith(t, "fn", func() { r.TrySubmit(nil) })
	mustPanicWith(t, "Resize", func() { r.Resize(-3) })

	rx := make(fakeRx)
	mustPanicWith(t, "ctx", func() { pool.Serve(nilCtx, rx, 1, handleInt) })
	mustPanicWith(t, "rx", func() { pool.Serve[int](context.Background(), nil, 1, handleInt) })
	mustPanicWith(t, "fn", func() { pool.Serve[int](context.Background(), rx, 1, nil) })
	mustPanicWith(t, "workers", func() { pool.Serve(context.Background(), rx, 0, handleInt) })
}

func TestSubmitRunsEveryTask(t *testing.T) {
	for _, q := range []int{0, 1, 3, 64} {
		t.Run(fmt.Sprint("queue=", q), func(t *testing.T) {
			p := pool.New(3, pool.WithQueue(q))
			var ran [500]atomic.Int32
			for i := range ran {
				if err := p.Submit(hangCtx(t), func(context.Context) error { ran[i].Add(1); return nil }); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			for i := range ran {
				if n := ran[i].Load(); n != 1 {
					t.Fatalf("task %d ran %d times", i, n)
				}
			}
			st := p.Stats()
			if st.Submitted != 500 || st.Succeeded != 500 || st.Queued != 0 || st.Running != 0 || st.Workers != 0 {
				t.Fatalf("stats after Close: %+v", st)
			}
		})
	}
}

func TestSubmitDoneContext(t *testing.T) {
	p := pool.New(1)
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	err := p.Submit(ctx, func(context.Context) error { ran = true; return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Submit with a done ctx: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("a refused task ran")
	}
	if st := p.Stats(); st.Rejected != 1 || st.Submitted != 0 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestSubmitGivesUpWhileFull(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	g := newGate()
	fill(t, p, g, 1)
	if err := p.Submit(hangCtx(t), nop); err != nil { // the queue's one slot
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	done := make(chan error)
	ran := atomic.Bool{}
	go func() { done <- p.Submit(ctx, func(context.Context) error { ran.Store(true); return nil }) }()
	eventually(t, "submitter waiting", func() bool { return p.Stats().Waiting == 1 })
	why := errors.New("changed my mind")
	cancel(why)
	err := <-done
	if !errors.Is(err, context.Canceled) || !errors.Is(err, why) {
		t.Fatalf("Submit that gave up: %v", err)
	}
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if ran.Load() {
		t.Fatal("a task whose Submit gave up ran")
	}
}

func TestSubmitAfterClose(t *testing.T) {
	p := pool.New(2)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Submit(context.Background(), nop); !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("Submit after Close: %v", err)
	}
	if err := p.TrySubmit(nop); !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("TrySubmit after Close: %v", err)
	}
	p.Resize(5) // does nothing
	if st := p.Stats(); st.Workers != 0 || st.Rejected != 2 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestCloseWakesWaitingSubmitters(t *testing.T) {
	p := pool.New(1, pool.WithQueue(0))
	g := newGate()
	fill(t, p, g, 1)
	errs := make(chan error, 5)
	for range 5 {
		go func() { errs <- p.Submit(hangCtx(t), nop) }()
	}
	eventually(t, "submitters waiting", func() bool { return p.Stats().Waiting == 5 })
	closed := make(chan error)
	go func() { closed <- p.Close() }()
	for range 5 {
		if err := <-errs; !errors.Is(err, pool.ErrClosed) {
			t.Fatalf("waiting Submit at Close: %v", err)
		}
	}
	g.open()
	if err := <-closed; err != nil {
		t.Fatal(err)
	}
}

func TestTrySubmit(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	g := newGate()
	fill(t, p, g, 1)
	if err := p.TrySubmit(nop); err != nil {
		t.Fatalf("TrySubmit with room: %v", err)
	}
	if err := p.TrySubmit(nop); !errors.Is(err, pool.ErrFull) {
		t.Fatalf("TrySubmit on a full queue: %v", err)
	}
	g.open()
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if st := p.Stats(); st.Submitted != 2 || st.Rejected != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestTrySubmitDoesNotJumpTheLine(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	g := newGate()
	fill(t, p, g, 1)
	if err := p.Submit(hangCtx(t), nop); err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() { done <- p.Submit(hangCtx(t), nop) }()
	eventually(t, "submitter waiting", func() bool { return p.Stats().Waiting == 1 })
	// Room appears only for the waiting submitter: TrySubmit must not take it.
	if err := p.TrySubmit(nop); !errors.Is(err, pool.ErrFull) {
		t.Fatalf("TrySubmit with a submitter waiting: %v", err)
	}
	g.open()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestHandOff(t *testing.T) {
	p := pool.New(1, pool.WithQueue(0))
	g := newGate()
	fill(t, p, g, 1)
	if err := p.TrySubmit(nop); !errors.Is(err, pool.ErrFull) {
		t.Fatalf("TrySubmit with no idle worker: %v", err)
	}
	if st := p.Stats(); st.Queued != 0 {
		t.Fatalf("hand-off pool queued a task: %+v", st)
	}
	g.open()
	// Once the worker is idle again, a hand-off succeeds.
	eventually(t, "TrySubmit to an idle worker", func() bool { return p.TrySubmit(nop) == nil })
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestEveryErrorJoined(t *testing.T) {
	p := pool.New(3)
	var want []error
	for i := range 20 {
		err := fmt.Errorf("task %d", i)
		want = append(want, err)
		if err := p.Submit(hangCtx(t), func(context.Context) error { return err }); err != nil {
			t.Fatal(err)
		}
		if err := p.Submit(hangCtx(t), nop); err != nil {
			t.Fatal(err)
		}
	}
	err := p.Close()
	for _, w := range want {
		if !errors.Is(err, w) {
			t.Fatalf("Close's error lacks %v: %v", w, err)
		}
	}
	if st := p.Stats(); st.Failed != 20 || st.Succeeded != 20 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestPanicAndGoexitAreErrors(t *testing.T) {
	p := pool.New(1) // one worker: it must survive both
	boom := errors.New("boom")
	if err := p.Submit(hangCtx(t), func(context.Context) error { panic(boom) }); err != nil {
		t.Fatal(err)
	}
	if err := p.Submit(hangCtx(t), func(context.Context) error { runtime.Goexit(); return nil }); err != nil {
		t.Fatal(err)
	}
	if err := p.Submit(hangCtx(t), func(context.Context) error { panic("plain") }); err != nil {
		t.Fatal(err)
	}
	var after atomic.Int32
	for range 10 {
		if err := p.Submit(hangCtx(t), func(context.Context) error { after.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	err := p.Close()
	var pe *task.PanicError
	switch {
	case !errors.Is(err, boom) || !errors.Is(err, task.ErrPanicked) || !errors.As(err, &pe):
		t.Fatalf("panic not reported as a *task.PanicError: %v", err)
	case len(pe.Stack) == 0:
		t.Fatal("panic error without a stack")
	case !errors.Is(err, task.ErrGoexit):
		t.Fatalf("Goexit not reported: %v", err)
	case after.Load() != 10:
		t.Fatalf("tasks after the panic and Goexit ran %d times, want 10", after.Load())
	}
	if st := p.Stats(); st.Panicked != 2 || st.Failed != 1 || st.Succeeded != 10 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestCloseIdempotentAndConcurrent(t *testing.T) {
	p := pool.New(4)
	boom := errors.New("boom")
	for range 10 {
		p.Submit(hangCtx(t), func(context.Context) error { return boom })
	}
	errs := make(chan error, 8)
	for i := range 8 {
		go func() {
			if i%2 == 0 {
				errs <- p.Close()
			} else {
				errs <- p.Shutdown(hangCtx(t))
			}
		}()
	}
	first := <-errs
	if !errors.Is(first, boom) {
		t.Fatalf("Close: %v", first)
	}
	for range 7 {
		if err := <-errs; err != first {
			t.Fatalf("Close results differ: %v and %v", err, first)
		}
	}
	if err := p.Close(); err != first {
		t.Fatal("a later Close returned another result")
	}
}

func TestCloseFromInsideTask(t *testing.T) {
	for _, op := range []string{"Close", "Shutdown"} {
		t.Run(op, func(t *testing.T) {
			p := pool.New(2)
			var ran atomic.Int32
			inside := make(chan error, 1)
			p.Submit(hangCtx(t), func(ctx context.Context) error {
				if op == "Close" {
					inside <- p.Close()
				} else {
					inside <- p.Shutdown(ctx)
				}
				ran.Add(1)
				return errors.New("after close")
			})
			for range 5 {
				p.Submit(context.Background(), func(context.Context) error { ran.Add(1); return nil })
			}
			select {
			case <-inside:
			case <-hangCtx(t).Done():
				t.Fatal("hang: Close from inside a task")
			}
			err := p.Close() // from outside: waits for the task that called Close
			if ran.Load() < 1 || err == nil {
				t.Fatalf("outside Close after inside Close: ran %d, err %v", ran.Load(), err)
			}
		})
	}
}

func TestShutdownCancels(t *testing.T) {
	p := pool.New(2, pool.WithQueue(10))
	g := newGate() // never opened: running tasks end only by cancellation
	fill(t, p, g, 2)
	var queuedRan atomic.Int32
	for range 10 {
		if err := p.Submit(hangCtx(t), func(context.Context) error { queuedRan.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := p.Shutdown(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Shutdown: %v", err)
	}
	if queuedRan.Load() != 0 {
		t.Fatalf("%d queued tasks ran after Shutdown's ctx ended", queuedRan.Load())
	}
	st := p.Stats()
	if st.Cancelled != 10 || st.Failed != 2 || st.Submitted != st.Succeeded+st.Failed+st.Panicked+st.Cancelled {
		t.Fatalf("stats: %+v", st)
	}
	if g.waiting.Load() != 0 {
		t.Fatal("Shutdown returned while tasks ran")
	}
}

func TestShutdownWithoutDeadlineIsClose(t *testing.T) {
	p := pool.New(2)
	var n atomic.Int32
	for range 50 {
		p.Submit(hangCtx(t), func(context.Context) error { n.Add(1); return nil })
	}
	if err := p.Shutdown(hangCtx(t)); err != nil {
		t.Fatal(err)
	}
	if n.Load() != 50 {
		t.Fatalf("ran %d of 50", n.Load())
	}
}

func TestWithContext(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	p := pool.New(1, pool.WithQueue(5), pool.WithContext(parent))
	g := newGate()
	fill(t, p, g, 1)
	var queuedRan atomic.Int32
	for range 5 {
		p.Submit(hangCtx(t), func(context.Context) error { queuedRan.Add(1); return nil })
	}
	cancel()
	eventually(t, "queue dropped", func() bool { st := p.Stats(); return st.Cancelled == 5 && st.Running == 0 })
	if err := p.Submit(context.Background(), nop); !errors.Is(err, context.Canceled) {
		t.Fatalf("Submit after the pool's context ended: %v", err)
	}
	err := p.Close()
	if !errors.Is(err, context.Canceled) || queuedRan.Load() != 0 {
		t.Fatalf("Close: %v; queued ran %d", err, queuedRan.Load())
	}
}

func TestWithFailFast(t *testing.T) {
	p := pool.New(2, pool.WithQueue(10), pool.WithFailFast())
	g := newGate()
	fill(t, p, g, 1) // one running task must see its ctx cancelled
	boom := errors.New("boom")
	p.Submit(hangCtx(t), func(context.Context) error { return boom })
	eventually(t, "fail fast", func() bool {
		return errors.Is(p.Submit(context.Background(), nop), boom)
	})
	err := p.Close()
	if !errors.Is(err, boom) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Close: %v", err)
	}
}

func TestFIFO(t *testing.T) {
	// One worker, blocked; a hand-off queue; submitters line up one after
	// another, and one in the middle gives up. The rest run in line order.
	p := pool.New(1, pool.WithQueue(0))
	g := newGate()
	fill(t, p, g, 1)
	const n = 8
	var mu sync.Mutex
	var order []int
	errs := make([]chan error, n)
	cancels := make([]context.CancelFunc, n)
	for i := range n {
		ctx, cancel := context.WithCancel(hangCtx(t))
		cancels[i] = cancel
		errs[i] = make(chan error, 1)
		go func() {
			errs[i] <- p.Submit(ctx, func(context.Context) error {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
				return nil
			})
		}()
		eventually(t, "submitter in line", func() bool { return p.Stats().Waiting == i+1 })
	}
	cancels[0]() // the head gives up
	cancels[3]() // and a follower
	for _, i := range []int{0, 3} {
		if err := <-errs[i]; !errors.Is(err, context.Canceled) {
			t.Fatalf("submitter %d: %v", i, err)
		}
	}
	g.open()
	for i := range n {
		if i != 0 && i != 3 {
			if err := <-errs[i]; err != nil {
				t.Fatalf("submitter %d: %v", i, err)
			}
		}
		cancels[i]()
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	want := []int{1, 2, 4, 5, 6, 7}
	if fmt.Sprint(order) != fmt.Sprint(want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestResize(t *testing.T) {
	p := pool.New(1, pool.WithQueue(16))
	g := newGate()
	for range 8 {
		p.Submit(hangCtx(t), g.task)
	}
	eventually(t, "one running", func() bool { return g.waiting.Load() == 1 })
	p.Resize(4)
	eventually(t, "four running", func() bool { return g.waiting.Load() == 4 })
	if st := p.Stats(); st.Workers != 4 || st.Running != 4 || st.Queued != 4 {
		t.Fatalf("stats after Resize(4): %+v", st)
	}
	p.Resize(2)
	g.open()
	// After the shrink, at most two tasks run at once.
	var running, peak atomic.Int32
	for range 50 {
		p.Submit(hangCtx(t), func(context.Context) error {
			n := running.Add(1)
			for {
				m := peak.Load()
				if n <= m || peak.CompareAndSwap(m, n) {
					break
				}
			}
			runtime.Gosched()
			running.Add(-1)
			return nil
		})
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if peak.Load() > 2 {
		t.Fatalf("%d tasks ran at once after Resize(2)", peak.Load())
	}
}

func TestNoGoroutineOutlivesClose(t *testing.T) {
	before := runtime.NumGoroutine()
	p := pool.New(16)
	for range 100 {
		p.Submit(hangCtx(t), nop)
	}
	p.Resize(3)
	p.Resize(20)
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	// goleak in TestMain checks the whole run; this checks Close itself.
	// The last worker wakes Close from its final function call, and the
	// runtime counts its goroutine until that call has returned, so a
	// worker may still be on its way out when Close returns: wait for it,
	// as goleak does. A goroutine that stays fails the test.
	eventually(t, fmt.Sprintf("back to the %d goroutines there were before New", before),
		func() bool { return runtime.NumGoroutine() <= before })
}

// A submitter waiting for room is Waiting, and its task is not yet
// Submitted, whatever the depth of the queue.
func TestStatsShowBackPressure(t *testing.T) {
	for _, q := range []int{0, 1, 3} {
		p := pool.New(2, pool.WithQueue(q))
		g := newGate()
		fill(t, p, g, 2)
		for range q {
			p.Submit(hangCtx(t), nop)
		}
		done := make(chan error)
		go func() { done <- p.Submit(hangCtx(t), nop) }()
		eventually(t, "waiting", func() bool { return p.Stats().Waiting == 1 })
		st := p.Stats()
		if st.Workers != 2 || st.Running != 2 || st.Queued != q || st.Waiting != 1 || st.Submitted != int64(2+q) {
			t.Fatalf("queue %d: stats under back-pressure: %+v", q, st)
		}
		g.open()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if st := p.Stats(); st.Submitted != int64(3+q) || st.Succeeded != st.Submitted || st.Waiting != 0 {
			t.Fatalf("queue %d: stats after Close: %+v", q, st)
		}
	}
}
