package pipeline_test

import (
	"bytes"
	"context"
	"errors"
	"runtime/pprof"
	"slices"
	"strings"
	"testing"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/task"
)

// stagesRunning counts the goroutines still inside a stage: each carries
// the pprof label pipeline.stage while it runs the stage's code.
func stagesRunning(t *testing.T) int {
	t.Helper()
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	return strings.Count(buf.String(), `"pipeline.stage"`)
}

// Every stage goroutine has exited when a sink returns: checked at once,
// with no waiting, after each sink and each way of stopping.
func TestNoStageOutlivesItsSink(t *testing.T) {
	boom := errors.New("boom")
	graph := func() *pipeline.Stream[int] {
		s := pipeline.Map(pipeline.From(endless), func(_ context.Context, v int) (int, error) {
			if v == 3000 {
				return 0, boom
			}
			return v, nil
		}, pipeline.Workers(3), pipeline.Ordered())
		parts := pipeline.Broadcast(s, 2)
		return pipeline.Merge(pipeline.Filter(parts[0], func(context.Context, int) (bool, error) { return true, nil }, pipeline.Workers(2)),
			pipeline.FlatMap(parts[1], func(_ context.Context, v int) ([]int, error) { return []int{v}, nil }))
	}
	check := func(what string, err error) {
		t.Helper()
		if n := stagesRunning(t); n != 0 {
			t.Fatalf("%s: %d stage goroutines still running after the sink returned (err %v)", what, n, err)
		}
	}
	_, err := pipeline.Collect(bg, graph())
	check("Collect", err)
	err = pipeline.ForEach(bg, graph(), func(context.Context, int) error { return nil }, pipeline.Workers(4))
	check("ForEach", err)
	_, err = pipeline.Reduce(bg, graph(), 0, func(_ context.Context, a, v int) (int, error) { return a + v, nil })
	check("Reduce", err)
	for v := range pipeline.All(bg, graph()) {
		if v == 10 {
			break
		}
	}
	check("All with break", nil)
	copies := pipeline.Broadcast(graph(), 3)
	var sinks []pipeline.Sink
	for _, c := range copies {
		sinks = append(sinks, pipeline.Each(c, func(context.Context, int) error { return nil }))
	}
	err = pipeline.Run(bg, sinks...)
	check("Run", err)
}

// A panic inside the source's own iterator fails the source's stage.
func TestPanicInSourceIterator(t *testing.T) {
	bad := func(yield func(int) bool) {
		for i := range 10 {
			if i == 5 {
				panic("iterator broke")
			}
			if !yield(i) {
				return
			}
		}
	}
	out, err := pipeline.Collect(bg, pipeline.From(bad, pipeline.Name("numbers")))
	var se *pipeline.StageError
	var pe *task.PanicError
	if !errors.As(err, &se) || se.Stage != "numbers" || !errors.As(err, &pe) || !slices.Equal(out, seq(len(out))) {
		t.Fatalf("got %v, %v", out, err)
	}
}

// Stats can be read while the pipeline runs.
func TestMonitorReadWhileRunning(t *testing.T) {
	m := pipeline.NewMonitor()
	s := pipeline.Map(pipeline.From(slices.Values(seq(20000))), func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Workers(2))
	var peak int64
	err := pipeline.ForEach(bg, s, func(context.Context, int) error {
		for _, st := range m.Stages() {
			peak = max(peak, st.Out)
		}
		return nil
	}, pipeline.WithMonitor(m))
	if err != nil || peak == 0 {
		t.Fatal(err, peak)
	}
}
