package pipeline_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/pipeline"
)

// mustPanic checks that f panics with a message containing each of want.
func mustPanic(t *testing.T, f func(), want ...string) {
	t.Helper()
	defer func() {
		t.Helper()
		p := recover()
		msg, _ := p.(string)
		if p == nil {
			t.Fatalf("no panic; want one mentioning %q", want)
		}
		for _, w := range want {
			if !strings.Contains(msg, w) {
				t.Fatalf("panic %q does not mention %q", msg, w)
			}
		}
	}()
	f()
}

func TestBadInputPanics(t *testing.T) {
	src := func() *pipeline.Stream[int] { return pipeline.From(slices.Values(seq(3))) }
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	var nilCtx context.Context

	mustPanic(t, func() { pipeline.Map[int, int](src(), nil) }, "fn")
	mustPanic(t, func() { pipeline.Filter(src(), nil) }, "keep")
	mustPanic(t, func() { pipeline.FlatMap[int, int](src(), nil) }, "fn")
	mustPanic(t, func() { pipeline.From[int](nil) }, "seq")
	mustPanic(t, func() { pipeline.FromReceiver[int](nil) }, "rx")
	mustPanic(t, func() { pipeline.FromChan[int](nil) }, "ch")
	mustPanic(t, func() { pipeline.Workers(0) }, "Workers", "n >= 1")
	mustPanic(t, func() { pipeline.Workers(-3) }, "Workers", "-3")
	mustPanic(t, func() { pipeline.Window(0) }, "Window", "w >= 1")
	mustPanic(t, func() { pipeline.Buffer(-1) }, "Buffer")
	mustPanic(t, func() { pipeline.Name("") }, "Name")
	mustPanic(t, func() { pipeline.WithMonitor(nil) }, "WithMonitor")
	mustPanic(t, func() { pipeline.Batch(src(), 0, time.Second) }, "size")
	mustPanic(t, func() { pipeline.Batch(src(), 1, -time.Second) }, "maxWait")
	mustPanic(t, func() { pipeline.Split(src(), 0) }, "Split", "n >= 1")
	mustPanic(t, func() { pipeline.Broadcast(src(), -1) }, "Broadcast", "n >= 1")
	mustPanic(t, func() { pipeline.Partition(src(), 0, func(int) uint64 { return 0 }) }, "Partition", "n >= 1")
	mustPanic(t, func() { pipeline.Partition(src(), 2, nil) }, "key")
	mustPanic(t, func() { pipeline.ForEach(bg, src(), nil) }, "fn")
	mustPanic(t, func() { pipeline.Reduce[int, int](bg, src(), 0, nil) }, "fn")
	mustPanic(t, func() { pipeline.Each(src(), nil) }, "fn")
	mustPanic(t, func() { pipeline.Map[int, int](nil, id) }, "nil Stream")
	mustPanic(t, func() { pipeline.Run(bg, nil) }, "nil Sink")
	// A misplaced option is not silently ignored.
	mustPanic(t, func() { pipeline.Collect(bg, src(), pipeline.Ordered()) }, "Ordered", "Collect")
	mustPanic(t, func() { pipeline.Map(src(), id, pipeline.CollectErrors()) }, "CollectErrors", "map")
	mustPanic(t, func() { pipeline.Map(src(), id, pipeline.Option{}) }, "zero Option")

	// A nil ctx panics at every sink, as in the standard library.
	mustPanic(t, func() { pipeline.Collect(nilCtx, src()) }, "nil Context")
	mustPanic(t, func() { pipeline.ForEach(nilCtx, src(), func(context.Context, int) error { return nil }) }, "nil Context")
	mustPanic(t, func() {
		pipeline.Reduce(nilCtx, src(), 0, func(context.Context, int, int) (int, error) { return 0, nil })
	}, "nil Context")
	mustPanic(t, func() { pipeline.All(nilCtx, src()) }, "nil Context")
	mustPanic(t, func() { pipeline.Run(nilCtx) }, "nil Context")
}

func TestStreamUsedTwicePanics(t *testing.T) {
	id := func(_ context.Context, v int) (int, error) { return v, nil }
	s := pipeline.From(slices.Values(seq(3)))
	pipeline.Map(s, id)
	mustPanic(t, func() { pipeline.Map(s, id) }, "already has a consumer", "Broadcast")
	mustPanic(t, func() { pipeline.Collect(bg, s) }, "Broadcast")
	mustPanic(t, func() { pipeline.Split(s, 2) }, "Broadcast")

	m := pipeline.From(slices.Values(seq(3)))
	mustPanic(t, func() { pipeline.Merge(m, m) }, "Broadcast")

	e := pipeline.Each(pipeline.From(slices.Values(seq(3))), func(context.Context, int) error { return nil })
	if err := pipeline.Run(bg, e); err != nil {
		t.Fatal(err)
	}
	mustPanic(t, func() { pipeline.Run(bg, e) }, "runs once")
}
