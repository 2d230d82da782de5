package main

import (
	"time"

	"github.com/baton-go/baton/pipeline"
)

// observedOptions are the sink options of an observed pipeline: its
// Monitor, and a stall watch that never fires in a run that moves.
func observedOptions(m *pipeline.Monitor) []pipeline.Option {
	return []pipeline.Option{pipeline.WithMonitor(m), pipeline.WithStallReport(time.Minute, func(s pipeline.Stall) {
		panic("a moving benchmark reported a stall:\n" + s.String())
	})}
}
