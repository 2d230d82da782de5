package observe_test

import (
	"testing"

	"github.com/baton-go/baton/pool"
	dto "github.com/prometheus/client_model/go"
)

// checkHistograms checks that pool's two histograms counted the sample of
// the n tasks it accepted while registered: the first and every
// pool.SampleEvery-th after it.
func checkHistograms(t *testing.T, m map[string]*dto.MetricFamily, name string, n int) {
	t.Helper()
	want := float64((n + pool.SampleEvery - 1) / pool.SampleEvery)
	for _, metric := range []string{"baton_pool_task_wait_seconds", "baton_pool_task_run_seconds"} {
		if got := value(t, m, metric, "pool="+name); got != want {
			t.Errorf("%s count = %v, want %v: the sample of %d tasks", metric, got, want, n)
		}
	}
}
