package suite

import "math"

// ImplSummary condenses one implementation's rounds of one row.
type ImplSummary struct {
	// Name names the implementation; Note says what stands in for what.
	Name string
	Note string
	// Rounds is the number of rounds measured.
	Rounds int
	// Median, Min and Max are in nanoseconds per message.
	Median, Min, Max float64
	// Ratio is Median over the reference's Median; NaN without one.
	Ratio float64
	// AllocsPerMsg is the heap allocations per message over every round.
	AllocsPerMsg float64
}

// RowSummary condenses one row.
type RowSummary struct {
	// Name is kind/case; Kind and Case are its parts.
	Name, Kind, Case string
	// Impls summarizes each implementation, the reference first.
	Impls []ImplSummary
}

// Impl returns the summary of the implementation called name.
func (s RowSummary) Impl(name string) (ImplSummary, bool) {
	for _, im := range s.Impls {
		if im.Name == name {
			return im, true
		}
	}
	return ImplSummary{}, false
}

// Summarize condenses every row of r into medians, spreads and ratios to
// r.Reference.
func Summarize(r *Results) []RowSummary {
	out := make([]RowSummary, 0, len(r.Rows))
	for _, row := range r.Rows {
		s := RowSummary{Name: row.Name, Kind: row.Kind, Case: row.Case}
		for _, im := range row.Impls {
			xs := perOp(im.RoundNS, row.Messages)
			lo, hi := MinMax(xs)
			s.Impls = append(s.Impls, ImplSummary{
				Name: im.Name, Note: im.Note, Rounds: len(xs),
				Median: Median(xs), Min: lo, Max: hi, Ratio: math.NaN(),
				AllocsPerMsg: allocsPerMsg(im.Mallocs, row.Messages),
			})
		}
		if ref, ok := s.Impl(r.Reference); ok {
			for i := range s.Impls {
				s.Impls[i].Ratio = s.Impls[i].Median / ref.Median
			}
		}
		out = append(out, s)
	}
	return out
}

func allocsPerMsg(mallocs []uint64, messages int) float64 {
	if len(mallocs) == 0 {
		return math.NaN()
	}
	var sum uint64
	for _, m := range mallocs {
		sum += m
	}
	return float64(sum) / float64(len(mallocs)*messages)
}

// RatioGeoMean returns the geometric mean of impl's ratios to the
// reference over the rows that have both, and how many rows that was.
func RatioGeoMean(rows []RowSummary, impl string) (float64, int) {
	var xs []float64
	for _, r := range rows {
		if im, ok := r.Impl(impl); ok {
			xs = append(xs, im.Ratio)
		}
	}
	return GeoMean(xs)
}

// PairGeoMean returns the geometric mean of a's median over b's, over the
// rows where both ran, and how many rows that was.
func PairGeoMean(rows []RowSummary, a, b string) (float64, int) {
	var xs []float64
	for _, r := range rows {
		x, ok1 := r.Impl(a)
		y, ok2 := r.Impl(b)
		if ok1 && ok2 {
			xs = append(xs, x.Median/y.Median)
		}
	}
	return GeoMean(xs)
}

// KindAllocs is the heap allocations per message of one implementation
// over every row and round of one kind.
type KindAllocs struct {
	// Kind and Impl say what was counted.
	Kind, Impl string
	// AllocsPerMsg is heap allocations over messages.
	AllocsPerMsg float64
}

// AllocsByKind sums the allocations of every row of each kind, per
// implementation, in the order they first appear.
func AllocsByKind(r *Results) []KindAllocs {
	type acc struct {
		mallocs uint64
		msgs    float64
	}
	sums := map[[2]string]*acc{}
	var order [][2]string
	for _, row := range r.Rows {
		for _, im := range row.Impls {
			k := [2]string{row.Kind, im.Name}
			a := sums[k]
			if a == nil {
				a = &acc{}
				sums[k] = a
				order = append(order, k)
			}
			for _, m := range im.Mallocs {
				a.mallocs += m
				a.msgs += float64(row.Messages)
			}
		}
	}
	out := make([]KindAllocs, 0, len(order))
	for _, k := range order {
		a := sums[k]
		v := math.NaN()
		if a.msgs > 0 {
			v = float64(a.mallocs) / a.msgs
		}
		out = append(out, KindAllocs{Kind: k[0], Impl: k[1], AllocsPerMsg: v})
	}
	return out
}
