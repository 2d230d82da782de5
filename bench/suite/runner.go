package suite

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/baton-go/baton/bench/peers"
)

// ErrInterrupted is returned by Run, with what was measured so far, when
// its context ends before the last measurement.
var ErrInterrupted = errors.New("interrupted")

// peersAll is the set of implementations of the peer suite.
var peersAll = peers.All

// Progress describes the measurement about to start.
type Progress struct {
	// Step counts measurements from 1 to Steps.
	Step, Steps int
	// Round is the round of the measurement, from 1 to Rounds; 0 for the
	// idle check, which runs once.
	Round, Rounds int
	// What names the measurement: "boundedN/mpmc baton".
	What string
	// Elapsed is the time since Run started. Left estimates the time to
	// the end from what the measurements of earlier rounds took; it is
	// negative, meaning unknown, until every measurement still to come has
	// run once or has a fixed length.
	Elapsed, Left time.Duration
}

// job is one measurement: measure runs it (on its own goroutine), record
// stores its sample. key identifies the same measurement in other rounds,
// whose duration estimates this one's; guess, when set, is its duration
// known in advance (the idle check's window).
type job struct {
	key, what string
	round     int
	guess     time.Duration
	measure   func() sample
	record    func(sample)
}

// Run runs the configuration: Rounds rounds, each running every row's
// implementations one after the other (native, baton, native, baton, ...)
// and then one round of the select-cost check; then the idle check. When ctx ends
// it returns at once with what was measured so far and ErrInterrupted; the
// measurement in flight is abandoned, so the caller should exit soon.
func Run(ctx context.Context, cfg Config) (*Results, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	rows, _ := cfg.Rows()
	res := &Results{
		Version:    FormatVersion,
		Suite:      cfg.Suite,
		Started:    time.Now().UTC().Truncate(time.Second),
		GoVersion:  runtime.Version(),
		GOOS:       runtime.GOOS,
		GOARCH:     runtime.GOARCH,
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		Messages:   cfg.Messages,
		Threads:    Threads,
		Rounds:     cfg.Rounds,
		Reference:  Reference,
	}
	res.SkipAllocs = cfg.SkipAllocs
	jobs := rowJobs(res, rows, cfg)
	if cfg.Suite == SuiteCrossbeam && cfg.SelectOps > 0 {
		// Round r of the select check right after round r of the rows:
		// once the first round is done, every measurement has been seen
		// and the time left can be estimated.
		jobs = interleaveRounds(jobs, selectJobs(res, cfg))
	}
	if cfg.Idle > 0 {
		jobs = append(jobs, idleJobs(res, rows, cfg)...)
	}
	err := runJobs(ctx, jobs, cfg.Rounds, cfg.Progress)
	if err != nil {
		res.Interrupted = true
	}
	return res, err
}

func rowJobs(res *Results, rows []Row, cfg Config) []job {
	res.Rows = make([]RowResult, len(rows))
	for i, r := range rows {
		rr := RowResult{Name: r.Name(), Kind: r.Kind.Name, Case: r.Case, Messages: cfg.Messages}
		for _, im := range r.Impls {
			rr.Impls = append(rr.Impls, ImplResult{Name: im.Name, Note: im.Note})
		}
		res.Rows[i] = rr
	}
	var jobs []job
	for round := 1; round <= cfg.Rounds; round++ {
		for i, r := range rows {
			for k, im := range r.Impls {
				ir := &res.Rows[i].Impls[k]
				jobs = append(jobs, job{
					key:     r.Name() + " " + im.Name,
					what:    r.Name() + " " + im.Name,
					round:   round,
					measure: func() sample { return timed(func() { im.Run(cfg.Messages) }) },
					record: func(s sample) {
						ir.RoundNS = append(ir.RoundNS, s.ns)
						ir.Mallocs = append(ir.Mallocs, s.mallocs)
					},
				})
			}
		}
	}
	return jobs
}

func selectJobs(res *Results, cfg Config) []job {
	res.Select64 = make([]OpResult, len(SelectImpls))
	for i, name := range SelectImpls {
		res.Select64[i] = OpResult{Name: name, Ops: cfg.SelectOps}
	}
	var jobs []job
	for round := 1; round <= cfg.Rounds; round++ {
		for i, name := range SelectImpls {
			or := &res.Select64[i]
			jobs = append(jobs, job{
				key:     "select64 " + name,
				what:    fmt.Sprintf("select over %d channels: %s", SelectWidth, name),
				round:   round,
				measure: func() sample { return measureSelect64(name, cfg.SelectOps) },
				record: func(s sample) {
					or.RoundNS = append(or.RoundNS, s.ns)
					or.Mallocs = append(or.Mallocs, s.mallocs)
				},
			})
		}
	}
	return jobs
}

// idleKinds returns the kinds and implementations of the idle check: for
// the crossbeam suite, native and baton on every kind of the rows; for the
// peer suite, every implementation on bounded1024, or unbounded when it has
// no bounded kind.
func idleKinds(rows []Row, cfg Config) (kinds []Kind, impls [][]peers.Impl) {
	if cfg.Suite == SuitePeers {
		b := Kind{"bounded1024", 1024}
		u := Kind{"unbounded", peers.Unbounded}
		for _, p := range peersAll() {
			switch {
			case p.Bounded:
				kinds, impls = append(kinds, b), append(impls, []peers.Impl{p})
			case p.Unbounded:
				kinds, impls = append(kinds, u), append(impls, []peers.Impl{p})
			}
		}
		return kinds, impls
	}
	seen := map[string]bool{}
	for _, r := range rows {
		if !seen[r.Kind.Name] {
			seen[r.Kind.Name] = true
			kinds = append(kinds, r.Kind)
			impls = append(impls, []peers.Impl{peers.Native(), peers.Baton()})
		}
	}
	return kinds, impls
}

func idleJobs(res *Results, rows []Row, cfg Config) []job {
	var jobs []job
	kinds, impls := idleKinds(rows, cfg)
	for i, k := range kinds {
		for _, p := range impls[i] {
			jobs = append(jobs, job{
				key:     "idle " + k.Name + " " + p.Name,
				what:    "idle receiver " + k.Name + " " + p.Name,
				guess:   cfg.Idle + idleSettle,
				measure: func() sample { return measureIdle(p, k.Cap, cfg.Messages, cfg.Idle) },
				record: func(s sample) {
					res.Idle = append(res.Idle, IdleResult{Kind: k.Name, Impl: p.Name, WindowNS: s.window, CPUNS: s.ns})
				},
			})
		}
	}
	return jobs
}

// interleaveRounds merges two lists of jobs, each in round order, so that
// round r of b follows round r of a.
func interleaveRounds(a, b []job) []job {
	out := make([]job, 0, len(a)+len(b))
	for len(a) > 0 || len(b) > 0 {
		r := 0
		switch {
		case len(a) > 0:
			r = a[0].round
		default:
			r = b[0].round
		}
		for len(a) > 0 && a[0].round == r {
			out, a = append(out, a[0]), a[1:]
		}
		for len(b) > 0 && b[0].round <= r {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return out
}

// runJobs runs the jobs in order, reporting progress before each, and
// stops with ErrInterrupted as soon as ctx ends.
func runJobs(ctx context.Context, jobs []job, rounds int, progress func(Progress)) error {
	start := time.Now()
	var took durations
	for i, j := range jobs {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		if progress != nil {
			elapsed := time.Since(start)
			p := Progress{Step: i + 1, Steps: len(jobs), Round: j.round, What: j.what,
				Elapsed: elapsed, Left: took.estimate(jobs[i:], elapsed)}
			if j.round > 0 {
				p.Rounds = rounds
			}
			progress(p)
			if ctx.Err() != nil {
				return ErrInterrupted
			}
		}
		t0 := time.Now()
		done := make(chan sample, 1)
		go func() { done <- j.measure() }()
		select {
		case s := <-done:
			j.record(s)
		case <-ctx.Done():
			return ErrInterrupted
		}
		took.add(j.key, time.Since(t0))
	}
	return nil
}

// durations records how long each measurement took, round after round.
type durations struct {
	sum      map[string]time.Duration // per key, over its rounds
	n        map[string]int
	measured time.Duration // all measurements together
}

func (d *durations) add(key string, took time.Duration) {
	if d.sum == nil {
		d.sum, d.n = map[string]time.Duration{}, map[string]int{}
	}
	d.sum[key] += took
	d.n[key]++
	d.measured += took
}

// estimate returns the expected duration of the remaining jobs, or -1 when
// some of them has neither run in an earlier round nor a known length: a
// guess from other measurements would be wrong by a factor of several, as
// the cases differ by that much.
//
// Each job takes what the same measurement took on average in the rounds
// so far, or its known length. The sum is scaled by the share of the
// elapsed time that measurements took, so the time between them (the
// runner's own, the garbage collector's) is counted too.
func (d *durations) estimate(rest []job, elapsed time.Duration) time.Duration {
	var left time.Duration
	for _, j := range rest {
		switch n := d.n[j.key]; {
		case n > 0:
			left += d.sum[j.key] / time.Duration(n)
		case j.guess > 0:
			left += j.guess
		default:
			return -1
		}
	}
	if d.measured > 0 && elapsed > d.measured {
		left = time.Duration(float64(left) * float64(elapsed) / float64(d.measured))
	}
	return left
}
