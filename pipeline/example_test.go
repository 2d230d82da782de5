package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pipeline"
)

// The seed's pipeline: each stage processes a value and forwards it to the
// next over a bounded channel.
func Example() {
	ctx := context.Background()
	nums := pipeline.From(slices.Values([]int{1, 2, 3, 4, 5}))
	doubled := pipeline.Map(nums, func(_ context.Context, n int) (int, error) { return n * 2, nil })
	squared := pipeline.Map(doubled, func(_ context.Context, n int) (int, error) { return n * n, nil })
	out, err := pipeline.Collect(ctx, squared)
	fmt.Println(out, err)
	// Output: [4 16 36 64 100] <nil>
}

// The seed's fan-out/fan-in: main sends jobs down a channel, several workers
// take them, and an aggregator sums their replies.
func Example_fanOutFanIn() {
	ctx := context.Background()
	tx, rx := channel.Bounded[int](4)
	go func() {
		defer tx.Close()
		for job := 1; job <= 100; job++ {
			_ = tx.Send(job)
		}
	}()
	jobs := pipeline.FromReceiver(rx)
	replies := pipeline.Map(jobs, func(_ context.Context, job int) (int, error) {
		return job * job, nil
	}, pipeline.Workers(4), pipeline.Name("worker"))
	total, err := pipeline.Reduce(ctx, replies, 0, func(_ context.Context, acc, r int) (int, error) {
		return acc + r, nil
	}, pipeline.Name("aggregator"))
	fmt.Println(total, err)
	// Output: 338350 <nil>
}

// An ordered Map keeps input order however long each item takes.
func ExampleMap_ordered() {
	ctx := context.Background()
	words := pipeline.From(slices.Values([]string{"slow", "a", "bb", "ccc"}))
	upper := pipeline.Map(words, func(_ context.Context, w string) (string, error) {
		if w == "slow" {
			time.Sleep(10 * time.Millisecond) // finishes last, emitted first
		}
		return strings.ToUpper(w), nil
	}, pipeline.Workers(4), pipeline.Ordered())
	out, _ := pipeline.Collect(ctx, upper)
	fmt.Println(out)
	// Output: [SLOW A BB CCC]
}

// Batch groups items; the last batch is flushed when the input ends.
func ExampleBatch() {
	ctx := context.Background()
	nums := pipeline.From(slices.Values([]int{1, 2, 3, 4, 5, 6, 7}))
	batches := pipeline.Batch(nums, 3, time.Second)
	out, _ := pipeline.Collect(ctx, batches)
	fmt.Println(out)
	// Output: [[1 2 3] [4 5 6] [7]]
}

// An error names the stage and the item that failed.
func ExampleStageError() {
	ctx := context.Background()
	nums := pipeline.From(slices.Values([]int{10, 20, 0, 40}))
	inv := pipeline.Map(nums, func(_ context.Context, n int) (int, error) {
		if n == 0 {
			return 0, errors.New("division by zero")
		}
		return 100 / n, nil
	}, pipeline.Name("invert"))
	_, err := pipeline.Collect(ctx, inv)
	var se *pipeline.StageError
	if errors.As(err, &se) {
		fmt.Println(se.Stage, se.Index, se.Err)
	}
	fmt.Println(err)
	// Output:
	// invert 2 division by zero
	// pipeline: stage invert, item 2: division by zero
}
