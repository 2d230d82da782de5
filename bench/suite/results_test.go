package suite

import (
	"bytes"
	"context"
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

func TestCompareBaseline(t *testing.T) {
	base := fake(SuiteCrossbeam, 100, map[string][2]float64{
		"bounded1/spsc": {100, 50},  // 0.50
		"bounded1/mpsc": {100, 100}, // 1.00
	})
	now := fake(SuiteCrossbeam, 200, map[string][2]float64{
		"bounded1/spsc": {200, 120}, // 0.60: 20% worse
		"bounded1/mpsc": {50, 52},   // 1.04: 4% worse
		"unbounded/seq": {10, 10},   // not in the baseline
	})
	deltas, notes := CompareBaseline(base, now, DefaultThreshold)
	if len(deltas) != 2 {
		t.Fatalf("deltas %+v", deltas)
	}
	if d := deltas[0]; d.Row != "bounded1/spsc" || d.Impl != "baton" || !d.Regressed || d.Change < 0.199 || d.Change > 0.201 {
		t.Errorf("spsc delta %+v", d)
	}
	if d := deltas[1]; d.Regressed {
		t.Errorf("4%% worse counted as a regression: %+v", d)
	}
	if Regressions(deltas) != 1 {
		t.Errorf("Regressions = %d", Regressions(deltas))
	}
	if len(notes) != 2 {
		t.Errorf("notes %q: want messages differ and a missing row", notes)
	}
	if _, notes := CompareBaseline(base, base, DefaultThreshold); len(notes) != 0 {
		t.Errorf("notes comparing with itself: %q", notes)
	}
	var out bytes.Buffer
	WriteBaseline(&out, deltas, notes, DefaultThreshold)
	if !strings.Contains(out.String(), "REGRESSION") || !strings.Contains(out.String(), "1 of 2 ratios regressed") {
		t.Errorf("baseline report:\n%s", out.String())
	}
	if err := CheckBaseline(base, SuitePeers); err == nil {
		t.Error("a crossbeam baseline was accepted for a peers run")
	}
	if err := CheckBaseline(base, SuiteCrossbeam); err != nil {
		t.Error(err)
	}
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
