package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baton-go/baton/bench/pipebench"
)

func TestParseBenchPipeline(t *testing.T) {
	o, err := parseBenchPipeline(nil, io.Discard)
	if err != nil || o.items != pipebench.DefaultItems || o.rounds < 1 {
		t.Fatalf("defaults %+v, %v", o, err)
	}
	o, err = parseBenchPipeline([]string{"--full"}, io.Discard)
	if err != nil || o.items != pipebench.FullItems {
		t.Fatalf("--full %+v, %v", o, err)
	}
	o, err = parseBenchPipeline([]string{"--full", "--n", "500", "--cases", "W5"}, io.Discard)
	if err != nil || o.items != 500 || o.cases != "W5" {
		t.Fatalf("explicit %+v, %v", o, err)
	}
}

func TestBenchPipelineBadInput(t *testing.T) {
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"zero N":          {"bench", "pipeline", "--n", "0"},
		"zero rounds":     {"bench", "pipeline", "--rounds", "0"},
		"unknown case":    {"bench", "pipeline", "--cases", "W9"},
		"unknown flag":    {"bench", "pipeline", "--fast"},
		"extra argument":  {"bench", "pipeline", "W4"},
		"plot format":     {"bench", "pipeline", "--plot", filepath.Join(dir, "p.gif")},
		"unwritable json": {"bench", "pipeline", "--json", filepath.Join(dir, "missing", "p.json")},
	} {
		code, stdout, stderr := runArgs(context.Background(), args...)
		if code != exitUsage || stdout != "" || !strings.HasPrefix(stderr, "baton bench pipeline: ") || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, stdout, stderr)
		}
	}
	code, stdout, _ := runArgs(context.Background(), "bench", "pipeline", "--help")
	if code != exitOK || !strings.Contains(stdout, "W5") || !strings.Contains(stdout, "-full") {
		t.Errorf("--help: exit %d, %q", code, stdout)
	}
}

func TestBenchPipelineSmallRun(t *testing.T) {
	dir := t.TempDir()
	// PNG, of three panels: an odd count once left an empty cell, on which
	// the PNG rasterizer never finished.
	plotPath, jsonPath := filepath.Join(dir, "p.png"), filepath.Join(dir, "p.json")
	code, stdout, stderr := runArgs(context.Background(), "bench", "pipeline", "-q", "--n", "300", "--rounds", "2",
		"--cases", "noop/n=4,W5", "--plot", plotPath, "--json", jsonPath)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"W4/noop/n=4/unordered", "W4/noop/n=4/ordered", "W5/headofline/n=8/ordered",
		"conc-stream", "pond-group", "native", "baton ÷ impl", "targets:", "rill"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("report lacks %q:\n%s", want, stdout)
		}
	}
	if fi, err := os.Stat(plotPath); err != nil || fi.Size() == 0 {
		t.Errorf("plot: %v", err)
	}
	raw, err := os.ReadFile(jsonPath)
	var res pipebench.Results
	if err != nil || json.Unmarshal(raw, &res) != nil || len(res.Rows) != 3 || res.Rounds != 2 {
		t.Errorf("json: %v, %d rows", err, len(res.Rows))
	}
}

func TestBenchPipelineInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code, stdout, stderr := runArgs(ctx, "bench", "pipeline", "-q", "--n", "100", "--cases", "noop/n=1/unordered",
		"--plot", filepath.Join(t.TempDir(), "p.svg"))
	if code != exitInterrupted || !strings.Contains(stderr, "interrupted") || !strings.Contains(stdout, "baton bench pipeline") {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
}
