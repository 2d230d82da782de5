package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/baton-go/baton/bench/suite"
)

const benchUsage = `Usage: baton bench [flags]
       baton bench <layer> [flags]

Runs crossbeam-channel's benchmark suite (seq, spsc, mpsc, mpmc, select_rx,
select_both on bounded0, bounded1, boundedN and unbounded channels, with 4
senders and receivers) for baton and for native channels, alternating them
round after round, and prints the median ns/msg of each, their spread and
the ratio. Native Go has no unbounded channel: its unbounded rows use a
channel of capacity N.

Three extra sections follow (--extras): allocs, the heap allocations per
message of the rows that ran; idle, the CPU time an idle receiver burns on
each kind of channel that ran; select64, the cost of one select over 64
ready channels. Without --cases all three run; with --cases, none does
unless --extras names it.

With --peers it compares baton with other Go queues (smallnest/chanx,
puzpuzpuz/xsync, Workiva/go-datastructures) and native channels instead.

--cases takes a comma-separated list; each item is a case (spsc), a kind
(bounded1) or a row (bounded1/spsc), and the rows named by any item run.

--baseline compares each row's baton/native ratio with an earlier run's.
A ratio regressed when its median is worse by more than --threshold AND
a one-sided Mann-Whitney rank test of the per-round ratios of the two runs
gives p <= 0.05: this run's rounds sit above the baseline's by more than
their spread explains. That needs at least 3 rounds on each side. On a
loaded machine two runs of the same code differ by tens of percent, so a
fixed percentage alone flags noise; run again before blaming the code.

Exit status: 0 when done; 1 when a check failed (a ratio regressed against
--baseline, or baton's idle receiver burns CPU); 2 for bad input; 130 when
interrupted, after printing what was measured (and writing no file).

Flags:
`

// benchOptions are the parsed flags of `baton bench`.
type benchOptions struct {
	cfg       suite.Config
	jsonPath  string
	plotPath  string
	basePath  string
	threshold float64
	quiet     bool
}

// parseBench parses the flags of `baton bench`. It returns flag.ErrHelp
// for --help, and otherwise an error that fits on one line.
func parseBench(args []string, helpOut io.Writer) (*benchOptions, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &benchOptions{}
	full := fs.Bool("full", false, "run crossbeam's full size: N = 5,000,000 and a 1s idle window")
	n := fs.Int("n", suite.DefaultMessages, "messages per case, N; 5000000 with --full")
	fs.IntVar(&o.cfg.Rounds, "rounds", suite.DefaultRounds, "rounds: each implementation runs each case this many times")
	fs.StringVar(&o.cfg.Cases, "cases", "", "run only these cases: comma-separated cases, kinds or kind/case rows")
	peersFlag := fs.Bool("peers", false, "compare with other Go queues instead of the crossbeam suite")
	fs.StringVar(&o.jsonPath, "json", "", "write every round's raw figures to this JSON `file`")
	fs.StringVar(&o.plotPath, "plot", "", "draw grouped bars per case to this `file` (.svg, .png or .pdf)")
	fs.StringVar(&o.basePath, "baseline", "", "compare ratios with an earlier --json `file`; regressions exit 1")
	fs.Float64Var(&o.threshold, "threshold", suite.DefaultThreshold,
		"the smallest change of a median ratio against --baseline that can count as a regression (0.10 = 10%)")
	extras := fs.String("extras", "", "extra `sections` to run: comma-separated allocs, idle, select64; all or none (default all, none with --cases)")
	idle := fs.Duration("idle", suite.DefaultIdle, "window of the idle-receiver check, 0 to skip; 1s with --full")
	selects := fs.Int("selects", suite.DefaultSelectOps(suite.DefaultMessages),
		"selects per round of the 64-channel select check, 0 to skip; N/4 by default, at most 262144")
	fs.BoolVar(&o.quiet, "q", false, "show no progress on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(helpOut, benchUsage)
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
	o.cfg.Suite = suite.SuiteCrossbeam
	if *peersFlag {
		o.cfg.Suite = suite.SuitePeers
	}
	o.cfg.Messages, o.cfg.Idle = *n, *idle
	if *full {
		if !set["n"] {
			o.cfg.Messages = suite.FullMessages
		}
		if !set["idle"] {
			o.cfg.Idle = suite.FullIdle
		}
	}
	o.cfg.SelectOps = *selects
	if !set["selects"] {
		o.cfg.SelectOps = suite.DefaultSelectOps(o.cfg.Messages)
	}
	if set["cases"] && strings.Trim(o.cfg.Cases, ", \t") == "" {
		return nil, fmt.Errorf("--cases is empty; name cases, kinds or kind/case rows, or leave --cases out to run them all")
	}
	spec := *extras
	if !set["extras"] {
		spec = "all"
		if set["cases"] {
			spec = "none"
		}
	}
	want, err := parseExtras(spec)
	if err != nil {
		return nil, err
	}
	if !want[extraIdle] {
		o.cfg.Idle = 0
	}
	if !want[extraSelect64] {
		o.cfg.SelectOps = 0
	}
	o.cfg.SkipAllocs = !want[extraAllocs]
	if o.threshold < 0 {
		return nil, fmt.Errorf("--threshold must not be negative, not %v", o.threshold)
	}
	if err := o.cfg.Validate(); err != nil {
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

// The extra sections of `baton bench`, as --extras names them.
const (
	extraAllocs   = "allocs"
	extraIdle     = "idle"
	extraSelect64 = "select64"
)

// parseExtras parses --extras: a comma-separated list of sections, or all,
// or none. An empty list is refused, like an empty --cases: "none" says
// it.
func parseExtras(spec string) (map[string]bool, error) {
	known := []string{extraAllocs, extraIdle, extraSelect64}
	want := map[string]bool{}
	switch strings.TrimSpace(spec) {
	case "all":
		for _, k := range known {
			want[k] = true
		}
		return want, nil
	case "none":
		return want, nil
	case "":
		return nil, fmt.Errorf("--extras is empty; name sections (%s), or all, or none", strings.Join(known, ", "))
	}
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if !slices.Contains(known, item) {
			return nil, fmt.Errorf("unknown extra section %q in --extras (known: %s; or all, none)", item, strings.Join(known, ", "))
		}
		want[item] = true
	}
	return want, nil
}

// readBaseline reads and checks the baseline file.
func readBaseline(path, suiteName string) (*suite.Results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	defer f.Close()
	base, err := suite.ReadJSON(f)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	if err := suite.CheckBaseline(base, suiteName); err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	return base, nil
}

// benchLayer is `baton bench <layer>`: a benchmark of one of baton's
// layers (pool, pipeline, jetstream) against its peers.
type benchLayer struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// benchLayers lists the layers `baton bench` dispatches to by its first
// argument. Each layer registers itself from its own file with
// registerBenchLayer.
var benchLayers []benchLayer

// registerBenchLayer adds `baton bench <name>`.
func registerBenchLayer(l benchLayer) {
	for _, have := range benchLayers {
		if have.name == l.name {
			panic("baton: bench layer " + l.name + " registered twice")
		}
	}
	benchLayers = append(benchLayers, l)
}

// writeLayersHelp lists the layers `baton bench <layer>` can measure.
func writeLayersHelp(w io.Writer) {
	fmt.Fprintf(w, "\nLayers (baton bench <layer> --help for their flags):\n")
	if len(benchLayers) == 0 {
		fmt.Fprintf(w, "  none in this build\n")
	}
	for _, l := range benchLayers {
		fmt.Fprintf(w, "  %-10s %s\n", l.name, l.summary)
	}
}

// layerNames lists the layers' names for a message: "pool, pipeline and
// jetstream".
func layerNames() string {
	var names []string
	for _, l := range benchLayers {
		names = append(names, l.name)
	}
	switch len(names) {
	case 0:
		return "none in this build"
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// runBench is `baton bench`, or `baton bench <layer>` when its first
// argument names a layer.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		for _, l := range benchLayers {
			if args[0] == l.name {
				return l.run(ctx, args[1:], stdout, stderr)
			}
		}
		if !strings.HasPrefix(args[0], "-") {
			fmt.Fprintf(stderr, "baton bench: no layer %q; the layers are %s (see baton bench --help)\n", args[0], layerNames())
			return exitUsage
		}
	}
	o, err := parseBench(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		writeLayersHelp(stdout)
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton bench: %s\n", oneLine(err))
		return exitUsage
	}
	var base *suite.Results
	if o.basePath != "" {
		if base, err = readBaseline(o.basePath, o.cfg.Suite); err != nil {
			fmt.Fprintf(stderr, "baton bench: %s\n", oneLine(err))
			return exitUsage
		}
	}
	var pr *progress
	if !o.quiet {
		pr = newProgress(stderr)
		o.cfg.Progress = pr.update
	}
	start := time.Now()
	res, err := suite.Run(ctx, o.cfg)
	if pr != nil {
		pr.done()
	}
	if err != nil && !errors.Is(err, suite.ErrInterrupted) {
		fmt.Fprintf(stderr, "baton bench: %s\n", oneLine(err))
		return exitUsage
	}
	fmt.Fprintf(stdout, "baton bench: %s suite, N = %d messages, %d threads, %d rounds, %s %s/%s, GOMAXPROCS=%d\n\n",
		res.Suite, res.Messages, res.Threads, res.Rounds, res.GoVersion, res.GOOS, res.GOARCH, res.GOMAXPROCS)
	suite.WriteReport(stdout, res)
	if errors.Is(err, suite.ErrInterrupted) {
		fmt.Fprintf(stderr, "baton bench: interrupted after %s; no file written\n", roundDur(time.Since(start)))
		return exitInterrupted
	}
	code := exitOK
	if base != nil {
		deltas, notes := suite.CompareBaseline(base, res, o.threshold)
		suite.WriteBaseline(stdout, deltas, notes, o.threshold)
		if suite.Regressions(deltas) > 0 {
			code = exitFailed
		}
	}
	for _, x := range res.Idle {
		if x.Impl == "baton" && x.Spins() {
			fmt.Fprintf(stderr, "baton bench: baton's idle receiver on %s used %.0f%% of a core\n", x.Kind, 100*x.Share())
			code = exitFailed
		}
	}
	if o.jsonPath != "" {
		if err := writeAtomic(o.jsonPath, func(w io.Writer) error { return suite.WriteJSON(w, res) }); err != nil {
			fmt.Fprintf(stderr, "baton bench: %s\n", oneLine(err))
			return exitFailed
		}
	}
	if o.plotPath != "" {
		if err := writePlot(o.plotPath, res); err != nil {
			fmt.Fprintf(stderr, "baton bench: %s\n", oneLine(err))
			return exitFailed
		}
	}
	fmt.Fprintf(stdout, "\ntook %s\n", roundDur(time.Since(start)))
	return code
}

// oneLine keeps an error message to one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}
