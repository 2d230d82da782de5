package observe

import (
	"fmt"
	"sync/atomic"
	"time"

	"github.com/baton-go/baton/pool"
	"github.com/prometheus/client_golang/prometheus"
)

// observable is a pool with the task hook: *pool.Pool and *pool.Results.
type observable interface {
	Observe(name string, o pool.TaskObserver)
	Running() []pool.RunningTask
}

// taskBounds are the histograms' upper bounds in nanoseconds: powers of
// four from 1µs to about 4s, so that a tiny task and a stuck one both land
// in a bucket that tells them apart.
var taskBounds = [...]int64{
	1e3, 4e3, 16e3, 64e3, 256e3, 1024e3, 4096e3, 16384e3, 65536e3, 262144e3, 1048576e3, 4194304e3,
}

// taskHistograms is the TaskObserver that Register attaches to a pool: the
// histograms of queue wait and run time, kept as integer counts and
// nanosecond sums and turned into Prometheus histograms at each scrape.
// TaskDone runs on the pool's workers after each sampled task, so it does
// four atomic additions and no floating point: about a third of what two
// prometheus.Histogram observations cost.
//
// The pool reports one task in pool.SampleEvery, and the histograms hold
// that sample as it is, unscaled: their buckets, sum and _count describe
// the sampled tasks, so quantiles and the mean (_sum / _count) estimate
// those of every task, while _count is the sample's size, about
// 1/pool.SampleEvery of the tasks. The exact number of tasks is
// baton_pool_tasks_submitted_total and its siblings. Scaling each
// observation by SampleEvery instead would make _count look exact while
// being an estimate, off by up to SampleEvery-1 at any scrape.
type taskHistograms struct {
	wait, run taskHistogram
	waitDesc  *prometheus.Desc
	runDesc   *prometheus.Desc
}

type taskHistogram struct {
	counts [len(taskBounds) + 1]atomic.Uint64 // the last is above every bound
	sum    atomic.Int64                       // nanoseconds
}

func newTaskHistograms(name string) *taskHistograms {
	l := prometheus.Labels{"pool": name}
	return &taskHistograms{
		waitDesc: prometheus.NewDesc("baton_pool_task_wait_seconds", sampleHelp("Time tasks waited in the queue, from acceptance to start"), nil, l),
		runDesc:  prometheus.NewDesc("baton_pool_task_run_seconds", sampleHelp("Time tasks ran"), nil, l),
	}
}

// sampleHelp says in a histogram's help text that it holds a sample.
func sampleHelp(what string) string {
	return fmt.Sprintf("%s, for a sample of one task in %d in acceptance order (the count is the sample's; tasks_submitted_total counts them all).", what, pool.SampleEvery)
}

// TaskDone implements pool.TaskObserver.
func (h *taskHistograms) TaskDone(waited, ran time.Duration) {
	h.wait.observe(int64(waited))
	h.run.observe(int64(ran))
}

func (h *taskHistogram) observe(ns int64) {
	i := 0
	for i < len(taskBounds) && ns > taskBounds[i] {
		i++
	}
	h.counts[i].Add(1)
	h.sum.Add(ns)
}

// metric reads the histogram. The count is the buckets' total, so the two
// always agree; the sum is read apart and may lag a task behind while the
// pool runs.
func (h *taskHistogram) metric(desc *prometheus.Desc) prometheus.Metric {
	buckets := make(map[float64]uint64, len(taskBounds))
	var cum uint64
	for i, b := range taskBounds {
		cum += h.counts[i].Load()
		buckets[float64(b)/1e9] = cum
	}
	cum += h.counts[len(taskBounds)].Load()
	return prometheus.MustNewConstHistogram(desc, cum, time.Duration(h.sum.Load()).Seconds(), buckets)
}

func (h *taskHistograms) describe(ch chan<- *prometheus.Desc) {
	ch <- h.waitDesc
	ch <- h.runDesc
}

func (h *taskHistograms) collect(ch chan<- prometheus.Metric) {
	ch <- h.wait.metric(h.waitDesc)
	ch <- h.run.metric(h.runDesc)
}

// attach starts feeding c's histograms from the pool's task hook, if it
// has one.
func (c *poolCollector) attach() {
	if o, ok := c.p.(observable); ok {
		o.Observe(c.name, c.hist)
	}
}

// detach stops it.
func (c *poolCollector) detach() {
	if o, ok := c.p.(observable); ok {
		o.Observe(c.name, nil)
	}
}
