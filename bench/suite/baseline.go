package suite

import (
	"fmt"
	"slices"
)

// DefaultThreshold is the smallest change of a median ratio that can count
// as a regression: 10%. Smaller changes are not reported as regressions
// however consistent, since they are within what a change of machine load
// does to a ratio.
const DefaultThreshold = 0.10

// Alpha is the significance level of the baseline comparison: a ratio
// counts as worse only when a difference at least as large would arise by
// chance from the rounds' noise with probability at most Alpha.
const Alpha = 0.05

// Delta compares one implementation's ratio to the reference on one row
// with the same ratio in a baseline.
type Delta struct {
	// Row and Impl say what is compared.
	Row, Impl string
	// Base and Now are the median ratios to the reference (lower is
	// better), over the rounds of each run.
	Base, Now float64
	// Change is Now/Base - 1: +0.15 means 15% worse.
	Change float64
	// P is the one-sided p-value of the rank test: the probability that
	// the rounds of this run rank at least this far above the baseline's by
	// chance, if both came from the same distribution. 1 when the rounds
	// are too few to tell (see MinRounds).
	P float64
	// BaseRounds and NowRounds are the number of rounds compared.
	BaseRounds, NowRounds int
	// Regressed is set when the change is both larger than the threshold
	// and larger than the noise: P <= Alpha.
	Regressed bool
}

// MinRounds is the fewest rounds on each side with which the rank test can
// reach Alpha: with 3 and 3, a run whose every round is worse than every
// round of the baseline has P = 1/20 = 0.05.
const MinRounds = 3

// CheckBaseline reports whether base can serve as the baseline of a run of
// the given suite.
func CheckBaseline(base *Results, suite string) error {
	if base.Suite != suite {
		return fmt.Errorf("baseline is a %s run, this is a %s run", base.Suite, suite)
	}
	return nil
}

// CompareBaseline compares the ratios to the reference of every
// implementation other than the reference, row by row, with those of base.
// Comparing ratios rather than times keeps the comparison meaningful
// between machines, and each round's ratio pairs two measurements taken
// one right after the other, so a drift of the machine's speed hits both.
//
// The rule is noise-aware. Each run gives one ratio per round; a row
// regressed when
//
//   - its median ratio is worse than the baseline's by more than threshold,
//     and
//   - a one-sided Mann–Whitney rank test of this run's per-round ratios
//     against the baseline's gives P <= Alpha: the rounds of this run sit
//     above the baseline's by more than their spread explains.
//
// A fixed percentage alone flags noise as regressions on a loaded machine,
// where two runs of the same code differ by tens of percent; the rank test
// alone flags tiny, real but irrelevant shifts. A change the machine's
// state explains (two runs minutes apart, each internally steady) can
// still pass both; run again to confirm before blaming the code.
//
// Rows or implementations missing on either side are skipped; notes say
// what differs between the runs, including too few rounds to test.
func CompareBaseline(base, now *Results, threshold float64) (deltas []Delta, notes []string) {
	if base.Messages != now.Messages {
		notes = append(notes, fmt.Sprintf("baseline ran %d messages per case, this run %d", base.Messages, now.Messages))
	}
	if base.GOMAXPROCS != now.GOMAXPROCS {
		notes = append(notes, fmt.Sprintf("baseline ran with GOMAXPROCS=%d, this run %d", base.GOMAXPROCS, now.GOMAXPROCS))
	}
	baseRows := map[string]RowResult{}
	for _, r := range base.Rows {
		baseRows[r.Name] = r
	}
	missing, few := 0, 0
	for _, r := range now.Rows {
		b, ok := baseRows[r.Name]
		if !ok {
			missing++
			continue
		}
		for _, im := range r.Impls {
			if im.Name == now.Reference {
				continue
			}
			bx := RoundRatios(b, im.Name, base.Reference)
			nx := RoundRatios(r, im.Name, now.Reference)
			if len(bx) == 0 || len(nx) == 0 {
				continue
			}
			d := Delta{Row: r.Name, Impl: im.Name, Base: Median(bx), Now: Median(nx),
				BaseRounds: len(bx), NowRounds: len(nx), P: 1}
			d.Change = d.Now/d.Base - 1
			if len(bx) >= MinRounds && len(nx) >= MinRounds {
				d.P = RankTestGreater(nx, bx)
			} else {
				few++
			}
			d.Regressed = d.Change > threshold && d.P <= Alpha
			deltas = append(deltas, d)
		}
	}
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d rows are not in the baseline", missing))
	}
	if few > 0 {
		notes = append(notes, fmt.Sprintf("%d ratios have fewer than %d rounds on a side: too few to tell a regression from noise, so none is flagged (use --rounds)", few, MinRounds))
	}
	return deltas, notes
}

// RoundRatios returns impl's time over the reference's time in each round
// of row that both completed. The two ran one right after the other, so
// the ratio of a round is what the rule compares.
func RoundRatios(row RowResult, impl, reference string) []float64 {
	var a, ref []int64
	for _, im := range row.Impls {
		switch im.Name {
		case impl:
			a = im.RoundNS
		case reference:
			ref = im.RoundNS
		}
	}
	var out []float64
	for i := range min(len(a), len(ref)) {
		if a[i] > 0 && ref[i] > 0 {
			out = append(out, float64(a[i])/float64(ref[i]))
		}
	}
	return out
}

// RankTestGreater is the one-sided Mann–Whitney U test that the values of x
// tend to be larger than those of y. It returns the exact p-value: the
// probability, when x and y come from one distribution, that U (the pairs
// with x above y, ties counting one half) is at least the U observed.
// Ties are rare in timings; the exact no-ties distribution is used for them
// too, which makes the test slightly conservative. Empty samples give 1.
func RankTestGreater(x, y []float64) float64 {
	n, m := len(x), len(y)
	if n == 0 || m == 0 {
		return 1
	}
	u := 0.0
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				u++
			case a == b:
				u += 0.5
			}
		}
	}
	counts := uCounts(n, m) // counts[k]: orderings with U = k
	total, tail := 0.0, 0.0
	for k, c := range counts {
		total += c
		if float64(k) >= u-1e-9 {
			tail += c
		}
	}
	return tail / total
}

// uCounts returns, for k = 0 .. n·m, the number of the C(n+m, n) orderings
// of n values of x and m of y in which exactly k pairs have x above y: the
// null distribution of U. It uses the recurrence on the largest value,
// which is either an x (above all m values of y) or a y.
func uCounts(n, m int) []float64 {
	// prev[j] and cur[j] are the distributions for i-1 and i values of x
	// and j values of y; two rows keep memory to O(n·m²).
	prev := make([][]float64, m+1)
	for j := range prev {
		prev[j] = []float64{1} // no x: U = 0
	}
	for i := 1; i <= n; i++ {
		cur := make([][]float64, m+1)
		cur[0] = []float64{1} // no y: U = 0
		for j := 1; j <= m; j++ {
			c := make([]float64, i*j+1)
			for k := range c {
				if k >= j {
					c[k] += prev[j][k-j] // the largest is an x: above all j
				}
				if k < len(cur[j-1]) {
					c[k] += cur[j-1][k] // the largest is a y
				}
			}
			cur[j] = c
		}
		prev = cur
	}
	return slices.Clone(prev[m])
}

// Regressions counts the regressed deltas.
func Regressions(ds []Delta) int {
	n := 0
	for _, d := range ds {
		if d.Regressed {
			n++
		}
	}
	return n
}
