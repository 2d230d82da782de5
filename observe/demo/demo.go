// Package demo runs a small pipeline with one deliberately slow stage and
// a pool fed by its sink: what `baton demo pipeline` shows in a browser,
// and what observe's tests look at.
package demo

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

// The names the demo registers and gives its stages.
const (
	PipelineName = "thumbnails"
	PoolName     = "upload"
	// SlowStage is the stage that is slow on purpose: the bottleneck.
	SlowStage = "resize"
)

// Stages are the demo pipeline's stages, source first.
var Stages = []string{"read", "decode", SlowStage, "tag", "store"}

// Demo is the demo pipeline's Monitor and the pool its sink submits to.
// Register both with an Observer to watch them.
type Demo struct {
	Monitor *pipeline.Monitor
	Pool    *pool.Pool
	slow    time.Duration
}

// New returns a demo whose slow stage takes slow per item on each of its
// two workers, so the pipeline moves about 2/slow items a second.
func New(slow time.Duration) *Demo {
	if slow <= 0 {
		panic("demo: New(slow) needs slow > 0")
	}
	return &Demo{Monitor: pipeline.NewMonitor(), Pool: pool.New(4, pool.WithQueue(64)), slow: slow}
}

// Run runs the pipeline until ctx ends, then closes the pool. It returns
// nil when ctx ended it, or the error of a stage or task.
func (d *Demo) Run(ctx context.Context) error {
	src := pipeline.From(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}, pipeline.Name("read"))
	decoded := pipeline.Map(src, func(_ context.Context, v int) (int, error) {
		return v * 3, nil
	}, pipeline.Name("decode"), pipeline.Workers(2))
	resized := pipeline.Map(decoded, func(ctx context.Context, v int) (int, error) {
		t := time.NewTimer(d.slow)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
		return v / 3, nil
	}, pipeline.Name(SlowStage), pipeline.Workers(2))
	tagged := pipeline.Filter(resized, func(_ context.Context, v int) (bool, error) {
		return v%10 != 7, nil // drop a tenth, so that in and out differ
	}, pipeline.Name("tag"))
	err := pipeline.ForEach(ctx, tagged, func(ctx context.Context, v int) error {
		return d.Pool.Submit(ctx, func(context.Context) error {
			upload(v)
			return nil
		})
	}, pipeline.Name("store"), pipeline.WithMonitor(d.Monitor))
	if cerr := d.Pool.Close(); err == nil {
		err = cerr
	}
	if ctx.Err() != nil && (err == nil || errors.Is(err, ctx.Err())) {
		return nil
	}
	return err
}

// upload stands for a task's work: a little arithmetic.
func upload(v int) {
	x := uint64(v) | 1
	for range 2000 {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	sink.Store(x)
}

var sink atomic.Uint64
