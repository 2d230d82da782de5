package main

import "github.com/baton-go/baton/pipeline"

// observedOptions are the sink options of an observed pipeline.
func observedOptions(m *pipeline.Monitor) []pipeline.Option {
	return []pipeline.Option{pipeline.WithMonitor(m)}
}
