package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/baton-go/baton/pipeline"
)

// The intents of rill's Any tests, in a synctest bubble where every call
// of pred takes a second of the fake clock: "empty" and "none satisfy" are
// false; "match is first" is true even with an error further on; "error is
// first" is the error even with a match further on; a (true, err) pair is
// the error. In every case the source is endless or long, each worker
// starts at most one call after the decision, and nothing is left running.
func TestAny(t *testing.T) {
	for _, workers := range []int{1, 5} {
		t.Run(fmt.Sprint("workers=", workers), func(t *testing.T) {
			cases := []struct {
				name  string
				src   func() *pipeline.Stream[int]
				pred  func(v int) (bool, error)
				want  bool
				wantE string
			}{
				{"empty", func() *pipeline.Stream[int] { return pipeline.From(slices.Values([]int(nil))) },
					func(int) (bool, error) { return true, nil }, false, ""},
				{"none satisfy", func() *pipeline.Stream[int] { return pipeline.From(slices.Values(seq(100))) },
					func(int) (bool, error) { return false, nil }, false, ""},
				{"match is first", func() *pipeline.Stream[int] { return pipeline.From(endless) },
					func(v int) (bool, error) {
						if v == 500 {
							return false, errors.New("err500")
						}
						return v == 200, nil
					}, true, ""},
				{"error is first", func() *pipeline.Stream[int] { return pipeline.From(endless) },
					func(v int) (bool, error) {
						if v == 200 {
							return false, errors.New("err200")
						}
						return v == 500, nil
					}, false, "err200"},
				{"(true, err) pair", func() *pipeline.Stream[int] { return pipeline.From(endless) },
					func(v int) (bool, error) {
						if v == 200 {
							return true, errors.New("err200")
						}
						return false, nil
					}, false, "err200"},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
						var st starts
						got, err := pipeline.Any(bg, c.src(), func(ctx context.Context, v int) (bool, error) {
							st.enter()
							if err := work(ctx); err != nil {
								return false, err
							}
							ok, err := c.pred(v)
							if ok || err != nil {
								st.decided.Store(true)
							}
							return ok, err
						}, pipeline.Workers(workers), pipeline.Name("pred"))
						if got != c.want || (err == nil) != (c.wantE == "") || err != nil && !errorMentions(err, c.wantE) {
							t.Fatalf("got %v, %v; want %v, %q", got, err, c.want, c.wantE)
						}
						var se *pipeline.StageError
						if err != nil && (!errors.As(err, &se) || se.Stage != "pred" || se.Index != 200) {
							t.Fatalf("err = %v, want the StageError of pred, item 200", err)
						}
						if late := st.late.Load(); late > int64(workers) {
							t.Fatalf("%d calls started after the decision, with %d workers", late, workers)
						}
						if n := stagesRunning(t); n != 0 {
							t.Fatalf("%d stage goroutines left", n)
						}
					})
				})
			}
		})
	}
}

func errorMentions(err error, s string) bool {
	return err != nil && s != "" && strings.Contains(err.Error(), s)
}

// Upstream stages stop too, with at most one more call per worker after
// the decision.
func TestAnyStopsUpstream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var up starts
		s := pipeline.Map(pipeline.From(endless), func(ctx context.Context, v int) (int, error) {
			up.enter()
			return v, work(ctx)
		}, pipeline.Workers(3), pipeline.Buffer(0))
		got, err := pipeline.Any(bg, s, func(_ context.Context, v int) (bool, error) {
			if v == 30 {
				up.decided.Store(true)
				return true, nil
			}
			return false, nil
		})
		if !got || err != nil {
			t.Fatal(got, err)
		}
		if late := up.late.Load(); late > 3 {
			t.Fatalf("%d upstream calls started after the decision, with 3 workers", late)
		}
	})
}

func TestAnyBadInput(t *testing.T) {
	mustPanic(t, func() { pipeline.Any[int](bg, pipeline.From(endless), nil) }, "Any", "pred")
	mustPanic(t, func() {
		pipeline.Any(nilCtx, pipeline.From(endless), func(context.Context, int) (bool, error) { return true, nil })
	}, "Any", "Context")
	mustPanic(t, func() {
		pipeline.Any(bg, pipeline.From(endless), func(context.Context, int) (bool, error) { return true, nil }, pipeline.CollectErrors())
	}, "CollectErrors", "Any")
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if ok, err := pipeline.Any(ctx, pipeline.From(endless), func(context.Context, int) (bool, error) { return true, nil }); ok || err != context.Canceled {
		t.Fatal(ok, err)
	}
}
