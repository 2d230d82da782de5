package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/baton-go/baton/pipeline"
)

// Broadcast gives every item to each branch; Run drives a graph with one
// sink per branch and returns when all of them are done.
func ExampleRun() {
	ctx := context.Background()
	copies := pipeline.Broadcast(pipeline.From(slices.Values([]int{1, 2, 3, 4})), 2)
	var sum, count atomic.Int64
	err := pipeline.Run(ctx,
		pipeline.Each(copies[0], func(_ context.Context, v int) error { sum.Add(int64(v)); return nil }),
		pipeline.Each(copies[1], func(_ context.Context, v int) error { count.Add(1); return nil }),
	)
	fmt.Println(sum.Load(), count.Load(), err)
	// Output: 10 4 <nil>
}

// Split deals the items out round robin: item k goes to branch k mod n
// only, so the same input always lands on the same branches. Each branch
// needs a consumer in the same run, here one Each per branch.
func ExampleSplit() {
	ctx := context.Background()
	branches := pipeline.Split(pipeline.From(slices.Values([]int{0, 1, 2, 3, 4, 5, 6, 7})), 3)
	got := make([][]int, len(branches))
	sinks := make([]pipeline.Sink, len(branches))
	for i, b := range branches {
		sinks[i] = pipeline.Each(b, func(_ context.Context, v int) error {
			got[i] = append(got[i], v) // one worker per Each: no lock needed
			return nil
		})
	}
	err := pipeline.Run(ctx, sinks...)
	fmt.Println(got, err)
	// Output: [[0 3 6] [1 4 7] [2 5]] <nil>
}

// Partition sends equal keys to the same branch, so each branch can keep
// per-key state without locks; Merge joins the branches again.
func ExamplePartition() {
	ctx := context.Background()
	words := pipeline.From(slices.Values([]string{"go", "rust", "go", "zig", "rust", "go"}))
	parts := pipeline.Partition(words, 2, func(w string) uint64 { return uint64(len(w)) })
	for i := range parts {
		parts[i] = pipeline.Map(parts[i], func(_ context.Context, w string) (string, error) {
			return fmt.Sprintf("%s@%d", w, len(w)%2), nil
		})
	}
	out, _ := pipeline.Collect(ctx, pipeline.Merge(parts...))
	slices.Sort(out)
	fmt.Println(out)
	// Output: [go@0 go@0 go@0 rust@0 rust@0 zig@1]
}

// A Monitor shows each stage's traffic.
func ExampleMonitor() {
	ctx := context.Background()
	m := pipeline.NewMonitor()
	evens := pipeline.Filter(pipeline.From(slices.Values([]int{1, 2, 3, 4, 5, 6}), pipeline.Name("numbers")),
		func(_ context.Context, v int) (bool, error) { return v%2 == 0, nil }, pipeline.Name("evens"))
	_, _ = pipeline.Collect(ctx, evens, pipeline.WithMonitor(m))
	for _, st := range m.Stages() {
		fmt.Printf("%s: in %d, out %d\n", st.Name, st.In, st.Out)
	}
	// Output:
	// numbers: in 0, out 6
	// evens: in 6, out 3
	// collect#2: in 3, out 0
}
