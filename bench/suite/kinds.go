package suite

import (
	"fmt"
	"slices"
	"strings"

	"github.com/baton-go/baton/bench/peers"
)

// Threads is the number of sending (and receiving) goroutines of the
// multi-goroutine cases: crossbeam's THREADS. The native select cases are
// static select statements written for exactly this many channels.
const Threads = 4

// Reference is the implementation every other one is compared with.
const Reference = "native"

// Case names, as in crossbeam-channel's suite.
const (
	Seq        = "seq"
	SPSC       = "spsc"
	MPSC       = "mpsc"
	MPMC       = "mpmc"
	SelectRx   = "select_rx"
	SelectBoth = "select_both"
)

// Kind is a kind of channel: a name and the capacity it gives.
type Kind struct {
	// Name is bounded0, bounded1, boundedN, bounded1024 or unbounded.
	Name string
	// Cap is the capacity, or peers.Unbounded.
	Cap int
}

// Impl is one implementation of one row: Run sends n messages through a
// fresh channel in the row's pattern and returns when all were received.
type Impl struct {
	// Name is "native", "baton" or a peer's name.
	Name string
	// Note says what stands in for what, when something does.
	Note string
	// Run transfers n messages.
	Run func(n int)
}

// Row is one line of a table: a case on a kind, with its implementations,
// the reference first.
type Row struct {
	// Kind is the channel's kind and capacity: bounded1, unbounded, ...
	Kind Kind
	// Case is the crossbeam case: seq, spsc, mpsc, mpmc, select_rx,
	// select_both.
	Case string
	// Impls are the implementations measured on the row, the reference
	// (native channels) first.
	Impls []Impl
}

// Name returns the row's full name, kind/case: "bounded1/spsc".
func (r Row) Name() string { return r.Kind.Name + "/" + r.Case }

// crossbeamKinds returns the kinds of the crossbeam suite for n messages.
func crossbeamKinds(n int) []Kind {
	return []Kind{{"bounded0", 0}, {"bounded1", 1}, {"boundedN", n}, {"unbounded", peers.Unbounded}}
}

// CaseNames lists the crossbeam cases in table order.
var CaseNames = []string{Seq, SPSC, MPSC, MPMC, SelectRx, SelectBoth}

// CrossbeamRows returns crossbeam-channel's suite for n messages, each row
// with a native and a baton implementation.
func CrossbeamRows(n int) []Row {
	var rows []Row
	for _, k := range crossbeamKinds(n) {
		for _, c := range CaseNames {
			if c == Seq && k.Cap != n && k.Cap != peers.Unbounded {
				continue // crossbeam runs seq only on bounded(N) and unbounded
			}
			native := Impl{Name: Reference, Run: nativeCase(c, k.Cap)}
			if k.Cap == peers.Unbounded {
				native.Note = "make(chan int, N): native Go has no unbounded channel"
			}
			rows = append(rows, Row{Kind: k, Case: c, Impls: []Impl{native, {Name: "baton", Run: batonCase(c, k.Cap)}}})
		}
	}
	return rows
}

// peerKinds are the capacities of the peer comparison.
var peerKinds = []Kind{{"bounded0", 0}, {"bounded1", 1}, {"bounded1024", 1024}, {"unbounded", peers.Unbounded}}

// peerCases are the goroutine patterns of the peer comparison: producers
// and consumers.
var peerCases = []struct {
	name      string
	producers int
	consumers int
}{{SPSC, 1, 1}, {MPSC, Threads, 1}, {MPMC, Threads, Threads}}

// PeerRows returns the peer comparison: spsc, mpsc and mpmc on each kind,
// with every implementation of impls that supports the row. Rows that only
// the reference supports are left out.
func PeerRows(impls []peers.Impl) []Row {
	var rows []Row
	for _, k := range peerKinds {
		for _, c := range peerCases {
			row := Row{Kind: k, Case: c.name}
			for _, p := range impls {
				if !p.Supports(k.Cap, c.producers, c.consumers) {
					continue
				}
				im := Impl{Name: p.Name, Run: peerRun(p, k.Cap, c.producers, c.consumers)}
				if p.Name == Reference && k.Cap == peers.Unbounded {
					im.Note = "make(chan int, N): native Go has no unbounded channel"
				}
				row.Impls = append(row.Impls, im)
			}
			if len(row.Impls) > 1 {
				rows = append(rows, row)
			}
		}
	}
	return rows
}

func peerRun(p peers.Impl, capacity, producers, consumers int) func(int) {
	return func(n int) { peers.Run(p, capacity, producers, consumers, n) }
}

// Filter keeps the rows named by spec, a comma-separated list in which each
// item is a case name (spsc: that case on every kind), a kind name
// (bounded1: every case on that kind) or a full row name (bounded1/spsc).
// The rows keep their order. An empty spec keeps every row; an item that
// names no row is an error.
func Filter(rows []Row, spec string) ([]Row, error) {
	if strings.TrimSpace(spec) == "" {
		return rows, nil
	}
	keep := make([]bool, len(rows))
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, fmt.Errorf("empty name in --cases %q", spec)
		}
		found := false
		for i, r := range rows {
			if item == r.Case || item == r.Kind.Name || item == r.Name() {
				keep[i], found = true, true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown case %q (known: %s; a kind: %s; or kind/case)",
				item, strings.Join(caseNamesOf(rows), ", "), strings.Join(kindNamesOf(rows), ", "))
		}
	}
	var out []Row
	for i, r := range rows {
		if keep[i] {
			out = append(out, r)
		}
	}
	return out, nil
}

func caseNamesOf(rows []Row) []string {
	var names []string
	for _, r := range rows {
		if !slices.Contains(names, r.Case) {
			names = append(names, r.Case)
		}
	}
	return names
}

func kindNamesOf(rows []Row) []string {
	var names []string
	for _, r := range rows {
		if !slices.Contains(names, r.Kind.Name) {
			names = append(names, r.Kind.Name)
		}
	}
	return names
}
