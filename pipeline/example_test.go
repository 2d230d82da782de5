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

// FromChan reads a plain Go channel until its owner closes it; the stream
// never closes the channel itself.
func ExampleFromChan() {
	ctx := context.Background()
	lines := make(chan string)
	go func() {
		defer close(lines) // the producer owns the channel, and ends the stream
		for _, l := range []string{"alpha", "beta", "gamma"} {
			lines <- l
		}
	}()
	lengths := pipeline.Map(pipeline.FromChan(lines), func(_ context.Context, l string) (int, error) {
		return len(l), nil
	})
	out, err := pipeline.Collect(ctx, lengths)
	fmt.Println(out, err)
	// Output: [5 4 5] <nil>
}

// All makes a pipeline the body of a range loop, on the caller's
// goroutine. Breaking out of the loop stops every stage, even an endless
// source, before the loop statement ends.
func ExampleAll() {
	ctx := context.Background()
	squares := pipeline.Map(pipeline.From(naturals), func(_ context.Context, n int) (int, error) {
		return n * n, nil
	})
	for v, err := range pipeline.All(ctx, squares) {
		if err != nil {
			fmt.Println(err)
			break
		}
		if v > 30 {
			break // stops Map and the source too
		}
		fmt.Print(v, " ")
	}
	fmt.Println()
	// Output: 1 4 9 16 25
}

// A run that fails ends the loop with one last pair: the zero value and
// the error. With CollectErrors the failed items are dropped, the others
// still arrive, and the last pair holds every StageError joined.
func ExampleAll_error() {
	ctx := context.Background()
	halves := pipeline.Map(pipeline.From(slices.Values([]int{8, 3, 6, 5, 4})), func(_ context.Context, n int) (int, error) {
		if n%2 != 0 {
			return 0, fmt.Errorf("%d is odd", n)
		}
		return n / 2, nil
	}, pipeline.Name("halve"))
	for v, err := range pipeline.All(ctx, halves, pipeline.CollectErrors()) {
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(v)
	}
	// Output:
	// 4
	// 3
	// 2
	// pipeline: stage halve, item 1: 3 is odd
	// pipeline: stage halve, item 3: 5 is odd
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
