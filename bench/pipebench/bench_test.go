package pipebench_test

import (
	"context"
	"testing"

	"github.com/baton-go/baton/bench/pipebench"
)

// A W4 op is one item: b.N items per run, so ns/op and allocs/op are per
// item. A W5 op is one run of its fixed 10k items; its ns/item metric is
// the time per item. Names read BenchmarkPipeline/W4/noop/n=4/unordered/impl=baton.
func BenchmarkPipeline(b *testing.B) {
	for _, r := range pipebench.Rows(pipebench.Config{Items: pipebench.DefaultItems}) {
		for _, im := range pipebench.For(r) {
			b.Run(r.Name+"/impl="+im.Name, func(b *testing.B) {
				r := r
				runs := 1
				if r.Name[:2] == "W4" {
					r.Items = b.N
				} else {
					runs = b.N
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range runs {
					if got := im.Run(r); got != pipebench.Want(r.Items) {
						b.Fatalf("sum %d, want %d", got, pipebench.Want(r.Items))
					}
				}
				if runs > 1 || r.Name[:2] != "W4" {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(runs*r.Items), "ns/item")
				}
			})
		}
	}
}

// Every implementation gets every item exactly once on every row, at a
// small size; this is what keeps the benchmark honest.
func TestImplsSumEveryItem(t *testing.T) {
	for _, r := range pipebench.Rows(pipebench.Config{Items: 3000}) {
		if r.Name[:2] == "W5" {
			r.Items = 1000
		}
		for _, im := range pipebench.For(r) {
			if got := im.Run(r); got != pipebench.Want(r.Items) {
				t.Fatalf("%s on %s: sum %d, want %d", im.Name, r.Name, got, pipebench.Want(r.Items))
			}
		}
	}
}

func TestMeasureSmall(t *testing.T) {
	rows, err := pipebench.Filter(pipebench.Rows(pipebench.Config{Items: 2000}), "noop/n=4")
	if err != nil || len(rows) != 2 {
		t.Fatal(rows, err)
	}
	res, err := pipebench.Measure(context.Background(), rows, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, rr := range res.Rows {
		for _, s := range pipebench.Summarize(rr) {
			if s.Median <= 0 || s.Lo > s.Median || s.Hi < s.Median {
				t.Fatalf("%s %s: %+v", rr.Row.Name, s.Impl, s)
			}
		}
	}
	if _, err := pipebench.Filter(rows, "nothing"); err == nil {
		t.Fatal("a filter that selects nothing is an error")
	}
}
