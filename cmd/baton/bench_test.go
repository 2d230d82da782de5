package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/bench/suite"
)

func runArgs(ctx context.Context, args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = run(ctx, args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestParseBenchDefaults(t *testing.T) {
	o, err := parseBench(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	c := o.cfg
	if c.Suite != suite.SuiteCrossbeam || c.Messages != suite.DefaultMessages || c.Rounds != suite.DefaultRounds ||
		c.Idle != suite.DefaultIdle || c.SelectOps != suite.DefaultSelectOps(suite.DefaultMessages) ||
		o.threshold != suite.DefaultThreshold {
		t.Errorf("defaults %+v", o)
	}
	o, err = parseBench([]string{"--full"}, io.Discard)
	if err != nil || o.cfg.Messages != suite.FullMessages || o.cfg.Idle != suite.FullIdle {
		t.Errorf("--full: %+v, %v", o, err)
	}
	o, err = parseBench([]string{"--full", "--n", "1000", "--idle", "0", "--selects", "0", "--peers", "-cases", "spsc"}, io.Discard)
	if err != nil || o.cfg.Messages != 1000 || o.cfg.Idle != 0 || o.cfg.SelectOps != 0 || o.cfg.Suite != suite.SuitePeers {
		t.Errorf("explicit flags: %+v, %v", o, err)
	}
}

func TestParseBenchExtras(t *testing.T) {
	for _, c := range []struct {
		args                  []string
		idle, selects, allocs bool
	}{
		{nil, true, true, true},
		{[]string{"--cases", "spsc"}, false, false, false},
		{[]string{"--cases", "spsc", "--extras", "idle"}, true, false, false},
		{[]string{"--cases", "spsc", "--extras", "all"}, true, true, true},
		{[]string{"--extras", "none"}, false, false, false},
		{[]string{"--extras", "allocs, select64"}, false, true, true},
	} {
		o, err := parseBench(c.args, io.Discard)
		if err != nil {
			t.Fatalf("%v: %v", c.args, err)
		}
		if got := [3]bool{o.cfg.Idle > 0, o.cfg.SelectOps > 0, !o.cfg.SkipAllocs}; got != [3]bool{c.idle, c.selects, c.allocs} {
			t.Errorf("%v: idle, select64, allocs = %v, want %v", c.args, got, [3]bool{c.idle, c.selects, c.allocs})
		}
	}
}

// TestBenchCasesLimitExtras runs a one-row subset: no extra section runs
// unless asked for by name.
func TestBenchCasesLimitExtras(t *testing.T) {
	small := []string{"bench", "--n", "64", "--rounds", "1", "--idle", "1ms", "--selects", "16", "-q", "--cases", "bounded1/spsc"}
	code, stdout, stderr := runArgs(context.Background(), small...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"heap allocations", "idle receiver", "select over 64"} {
		if strings.Contains(stdout, s) {
			t.Errorf("--cases alone ran the extra section %q", s)
		}
	}
	if !strings.Contains(stdout, "bounded1/spsc") || strings.Contains(stdout, "bounded0/spsc") {
		t.Errorf("rows:\n%s", stdout)
	}
	code, stdout, stderr = runArgs(context.Background(), append(small, "--extras", "select64")...)
	if code != exitOK || !strings.Contains(stdout, "select over 64") || strings.Contains(stdout, "idle receiver") {
		t.Errorf("--extras select64: exit %d, %s\n%s", code, stderr, stdout)
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	wrongSuite := filepath.Join(dir, "peers.json")
	if err := os.WriteFile(wrongSuite, []byte(`{"version":1,"suite":"peers"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"negative N":        {"bench", "--n", "-5"},
		"zero rounds":       {"bench", "--rounds", "0"},
		"unknown case":      {"bench", "--cases", "spsc,nope"},
		"unknown flag":      {"bench", "--fast"},
		"extra argument":    {"bench", "spsc"},
		"bad number":        {"bench", "--n", "many"},
		"unwritable json":   {"bench", "--json", filepath.Join(dir, "missing", "out.json")},
		"json is a dir":     {"bench", "--json", dir},
		"plot format":       {"bench", "--plot", filepath.Join(dir, "out.gif")},
		"missing baseline":  {"bench", "--baseline", filepath.Join(dir, "none.json")},
		"baseline of peers": {"bench", "--baseline", wrongSuite},
		"negative treshold": {"bench", "--threshold", "-1"},
		"empty cases":       {"bench", "--cases", ""},
		"only commas":       {"bench", "--cases", " , "},
		"empty extras":      {"bench", "--extras", ""},
		"unknown extra":     {"bench", "--extras", "idle,gc"},
		"json in /proc":     {"bench", "--json", "/proc/version"},
		"json is a device":  {"bench", "--json", os.DevNull},
		"unknown command":   {"frobnicate"},
		"no command":        {},
	} {
		code, stdout, stderr := runArgs(context.Background(), args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
		if stdout != "" && name != "no command" {
			t.Errorf("%s: wrote to stdout: %q", name, stdout)
		}
		if name != "no command" && strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: stderr is not one line: %q", name, stderr)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("bad input left files behind: %v", entries)
	}
}

func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"help"}, {"-h"}} {
		code, stdout, _ := runArgs(context.Background(), args...)
		if code != exitOK || !strings.Contains(stdout, "bench") {
			t.Errorf("%v: exit %d, %q", args, code, stdout)
		}
	}
	for _, args := range [][]string{{"bench", "--help"}, {"help", "bench"}} {
		code, stdout, _ := runArgs(context.Background(), args...)
		if code != exitOK || !strings.Contains(stdout, "--cases") || !strings.Contains(stdout, "-baseline") ||
			!strings.Contains(stdout, "Layers (baton bench <layer>") || !strings.Contains(stdout, "Mann-Whitney") {
			t.Errorf("%v: exit %d, %q", args, code, stdout)
		}
	}
}

func TestBenchEndToEnd(t *testing.T) {
	dir := t.TempDir()
	js, svg := filepath.Join(dir, "run.json"), filepath.Join(dir, "run.svg")
	small := []string{"bench", "--n", "64", "--rounds", "2", "--idle", "1ms", "--selects", "16", "-q"}
	code, stdout, stderr := runArgs(context.Background(), append(small, "--json", js, "--plot", svg)...)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, s := range []string{"bounded0/spsc", "geometric mean", "select over 64 channels"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("output lacks %q", s)
		}
	}
	f, err := os.Open(js)
	if err != nil {
		t.Fatal(err)
	}
	res, err := suite.ReadJSON(f)
	f.Close()
	if err != nil || len(res.Rows) != 22 || len(res.Rows[0].Impls[0].RoundNS) != 2 {
		t.Fatalf("json: %v", err)
	}
	pic, err := os.ReadFile(svg)
	if err != nil || !bytes.Contains(pic, []byte("<svg")) {
		t.Fatalf("plot: %v", err)
	}
	// A huge threshold keeps the comparison free of timing.
	code, stdout, stderr = runArgs(context.Background(), append(small, "--cases", "spsc", "--baseline", js, "--threshold", "1e9")...)
	if code != exitOK || !strings.Contains(stdout, "compared with the baseline") {
		t.Fatalf("baseline run: exit %d, %s\n%s", code, stderr, stdout)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}

func TestPeersEndToEnd(t *testing.T) {
	png := filepath.Join(t.TempDir(), "peers.png")
	code, stdout, stderr := runArgs(context.Background(), "bench", "--peers", "--n", "64", "--rounds", "1",
		"--cases", "bounded1024/mpmc,unbounded/spsc", "--idle", "0", "-q", "--plot", png)
	if code != exitOK || !strings.Contains(stdout, "xsync.MPMCQueue") || !strings.Contains(stdout, "workiva.RingBuffer") {
		t.Fatalf("exit %d: %s\n%s", code, stderr, stdout)
	}
	if fi, err := os.Stat(png); err != nil || fi.Size() == 0 {
		t.Errorf("plot: %v", err)
	}
}

func TestInterruptedRunWritesNothing(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, stdout, stderr := runArgs(ctx, "bench", "--n", "64", "--rounds", "1", "--idle", "1ms", "-q",
		"--json", filepath.Join(dir, "run.json"), "--plot", filepath.Join(dir, "run.svg"))
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if !strings.Contains(stdout, "interrupted") || !strings.Contains(stderr, "no file written") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("interrupted run left files: %v", entries)
	}
}

func TestProgressLines(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.update(suite.Progress{Step: 1, Steps: 10, Round: 1, Rounds: 2, What: "bounded1/spsc native", Left: 3 * time.Second})
	p.update(suite.Progress{Step: 2, Steps: 10, Round: 1, Rounds: 2, What: "bounded1/spsc baton"}) // throttled
	p.update(suite.Progress{Step: 6, Steps: 10, Round: 2, Rounds: 2, What: "bounded1/spsc native"})
	p.done()
	p.update(suite.Progress{Step: 7, Steps: 10, Round: 2, Rounds: 2, What: "x", Left: 2 * time.Second}) // throttled
	p.update(suite.Progress{Step: 8, Steps: 10, Round: 3, Rounds: 3, What: "x", Left: -1})
	got := buf.String()
	if !strings.Contains(got, "time left not known yet") || strings.Contains(got, "-1") {
		t.Errorf("an unknown time left:\n%s", got)
	}
	got = got[:strings.Index(got, "[8/10]")]
	if strings.Count(got, "\n") != 2 || !strings.Contains(got, "round 1/2  bounded1/spsc native") ||
		!strings.Contains(got, "about 3s left") || !strings.Contains(got, "[6/10] round 2/2") {
		t.Errorf("progress:\n%s", got)
	}
}
