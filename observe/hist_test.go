package observe_test

import (
	"testing"

	dto "github.com/prometheus/client_model/go"
)

// checkHistograms checks that pool's two histograms counted n tasks.
func checkHistograms(t *testing.T, m map[string]*dto.MetricFamily, pool string, n float64) {
	t.Helper()
	for _, name := range []string{"baton_pool_task_wait_seconds", "baton_pool_task_run_seconds"} {
		if got := value(t, m, name, "pool="+pool); got != n {
			t.Errorf("%s count = %v, want %v", name, got, n)
		}
	}
}
