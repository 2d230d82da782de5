package observe_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/baton-go/baton/observe"
	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

// TestStressRegisterWhileReading registers and unregisters pools and
// pipelines from several goroutines while others scrape, snapshot and ask
// for stuck tasks, all with running tasks. Under -race it checks the
// Observer's locking; at the end every name and every pool must be free
// again, and each pool's histograms must have counted every task it ran
// while registered (the ledger: submitted by the test, counted by the
// hook).
func TestStressRegisterWhileReading(t *testing.T) {
	const writers, rounds = 4, 30
	o := observe.New()
	reg := prometheus.NewRegistry()
	h := o.Handler()
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				o.Snapshot()
				o.Stuck(1)
				for _, path := range []string{"/api/state", "/metrics"} {
					if code, _, body := get(h, http.MethodGet, path); code != http.StatusOK {
						t.Errorf("GET %s: %d %s", path, code, body)
						return
					}
				}
			}
		})
	}
	pools := make([]*pool.Pool, writers)
	var wg sync.WaitGroup
	for w := range writers {
		pools[w] = pool.New(2)
		wg.Go(func() {
			for r := range rounds {
				name := fmt.Sprintf("p%d", w)
				if err := o.Register(reg, name, pools[w]); err != nil {
					t.Errorf("round %d: %v", r, err)
					return
				}
				for range 10 {
					if err := pools[w].Submit(context.Background(), func(context.Context) error { return nil }); err != nil {
						t.Error(err)
					}
				}
				// Let this round's tasks finish while registered, so that
				// the next registration's histograms count only its own.
				for deadline := time.Now().Add(30 * time.Second); pools[w].Stats().Succeeded != int64(10*(r+1)); time.Sleep(time.Millisecond) {
					if time.Now().After(deadline) { // a hang becomes a failure
						t.Errorf("round %d: the tasks never finished", r)
						return
					}
				}
				mon := pipeline.NewMonitor()
				mname := fmt.Sprintf("m%d", w)
				if err := o.Register(reg, mname, mon); err != nil {
					t.Errorf("round %d: %v", r, err)
					return
				}
				src := pipeline.From(func(yield func(int) bool) {
					for i := range 20 {
						if !yield(i) {
							return
						}
					}
				})
				if _, err := pipeline.Collect(context.Background(), src, pipeline.WithMonitor(mon)); err != nil {
					t.Error(err)
				}
				if !o.Unregister(mname) {
					t.Errorf("round %d: %s was not registered", r, mname)
				}
				if r < rounds-1 && !o.Unregister(name) {
					t.Errorf("round %d: %s was not registered", r, name)
				}
			}
		})
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	// Each pool is still registered from its last round: its histograms
	// counted the last round's tasks, all of them once closed.
	for w, p := range pools {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		checkHistograms(t, scrape(t, h), fmt.Sprintf("p%d", w), 10)
		o.Unregister(fmt.Sprintf("p%d", w))
	}
	if s := o.Snapshot(); len(s.Pools)+len(s.Pipelines) != 0 {
		t.Fatalf("left registered: %+v", s)
	}
	// Every name and every pool is free again, with a fresh Observer too.
	o2 := observe.New()
	for w, p := range pools {
		if err := o2.Register(nil, fmt.Sprintf("p%d", w), p); err != nil {
			t.Fatal(err)
		}
		o2.Unregister(fmt.Sprintf("p%d", w))
	}
}
