package pipeline_test

import (
	"context"
	"iter"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// The stall tests run in synctest bubbles: the fake clock moves only when
// every goroutine of the bubble is blocked, so a pipeline stuck on a
// channel the test holds is seen stuck after exactly the stall's duration,
// and a pipeline that moves is never mistaken for a stuck one, however
// loaded the machine.

const stallAfter = time.Second

// reporter returns the option and the channel its reports arrive on.
func reporter() (pipeline.Option, chan pipeline.Stall) {
	reports := make(chan pipeline.Stall, 16)
	return pipeline.WithStallReport(stallAfter, func(s pipeline.Stall) { reports <- s }), reports
}

// slowFrom yields 0..n-1, with a pause of the fake clock before each
// value from slowFrom on, so that the items after it reach the stage at
// distinct times.
func slowFrom(n, from int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if i >= from {
				time.Sleep(time.Millisecond)
			}
			if !yield(i) {
				return
			}
		}
	}
}

func chainOf(s pipeline.Stall) []string {
	var out []string
	for _, w := range s.Chain {
		out = append(out, w.Stage+"->"+w.On)
	}
	return out
}

// wantStall checks the stage, the item and the chain of a report.
func wantStall(t *testing.T, s pipeline.Stall, stage string, item int64, chain ...string) {
	t.Helper()
	if s.Stage != stage || s.Item != item || !slices.Equal(chainOf(s), chain) {
		t.Fatalf("got stage %q, item %d, chain %q; want %q, %d, %q\n%v", s.Stage, s.Item, chainOf(s), stage, item, chain, s)
	}
	if s.Idle < stallAfter {
		t.Fatalf("reported after %v of no movement, before %v", s.Idle, stallAfter)
	}
}

// A slow callback: every worker of enrich is stuck, load is blocked
// sending to it, and the source behind load too.
func TestStallSlowCallback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		gate := make(chan struct{})
		src := pipeline.From(slowFrom(10_000, 100), pipeline.Name("src"), pipeline.Buffer(2))
		load := pipeline.Map(src, noop, pipeline.Name("load"), pipeline.Buffer(2))
		enrich := pipeline.Map(load, func(_ context.Context, v int) (int, error) {
			if v >= 100 {
				<-gate
			}
			return v, nil
		}, pipeline.Name("enrich"), pipeline.Workers(4))
		done := make(chan error)
		go func() { done <- pipeline.ForEach(bg, enrich, func(context.Context, int) error { return nil }, opt) }()
		s := <-reports
		wantStall(t, s, "enrich", 100, "src->load", "load->enrich")
		if s.Workers != 4 || s.InCallback != 4 || s.Age < s.Idle || s.Source {
			t.Fatalf("workers %d, in callback %d, age %v (idle %v)", s.Workers, s.InCallback, s.Age, s.Idle)
		}
		text := s.String()
		for _, want := range []string{"`load` blocked", "sending to `enrich`", "all 4 workers of `enrich` in their callback", "oldest on item 100", "goroutine stack", "4 goroutines:", "stall_test.go"} {
			if !strings.Contains(text, want) {
				t.Fatalf("report lacks %q:\n%s", want, text)
			}
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if len(reports) != 0 {
			t.Fatalf("a second report for the same stall: %v", <-reports)
		}
	})
}

// A sink that stopped reading: the ForEach callback never returns for
// item 50, and everything behind it fills up and waits.
func TestStallSinkStoppedReading(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		ctx, cancel := context.WithCancel(bg)
		s := pipeline.Map(pipeline.From(slices.Values(seq(1000)), pipeline.Name("src")), noop, pipeline.Name("parse"))
		done := make(chan error)
		go func() {
			done <- pipeline.ForEach(ctx, s, func(ctx context.Context, v int) error {
				if v == 50 {
					<-ctx.Done()
					return ctx.Err()
				}
				return nil
			}, pipeline.Name("store"), opt)
		}()
		st := <-reports
		wantStall(t, st, "store", 50, "src->parse", "parse->store")
		if !strings.Contains(st.String(), "the worker of `store` in its callback") || len(st.Stacks) != 1 {
			t.Fatalf("report:\n%v", st)
		}
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatal(err)
		}
	})
}

// The body of All's loop is the sink's callback: a body that waits is a
// stalled sink too (with no stack: it runs on the caller's goroutine).
func TestStallAllBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		s := pipeline.Map(pipeline.From(slices.Values(seq(1000)), pipeline.Name("src")), noop, pipeline.Name("parse"))
		for v, err := range pipeline.All(bg, s, opt) {
			if err != nil {
				t.Fatal(err)
			}
			if v == 50 {
				st := <-reports // the loop waits here until the watch sees it
				wantStall(t, st, "all#2", 50, "src->parse", "parse->all#2")
				if len(st.Stacks) != 0 {
					t.Fatalf("stacks for All's body: %q", st.Stacks)
				}
				break
			}
		}
	})
}

// A callback that waits on another stage's output: branch a of a
// Broadcast waits for branch b's sink to see an item that cannot come,
// because the broadcaster waits for a to take its copy first.
func TestStallCallbackWaitsOnAnotherStage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		ctx, cancel := context.WithCancel(bg)
		seen500 := make(chan struct{})
		copies := pipeline.Broadcast(pipeline.From(slices.Values(seq(1000)), pipeline.Name("src")), 2, pipeline.Name("copy"))
		a := pipeline.Map(copies[0], func(ctx context.Context, v int) (int, error) {
			if v == 10 {
				select {
				case <-seen500:
				case <-ctx.Done():
				}
			}
			return v, nil
		}, pipeline.Name("a"))
		done := make(chan error)
		go func() {
			done <- pipeline.Run(ctx,
				pipeline.Each(a, func(context.Context, int) error { return nil }, pipeline.Name("a-sink")),
				pipeline.Each(copies[1], func(_ context.Context, v int) error {
					if v == 500 {
						close(seen500)
					}
					return nil
				}, pipeline.Name("b-sink")),
				opt)
		}()
		st := <-reports
		wantStall(t, st, "a", 10, "src->copy", "copy->a")
		if st.InCallback != 1 || st.Workers != 1 {
			t.Fatalf("%d of %d in the callback:\n%v", st.InCallback, st.Workers, st)
		}
		cancel()
		if err := <-done; err != context.Canceled {
			t.Fatal(err)
		}
	})
}

// An Ordered stage whose head item is stuck: the other workers finish
// theirs and wait for the window, and the head is the item reported.
func TestStallOrderedHead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		gate := make(chan struct{})
		s := pipeline.Map(pipeline.From(slices.Values(seq(1000)), pipeline.Name("src")), func(_ context.Context, v int) (int, error) {
			if v == 7 {
				<-gate
			}
			return v, nil
		}, pipeline.Name("ordered"), pipeline.Workers(3), pipeline.Ordered())
		done := make(chan error)
		go func() { done <- pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, opt) }()
		st := <-reports
		wantStall(t, st, "ordered", 7, "src->ordered")
		if st.InCallback != 1 || !strings.Contains(st.String(), "1 of 3 workers of `ordered`") {
			t.Fatalf("report:\n%v", st)
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// A source whose own input gives nothing: the source is what everything
// waits on.
func TestStallSource(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		ch := make(chan int)
		s := pipeline.Map(pipeline.FromChan(ch, pipeline.Name("feed")), noop, pipeline.Workers(2))
		done := make(chan error)
		go func() { done <- pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, opt) }()
		for i := range 5 {
			ch <- i
		}
		st := <-reports
		wantStall(t, st, "feed", 5)
		if !st.Source || !strings.Contains(st.String(), "source `feed` waiting in its input") || len(st.Stacks) != 1 {
			t.Fatalf("report:\n%v", st)
		}
		close(ch)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

// A pipeline that is slow everywhere but where some item moves within
// every stall period is never reported, however long it runs.
func TestStallNotForSlowButMoving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		pause := func(d time.Duration) func(context.Context, int) (int, error) {
			return func(_ context.Context, v int) (int, error) {
				time.Sleep(d)
				return v, nil
			}
		}
		s := pipeline.Map(pipeline.From(slices.Values(seq(200))), pause(stallAfter*9/10), pipeline.Workers(2))
		s = pipeline.Map(s, pause(stallAfter/3), pipeline.Workers(1), pipeline.Ordered())
		err := pipeline.ForEach(bg, s, func(context.Context, int) error {
			time.Sleep(stallAfter / 2)
			return nil
		}, opt, pipeline.Workers(3))
		if err != nil {
			t.Fatal(err)
		}
		if len(reports) != 0 {
			t.Fatalf("a moving pipeline was reported stalled:\n%v", <-reports)
		}
	})
}

// After a stall ends and items move again, a new stall is reported again.
func TestStallReportedAgainAfterMoving(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		opt, reports := reporter()
		gates := map[int]chan struct{}{10: make(chan struct{}), 20: make(chan struct{})}
		s := pipeline.Map(pipeline.From(slices.Values(seq(30))), func(_ context.Context, v int) (int, error) {
			if g, ok := gates[v]; ok {
				<-g
			}
			return v, nil
		}, pipeline.Name("m"))
		done := make(chan error)
		go func() { done <- pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, opt) }()
		wantStall(t, <-reports, "m", 10)
		close(gates[10])
		wantStall(t, <-reports, "m", 20)
		close(gates[20])
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	})
}

func TestStallBadInput(t *testing.T) {
	mustPanic(t, func() { pipeline.WithStallReport(0, func(pipeline.Stall) {}) }, "WithStallReport", "d > 0")
	mustPanic(t, func() { pipeline.WithStallReport(time.Second, nil) }, "WithStallReport", "fn")
	mustPanic(t, func() {
		pipeline.Map(pipeline.From(slices.Values(seq(1))), noop, pipeline.WithStallReport(time.Second, func(pipeline.Stall) {}))
	}, "WithStallReport")
}
