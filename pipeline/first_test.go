package pipeline_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// work is a callback's pretend work in a synctest bubble: a second of the
// fake clock, cut short when the pipeline stops.
func work(ctx context.Context) error {
	select {
	case <-time.After(time.Second):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// starts counts callback starts, and those at or after the decision.
type starts struct {
	all, late atomic.Int64
	decided   atomic.Bool
}

func (s *starts) enter() {
	s.all.Add(1)
	if s.decided.Load() {
		s.late.Add(1)
	}
}

// The intents of rill's First tests: the first value wins and the source
// stops ("value is first"), an error ahead of any value is returned ("error
// is first"), an empty stream says so ("empty").
func TestFirst(t *testing.T) {
	t.Run("value is first", func(t *testing.T) {
		// Every item takes a second of the fake clock, so item 0 reaches
		// First long before item 10 fails.
		for _, workers := range []int{1, 4} {
			synctest.Test(t, func(t *testing.T) {
				s := pipeline.Map(pipeline.From(endless), func(ctx context.Context, v int) (int, error) {
					if err := work(ctx); err != nil {
						return 0, err
					}
					if v == 10 {
						return 0, errors.New("err10")
					}
					return v, nil
				}, pipeline.Workers(workers), pipeline.Ordered())
				v, err := pipeline.First(bg, s)
				if err != nil || v != 0 {
					t.Fatalf("got %d, %v; want 0", v, err)
				}
				if n := stagesRunning(t); n != 0 {
					t.Fatalf("%d stage goroutines left", n)
				}
			})
		}
	})
	t.Run("error is first", func(t *testing.T) {
		s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) {
			return v, errors.New("err")
		}, pipeline.Name("fails"))
		v, err := pipeline.First(bg, s)
		var se *pipeline.StageError
		if !errors.As(err, &se) || se.Stage != "fails" || se.Index != 0 || v != 0 {
			t.Fatalf("got %d, %v", v, err)
		}
	})
	t.Run("empty", func(t *testing.T) {
		v, err := pipeline.First(bg, pipeline.From(slices.Values([]int(nil))))
		if err != pipeline.ErrEmpty || v != 0 {
			t.Fatalf("got %d, %v; want ErrEmpty", v, err)
		}
		// Filtered to nothing is empty too.
		s := pipeline.Filter(pipeline.From(slices.Values(seq(100))), func(context.Context, int) (bool, error) { return false, nil })
		if _, err := pipeline.First(bg, s); err != pipeline.ErrEmpty {
			t.Fatalf("err = %v, want ErrEmpty", err)
		}
	})
	t.Run("ctx done", func(t *testing.T) {
		ctx, cancel := context.WithCancel(bg)
		cancel()
		if _, err := pipeline.First(ctx, pipeline.From(endless)); err != context.Canceled {
			t.Fatal(err)
		}
	})
	t.Run("messages", func(t *testing.T) {
		rx := newFakeAck(1000)
		v, err := pipeline.First(bg, pipeline.FromReceiver[int](rx))
		if err != nil || v != 0 {
			t.Fatal(v, err)
		}
		// Message 0 was taken; every other one received was handed back.
		rx.check(t, func(msg int) bool { return msg == 0 })
	})
}

// Early exit from an endless source: once the first item arrived, each
// worker upstream starts at most one more callback, and no goroutine is
// left when First returns.
func TestFirstStopsEndlessSource(t *testing.T) {
	for _, workers := range []int{1, 4} {
		synctest.Test(t, func(t *testing.T) {
			var st starts
			s := pipeline.Map(pipeline.From(endless), func(ctx context.Context, v int) (int, error) {
				st.enter()
				if err := work(ctx); err != nil {
					return 0, err
				}
				st.decided.Store(true) // the first result is about to be sent
				return v, nil
			}, pipeline.Workers(workers), pipeline.Buffer(0))
			if _, err := pipeline.First(bg, s); err != nil {
				t.Fatal(err)
			}
			if late := st.late.Load(); late > int64(workers) {
				t.Fatalf("%d callbacks started after the first result, with %d workers", late, workers)
			}
			if n := stagesRunning(t); n != 0 {
				t.Fatalf("%d stage goroutines left", n)
			}
		})
	}
}

func TestFirstBadInput(t *testing.T) {
	mustPanic(t, func() { pipeline.First(nilCtx, pipeline.From(endless)) }, "First")
	mustPanic(t, func() { pipeline.First(bg, pipeline.From(endless), pipeline.Workers(2)) }, "Workers", "First")
	mustPanic(t, func() { pipeline.First[int](bg, nil) }, "First")
}

// nilCtx is a nil context passed through a variable, as the bad-input
// tests of the other packages do.
var nilCtx context.Context
