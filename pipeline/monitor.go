package pipeline

import (
	"sync"
	"sync/atomic"
	"time"
)

// Monitor collects per-stage statistics of a run, so that a user can see
// which stage holds the others back: a stage that is slow has a large
// BlockedIn downstream of it and a large BlockedOut upstream of it.
//
//	m := pipeline.NewMonitor()
//	out, err := pipeline.Collect(ctx, s, pipeline.WithMonitor(m))
//	for _, st := range m.Stages() { fmt.Println(st) }
//
// Stages may be called at any time, from any goroutine, while the run goes
// on or after it. A Monitor describes the last run started with it; starting
// another run with the same Monitor clears it first, so one Monitor should
// watch one run at a time.
//
// Counting costs a few atomic additions per item, and the clock is read only
// when a stage actually waits, so the statistics are cheap enough to leave
// on; without a Monitor nothing is counted at all.
type Monitor struct {
	mu     sync.Mutex
	stages []*stageStats
}

// NewMonitor returns an empty Monitor, to pass to a sink with WithMonitor.
func NewMonitor() *Monitor { return &Monitor{} }

// StageStats is a snapshot of one stage's counters.
type StageStats struct {
	// Name is the stage's name, as in StageError.Stage.
	Name string
	// Workers is how many goroutines run the stage.
	Workers int
	// In counts the items the stage received; Out the items it sent on.
	// A source has no In; a sink has no Out. Filter's Out is below its In,
	// FlatMap's may be above, Batch's counts batches.
	In, Out int64
	// Errors counts the items whose callback failed or panicked.
	Errors int64
	// BlockedIn is the time the stage's goroutines waited for input, and
	// BlockedOut the time they waited for room in their output, summed
	// over the workers. An Ordered stage's waits for its window to move
	// count as BlockedIn.
	BlockedIn, BlockedOut time.Duration
}

// Stages returns a snapshot of every stage of the run, sources first, in the
// order they were built.
func (m *Monitor) Stages() []StageStats {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]StageStats, len(m.stages))
	for i, s := range m.stages {
		out[i] = StageStats{
			Name: s.name, Workers: s.workers,
			In: s.in.Load(), Out: s.out.Load(), Errors: s.errs.Load(),
			BlockedIn: time.Duration(s.blockedIn.Load()), BlockedOut: time.Duration(s.blockedOut.Load()),
		}
	}
	return out
}

func (m *Monitor) reset() {
	m.mu.Lock()
	m.stages = nil
	m.mu.Unlock()
}

// stageStats are the live counters of one stage. A nil *stageStats means
// "not monitored" and every helper skips it.
type stageStats struct {
	name       string
	workers    int
	in, out    atomic.Int64
	errs       atomic.Int64
	blockedIn  atomic.Int64
	blockedOut atomic.Int64
}

func (s *stageStats) now() time.Time                  { return time.Now() }
func (s *stageStats) since(t time.Time) time.Duration { return time.Since(t) }

func (s *stageStats) failed() {
	if s != nil {
		s.errs.Add(1)
	}
}

// stats registers a stage with the run's monitor, or returns nil without one.
func (r *run) stats(name string, workers int) *stageStats {
	if r.mon == nil {
		return nil
	}
	s := &stageStats{name: name, workers: workers}
	r.mon.mu.Lock()
	r.mon.stages = append(r.mon.stages, s)
	r.mon.mu.Unlock()
	return s
}

// timeIfMonitored and addBlockedIn time a wait for a monitored stage only.
func timeIfMonitored(st *stageStats) time.Time {
	if st == nil {
		return time.Time{}
	}
	return time.Now()
}

func addBlockedIn(st *stageStats, t0 time.Time) {
	if st != nil {
		st.blockedIn.Add(int64(time.Since(t0)))
	}
}
