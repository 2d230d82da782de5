//go:build !hooks

package observe

import "github.com/prometheus/client_golang/prometheus"

type taskHistograms struct{}

func (h *taskHistograms) describe(ch chan<- *prometheus.Desc) {}
func (h *taskHistograms) collect(ch chan<- prometheus.Metric) {}
func attach(name string, p Pool, c *poolCollector) func()     { return nil }
