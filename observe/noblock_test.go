package observe_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

// TestReadingNeverWaitsForWorkers holds a pool and a pipeline at their
// most congested: every worker inside a task or callback that will not
// return, every queue and buffer full, a submitter waiting. Reading the
// state, the JSON and the metrics must still answer.
func TestReadingNeverWaitsForWorkers(t *testing.T) {
	o := observe.New()
	g := newGate()

	p := pool.New(2, pool.WithQueue(1))
	defer func() { g.open(); p.Close() }()
	for range 3 {
		if err := p.Submit(context.Background(), g.wait); err != nil {
			t.Fatal(err)
		}
	}
	submitCtx, stopSubmit := context.WithCancel(context.Background())
	submitted := make(chan error, 1)
	go func() { submitted <- p.Submit(submitCtx, g.wait) }()
	defer func() { stopSubmit(); <-submitted }()
	eventually(t, "a submitter waiting behind a full queue", func() bool { return p.Stats().Waiting == 1 })

	mon := pipeline.NewMonitor()
	started := make(chan struct{})
	src := pipeline.From(func(yield func(int) bool) {
		for i := 0; yield(i); i++ {
		}
	}, pipeline.Buffer(1))
	stuck := pipeline.Map(src, func(ctx context.Context, v int) (int, error) {
		if v == 0 {
			close(started)
		}
		return v, g.wait(ctx)
	}, pipeline.Workers(2), pipeline.Name("stuck"))
	runCtx, stopRun := context.WithCancel(context.Background())
	ran := make(chan error, 1)
	go func() { _, err := pipeline.Collect(runCtx, stuck, pipeline.WithMonitor(mon)); ran <- err }()
	defer func() { stopRun(); <-ran }()
	<-started

	for name, x := range map[string]any{"p": p, "m": mon} {
		if err := o.Register(nil, name, x); err != nil {
			t.Fatal(err)
		}
		defer o.Unregister(name)
	}
	h := o.Handler()
	for range 3 {
		within(t, "Snapshot", func() { o.Snapshot() })
		within(t, "GET /api/state", func() { get(h, http.MethodGet, "/api/state") })
		within(t, "GET /metrics", func() { get(h, http.MethodGet, "/metrics") })
	}
	if s := o.Snapshot(); s.Pools[0].Stats.Running != 2 || s.Pools[0].Stats.Waiting != 1 {
		t.Fatalf("snapshot of the held pool: %+v", s.Pools[0].Stats)
	}
}
