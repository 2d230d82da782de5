package suite

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/baton-go/baton/bench/peers"
)

func TestMedianMinMaxGeoMean(t *testing.T) {
	if m := Median([]float64{3, 1, 2}); m != 2 {
		t.Errorf("Median odd = %v", m)
	}
	if m := Median([]float64{4, 1, 3, 2}); m != 2.5 {
		t.Errorf("Median even = %v", m)
	}
	if !math.IsNaN(Median(nil)) {
		t.Error("Median of nothing is not NaN")
	}
	xs := []float64{5, 1, 3}
	Median(xs)
	if !slices.Equal(xs, []float64{5, 1, 3}) {
		t.Error("Median reordered its input")
	}
	if lo, hi := MinMax([]float64{2, 9, -1}); lo != -1 || hi != 9 {
		t.Errorf("MinMax = %v, %v", lo, hi)
	}
	if g, n := GeoMean([]float64{1, 4, 16}); math.Abs(g-4) > 1e-12 || n != 3 {
		t.Errorf("GeoMean = %v over %d", g, n)
	}
	if g, n := GeoMean([]float64{2, math.NaN(), 0, math.Inf(1), 8}); math.Abs(g-4) > 1e-12 || n != 2 {
		t.Errorf("GeoMean skipping bad values = %v over %d", g, n)
	}
	if g, n := GeoMean(nil); !math.IsNaN(g) || n != 0 {
		t.Errorf("GeoMean of nothing = %v over %d", g, n)
	}
}

func rowNames(rows []Row) []string {
	var names []string
	for _, r := range rows {
		names = append(names, r.Name())
	}
	return names
}

func TestCrossbeamRows(t *testing.T) {
	rows := CrossbeamRows(1000)
	if len(rows) != 22 {
		t.Fatalf("%d rows, want 22: %v", len(rows), rowNames(rows))
	}
	names := rowNames(rows)
	for _, absent := range []string{"bounded0/seq", "bounded1/seq"} {
		if slices.Contains(names, absent) {
			t.Errorf("%s should be skipped, as in crossbeam", absent)
		}
	}
	for _, present := range []string{"boundedN/seq", "unbounded/seq", "bounded0/select_both", "bounded1/spsc"} {
		if !slices.Contains(names, present) {
			t.Errorf("%s missing", present)
		}
	}
	for _, r := range rows {
		if len(r.Impls) != 2 || r.Impls[0].Name != Reference || r.Impls[1].Name != "baton" {
			t.Errorf("%s: impls %v", r.Name(), r.Impls)
		}
		if standIn := r.Impls[0].Note != ""; standIn != (r.Kind.Name == "unbounded") {
			t.Errorf("%s: native note %q", r.Name(), r.Impls[0].Note)
		}
		if r.Kind.Name == "boundedN" && r.Kind.Cap != 1000 {
			t.Errorf("boundedN has capacity %d", r.Kind.Cap)
		}
	}
}

func TestPeerRows(t *testing.T) {
	rows := PeerRows(peers.All())
	if len(rows) != 12 {
		t.Fatalf("%d rows, want 12: %v", len(rows), rowNames(rows))
	}
	for _, r := range rows {
		var impls []string
		for _, im := range r.Impls {
			impls = append(impls, im.Name)
		}
		if impls[0] != Reference || impls[1] != "baton" {
			t.Errorf("%s: %v", r.Name(), impls)
		}
		if r.Kind.Name == "bounded0" && len(impls) != 2 {
			t.Errorf("%s: only native and baton have rendezvous channels, got %v", r.Name(), impls)
		}
		if r.Name() == "unbounded/mpmc" && slices.Contains(impls, "xsync.UMPSCQueue") {
			t.Error("UMPSCQueue has a single consumer")
		}
		if r.Name() == "bounded1/spsc" && slices.Contains(impls, "workiva.RingBuffer") {
			t.Error("workiva.RingBuffer loses values at capacity 1")
		}
	}
}

func TestFilter(t *testing.T) {
	rows := CrossbeamRows(100)
	for _, tc := range []struct {
		spec string
		want []string
	}{
		{"bounded1/spsc", []string{"bounded1/spsc"}},
		{"seq", []string{"boundedN/seq", "unbounded/seq"}},
		{" unbounded/seq , bounded0/mpmc ", []string{"bounded0/mpmc", "unbounded/seq"}},
		{"spsc,bounded1/spsc", []string{"bounded0/spsc", "bounded1/spsc", "boundedN/spsc", "unbounded/spsc"}},
		{"bounded1", []string{"bounded1/spsc", "bounded1/mpsc", "bounded1/mpmc", "bounded1/select_rx", "bounded1/select_both"}},
	} {
		got, err := Filter(rows, tc.spec)
		if err != nil {
			t.Errorf("Filter(%q): %v", tc.spec, err)
			continue
		}
		if !slices.Equal(rowNames(got), tc.want) {
			t.Errorf("Filter(%q) = %v, want %v", tc.spec, rowNames(got), tc.want)
		}
	}
	if got, err := Filter(rows, ""); err != nil || len(got) != len(rows) {
		t.Errorf("empty filter kept %d rows, %v", len(got), err)
	}
	for _, bad := range []string{"nope", "spsc,nope", "bounded0/seq", "spsc,,mpsc", "SPSC"} {
		if _, err := Filter(rows, bad); err == nil {
			t.Errorf("Filter(%q) accepted", bad)
		} else if strings.Contains(err.Error(), "\n") {
			t.Errorf("Filter(%q) error spans lines: %q", bad, err)
		}
	}
}

func TestValidate(t *testing.T) {
	good := Config{Suite: SuiteCrossbeam, Messages: 10, Rounds: 1}
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]Config{
		"negative N":     {Suite: SuiteCrossbeam, Messages: -5, Rounds: 1},
		"zero N":         {Suite: SuiteCrossbeam, Messages: 0, Rounds: 1},
		"zero rounds":    {Suite: SuiteCrossbeam, Messages: 10, Rounds: 0},
		"negative idle":  {Suite: SuiteCrossbeam, Messages: 10, Rounds: 1, Idle: -1},
		"negative ops":   {Suite: SuiteCrossbeam, Messages: 10, Rounds: 1, SelectOps: -1},
		"unknown case":   {Suite: SuiteCrossbeam, Messages: 10, Rounds: 1, Cases: "spcs"},
		"unknown suite":  {Suite: "x", Messages: 10, Rounds: 1},
		"peer-only case": {Suite: SuiteCrossbeam, Messages: 10, Rounds: 1, Cases: "bounded1024"},
	} {
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if DefaultSelectOps(0) != 1 || DefaultSelectOps(1<<30) != 1<<18 {
		t.Error("DefaultSelectOps out of range")
	}
}

func TestNativeSelect64(t *testing.T) {
	var chs [SelectWidth]chan int
	for i := range chs {
		chs[i] = make(chan int, 1)
	}
	for i := range chs {
		chs[i] <- 1000 + i
		if v := nativeSelect64(&chs); v != 1000+i {
			t.Fatalf("select over channel %d gave %d", i, v)
		}
	}
}

func TestEstimate(t *testing.T) {
	var d durations
	jobs := []job{{key: "a"}, {key: "b", guess: time.Second}, {key: "a"}}
	if got := d.estimate(jobs, 0); got != -1 {
		t.Errorf("nothing measured yet: estimate = %v, want -1 (unknown)", got)
	}
	d.add("a", 2*time.Second)
	// a twice at 2s, b's known 1s; measurements took all the elapsed time.
	if got := d.estimate(jobs, 2*time.Second); got != 5*time.Second {
		t.Errorf("estimate = %v, want 5s", got)
	}
	d.add("a", 4*time.Second) // a's mean is now 3s
	// Measurements took 6s of 12s elapsed: the rest will too, so ×2.
	if got := d.estimate(jobs, 12*time.Second); got != 14*time.Second {
		t.Errorf("estimate = %v, want (3+1+3)×2 = 14s", got)
	}
}

// TestRunJobsEstimate runs jobs of known lengths on synctest's clock: the
// time left is unknown during the first round and exact afterwards.
func TestRunJobsEstimate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		mk := func(key string, round int, d, guess time.Duration) job {
			return job{key: key, what: key, round: round, guess: guess,
				measure: func() sample { time.Sleep(d); return sample{} }, record: func(sample) {}}
		}
		ms := time.Millisecond
		jobs := []job{mk("x", 1, 10*ms, 0), mk("y", 1, 30*ms, 0), mk("x", 2, 10*ms, 0), mk("y", 2, 30*ms, 0),
			mk("z", 0, 50*ms, 50*ms)}
		var left []time.Duration
		if err := runJobs(context.Background(), jobs, 2, func(p Progress) { left = append(left, p.Left) }); err != nil {
			t.Fatal(err)
		}
		want := []time.Duration{-1, -1, 90 * ms, 80 * ms, 50 * ms}
		if !slices.Equal(left, want) {
			t.Errorf("time left %v, want %v", left, want)
		}
	})
}

func TestInterleaveRounds(t *testing.T) {
	a := []job{{key: "a", round: 1}, {key: "b", round: 1}, {key: "a", round: 2}, {key: "b", round: 2}}
	b := []job{{key: "s", round: 1}, {key: "s", round: 2}}
	var got []string
	for _, j := range interleaveRounds(a, b) {
		got = append(got, fmt.Sprint(j.key, j.round))
	}
	if want := []string{"a1", "b1", "s1", "a2", "b2", "s2"}; !slices.Equal(got, want) {
		t.Errorf("order %v, want %v", got, want)
	}
}

func TestRunSmall(t *testing.T) {
	var steps []Progress
	cfg := Config{Suite: SuiteCrossbeam, Messages: 64, Rounds: 2, Idle: time.Millisecond, SelectOps: 32,
		Progress: func(p Progress) { steps = append(steps, p) }}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 22 || res.Interrupted {
		t.Fatalf("%d rows, interrupted %v", len(res.Rows), res.Interrupted)
	}
	for _, r := range res.Rows {
		for _, im := range r.Impls {
			if len(im.RoundNS) != 2 || len(im.Mallocs) != 2 {
				t.Errorf("%s %s: %d rounds", r.Name, im.Name, len(im.RoundNS))
			}
		}
	}
	if len(res.Select64) != 3 || len(res.Select64[0].RoundNS) != 2 {
		t.Errorf("select64: %+v", res.Select64)
	}
	if len(res.Idle) != 8 {
		t.Errorf("%d idle results, want 8", len(res.Idle))
	}
	want := 22*2*2 + 3*2 + 8
	if len(steps) != want {
		t.Fatalf("%d progress calls, want %d", len(steps), want)
	}
	for i, p := range steps {
		if p.Step != i+1 || p.Steps != want {
			t.Fatalf("progress %d: %+v", i, p)
		}
	}
	var out bytes.Buffer
	WriteReport(&out, res)
	for _, s := range []string{"bounded0/spsc", "unbounded/seq *", "geometric mean of baton/native over 22 rows",
		"heap allocations per message", "idle receiver", SelectReflect} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestRunPeersSmall(t *testing.T) {
	cfg := Config{Suite: SuitePeers, Messages: 64, Rounds: 1, Cases: "spsc,unbounded/mpsc", Idle: time.Millisecond}
	res, err := Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != 5 || len(res.Select64) != 0 {
		t.Fatalf("%d rows, %d select results", len(res.Rows), len(res.Select64))
	}
	if len(res.Idle) != len(peers.All()) {
		t.Errorf("%d idle results", len(res.Idle))
	}
	var out bytes.Buffer
	WriteReport(&out, res)
	for _, s := range []string{"xsync.SPSCQueue", "chanx", "geometric means", "/baton"} {
		if !strings.Contains(out.String(), s) {
			t.Errorf("report lacks %q:\n%s", s, out.String())
		}
	}
}

func TestRunInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := Config{Suite: SuiteCrossbeam, Messages: 64, Rounds: 3, Progress: func(p Progress) {
		if p.Step == 5 {
			cancel()
		}
	}}
	res, err := Run(ctx, cfg)
	if err != ErrInterrupted || !res.Interrupted {
		t.Fatalf("err %v, interrupted %v", err, res.Interrupted)
	}
	got := 0
	for _, r := range res.Rows {
		for _, im := range r.Impls {
			got += len(im.RoundNS)
		}
	}
	if got != 4 {
		t.Errorf("%d measurements recorded, want the 4 before the interrupt", got)
	}
	var out bytes.Buffer
	WriteReport(&out, res)
	if !strings.Contains(out.String(), "interrupted") {
		t.Error("report does not say it was interrupted")
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	if _, err := Run(context.Background(), Config{Suite: SuiteCrossbeam, Messages: -1, Rounds: 1}); err == nil {
		t.Error("negative N ran")
	}
}
