package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"github.com/baton-go/baton/bench/suite"
	"github.com/baton-go/baton/jetstream/jsbench"
)

const benchJetStreamUsage = `Usage: baton bench jetstream [flags]

Measures baton's JetStream channels against the raw nats.go jetstream
client doing the same work, end to end: send, store, receive, handle,
acknowledge, with 64 B messages. The servers are embedded in this process
on 127.0.0.1 with file storage: one server, then (unless --r3=false) a
cluster of three with replicated streams. Each round runs both, swapping
which goes first; the table gives the median messages per second, the
min–max over the rounds, and the share of the raw client's rate. The
raw-id row (--ids) is the raw client with a message ID on each publish, as
baton sends for deduplication: the part of the gap that is the server's
deduplication work, not baton's.

The raw client publishes asynchronously with a window of --window pending
acks per producer, consumes with Consume and acks fire-and-forget; baton
sends with Sender.SendContext from --window goroutines per producer and
receives with pool.Serve, each message acknowledged after its handler with
a confirmed acknowledgement. Each producer and worker has its own
connection. The streams hold all N messages, so neither hits a full stream.

Then it measures back-pressure: a full stream, one send waiting for room,
and the time from the acknowledgement that makes room to the waiting send's
return, with the number of attempts the waiting send made meanwhile.

Progress goes to stderr (-q: none), with the time left, estimated from
the runs done so far; the report ends with the total time.

Exit status: 0 when done; 2 for bad input; 130 when interrupted.

Flags:
`

func init() {
	registerBenchLayer(benchLayer{"jetstream", "baton over NATS JetStream vs the raw nats.go client, end to end", runBenchJetStream})
}

func runBenchJetStream(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench jetstream", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg jsbench.Config
	fs.IntVar(&cfg.Messages, "n", 20000, "messages per round")
	fs.IntVar(&cfg.Rounds, "rounds", 5, "rounds, each running raw and baton")
	fs.IntVar(&cfg.Producers, "producers", 2, "producers, each with its own connection")
	fs.IntVar(&cfg.Workers, "workers", 3, "workers, each with its own connection")
	fs.IntVar(&cfg.Window, "window", 64, "sends in flight per producer")
	fs.IntVar(&cfg.Size, "size", 64, "payload bytes")
	r3 := fs.Bool("r3", true, "also measure a three-server cluster with R3 streams")
	refills := fs.Int("refills", 5, "back-pressure measurements, 0 to skip")
	quiet := fs.Bool("q", false, "show no progress on stderr")
	fs.BoolVar(&cfg.WithIDs, "ids", true, "also run raw-id: the raw client with a message ID per publish, as baton sends, to show what deduplication costs")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, benchJetStreamUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintf(stderr, "baton bench jetstream: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "baton bench jetstream: unexpected argument %q\n", fs.Arg(0))
		return exitUsage
	}
	// Zero means "the default" to jsbench; on the command line it is a
	// mistake.
	if cfg.Messages < 1 || cfg.Rounds < 1 || cfg.Producers < 1 || cfg.Workers < 1 || cfg.Window < 1 || cfg.Size < 1 || *refills < 0 {
		fmt.Fprintf(stderr, "baton bench jetstream: -n, -rounds, -producers, -workers, -window and -size must be positive, -refills not negative\n")
		return exitUsage
	}
	start := time.Now()
	fmt.Fprintf(stdout, "baton bench jetstream: N = %d messages of %d B, %d producers (window %d), %d workers, %d rounds, file storage, GOMAXPROCS=%d, %d CPUs\n\n",
		cfg.Messages, cfg.Size, cfg.Producers, cfg.Window, cfg.Workers, cfg.Rounds, runtime.GOMAXPROCS(0), runtime.NumCPU())
	fmt.Fprintf(stdout, "%-16s %-6s %12s %21s %14s\n", "setup", "impl", "msgs/s", "min–max", "of raw")
	sizes := []int{1}
	if *r3 {
		sizes = append(sizes, 3)
	}
	impls := 2
	if cfg.WithIDs {
		impls = 3
	}
	steps := len(sizes) * cfg.Rounds * impls
	if *refills > 0 {
		steps++
	}
	pr := newJSProgress(stderr, *quiet, steps, cfg.Rounds, start)
	defer pr.done()
	for _, n := range sizes {
		c := cfg
		c.Replicas = n
		if err := benchJetStreamSetup(ctx, stdout, c, pr); err != nil {
			return benchJetStreamFail(ctx, stderr, err)
		}
	}
	if *refills > 0 {
		pr.begin(0, "back-pressure, 1 node")
		if err := benchRefill(ctx, stdout, *refills); err != nil {
			return benchJetStreamFail(ctx, stderr, err)
		}
		pr.finished()
	}
	pr.done()
	fmt.Fprintf(stdout, "\ntook %s\n", roundDur(time.Since(start)))
	return exitOK
}

// jsProgress shows `baton bench jetstream`'s progress: steps are the runs
// (one implementation in one round of one setup) and the back-pressure
// measurement; the time left is the mean time of the steps done so far
// times the steps to come, and unknown before the first is done.
type jsProgress struct {
	p                    *progress // nil with -q
	steps, finishedSteps int
	rounds               int
	start                time.Time
	round                int
	what                 string
}

func newJSProgress(stderr io.Writer, quiet bool, steps, rounds int, start time.Time) *jsProgress {
	j := &jsProgress{steps: steps, rounds: rounds, start: start}
	if !quiet {
		j.p = newProgress(stderr)
	}
	return j
}

// begin shows that a step of the given round (0: not a round) starts.
func (j *jsProgress) begin(round int, what string) {
	j.round, j.what = round, what
	j.show()
}

// finished counts a step as done; the next begin shows it.
func (j *jsProgress) finished() {
	j.finishedSteps++
}

func (j *jsProgress) show() {
	if j.p == nil {
		return
	}
	elapsed := time.Since(j.start)
	left := time.Duration(-1)
	if j.finishedSteps > 0 {
		left = elapsed / time.Duration(j.finishedSteps) * time.Duration(j.steps-j.finishedSteps)
	}
	rounds := j.rounds
	if j.round == 0 {
		rounds = 0
	}
	j.p.update(suite.Progress{Step: min(j.finishedSteps+1, j.steps), Steps: j.steps, Round: j.round, Rounds: rounds, What: j.what, Elapsed: elapsed, Left: left})
}

func (j *jsProgress) done() {
	if j.p != nil {
		j.p.done()
	}
}

func benchJetStreamFail(ctx context.Context, stderr io.Writer, err error) int {
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "baton bench jetstream: interrupted")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "baton bench jetstream: %v\n", err)
	return exitFailed
}

func benchJetStreamSetup(ctx context.Context, stdout io.Writer, cfg jsbench.Config, pr *jsProgress) error {
	setup := "1 node, file"
	name := "1 node"
	if cfg.Replicas == 3 {
		setup, name = "R3, file", "R3 cluster"
	}
	pr.begin(1, name+": starting the servers")
	cl, err := jsbench.StartCluster(cfg.Replicas)
	if err != nil {
		return err
	}
	defer cl.Shutdown()
	pr.begin(1, name)
	perRound := 2
	if cfg.WithIDs {
		perRound = 3
	}
	k := 0
	res, err := jsbench.Run(ctx, cl.URL, cfg, func(jsbench.Result) {
		k++
		pr.finished()
		if k < cfg.Rounds*perRound {
			pr.begin(k/perRound+1, name)
		}
	})
	if err != nil {
		return err
	}
	med := map[string]float64{}
	for _, impl := range []string{"raw", "raw-id", "baton"} {
		if impl == "raw-id" && !cfg.WithIDs {
			continue
		}
		var rates []float64
		for _, r := range res {
			if r.Impl == impl {
				rates = append(rates, r.Rate)
			}
		}
		slices.Sort(rates)
		med[impl] = median(rates)
		ratio := ""
		if impl != "raw" {
			ratio = fmt.Sprintf("%.0f%%", 100*med[impl]/med["raw"])
		}
		fmt.Fprintf(stdout, "%-16s %-6s %12.0f %10.0f–%-10.0f %14s\n", setup, impl, med[impl], rates[0], rates[len(rates)-1], ratio)
	}
	return nil
}

func benchRefill(ctx context.Context, stdout io.Writer, n int) error {
	cl, err := jsbench.StartCluster(1)
	if err != nil {
		return err
	}
	defer cl.Shutdown()
	const hold = 200 * time.Millisecond
	var lats []time.Duration
	var attempts []float64
	for range n {
		lat, a, err := jsbench.Refill(ctx, cl.URL, 100, hold)
		if err != nil {
			return err
		}
		lats = append(lats, lat)
		attempts = append(attempts, float64(a))
	}
	slices.Sort(lats)
	slices.Sort(attempts)
	fmt.Fprintf(stdout, "\nback-pressure, 1 node: a full stream of 100, one send waiting %v, %d times\n", hold, n)
	fmt.Fprintf(stdout, "  room to accepted send: median %v, min–max %v–%v\n",
		lats[len(lats)/2].Round(10*time.Microsecond), lats[0].Round(10*time.Microsecond), lats[len(lats)-1].Round(10*time.Microsecond))
	fmt.Fprintf(stdout, "  attempts while full:   median %.0f in %v (min–max %.0f–%.0f): it waits, it does not spin\n",
		median(attempts), hold, attempts[0], attempts[len(attempts)-1])
	return nil
}

func median(sorted []float64) float64 {
	n := len(sorted)
	if n == 0 {
		return 0
	}
	if n%2 == 1 {
		return sorted[n/2]
	}
	return (sorted[n/2-1] + sorted[n/2]) / 2
}
