package pipeline_test

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// A pipeline that hangs on purpose: enrich waits, on item 3, for something
// that never comes. The stall report names the stage and the item (its
// String would add the chain of waits and the goroutine's stack), and here
// cancels the run, which then returns the context's error.
func ExampleWithStallReport() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	never := make(chan struct{})
	s := pipeline.From(slices.Values([]int{10, 20, 30, 40, 50}), pipeline.Name("load"))
	s = pipeline.Map(s, func(ctx context.Context, v int) (int, error) {
		if v == 40 {
			select {
			case <-never:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		return v, nil
	}, pipeline.Name("enrich"))
	err := pipeline.ForEach(ctx, s, func(context.Context, int) error { return nil },
		pipeline.WithStallReport(100*time.Millisecond, func(st pipeline.Stall) {
			fmt.Printf("stalled: `%s`, item %d, %d of %d workers in the callback\n", st.Stage, st.Item, st.InCallback, st.Workers)
			cancel()
		}))
	fmt.Println(err)
	// Output:
	// stalled: `enrich`, item 3, 1 of 1 workers in the callback
	// context canceled
}
