package observe

import (
	"time"

	"github.com/baton-go/baton/pipeline"
)

// busyOf is the time the stage's goroutines spent in callbacks.
func busyOf(s pipeline.StageStats) time.Duration { return 0 }

// busyFrac: without a Busy counter, a stage that moved items is busy the
// time it was not blocked.
func busyFrac(p, c pipeline.StageStats, d StageState, frac func(a, b time.Duration) float64) float64 {
	if c.In == p.In && c.Out == p.Out {
		return 0
	}
	return clamp01(1 - d.BlockedIn - d.BlockedOut)
}

func bufferOf(s pipeline.StageStats) (queued, capacity int) { return 0, 0 }

func inputsOf(stages []pipeline.StageStats, i int) []string {
	if i == 0 {
		return nil
	}
	return []string{stageLabel(stages, i-1)}
}

func withBusy(s pipeline.StageStats, busy time.Duration) pipeline.StageStats { return s }
