package poolbench

import (
	"math"
	"strings"
)

// Goal is one comparison baton's pool aims to win: baton's median time
// per task against another's, on one workload.
type Goal struct {
	Row          string  // the workload: W1, W2/1x, W2/100x, W3 or G
	What         string  // the comparison, in words
	Baton, Other string  // the implementations compared
	BatonNS      float64 // median ns per task; NaN if not measured
	OtherNS      float64 // median ns per task; NaN if not measured
}

// Measured reports whether both sides were measured.
func (g Goal) Measured() bool { return !math.IsNaN(g.BatonNS) && !math.IsNaN(g.OtherNS) }

// Met reports whether baton took at most the other's time.
func (g Goal) Met() bool { return g.Measured() && g.BatonNS <= g.OtherNS }

// Goals lists the comparisons of r's rows:
//
//   - defaults against defaults: pool.New(n) against pond.NewPool(n) (or
//     their ordered pools, on W3; their groups, on G);
//   - baton's best configuration against the fastest peer in any
//     configuration, on W1 and W2;
//   - at equal queue bounds, baton against pond, on W2 and G;
//   - on W1, baton as a user writes it against the fastest peer.
func (r *Results) Goals() []Goal {
	var out []Goal
	for _, row := range r.Rows {
		sum := row.Summarize()
		ns := func(name string) float64 {
			for _, s := range sum {
				if s.Name == name && s.Rounds > 0 {
					return s.Median
				}
			}
			return math.NaN()
		}
		add := func(what, baton, other string) {
			if baton == "" || other == "" {
				return
			}
			out = append(out, Goal{Row: row.Name, What: what, Baton: baton, Other: other, BatonNS: ns(baton), OtherNS: ns(other)})
		}
		has := func(name string) bool {
			for _, s := range sum {
				if s.Name == name {
					return true
				}
			}
			return false
		}
		best := func(batons bool) string {
			name, t := "", math.Inf(1)
			for _, s := range sum {
				isBaton := strings.HasPrefix(s.Name, "baton")
				if s.Rounds == 0 || isBaton != batons || !isBaton && !s.IsPeer {
					continue
				}
				if s.Median < t {
					name, t = s.Name, s.Median
				}
			}
			return name
		}
		add("defaults against defaults", "baton", "pond")
		if row.Name == "W3" {
			continue
		}
		if row.Name != "G" {
			// G's other baton is not a group (a WaitGroup beside the
			// pool): it shows what a group costs, not a configuration.
			add("best configuration against the fastest peer", best(true), best(false))
		}
		if row.Name == "W1" {
			add("as a user writes it, against the fastest peer", "baton", best(false))
			continue
		}
		for _, b := range [][3]string{
			{"baton", "pond/q=baton", "equal queue bounds, baton's default"},
			{"baton/q1024", "pond/q1024", "equal queue bounds, 1024 tasks"},
			{"baton/q=n", "pond/q=n", "equal queue bounds, n tasks"},
		} {
			if has(b[0]) && has(b[1]) {
				add(b[2], b[0], b[1])
			}
		}
	}
	return out
}
