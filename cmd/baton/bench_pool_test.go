package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baton-go/baton/bench/poolbench"
	"github.com/baton-go/baton/bench/suite"
)

func TestParseBenchPool(t *testing.T) {
	o, err := parseBenchPool(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.cfg.Full || o.cfg.Rounds != 3 || o.cfg.Idle != 200*time.Millisecond || o.cfg.Only != "" {
		t.Errorf("defaults %+v", o.cfg)
	}
	o, err = parseBenchPool([]string{"--full", "--rounds", "7", "--workloads", "W2,W3", "--idle", "0", "-q"}, io.Discard)
	if err != nil || !o.cfg.Full || o.cfg.Rounds != 7 || o.cfg.Only != "W2,W3" || o.cfg.Idle != 0 || !o.quiet {
		t.Errorf("explicit flags: %+v, %v", o, err)
	}
	if o, err = parseBenchPool([]string{"--workloads", "G"}, io.Discard); err != nil || o.cfg.Only != "G" {
		t.Errorf("--workloads G: %+v, %v", o, err)
	}
}

func TestBenchPoolBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--rounds", "0"},
		{"--rounds", "-2"},
		{"--workloads", "W9"},
		{"--idle", "-1s"},
		{"--plot", "out.gif"},
		{"--nope"},
		{"extra"},
	} {
		code, _, stderr := runArgs(context.Background(), append([]string{"bench", "pool"}, args...)...)
		if code != exitUsage || !strings.HasPrefix(stderr, "baton bench pool: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	code, stdout, _ := runArgs(context.Background(), "bench", "pool", "--help")
	if code != exitOK || !strings.Contains(stdout, "W2/100x") || !strings.Contains(stdout, "-workloads") {
		t.Errorf("--help: exit %d, %q", code, stdout)
	}
}

func TestBenchPoolRuns(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "pool.svg")
	code, stdout, stderr := runArgs(context.Background(), "bench", "pool", "--workloads", "W3", "--rounds", "1",
		"--idle", "20ms", "-q", "--plot", plot)
	if code != exitOK {
		t.Fatalf("exit %d; stderr %q", code, stderr)
	}
	for _, want := range []string{"W3:", "ns/task", "B/task", "allocs/task", "baton", "pond", "conc", "1.00x", "idle pool", "producer blocked"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if fi, err := os.Stat(plot); err != nil || fi.Size() == 0 {
		t.Errorf("plot: %v", err)
	}
}

func TestBenchPoolInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	plot := filepath.Join(t.TempDir(), "pool.svg")
	code, _, stderr := runArgs(ctx, "bench", "pool", "--workloads", "W3", "-q", "--plot", plot)
	if code != exitInterrupted || !strings.Contains(stderr, "interrupted") {
		t.Fatalf("exit %d; stderr %q", code, stderr)
	}
	if _, err := os.Stat(plot); !os.IsNotExist(err) {
		t.Errorf("a plot was written after an interruption: %v", err)
	}
}

// An interrupted run prints - for what it did not measure, never a zero.
func TestPoolReportUnmeasured(t *testing.T) {
	res := &poolbench.Results{Rounds: 3, Idle: 200 * time.Millisecond, IdleCPU: -1, BlockedCPU: -1, Interrupted: true,
		Rows: []poolbench.Row{{Name: "W3", What: "w3", Tasks: 10, Impls: []poolbench.ImplRounds{{Name: "baton"}, {Name: "pond"}}}}}
	var b strings.Builder
	writePoolReport(&b, res)
	out := b.String()
	for _, bad := range []string{"0s", "NaN", "0.00"} {
		if strings.Contains(out, bad) {
			t.Errorf("report shows %q for something unmeasured:\n%s", bad, out)
		}
	}
	if strings.Contains(out, "met") {
		t.Errorf("an unmeasured goal is judged:\n%s", out)
	}
	for _, want := range []string{`idle pool of GOMAXPROCS workers: +-\n`, `(?m)^ *baton +- +- +- +- +-$`, `(?m)^ *pond +- +- +- +- +-$`} {
		if !regexp.MustCompile(want).MatchString(out) {
			t.Errorf("report lacks %s:\n%s", want, out)
		}
	}
}

// The progress gives the time left from round 2 on, and the run ends with
// the time it took.
func TestBenchPoolProgress(t *testing.T) {
	var lines []suite.Progress
	cfg := poolbench.Config{Rounds: 3, Only: "W3", Idle: time.Millisecond, Progress: func(p suite.Progress) { lines = append(lines, p) }}
	if _, err := poolbench.Run(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	for _, p := range lines {
		if p.Round >= 2 && p.Left < 0 || p.Round == 0 && p.Left < 0 {
			t.Errorf("round %d, %s: time left unknown", p.Round, p.What)
		}
	}
	if n := len(lines); n == 0 || lines[n-1].Step != lines[n-1].Steps {
		t.Errorf("progress steps: %+v", lines)
	}
	code, stdout, _ := runArgs(context.Background(), "bench", "pool", "--workloads", "W3", "--rounds", "1", "--idle", "0", "-q")
	if code != exitOK || !strings.Contains(stdout, "\ntook ") || !strings.Contains(stdout, "Goals") {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
}
