package suite

import (
	"bytes"
	"context"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestJSONRoundTrip(t *testing.T) {
	res, err := Run(context.Background(), Config{Suite: SuiteCrossbeam, Messages: 32, Rounds: 2,
		Cases: "bounded1,unbounded/seq", Idle: time.Millisecond, SelectOps: 16})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteJSON(&buf, res); err != nil {
		t.Fatal(err)
	}
	back, err := ReadJSON(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !back.Started.Equal(res.Started) {
		t.Errorf("started %v, want %v", back.Started, res.Started)
	}
	back.Started = res.Started
	if !reflect.DeepEqual(back, res) {
		t.Errorf("round trip changed the results:\n%+v\n%+v", back, res)
	}
}

func TestReadJSONRejects(t *testing.T) {
	for _, in := range []string{"", "nonsense", `{"version": 99}`, `[1,2]`} {
		if _, err := ReadJSON(strings.NewReader(in)); err == nil {
			t.Errorf("ReadJSON(%q) accepted", in)
		}
	}
}

// fake builds results with one round per implementation and the given
// ns/msg for native and baton on each row.
func fake(suite string, messages int, rows map[string][2]float64) *Results {
	r := &Results{Version: FormatVersion, Suite: suite, Messages: messages, Reference: Reference, Rounds: 1}
	for _, name := range []string{"bounded1/spsc", "bounded1/mpsc", "unbounded/seq"} {
		v, ok := rows[name]
		if !ok {
			continue
		}
		kind, c, _ := strings.Cut(name, "/")
		r.Rows = append(r.Rows, RowResult{Name: name, Kind: kind, Case: c, Messages: messages, Impls: []ImplResult{
			{Name: Reference, RoundNS: []int64{int64(v[0] * float64(messages))}, Mallocs: []uint64{0}},
			{Name: "baton", RoundNS: []int64{int64(v[1] * float64(messages))}, Mallocs: []uint64{uint64(messages)}},
		}})
	}
	return r
}

// fakeRounds builds results for one row, bounded1/spsc, whose baton/native
// ratio in each round is the given one (native takes 100 ns/msg).
func fakeRounds(messages int, ratios ...float64) *Results {
	r := &Results{Version: FormatVersion, Suite: SuiteCrossbeam, Messages: messages, Reference: Reference, Rounds: len(ratios)}
	row := RowResult{Name: "bounded1/spsc", Kind: "bounded1", Case: "spsc", Messages: messages,
		Impls: []ImplResult{{Name: Reference}, {Name: "baton"}}}
	for _, x := range ratios {
		row.Impls[0].RoundNS = append(row.Impls[0].RoundNS, int64(100*messages))
		row.Impls[1].RoundNS = append(row.Impls[1].RoundNS, int64(x*100*float64(messages)))
	}
	r.Rows = []RowResult{row}
	return r
}

func TestCompareBaseline(t *testing.T) {
	base := fakeRounds(1000, 0.9, 1.3, 1.0, 1.6, 1.1) // median 1.1, noisy
	for _, c := range []struct {
		name      string
		now       *Results
		regressed bool
	}{
		// The same code on a noisy machine: the median moved by 14%, but
		// the rounds overlap the baseline's (p = 0.345).
		{"noise", fakeRounds(1000, 1.25, 1.0, 1.7, 1.4, 0.95), false},
		// Every round twice as slow: beyond the spread and the threshold.
		{"regression", fakeRounds(1000, 2.0, 2.2, 2.1, 2.05, 2.15), true},
		// Every round above the baseline's worst: a regression even though
		// the baseline itself was noisy.
		{"above the spread", fakeRounds(1000, 1.65, 1.7, 1.75, 1.8, 1.85), true},
		// Twice as slow but two rounds only: too few to tell.
		{"two rounds", fakeRounds(1000, 2.0, 2.2), false},
	} {
		deltas, notes := CompareBaseline(base, c.now, DefaultThreshold)
		if len(deltas) != 1 {
			t.Fatalf("%s: deltas %+v", c.name, deltas)
		}
		d := deltas[0]
		if d.Row != "bounded1/spsc" || d.Impl != "baton" || d.Base != 1.1 || d.BaseRounds != 5 {
			t.Errorf("%s: delta %+v", c.name, d)
		}
		if d.Regressed != c.regressed {
			t.Errorf("%s: regressed %v, want %v (%+v)", c.name, d.Regressed, c.regressed, d)
		}
		if c.name == "two rounds" && (len(notes) != 1 || !strings.Contains(notes[0], "too few")) {
			t.Errorf("two rounds: notes %q", notes)
		}
	}
	// A shift under the threshold is not a regression, however consistent.
	tight := fakeRounds(1000, 1.00, 1.01, 1.02, 1.01, 1.00)
	deltas, _ := CompareBaseline(tight, fakeRounds(1000, 1.05, 1.06, 1.07, 1.06, 1.05), DefaultThreshold)
	if d := deltas[0]; d.Regressed || d.P > 0.005 {
		t.Errorf("a 5%% shift with p %.4f was flagged: %+v", d.P, d)
	}

	// Notes: differing N, rows missing from the baseline; none against itself.
	now := fakeRounds(2000, 1.1, 1.1, 1.1)
	now.Rows = append(now.Rows, RowResult{Name: "unbounded/seq", Kind: "unbounded", Case: "seq"})
	if _, notes := CompareBaseline(base, now, DefaultThreshold); len(notes) != 2 {
		t.Errorf("notes %q: want messages differ and a missing row", notes)
	}
	if _, notes := CompareBaseline(base, base, DefaultThreshold); len(notes) != 0 {
		t.Errorf("notes comparing with itself: %q", notes)
	}

	var out bytes.Buffer
	deltas, notes := CompareBaseline(base, fakeRounds(1000, 2.0, 2.2, 2.1, 2.05, 2.15), DefaultThreshold)
	WriteBaseline(&out, deltas, notes, DefaultThreshold)
	for _, want := range []string{"REGRESSION", "1 of 1 ratios regressed", "Mann–Whitney", "5/5", "0.004"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("baseline report lacks %q:\n%s", want, out.String())
		}
	}
	if err := CheckBaseline(base, SuitePeers); err == nil {
		t.Error("a crossbeam baseline was accepted for a peers run")
	}
	if err := CheckBaseline(base, SuiteCrossbeam); err != nil {
		t.Error(err)
	}
}

func TestRankTestGreater(t *testing.T) {
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	lo, hi := []float64{1, 2, 3, 4, 5}, []float64{6, 7, 8, 9, 10}
	if p := RankTestGreater(hi, lo); !near(p, 1.0/252) {
		t.Errorf("complete separation 5/5: p = %v, want 1/252", p)
	}
	if p := RankTestGreater(lo, hi); p != 1 {
		t.Errorf("x entirely below y: p = %v, want 1", p)
	}
	if p := RankTestGreater([]float64{4, 5, 6}, []float64{1, 2, 3}); !near(p, 1.0/20) {
		t.Errorf("complete separation 3/3: p = %v, want 1/20", p)
	}
	if p := RankTestGreater([]float64{3, 4}, []float64{1, 2}); !near(p, 1.0/6) {
		t.Errorf("complete separation 2/2: p = %v, want 1/6", p)
	}
	// Interleaved samples: U = 12.5 of 25, the middle of the distribution.
	if p := RankTestGreater([]float64{1, 3, 5, 7, 9}, []float64{2, 4, 6, 8, 10}); p < 0.5 || p > 0.8 {
		t.Errorf("interleaved: p = %v, want near the middle", p)
	}
	if p := RankTestGreater(nil, hi); p != 1 {
		t.Errorf("empty: p = %v", p)
	}
	// The null distribution covers every ordering once and is symmetric.
	for _, nm := range [][2]int{{1, 1}, {3, 4}, {5, 5}, {7, 2}} {
		c := uCounts(nm[0], nm[1])
		sum := 0.0
		for k := range c {
			sum += c[k]
			if c[k] != c[len(c)-1-k] {
				t.Errorf("uCounts%v is not symmetric: %v", nm, c)
				break
			}
		}
		if want := binomial(nm[0]+nm[1], nm[0]); sum != want {
			t.Errorf("uCounts%v sums to %v, want C(n+m, n) = %v", nm, sum, want)
		}
	}
}

func binomial(n, k int) float64 {
	r := 1.0
	for i := 1; i <= k; i++ {
		r = r * float64(n-k+i) / float64(i)
	}
	return r
}

func TestSummarizeAndAllocs(t *testing.T) {
	r := fake(SuiteCrossbeam, 100, map[string][2]float64{"bounded1/spsc": {100, 50}, "bounded1/mpsc": {200, 50}})
	rows := Summarize(r)
	if b, _ := rows[0].Impl("baton"); b.Ratio != 0.5 || b.Median != 50 || b.AllocsPerMsg != 1 {
		t.Errorf("summary %+v", b)
	}
	if g, n := RatioGeoMean(rows, "baton"); n != 2 || g < 0.353 || g > 0.354 {
		t.Errorf("geomean %v over %d", g, n)
	}
	all := AllocsByKind(r)
	if len(all) != 2 || all[0] != (KindAllocs{"bounded1", Reference, 0}) || all[1] != (KindAllocs{"bounded1", "baton", 1}) {
		t.Errorf("AllocsByKind = %+v", all)
	}
}

func TestIdleResult(t *testing.T) {
	if x := (IdleResult{WindowNS: 1000, CPUNS: 50}); x.Share() != 0.05 || x.Spins() {
		t.Errorf("%+v", x)
	}
	if x := (IdleResult{WindowNS: 1e9, CPUNS: 9e8}); !x.Spins() {
		t.Errorf("%+v does not spin", x)
	}
	if x := (IdleResult{WindowNS: 1e6, CPUNS: 9e5}); x.Spins() {
		t.Errorf("%+v: under SpinFloor, yet spins", x)
	}
	if x := (IdleResult{WindowNS: 1000, CPUNS: -1}); x.Share() != -1 || x.Spins() {
		t.Errorf("%+v", x)
	}
}
