package demo

import (
	"context"
	"errors"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// The stuck pipeline's stage that hangs, and the item it hangs on,
// numbered as pipeline.StageError.Index numbers items: its position in the
// stage's input.
const (
	StuckStage = "geocode"
	StuckItem  = 1812
)

// ErrNotStuck is returned by Stuck if its pipeline ran to its end, which
// it must never do.
var ErrNotStuck = errors.New("demo: the stuck pipeline finished")

// Stuck runs a pipeline that hangs on purpose: load → parse → geocode →
// save, where geocode's callback, on item StuckItem, waits for an answer
// that never comes. With pipeline.WithStallReport(after, ...), once
// nothing has moved for after, it returns the report and stops the run.
// It returns ctx's error if ctx ends first.
func Stuck(ctx context.Context, after time.Duration) (pipeline.Stall, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	never := make(chan struct{}) // the answer that never comes
	var report pipeline.Stall
	reported := false
	src := pipeline.From(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}, pipeline.Name("load"))
	parsed := pipeline.Map(src, func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Name("parse"))
	located := pipeline.Map(parsed, func(ctx context.Context, v int) (int, error) {
		if v == StuckItem {
			select {
			case <-never:
			case <-ctx.Done():
				return 0, ctx.Err()
			}
		}
		return v, nil
	}, pipeline.Name(StuckStage))
	err := pipeline.ForEach(ctx, located, func(context.Context, int) error { return nil },
		pipeline.Name("save"),
		pipeline.WithStallReport(after, func(s pipeline.Stall) {
			report, reported = s, true // the sink returns only after this callback
			cancel()
		}))
	if reported {
		return report, nil
	}
	if err == nil {
		err = ErrNotStuck
	}
	return pipeline.Stall{}, err
}
