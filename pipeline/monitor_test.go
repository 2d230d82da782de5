package pipeline_test

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/pipeline"
)

func byName(st []pipeline.StageStats) map[string]pipeline.StageStats {
	m := map[string]pipeline.StageStats{}
	for _, s := range st {
		m[s.Name] = s
	}
	return m
}

// sleeper is a callback that takes d of the bubble's fake clock per item.
func sleeper(d time.Duration) func(context.Context, int) (int, error) {
	return func(_ context.Context, v int) (int, error) {
		time.Sleep(d)
		return v, nil
	}
}

// Busy is the time a stage's goroutines did not wait for input or for
// room in their output, summed over workers; Inputs draw the graph; Buffer
// is each stage's input capacity. Inside a synctest bubble the clock moves
// only while goroutines sleep (in the callbacks here) or wait, so every
// Busy is exactly the callbacks' sleeps: the stage's own work around them
// takes no time in the bubble.
func TestMonitorBusyInputsBuffer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := pipeline.NewMonitor()
		src := pipeline.From(slices.Values(seq(10)), pipeline.Name("src"), pipeline.Buffer(3))
		parts := pipeline.Broadcast(src, 2, pipeline.Name("copy"), pipeline.Buffer(5))
		a := pipeline.Map(parts[0], sleeper(10*time.Millisecond), pipeline.Name("a"), pipeline.Workers(2), pipeline.Buffer(7))
		b := pipeline.Filter(parts[1], func(ctx context.Context, v int) (bool, error) {
			_, err := sleeper(3*time.Millisecond)(ctx, v)
			return v%2 == 0, err
		}, pipeline.Name("b"), pipeline.Workers(3), pipeline.Ordered())
		o := pipeline.Map(pipeline.Merge(a, b), sleeper(time.Millisecond), pipeline.Name("o"), pipeline.Workers(2), pipeline.Ordered())
		var total int
		sum, err := pipeline.Reduce(bg, o, 0, func(_ context.Context, acc, v int) (int, error) {
			time.Sleep(2 * time.Millisecond)
			total++
			return acc + v, nil
		}, pipeline.Name("sum"), pipeline.WithMonitor(m))
		if err != nil || total != 15 || sum != 45+20 {
			t.Fatalf("sum %d of %d items, err %v", sum, total, err)
		}
		st := byName(m.Stages())
		want := map[string]struct {
			busy   time.Duration
			buffer int
			inputs []string
		}{
			"src":     {0, 0, nil},
			"copy":    {0, 3, []string{"src"}},
			"a":       {100 * time.Millisecond, 5, []string{"copy"}},
			"b":       {30 * time.Millisecond, 5, []string{"copy"}},
			"merge#3": {0, 7 + pipeline.DefaultBuffer, []string{"a", "b"}},
			"o":       {15 * time.Millisecond, pipeline.DefaultBuffer, []string{"merge#3"}},
			"sum":     {30 * time.Millisecond, pipeline.DefaultBuffer, []string{"o"}},
		}
		if len(st) != len(want) {
			t.Fatalf("stages %v", m.Stages())
		}
		for name, w := range want {
			got, ok := st[name]
			if !ok {
				t.Fatalf("no stage %s in %v", name, m.Stages())
			}
			if got.Busy != w.busy || got.Buffer != w.buffer || !slices.Equal(got.Inputs, w.inputs) || got.Queued != 0 {
				t.Errorf("%s: busy %v, buffer %d, queued %d, inputs %q; want busy %v, buffer %d, queued 0, inputs %q",
					name, got.Busy, got.Buffer, got.Queued, got.Inputs, w.busy, w.buffer, w.inputs)
			}
		}
	})
}

// Queued is what waits in a stage's input right now: with the only
// worker of hold stuck in its callback on item 0, the source fills hold's
// input and then waits.
func TestMonitorQueued(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := pipeline.NewMonitor()
		gate := make(chan struct{})
		src := pipeline.From(slices.Values(seq(100)), pipeline.Name("src"), pipeline.Buffer(8))
		hold := pipeline.Map(src, func(_ context.Context, v int) (int, error) {
			if v == 0 {
				<-gate
			}
			return v, nil
		}, pipeline.Name("hold"), pipeline.Buffer(4))
		done := make(chan error)
		go func() {
			done <- pipeline.ForEach(bg, hold, func(context.Context, int) error { return nil }, pipeline.Name("sink"), pipeline.WithMonitor(m))
		}()
		synctest.Wait()
		st := byName(m.Stages())
		if h := st["hold"]; h.Queued != 8 || h.Buffer != 8 || h.In != 1 {
			t.Errorf("hold: %+v, want 8 of 8 queued and 1 taken", h)
		}
		if s := st["sink"]; s.Queued != 0 || s.Buffer != 4 {
			t.Errorf("sink: %+v, want 0 of 4 queued", s)
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for _, s := range m.Stages() {
			if s.Queued != 0 {
				t.Errorf("%s: %d queued after the run", s.Name, s.Queued)
			}
		}
	})
}

// Busy is readable while the run goes on: it grows while a goroutine is
// in its callback and stands still while the goroutine waits, though the
// wait itself is added to BlockedIn only when it ends.
func TestMonitorBusyWhileWaiting(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := pipeline.NewMonitor()
		gate := make(chan struct{})
		src := pipeline.From(slices.Values(seq(2)), pipeline.Name("src"))
		slow := pipeline.Map(src, func(_ context.Context, v int) (int, error) {
			if v == 1 {
				<-gate
			}
			return v, nil
		}, pipeline.Name("slow"))
		done := make(chan error)
		go func() {
			done <- pipeline.ForEach(bg, slow, func(context.Context, int) error {
				time.Sleep(10 * time.Millisecond)
				return nil
			}, pipeline.Name("sink"), pipeline.WithMonitor(m))
		}()
		// At 10ms the sink is done with item 0 and waits; slow is in its
		// callback on item 1 from 0 on.
		time.Sleep(time.Second)
		synctest.Wait()
		st := byName(m.Stages())
		if s := st["slow"]; s.Busy != time.Second || s.In != 2 || s.Out != 1 {
			t.Errorf("slow while stuck: %+v, want busy 1s, 2 in, 1 out", s)
		}
		if s := st["sink"]; s.Busy != 10*time.Millisecond || s.BlockedIn != 0 || s.In != 1 {
			t.Errorf("sink while waiting: %+v, want busy 10ms, blocked 0 (the wait goes on), 1 in", s)
		}
		close(gate)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		st = byName(m.Stages())
		if s := st["slow"]; s.Busy != time.Second {
			t.Errorf("slow after the run: busy %v, want 1s", s.Busy)
		}
		if s := st["sink"]; s.Busy != 20*time.Millisecond || s.BlockedIn != 990*time.Millisecond {
			t.Errorf("sink after the run: busy %v, blocked in %v; want 20ms, 990ms", s.Busy, s.BlockedIn)
		}
	})
}

// A loop body of All that panics ends the sink's life too: its Busy stops
// growing, though the caller's goroutine goes on.
func TestMonitorAllBodyPanics(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m := pipeline.NewMonitor()
		func() {
			defer func() {
				if recover() == nil {
					t.Error("the loop body's panic did not come through")
				}
			}()
			for range pipeline.All(bg, pipeline.From(slices.Values(seq(3)), pipeline.Name("src")), pipeline.WithMonitor(m)) {
				time.Sleep(10 * time.Millisecond)
				panic("body")
			}
		}()
		time.Sleep(time.Second)
		for _, s := range m.Stages() {
			if s.Name != "src" && s.Busy != 10*time.Millisecond {
				t.Errorf("%s: busy %v a second after the loop ended, want the body's 10ms", s.Name, s.Busy)
			}
		}
	})
}
