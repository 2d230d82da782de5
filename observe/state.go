package observe

import (
	"time"

	"github.com/baton-go/baton/pipeline"
	"github.com/baton-go/baton/pool"
)

// State is a snapshot of everything registered with an Observer, as
// /api/state serves it in JSON.
type State struct {
	Time      time.Time       `json:"time"`
	Pools     []PoolState     `json:"pools"`
	Pipelines []PipelineState `json:"pipelines"`
}

// PoolState is one pool's state.
type PoolState struct {
	Name  string     `json:"name"`
	Stats pool.Stats `json:"stats"`
	// Rate is the tasks finished per second (succeeded, failed, panicked
	// or cancelled) since the previous sample.
	Rate float64 `json:"rate"`
	// History holds the rates of the samples of the last minute, oldest
	// first, for the sparkline.
	History []float64 `json:"history"`
}

// PipelineState is one pipeline's state: its stages, sources first.
type PipelineState struct {
	Name   string       `json:"name"`
	Stages []StageState `json:"stages"`
}

// StageState is one stage's state. The fractions are of the stage's
// worker time since the previous sample: 1 means every worker spent all
// of it that way.
type StageState struct {
	Name    string   `json:"name"`
	Workers int      `json:"workers"`
	Inputs  []string `json:"inputs"` // the stages feeding it
	In      int64    `json:"in"`
	Out     int64    `json:"out"`
	Errors  int64    `json:"errors"`
	// Rate is items per second since the previous sample: received, or
	// for a source, sent.
	Rate       float64 `json:"rate"`
	Queued     int     `json:"queued"` // items in its input buffer
	Buffer     int     `json:"buffer"` // the input buffer's capacity
	Busy       float64 `json:"busy"`
	BlockedIn  float64 `json:"blockedIn"`
	BlockedOut float64 `json:"blockedOut"`
	// Bottleneck marks the stage holding the pipeline back: see Snapshot.
	Bottleneck bool `json:"bottleneck"`
}

// minSample is the shortest time between two samples: rates over shorter
// spans are mostly noise, and polling faster must not shorten the
// sparkline's minute.
const minSample = 900 * time.Millisecond

// historyLen is how many samples a sparkline keeps: a minute at one a
// second.
const historyLen = 60

// poolView turns a pool's successive Stats into rates.
type poolView struct {
	p       Pool
	prev    pool.Stats
	prevAt  time.Time
	rate    float64
	history []float64
}

func newPoolView(p Pool) *poolView { return &poolView{p: p} }

func finished(s pool.Stats) int64 { return s.Succeeded + s.Failed + s.Panicked + s.Cancelled }

func (v *poolView) state(name string, now time.Time) PoolState {
	s := v.p.Stats()
	if v.prevAt.IsZero() {
		v.prev, v.prevAt = s, now
	} else if dt := now.Sub(v.prevAt); dt >= minSample {
		v.rate = max(0, float64(finished(s)-finished(v.prev))/dt.Seconds())
		v.prev, v.prevAt = s, now
		v.history = append(v.history, v.rate)
		if len(v.history) > historyLen {
			v.history = v.history[len(v.history)-historyLen:]
		}
	}
	return PoolState{Name: name, Stats: s, Rate: v.rate, History: append([]float64{}, v.history...)}
}

// pipeView turns a Monitor's successive Stages into rates and fractions.
type pipeView struct {
	m      *pipeline.Monitor
	prev   []pipeline.StageStats
	prevAt time.Time
	last   []StageState // the derived values of the last sample
}

func newPipeView(m *pipeline.Monitor) *pipeView { return &pipeView{m: m} }

func (v *pipeView) state(name string, now time.Time) PipelineState {
	cur := v.m.Stages()
	if v.prevAt.IsZero() || !sameStages(v.prev, cur) {
		v.prev, v.prevAt, v.last = cur, now, nil
	} else if dt := now.Sub(v.prevAt); dt >= minSample {
		v.last = derive(v.prev, cur, dt)
		v.prev, v.prevAt = cur, now
	}
	out := make([]StageState, len(cur))
	for i, s := range cur {
		out[i] = StageState{
			Name: stageLabel(cur, i), Workers: s.Workers, Inputs: inputsOf(cur, i),
			In: s.In, Out: s.Out, Errors: s.Errors, Queued: s.Queued, Buffer: s.Buffer,
		}
		if v.last != nil {
			d := v.last[i]
			out[i].Rate, out[i].Busy, out[i].BlockedIn, out[i].BlockedOut, out[i].Bottleneck =
				d.Rate, d.Busy, d.BlockedIn, d.BlockedOut, d.Bottleneck
		}
	}
	return PipelineState{Name: name, Stages: out}
}

// sameStages reports whether a and b describe the same run's stages: a
// Monitor that starts another run clears its counters, and a rate across
// that would be garbage.
func sameStages(a, b []pipeline.StageStats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || b[i].In < a[i].In || b[i].Out < a[i].Out {
			return false
		}
	}
	return true
}

// derive computes each stage's rate and time fractions between two
// samples dt apart, and marks the bottleneck.
func derive(prev, cur []pipeline.StageStats, dt time.Duration) []StageState {
	out := make([]StageState, len(cur))
	for i, c := range cur {
		p := prev[i]
		items := c.In - p.In
		if len(inputsOf(cur, i)) == 0 {
			items = c.Out - p.Out
		}
		worker := float64(dt) * float64(max(c.Workers, 1))
		frac := func(a, b time.Duration) float64 { return clamp01(float64(b-a) / worker) }
		out[i] = StageState{
			Rate:       float64(items) / dt.Seconds(),
			Busy:       frac(p.Busy, c.Busy),
			BlockedIn:  frac(p.BlockedIn, c.BlockedIn),
			BlockedOut: frac(p.BlockedOut, c.BlockedOut),
		}
	}
	if b := bottleneck(cur, out); b >= 0 {
		out[b].Bottleneck = true
	}
	return out
}

// The thresholds of a bottleneck: the stage is busy at least busyMin of
// its worker time, while a stage feeding it waits for room in its output
// at least blockedMin of its time.
const (
	busyMin    = 0.75
	blockedMin = 0.25
)

// bottleneck returns the index of the stage holding the pipeline back, or
// -1: among the stages that are nearly always busy while a stage before
// them is blocked sending to them, the busiest. A stage with all its
// workers in the callback while its feeder waits for room is, by
// definition, what the feeder waits for.
func bottleneck(stages []pipeline.StageStats, d []StageState) int {
	best := -1
	for i := range stages {
		if d[i].Busy < busyMin {
			continue
		}
		fed := false
		for _, in := range inputsOf(stages, i) {
			for j := range stages {
				if stageLabel(stages, j) == in && d[j].BlockedOut >= blockedMin {
					fed = true
				}
			}
		}
		if fed && (best < 0 || d[i].Busy > d[best].Busy) {
			best = i
		}
	}
	return best
}

func clamp01(x float64) float64 { return min(max(x, 0), 1) }

// inputsOf names the stages feeding stage i: none for a source.
func inputsOf(stages []pipeline.StageStats, i int) []string {
	if stages[i].Inputs == nil {
		return []string{}
	}
	return stages[i].Inputs
}
