package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

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
		"conc-stream", "pond-group", "native", "baton ÷ impl", "goals (measured against goal):", "rill"} {
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

// Every panel layout, with a panel of a single group (W5), draws to PNG.
// A degenerate x range once gave plot.Align an infinite width, and the PNG
// rasterizer never finished; the timeout turns such a hang into a failure.
func TestPipelinePlotAllRows(t *testing.T) {
	res := &pipebench.Results{Rounds: 3}
	for i, r := range pipebench.Rows(pipebench.Config{Items: 100}) {
		rr := pipebench.RowResult{Row: r}
		for k, im := range pipebench.For(r) {
			base := float64(500*(i+1) + 300*k)
			rr.Impls = append(rr.Impls, pipebench.Result{Impl: im.Name,
				NsPerItem: []float64{base, 1.5 * base, 4 * base}, AllocsPerItem: []float64{0, 0, 0}})
		}
		res.Rows = append(res.Rows, rr)
	}
	dir := t.TempDir()
	for _, n := range []int{1, 3, 6, 7, len(res.Rows)} {
		part := *res
		part.Rows = res.Rows[len(res.Rows)-n:] // always ending with W5
		done := make(chan error, 1)
		go func() { done <- writePipelinePlot(filepath.Join(dir, "p.png"), &part) }()
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Minute):
			t.Fatalf("drawing %d rows did not finish", n)
		}
	}
}
