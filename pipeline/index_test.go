package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/baton-go/baton/pipeline"
)

// valueErr is a callback's error that says which value failed, so a test
// can compare the StageError's Index with the value's known position.
type valueErr struct{ v int }

func (e valueErr) Error() string { return fmt.Sprintf("value %d failed", e.v) }

// stageErrors returns the StageErrors in err (one, or several joined).
func stageErrors(t *testing.T, err error) []*pipeline.StageError {
	t.Helper()
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	var out []*pipeline.StageError
	for _, e := range errs {
		var se *pipeline.StageError
		if !errors.As(e, &se) {
			t.Fatalf("%v is not a StageError", e)
		}
		out = append(out, se)
	}
	return out
}

// rounds is how often a test repeats a race that goes wrong only now and
// then; fewer under -short.
func rounds(n int) int {
	if testing.Short() {
		return max(1, n/5)
	}
	return n
}

// Issue 15, item 2: Map(From(0..999), fail at 200, Workers(5)) reported
// item 196-199 in half the runs, because workers numbered items from a
// shared counter after their receive. The index must be exactly 200, in
// every kind of stage and sink, ordered or not.
func TestIndexExactWithSeveralWorkers(t *testing.T) {
	const fail = 200
	fn := func(_ context.Context, v int) (int, error) {
		jitter()
		if v == fail {
			return 0, valueErr{v}
		}
		return v, nil
	}
	for _, kind := range kinds {
		for _, workers := range []int{2, 5} {
			for _, ordered := range []bool{false, true} {
				t.Run(kind+"/"+cfgName(workers, ordered), func(t *testing.T) {
					for range rounds(20) {
						s := op(kind, pipeline.From(slices.Values(seq(1000))), fn, stageOpts(workers, ordered)...)
						err := pipeline.ForEach(bg, s, func(context.Context, int) error { return nil })
						errs := stageErrors(t, err)
						if len(errs) != 1 || errs[0].Index != fail {
							t.Fatalf("err = %v, want item %d", err, fail)
						}
					}
				})
			}
		}
	}
	t.Run("ForEach", func(t *testing.T) {
		for range rounds(20) {
			err := pipeline.ForEach(bg, pipeline.From(slices.Values(seq(1000))), func(ctx context.Context, v int) error {
				_, err := fn(ctx, v)
				return err
			}, pipeline.Workers(5))
			if errs := stageErrors(t, err); len(errs) != 1 || errs[0].Index != fail {
				t.Fatalf("err = %v, want item %d", err, fail)
			}
		}
	})
}

// With CollectErrors every failure is kept, and each must carry its own
// item's index, not a neighbour's.
func TestIndexExactCollected(t *testing.T) {
	const n = 2000
	bad := func(v int) bool { return v%7 == 3 }
	check := func(t *testing.T, err error, pos func(v int) int64) {
		t.Helper()
		errs := stageErrors(t, err)
		want := 0
		for v := range n {
			if bad(v) {
				want++
			}
		}
		if len(errs) != want {
			t.Fatalf("%d errors, want %d", len(errs), want)
		}
		for _, se := range errs {
			var ve valueErr
			if !errors.As(se, &ve) || se.Index != pos(ve.v) {
				t.Fatalf("%v: index %d, want %d", se, se.Index, pos(ve.v))
			}
		}
	}
	fn := func(_ context.Context, v int) (int, error) {
		jitter()
		if bad(v) {
			return 0, valueErr{v}
		}
		return v, nil
	}
	identity := func(v int) int64 { return int64(v) }
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			s := op(kind, pipeline.From(slices.Values(seq(n))), fn, pipeline.Workers(3))
			check(t, pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, pipeline.CollectErrors()), identity)
		})
	}
	t.Run("ForEach", func(t *testing.T) {
		err := pipeline.ForEach(bg, pipeline.From(slices.Values(seq(n))), func(ctx context.Context, v int) error {
			_, err := fn(ctx, v)
			return err
		}, pipeline.Workers(3), pipeline.CollectErrors())
		check(t, err, identity)
	})
	// The positions an item has downstream of a stage that changes the
	// count: FlatMap doubles every item (v becomes 2v and 2v+1, in order),
	// an ordered Filter keeps the even ones (v at position v/2).
	t.Run("after FlatMap", func(t *testing.T) {
		s := pipeline.FlatMap(pipeline.From(slices.Values(seq(n/2))), func(_ context.Context, v int) ([]int, error) {
			return []int{2 * v, 2*v + 1}, nil
		})
		s = pipeline.Map(s, fn, pipeline.Workers(4))
		check(t, pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, pipeline.CollectErrors()), identity)
	})
	t.Run("after ordered Filter", func(t *testing.T) {
		s := pipeline.Filter(pipeline.From(slices.Values(seq(2*n))), func(_ context.Context, v int) (bool, error) {
			jitter()
			return v%2 == 0, nil
		}, pipeline.Workers(3), pipeline.Ordered())
		s = pipeline.Map(s, func(_ context.Context, v int) (int, error) { return fn(bg, v/2) }, pipeline.Workers(4))
		check(t, pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, pipeline.CollectErrors()), identity)
	})
	// Several goroutines send into a Merge's channel; its items are
	// numbered in the order they came out of it. With only one input
	// actually sending, that order is known.
	t.Run("after Merge", func(t *testing.T) {
		s := pipeline.Merge(pipeline.From(slices.Values(seq(n))), pipeline.From(slices.Values([]int(nil))))
		s = pipeline.Map(s, fn, pipeline.Workers(4))
		check(t, pipeline.ForEach(bg, s, func(context.Context, int) error { return nil }, pipeline.CollectErrors()), identity)
	})
	t.Run("ForEach after Merge", func(t *testing.T) {
		s := pipeline.Merge(pipeline.From(slices.Values(seq(n))), pipeline.From(slices.Values([]int(nil))))
		err := pipeline.ForEach(bg, s, func(ctx context.Context, v int) error {
			_, err := fn(ctx, v)
			return err
		}, pipeline.Workers(4), pipeline.CollectErrors())
		check(t, err, identity)
	})
}

// After an unordered stage with several workers, the numbers are the order
// of delivery: every position from 0 to n-1 is given exactly once.
func TestIndexAfterSeveralSendersIsAPermutation(t *testing.T) {
	const n = 3000
	s := pipeline.Map(pipeline.From(slices.Values(seq(n))), func(_ context.Context, v int) (int, error) {
		jitter()
		return v, nil
	}, pipeline.Workers(4))
	err := pipeline.ForEach(bg, s, func(_ context.Context, v int) error { return valueErr{v} },
		pipeline.Workers(3), pipeline.CollectErrors())
	errs := stageErrors(t, err)
	seen := make([]bool, n)
	for _, se := range errs {
		if se.Index < 0 || se.Index >= n || seen[se.Index] {
			t.Fatalf("index %d given twice or out of range", se.Index)
		}
		seen[se.Index] = true
	}
	if len(errs) != n {
		t.Fatalf("%d errors, want %d", len(errs), n)
	}
}
