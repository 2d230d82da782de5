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
	// Elapsed is the time since Run started; Left estimates the time to
	// the end.
	Elapsed, Left time.Duration
}

// job is one measurement: measure runs it (on its own goroutine), record
// stores its sample. key identifies the same measurement in other rounds,
// whose duration estimates this one's; guess, when set, is the estimate
// before any round ran.
type job struct {
	key, what string
	round     int
	guess     time.Duration
	measure   func() sample
	record    func(sample)
}

// Run runs the configuration: Rounds rounds of every row, each round
// running the row's implementations one after the other (native, baton,
// native, baton, ...), then the select-cost and idle checks. When ctx ends
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
	jobs := rowJobs(res, rows, cfg)
	if cfg.Suite == SuiteCrossbeam && cfg.SelectOps > 0 {
		jobs = append(jobs, selectJobs(res, cfg)...)
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

// runJobs runs the jobs in order, reporting progress before each, and
// stops with ErrInterrupted as soon as ctx ends.
func runJobs(ctx context.Context, jobs []job, rounds int, progress func(Progress)) error {
	start := time.Now()
	took := map[string]time.Duration{}
	var total time.Duration
	for i, j := range jobs {
		if ctx.Err() != nil {
			return ErrInterrupted
		}
		if progress != nil {
			p := Progress{Step: i + 1, Steps: len(jobs), Round: j.round, What: j.what,
				Elapsed: time.Since(start), Left: estimate(jobs[i:], took, total, i)}
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
		d := time.Since(t0)
		took[j.key] = d
		total += d
	}
	return nil
}

// estimate returns the expected duration of the remaining jobs: each takes
// what the same measurement took last, else its guess, else the mean of the
// measurements so far.
func estimate(rest []job, took map[string]time.Duration, total time.Duration, done int) time.Duration {
	mean := 50 * time.Millisecond
	if done > 0 {
		mean = total / time.Duration(done)
	}
	var left time.Duration
	for _, j := range rest {
		switch d, ok := took[j.key]; {
		case ok:
			left += d
		case j.guess > 0:
			left += j.guess
		default:
			left += mean
		}
	}
	return left
}
