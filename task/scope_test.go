package task_test

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/task"
)

func TestScopeAllSucceed(t *testing.T) {
	var n atomic.Int64
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		for range 100 {
			if err := g.Spawn(func(context.Context) error { n.Add(1); return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n.Load() != 100 {
		t.Fatalf("Scope = %v, ran %d of 100", err, n.Load())
	}
}

// Functions spawned by spawned functions, three levels deep, all finish
// before Scope returns.
func TestScopeNestedSpawns(t *testing.T) {
	var n atomic.Int64
	var spawn func(g *task.Group, depth int) func(context.Context) error
	spawn = func(g *task.Group, depth int) func(context.Context) error {
		return func(context.Context) error {
			runtime.Gosched()
			n.Add(1)
			if depth == 0 {
				return nil
			}
			for range 3 {
				if err := g.Spawn(spawn(g, depth-1)); err != nil {
					return err
				}
			}
			return nil
		}
	}
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		return g.Spawn(spawn(g, 3))
	})
	if want := int64(1 + 3 + 9 + 27); err != nil || n.Load() != want {
		t.Fatalf("Scope = %v, ran %d, want %d", err, n.Load(), want)
	}
}

func TestScopeFirstErrorCancelsAndAllErrorsJoined(t *testing.T) {
	errA := errors.New("a failed")
	var sawCancel atomic.Bool
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		_ = g.Spawn(func(ctx context.Context) error {
			<-ctx.Done() // only a sibling's failure ends this
			sawCancel.Store(true)
			if !errors.Is(context.Cause(ctx), errA) {
				t.Errorf("cause = %v, want the first error", context.Cause(ctx))
			}
			return io.EOF
		})
		_ = g.Spawn(func(context.Context) error { return errA })
		return nil
	})
	if !sawCancel.Load() {
		t.Fatal("sibling not cancelled")
	}
	if !errors.Is(err, errA) || !errors.Is(err, io.EOF) {
		t.Fatalf("Scope = %v; want both errors", err)
	}
}

func TestScopeSingleErrorReturnedAsIs(t *testing.T) {
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		_ = g.Spawn(func(context.Context) error { return io.EOF })
		return nil
	})
	if err != io.EOF {
		t.Fatalf("Scope = %v (%T), want io.EOF itself", err, err)
	}
}

func TestScopePanicAndGoexitInSpawned(t *testing.T) {
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		// The first failure cancels the scope, and a Spawn on a cancelled
		// scope starts nothing: start all three before either fails.
		gate := make(chan struct{})
		defer close(gate)
		for _, fn := range []func(context.Context) error{
			func(context.Context) error { <-gate; panic("spawned") },
			func(context.Context) error { <-gate; runtime.Goexit(); return nil },
			func(ctx context.Context) error { <-ctx.Done(); return nil },
		} {
			if err := g.Spawn(fn); err != nil {
				return err
			}
		}
		return nil
	})
	var pe *task.PanicError
	if !errors.As(err, &pe) || pe.Value != "spawned" {
		t.Fatalf("Scope = %v; want the panic", err)
	}
	if !errors.Is(err, task.ErrGoexit) {
		t.Fatalf("Scope = %v; want ErrGoexit", err)
	}
}

func TestScopeBodyPanicJoinsFirst(t *testing.T) {
	var finished atomic.Bool
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		_ = g.Spawn(func(ctx context.Context) error {
			<-ctx.Done() // the body's panic cancels
			finished.Store(true)
			return nil
		})
		panic(io.ErrShortWrite)
	})
	if !finished.Load() {
		t.Fatal("Scope returned before its spawned function ended")
	}
	if !errors.Is(err, task.ErrPanicked) || !errors.Is(err, io.ErrShortWrite) {
		t.Fatalf("Scope = %v; want the body's panic", err)
	}
}

func TestScopeBodyErrorCancels(t *testing.T) {
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		_ = g.Spawn(func(ctx context.Context) error { <-ctx.Done(); return nil })
		return io.ErrNoProgress
	})
	if err != io.ErrNoProgress {
		t.Fatalf("Scope = %v", err)
	}
}

func TestScopeBodyGoexitStillJoins(t *testing.T) {
	var finished atomic.Bool
	returned := false
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = task.Scope(hangCtx(t), func(g *task.Group) error {
			_ = g.Spawn(func(ctx context.Context) error {
				<-ctx.Done()
				finished.Store(true)
				return nil
			})
			runtime.Goexit()
			return nil
		})
		returned = true
	}()
	waitFor(t, done, "Scope with Goexit in its body")
	if returned {
		t.Fatal("Scope returned although its body called Goexit")
	}
	if !finished.Load() {
		t.Fatal("spawned work not joined before the Goexit went on")
	}
}

func TestScopeParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ran := false
	var spawnErr error
	err := task.Scope(ctx, func(g *task.Group) error {
		spawnErr = g.Spawn(func(context.Context) error { ran = true; return nil })
		return nil // ignoring the error loses nothing: Scope reports it
	})
	if ran {
		t.Fatal("spawned on a done context")
	}
	if !errors.Is(spawnErr, context.Canceled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Spawn = %v, Scope = %v; want context.Canceled", spawnErr, err)
	}
}

func TestScopeReturnedSpawnErrorNotDuplicated(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := task.Scope(ctx, func(g *task.Group) error {
		if err := g.Spawn(func(context.Context) error { return nil }); err != nil {
			return err
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scope = %v", err)
	}
	if _, joined := err.(interface{ Unwrap() []error }); joined {
		t.Fatalf("the abandoned spawn is reported twice: %q", err)
	}
}

func TestSetLimitBounds(t *testing.T) {
	const limit, total = 3, 60
	var running, peak, done atomic.Int64
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		g.SetLimit(limit)
		for range total {
			err := g.Spawn(func(context.Context) error {
				n := running.Add(1)
				for {
					p := peak.Load()
					if n <= p || peak.CompareAndSwap(p, n) {
						break
					}
				}
				runtime.Gosched()
				running.Add(-1)
				done.Add(1)
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || done.Load() != total {
		t.Fatalf("Scope = %v, done %d", err, done.Load())
	}
	if peak.Load() > limit {
		t.Fatalf("%d ran at once, limit %d", peak.Load(), limit)
	}
}

func TestSetLimitZeroMeansUnlimited(t *testing.T) {
	const n = 8
	var arrived sync.WaitGroup
	arrived.Add(n)
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		g.SetLimit(0)
		for range n {
			// All n must run at once to get past the barrier.
			if err := g.Spawn(func(ctx context.Context) error { arrived.Done(); arrived.Wait(); return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSetLimitRaiseReleasesWaiters(t *testing.T) {
	block := make(chan struct{})
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		g.SetLimit(1)
		_ = g.Spawn(func(context.Context) error { <-block; return nil })
		spawned := make(chan error)
		go func() { // blocks on the limit until it is raised
			spawned <- g.Spawn(func(context.Context) error { close(block); return nil })
		}()
		runtime.Gosched()
		g.SetLimit(2)
		return <-spawned
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A Spawn blocked on the limit gives up when the scope's context is
// cancelled, and the function is never started.
func TestSpawnBlockedOnLimitCancelled(t *testing.T) {
	boom := errors.New("boom")
	var started atomic.Int64
	var spawnErr error
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		g.SetLimit(1)
		gate := make(chan struct{})
		_ = g.Spawn(func(ctx context.Context) error {
			<-gate // the body is blocked on the limit by now, or soon will be
			return boom
		})
		go func() {
			// Let the body reach its blocking Spawn; correctness does not
			// depend on it, only which path the test exercises.
			runtime.Gosched()
			close(gate)
		}()
		spawnErr = g.Spawn(func(context.Context) error { started.Add(1); return nil })
		return nil
	})
	if started.Load() != 0 {
		t.Fatal("a function started after the scope was cancelled")
	}
	if !errors.Is(spawnErr, context.Canceled) {
		t.Fatalf("Spawn = %v, want context.Canceled", spawnErr)
	}
	if !errors.Is(err, boom) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Scope = %v", err)
	}
}

// The same through the parent context: the Spawn blocked on the limit and
// every later one give up, and none of their functions starts.
func TestSpawnsOnLimitParentCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(hangCtx(t))
	defer cancel()
	var gaveUp int
	err := task.Scope(ctx, func(g *task.Group) error {
		g.SetLimit(1)
		_ = g.Spawn(func(ctx context.Context) error { <-ctx.Done(); return nil })
		go func() { runtime.Gosched(); cancel() }()
		for range 5 {
			err := g.Spawn(func(context.Context) error { t.Error("started after cancellation"); return nil })
			if errors.Is(err, context.Canceled) {
				gaveUp++
			}
		}
		return nil
	})
	if gaveUp != 5 {
		t.Fatalf("%d of 5 spawns gave up", gaveUp)
	}
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Scope = %v", err)
	}
}

func TestGroupContextCancelledAfterScope(t *testing.T) {
	var gctx context.Context
	_ = task.Scope(hangCtx(t), func(g *task.Group) error { gctx = g.Context(); return nil })
	waitFor(t, gctx.Done(), "group context after Scope")
}

func TestScopeNilArguments(t *testing.T) {
	//lint:ignore SA1012 testing the nil check
	mustPanicWith(t, "task: nil Context", func() { _ = task.Scope(nil, func(*task.Group) error { return nil }) })
	mustPanicWith(t, "task: nil function passed to Scope", func() { _ = task.Scope(context.Background(), nil) })
	err := task.Scope(hangCtx(t), func(g *task.Group) error {
		mustPanicWith(t, "task: nil function passed to Group.Spawn", func() { _ = g.Spawn(nil) })
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSpawnAfterScopePanics(t *testing.T) {
	var escaped *task.Group
	_ = task.Scope(hangCtx(t), func(g *task.Group) error { escaped = g; return nil })
	mustPanicWith(t, "after its Scope returned", func() { _ = escaped.Spawn(func(context.Context) error { return nil }) })
}

// Stress: many scopes at once, each with a limit, each function opening a
// scope of its own (a function holding a slot must not wait for another slot
// of the same Group: see Spawn). Every function must run exactly once.
func TestScopeStress(t *testing.T) {
	const scopes, perScope = 20, 50
	var wg sync.WaitGroup
	for i := range scopes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ran atomic.Int64
			err := task.Scope(hangCtx(t), func(g *task.Group) error {
				g.SetLimit(1 + i%4)
				for j := range perScope {
					if err := g.Spawn(func(ctx context.Context) error {
						ran.Add(1)
						return task.Scope(ctx, func(inner *task.Group) error {
							return inner.Spawn(func(context.Context) error { ran.Add(1); return nil })
						})
					}); err != nil {
						t.Errorf("unexpected Spawn error %v at %d", err, j)
						return err
					}
				}
				return nil
			})
			if err != nil || ran.Load() != 2*perScope {
				t.Errorf("scope %d: %v, ran %d", i, err, ran.Load())
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	waitFor(t, done, "stress scopes")
}
