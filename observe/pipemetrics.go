package observe

import (
	"strconv"

	"github.com/baton-go/baton/pipeline"
	"github.com/prometheus/client_golang/prometheus"
)

// pipelineCollector exports a Monitor's per-stage counters, read at each
// scrape, labelled with the stage's name.
type pipelineCollector struct {
	m     *pipeline.Monitor
	descs []*prometheus.Desc
}

// The order of the descriptors in pipelineCollector.descs.
const (
	dWorkers = iota
	dIn
	dOut
	dErrors
	dBusy
	dBlockedIn
	dBlockedOut
	dQueued
	dBuffer
	nDescs
)

func newPipelineCollector(name string, m *pipeline.Monitor) *pipelineCollector {
	l := prometheus.Labels{"pipeline": name}
	d := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("baton_pipeline_stage_"+metric, help, []string{"stage"}, l)
	}
	descs := make([]*prometheus.Desc, nDescs)
	descs[dWorkers] = d("workers", "Goroutines running the stage.")
	descs[dIn] = d("items_in_total", "Items the stage received.")
	descs[dOut] = d("items_out_total", "Items the stage sent on.")
	descs[dErrors] = d("errors_total", "Items whose callback failed or panicked.")
	descs[dBusy] = d("busy_seconds_total", "Time the stage's goroutines spent working (in the callback and the stage's own per-item work), not waiting, summed over them.")
	descs[dBlockedIn] = d("blocked_input_seconds_total", "Time the stage's goroutines waited for input, summed over them.")
	descs[dBlockedOut] = d("blocked_output_seconds_total", "Time the stage's goroutines waited for room in their output, summed over them.")
	descs[dQueued] = d("queued_items", "Items waiting in the stage's input buffer.")
	descs[dBuffer] = d("buffer_capacity_items", "Capacity of the stage's input buffer.")
	return &pipelineCollector{m: m, descs: descs}
}

func (c *pipelineCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range c.descs {
		ch <- d
	}
}

func (c *pipelineCollector) Collect(ch chan<- prometheus.Metric) {
	stages := c.m.Stages()
	for i, s := range stages {
		stage := stageLabel(stages, i)
		gauge := func(k int, v float64) {
			ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.GaugeValue, v, stage)
		}
		counter := func(k int, v float64) {
			ch <- prometheus.MustNewConstMetric(c.descs[k], prometheus.CounterValue, v, stage)
		}
		gauge(dWorkers, float64(s.Workers))
		counter(dIn, float64(s.In))
		counter(dOut, float64(s.Out))
		counter(dErrors, float64(s.Errors))
		counter(dBusy, s.Busy.Seconds())
		counter(dBlockedIn, s.BlockedIn.Seconds())
		counter(dBlockedOut, s.BlockedOut.Seconds())
		gauge(dQueued, float64(s.Queued))
		gauge(dBuffer, float64(s.Buffer))
	}
}

// stageLabel is stage i's label value: its name, unless an earlier stage
// has the same one (two branches may get the same default name), which
// would make two series with one label set and fail the whole scrape; the
// later ones get their position appended.
func stageLabel(stages []pipeline.StageStats, i int) string {
	for j := range i {
		if stages[j].Name == stages[i].Name {
			return stages[i].Name + "#" + strconv.Itoa(i)
		}
	}
	return stages[i].Name
}
