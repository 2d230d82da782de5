package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/baton-go/baton/pipeline"
)

func digits(_ context.Context, v int) (string, int, error) {
	return fmt.Sprintf("%d-digit", len(fmt.Sprint(v))), v, nil
}

func sum(_ context.Context, a, b int) (int, error) { return a + b, nil }

// The intents of rill's MapReduce tests: an empty stream gives an empty
// map; keys with one value are never reduced; values of a key fold into
// one; the mappers and the reducers each run n at once; an error in the
// mapper or the reducer stops everything with at most one more call per
// worker and returns a nil map.
func TestMapReduce(t *testing.T) {
	for _, n := range []int{1, 4} {
		t.Run(fmt.Sprint("workers=", n), func(t *testing.T) {
			t.Run("empty", func(t *testing.T) {
				out, err := pipeline.MapReduce(bg, pipeline.From(slices.Values([]int(nil))), digits, sum, pipeline.Workers(n))
				if err != nil || out == nil || len(out) != 0 {
					t.Fatalf("got %v, %v; want an empty map", out, err)
				}
			})
			t.Run("single value keys", func(t *testing.T) {
				var reduced atomic.Int64
				out, err := pipeline.MapReduce(bg, pipeline.From(slices.Values([]int{1, 2, 3, 4, 5})),
					func(_ context.Context, v int) (string, int, error) { return fmt.Sprint(v), v, nil },
					func(_ context.Context, a, b int) (int, error) { reduced.Add(1); return a + b, nil }, pipeline.Workers(n))
				want := map[string]int{"1": 1, "2": 2, "3": 3, "4": 4, "5": 5}
				if err != nil || !maps.Equal(out, want) || reduced.Load() != 0 {
					t.Fatalf("got %v, %v, %d reductions", out, err, reduced.Load())
				}
			})
			t.Run("no errors", func(t *testing.T) {
				out, err := pipeline.MapReduce(bg, pipeline.From(slices.Values(seq(200))), digits, sum, pipeline.Workers(n))
				want := map[string]int{"1-digit": 45, "2-digit": (10 + 99) * 90 / 2, "3-digit": (100 + 199) * 100 / 2}
				if err != nil || !maps.Equal(out, want) {
					t.Fatalf("got %v, %v; want %v", out, err, want)
				}
			})
			t.Run("per-key order", func(t *testing.T) {
				// With one mapper, a key's values reach its reducer in input order.
				out, err := pipeline.MapReduce(bg, pipeline.From(slices.Values(seq(300))),
					func(_ context.Context, v int) (int, []int, error) { return v % 7, []int{v}, nil },
					func(_ context.Context, a, b []int) ([]int, error) { return append(a, b...), nil })
				if err != nil {
					t.Fatal(err)
				}
				for k, vs := range out {
					if !slices.IsSorted(vs) || vs[0] != k {
						t.Fatalf("key %d folded %v", k, vs)
					}
				}
			})
			t.Run("concurrency", func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					var mapG, redG gauge
					_, err := pipeline.MapReduce(bg, pipeline.From(slices.Values(seq(400))),
						func(ctx context.Context, v int) (int, int, error) {
							mapG.enter()
							defer mapG.leave()
							return v % 16, 1, work(ctx)
						},
						func(ctx context.Context, a, b int) (int, error) {
							redG.enter()
							defer redG.leave()
							// Reducers are slower than mappers, so that they all get busy.
							for range 10 {
								if err := work(ctx); err != nil {
									return 0, err
								}
							}
							return a + b, nil
						}, pipeline.Workers(n))
					if err != nil || mapG.peak.Load() != int64(n) || redG.peak.Load() > int64(n) {
						t.Fatalf("err %v; %d mappers and %d reducers at once, want %d and at most %d",
							err, mapG.peak.Load(), redG.peak.Load(), n, n)
					}
				})
			})
			for _, where := range []string{"map", "reduce"} {
				t.Run("error in "+where, func(t *testing.T) {
					synctest.Test(t, func(t *testing.T) {
						var maps, reds starts
						out, err := pipeline.MapReduce(bg, pipeline.From(endless),
							func(ctx context.Context, v int) (int, int, error) {
								maps.enter()
								if err := work(ctx); err != nil {
									return 0, 0, err
								}
								if where == "map" && v == 200 {
									maps.decided.Store(true)
									reds.decided.Store(true)
									return 0, 0, errors.New("err200")
								}
								return v % 3, v, nil
							},
							func(ctx context.Context, a, b int) (int, error) {
								reds.enter()
								if err := work(ctx); err != nil {
									return 0, err
								}
								if where == "reduce" && b == 200 {
									maps.decided.Store(true)
									reds.decided.Store(true)
									return 0, errors.New("err200")
								}
								return a + b, nil
							}, pipeline.Workers(n), pipeline.Name("mr"))
						var se *pipeline.StageError
						if out != nil || !errors.As(err, &se) || se.Err.Error() != "err200" {
							t.Fatalf("got %v, %v", out, err)
						}
						if where == "map" && (se.Stage != "mr/map" || se.Index != 200) {
							t.Fatalf("err = %v, want mr/map, item 200", err)
						}
						// The reducer of a key depends on the hash's seed, new each run.
						if where == "reduce" && !strings.HasPrefix(se.Stage, "mr/reduce") {
							t.Fatalf("err = %v, want a reducer of mr", err)
						}
						if l := maps.late.Load() + reds.late.Load(); l > int64(2*n) {
							t.Fatalf("%d calls started after the error, with %d mappers and %d reducers", l, n, n)
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

func TestMapReduceBadInput(t *testing.T) {
	mustPanic(t, func() { pipeline.MapReduce[int, int, int](bg, pipeline.From(endless), nil, sum) }, "MapReduce", "mapper")
	mustPanic(t, func() {
		pipeline.MapReduce(bg, pipeline.From(endless), func(context.Context, int) (int, int, error) { return 0, 0, nil }, nil)
	}, "MapReduce", "reducer")
	mustPanic(t, func() { pipeline.MapReduce(bg, pipeline.From(endless), digits, sum, pipeline.Ordered()) }, "Ordered", "MapReduce")
	mustPanic(t, func() { pipeline.MapReduce(nilCtx, pipeline.From(endless), digits, sum) }, "MapReduce", "Context")
	mustPanic(t, func() { pipeline.MapReduce[int, string, int](bg, nil, digits, sum) }, "MapReduce", "Stream")
	ctx, cancel := context.WithCancel(bg)
	cancel()
	if out, err := pipeline.MapReduce(ctx, pipeline.From(endless), digits, sum); out != nil || err != context.Canceled {
		t.Fatal(out, err)
	}
}
