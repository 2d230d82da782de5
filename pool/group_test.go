package pool_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pool"
	"github.com/baton-go/baton/task"
)

// stressScale shrinks stress loops under -short and -race, so CI stays
// quick; the shapes stay the same.
func stressScale(n int) int {
	if testing.Short() || raceEnabled {
		return max(n/10, 1)
	}
	return n
}

// TestGroupStress has many goroutines share one small pool, each running
// group after group: some fail, some are stopped, some have their context
// cancelled halfway. A ledger proves that every accepted task ran at most
// once, that Wait returned only after each of its group's tasks had run or
// was dropped, that no task of another group was touched, and that the
// pool's counters add up to the groups' (pond's group tests and errgroup's,
// as one stress).
func TestGroupStress(t *testing.T) {
	p := pool.New(3, pool.WithQueue(2))
	const submitters = 8
	rounds := stressScale(300)
	var wantFailed, wantDropped, accepted atomic.Int64
	var wg sync.WaitGroup
	for s := range submitters {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), 7))
			for r := range rounds {
				kind := rng.IntN(4) // 0 plain, 1 failing, 2 stopped, 3 cancelled
				ctx, cancel := context.WithCancel(context.Background())
				g := p.Group(ctx)
				n := 1 + rng.IntN(20)
				ran := make([]atomic.Int32, n)
				ok := make([]bool, n)
				var fails int
				for i := range n {
					fail := kind == 1 && i%3 == 0
					err := g.Submit(func(ctx context.Context) error {
						ran[i].Add(1)
						if fail {
							return fmt.Errorf("g%d/%d task %d", s, r, i)
						}
						return nil
					})
					if err == nil {
						ok[i] = true
						if fail {
							fails++
						}
					} else if !errors.Is(err, pool.ErrClosed) {
						t.Errorf("Submit: %v, want ErrClosed after Stop or cancel", err)
					}
					if i == n/2 {
						switch kind {
						case 2:
							g.Stop()
						case 3:
							cancel()
						}
					}
				}
				err := g.Wait()
				cancel()
				// Wait has returned: every accepted task has run once or
				// been dropped, and none runs later (checked below by the
				// totals against the pool's counters).
				var runs, acc, dropped int
				for i := range n {
					c := int(ran[i].Load())
					if c > 1 || !ok[i] && c != 0 {
						t.Errorf("task %d of a group ran %d times (accepted: %v)", i, c, ok[i])
					}
					runs += c
					if ok[i] {
						acc++
						if c == 0 {
							dropped++
						}
					}
				}
				accepted.Add(int64(acc))
				wantDropped.Add(int64(dropped))
				if kind == 1 {
					wantFailed.Add(int64(fails))
					if got := countJoined(err); got != fails {
						t.Errorf("failing group: Wait returned %d errors, want %d: %v", got, fails, err)
					}
				}
				if dropped > 0 && (err == nil || !strings.Contains(err.Error(), fmt.Sprintf("%d tasks never ran", dropped))) {
					t.Errorf("%d tasks dropped, Wait said %v", dropped, err)
				}
				if kind == 0 && err != nil {
					t.Errorf("plain group: Wait = %v", err)
				}
				if err := g.Submit(func(context.Context) error { return nil }); !errors.Is(err, pool.ErrClosed) {
					t.Errorf("Submit after Wait: %v, want ErrClosed", err)
				}
			}
		})
	}
	wg.Wait()
	if err := p.Close(); err != nil {
		t.Errorf("the pool's Close reported the groups' errors: %v", err)
	}
	st := p.Stats()
	if st.Submitted != accepted.Load() || st.Failed != wantFailed.Load() || st.Cancelled != wantDropped.Load() {
		t.Errorf("pool stats %+v: want Submitted %d, Failed %d, Cancelled %d",
			st, accepted.Load(), wantFailed.Load(), wantDropped.Load())
	}
	if st.Submitted != st.Succeeded+st.Failed+st.Panicked+st.Cancelled {
		t.Errorf("pool stats do not add up: %+v", st)
	}
}

// countJoined counts the errors errors.Join put together (1 for a lone one).
func countJoined(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

// TestGroupWaitsForItsOwnTasksOnly: a group's Wait returns while another
// group's task still runs, and the other group is not disturbed.
func TestGroupWaitsForItsOwnTasksOnly(t *testing.T) {
	p := pool.New(2)
	defer p.Close()
	slow := p.Group(context.Background())
	release := make(chan struct{})
	started := make(chan struct{})
	slow.Submit(func(ctx context.Context) error {
		close(started)
		<-release
		return nil
	})
	<-started
	fast := p.Group(context.Background())
	var n atomic.Int32
	for range 50 {
		if err := fast.Submit(func(context.Context) error { n.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if err := fast.Wait(); err != nil || n.Load() != 50 {
		t.Fatalf("fast.Wait = %v after %d of 50 tasks", err, n.Load())
	}
	select {
	case <-slow.Done():
		t.Fatal("the slow group is done, with its task still running")
	default:
	}
	close(release)
	if err := slow.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestGroupErrorsAreItsOwn: every error comes back from Wait, joined; a
// panic as a *task.PanicError; the pool counts them but its Close does not
// report them, and a WithFailFast pool does not stop for them.
func TestGroupErrorsAreItsOwn(t *testing.T) {
	p := pool.New(2, pool.WithFailFast())
	g := p.Group(context.Background())
	e1, e2 := errors.New("one"), errors.New("two")
	g.Submit(func(context.Context) error { return e1 })
	g.Submit(func(context.Context) error { return e2 })
	g.Submit(func(context.Context) error { panic("three") })
	g.Submit(func(context.Context) error { return nil })
	err := g.Wait()
	var pe *task.PanicError
	if !errors.Is(err, e1) || !errors.Is(err, e2) || !errors.As(err, &pe) || pe.Value != "three" || countJoined(err) != 3 {
		t.Fatalf("Wait = %v, want one, two and the panic, joined", err)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatalf("the fail-fast pool stopped for a group's error: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("Close = %v, want nil: the errors were the group's", err)
	}
	if st := p.Stats(); st.Failed != 2 || st.Panicked != 1 || st.Succeeded != 2 {
		t.Fatalf("stats %+v, want 2 failed, 1 panicked, 2 succeeded", st)
	}
}

// TestGroupCancelOnError ports errgroup's WithContext test: the first error
// cancels the group's context with that error as the cause, Wait returns
// it alone, the queued tasks are dropped, and a second group on the same
// pool runs all of its tasks.
func TestGroupCancelOnError(t *testing.T) {
	p := pool.New(1, pool.WithQueue(10))
	defer p.Close()
	boom := errors.New("boom")
	g := p.Group(context.Background(), pool.CancelOnError())
	other := p.Group(context.Background())
	var otherRan, gRan atomic.Int32
	queued := make(chan struct{}) // the failing task fails once the others are queued
	g.Submit(func(ctx context.Context) error { <-queued; gRan.Add(1); return boom })
	for range 3 {
		if err := g.Submit(func(ctx context.Context) error { gRan.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
		if err := other.Submit(func(ctx context.Context) error { otherRan.Add(1); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	close(queued)
	if err := g.Wait(); err != boom {
		t.Fatalf("Wait = %v, want the first error alone", err)
	}
	if cause := context.Cause(g.Context()); cause != boom {
		t.Fatalf("the group's context ended with cause %v, want boom", cause)
	}
	if err := other.Wait(); err != nil || otherRan.Load() != 3 {
		t.Fatalf("the other group: Wait = %v, %d of 3 tasks ran", err, otherRan.Load())
	}
	if gRan.Load() != 1 {
		t.Fatalf("%d tasks of the failed group ran, want 1: the queued ones are dropped", gRan.Load())
	}
	// The pool counts a task when its worker comes back for the next, a
	// moment after the group saw it end: its Close waits for that.
	p.Close()
	if st := p.Stats(); st.Cancelled != 3 {
		t.Fatalf("stats %+v, want 3 cancelled", st)
	}
}

// TestGroupContextEndDropsQueued ports pond's "canceled group skips the
// remaining tasks": a running task sees the group's context end, the
// queued ones never run and are counted Cancelled, Wait says so, and a
// later Submit is refused with ErrClosed and the cause.
func TestGroupContextEndDropsQueued(t *testing.T) {
	p := pool.New(1, pool.WithQueue(10))
	defer p.Close()
	ctx, cancel := context.WithCancel(context.Background())
	g := p.Group(ctx)
	started := make(chan struct{})
	var sawCancel atomic.Bool
	g.Submit(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		sawCancel.Store(true)
		return nil
	})
	var ran atomic.Int32
	for range 5 {
		g.Submit(func(context.Context) error { ran.Add(1); return nil })
	}
	<-started
	cancel()
	err := g.Wait()
	if !sawCancel.Load() || ran.Load() != 0 {
		t.Fatalf("running task saw the cancel: %v; queued tasks ran: %d", sawCancel.Load(), ran.Load())
	}
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "5 tasks never ran") {
		t.Fatalf("Wait = %v, want 5 tasks never ran: context canceled", err)
	}
	// The pool counts a task a moment after the group saw it end.
	eventually(t, "the pool counts the group's tasks", func() bool { st := p.Stats(); return st.Cancelled+st.Succeeded == 6 })
	if st := p.Stats(); st.Cancelled != 5 || st.Succeeded != 1 {
		t.Fatalf("stats %+v, want 5 cancelled, 1 succeeded", st)
	}

	ctx2, cancel2 := context.WithCancelCause(context.Background())
	why := errors.New("client went away")
	g = p.Group(ctx2)
	cancel2(why)
	err = g.Submit(func(context.Context) error { return nil })
	if !errors.Is(err, pool.ErrClosed) || !errors.Is(err, why) {
		t.Fatalf("Submit after the context ended: %v, want ErrClosed and the cause", err)
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait with no task accepted = %v", err)
	}
}

// TestGroupStop: Stop cancels the running tasks' context, drops the queued
// ones, refuses new ones with ErrClosed, and is idempotent; Wait after it
// returns once the running task ended.
func TestGroupStop(t *testing.T) {
	p := pool.New(1, pool.WithQueue(4))
	defer p.Close()
	g := p.Group(context.Background())
	started := make(chan struct{})
	g.Submit(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	var ran atomic.Int32
	g.Submit(func(context.Context) error { ran.Add(1); return nil })
	<-started
	g.Stop()
	g.Stop()
	if err := g.Submit(func(context.Context) error { return nil }); err != pool.ErrClosed {
		t.Fatalf("Submit after Stop: %v, want ErrClosed", err)
	}
	if err := g.TrySubmit(func(context.Context) error { return nil }); err != pool.ErrClosed {
		t.Fatalf("TrySubmit after Stop: %v, want ErrClosed", err)
	}
	err := g.Wait()
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "1 tasks never ran") || ran.Load() != 0 {
		t.Fatalf("Wait after Stop = %v (queued task ran %d times)", err, ran.Load())
	}
	<-g.Done()
	g.Stop() // after Wait: nothing
}

// TestGroupNoTasks: Wait on an empty group returns nil at once, and closes
// it; Done is closed.
func TestGroupNoTasks(t *testing.T) {
	p := pool.New(1)
	defer p.Close()
	g := p.Group(context.Background())
	select {
	case <-g.Done():
		t.Fatal("Done closed before Wait or Stop")
	default:
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	<-g.Done()
	if err := g.Wait(); err != nil { // again: the same result
		t.Fatal(err)
	}
	if err := g.Submit(func(context.Context) error { return nil }); err != pool.ErrClosed {
		t.Fatalf("Submit after Wait: %v", err)
	}
	if g.Context().Err() == nil {
		t.Fatal("the group's context is not cancelled after Wait")
	}
}

// TestGroupSubmitFromInside: tasks that submit more tasks to their own
// group, as a recursive walk does with errgroup, are all waited for.
func TestGroupSubmitFromInside(t *testing.T) {
	p := pool.New(4, pool.WithQueue(64))
	defer p.Close()
	g := p.Group(context.Background())
	var visited atomic.Int32
	var walk func(depth int) func(context.Context) error
	walk = func(depth int) func(context.Context) error {
		return func(context.Context) error {
			visited.Add(1)
			if depth < 6 {
				for range 2 {
					if err := g.Submit(walk(depth + 1)); err != nil {
						return err
					}
				}
			}
			return nil
		}
	}
	g.Submit(walk(0))
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	if got := visited.Load(); got != 127 {
		t.Fatalf("visited %d nodes, want 127", got)
	}
}

// TestGroupPoolAborted ports pond's "Wait must not deadlock when the pool's
// context is cancelled with queued tasks": the pool drops the group's
// queued task, and Wait says so instead of waiting forever.
func TestGroupPoolAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	p := pool.New(1, pool.WithContext(ctx), pool.WithQueue(2))
	g := p.Group(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	g.Submit(func(context.Context) error {
		close(started)
		<-release
		return nil
	})
	g.Submit(func(context.Context) error { return nil })
	<-started
	cancel()
	close(release)
	err := g.Wait()
	if err == nil || !strings.Contains(err.Error(), "1 tasks never ran") {
		t.Fatalf("Wait = %v, want 1 task never ran", err)
	}
	p.Close()
	if st := p.Stats(); st.Cancelled != 1 || st.Succeeded != 1 {
		t.Fatalf("stats %+v, want 1 cancelled, 1 succeeded", st)
	}
}

// TestGroupAbortCancelsRunningTasks: Shutdown with an ended context
// cancels the context of a group's running task.
func TestGroupAbortCancelsRunningTasks(t *testing.T) {
	p := pool.New(1)
	g := p.Group(context.Background())
	started := make(chan struct{})
	g.Submit(func(ctx context.Context) error {
		close(started)
		<-ctx.Done()
		return context.Cause(ctx)
	})
	<-started
	ended, cancel := context.WithCancel(context.Background())
	cancel()
	p.Shutdown(ended)
	if err := g.Wait(); err == nil || !strings.Contains(err.Error(), "Shutdown") {
		t.Fatalf("Wait = %v, want the task's error naming Shutdown", err)
	}
}

// TestGroupOnClosedPool ports pond's "group with a stopped pool".
func TestGroupOnClosedPool(t *testing.T) {
	p := pool.New(2)
	p.Close()
	g := p.Group(context.Background())
	if err := g.Submit(func(context.Context) error { return nil }); !errors.Is(err, pool.ErrClosed) {
		t.Fatalf("Submit = %v, want ErrClosed", err)
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestGroupTrySubmit: TrySubmit fails with ErrFull when the pool's queue
// is full, and the task is not counted by the group.
func TestGroupTrySubmit(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	defer p.Close()
	g := p.Group(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	if err := g.Submit(func(context.Context) error { close(started); <-release; return nil }); err != nil {
		t.Fatal(err)
	}
	<-started
	if err := g.TrySubmit(func(context.Context) error { return nil }); err != nil {
		t.Fatalf("TrySubmit with room in the queue: %v", err)
	}
	if err := g.TrySubmit(func(context.Context) error { return nil }); err != pool.ErrFull {
		t.Fatalf("TrySubmit on a full queue: %v, want ErrFull", err)
	}
	close(release)
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	p.Close() // the pool counts a task a moment after the group saw it end
	if st := p.Stats(); st.Succeeded != 2 || st.Rejected != 1 {
		t.Fatalf("stats %+v, want 2 succeeded, 1 rejected", st)
	}
}

// TestGroupSharesAdmissionOrder: the tasks of two groups, submitted while
// the pool is busy, run in the order they were submitted, interleaved:
// a group has no line of its own.
func TestGroupSharesAdmissionOrder(t *testing.T) {
	p := pool.New(1, pool.WithQueue(1))
	defer p.Close()
	a, b := p.Group(context.Background()), p.Group(context.Background())
	started, release := make(chan struct{}), make(chan struct{})
	a.Submit(func(context.Context) error { close(started); <-release; return nil })
	<-started
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	for i := range 6 {
		g, name := a, fmt.Sprint("a", i)
		if i%2 == 1 {
			g, name = b, fmt.Sprint("b", i)
		}
		fn := func(context.Context) error {
			mu.Lock()
			order = append(order, name)
			mu.Unlock()
			return nil
		}
		if i == 0 {
			g.Submit(fn) // fills the queue
			continue
		}
		wg.Go(func() { g.Submit(fn) })
		eventually(t, "submitter in line", func() bool { return p.Stats().Waiting == i })
	}
	close(release)
	wg.Wait()
	a.Wait()
	b.Wait()
	if got := strings.Join(order, " "); got != "a0 b1 a2 b3 a4 b5" {
		t.Fatalf("ran in the order %s, want the submission order a0 b1 a2 b3 a4 b5", got)
	}
}

// TestGroupGoexit: a task calling runtime.Goexit ends as task.ErrGoexit in
// Wait; the group does not hang, and the Goexit is the group's business
// alone, as its errors are: the pool's Close does not report it, and a
// WithFailFast pool goes on. A group on a subpool, likewise.
func TestGroupGoexit(t *testing.T) {
	p := pool.New(1, pool.WithFailFast())
	s := p.Subpool(1)
	for _, r := range []pool.Runner{p, s} {
		g := pool.NewResultGroup[int](r, context.Background())
		g.Submit(func(context.Context) (int, error) { runtime.Goexit(); return 0, nil })
		g.Submit(func(context.Context) (int, error) { return 1, nil })
		if vs, err := g.Wait(); !errors.Is(err, task.ErrGoexit) || len(vs) != 2 || vs[1] != 1 {
			t.Fatalf("%T: Wait = %v, %v, want ErrGoexit and the other's value", r, vs, err)
		}
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatalf("the fail-fast pool stopped for a group's Goexit: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("the subpool's Close = %v, want nil: the Goexit was the group's", err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("the pool's Close = %v, want nil: the Goexit was the group's", err)
	}
	if st := p.Stats(); st.Failed != 2 || st.Succeeded != 3 {
		t.Fatalf("the pool counts %+v, want 2 failed (the Goexits), 3 succeeded", st)
	}
}

// TestGroupWaitFromInside: Wait called from inside one of the group's own
// tasks cannot wait for itself: it returns an error instead of hanging,
// on a pool and on a subpool, with one worker or several, and the group's
// Wait from outside then returns once every task has ended. A Wait on
// another group, from inside, waits as usual.
func TestGroupWaitFromInside(t *testing.T) {
	for _, workers := range []int{1, 3} {
		p := pool.New(workers)
		s := p.Subpool(workers)
		for _, r := range []pool.Runner{p, s} {
			g := pool.NewResultGroup[int](r, hangCtx(t))
			inner := make(chan error, 1)
			submitted := make(chan struct{})
			g.Submit(func(context.Context) (int, error) {
				<-submitted // both tasks accepted before the Wait from inside
				other := p.Group(context.Background())
				other.Submit(func(context.Context) error { return nil })
				if workers > 1 {
					if err := other.Wait(); err != nil { // another group: waits
						return 0, err
					}
				} else {
					other.Stop() // its task cannot run while this one holds the only worker
				}
				vs, err := g.Wait()
				if vs != nil {
					return 0, fmt.Errorf("values from inside: %v", vs)
				}
				inner <- err
				return 1, nil
			})
			if err := g.Submit(func(context.Context) (int, error) { return 2, nil }); err != nil {
				t.Fatal(err)
			}
			close(submitted)
			select {
			case err := <-inner:
				if err == nil || !strings.Contains(err.Error(), "inside one of its own tasks") {
					t.Fatalf("%d workers, %T: Wait from inside = %v", workers, r, err)
				}
			case <-hangCtx(t).Done():
				t.Fatalf("%d workers, %T: Wait from inside hangs", workers, r)
			}
			vs, err := g.Wait()
			if err != nil || len(vs) != 2 || vs[0] != 1 || vs[1] != 2 {
				t.Fatalf("%d workers, %T: Wait from outside = %v, %v", workers, r, vs, err)
			}
			if err := g.Submit(func(context.Context) (int, error) { return 0, nil }); !errors.Is(err, pool.ErrClosed) {
				t.Fatalf("Submit after Wait: %v", err)
			}
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestGroupBadInput(t *testing.T) {
	var nilCtx context.Context // a variable, so that linters let the bad input under test through
	p := pool.New(1)
	defer p.Close()
	mustPanicWith(t, "nil ctx passed to Group", func() { p.Group(nilCtx) })
	mustPanicWith(t, "nil GroupOption", func() { p.Group(context.Background(), nil) })
	g := p.Group(context.Background())
	mustPanicWith(t, "nil fn passed to Group.Submit", func() { g.Submit(nil) })
	mustPanicWith(t, "nil fn passed to Group.TrySubmit", func() { g.TrySubmit(nil) })
	g.Wait()
	mustPanicWith(t, "nil r passed to NewResultGroup", func() { pool.NewResultGroup[int](nil, context.Background()) })
}

// TestResultGroupOrder: values come back in the group's submission order
// however the tasks finish, while other groups share the pool; a refused
// submit leaves no hole, and a failed task leaves its zero value.
func TestResultGroupOrder(t *testing.T) {
	p := pool.New(4, pool.WithQueue(4))
	defer p.Close()
	var wg sync.WaitGroup
	for s := range 6 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(s), 1))
			for range stressScale(200) {
				g := pool.NewResultGroup[int](p, context.Background())
				n := 1 + rng.IntN(30)
				for i := range n {
					spin := rng.IntN(200)
					g.Submit(func(context.Context) (int, error) {
						for range spin {
							runtime.Gosched()
						}
						if i == 7 {
							return -1, errors.New("seven")
						}
						return i, nil
					})
				}
				vs, err := g.Wait()
				if len(vs) != n {
					t.Errorf("%d values for %d tasks", len(vs), n)
					return
				}
				for i, v := range vs {
					want := i
					if i == 7 {
						want = 0 // a failed task leaves the zero value
					}
					if v != want {
						t.Errorf("value %d is %d: %v", i, v, vs)
						return
					}
				}
				if (n > 7) != (err != nil) {
					t.Errorf("Wait's error %v with %d tasks", err, n)
				}
			}
		})
	}
	wg.Wait()

	g := pool.NewResultGroup[string](p, context.Background())
	g.Submit(func(context.Context) (string, error) { return "first", nil })
	g.Stop()
	if err := g.Submit(func(context.Context) (string, error) { return "refused", nil }); err != pool.ErrClosed {
		t.Fatalf("Submit after Stop: %v", err)
	}
	vs, _ := g.Wait()
	if len(vs) != 1 || vs[0] != "first" && vs[0] != "" {
		t.Fatalf("values %q, want one: the accepted task's, or empty if it was dropped", vs)
	}
}

// TestGroupRaces: Submit races Wait, Stop and the pool's own Shutdown with
// an ended context. A ledger proves that a task is either refused, or run
// once before its group's Wait returned, or dropped unrun and counted
// Cancelled by the pool; never run after Wait, never lost.
func TestGroupRaces(t *testing.T) {
	for round := range stressScale(40) {
		p := pool.New(2, pool.WithQueue(round%3))
		const groups, submitters, per = 4, 3, 30
		var afterWait, ranTotal, acceptedTotal atomic.Int64
		var gwg sync.WaitGroup
		for gi := range groups {
			gwg.Go(func() {
				g := p.Group(context.Background())
				var waited atomic.Bool
				var ran, accepted atomic.Int64
				var swg sync.WaitGroup
				for range submitters {
					swg.Go(func() {
						for range per {
							err := g.Submit(func(context.Context) error {
								if waited.Load() {
									afterWait.Add(1)
								}
								ran.Add(1)
								return nil
							})
							if err == nil {
								accepted.Add(1)
							}
						}
					})
				}
				switch gi {
				case 0:
					g.Stop()
				case 1:
					ended, cancel := context.WithCancel(context.Background())
					cancel()
					if round%2 == 0 {
						p.Shutdown(ended) // the pool drops what is queued, every group's
					}
				}
				g.Wait()
				waited.Store(true)
				swg.Wait() // submits after Wait are refused
				ranTotal.Add(ran.Load())
				acceptedTotal.Add(accepted.Load())
			})
		}
		gwg.Wait()
		p.Close()
		if n := afterWait.Load(); n != 0 {
			t.Fatalf("round %d: %d tasks ran after their group's Wait returned", round, n)
		}
		st := p.Stats()
		if st.Submitted != acceptedTotal.Load() || st.Succeeded != ranTotal.Load() ||
			st.Submitted != st.Succeeded+st.Cancelled {
			t.Fatalf("round %d: stats %+v; %d accepted, %d ran", round, st, acceptedTotal.Load(), ranTotal.Load())
		}
	}
}
