package pipeline_test

import (
	"context"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// Two unordered stages of 4 workers in a row: the second reads a channel
// that 4 goroutines feed, the case where numbering items for StageError
// costs a lock.
func BenchmarkMapNoop4Then4(b *testing.B) {
	b.ReportAllocs()
	s := pipeline.Map(pipeline.From(count(b.N)), noop, pipeline.Workers(4))
	s = pipeline.Map(s, noop, pipeline.Workers(4))
	var sum int
	err := pipeline.ForEach(context.Background(), s, func(_ context.Context, v int) error { sum += v; return nil })
	if err != nil {
		b.Fatal(err)
	}
}

// The same after an Ordered stage, whose one emitter numbers the items.
func BenchmarkMapNoop4OrderedThen4(b *testing.B) {
	b.ReportAllocs()
	s := pipeline.Map(pipeline.From(count(b.N)), noop, pipeline.Workers(4), pipeline.Ordered())
	s = pipeline.Map(s, noop, pipeline.Workers(4))
	var sum int
	err := pipeline.ForEach(context.Background(), s, func(_ context.Context, v int) error { sum += v; return nil })
	if err != nil {
		b.Fatal(err)
	}
}
