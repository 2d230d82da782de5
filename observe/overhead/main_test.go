package main

import (
	"testing"

	"github.com/baton-go/baton/bench/pipebench"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// TestWorkloadsInEveryMode runs each workload the tool measures, small,
// with nothing, the hook and everything attached: each checks its own
// result (a pool's Close error, a pipeline's sum) and panics on a wrong
// one, and nothing it started may outlive it.
func TestWorkloadsInEveryMode(t *testing.T) {
	for m := range observed + 1 {
		w2(5000, m)
		for _, ordered := range []bool{false, true} {
			w4(pipebench.Row{Name: "W4/test", Items: 5000, Workers: 4, Ordered: ordered}, m)
		}
	}
}

// TestMedian: the statistic every row reports.
func TestMedian(t *testing.T) {
	for _, c := range []struct {
		xs   []float64
		want float64
	}{
		{[]float64{3}, 3},
		{[]float64{5, 1, 3}, 3},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		if got := median(c.xs); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.xs, got, c.want)
		}
	}
}
