package pipebench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"time"
)

// ErrInterrupted is returned by Measure when ctx ended; the results hold
// the rounds completed so far.
var ErrInterrupted = errors.New("pipebench: interrupted")

// Result is every round of one implementation on one row.
type Result struct {
	Impl          string    // the implementation's name
	NsPerItem     []float64 // wall time per item, one per round
	AllocsPerItem []float64 // heap allocations per item, one per round
}

// RowResult is one row and its implementations, baton first.
type RowResult struct {
	Row   Row      // what was measured
	Impls []Result // in the order of For(Row)
}

// Results is a whole measurement.
type Results struct {
	Rounds     int         // rounds completed: fewer than asked if interrupted
	Items      int         // the largest row's number of items
	GOMAXPROCS int         // runtime.GOMAXPROCS during the run
	NumCPU     int         // runtime.NumCPU
	GoVersion  string      // runtime.Version
	SpinPerUs  int         // the spin's calibration: iterations per microsecond
	Rows       []RowResult // in the order of the rows given to Measure
}

// Progress says what is about to be measured.
type Progress struct {
	Round, Rounds int    // the round, from 1, of how many
	Row, Impl     string // the row's and the implementation's names
	Done, Total   int    // measurements finished so far, of how many in all
}

// Filter keeps the rows whose name contains one of the comma-separated
// parts of spec; an empty spec keeps every row.
func Filter(rows []Row, spec string) ([]Row, error) {
	if spec == "" {
		return rows, nil
	}
	var out []Row
	for _, r := range rows {
		for _, part := range strings.Split(spec, ",") {
			if part = strings.TrimSpace(part); part != "" && strings.Contains(r.Name, part) {
				out = append(out, r)
				break
			}
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("--cases %q selects no row", spec)
	}
	return out, nil
}

// Measure runs every implementation on every row, rounds times. Rounds are
// interleaved: each round runs every row once per implementation, and the
// order of the implementations rotates from round to round, so that a slow
// patch of the machine (another tenant, a frequency change) spreads over
// all of them instead of landing on one. Each run starts after a GC, and
// counts the heap allocations it made.
func Measure(ctx context.Context, rows []Row, rounds int, progress func(Progress)) (*Results, error) {
	res := &Results{
		Rounds: rounds, GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(),
		GoVersion: runtime.Version(), SpinPerUs: ItersPerMicrosecond(),
	}
	total := 0
	for _, r := range rows {
		rr := RowResult{Row: r}
		for _, im := range For(r) {
			rr.Impls = append(rr.Impls, Result{Impl: im.Name})
		}
		total += len(rr.Impls) * rounds
		res.Rows = append(res.Rows, rr)
		res.Items = max(res.Items, r.Items)
	}
	done := 0
	for round := range rounds {
		for ri := range res.Rows {
			rr := &res.Rows[ri]
			impls := For(rr.Row)
			for k := range impls {
				i := (k + round) % len(impls)
				if ctx.Err() != nil {
					res.Rounds = round
					return res, ErrInterrupted
				}
				if progress != nil {
					progress(Progress{round + 1, rounds, rr.Row.Name, impls[i].Name, done, total})
				}
				ns, allocs, err := measureOne(impls[i], rr.Row)
				if err != nil {
					return res, err
				}
				rr.Impls[i].NsPerItem = append(rr.Impls[i].NsPerItem, ns)
				rr.Impls[i].AllocsPerItem = append(rr.Impls[i].AllocsPerItem, allocs)
				done++
			}
		}
	}
	return res, nil
}

func measureOne(im Impl, r Row) (nsPerItem, allocsPerItem float64, err error) {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	t := time.Now()
	sum := im.Run(r)
	d := time.Since(t)
	runtime.ReadMemStats(&after)
	if want := Want(r.Items); sum != want {
		return 0, 0, fmt.Errorf("%s on %s: the sink summed %d, want %d: items lost or duplicated", im.Name, r.Name, sum, want)
	}
	n := float64(r.Items)
	return float64(d.Nanoseconds()) / n, float64(after.Mallocs-before.Mallocs) / n, nil
}
