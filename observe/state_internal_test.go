package observe

import (
	"testing"
	"time"

	"github.com/baton-go/baton/pipeline"
	dto "github.com/prometheus/client_model/go"
)

// stage builds a StageStats whose counters advanced by in/out items and
// the given fractions of a second of each worker's time.
// Each stage is fed by the one before it in the list.
func stage(name string, workers int, items int64, busy, blockedIn, blockedOut float64) pipeline.StageStats {
	sec := func(f float64) time.Duration { return time.Duration(f * float64(workers) * float64(time.Second)) }
	return pipeline.StageStats{
		Name: name, Workers: workers, In: items, Out: items,
		Busy: sec(busy), BlockedIn: sec(blockedIn), BlockedOut: sec(blockedOut),
	}
}

func TestBottleneck(t *testing.T) {
	zero := func(names ...string) []pipeline.StageStats {
		var out []pipeline.StageStats
		for _, n := range names {
			out = append(out, pipeline.StageStats{Name: n, Workers: 1})
		}
		return out
	}
	for _, c := range []struct {
		what   string
		stages []pipeline.StageStats
		want   string
	}{
		{"a slow middle stage, its feeder blocked on it", []pipeline.StageStats{
			stage("src", 1, 100, 0.05, 0, 0.95),
			stage("slow", 2, 100, 0.98, 0, 0.01),
			stage("sink", 1, 100, 0.02, 0.98, 0),
		}, "slow"},
		{"busy but nobody waits for it: not a bottleneck", []pipeline.StageStats{
			stage("src", 1, 100, 0.5, 0, 0.1),
			stage("busy", 1, 100, 0.95, 0.05, 0),
			stage("sink", 1, 100, 0.1, 0.9, 0),
		}, ""},
		{"a slow sink", []pipeline.StageStats{
			stage("src", 1, 100, 0.01, 0, 0.99),
			stage("map", 1, 100, 0.01, 0.01, 0.98),
			stage("sink", 1, 100, 0.99, 0.01, 0),
		}, "sink"},
		{"idle: nothing moves", []pipeline.StageStats{
			stage("src", 1, 0, 0, 0, 0),
			stage("map", 1, 0, 0, 0, 0),
		}, ""},
	} {
		for i := 1; i < len(c.stages); i++ {
			c.stages[i].Inputs = []string{c.stages[i-1].Name}
		}
		d := derive(zero(names(c.stages)...), c.stages, time.Second)
		got := ""
		for i, s := range d {
			if s.Bottleneck {
				if got != "" {
					t.Errorf("%s: two bottlenecks, %s and %s", c.what, got, c.stages[i].Name)
				}
				got = c.stages[i].Name
			}
		}
		if got != c.want {
			t.Errorf("%s: bottleneck %q, want %q (derived %+v)", c.what, got, c.want, d)
		}
	}
}

func TestDeriveRates(t *testing.T) {
	prev := []pipeline.StageStats{{Name: "src", Workers: 1, Out: 10}, {Name: "map", Workers: 4, In: 10, Out: 10, Inputs: []string{"src"}}}
	cur := []pipeline.StageStats{
		{Name: "src", Workers: 1, Out: 310, BlockedOut: time.Second},
		{Name: "map", Workers: 4, In: 210, Out: 210, BlockedIn: time.Second, Busy: 6 * time.Second, Inputs: []string{"src"}},
	}
	d := derive(prev, cur, 2*time.Second)
	if d[0].Rate != 150 || d[1].Rate != 100 {
		t.Errorf("rates %v, %v; want 150 (a source counts what it sent), 100 (a stage what it received)", d[0].Rate, d[1].Rate)
	}
	if d[0].BlockedOut != 0.5 || d[1].BlockedIn != 0.125 {
		t.Errorf("blocked %v, %v; want 0.5 and 1s/(4 workers × 2s) = 0.125", d[0].BlockedOut, d[1].BlockedIn)
	}
	if d[1].Busy != 0.75 {
		t.Errorf("busy %v, want 6s/(4 workers × 2s) = 0.75", d[1].Busy)
	}
}

func names(stages []pipeline.StageStats) []string {
	var out []string
	for _, s := range stages {
		out = append(out, s.Name)
	}
	return out
}

// The histograms put each duration in the first bucket whose bound is at
// or above it, and count and sum exactly.
func TestTaskHistogramBuckets(t *testing.T) {
	h := newTaskHistograms("t")
	for _, d := range []time.Duration{0, time.Microsecond, time.Microsecond + 1, 3 * time.Microsecond, time.Hour} {
		h.TaskDone(d, time.Millisecond)
	}
	var m dto.Metric
	if err := h.wait.metric(h.waitDesc).Write(&m); err != nil {
		t.Fatal(err)
	}
	hist := m.GetHistogram()
	if hist.GetSampleCount() != 5 || hist.GetSampleSum() != (time.Hour+2*time.Microsecond+1+3*time.Microsecond).Seconds() {
		t.Fatalf("count %d, sum %v", hist.GetSampleCount(), hist.GetSampleSum())
	}
	want := map[float64]uint64{1e-6: 2, 4e-6: 4, 4.194304: 4} // cumulative; the hour only in +Inf
	for _, b := range hist.GetBucket() {
		if w, ok := want[b.GetUpperBound()]; ok && b.GetCumulativeCount() != w {
			t.Errorf("bucket ≤ %vs: %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), w)
		}
	}
}
