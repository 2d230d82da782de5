package observe

import (
	"time"

	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

// observable is a pool with the task hook: *pool.Pool and *pool.Results.
type observable interface {
	Observe(name string, o pool.TaskObserver)
	Running() []pool.RunningTask
}

// taskBuckets are the upper bounds of the histograms, in seconds: powers of
// four from 1µs to about 4s, so that a tiny task and a stuck one both land
// in a bucket that tells them apart.
var taskBuckets = prometheus.ExponentialBuckets(1e-6, 4, 12)

// taskHistograms is the TaskObserver that Register attaches to a pool.
type taskHistograms struct {
	wait, run prometheus.Histogram
}

func newTaskHistograms(name string) *taskHistograms {
	l := prometheus.Labels{"pool": name}
	return &taskHistograms{
		wait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "baton_pool_task_wait_seconds", Help: "Time tasks waited in the queue, from acceptance to start.",
			ConstLabels: l, Buckets: taskBuckets,
		}),
		run: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "baton_pool_task_run_seconds", Help: "Time tasks ran.",
			ConstLabels: l, Buckets: taskBuckets,
		}),
	}
}

// TaskDone implements pool.TaskObserver.
func (h *taskHistograms) TaskDone(waited, ran time.Duration) {
	h.wait.Observe(waited.Seconds())
	h.run.Observe(ran.Seconds())
}

func (h *taskHistograms) describe(ch chan<- *prometheus.Desc) {
	ch <- h.wait.Desc()
	ch <- h.run.Desc()
}

func (h *taskHistograms) collect(ch chan<- prometheus.Metric) {
	ch <- h.wait
	ch <- h.run
}

// attach feeds c's histograms from p's task hook, if p has one, and
// returns what detaches it.
func attach(name string, p Pool, c *poolCollector) func() {
	o, ok := p.(observable)
	if !ok {
		return nil
	}
	c.hist = newTaskHistograms(name)
	o.Observe(name, c.hist)
	return func() { o.Observe(name, nil) }
}
