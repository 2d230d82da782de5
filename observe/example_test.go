package observe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// Register a pool, run some tasks, and read the counters back as
// Prometheus would.
func ExampleRegister() {
	reg := prometheus.NewRegistry()
	p := pool.New(4)
	if err := observe.Register(reg, "resize", p); err != nil {
		panic(err)
	}
	defer observe.Unregister("resize")
	for range 10 {
		_ = p.Submit(context.Background(), func(context.Context) error { return nil })
	}
	_ = p.Close()
	n, _ := testutil.GatherAndCount(reg, "baton_pool_tasks_succeeded_total")
	err := testutil.GatherAndCompare(reg, strings.NewReader(`
# HELP baton_pool_tasks_succeeded_total Tasks that returned nil.
# TYPE baton_pool_tasks_succeeded_total counter
baton_pool_tasks_succeeded_total{pool="resize"} 10
`), "baton_pool_tasks_succeeded_total")
	fmt.Println(n, "series; as expected:", err == nil)
	// Output: 1 series; as expected: true
}

// A pipeline's Monitor, registered: each stage gets its series, labelled
// with the pipeline's and the stage's names, and its place on the page.
func ExampleObserver_Snapshot() {
	o := observe.New()
	m := pipeline.NewMonitor()
	if err := o.Register(nil, "squares", m); err != nil {
		panic(err)
	}
	src := pipeline.From(slices.Values([]int{1, 2, 3, 4}), pipeline.Name("numbers"))
	sq := pipeline.Map(src, func(_ context.Context, v int) (int, error) { return v * v, nil }, pipeline.Name("square"))
	if _, err := pipeline.Collect(context.Background(), sq, pipeline.WithMonitor(m)); err != nil {
		panic(err)
	}
	for _, s := range o.Snapshot().Pipelines[0].Stages {
		fmt.Printf("%s: %d in, %d out, fed by %v\n", s.Name, s.In, s.Out, s.Inputs)
	}
	// Output:
	// numbers: 0 in, 4 out, fed by []
	// square: 4 in, 4 out, fed by [numbers]
	// collect#2: 4 in, 0 out, fed by [square]
}

// The handler, mounted under a prefix: the page's links are relative.
func ExampleHandler() {
	mux := http.NewServeMux()
	mux.Handle("/debug/baton/", http.StripPrefix("/debug/baton", observe.Handler()))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, path := range []string{"/debug/baton/", "/debug/baton/api/state", "/debug/baton/metrics"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			panic(err)
		}
		resp.Body.Close()
		fmt.Println(path, resp.StatusCode, strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	}
	// Output:
	// /debug/baton/ 200 text/html
	// /debug/baton/api/state 200 application/json
	// /debug/baton/metrics 200 text/plain
}

// A task that does not return: Stuck names its pool, its number and what
// its worker is doing.
func ExampleObserver_Stuck() {
	o := observe.New()
	p := pool.New(2)
	if err := o.Register(nil, "mailer", p); err != nil {
		panic(err)
	}
	defer o.Unregister("mailer")
	never := make(chan struct{})
	_ = p.Submit(context.Background(), func(context.Context) error { <-never; return nil })
	var stuck []observe.StuckTask
	for len(stuck) == 0 {
		time.Sleep(time.Millisecond)
		stuck = o.Stuck(time.Millisecond)
	}
	fmt.Println(stuck[0].Pool, stuck[0].Seq, strings.Contains(stuck[0].Stack, "ExampleObserver_Stuck"))
	close(never)
	_ = p.Close()
	// Output: mailer 0 true
}
