package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baton-go/baton/bench/poolbench"
	"github.com/baton-go/baton/bench/suite"
)

func init() {
	registerBenchLayer(benchLayer{
		name:    "pool",
		summary: "baton's worker pool against ants, pond, conc, errgroup, semaphore, workerpool and floors",
		run:     runBenchPool,
	})
}

const benchPoolUsage = `Usage: baton bench pool [flags]

Runs baton's pool and the Go worker pools people use instead
(panjf2000/ants, alitto/pond, sourcegraph/conc, x/sync errgroup and
semaphore, gammazero/workerpool), each configuration named, beside three
floors (a goroutine per task; every task called in a loop on one
goroutine; a mutex-guarded ring between the submitters and one consumer),
on the same workloads, in interleaved rounds. It prints per task the
median time with its spread (min-max over rounds), the bytes and
allocations, and the ratio to baton, then the goals: baton's time against
pond's with both at their defaults (pond's queue is unbounded by default,
baton's is bounded), at equal queue bounds, and baton's best against the
fastest peer (G: baton's groups against pond's, at their defaults and at
equal queue bounds).

  W1       tasks that sleep 10 ms, on 1k workers (10k with --full), one
           submitter: ants' own benchmark shape, 20k tasks (200k with --full)
  W2/1x    tiny tasks on GOMAXPROCS workers, one submitter
  W2/100x  the same from 100 submitters; 200k tasks (1M with --full)
  W3       100k tiny tasks whose results are read back in submission
           order: baton's Results, pond's result group, conc's stream
  G        10k groups of 100 tiny tasks, each submitted and waited for by
           one of 8 goroutines sharing one pool of GOMAXPROCS workers, as
           web handlers do: baton's Group, pond's groups, errgroup with
           SetLimit (at either size)

Then it measures the CPU an idle pool and a blocked producer use.

Exit status: 0 when done; 1 when baton's idle pool or blocked producer
burns CPU; 2 for bad input; 130 when interrupted, after printing what was
measured (and writing no file).

Flags:
`

// benchPoolOptions are the parsed flags of `baton bench pool`.
type benchPoolOptions struct {
	cfg      poolbench.Config
	plotPath string
	quiet    bool
}

func parseBenchPool(args []string, helpOut io.Writer) (*benchPoolOptions, error) {
	fs := flag.NewFlagSet("bench pool", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	o := &benchPoolOptions{}
	fs.BoolVar(&o.cfg.Full, "full", false, "full sizes: W1 200k tasks on 10k workers, W2 1M tasks (several minutes)")
	fs.IntVar(&o.cfg.Rounds, "rounds", 3, "rounds: each implementation runs each workload this many times")
	fs.StringVar(&o.cfg.Only, "workloads", "", "run only these comma-separated workloads: W1, W2, W2/1x, W2/100x, W3, G")
	fs.DurationVar(&o.cfg.Idle, "idle", 200*time.Millisecond, "window of the CPU checks of an idle pool and a blocked producer, 0 to skip")
	fs.StringVar(&o.plotPath, "plot", "", "draw grouped bars per workload to this `file` (.svg, .png or .pdf)")
	fs.BoolVar(&o.quiet, "q", false, "show no progress on stderr")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(helpOut, benchPoolUsage)
			fs.SetOutput(helpOut)
			fs.PrintDefaults()
		}
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if err := o.cfg.Validate(); err != nil {
		return nil, err
	}
	if err := checkPlotFormat(o.plotPath); err != nil {
		return nil, err
	}
	if o.plotPath != "" {
		if err := checkWritable(o.plotPath); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func runBenchPool(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseBenchPool(args, stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton bench pool: %s\n", oneLine(err))
		return exitUsage
	}
	start := time.Now()
	var pr *progress
	if !o.quiet {
		pr = newProgress(stderr)
		o.cfg.Progress = pr.update
	}
	res, err := poolbench.Run(ctx, o.cfg)
	if pr != nil {
		pr.done()
	}
	if err != nil && !errors.Is(err, poolbench.ErrInterrupted) {
		fmt.Fprintf(stderr, "baton bench pool: %s\n", oneLine(err))
		return exitUsage
	}
	writePoolReport(stdout, res)
	if errors.Is(err, poolbench.ErrInterrupted) {
		fmt.Fprintf(stdout, "\ninterrupted after %s: - marks what was not measured\n", roundDur(time.Since(start)))
		fmt.Fprintf(stderr, "baton bench pool: interrupted after %s; no file written\n", roundDur(time.Since(start)))
		return exitInterrupted
	}
	code := exitOK
	for _, c := range []struct {
		what string
		cpu  time.Duration
	}{{"idle pool", res.IdleCPU}, {"blocked producer", res.BlockedCPU}} {
		if res.Idle > 0 && c.cpu >= 0 && c.cpu > suite.SpinFloor && float64(c.cpu) > suite.SpinLimit*float64(res.Idle) {
			fmt.Fprintf(stderr, "baton bench pool: baton's %s used %.0f%% of a core\n", c.what, 100*float64(c.cpu)/float64(res.Idle))
			code = exitFailed
		}
	}
	if o.plotPath != "" {
		if err := writePlot(o.plotPath, res.SuiteResults()); err != nil {
			fmt.Fprintf(stderr, "baton bench pool: %s\n", oneLine(err))
			return exitFailed
		}
	}
	fmt.Fprintf(stdout, "\ntook %s\n", roundDur(time.Since(start)))
	return code
}

// writePoolReport prints the configurations, one table per workload, the
// goals, then the CPU checks. What was not measured, because the run was
// interrupted, shows as -.
func writePoolReport(w io.Writer, r *poolbench.Results) {
	size := "default sizes (--full for larger ones)"
	if r.Full {
		size = "full sizes"
	}
	fmt.Fprintf(w, "baton bench pool: %s, %d rounds interleaved, %s %s/%s, %d CPUs, GOMAXPROCS=%d\n",
		size, r.Rounds, r.GoVersion, r.GOOS, r.GOARCH, r.NumCPU, r.GOMAXPROCS)
	fmt.Fprintln(w, "\nConfigurations (n = the workload's workers):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, im := range poolbench.Impls {
		fmt.Fprintf(tw, "  %s\t%s\n", im.Name, im.Config)
	}
	for _, im := range poolbench.OrderedImpls {
		fmt.Fprintf(tw, "  W3 %s\t%s\n", im.Name, im.Config)
	}
	for _, im := range poolbench.GroupImpls {
		fmt.Fprintf(tw, "  G %s\t%s\n", im.Name, im.Config)
	}
	tw.Flush()
	for _, row := range r.Rows {
		fmt.Fprintf(w, "\n%s: %s\n", row.Name, row.What)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, "impl\tns/task\tmin–max\tB/task\tallocs/task\tvs baton\t")
		for _, s := range row.Summarize() {
			if s.Rounds == 0 {
				fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t\n", s.Name)
				continue
			}
			mark := ""
			if s.FastestPeer {
				mark = " (fastest peer)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s–%s\t%s\t%s\t%s%s\t\n", s.Name, poolNum(s.Median), poolNum(s.Min), poolNum(s.Max),
				poolNum(s.BytesPerTask), poolFrac(s.AllocsPerTask), poolRatio(s.Ratio), mark)
		}
		tw.Flush()
	}
	if goals := r.Goals(); len(goals) > 0 {
		fmt.Fprintln(w, "\nGoals: baton's median ns/task at most the other's")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, g := range goals {
			verdict, ratio := "-", "-"
			if g.Measured() {
				verdict, ratio = "not met", poolRatio(g.BatonNS/g.OtherNS)
				if g.Met() {
					verdict = "met"
				}
			}
			fmt.Fprintf(tw, "  %s\t%s:\t%s %s\tvs %s %s\t%s\t%s\n", g.Row, g.What, g.Baton, poolNum(g.BatonNS), g.Other, poolNum(g.OtherNS), ratio, verdict)
		}
		tw.Flush()
	}
	if r.Idle > 0 {
		fmt.Fprintf(w, "\nCPU used by the whole process in %s (parked goroutines use none):\n", r.Idle)
		fmt.Fprintf(w, "  idle pool of GOMAXPROCS workers:             %s\n", poolCPU(r.IdleCPU, r.Idle))
		fmt.Fprintf(w, "  producer blocked on a full queue, 3 in line: %s\n", poolCPU(r.BlockedCPU, r.Idle))
	}
}

// poolCPU shows a CPU time and its share of the window, or - if it was not
// measured.
func poolCPU(cpu, window time.Duration) string {
	if cpu < 0 {
		return "-"
	}
	return fmt.Sprintf("%s (%.1f%% of a core)", cpu, 100*float64(cpu)/float64(window))
}

func poolNum(x float64) string {
	switch {
	case math.IsNaN(x):
		return "-"
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	}
	return fmt.Sprintf("%.2f", x)
}

func poolFrac(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

func poolRatio(x float64) string {
	if math.IsNaN(x) {
		return "-"
	}
	return fmt.Sprintf("%.2fx", x)
}
