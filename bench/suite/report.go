package suite

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
)

// standInMark flags rows whose reference is a stand-in (native unbounded).
const standInMark = " *"

// WriteReport writes the table of r, the summary line, and the extras.
func WriteReport(w io.Writer, r *Results) {
	rows := Summarize(r)
	if r.Interrupted {
		fmt.Fprintf(w, "interrupted: medians over the rounds completed\n\n")
	}
	if isPairs(rows) {
		writePairTable(w, rows, r.Reference)
	} else {
		writeLongTable(w, rows, r.Reference)
	}
	if note := standInNote(rows, r.Reference); note != "" {
		fmt.Fprintf(w, "%s %s\n", strings.TrimSpace(standInMark), note)
	}
	writeAllocs(w, r)
	writeIdle(w, r)
	writeSelect64(w, r)
}

// isPairs reports whether every row compares baton with the reference and
// nothing else.
func isPairs(rows []RowSummary) bool {
	for _, r := range rows {
		if len(r.Impls) != 2 || r.Impls[1].Name != "baton" {
			return false
		}
	}
	return true
}

// caseLabel is the row's name, marked when its reference is a stand-in.
func caseLabel(r RowSummary, ref string) string {
	if im, ok := r.Impl(ref); ok && im.Note != "" {
		return r.Name + standInMark
	}
	return r.Name
}

func standInNote(rows []RowSummary, ref string) string {
	for _, r := range rows {
		if im, ok := r.Impl(ref); ok && im.Note != "" {
			return ref + ": " + im.Note
		}
	}
	return ""
}

func num(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x >= 1000:
		return fmt.Sprintf("%.0f", x)
	case x >= 100:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func spread(im ImplSummary) string {
	if im.Rounds == 0 {
		return "-"
	}
	return num(im.Min) + "–" + num(im.Max)
}

func ratio(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.2f", x)
}

func writePairTable(w io.Writer, rows []RowSummary, ref string) {
	t := table{left: 1}
	t.add("case", ref+" ns/msg", "(min–max)", "baton ns/msg", "(min–max)", "baton/"+ref)
	for _, r := range rows {
		a, b := r.Impls[0], r.Impls[1]
		t.add(caseLabel(r, ref), num(a.Median), spread(a), num(b.Median), spread(b), ratio(b.Ratio))
	}
	t.write(w)
	g, n := RatioGeoMean(rows, "baton")
	fmt.Fprintf(w, "geometric mean of baton/%s over %d rows: %s\n", ref, n, ratio(g))
}

func writeLongTable(w io.Writer, rows []RowSummary, ref string) {
	t := table{left: 2}
	t.add("case", "impl", "ns/msg", "(min–max)", "/"+ref)
	var impls []string
	for _, r := range rows {
		for i, im := range r.Impls {
			label := ""
			if i == 0 {
				label = caseLabel(r, ref)
			}
			t.add(label, im.Name, num(im.Median), spread(im), ratio(im.Ratio))
			if !slices.Contains(impls, im.Name) {
				impls = append(impls, im.Name)
			}
		}
	}
	t.write(w)
	fmt.Fprintf(w, "geometric means (lower is better):\n")
	t = table{left: 1}
	t.add("impl", "/"+ref, "rows", "/baton", "rows")
	for _, name := range impls {
		if name == ref {
			continue
		}
		g, n := RatioGeoMean(rows, name)
		gb, nb := PairGeoMean(rows, name, "baton")
		t.add(name, ratio(g), fmt.Sprint(n), ratio(gb), fmt.Sprint(nb))
	}
	t.write(w)
}

// kindColumns arranges per-kind, per-implementation cells into a table.
func kindColumns[T any](items []T, kind, impl func(T) string) (kinds, impls []string, cell map[[2]string]T) {
	cell = map[[2]string]T{}
	for _, it := range items {
		k, i := kind(it), impl(it)
		if !slices.Contains(kinds, k) {
			kinds = append(kinds, k)
		}
		if !slices.Contains(impls, i) {
			impls = append(impls, i)
		}
		cell[[2]string{k, i}] = it
	}
	return kinds, impls, cell
}

func writeAllocs(w io.Writer, r *Results) {
	all := AllocsByKind(r)
	if len(all) == 0 || r.SkipAllocs {
		return
	}
	kinds, impls, cell := kindColumns(all, func(a KindAllocs) string { return a.Kind },
		func(a KindAllocs) string { return a.Impl })
	fmt.Fprintf(w, "\nheap allocations per message (every row and round of a kind):\n")
	t := table{left: 1}
	t.add(append([]string{"kind"}, impls...)...)
	for _, k := range kinds {
		line := []string{k}
		for _, i := range impls {
			if a, ok := cell[[2]string{k, i}]; ok && !math.IsNaN(a.AllocsPerMsg) {
				line = append(line, fmt.Sprintf("%.3f", a.AllocsPerMsg))
			} else {
				line = append(line, "-")
			}
		}
		t.add(line...)
	}
	t.write(w)
}

func idleCell(x IdleResult) string {
	if x.CPUNS < 0 {
		return "n/a"
	}
	s := fmt.Sprintf("%.1f ms (%.1f%%)", float64(x.CPUNS)/1e6, 100*x.Share())
	if x.Spins() {
		s += " SPINS"
	}
	return s
}

func writeIdle(w io.Writer, r *Results) {
	if len(r.Idle) == 0 {
		return
	}
	fmt.Fprintf(w, "\nidle receiver: process CPU time while one goroutine waits %v in Recv on an empty channel\n",
		time.Duration(r.Idle[0].WindowNS))
	fmt.Fprintf(w, "(about 0 when the receiver parks; SPINS above %.0f%% of the window and %v):\n", 100*SpinLimit, SpinFloor)
	if r.Suite == SuitePeers {
		t := table{left: 2}
		t.add("impl", "kind", "CPU")
		for _, x := range r.Idle {
			t.add(x.Impl, x.Kind, idleCell(x))
		}
		t.write(w)
		return
	}
	kinds, impls, cell := kindColumns(r.Idle, func(x IdleResult) string { return x.Kind },
		func(x IdleResult) string { return x.Impl })
	t := table{left: 1}
	t.add(append([]string{"kind"}, impls...)...)
	for _, k := range kinds {
		line := []string{k}
		for _, i := range impls {
			if x, ok := cell[[2]string{k, i}]; ok {
				line = append(line, idleCell(x))
			} else {
				line = append(line, "-")
			}
		}
		t.add(line...)
	}
	t.write(w)
}

func writeSelect64(w io.Writer, r *Results) {
	if len(r.Select64) == 0 || len(r.Select64[0].RoundNS) == 0 {
		return
	}
	fmt.Fprintf(w, "\nselect over %d channels, all ready (%d selects a round):\n", SelectWidth, r.Select64[0].Ops)
	t := table{left: 1}
	t.add("impl", "ns/select", "(min–max)", "allocs/select")
	for _, o := range r.Select64 {
		xs := perOp(o.RoundNS, o.Ops)
		lo, hi := MinMax(xs)
		spr := "-"
		if len(xs) > 0 {
			spr = num(lo) + "–" + num(hi)
		}
		t.add(o.Name, num(Median(xs)), spr, num(allocsPerMsg(o.Mallocs, o.Ops)))
	}
	t.write(w)
}

// WriteBaseline writes the comparison with a baseline: every delta with its
// rounds and p-value, the regressions marked, a closing count, and the rule.
func WriteBaseline(w io.Writer, deltas []Delta, notes []string, threshold float64) {
	fmt.Fprintf(w, "\ncompared with the baseline (median ratio to the reference over the rounds; lower is better):\n")
	for _, n := range notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	t := table{left: 2}
	t.add("case", "impl", "baseline", "now", "change", "rounds", "p", "")
	for _, d := range deltas {
		mark := ""
		switch {
		case d.Regressed:
			mark = "REGRESSION"
		case d.Change > threshold:
			mark = "within noise"
		}
		t.add(d.Row, d.Impl, ratio(d.Base), ratio(d.Now), fmt.Sprintf("%+.1f%%", 100*d.Change),
			fmt.Sprintf("%d/%d", d.BaseRounds, d.NowRounds), fmt.Sprintf("%.3f", d.P), mark)
	}
	t.write(w)
	fmt.Fprintf(w, "rule: a regression is worse by more than %.0f%% AND beyond the rounds' spread (one-sided Mann–Whitney rank test of the per-round ratios, p <= %.2f)\n",
		100*threshold, Alpha)
	if n := Regressions(deltas); n > 0 {
		fmt.Fprintf(w, "%d of %d ratios regressed\n", n, len(deltas))
	} else {
		fmt.Fprintf(w, "no ratio regressed (%d compared)\n", len(deltas))
	}
}
