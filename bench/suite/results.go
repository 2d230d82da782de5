package suite

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// FormatVersion is the version of the JSON format written by WriteJSON.
const FormatVersion = 1

// Suite names.
const (
	SuiteCrossbeam = "crossbeam"
	SuitePeers     = "peers"
)

// Results is everything one run measured: the raw figures of every round,
// as written by --json and read back by --baseline.
type Results struct {
	// Version is FormatVersion.
	Version int `json:"version"`
	// Suite is SuiteCrossbeam or SuitePeers.
	Suite string `json:"suite"`
	// Started is when the run started, in UTC.
	Started time.Time `json:"started"`
	// GoVersion, GOOS, GOARCH, NumCPU and GOMAXPROCS describe the machine
	// and toolchain.
	GoVersion  string `json:"go"`
	GOOS       string `json:"goos"`
	GOARCH     string `json:"goarch"`
	NumCPU     int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	// Messages is N; Threads is the number of senders (and receivers) of
	// the multi-goroutine cases; Rounds is the number of rounds asked for.
	Messages int `json:"messages"`
	Threads  int `json:"threads"`
	Rounds   int `json:"rounds"`
	// Reference is the implementation the ratios divide by.
	Reference string `json:"reference"`
	// Interrupted is set when the run stopped early: rows may hold fewer
	// rounds than Rounds.
	Interrupted bool `json:"interrupted,omitempty"`

	// SkipAllocs is set when the run was asked to leave the allocations
	// section out of its report.
	SkipAllocs bool `json:"skip_allocs,omitempty"`

	// Rows holds every row's rounds, in table order.
	Rows []RowResult `json:"rows"`
	// Select64 is the select-cost extra: one entry per implementation.
	Select64 []OpResult `json:"select64,omitempty"`
	// Idle is the idle-receiver extra: one entry per kind and implementation.
	Idle []IdleResult `json:"idle,omitempty"`
}

// RowResult holds one row's rounds.
type RowResult struct {
	// Name is kind/case; Kind and Case are its parts.
	Name string `json:"name"`
	Kind string `json:"kind"`
	Case string `json:"case"`
	// Messages is the number of messages of each round.
	Messages int `json:"messages"`
	// Impls holds each implementation's rounds, the reference first.
	Impls []ImplResult `json:"impls"`
}

// ImplResult holds one implementation's rounds of one row.
type ImplResult struct {
	// Name names the implementation; Note says what stands in for what.
	Name string `json:"name"`
	Note string `json:"note,omitempty"`
	// RoundNS is the wall time of each round, in nanoseconds, for all of
	// the row's messages.
	RoundNS []int64 `json:"round_ns"`
	// Mallocs is the number of heap allocations of each round.
	Mallocs []uint64 `json:"mallocs"`
}

// OpResult holds the rounds of a measurement of Ops operations.
type OpResult struct {
	// Name names the implementation.
	Name string `json:"name"`
	// Ops is the number of operations of each round.
	Ops int `json:"ops"`
	// RoundNS is the wall time of each round, in nanoseconds.
	RoundNS []int64 `json:"round_ns"`
	// Mallocs is the number of heap allocations of each round.
	Mallocs []uint64 `json:"mallocs"`
}

// IdleResult is the CPU time a process used while one of its goroutines
// was blocked receiving from an empty channel for WindowNS nanoseconds.
// CPUNS is -1 where the CPU time cannot be read.
type IdleResult struct {
	// Kind and Impl say which channel was measured.
	Kind string `json:"kind"`
	Impl string `json:"impl"`
	// WindowNS is the length of the window, CPUNS the process CPU time
	// used during it, both in nanoseconds.
	WindowNS int64 `json:"window_ns"`
	CPUNS    int64 `json:"cpu_ns"`
}

// Share returns the CPU time as a share of the window, or -1 if unknown.
func (r IdleResult) Share() float64 {
	if r.CPUNS < 0 || r.WindowNS <= 0 {
		return -1
	}
	return float64(r.CPUNS) / float64(r.WindowNS)
}

// Spins reports whether the receiver used more than SpinLimit of the
// window, and more than SpinFloor: it was spinning rather than parked.
func (r IdleResult) Spins() bool {
	return r.Share() > SpinLimit && r.CPUNS > SpinFloor.Nanoseconds()
}

// perOp divides each round's time by ops.
func perOp(roundNS []int64, ops int) []float64 {
	xs := make([]float64, len(roundNS))
	for i, ns := range roundNS {
		xs[i] = float64(ns) / float64(ops)
	}
	return xs
}

// WriteJSON writes r as indented JSON.
func WriteJSON(w io.Writer, r *Results) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// ReadJSON reads results written by WriteJSON.
func ReadJSON(rd io.Reader) (*Results, error) {
	var r Results
	dec := json.NewDecoder(rd)
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("not a baton bench JSON file: %w", err)
	}
	if r.Version != FormatVersion {
		return nil, fmt.Errorf("baton bench JSON version %d, want %d", r.Version, FormatVersion)
	}
	return &r, nil
}
