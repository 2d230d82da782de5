package observe

import (
	"github.com/prometheus/client_golang/prometheus"
)

// poolCollector exports one pool's Stats, read at each scrape, and the
// histograms its task hook fills.
type poolCollector struct {
	p     Pool
	name  string
	descs poolDescs
	hist  *taskHistograms // nil if the pool has no task hook
}

type poolDescs struct {
	workers, running, queued, waiting                           *prometheus.Desc
	submitted, succeeded, failed, panicked, cancelled, rejected *prometheus.Desc
}

func newPoolCollector(name string, p Pool) *poolCollector {
	l := prometheus.Labels{"pool": name}
	d := func(metric, help string) *prometheus.Desc {
		return prometheus.NewDesc("baton_pool_"+metric, help, nil, l)
	}
	c := &poolCollector{p: p, name: name, descs: poolDescs{
		workers:   d("workers", "Workers the pool wants: the last New or Resize, 0 once it has stopped."),
		running:   d("tasks_running", "Tasks being run."),
		queued:    d("tasks_queued", "Tasks accepted that no worker has taken yet."),
		waiting:   d("submitters_waiting", "Submitters waiting in line for room in the queue."),
		submitted: d("tasks_submitted_total", "Tasks accepted."),
		succeeded: d("tasks_succeeded_total", "Tasks that returned nil."),
		failed:    d("tasks_failed_total", "Tasks that returned an error or called runtime.Goexit."),
		panicked:  d("tasks_panicked_total", "Tasks that panicked."),
		cancelled: d("tasks_cancelled_total", "Tasks accepted but never run, because the pool was stopped."),
		rejected:  d("tasks_rejected_total", "Submits refused: the queue was full, the pool closed or failed, or the submitter's context ended."),
	}}
	if _, ok := p.(observable); ok {
		c.hist = newTaskHistograms(name)
	}
	return c
}

func (c *poolCollector) Describe(ch chan<- *prometheus.Desc) {
	d := c.descs
	for _, x := range []*prometheus.Desc{d.workers, d.running, d.queued, d.waiting,
		d.submitted, d.succeeded, d.failed, d.panicked, d.cancelled, d.rejected} {
		ch <- x
	}
	if c.hist != nil {
		c.hist.describe(ch)
	}
}

func (c *poolCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.p.Stats()
	d := c.descs
	gauge := func(desc *prometheus.Desc, v int) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.GaugeValue, float64(v))
	}
	counter := func(desc *prometheus.Desc, v int64) {
		ch <- prometheus.MustNewConstMetric(desc, prometheus.CounterValue, float64(v))
	}
	gauge(d.workers, s.Workers)
	gauge(d.running, s.Running)
	gauge(d.queued, s.Queued)
	gauge(d.waiting, s.Waiting)
	counter(d.submitted, s.Submitted)
	counter(d.succeeded, s.Succeeded)
	counter(d.failed, s.Failed)
	counter(d.panicked, s.Panicked)
	counter(d.cancelled, s.Cancelled)
	counter(d.rejected, s.Rejected)
	if c.hist != nil {
		c.hist.collect(ch)
	}
}
