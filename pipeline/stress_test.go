package pipeline_test

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// 100k items through a graph with fan-out and fan-in: a parallel ordered Map, a
// Split into three branches (an ordered Map, a Filter, a FlatMap that
// doubles), a Merge, and a parallel sink. Every item must arrive exactly
// once per path, and the ones that were dropped must be exactly the
// filtered ones.
func TestStressGraph(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	src := pipeline.From(slices.Values(seq(n)))
	tagged := pipeline.Map(src, func(_ context.Context, v int) (int, error) { return v * 10, nil },
		pipeline.Workers(4), pipeline.Ordered()) // ordered, so that Split deals item v to branch v mod 3
	parts := pipeline.Split(tagged, 3, pipeline.Buffer(16))
	parts[0] = pipeline.Map(parts[0], func(_ context.Context, v int) (int, error) { return v + 1, nil },
		pipeline.Workers(3), pipeline.Ordered(), pipeline.Window(5))
	parts[1] = pipeline.Filter(parts[1], func(_ context.Context, v int) (bool, error) { return (v/10)%2 == 0, nil }, pipeline.Workers(2))
	parts[2] = pipeline.FlatMap(parts[2], func(_ context.Context, v int) ([]int, error) { return []int{v + 2, v + 3}, nil })
	merged := pipeline.Merge(parts...)
	l := newLedger()
	var sunk atomic.Int64
	m := pipeline.NewMonitor()
	err := pipeline.ForEach(bg, merged, func(_ context.Context, v int) error {
		l.add(v)
		sunk.Add(1)
		return nil
	}, pipeline.Workers(3), pipeline.WithMonitor(m))
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for v := range n {
		switch v % 3 {
		case 0:
			want = append(want, v*10+1)
		case 1:
			if v%2 == 0 {
				want = append(want, v*10)
			}
		case 2:
			want = append(want, v*10+2, v*10+3)
		}
	}
	l.exactly(t, want)
	st := m.Stages()
	if last := st[len(st)-1]; last.In != int64(len(want)) || st[0].Out != int64(n) {
		t.Fatalf("monitor: %+v", st)
	}
}
