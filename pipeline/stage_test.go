package pipeline_test

import (
	"context"
	"errors"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/task"
)

// stageOpts lists the configurations every operator is tested in.
func stageOpts(workers int, ordered bool) []pipeline.Option {
	opts := []pipeline.Option{pipeline.Workers(workers)}
	if ordered {
		opts = append(opts, pipeline.Ordered())
	}
	return opts
}

var configs = []struct {
	workers int
	ordered bool
}{{1, false}, {1, true}, {4, false}, {4, true}, {16, false}, {16, true}}

func TestMapExactlyOnce(t *testing.T) {
	const n = 8000
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			s := pipeline.Map(pipeline.From(slices.Values(seq(n))), func(_ context.Context, v int) (int, error) {
				jitter()
				return v + 1, nil
			}, stageOpts(c.workers, c.ordered)...)
			out, err := pipeline.Collect(bg, s)
			if err != nil {
				t.Fatal(err)
			}
			l := newLedger()
			for _, v := range out {
				l.add(v - 1)
			}
			l.exactly(t, seq(n))
			if c.ordered && !slices.IsSorted(out) {
				t.Fatal("ordered Map changed the order")
			}
		})
	}
}

func TestFilterExactlyOnce(t *testing.T) {
	const n = 8000
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			s := pipeline.Filter(pipeline.From(slices.Values(seq(n))), func(_ context.Context, v int) (bool, error) {
				jitter()
				return v%3 == 0, nil
			}, stageOpts(c.workers, c.ordered)...)
			out, err := pipeline.Collect(bg, s)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for v := range n {
				if v%3 == 0 {
					want = append(want, v)
				}
			}
			l := newLedger()
			for _, v := range out {
				l.add(v)
			}
			l.exactly(t, want)
			if c.ordered && !slices.Equal(out, want) {
				t.Fatal("ordered Filter changed the order")
			}
		})
	}
}

func TestFlatMapExactlyOnce(t *testing.T) {
	const n = 3000
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			// item v has v%4 children: 0 to 3, so some items vanish.
			s := pipeline.FlatMap(pipeline.From(slices.Values(seq(n))), func(_ context.Context, v int) ([]int, error) {
				jitter()
				var kids []int
				for k := range v % 4 {
					kids = append(kids, v*4+k)
				}
				return kids, nil
			}, stageOpts(c.workers, c.ordered)...)
			out, err := pipeline.Collect(bg, s)
			if err != nil {
				t.Fatal(err)
			}
			var want []int
			for v := range n {
				for k := range v % 4 {
					want = append(want, v*4+k)
				}
			}
			l := newLedger()
			for _, v := range out {
				l.add(v)
			}
			l.exactly(t, want)
			if c.ordered && !slices.Equal(out, want) {
				t.Fatal("ordered FlatMap changed the order")
			}
		})
	}
}

// TestWorkersBound checks that a stage never runs more than n callbacks at
// once, and that it does reach n: the first n items wait for each other, so
// the test would hang (and fail on its timeout) with fewer than n workers.
func TestWorkersBound(t *testing.T) {
	for _, n := range []int{1, 2, 4, 8} {
		for _, ordered := range []bool{false, true} {
			for _, kind := range append(kinds, "foreach") {
				t.Run(kind+"/"+cfgName(n, ordered), func(t *testing.T) {
					testWorkersBound(t, kind, n, ordered)
				})
			}
		}
	}
}

func testWorkersBound(t *testing.T, kind string, n int, ordered bool) {
	var g gauge
	var all sync.WaitGroup
	all.Add(n)
	fn := func(ctx context.Context, v int) (int, error) {
		g.enter()
		defer g.leave()
		if v < n {
			all.Done()
			all.Wait() // the first n meet: n callbacks run at once
		}
		jitter()
		return v, nil
	}
	ctx, cancel := context.WithTimeout(bg, time.Minute)
	defer cancel()
	src := pipeline.From(slices.Values(seq(500)))
	if kind == "foreach" {
		if ordered {
			return // ForEach has no order
		}
		err := pipeline.ForEach(ctx, src, func(ctx context.Context, v int) error {
			_, err := fn(ctx, v)
			return err
		}, pipeline.Workers(n))
		if err != nil {
			t.Fatal(err)
		}
	} else {
		out, err := pipeline.Collect(ctx, op(kind, src, fn, stageOpts(n, ordered)...))
		if err != nil || len(out) != 500 {
			t.Fatalf("got %d items, err %v", len(out), err)
		}
	}
	if p := g.peak.Load(); p != int64(n) {
		t.Fatalf("peak concurrency %d, want exactly %d", p, n)
	}
}

// TestOrderedUnderDelays: random per-item delays, many workers, a small
// window; the output must be the input, in order.
func TestOrderedUnderDelays(t *testing.T) {
	for _, w := range []int{1, 3, 8, 64} {
		for _, kind := range []string{"map", "filter", "flatmap"} {
			t.Run(kind, func(t *testing.T) {
				in := pipeline.From(slices.Values(seq(3000)))
				opts := []pipeline.Option{pipeline.Workers(8), pipeline.Window(w)}
				var s *pipeline.Stream[int]
				switch kind {
				case "map":
					s = pipeline.Map(in, func(_ context.Context, v int) (int, error) { jitter(); return v, nil }, opts...)
				case "filter":
					s = pipeline.Filter(in, func(_ context.Context, v int) (bool, error) { jitter(); return true, nil }, opts...)
				default:
					s = pipeline.FlatMap(in, func(_ context.Context, v int) ([]int, error) { jitter(); return []int{v}, nil }, opts...)
				}
				out, err := pipeline.Collect(bg, s)
				if err != nil || !slices.Equal(out, seq(3000)) {
					t.Fatalf("window %d: order lost (err %v, %d items)", w, err, len(out))
				}
			})
		}
	}
}

// TestOrderedWindowBound: the head item takes long; the others may run
// ahead by at most the window. In a synctest bubble the head's sleep ends
// only once every other goroutine is blocked, so the workers have gone as
// far as the window lets them by then.
func TestOrderedWindowBound(t *testing.T) {
	for _, tc := range []struct{ workers, window int }{{4, 4}, {4, 2}, {8, 16}, {2, 9}} {
		t.Run(cfgName(tc.workers, true), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var started, peakAhead atomic.Int64
				s := pipeline.Map(pipeline.From(slices.Values(seq(200))), func(_ context.Context, v int) (int, error) {
					started.Add(1)
					if v%50 == 0 {
						time.Sleep(time.Hour)
					}
					return v, nil
				}, pipeline.Workers(tc.workers), pipeline.Window(tc.window), pipeline.Buffer(0))
				var got int64
				err := pipeline.ForEach(bg, s, func(_ context.Context, v int) error {
					ahead := started.Load() - (got + 1) // v itself is taken
					if ahead > peakAhead.Load() {
						peakAhead.Store(ahead)
					}
					got++
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				// While the head sleeps, every token is taken: the window
				// minus the head itself is the least the peak can be.
				if p := peakAhead.Load(); p > int64(tc.window) || p < int64(tc.window-1) {
					t.Fatalf("started-but-not-taken peaked at %d, want the window %d (or one less)", p, tc.window)
				}
			})
		})
	}
}

func TestStageErrorNamesStage(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range configs {
		for _, kind := range kinds {
			t.Run(kind+"/"+cfgName(c.workers, c.ordered), func(t *testing.T) {
				testStageError(t, kind, c.workers, c.ordered, boom)
			})
		}
	}
}

func testStageError(t *testing.T, kind string, workers int, ordered bool, boom error) {
	s := op(kind, pipeline.From(slices.Values(seq(1000))), func(_ context.Context, v int) (int, error) {
		if v == 500 {
			return 0, boom
		}
		return v, nil
	}, append(stageOpts(workers, ordered), pipeline.Name("double"))...)
	s = pipeline.Map(s, func(_ context.Context, v int) (int, error) { return v, nil })
	_, err := pipeline.Collect(bg, s)
	var se *pipeline.StageError
	if !errors.As(err, &se) || !errors.Is(err, boom) {
		t.Fatalf("err = %v, want a StageError wrapping boom", err)
	}
	if se.Stage != "double" {
		t.Fatalf("Stage = %q", se.Stage)
	}
	if (workers == 1 || ordered) && se.Index != 500 {
		t.Fatalf("Index = %d, want 500", se.Index)
	}
}

func TestPanicBecomesStageError(t *testing.T) {
	for _, c := range configs {
		for _, kind := range kinds {
			t.Run(kind+"/"+cfgName(c.workers, c.ordered), func(t *testing.T) {
				testPanic(t, kind, c.workers, c.ordered)
			})
		}
	}
}

func testPanic(t *testing.T, kind string, workers int, ordered bool) {
	s := op(kind, pipeline.From(slices.Values(seq(100))), func(_ context.Context, v int) (int, error) {
		if v == 42 {
			panic("forty-two")
		}
		return v, nil
	}, stageOpts(workers, ordered)...)
	_, err := pipeline.Collect(bg, s)
	var se *pipeline.StageError
	var pe *task.PanicError
	if !errors.As(err, &se) || !errors.As(err, &pe) || !errors.Is(err, task.ErrPanicked) {
		t.Fatalf("err = %v, want a StageError holding a PanicError", err)
	}
	if pe.Value != "forty-two" || se.Stage != kind+"#1" || len(pe.Stack) == 0 {
		t.Fatalf("got stage %q, value %v", se.Stage, pe.Value)
	}
}

func TestGoexitInCallback(t *testing.T) {
	s := pipeline.Map(pipeline.From(slices.Values(seq(10))), func(_ context.Context, v int) (int, error) {
		if v == 3 {
			runtime.Goexit()
		}
		return v, nil
	}, pipeline.Name("quitter"))
	_, err := pipeline.Collect(bg, s)
	var se *pipeline.StageError
	if !errors.As(err, &se) || !errors.Is(err, task.ErrGoexit) || se.Stage != "quitter" {
		t.Fatalf("err = %v, want a StageError of quitter wrapping ErrGoexit", err)
	}
}

// TestFirstErrorStopsEverything: an endless source, a failing stage; the
// sink must return, which means the source stopped too.
func TestFirstErrorStopsEverything(t *testing.T) {
	boom := errors.New("boom")
	endless := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) {
				if v == 1000 {
					return 0, boom
				}
				return v, nil
			}, stageOpts(c.workers, c.ordered)...)
			s = pipeline.Map(s, func(_ context.Context, v int) (int, error) { return v, nil }, stageOpts(c.workers, c.ordered)...)
			err := pipeline.ForEach(bg, s, func(context.Context, int) error { return nil })
			if !errors.Is(err, boom) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestCancellation(t *testing.T) {
	endless := func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			ctx, cancel := context.WithCancel(bg)
			s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) {
				if v == 500 {
					cancel()
				}
				return v, nil
			}, stageOpts(c.workers, c.ordered)...)
			n := 0
			err := pipeline.ForEach(ctx, s, func(context.Context, int) error { n++; return nil })
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("err = %v, want context.Canceled", err)
			}
			var se *pipeline.StageError
			if errors.As(err, &se) {
				t.Fatalf("a cancellation is not a stage's error: %v", err)
			}
		})
	}
}

// TestCallbackContextEnds: a callback blocked on its ctx is released when
// another stage fails.
func TestCallbackContextEnds(t *testing.T) {
	boom := errors.New("boom")
	in := pipeline.From(slices.Values(seq(10)))
	s := pipeline.Map(in, func(ctx context.Context, v int) (int, error) {
		if v == 0 {
			<-ctx.Done() // waits until the pipeline stops
			return 0, ctx.Err()
		}
		if v == 5 {
			return 0, boom
		}
		return v, nil
	}, pipeline.Workers(3))
	_, err := pipeline.Collect(bg, s)
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom first", err)
	}
}
