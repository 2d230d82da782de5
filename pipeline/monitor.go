package pipeline

import (
	"sync"
	"sync/atomic"
	"time"
)

// Monitor collects per-stage statistics of a run, so that a user can see
// which stage holds the others back: a stage that is slow has a large
// BlockedIn downstream of it and a large BlockedOut upstream of it, and its
// own Busy near its workers × the run's time.
//
//	m := pipeline.NewMonitor()
//	out, err := pipeline.Collect(ctx, s, pipeline.WithMonitor(m))
//	for _, st := range m.Stages() { fmt.Println(st) }
//
// Stages may be called at any time, from any goroutine, while the run goes
// on or after it; it takes no lock that a stage goroutine waits on. A
// Monitor describes the last run started with it; starting another run
// with the same Monitor clears it first, so one Monitor should watch one run
// at a time.
//
// Counting costs a few atomic additions per item, and two clock reads per
// callback, plus one when a stage actually waits; without a Monitor nothing
// is counted and no clock is read.
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
	// A source has no In (except FromReceiver, which counts what it
	// received); a sink has no Out. Filter's Out is below its In,
	// FlatMap's may be above, Batch's counts batches.
	In, Out int64
	// Errors counts the items whose callback failed or panicked.
	Errors int64
	// BlockedIn is the time the stage's goroutines waited for input, and
	// BlockedOut the time they waited for room in their output, summed
	// over the workers. An Ordered stage's waits for its window to move
	// count as BlockedIn.
	BlockedIn, BlockedOut time.Duration
	// Busy is the time the stage's goroutines spent in its callback, summed over workers.
	// Stages without a callback (sources, Batch, fan-out, Merge, Collect)
	// stay at 0; All counts the time in the body of the range loop.
	Busy time.Duration
	// Queued is how many items wait in the stage's input buffer now; Buffer is that buffer's capacity.
	// A Merge sums its inputs; a source has neither.
	Queued, Buffer int
	// Inputs names the stages that feed this one (empty for a source), so a monitor can draw the graph.
	// Every branch of a fan-out bears the fan-out's name.
	Inputs []string
}

// Stages returns a snapshot of every stage of the run, sources first, in the
// order they were built.
func (m *Monitor) Stages() []StageStats {
	m.mu.Lock()
	stages := m.stages
	m.mu.Unlock()
	out := make([]StageStats, len(stages))
	for i, s := range stages {
		out[i] = s.snapshot()
	}
	return out
}

func (m *Monitor) reset() {
	m.mu.Lock()
	m.stages = nil
	m.mu.Unlock()
}

// queue is a stage's input channel, as the stats see it.
type queue interface {
	Len() int
	Cap() int
}

// stageStats are the live counters of one stage. A nil *stageStats means
// "not monitored" and every helper skips it. The fields above the counters
// are set when the stage is built, before any goroutine starts, and only
// read afterwards.
type stageStats struct {
	name    string
	workers int
	inputs  []string
	queues  []queue // aligned with inputs
	epoch   time.Time

	in, out    atomic.Int64
	errs       atomic.Int64
	blockedIn  atomic.Int64
	blockedOut atomic.Int64
	busy       atomic.Int64

	// slots say what each goroutine of the stage is doing, for a stall
	// report; nil unless the run has one.
	slots []workerSlot
	taken atomic.Int32
}

func (s *stageStats) snapshot() StageStats {
	st := StageStats{
		Name: s.name, Workers: s.workers, Inputs: append([]string(nil), s.inputs...),
		In: s.in.Load(), Out: s.out.Load(), Errors: s.errs.Load(),
		BlockedIn: time.Duration(s.blockedIn.Load()), BlockedOut: time.Duration(s.blockedOut.Load()),
		Busy: time.Duration(s.busy.Load()),
	}
	for _, q := range s.queues {
		st.Queued += q.Len()
		st.Buffer += q.Cap()
	}
	return st
}

// stats registers a stage with the run's monitor and stall watcher, or
// returns nil without either. inputs are the streams the stage reads, and
// rxs their channels, in the same order.
func (r *run) stats(name string, workers int, inputs []string, rxs ...queue) *stageStats {
	if r.mon == nil && r.stall == nil {
		return nil
	}
	s := &stageStats{name: name, workers: workers, inputs: inputs, queues: rxs, epoch: r.epoch}
	if r.stall != nil {
		s.slots = make([]workerSlot, workers)
	}
	if r.mon != nil {
		r.mon.mu.Lock()
		r.mon.stages = append(r.mon.stages, s)
		r.mon.mu.Unlock()
	}
	r.all = append(r.all, s)
	return s
}

// probe is one stage goroutine's handle on its stage's counters: nil when
// the run is not monitored, so that the unmonitored path is one nil check.
type probe struct {
	st   *stageStats
	slot *workerSlot // nil unless the run has a stall report
}

// probe hands the next of the stage's goroutines its probe; nil without a
// monitor.
func (s *stageStats) probe() *probe {
	if s == nil {
		return nil
	}
	p := &probe{st: s}
	if i := int(s.taken.Add(1)) - 1; i < len(s.slots) {
		p.slot = &s.slots[i]
	}
	return p
}

// clock reads the time as nanoseconds since the run's epoch, on the
// monotonic clock.
func (p *probe) clock() int64 { return int64(time.Since(p.st.epoch)) }

func (p *probe) failed() {
	if p != nil {
		p.st.errs.Add(1)
	}
}

// enter notes that the goroutine calls its callback on the item at
// position idx, and returns when; leave, given that, adds the call to Busy.
func (p *probe) enter(idx int64) int64 {
	if p == nil {
		return 0
	}
	t := p.clock()
	p.slot.set(stateCalling, t, idx)
	return t
}

func (p *probe) leave(t int64) {
	if p == nil {
		return
	}
	p.st.busy.Add(p.clock() - t)
	p.slot.set(stateIdle, 0, 0)
}

// waitIn and waitOut time a wait for input or for room in the output.
func (p *probe) waitIn() int64 {
	t := p.clock()
	p.slot.set(stateReceiving, t, 0)
	return t
}

func (p *probe) doneIn(t int64) {
	p.st.blockedIn.Add(p.clock() - t)
	p.slot.set(stateIdle, 0, 0)
}

func (p *probe) waitOut() int64 {
	t := p.clock()
	p.slot.set(stateSending, t, 0)
	return t
}

func (p *probe) doneOut(t int64) {
	p.st.blockedOut.Add(p.clock() - t)
	p.slot.set(stateIdle, 0, 0)
}

// reading notes that a source's goroutine is back in its own input (its
// iterator, receiver or channel), where it is between two sends.
func (p *probe) reading() {
	if p != nil {
		p.slot.set(stateReading, 0, 0)
	}
}

// workerSlot is what one stage goroutine is doing, for a stall report: written
// by that goroutine only, read by the watcher. The three words are stored
// separately, so the watcher may see a state with the previous since or
// item; the report is a diagnosis, not a ledger, and the next look a
// quarter of the stall's duration later corrects it.
type workerSlot struct {
	state atomic.Int32
	since atomic.Int64 // run clock, when the state began (0: unknown)
	item  atomic.Int64 // with stateCalling: the item's position in the input
}

const (
	stateIdle      = iota // between two steps, or not started
	stateReceiving        // waiting for input (or for an Ordered window)
	stateCalling          // in its callback
	stateSending          // waiting for room in its output
	stateReading          // a source, in its own input
	stateDone             // exited
)

func (s *workerSlot) set(state int32, since, item int64) {
	if s == nil {
		return
	}
	s.item.Store(item)
	s.since.Store(since)
	s.state.Store(state)
}
