package pipeline_test

import (
	"context"
	"iter"
	"testing"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// count yields 0, 1, ..., n-1 without allocating.
func count(n int) iter.Seq[int] {
	return func(yield func(int) bool) {
		for i := range n {
			if !yield(i) {
				return
			}
		}
	}
}

func noop(_ context.Context, v int) (int, error) { return v, nil }

func benchMap(b *testing.B, opts ...pipeline.Option) {
	b.ReportAllocs()
	s := pipeline.Map(pipeline.From(count(b.N)), noop, opts...)
	var sum int
	err := pipeline.ForEach(context.Background(), s, func(_ context.Context, v int) error { sum += v; return nil })
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkMapNoop1(b *testing.B)        { benchMap(b) }
func BenchmarkMapNoop4(b *testing.B)        { benchMap(b, pipeline.Workers(4)) }
func BenchmarkMapNoop4Ordered(b *testing.B) { benchMap(b, pipeline.Workers(4), pipeline.Ordered()) }
func BenchmarkMapNoop8(b *testing.B)        { benchMap(b, pipeline.Workers(8)) }
func BenchmarkMapNoop8Ordered(b *testing.B) { benchMap(b, pipeline.Workers(8), pipeline.Ordered()) }

// spin burns about d of CPU without sleeping.
func spinFor(iters int) int {
	x := iters | 1
	for range iters {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
	}
	return x
}

func benchSpin(b *testing.B, opts ...pipeline.Option) {
	b.ReportAllocs()
	s := pipeline.Map(pipeline.From(count(b.N)), func(_ context.Context, v int) (int, error) {
		if spinFor(400) == 42 {
			v++
		}
		return v, nil
	}, opts...)
	var sum int
	err := pipeline.ForEach(context.Background(), s, func(_ context.Context, v int) error { sum += v; return nil })
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkMapSpin4(b *testing.B)        { benchSpin(b, pipeline.Workers(4)) }
func BenchmarkMapSpin4Ordered(b *testing.B) { benchSpin(b, pipeline.Workers(4), pipeline.Ordered()) }
func BenchmarkMapSpin4OrderedW32(b *testing.B) {
	benchSpin(b, pipeline.Workers(4), pipeline.Window(32))
}

// The cost of watching: the same pipeline with a Monitor, and with a stall
// report (which watches through a Monitor's counters plus each goroutine's
// state).
func benchWatched(b *testing.B, opt pipeline.Option, opts ...pipeline.Option) {
	b.ReportAllocs()
	s := pipeline.Map(pipeline.From(count(b.N)), noop, opts...)
	var sum int
	err := pipeline.ForEach(context.Background(), s, func(_ context.Context, v int) error { sum += v; return nil }, opt)
	if err != nil {
		b.Fatal(err)
	}
}

func BenchmarkMapNoop4Monitor(b *testing.B) {
	benchWatched(b, pipeline.WithMonitor(pipeline.NewMonitor()), pipeline.Workers(4))
}

func BenchmarkMapNoop4StallReport(b *testing.B) {
	benchWatched(b, pipeline.WithStallReport(time.Minute, func(pipeline.Stall) {}), pipeline.Workers(4))
}
