package observe_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"
)

// TestPoolMetricsCountTheWorkload runs a known workload on a pool and
// checks that the scraped counters and gauges say exactly what it did,
// both while tasks are held (gauges) and after Close (counters).
func TestPoolMetricsCountTheWorkload(t *testing.T) {
	o := observe.New()
	reg := prometheus.NewRegistry()
	p := pool.New(2, pool.WithQueue(2))
	if err := o.Register(reg, "work", p); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("work")
	h := o.Handler()
	ctx := context.Background()

	g := newGate()
	for range 4 { // two run, two wait in the queue
		if err := p.Submit(ctx, g.wait); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "both workers running", func() bool { return p.Stats().Running == 2 })
	for range 3 {
		if err := p.TrySubmit(g.wait); !errors.Is(err, pool.ErrFull) {
			t.Fatalf("TrySubmit on a full pool: %v, want ErrFull", err)
		}
	}
	m := scrape(t, h)
	for name, want := range map[string]float64{
		"baton_pool_workers":               2,
		"baton_pool_tasks_running":         2,
		"baton_pool_tasks_queued":          2,
		"baton_pool_submitters_waiting":    0,
		"baton_pool_tasks_submitted_total": 4,
		"baton_pool_tasks_rejected_total":  3,
		"baton_pool_tasks_succeeded_total": 0,
	} {
		if got := value(t, m, name, "pool=work"); got != want {
			t.Errorf("while held: %s = %v, want %v", name, got, want)
		}
	}

	g.open()
	for i := range 17 {
		fn := func(context.Context) error { return nil }
		switch {
		case i%5 == 1:
			fn = func(context.Context) error { return errors.New("no") }
		case i == 8 || i == 13:
			fn = func(context.Context) error { panic("boom") }
		}
		if err := p.Submit(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Close(); err == nil {
		t.Fatal("Close: nil, want the failed tasks' errors")
	}
	// 4 held + 17: i%5 == 1 fails for i = 1, 6, 11, 16; 8 and 13 panic.
	m = scrape(t, h)
	for name, want := range map[string]float64{
		"baton_pool_workers":               0,
		"baton_pool_tasks_running":         0,
		"baton_pool_tasks_queued":          0,
		"baton_pool_tasks_submitted_total": 21,
		"baton_pool_tasks_succeeded_total": 15,
		"baton_pool_tasks_failed_total":    4,
		"baton_pool_tasks_panicked_total":  2,
		"baton_pool_tasks_cancelled_total": 0,
		"baton_pool_tasks_rejected_total":  3,
	} {
		if got := value(t, m, name, "pool=work"); got != want {
			t.Errorf("after Close: %s = %v, want %v", name, got, want)
		}
	}
	checkHistograms(t, m, "work", 21)
	// The caller's registry has the same series.
	if got := value(t, gather(t, reg), "baton_pool_tasks_failed_total", "pool=work"); got != 4 {
		t.Errorf("caller's registry: failed = %v, want 4", got)
	}
}

// gather returns reg's metric families by name.
func gather(t *testing.T, reg *prometheus.Registry) map[string]*dto.MetricFamily {
	t.Helper()
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]*dto.MetricFamily{}
	for _, f := range fams {
		m[f.GetName()] = f
	}
	return m
}

// TestResultsMetrics registers a *pool.Results, the generic pool.
func TestResultsMetrics(t *testing.T) {
	o := observe.New()
	r := pool.NewResults[int](3)
	if err := o.Register(nil, "squares", r); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("squares")
	for i := range 7 {
		if err := r.Submit(context.Background(), func(context.Context) (int, error) { return i * i, nil }); err != nil {
			t.Fatal(err)
		}
	}
	r.Close()
	n := 0
	for _, err := range r.All() {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 7 {
		t.Fatalf("%d results, want 7", n)
	}
	m := scrape(t, o.Handler())
	if got := value(t, m, "baton_pool_tasks_submitted_total", "pool=squares"); got != 7 {
		t.Errorf("submitted = %v, want 7", got)
	}
	if got := value(t, m, "baton_pool_tasks_succeeded_total", "pool=squares"); got != 7 {
		t.Errorf("succeeded = %v, want 7", got)
	}
	checkHistograms(t, m, "squares", 7)
}

// TestPipelineMetricsCountTheWorkload runs a known pipeline to its end
// and checks every stage's counters.
func TestPipelineMetricsCountTheWorkload(t *testing.T) {
	o := observe.New()
	mon := pipeline.NewMonitor()
	if err := o.Register(nil, "nums", mon); err != nil {
		t.Fatal(err)
	}
	defer o.Unregister("nums")
	src := pipeline.From(slices.Values(make([]int, 100)), pipeline.Name("src"))
	idx := 0
	numbered := pipeline.Map(src, func(context.Context, int) (int, error) { idx++; return idx - 1, nil }, pipeline.Name("number"))
	even := pipeline.Filter(numbered, func(_ context.Context, v int) (bool, error) { return v%2 == 0, nil }, pipeline.Name("even"))
	checked := pipeline.Map(even, func(_ context.Context, v int) (int, error) {
		if v == 8 || v == 16 {
			return 0, errors.New("unlucky")
		}
		return v, nil
	}, pipeline.Name("check"))
	out, err := pipeline.Collect(context.Background(), checked, pipeline.CollectErrors(), pipeline.WithMonitor(mon))
	if err == nil || len(out) != 48 {
		t.Fatalf("Collect: %d items, err %v; want 48 and two errors", len(out), err)
	}
	stages := mon.Stages()
	sink := stages[len(stages)-1].Name
	m := scrape(t, o.Handler())
	for _, c := range []struct {
		stage         string
		in, out, errs float64
	}{
		{"src", 0, 100, 0},
		{"number", 100, 100, 0},
		{"even", 100, 50, 0},
		{"check", 50, 48, 2},
		{sink, 48, 0, 0},
	} {
		l := []string{"pipeline=nums", "stage=" + c.stage}
		if got := value(t, m, "baton_pipeline_stage_items_in_total", l...); got != c.in {
			t.Errorf("%s: in = %v, want %v", c.stage, got, c.in)
		}
		if got := value(t, m, "baton_pipeline_stage_items_out_total", l...); got != c.out {
			t.Errorf("%s: out = %v, want %v", c.stage, got, c.out)
		}
		if got := value(t, m, "baton_pipeline_stage_errors_total", l...); got != c.errs {
			t.Errorf("%s: errors = %v, want %v", c.stage, got, c.errs)
		}
		if got := value(t, m, "baton_pipeline_stage_workers", l...); got != 1 {
			t.Errorf("%s: workers = %v, want 1", c.stage, got)
		}
	}
}

// TestMetricsLint runs Prometheus' own linter over every metric.
func TestMetricsLint(t *testing.T) {
	o := observe.New()
	reg := prometheus.NewRegistry()
	p := pool.New(1)
	defer p.Close()
	r := pool.NewResults[string](1)
	defer func() {
		r.Close()
		for range r.All() {
		}
	}()
	mon := pipeline.NewMonitor()
	if _, err := pipeline.Collect(context.Background(), pipeline.From(slices.Values([]int{1, 2})), pipeline.WithMonitor(mon)); err != nil {
		t.Fatal(err)
	}
	for name, x := range map[string]any{"p": p, "r": r, "m": mon} {
		if err := o.Register(reg, name, x); err != nil {
			t.Fatal(err)
		}
		defer o.Unregister(name)
	}
	if err := p.Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
		t.Fatal(err)
	}
	problems, err := testutil.GatherAndLint(reg)
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range problems {
		t.Errorf("lint: %s: %s", pr.Metric, pr.Text)
	}
	if n, err := testutil.GatherAndCount(reg); err != nil || n == 0 {
		t.Fatalf("linted %d series (err %v): nothing was checked", n, err)
	}
}
