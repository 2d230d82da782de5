package pipeline_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// eachBranch runs one Each per branch and returns what each branch got.
func eachBranch(t *testing.T, branches []*pipeline.Stream[int], workers int) [][]int {
	t.Helper()
	got := make([][]int, len(branches))
	var mu sync.Mutex
	var sinks []pipeline.Sink
	for i, b := range branches {
		sinks = append(sinks, pipeline.Each(b, func(_ context.Context, v int) error {
			jitter()
			mu.Lock()
			got[i] = append(got[i], v)
			mu.Unlock()
			return nil
		}, pipeline.Workers(workers)))
	}
	if err := pipeline.Run(bg, sinks...); err != nil {
		t.Fatal(err)
	}
	return got
}

func TestSplitEachItemToOneBranch(t *testing.T) {
	const n = 10000
	for _, k := range []int{1, 2, 5} {
		got := eachBranch(t, pipeline.Split(pipeline.From(slices.Values(seq(n))), k), 2)
		l := newLedger()
		for b, vs := range got {
			for _, v := range vs {
				if v%k != b {
					t.Fatalf("split %d: item %d went to branch %d, want round robin", k, v, b)
				}
				l.add(v)
			}
		}
		l.exactly(t, seq(n))
	}
}

func TestBroadcastEachItemToEveryBranch(t *testing.T) {
	const n = 8000
	got := eachBranch(t, pipeline.Broadcast(pipeline.From(slices.Values(seq(n))), 3), 1)
	for b, vs := range got {
		if !slices.Equal(vs, seq(n)) {
			t.Fatalf("branch %d got %d items, or out of order", b, len(vs))
		}
	}
}

func TestPartitionSameKeySameBranch(t *testing.T) {
	const n = 10000
	key := func(v int) uint64 { return uint64(v % 37) }
	got := eachBranch(t, pipeline.Partition(pipeline.From(slices.Values(seq(n))), 4, key), 1)
	l := newLedger()
	branchOf := map[uint64]int{}
	for b, vs := range got {
		for i, v := range vs {
			l.add(v)
			if prev, ok := branchOf[key(v)]; ok && prev != b {
				t.Fatalf("key %d went to branches %d and %d", key(v), prev, b)
			}
			branchOf[key(v)] = b
			if i > 0 && key(vs[i-1]) == key(v) && vs[i-1] > v {
				t.Fatal("items of one key were reordered")
			}
		}
	}
	l.exactly(t, seq(n))
}

func TestMergeLosesNothing(t *testing.T) {
	const n = 10000
	var streams []*pipeline.Stream[int]
	var want []int
	for k := range 5 {
		var xs []int
		for i := range n {
			xs = append(xs, k*n+i)
		}
		want = append(want, xs...)
		streams = append(streams, pipeline.From(slices.Values(xs)))
	}
	out, err := pipeline.Collect(bg, pipeline.Merge(streams...))
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	last := map[int]int{}
	for _, v := range out {
		l.add(v)
		if p, ok := last[v/n]; ok && p > v {
			t.Fatal("Merge reordered one input")
		}
		last[v/n] = v
	}
	l.exactly(t, want)

	out, err = pipeline.Collect(bg, pipeline.Merge[int]())
	if err != nil || len(out) != 0 {
		t.Fatalf("empty Merge: %v, %v", out, err)
	}
}

// A split merged back together is the input again.
func TestSplitMergeRoundTrip(t *testing.T) {
	parts := pipeline.Split(pipeline.From(slices.Values(seq(5000))), 3)
	for i := range parts {
		parts[i] = pipeline.Map(parts[i], func(_ context.Context, v int) (int, error) { return v, nil }, pipeline.Workers(2))
	}
	out, err := pipeline.Collect(bg, pipeline.Merge(parts...))
	if err != nil {
		t.Fatal(err)
	}
	l := newLedger()
	for _, v := range out {
		l.add(v)
	}
	l.exactly(t, seq(5000))
}

func TestUnconsumedBranchPanics(t *testing.T) {
	parts := pipeline.Split(pipeline.From(slices.Values(seq(10))), 3)
	defer func() {
		p := recover()
		if s, _ := p.(string); !strings.Contains(s, "branch 2") || !strings.Contains(s, "no consumer") {
			t.Fatalf("recovered %v", p)
		}
	}()
	_ = pipeline.Run(bg,
		pipeline.Each(parts[0], func(context.Context, int) error { return nil }),
		pipeline.Each(parts[1], func(context.Context, int) error { return nil }))
}
