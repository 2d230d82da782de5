package pipeline_test

import (
	"context"
	"errors"
	"runtime/pprof"
	"slices"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
)

func endless(yield func(int) bool) {
	for i := 0; yield(i); i++ {
	}
}

func TestAllBreakStopsAndWaits(t *testing.T) {
	for _, c := range configs {
		t.Run(cfgName(c.workers, c.ordered), func(t *testing.T) {
			s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) { return v, nil },
				stageOpts(c.workers, c.ordered)...)
			n := 0
			for v, err := range pipeline.All(bg, s) {
				if err != nil {
					t.Fatal(err)
				}
				if c.ordered && v != n {
					t.Fatalf("got %d, want %d", v, n)
				}
				if n++; n == 1000 {
					break
				}
			}
			// goleak in TestMain proves every stage exited.
		})
	}
}

func TestAllYieldsTheErrorLast(t *testing.T) {
	boom := errors.New("boom")
	s := pipeline.Map(pipeline.From(slices.Values(seq(10))), func(_ context.Context, v int) (int, error) {
		if v == 9 {
			return 0, boom
		}
		return v, nil
	})
	var vals []int
	var errs []error
	for v, err := range pipeline.All(bg, s) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals = append(vals, v)
	}
	// The first error stops every stage: what was in flight is dropped, so
	// the values are a prefix of the input.
	if len(errs) != 1 || !errors.Is(errs[0], boom) || !slices.Equal(vals, seq(len(vals))) {
		t.Fatalf("vals %v, errs %v", vals, errs)
	}
}

func TestAllLoopBodyPanics(t *testing.T) {
	s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Workers(3))
	defer func() {
		if p := recover(); p != "body" {
			t.Fatalf("recovered %v, want the body's panic to propagate", p)
		}
	}()
	for v := range pipeline.All(bg, s) {
		if v == 100 {
			panic("body")
		}
	}
}

func TestAllRangedTwicePanics(t *testing.T) {
	it := pipeline.All(bg, pipeline.From(slices.Values(seq(3))))
	for range it {
	}
	defer func() {
		if recover() == nil {
			t.Fatal("no panic")
		}
	}()
	for range it {
	}
}

// Early exit from every sink: a sink that fails stops an endless source.
func TestEverySinkStopsEarly(t *testing.T) {
	stop := errors.New("stop")
	src := func() *pipeline.Stream[int] {
		// Ordered, so that item v is at index v of every later stage.
		return pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) { return v, nil },
			pipeline.Workers(2), pipeline.Ordered())
	}
	t.Run("ForEach", func(t *testing.T) {
		err := pipeline.ForEach(bg, src(), func(_ context.Context, v int) error {
			if v == 100 {
				return stop
			}
			return nil
		}, pipeline.Workers(3))
		if !errors.Is(err, stop) {
			t.Fatal(err)
		}
	})
	t.Run("Reduce", func(t *testing.T) {
		_, err := pipeline.Reduce(bg, src(), 0, func(_ context.Context, acc, v int) (int, error) {
			if v == 100 {
				return 0, stop
			}
			return acc + v, nil
		})
		if !errors.Is(err, stop) {
			t.Fatal(err)
		}
	})
	t.Run("Collect", func(t *testing.T) {
		ctx, cancel := context.WithCancel(bg)
		s := pipeline.Map(src(), func(_ context.Context, v int) (int, error) {
			if v == 100 {
				cancel()
			}
			return v, nil
		})
		out, err := pipeline.Collect(ctx, s)
		if !errors.Is(err, context.Canceled) || len(out) == 0 {
			t.Fatal(len(out), err)
		}
	})
	t.Run("Run", func(t *testing.T) {
		copies := pipeline.Broadcast(src(), 2)
		var other atomic.Int64
		err := pipeline.Run(bg,
			pipeline.Each(copies[0], func(_ context.Context, v int) error {
				if v == 100 {
					return stop
				}
				return nil
			}),
			pipeline.Each(copies[1], func(context.Context, int) error { other.Add(1); return nil }))
		var se *pipeline.StageError
		if !errors.Is(err, stop) || !errors.As(err, &se) || se.Stage != "each#3" || se.Index != 100 {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestReduceAndForEach(t *testing.T) {
	sum, err := pipeline.Reduce(bg, pipeline.From(slices.Values(seq(1001))), 0,
		func(_ context.Context, acc, v int) (int, error) { return acc + v, nil })
	if err != nil || sum != 500500 {
		t.Fatal(sum, err)
	}
	l := newLedger()
	err = pipeline.ForEach(bg, pipeline.From(slices.Values(seq(10000))), func(_ context.Context, v int) error {
		l.add(v)
		return nil
	}, pipeline.Workers(4))
	if err != nil {
		t.Fatal(err)
	}
	l.exactly(t, seq(10000))
}

func TestCollectErrorsKeepsGoing(t *testing.T) {
	s := pipeline.Map(pipeline.From(slices.Values(seq(100))), func(_ context.Context, v int) (int, error) {
		if v%10 == 0 {
			return 0, errors.New("tens")
		}
		if v == 55 {
			panic("fifty-five")
		}
		return v, nil
	}, pipeline.Workers(4), pipeline.Ordered())
	out, err := pipeline.Collect(bg, s, pipeline.CollectErrors())
	var want []int
	for v := range 100 {
		if v%10 != 0 && v != 55 {
			want = append(want, v)
		}
	}
	if !slices.Equal(out, want) {
		t.Fatalf("got %v", out)
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok || len(joined.Unwrap()) != 11 {
		t.Fatalf("err = %v, want 11 errors joined", err)
	}
	idx := map[int64]bool{}
	for _, e := range joined.Unwrap() {
		var se *pipeline.StageError
		if !errors.As(e, &se) {
			t.Fatal(e)
		}
		idx[se.Index] = true
	}
	for _, i := range []int64{0, 10, 20, 30, 40, 50, 55, 60, 70, 80, 90} {
		if !idx[i] {
			t.Fatalf("no error for item %d", i)
		}
	}
}

func TestFromChanAndReceiver(t *testing.T) {
	ch := make(chan int)
	go func() {
		defer close(ch)
		for i := range 1000 {
			ch <- i
		}
	}()
	out, err := pipeline.Collect(bg, pipeline.FromChan(ch))
	if err != nil || !slices.Equal(out, seq(1000)) {
		t.Fatal(len(out), err)
	}
	// A receiver's own error fails the source's stage.
	bad := errors.New("broken receiver")
	rx := &scriptedReceiver{n: 5, err: bad}
	out, err = pipeline.Collect(bg, pipeline.FromReceiver[int](rx))
	var se *pipeline.StageError
	if !errors.Is(err, bad) || !errors.As(err, &se) || se.Stage != "receiver#0" || se.Index != 5 || !slices.Equal(out, seq(len(out))) {
		t.Fatalf("got %v, %v", out, err)
	}
}

// scriptedReceiver gives n values and then err.
type scriptedReceiver struct {
	i, n int
	err  error
}

func (r *scriptedReceiver) RecvContext(ctx context.Context) (int, error) {
	if r.i == r.n {
		return 0, r.err
	}
	r.i++
	return r.i - 1, nil
}

// Back-pressure: a sink that does not take items stops the source after at
// most the sum of the buffers and the workers, whatever the input's size.
func TestBackPressure(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var produced atomic.Int64
		src := func(yield func(int) bool) {
			for i := 0; ; i++ {
				produced.Add(1)
				if !yield(i) {
					return
				}
			}
		}
		s := pipeline.From(src, pipeline.Buffer(5))                                                                                 // 5
		s = pipeline.Map(s, func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Workers(3), pipeline.Buffer(7)) // 3 + 7
		s = pipeline.Filter(s, func(_ context.Context, v int) (bool, error) { return true, nil }, pipeline.Workers(2), pipeline.Ordered(),
			pipeline.Window(4), pipeline.Buffer(2)) // 4 + 2
		b := pipeline.Batch(s, 3, 0, pipeline.Buffer(1)) // 3 + 1 batches of 3
		ctx, cancel := context.WithCancel(bg)
		var atStop int64
		err := pipeline.ForEach(ctx, b, func(ctx context.Context, b []int) error {
			synctest.Wait() // every other goroutine is blocked: the pipeline is full
			atStop = produced.Load()
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
		// The source: its buffer, and 1 pulled from the iterator but not
		// sent. Map: a value per worker, its buffer. Filter: its window
		// (items in a callback or waiting to be emitted), its buffer.
		// Batch: a partial batch (2), a full one it is trying to send (3),
		// its buffer of one batch (3). The sink: the batch in its hand.
		bound := int64((5 + 1) + (3 + 7) + (4 + 2) + (2 + 3 + 3) + 3)
		// And the pipeline did fill up to about that: it is the buffers
		// that stopped the source, not something else.
		if atStop > bound || atStop < bound-5 {
			t.Fatalf("the source produced %d items while the sink held one batch; bound %d", atStop, bound)
		}
	})
}

func TestContextDoneRunsNothing(t *testing.T) {
	ctx, cancel := context.WithCancel(bg)
	cancel()
	ran := false
	s := pipeline.Map(pipeline.From(func(func(int) bool) { ran = true }), func(_ context.Context, v int) (int, error) { return v, nil })
	if _, err := pipeline.Collect(ctx, s); !errors.Is(err, context.Canceled) || ran {
		t.Fatalf("err %v, ran %v", err, ran)
	}
	if err := pipeline.ForEach(ctx, pipeline.From(slices.Values(seq(1))), func(context.Context, int) error { ran = true; return nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatal(err)
	}
	if _, err := pipeline.Reduce(ctx, pipeline.From(slices.Values(seq(1))), 0, func(context.Context, int, int) (int, error) { ran = true; return 0, nil }); !errors.Is(err, context.Canceled) || ran {
		t.Fatal(err)
	}
	if err := pipeline.Run(ctx, pipeline.Each(pipeline.From(slices.Values(seq(1))), func(context.Context, int) error { ran = true; return nil })); !errors.Is(err, context.Canceled) || ran {
		t.Fatal(err)
	}
	for _, err := range pipeline.All(ctx, pipeline.From(slices.Values(seq(1)))) {
		if !errors.Is(err, context.Canceled) {
			t.Fatal(err)
		}
	}
}

func TestStageGoroutinesCarryLabels(t *testing.T) {
	var got atomic.Value
	s := pipeline.Map(pipeline.From(slices.Values(seq(3))), func(ctx context.Context, v int) (int, error) {
		l, _ := pprof.Label(ctx, "pipeline.stage")
		got.Store(l)
		return v, nil
	}, pipeline.Name("labelled"))
	if _, err := pipeline.Collect(bg, s); err != nil {
		t.Fatal(err)
	}
	if got.Load() != "labelled" {
		t.Fatalf("label %v", got.Load())
	}
}

func TestMonitor(t *testing.T) {
	m := pipeline.NewMonitor()
	s := pipeline.From(slices.Values(seq(1000)), pipeline.Name("src"))
	s = pipeline.Filter(s, func(_ context.Context, v int) (bool, error) {
		if v == 7 {
			return false, errors.New("seven")
		}
		return v%2 == 0, nil
	}, pipeline.Name("evens"), pipeline.Workers(2))
	slow := pipeline.Map(s, func(_ context.Context, v int) (int, error) {
		time.Sleep(10 * time.Microsecond)
		return v, nil
	}, pipeline.Name("slow"))
	_, err := pipeline.Collect(bg, slow, pipeline.WithMonitor(m), pipeline.CollectErrors())
	if err == nil {
		t.Fatal("want the error of item 7")
	}
	st := m.Stages()
	names := []string{}
	for _, x := range st {
		names = append(names, x.Name)
	}
	if !slices.Equal(names, []string{"src", "evens", "slow", "collect#3"}) {
		t.Fatalf("stages %v", names)
	}
	if st[0].Out != 1000 || st[1].In != 1000 || st[1].Out != 500 || st[1].Errors != 1 || st[1].Workers != 2 ||
		st[2].In != 500 || st[2].Out != 500 || st[3].In != 500 {
		t.Fatalf("counts %+v", st)
	}
	// The stage after the slow one waits for it; it is the slow one's
	// input that fills up.
	if st[3].BlockedIn == 0 {
		t.Fatalf("the sink never waited for the slow stage: %+v", st[3])
	}
}
