package suite

import (
	"fmt"
	"math"
)

// DefaultThreshold is how much worse a ratio may get before it counts as a
// regression: 10%.
const DefaultThreshold = 0.10

// Delta compares one implementation's ratio to the reference on one row
// with the same ratio in a baseline.
type Delta struct {
	// Row and Impl say what is compared.
	Row, Impl string
	// Base and Now are the ratios to the reference (lower is better).
	Base, Now float64
	// Change is Now/Base - 1: +0.15 means 15% worse.
	Change float64
	// Regressed is set when Change exceeds the threshold.
	Regressed bool
}

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
// between machines. A ratio worse by more than threshold is a regression.
// Rows or implementations missing on either side are skipped; notes say
// what differs between the runs.
func CompareBaseline(base, now *Results, threshold float64) (deltas []Delta, notes []string) {
	if base.Messages != now.Messages {
		notes = append(notes, fmt.Sprintf("baseline ran %d messages per case, this run %d", base.Messages, now.Messages))
	}
	if base.GOMAXPROCS != now.GOMAXPROCS {
		notes = append(notes, fmt.Sprintf("baseline ran with GOMAXPROCS=%d, this run %d", base.GOMAXPROCS, now.GOMAXPROCS))
	}
	baseRows := map[string]RowSummary{}
	for _, r := range Summarize(base) {
		baseRows[r.Name] = r
	}
	missing := 0
	for _, r := range Summarize(now) {
		b, ok := baseRows[r.Name]
		if !ok {
			missing++
			continue
		}
		for _, im := range r.Impls {
			if im.Name == now.Reference {
				continue
			}
			bi, ok := b.Impl(im.Name)
			if !ok || math.IsNaN(bi.Ratio) || math.IsNaN(im.Ratio) || bi.Ratio <= 0 {
				continue
			}
			change := im.Ratio/bi.Ratio - 1
			deltas = append(deltas, Delta{Row: r.Name, Impl: im.Name, Base: bi.Ratio, Now: im.Ratio,
				Change: change, Regressed: change > threshold})
		}
	}
	if missing > 0 {
		notes = append(notes, fmt.Sprintf("%d rows are not in the baseline", missing))
	}
	return deltas, notes
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
