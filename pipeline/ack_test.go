package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/baton-go/baton/channel"
	"github.com/baton-go/baton/pipeline"
)

// fakeAck is an AckReceiver, as a JetStream receiver would be: it hands out
// messages 0..n-1 and keeps a ledger of how each was settled.
type fakeAck struct {
	n    int
	next atomic.Int64

	mu      sync.Mutex
	settled map[int][]error // every settle call, by message
}

func newFakeAck(n int) *fakeAck { return &fakeAck{n: n, settled: map[int][]error{}} }

func (f *fakeAck) RecvContext(ctx context.Context) (int, error) {
	panic("FromReceiver must use RecvAck on an AckReceiver")
}

func (f *fakeAck) RecvAck(ctx context.Context) (int, func(error), error) {
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	i := int(f.next.Add(1) - 1)
	if i >= f.n {
		return 0, nil, errDisconnected
	}
	return i, func(err error) {
		f.mu.Lock()
		f.settled[i] = append(f.settled[i], err)
		f.mu.Unlock()
	}, nil
}

// check verifies that every received message was settled exactly once, with
// nil exactly for those in ok.
func (f *fakeAck) check(t *testing.T, ok func(msg int) bool) (acked, failed int) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	received := min(int(f.next.Load()), f.n)
	for i := range received {
		s := f.settled[i]
		if len(s) != 1 {
			t.Fatalf("message %d settled %d times: %v", i, len(s), s)
		}
		if (s[0] == nil) != ok(i) {
			t.Fatalf("message %d settled with %v; its work reaching the sink: %v", i, s[0], ok(i))
		}
		if s[0] == nil {
			acked++
		} else {
			failed++
		}
	}
	if len(f.settled) != received {
		t.Fatalf("%d messages settled, %d received", len(f.settled), received)
	}
	return acked, failed
}

var errDisconnected = fmt.Errorf("end of messages: %w", channel.ErrDisconnected)

// A graph with every kind of stage that divides or groups items: every
// message is settled exactly once, with nil, when everything derived from it
// reached a sink.
func TestAckEveryMessageOnce(t *testing.T) {
	const n = 5000
	f := newFakeAck(n)
	s := pipeline.FromReceiver[int](f)
	s = pipeline.Filter(s, func(_ context.Context, v int) (bool, error) { return v%5 != 0, nil }, pipeline.Workers(3))
	s = pipeline.FlatMap(s, func(_ context.Context, v int) ([]int, error) {
		return make([]int, v%3), nil // 0, 1 or 2 children
	}, pipeline.Workers(2), pipeline.Ordered())
	copies := pipeline.Broadcast(s, 2)
	batches := pipeline.Batch(copies[1], 7, time.Millisecond)
	var took atomic.Int64
	err := pipeline.Run(bg,
		pipeline.Each(copies[0], func(context.Context, int) error { took.Add(1); return nil }, pipeline.Workers(2)),
		pipeline.Each(batches, func(context.Context, []int) error { return nil }))
	if err != nil {
		t.Fatal(err)
	}
	acked, _ := f.check(t, func(int) bool { return true })
	if acked != n {
		t.Fatalf("%d acked", acked)
	}
}

// Failures settle with an error exactly the messages whose work did not
// reach the sink: the failing ones (CollectErrors keeps the others going).
func TestAckFailuresCollected(t *testing.T) {
	const n = 3000
	f := newFakeAck(n)
	bad := func(v int) bool { return v%7 == 3 }
	s := pipeline.Map(pipeline.FromReceiver[int](f), func(_ context.Context, v int) (int, error) {
		if bad(v) {
			return 0, errors.New("bad")
		}
		return v, nil
	}, pipeline.Workers(4), pipeline.Ordered())
	s = pipeline.FlatMap(s, func(_ context.Context, v int) ([]int, error) { return []int{v, v}, nil })
	var sunk sync.Map
	err := pipeline.ForEach(bg, s, func(_ context.Context, v int) error {
		if v%11 == 5 {
			return errors.New("sink refuses")
		}
		sunk.Store(v, true)
		return nil
	}, pipeline.CollectErrors(), pipeline.Workers(2))
	if err == nil {
		t.Fatal("want errors")
	}
	f.check(t, func(v int) bool { return !bad(v) && v%11 != 5 })
}

// Stopping early (the first error, a cancellation, a break) settles with an
// error every message whose work did not reach the sink, wherever it was:
// in a buffer, a callback, a reorder window, a partial batch.
func TestAckStopEarly(t *testing.T) {
	for _, how := range []string{"error", "cancel", "break"} {
		t.Run(how, func(t *testing.T) {
			for round := range 8 {
				f := newFakeAck(1 << 30) // endless
				ctx, cancel := context.WithCancel(bg)
				defer cancel()
				s := pipeline.Map(pipeline.FromReceiver[int](f), func(_ context.Context, v int) (int, error) {
					jitter()
					if how == "error" && v == 500+round {
						return 0, errors.New("stop")
					}
					if how == "cancel" && v == 500+round {
						cancel()
					}
					return v, nil
				}, pipeline.Workers(4), pipeline.Ordered())
				var dropped sync.Map // what Filter dropped: done, whatever happens next
				s = pipeline.Filter(s, func(_ context.Context, v int) (bool, error) {
					if v%2 == 1 {
						dropped.Store(v, true)
					}
					return v%2 == 0, nil
				}, pipeline.Workers(2))
				parts := pipeline.Split(s, 2)
				merged := pipeline.Merge(pipeline.Batch(parts[0], 3, time.Hour), pipeline.Batch(parts[1], 5, 0))
				var sunk sync.Map
				for b, err := range pipeline.All(ctx, merged) {
					if err != nil {
						break
					}
					for _, v := range b {
						sunk.Store(v, true)
					}
					if how == "break" && b[0] > 500+round {
						break
					}
				}
				acked, failed := f.check(t, func(v int) bool {
					_, d := dropped.Load(v)
					_, ok := sunk.Load(v)
					return d || ok
				})
				if acked == 0 || failed == 0 {
					t.Fatalf("acked %d, failed %d: the test did not stop mid-way", acked, failed)
				}
			}
		})
	}
}
