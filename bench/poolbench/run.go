package poolbench

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/baton-go/baton/bench/suite"
)

// Config says what Run measures.
type Config struct {
	// Full runs the full sizes: W1 with 200k tasks on 10k workers, W2
	// with 1M tasks. The default is a tenth of W1 and a fifth of W2, so a
	// run takes under a minute on 2 cores.
	Full bool
	// Rounds is how many times each implementation runs each workload.
	// Rounds are interleaved: every implementation runs once per round,
	// in an order that rotates, so drift in the machine hits all alike.
	Rounds int
	// Only, if not empty, is a comma-separated list of workload names (W1,
	// W2/1x, W2/100x, W3, G) or prefixes (W2).
	Only string
	// Idle is the window of the CPU checks, 0 to skip them.
	Idle time.Duration
	// Progress, if set, is called before each measurement, with an
	// estimate of the time left once every measurement still to come has
	// run in an earlier round.
	Progress func(suite.Progress)
}

// Row is one workload's measurements.
type Row struct {
	Name  string       // the workload's: W1, W2/1x, W2/100x, W3 or G
	What  string       // its heading: tasks, workers, submitters and what the tasks do
	Tasks int          // tasks per run, to turn a run's totals into per-task figures
	Impls []ImplRounds // in the order of Impls, of OrderedImpls for W3, of GroupImpls for G
}

// ImplRounds is one implementation's rounds of one workload.
type ImplRounds struct {
	Name    string   // the implementation's
	NS      []int64  // wall time in nanoseconds for all of the row's tasks, one per round
	Bytes   []uint64 // bytes allocated for all of the row's tasks, one per round
	Mallocs []uint64 // heap allocations for all of the row's tasks, one per round
}

// Summary condenses one implementation's rounds, per task.
type Summary struct {
	Name                string  // the implementation's
	Median, Min, Max    float64 // ns per task
	BytesPerTask        float64 // median over rounds
	AllocsPerTask       float64 // median over rounds
	Ratio               float64 // Median over baton's
	Rounds              int     // rounds measured: fewer than asked, even 0, if interrupted
	FastestPeer, IsPeer bool    // FastestPeer: the fastest peer; IsPeer: another library's pool, not baton's nor a floor
}

// Floor names the implementation that is no pool at all: a goroutine per
// task, with no bound on how many run at once. It shows what bounding
// costs, and is not counted as the fastest peer.
const Floor = "goroutines"

// Results is a whole run.
type Results struct {
	Started             time.Time     // when Run began, in UTC
	GoVersion           string        // runtime.Version
	GOOS, GOARCH        string        // runtime's
	NumCPU, GOMAXPROCS  int           // runtime.NumCPU and runtime.GOMAXPROCS during the run
	Rounds              int           // Config.Rounds
	Full                bool          // Config.Full
	Interrupted         bool          // ctx ended before every round was measured
	Rows                []Row         // one per workload measured
	IdleCPU, BlockedCPU time.Duration // CPU used by the process during Idle; -1 if not measured
	Idle                time.Duration // Config.Idle: the window of the CPU checks; 0 if skipped
}

// ErrInterrupted is returned, with what was measured, when ctx ended.
var ErrInterrupted = errors.New("poolbench: interrupted")

type entry struct {
	name, what string
	tasks      int
	impls      []string
	run        []func()
}

func (c Config) entries() ([]entry, error) {
	var all []entry
	for _, w := range Workloads {
		l := w.Load(c.Full)
		e := entry{name: w.Name, tasks: l.Tasks,
			what: fmt.Sprintf("%d tasks, %d workers, %s: %s", l.Tasks, l.Workers, plural(l.Submitters, "submitter"), w.What)}
		for _, im := range Impls {
			if w.Blocking && (im.Name == FloorLoop || im.Name == FloorRing) {
				continue
			}
			e.impls = append(e.impls, im.Name)
			e.run = append(e.run, func() { im.Run(l) })
		}
		all = append(all, e)
	}
	n := W3Tasks(c.Full)
	workers := runtime.GOMAXPROCS(0)
	e := entry{name: "W3", tasks: n,
		what: fmt.Sprintf("%d tasks, %d workers, 1 submitter: tiny tasks, results read back in submission order", n, workers)}
	for _, im := range OrderedImpls {
		e.impls = append(e.impls, im.Name)
		e.run = append(e.run, func() {
			next := 0
			im.Run(n, workers, Square, func(v int) {
				if v != next*next {
					panic(fmt.Sprintf("poolbench: %s: result %d out of order", im.Name, next))
				}
				next++
			})
			if next != n {
				panic(fmt.Sprintf("poolbench: %s: %d results of %d", im.Name, next, n))
			}
		})
	}
	all = append(all, e, groupEntry(c.Full))
	if c.Only == "" {
		return all, nil
	}
	var out []entry
	for _, want := range strings.Split(c.Only, ",") {
		want = strings.TrimSpace(want)
		found := false
		for _, e := range all {
			if e.name == want || strings.HasPrefix(e.name, want+"/") {
				out = append(out, e)
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown workload %q: want W1, W2, W2/1x, W2/100x, W3 or G", want)
		}
	}
	return out, nil
}

// Validate checks c.
func (c Config) Validate() error {
	if c.Rounds < 1 {
		return fmt.Errorf("rounds must be at least 1, not %d", c.Rounds)
	}
	if c.Idle < 0 {
		return fmt.Errorf("idle must not be negative, not %s", c.Idle)
	}
	_, err := c.entries()
	return err
}

// Run measures every workload of c, rounds interleaved.
func Run(ctx context.Context, c Config) (*Results, error) {
	entries, err := c.entries()
	if err != nil {
		return nil, err
	}
	if c.Rounds < 1 {
		return nil, fmt.Errorf("poolbench: rounds must be at least 1, not %d", c.Rounds)
	}
	res := &Results{
		Started: time.Now().UTC(), GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), Rounds: c.Rounds, Full: c.Full, Idle: c.Idle,
		IdleCPU: -1, BlockedCPU: -1,
	}
	for _, e := range entries {
		row := Row{Name: e.name, What: e.what, Tasks: e.tasks}
		for _, name := range e.impls {
			row.Impls = append(row.Impls, ImplRounds{Name: name})
		}
		res.Rows = append(res.Rows, row)
	}
	steps, step := 0, 0
	for _, e := range entries {
		steps += len(e.impls) * c.Rounds
	}
	if c.Idle > 0 {
		steps += 2
	}
	start := time.Now()
	var took eta
	report := func(round int, what string, rest []string) {
		if c.Progress == nil {
			return
		}
		step++
		elapsed := time.Since(start)
		p := suite.Progress{Step: step, Steps: steps, What: what, Elapsed: elapsed, Left: took.left(rest, elapsed)}
		if round > 0 {
			p.Round, p.Rounds = round, c.Rounds
		}
		c.Progress(p)
	}
	// keys lists every measurement still to come, in order, for the
	// estimate: its workload and implementation, the same in every round.
	var keys []string
	for range c.Rounds {
		for _, e := range entries {
			for _, name := range e.impls {
				keys = append(keys, e.name+" "+name)
			}
		}
	}
	if c.Idle > 0 {
		keys = append(keys, "idle", "blocked")
		took.guess("idle", c.Idle+settle)
		took.guess("blocked", c.Idle+settle)
	}
	next := 0
	for round := range c.Rounds {
		for ri, e := range entries {
			k := len(e.impls)
			for j := range k {
				i := (j + round) % k // rotate who goes first
				if ctx.Err() != nil {
					res.Interrupted = true
					return res, ErrInterrupted
				}
				key := e.name + " " + e.impls[i]
				report(round+1, fmt.Sprintf("%s %s", e.name, e.impls[i]), keys[next:])
				next++
				t0 := time.Now()
				ns, bytes, mallocs := measure(e.run[i])
				took.add(key, time.Since(t0))
				ir := &res.Rows[ri].Impls[i]
				ir.NS = append(ir.NS, ns)
				ir.Bytes = append(ir.Bytes, bytes)
				ir.Mallocs = append(ir.Mallocs, mallocs)
			}
		}
	}
	if c.Idle > 0 {
		if ctx.Err() != nil {
			res.Interrupted = true
			return res, ErrInterrupted
		}
		report(0, "idle pool CPU", keys[next:])
		next++
		res.IdleCPU = IdleCPU(c.Idle)
		if ctx.Err() != nil {
			res.Interrupted = true
			return res, ErrInterrupted
		}
		report(0, "blocked producer CPU", keys[next:])
		res.BlockedCPU = BlockedCPU(c.Idle)
	}
	return res, nil
}

// eta estimates the time left from what each measurement took in earlier
// rounds, as `baton bench` does.
type eta struct {
	sum      map[string]time.Duration
	n        map[string]int
	measured time.Duration // all measurements together
}

func (d *eta) init() {
	if d.sum == nil {
		d.sum, d.n = map[string]time.Duration{}, map[string]int{}
	}
}

// guess sets the known length of a measurement that runs once.
func (d *eta) guess(key string, took time.Duration) {
	d.init()
	d.sum[key], d.n[key] = took, 1
}

func (d *eta) add(key string, took time.Duration) {
	d.init()
	if d.n[key] == 0 {
		d.sum[key] = 0
	}
	d.sum[key] += took
	d.n[key]++
	d.measured += took
}

// left is the expected duration of the measurements in rest, or -1 while
// one of them has not run yet: the workloads differ by orders of
// magnitude, so a guess from the others would be wrong. The sum is scaled
// by the share of the elapsed time that measurements took, so the time
// between them (the collections before each) counts too.
func (d *eta) left(rest []string, elapsed time.Duration) time.Duration {
	var left time.Duration
	for _, k := range rest {
		n := d.n[k]
		if n == 0 {
			return -1
		}
		left += d.sum[k] / time.Duration(n)
	}
	if d.measured > 0 && elapsed > d.measured {
		left = time.Duration(float64(left) * float64(elapsed) / float64(d.measured))
	}
	return left
}

// measure runs fn once after a collection, and returns its wall time and
// what it allocated.
func measure(fn func()) (ns int64, bytes, mallocs uint64) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	start := time.Now()
	fn()
	ns = time.Since(start).Nanoseconds()
	runtime.ReadMemStats(&after)
	return ns, after.TotalAlloc - before.TotalAlloc, after.Mallocs - before.Mallocs
}

// Summarize condenses a row per implementation, per task, with ratios to
// baton (the first implementation).
func (r Row) Summarize() []Summary {
	var out []Summary
	for _, im := range r.Impls {
		per := func(xs []float64) []float64 {
			for i := range xs {
				xs[i] /= float64(r.Tasks)
			}
			return xs
		}
		ns := per(toF(im.NS))
		lo, hi := suite.MinMax(ns)
		out = append(out, Summary{
			Name: im.Name, Median: suite.Median(ns), Min: lo, Max: hi, Rounds: len(ns),
			BytesPerTask:  suite.Median(per(toF(im.Bytes))),
			AllocsPerTask: suite.Median(per(toF(im.Mallocs))),
			Ratio:         math.NaN(),
		})
	}
	if len(out) > 0 && out[0].Rounds > 0 {
		fastest := -1
		for i := range out {
			out[i].Ratio = out[i].Median / out[0].Median
			out[i].IsPeer = !strings.HasPrefix(out[i].Name, "baton") && !IsFloor(out[i].Name)
			if out[i].IsPeer && (fastest < 0 || out[i].Median < out[fastest].Median) {
				fastest = i
			}
		}
		if fastest > 0 {
			out[fastest].FastestPeer = true
		}
	}
	return out
}

func toF[T int64 | uint64](xs []T) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// SuiteResults converts r to the shape of bench/suite's results, so that
// the plotting code of `baton bench` draws it: one panel per workload
// family, one group of bars per workload.
func (r *Results) SuiteResults() *suite.Results {
	s := &suite.Results{
		Version: suite.FormatVersion, Suite: "pool", Started: r.Started, GoVersion: r.GoVersion,
		GOOS: r.GOOS, GOARCH: r.GOARCH, NumCPU: r.NumCPU, GOMAXPROCS: r.GOMAXPROCS,
		Rounds: r.Rounds, Reference: "baton", Interrupted: r.Interrupted,
	}
	for _, row := range r.Rows {
		kind, cs, _ := strings.Cut(row.Name, "/")
		if cs == "" {
			cs = kind
		}
		sr := suite.RowResult{Name: row.Name, Kind: kind, Case: cs, Messages: row.Tasks}
		for _, im := range row.Impls {
			sr.Impls = append(sr.Impls, suite.ImplResult{Name: im.Name, RoundNS: im.NS, Mallocs: im.Mallocs})
		}
		s.Rows = append(s.Rows, sr)
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
