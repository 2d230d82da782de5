package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/baton-go/baton/bench/pipebench"
	"github.com/baton-go/baton/bench/suite"
)

func init() {
	registerBenchLayer(benchLayer{
		name:    "pipeline",
		summary: "baton's pipeline against a hand-written native pipeline, conc and pond (W4 throughput, W5 head-of-line)",
		run:     runBenchPipeline,
	})
}

const benchPipelineUsage = `Usage: baton bench pipeline [flags]

Measures baton's pipeline against the usual ways to map a stream over
workers in Go: a hand-written native pipeline (goroutines, channels, a
WaitGroup and a done channel, as the Go blog's "Pipelines and cancellation"
writes it), destel/rill v0.9.0 (Map and OrderedMap, the closest pipeline
library), sourcegraph/conc v0.3.0 (stream, ordered; pool and iter,
unordered) and alitto/pond/v2 v2.7.1 (a result pool's task group).

  W4  throughput: a Map of a no-op and of about 1 µs of calibrated spin
      over N items, with 1, 4 and 8 workers, unordered and ordered.
  W5  head-of-line: an ordered Map with 8 workers over 10k items, every
      100th item 50 times slower.

Rounds are interleaved (every implementation once per round, in rotating
order), and every sink's sum is checked. It prints each implementation's
median ns/item with its min–max over the rounds, allocations per item, and
baton's time as a share of each peer's, then baton's goals, each beside
what was measured.

Exit status: 0 when done; 2 for bad input; 130 when interrupted, after
printing what was measured (and writing no file).

Flags:
`

// benchPipelineOptions are the parsed flags of `baton bench pipeline`.
type benchPipelineOptions struct {
	items    int
	rounds   int
	cases    string
	plotPath string
	jsonPath string
	quiet    bool
}

func parseBenchPipeline(args []string, helpOut io.Writer) (*benchPipelineOptions, error) {
	fs := flag.NewFlagSet("bench pipeline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &benchPipelineOptions{}
	full := fs.Bool("full", false, fmt.Sprintf("run the full size: N = %d", pipebench.FullItems))
	fs.IntVar(&o.items, "n", pipebench.DefaultItems, fmt.Sprintf("items per W4 run, N; %d with --full", pipebench.FullItems))
	fs.IntVar(&o.rounds, "rounds", suite.DefaultRounds, "rounds: each implementation runs each row this many times")
	fs.StringVar(&o.cases, "cases", "", "run only the rows whose name contains one of these comma-separated parts (W5, noop/n=4, ordered)")
	fs.StringVar(&o.plotPath, "plot", "", "draw grouped bars per workload to this `file` (.svg, .png or .pdf)")
	fs.StringVar(&o.jsonPath, "json", "", "write every round's raw figures to this JSON `file`")
	fs.BoolVar(&o.quiet, "q", false, "show no progress on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(helpOut, benchPipelineUsage)
			fs.SetOutput(helpOut)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *full && !set["n"] {
		o.items = pipebench.FullItems
	}
	switch {
	case o.items < 1:
		return nil, fmt.Errorf("--n must be at least 1, not %d", o.items)
	case o.rounds < 1:
		return nil, fmt.Errorf("--rounds must be at least 1, not %d", o.rounds)
	}
	if _, err := pipebench.Filter(pipebench.Rows(pipebench.Config{Items: o.items}), o.cases); err != nil {
		return nil, err
	}
	if err := checkPlotFormat(o.plotPath); err != nil {
		return nil, err
	}
	for _, p := range []string{o.jsonPath, o.plotPath} {
		if p != "" {
			if err := checkWritable(p); err != nil {
				return nil, err
			}
		}
	}
	return o, nil
}

// runBenchPipeline is `baton bench pipeline`.
func runBenchPipeline(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseBenchPipeline(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton bench pipeline: %s\n", oneLine(err))
		return exitUsage
	}
	rows, _ := pipebench.Filter(pipebench.Rows(pipebench.Config{Items: o.items}), o.cases)
	start := time.Now()
	var pr *progress
	var report func(pipebench.Progress)
	if !o.quiet {
		pr = newProgress(stderr)
		report = func(p pipebench.Progress) {
			el := time.Since(start)
			var left time.Duration
			if p.Done > 0 {
				left = el / time.Duration(p.Done) * time.Duration(p.Total-p.Done)
			}
			pr.update(suite.Progress{Step: p.Done + 1, Steps: p.Total, Round: p.Round, Rounds: p.Rounds,
				What: p.Row + " " + p.Impl, Elapsed: el, Left: left})
		}
	}
	res, err := pipebench.Measure(ctx, rows, o.rounds, report)
	if pr != nil {
		pr.done()
	}
	if err != nil && !errors.Is(err, pipebench.ErrInterrupted) {
		fmt.Fprintf(stderr, "baton bench pipeline: %s\n", oneLine(err))
		return exitFailed
	}
	fmt.Fprintf(stdout, "baton bench pipeline: N = %d items (W5: %d), %d rounds, %s, GOMAXPROCS=%d on %d CPUs, spin %d iterations/µs\n\n",
		res.Items, pipebench.W5Items, res.Rounds, res.GoVersion, res.GOMAXPROCS, res.NumCPU, res.SpinPerUs)
	pipebench.WriteReport(stdout, res)
	if errors.Is(err, pipebench.ErrInterrupted) {
		fmt.Fprintf(stderr, "baton bench pipeline: interrupted after %s; no file written\n", roundDur(time.Since(start)))
		return exitInterrupted
	}
	if o.jsonPath != "" {
		err := writeAtomic(o.jsonPath, func(w io.Writer) error {
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			return enc.Encode(res)
		})
		if err != nil {
			fmt.Fprintf(stderr, "baton bench pipeline: %s\n", oneLine(err))
			return exitFailed
		}
	}
	if o.plotPath != "" {
		if err := writePipelinePlot(o.plotPath, res); err != nil {
			fmt.Fprintf(stderr, "baton bench pipeline: %s\n", oneLine(err))
			return exitFailed
		}
	}
	fmt.Fprintf(stdout, "took %s\n", roundDur(time.Since(start)))
	return exitOK
}
