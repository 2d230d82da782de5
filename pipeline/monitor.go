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
// Counting costs two atomic additions per item, each on a cache line of its
// goroutine's own, so the workers of a stage never contend for them; the
// clock is read only when a goroutine actually waits (twice per wait) and
// when it starts and exits. Without a Monitor nothing is counted and no
// clock is read.
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
	// Busy is the time the stage's goroutines spent neither waiting for
	// input nor for room in their output, summed over workers: their time
	// in the callback, plus the stage's own per-item work around it
	// (taking an item, counting, numbering, reordering), which is small
	// beside any callback that does real work. It is derived from each
	// goroutine's lifetime so far minus its waits, so no clock is read per
	// item. Stages without a callback (sources, Batch, fan-out, Merge,
	// Collect) stay at 0, and so does a stage until its first callback;
	// All counts the body of the range loop.
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
// "not monitored" and every helper skips it. The fields above ws are set
// when the stage is built, before any goroutine starts, and only read
// afterwards.
type stageStats struct {
	name    string
	workers int
	inputs  []string
	queues  []queue // aligned with inputs
	epoch   time.Time
	watched bool // the run has a stall report, which needs workerStats.state and item

	// ws holds one entry per goroutine of the stage, taken in turn by
	// probe; snapshots sum them.
	ws    []workerStats
	taken atomic.Int32
}

// workerStats are one stage goroutine's counters and state. Only that
// goroutine writes them (except the fields the watcher owns), so its
// atomic operations never contend with another writer; the padding keeps
// two goroutines' entries off each other's cache lines.
type workerStats struct {
	in, out, errs         atomic.Int64
	blockedIn, blockedOut atomic.Int64
	// busy is the goroutine's busy time (its life so far minus its
	// waits), in one word, so that a reader never sees half an update:
	// while the goroutine runs, busy is mark<<1, where mark is its start
	// plus its waits on the run clock, and its busy time is now - mark;
	// while it waits or after it exited, busy is the busy time, frozen,
	// <<1|1.
	busy  atomic.Int64
	calls atomic.Bool // the goroutine called its callback: Busy counts it

	// With a stall report only: state says what the goroutine waits on,
	// since when (run clock), and item is 1 + the position of the item
	// in its callback (0: none).
	state atomic.Int32
	since atomic.Int64
	item  atomic.Int64

	// Owned by the stall watcher's goroutine: the item it last saw in the
	// callback, and the watch's look before it first saw it, a bound on
	// when the call began.
	seenItem, seenSince int64

	_ [40]byte
}

const (
	stateIdle      = iota // running: between two steps, or in its callback (see item)
	stateReceiving        // waiting for input (or for an Ordered window)
	stateSending          // waiting for room in its output
	stateReading          // a source, in its own input
	stateDone             // exited
)

// busy is the goroutine's busy time as of now (run clock).
func (w *workerStats) busyAt(now int64) int64 {
	b := w.busy.Load()
	if b&1 == 1 {
		return b >> 1
	}
	return max(now-b>>1, 0)
}

func (s *stageStats) snapshot() StageStats {
	st := StageStats{Name: s.name, Workers: s.workers, Inputs: append([]string(nil), s.inputs...)}
	now := int64(time.Since(s.epoch))
	for i := range s.ws {
		w := &s.ws[i]
		st.In += w.in.Load()
		st.Out += w.out.Load()
		st.Errors += w.errs.Load()
		st.BlockedIn += time.Duration(w.blockedIn.Load())
		st.BlockedOut += time.Duration(w.blockedOut.Load())
		if w.calls.Load() {
			st.Busy += time.Duration(w.busyAt(now))
		}
	}
	for _, q := range s.queues {
		st.Queued += q.Len()
		st.Buffer += q.Cap()
	}
	return st
}

// stats registers a stage with the run's monitor and stall watcher, or
// returns nil without either. inputs are the streams the stage reads, and
// rxs their channels, in the same order; workers is how many goroutines
// the stage spawns.
func (r *run) stats(name string, workers int, inputs []string, rxs ...queue) *stageStats {
	if r.mon == nil && r.stall == nil {
		return nil
	}
	s := &stageStats{name: name, workers: workers, inputs: inputs, queues: rxs, epoch: r.epoch,
		watched: r.stall != nil, ws: make([]workerStats, workers)}
	if r.mon != nil {
		r.mon.mu.Lock()
		r.mon.stages = append(r.mon.stages, s)
		r.mon.mu.Unlock()
	}
	r.all = append(r.all, s)
	return s
}

// probe is one stage goroutine's handle on its own workerStats: nil when
// the run is not monitored, so that the unmonitored path is one nil check.
// The fields beside w are the goroutine's own copies, never read by
// anyone else.
type probe struct {
	st      *stageStats
	w       *workerStats
	watched bool  // st.watched
	calls   bool  // w.calls is set
	mark    int64 // start plus waits so far: what w.busy holds while running
	waited  int64 // with waitIn or waitOut: when the wait began
}

// probe hands the next of the stage's goroutines its probe, and starts its
// lifetime; nil without a monitor.
func (s *stageStats) probe() *probe {
	if s == nil {
		return nil
	}
	i := int(s.taken.Add(1)) - 1
	if i >= len(s.ws) {
		panic("pipeline: internal error: stage " + s.name + " spawned more goroutines than it declared")
	}
	p := &probe{st: s, w: &s.ws[i], watched: s.watched}
	p.mark = p.clock()
	p.w.busy.Store(p.mark << 1)
	return p
}

// clock reads the time as nanoseconds since the run's epoch, on the
// monotonic clock.
func (p *probe) clock() int64 { return int64(time.Since(p.st.epoch)) }

// exit ends the goroutine's lifetime: its busy time stops growing.
func (p *probe) exit() {
	p.w.item.Store(0)
	p.w.busy.Store((p.clock()-p.mark)<<1 | 1)
	p.w.state.Store(stateDone)
}

func (p *probe) received() { p.w.in.Add(1) }

func (p *probe) sent() { p.w.out.Add(1) }

func (p *probe) failed() {
	if p != nil {
		p.w.errs.Add(1)
	}
}

// enter notes that the goroutine calls its callback on the item at
// position idx; leave, that the call returned. Neither reads the clock:
// Busy is the goroutine's life minus its waits.
func (p *probe) enter(idx int64) {
	if p == nil {
		return
	}
	if !p.calls {
		p.calls = true
		p.w.calls.Store(true)
	}
	if p.watched {
		p.w.item.Store(idx + 1)
	}
}

func (p *probe) leave() {
	if p != nil && p.watched {
		p.w.item.Store(0)
	}
}

// wait and done time a wait for input (receiving) or for room in the
// output (sending): while it lasts the goroutine's busy time is frozen.
func (p *probe) wait(state int32) {
	t := p.clock()
	p.waited = t
	p.w.busy.Store((t-p.mark)<<1 | 1)
	if p.watched {
		p.w.since.Store(t)
		p.w.state.Store(state)
	}
}

func (p *probe) done(blocked *atomic.Int64) {
	d := p.clock() - p.waited
	blocked.Add(d)
	p.mark += d
	p.w.busy.Store(p.mark << 1)
	if p.watched {
		p.w.state.Store(stateIdle)
	}
}

func (p *probe) waitIn()  { p.wait(stateReceiving) }
func (p *probe) doneIn()  { p.done(&p.w.blockedIn) }
func (p *probe) waitOut() { p.wait(stateSending) }
func (p *probe) doneOut() { p.done(&p.w.blockedOut) }

// reading notes that a source's goroutine is back in its own input (its
// iterator, receiver or channel), where it is between two sends.
func (p *probe) reading() {
	if p != nil && p.watched {
		p.w.state.Store(stateReading)
	}
}
