package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/task"
)

// Issue 15, item 3: with CollectErrors and WithMonitor, the sink went on
// calling its callback for every item buffered in its input after the
// caller's ctx ended, each call failing with the dead context, and every
// failure came back as a StageError; in fail-fast mode the Monitor counted
// such a call as a stage error. Every combination of CollectErrors,
// WithMonitor, Ordered and Workers must behave as the plain sink does:
// after the cancel no callback starts, and the result is ctx's error.
//
// The test holds every sink worker inside its callback, with the items
// the stage before it made waiting in its input, cancels, then lets the
// callbacks return ctx's error. Nothing in it depends on timing.
func TestNoCallbackAfterCancel(t *testing.T) {
	const n = 40 // fits in the sink's input buffer, so the map finishes every item
	for _, collect := range []bool{false, true} {
		for _, monitor := range []bool{false, true} {
			for _, ordered := range []bool{false, true} {
				for _, workers := range []int{1, 3} {
					name := fmt.Sprintf("collect=%v/monitor=%v/%s", collect, monitor, cfgName(workers, ordered))
					t.Run(name, func(t *testing.T) { testNoCallbackAfterCancel(t, n, collect, monitor, ordered, workers) })
				}
			}
		}
	}
}

func testNoCallbackAfterCancel(t *testing.T, n int, collect, monitor, ordered bool, workers int) {
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	var mapped atomic.Int64
	allMapped := make(chan struct{})
	s := pipeline.Map(pipeline.From(slices.Values(seq(n))), func(_ context.Context, v int) (int, error) {
		if mapped.Add(1) == int64(n) {
			close(allMapped)
		}
		return v, nil
	}, stageOpts(workers, ordered)...)

	var entered, late atomic.Int64
	var cancelled atomic.Bool
	inside := make(chan struct{}, workers)
	gate := make(chan struct{})
	opts := []pipeline.Option{pipeline.Workers(workers)}
	m := pipeline.NewMonitor()
	if monitor {
		opts = append(opts, pipeline.WithMonitor(m))
	}
	if collect {
		opts = append(opts, pipeline.CollectErrors())
	}
	done := make(chan error, 1)
	go func() {
		done <- pipeline.ForEach(ctx, s, func(cctx context.Context, v int) error {
			if cancelled.Load() {
				late.Add(1)
			}
			if entered.Add(1) <= int64(workers) {
				inside <- struct{}{}
				<-gate
			}
			return cctx.Err()
		}, opts...)
	}()
	for range workers {
		waitOrFail(t, inside, "a sink worker to enter its callback")
	}
	waitOrFail(t, allMapped, "the map stage to finish every item")
	cancelled.Store(true)
	cancel()
	close(gate)
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		t.Fatal("the sink did not return after the cancel")
	}
	if late.Load() != 0 {
		t.Fatalf("%d callbacks started after the cancel", late.Load())
	}
	if err != context.Canceled {
		t.Fatalf("err = %v, want exactly context.Canceled", err)
	}
	if monitor {
		for _, st := range m.Stages() {
			if st.Errors != 0 {
				t.Fatalf("stage %s counted %d errors; a call failing from the cancel is no stage error", st.Name, st.Errors)
			}
		}
	}
}

// waitOrFail waits for ch, failing the test if it takes a minute: a hang
// guard, not a timing assertion.
func waitOrFail[T any](t *testing.T, ch <-chan T, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// A callback's own error that comes after the cancel is still the stage's
// error: only the context's errors are echoes of the stop.
func TestRealErrorAfterCancelStillCounts(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	boom := errors.New("boom")
	err := pipeline.ForEach(ctx, pipeline.From(slices.Values(seq(10))), func(context.Context, int) error {
		cancel()
		return boom
	}, pipeline.CollectErrors())
	if !errors.Is(err, boom) || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want boom and the cancel", err)
	}
}

// Issue 15, item 4: a callback that calls runtime.Goexit (as t.FailNow
// does) fails the run with a StageError wrapping task.ErrGoexit that names
// its item, and its message is settled with that error rather than left to
// the broker's ack timeout. Every other message is settled exactly once.
func TestGoexitSettlesItsMessage(t *testing.T) {
	const n, quit = 200, 37
	for _, place := range []string{"map", "filter", "flatmap", "ForEach", "Reduce"} {
		for _, c := range []struct {
			workers int
			ordered bool
		}{{1, false}, {3, false}, {3, true}} {
			if (place == "Reduce" || place == "ForEach") && c.ordered || place == "Reduce" && c.workers > 1 {
				continue
			}
			t.Run(place+"/"+cfgName(c.workers, c.ordered), func(t *testing.T) {
				rx := newFakeAck(n)
				fn := func(_ context.Context, v int) (int, error) {
					if v == quit {
						runtime.Goexit()
					}
					return v, nil
				}
				src := pipeline.FromReceiver[int](rx)
				var err error
				switch place {
				case "ForEach":
					err = pipeline.ForEach(bg, src, func(ctx context.Context, v int) error {
						_, err := fn(ctx, v)
						return err
					}, pipeline.Workers(c.workers), pipeline.Name("quitter"))
				case "Reduce":
					_, err = pipeline.Reduce(bg, src, 0, func(ctx context.Context, acc, v int) (int, error) {
						_, err := fn(ctx, v)
						return acc + v, err
					}, pipeline.Name("quitter"))
				default:
					s := op(place, src, fn, append(stageOpts(c.workers, c.ordered), pipeline.Name("quitter"))...)
					err = pipeline.ForEach(bg, s, func(context.Context, int) error { return nil })
				}
				errs := stageErrors(t, err)
				if len(errs) != 1 || !errors.Is(err, task.ErrGoexit) || errs[0].Stage != "quitter" || errs[0].Index != quit {
					t.Fatalf("err = %v, want one StageError of quitter, item %d, wrapping ErrGoexit", err, quit)
				}
				rx.mu.Lock()
				defer rx.mu.Unlock()
				if got := rx.settled[quit]; len(got) != 1 || !errors.Is(got[0], task.ErrGoexit) {
					t.Fatalf("message %d settled with %v, want once with ErrGoexit", quit, got)
				}
				received := min(int(rx.next.Load()), n)
				for i := range received {
					if len(rx.settled[i]) != 1 {
						t.Fatalf("message %d settled %d times", i, len(rx.settled[i]))
					}
				}
			})
		}
	}
}

// With CollectErrors the Goexit still stops the run (its goroutine is
// gone) and is reported once, with its item.
func TestGoexitCollected(t *testing.T) {
	var once sync.Once
	err := pipeline.ForEach(bg, pipeline.From(slices.Values(seq(100))), func(_ context.Context, v int) error {
		if v == 5 {
			once.Do(runtime.Goexit)
		}
		return nil
	}, pipeline.CollectErrors(), pipeline.Workers(2))
	errs := stageErrors(t, err)
	if len(errs) != 1 || errs[0].Index != 5 || !errors.Is(err, task.ErrGoexit) {
		t.Fatalf("err = %v, want one StageError for item 5 wrapping ErrGoexit", err)
	}
}
