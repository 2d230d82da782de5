package pipebench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/baton-go/baton/bench/suite"
)

// Summary is the median and spread of one implementation on one row.
type Summary struct {
	Impl           string  // the implementation's name
	Median, Lo, Hi float64 // ns per item
	Allocs         float64 // median allocations per item
	// Ratio is baton's median over this implementation's: below 1, baton
	// is faster. It is 1 for baton itself.
	Ratio float64
}

// Summarize returns each row's summaries, in the order of Impls.
func Summarize(rr RowResult) []Summary {
	var out []Summary
	var baton float64
	for _, r := range rr.Impls {
		if len(r.NsPerItem) == 0 {
			continue
		}
		lo, hi := suite.MinMax(r.NsPerItem)
		s := Summary{Impl: r.Impl, Median: suite.Median(r.NsPerItem), Lo: lo, Hi: hi, Allocs: suite.Median(r.AllocsPerItem)}
		if r.Impl == "baton" {
			baton = s.Median
		}
		out = append(out, s)
	}
	for i := range out {
		if out[i].Median > 0 && baton > 0 {
			out[i].Ratio = baton / out[i].Median
		}
	}
	return out
}

// WriteReport prints one table per row: every implementation's median
// ns/item, its spread over the rounds, allocations per item, and baton's
// time as a share of it. Then the goals baton sets itself, each beside what
// was measured.
func WriteReport(w io.Writer, r *Results) {
	for _, rr := range r.Rows {
		fmt.Fprintf(w, "%s  (N = %d)\n", rr.Row.Name, rr.Row.Items)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "impl\tns/item\tmin–max\tallocs/item\tbaton ÷ impl\t\n")
		for _, s := range Summarize(rr) {
			name := s.Impl
			if IsBatch(name) {
				name += " (batch)"
			}
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f–%.0f\t%.2f\t%.2f×\t\n", name, s.Median, s.Lo, s.Hi, s.Allocs, s.Ratio)
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "(batch): not a pipeline; takes the whole input up front or gives every result only at the end.")
	fmt.Fprintln(w)
	writeGoals(w, r)
}

// median of impl on the row named name, or 0.
func (r *Results) median(name, impl string) float64 {
	for _, rr := range r.Rows {
		if rr.Row.Name == name {
			for _, s := range Summarize(rr) {
				if s.Impl == impl {
					return s.Median
				}
			}
		}
	}
	return 0
}

// writeGoals prints each of baton's goals as the comparison it is: what
// was measured, against the goal, and whether it is within it.
func writeGoals(w io.Writer, r *Results) {
	fmt.Fprintln(w, "goals (measured against goal):")
	verdict := func(ok bool) string {
		if ok {
			return "within the goal"
		}
		return "not within the goal"
	}
	for _, rr := range r.Rows {
		sums := Summarize(rr)
		var baton, fastest, stream Summary
		for _, s := range sums {
			switch {
			case s.Impl == "baton":
				baton = s
			case strings.HasPrefix(s.Impl, "baton"):
			default:
				if fastest.Median == 0 || s.Median < fastest.Median {
					fastest = s
				}
				if !IsBatch(s.Impl) && (stream.Median == 0 || s.Median < stream.Median) {
					stream = s
				}
			}
		}
		if baton.Median == 0 || fastest.Median == 0 || rr.Row.Name[:2] != "W4" {
			continue
		}
		fmt.Fprintf(w, "  %-26s baton %5.0f ns/item, fastest peer %s %5.0f: %.2f× (goal ≤ 1×), %s",
			rr.Row.Name, baton.Median, fastest.Impl, fastest.Median, baton.Median/fastest.Median, verdict(baton.Median <= fastest.Median))
		if stream.Median > 0 && stream.Impl != fastest.Impl {
			fmt.Fprintf(w, "; fastest streaming peer %s %5.0f: %.2f×, %s",
				stream.Impl, stream.Median, baton.Median/stream.Median, verdict(baton.Median <= stream.Median))
		}
		fmt.Fprintln(w)
	}
	if m := r.median("W4/noop/n=4/unordered", "baton"); m > 0 {
		fmt.Fprintf(w, "  unordered no-op Map, n = 4: %.0f ns/item (goal ≤ 500), %s\n", m, verdict(m <= 500))
	}
	for _, work := range []string{"noop", "spin1us"} {
		for _, n := range []int{1, 4, 8} {
			o := r.median(fmt.Sprintf("W4/%s/n=%d/ordered", work, n), "baton")
			u := r.median(fmt.Sprintf("W4/%s/n=%d/unordered", work, n), "baton")
			if o > 0 && u > 0 {
				fmt.Fprintf(w, "  ordered ÷ unordered, %s n = %d: %.2f× (goal ≤ 1.3×), %s\n", work, n, o/u, verdict(o/u <= 1.3))
			}
		}
	}
	var allocs []float64
	for _, rr := range r.Rows {
		for _, s := range Summarize(rr) {
			if s.Impl == "baton" && rr.Row.Name[:2] == "W4" {
				allocs = append(allocs, s.Allocs)
			}
		}
	}
	if len(allocs) > 0 {
		mx := slices.Max(allocs)
		fmt.Fprintf(w, "  baton allocs/item in W4, worst row: %.4f (goal 0), %s\n", mx, verdict(mx < 0.01))
	}
	c := r.median("W5/headofline/n=8/ordered", "conc-stream")
	for _, impl := range []string{"baton", "baton-w64"} {
		if b := r.median("W5/headofline/n=8/ordered", impl); b > 0 && c > 0 {
			fmt.Fprintf(w, "  W5 %s ÷ conc stream: %.2f× (goal ≤ 0.6×), %s\n", impl, b/c, verdict(b/c <= 0.6))
		}
	}
	fmt.Fprintln(w)
}
