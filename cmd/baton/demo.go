package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/baton-go/baton/jetstream"
	"github.com/baton-go/baton/jetstream/embedded"
	"github.com/baton-go/baton/pool"
)

const demoUsage = `Usage: baton demo distributed [flags]
       baton demo pipeline [flags]       (see baton demo pipeline --help)
       baton demo stuck [flags]          (see baton demo stuck --help)

Runs a small distributed system on this machine, over NATS JetStream, with
nothing to install: an embedded broker, a producer and three worker
processes (this same binary, started again in another role). The producer
sends N jobs to a baton channel; the workers run pool.Serve over it, each
job acknowledged only once its handler is done. Mid-run the demo kills one
worker and then the broker with SIGKILL, restarts the broker on the same
port and store directory, and waits for the work to finish. Then it prints
the tally: sent, processed, redelivered, duplicates dropped, lost (0).

Exit status: 0 when nothing was lost; 1 when something was (or a process
failed); 2 for bad input; 130 when interrupted.

Flags:
`

// demoRoleEnv carries the role of a process the demo started: the demo
// re-executes its own binary, and this init runs the role instead of the
// command line, before main.
const demoRoleEnv = "BATON_DEMO_ROLE"

func init() {
	register(command{"demo", "run a demo: distributed (kill processes, lose nothing), pipeline (a live view), stuck (a stall report)", runDemo})
	if role := os.Getenv(demoRoleEnv); role != "" {
		os.Exit(runDemoRole(role))
	}
}

// demoJob is what the demo's producer sends.
type demoJob struct {
	ID int `json:"id"`
}

const (
	demoChannel  = "demo"
	demoCapacity = 2000
	demoPending  = 256
)

func demoOptions() []jetstream.Option {
	return []jetstream.Option{
		jetstream.WithAckWait(2 * time.Second), // a killed worker's jobs come back within 2s
		jetstream.WithMaxAckPending(demoPending),
		jetstream.WithMaxDeliver(1000), // a crash is no reason to give up on a job
	}
}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	n := fs.Int("n", 20000, "jobs to send")
	workers := fs.Int("workers", 3, "worker processes")
	delay := fs.Duration("work", time.Millisecond, "how long each job's handler works")
	// The flags may come before or after the demo's name:
	// `baton demo -n 100 distributed` or `baton demo distributed -n 100`.
	parse := func(args []string) (done bool, code int) {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, demoUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return true, exitOK
		}
		if err != nil {
			fmt.Fprintf(stderr, "baton demo: %v (see baton demo --help)\n", err)
			return true, exitUsage
		}
		return false, 0
	}
	if done, code := parse(args); done {
		return code
	}
	rest := fs.Args()
	if len(rest) > 0 && moreDemos[rest[0]] != nil { // demo_pipeline.go
		return moreDemos[rest[0]](ctx, rest[1:], stdout, stderr)
	}
	if len(rest) == 0 || rest[0] != "distributed" {
		fmt.Fprintf(stderr, "baton demo: the demos are `baton demo distributed`, `baton demo pipeline` and `baton demo stuck`\n")
		return exitUsage
	}
	if done, code := parse(rest[1:]); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "baton demo: unexpected argument %q after distributed\n", fs.Arg(0))
		return exitUsage
	}
	if *n < 1 || *workers < 2 || *delay < 0 {
		fmt.Fprintf(stderr, "baton demo: want -n >= 1, -workers >= 2 (one is killed), -work >= 0\n")
		return exitUsage
	}
	d := &demo{n: *n, workers: *workers, delay: *delay, out: stdout}
	err := d.run(ctx)
	d.stopAll()
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "baton demo: interrupted")
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton demo: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// demo is one run of `baton demo distributed`.
type demo struct {
	n, workers int
	delay      time.Duration
	out        io.Writer

	dir, url string
	port     int
	broker   *demoProc
	producer *demoProc
	procs    []*demoProc // workers
	logs     []string
}

func (d *demo) say(format string, args ...any) {
	fmt.Fprintf(d.out, format+"\n", args...)
}

func (d *demo) run(ctx context.Context) error {
	start := time.Now()
	dir, err := makeDemoDir()
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d.dir = dir
	if d.port, err = embedded.FreePort(); err != nil {
		return err
	}
	d.url = "nats://127.0.0.1:" + strconv.Itoa(d.port)
	if err := d.startBroker(); err != nil {
		return err
	}
	d.say("broker     started: embedded nats-server, %s, store %s", d.url, filepath.Join(dir, "store"))

	// Open the channel before the processes, so none of them races to
	// create it.
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	conn, err := jetstream.Connect(cctx, d.url)
	if err == nil {
		_, rx, berr := jetstream.Bounded[demoJob](cctx, conn, demoChannel, demoCapacity, demoOptions()...)
		if berr == nil {
			rx.Close()
		}
		err = berr
	}
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close()

	for i := range d.workers {
		log := filepath.Join(dir, fmt.Sprintf("worker%d.log", i))
		d.logs = append(d.logs, log)
		p, err := startDemoProc("worker", "BATON_DEMO_URL="+d.url, "BATON_DEMO_LOG="+log, "BATON_DEMO_WORK="+d.delay.String())
		if err != nil {
			return err
		}
		d.procs = append(d.procs, p)
	}
	d.say("workers    started: %d processes, pool.Serve with 8 goroutines each", d.workers)
	if d.producer, err = startDemoProc("producer", "BATON_DEMO_URL="+d.url, "BATON_DEMO_N="+strconv.Itoa(d.n)); err != nil {
		return err
	}
	d.say("producer   started: sending %d jobs to channel %q (capacity %d)", d.n, demoChannel, demoCapacity)

	if err := d.waitDone(ctx, d.n/4); err != nil {
		return err
	}
	d.procs[0].kill()
	d.say("SIGKILL    worker 0 at %d/%d jobs done", d.done(), d.n)
	if err := d.waitDone(ctx, d.n/2); err != nil {
		return err
	}
	d.broker.kill()
	d.say("SIGKILL    broker at %d/%d jobs done", d.done(), d.n)
	if err := d.startBroker(); err != nil {
		return err
	}
	d.say("broker     restarted on the same port and store")
	if err := d.waitDone(ctx, d.n); err != nil {
		return err
	}
	var ps struct{ Sent, Retries, Duplicates int64 }
	if err := d.producer.wait(&ps); err != nil {
		return fmt.Errorf("producer: %w", err)
	}
	var redelivered int64
	for _, w := range d.procs[1:] {
		w.signal(syscall.SIGTERM)
		var ws jetstream.ReceiverStats
		if err := w.wait(&ws); err != nil {
			return fmt.Errorf("worker: %w", err)
		}
		redelivered += ws.Redelivered
	}
	stored, err := storedCount(ctx, conn)
	if err != nil {
		return err
	}
	counts, lines := d.tally()
	processed, lost := 0, 0
	for _, c := range counts {
		if c > 0 {
			processed++
		} else {
			lost++
		}
	}
	d.say("")
	d.say("sent                %7d   confirmed by the broker; it stored %d messages (%d sends retried across the restart)", ps.Sent, stored, ps.Retries)
	d.say("processed           %7d   distinct jobs whose handler finished", processed)
	d.say("redelivered         %7d   jobs handled again because their ack died with a process", lines-processed)
	d.say("                    %7s   (%d of the deliveries were marked as redeliveries: a broker killed", "", redelivered)
	d.say("                    %7s   with SIGKILL restarts with delivery counts older than its messages)", "")
	d.say("duplicates dropped  %7d   retried sends the broker recognised by message ID and stored once", ps.Duplicates)
	d.say("lost                %7d", lost)
	d.say("")
	d.say("done in %.1fs", time.Since(start).Seconds())
	if lost > 0 {
		return fmt.Errorf("%d jobs lost", lost)
	}
	// More stored than sent is at-least-once at work, not a loss: a send
	// retried across the broker's SIGKILL can be stored twice when the
	// restarted broker no longer knows the first copy's message ID (it was
	// acknowledged and removed). Its handler ran twice; nothing was lost.
	if stored < int64(d.n) {
		return fmt.Errorf("the broker stored %d messages for %d jobs", stored, d.n)
	}
	return nil
}

// storedCount is how many messages the channel's stream ever stored: its
// last sequence number, since it started empty.
func storedCount(ctx context.Context, conn *jetstream.Conn) (int64, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	s, err := conn.JetStream().Stream(ctx, demoChannel)
	if err != nil {
		return 0, err
	}
	info, err := s.Info(ctx)
	if err != nil {
		return 0, err
	}
	return int64(info.State.LastSeq), nil
}

func (d *demo) startBroker() error {
	p, err := startDemoProc("broker", "BATON_DEMO_PORT="+strconv.Itoa(d.port), "BATON_DEMO_STORE="+filepath.Join(d.dir, "store"))
	if err != nil {
		return err
	}
	d.broker = p
	return p.waitReady()
}

// tally counts how often each job was handled, from the workers' logs.
func (d *demo) tally() (counts []int, lines int) {
	counts = make([]int, d.n)
	for _, path := range d.logs {
		data, _ := os.ReadFile(path)
		for _, f := range bytes.Split(data, []byte{'\n'}) {
			if id, err := strconv.Atoi(string(f)); err == nil && id >= 0 && id < d.n {
				counts[id]++
				lines++
			}
		}
	}
	return counts, lines
}

func (d *demo) done() int {
	counts, _ := d.tally()
	k := 0
	for _, c := range counts {
		if c > 0 {
			k++
		}
	}
	return k
}

// waitDone waits until k distinct jobs are done; a process that fails
// meanwhile, or a minute without progress, ends the demo.
func (d *demo) waitDone(ctx context.Context, k int) error {
	last, since := -1, time.Now()
	for {
		done := d.done()
		if done >= k {
			return nil
		}
		if done != last {
			last, since = done, time.Now()
		} else if time.Since(since) > time.Minute {
			return fmt.Errorf("no progress for a minute at %d/%d jobs", done, d.n)
		}
		if d.producer != nil && d.producer.exited() && d.producer.failed() {
			return fmt.Errorf("producer failed: %s", d.producer.stderrText())
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (d *demo) stopAll() {
	for _, p := range append([]*demoProc{d.broker, d.producer}, d.procs...) {
		if p != nil && !p.exited() {
			p.kill()
		}
	}
}

// demoProc is a process the demo started.
type demoProc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	stderr bytes.Buffer
	lines  chan string // stdout, line by line
	done   chan struct{}
	err    error
}

func (p *demoProc) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.Write(b)
}

func (p *demoProc) stderrText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stderr.String()
}

func startDemoProc(role string, env ...string) (*demoProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = append(append(os.Environ(), demoRoleEnv+"="+role), env...)
	prepareDemoChild(cmd)
	p := &demoProc{cmd: cmd, lines: make(chan string, 16), done: make(chan struct{})}
	cmd.Stderr = p
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", role, err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

func (p *demoProc) waitReady() error {
	select {
	case line, ok := <-p.lines:
		if ok && line == "ready" {
			return nil
		}
	case <-time.After(30 * time.Second):
	}
	p.kill()
	return fmt.Errorf("broker did not start: %s", p.stderrText())
}

// wait waits for the process to exit and decodes its last stdout line.
func (p *demoProc) wait(v any) error {
	var last string
	for line := range p.lines {
		last = line
	}
	<-p.done
	if p.err != nil {
		return fmt.Errorf("%w: %s", p.err, p.stderrText())
	}
	return json.Unmarshal([]byte(last), v)
}

func (p *demoProc) signal(s os.Signal) { _ = p.cmd.Process.Signal(s) }

func (p *demoProc) kill() {
	p.signal(syscall.SIGKILL)
	go func() {
		for range p.lines {
		}
	}()
	<-p.done
}

func (p *demoProc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *demoProc) failed() bool { return p.exited() && p.err != nil }

// runDemoRole runs one process of the demo and returns its exit status.
func runDemoRole(role string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ctx, cancel := watchParent(ctx)
	defer cancel()
	defer cleanUpAfterDemo(role)
	var err error
	switch role {
	case "broker":
		err = demoBroker(ctx)
	case "producer":
		err = demoProducer(ctx)
	case "worker":
		err = demoWorker(ctx)
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
		return 1
	}
	return 0
}

func demoBroker(ctx context.Context) error {
	port, err := strconv.Atoi(os.Getenv("BATON_DEMO_PORT"))
	if err != nil {
		return err
	}
	srv, err := embedded.Start(embedded.Config{Port: port, StoreDir: os.Getenv("BATON_DEMO_STORE")})
	if err != nil {
		return err
	}
	fmt.Println("ready")
	<-ctx.Done()
	srv.Shutdown()
	return nil
}

func demoConnect(ctx context.Context) (*jetstream.Conn, *jetstream.Sender[demoJob], *jetstream.Receiver[demoJob], error) {
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := jetstream.Connect(cctx, os.Getenv("BATON_DEMO_URL"))
	if err != nil {
		return nil, nil, nil, err
	}
	tx, rx, err := jetstream.Bounded[demoJob](cctx, conn, demoChannel, demoCapacity, demoOptions()...)
	if err != nil {
		conn.Close()
		return nil, nil, nil, err
	}
	return conn, tx, rx, nil
}

// demoProducer sends the jobs from 8 goroutines sharing one Sender, then
// prints its stats as JSON.
func demoProducer(ctx context.Context) error {
	n, err := strconv.Atoi(os.Getenv("BATON_DEMO_N"))
	if err != nil {
		return err
	}
	conn, tx, rx, err := demoConnect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	rx.Close()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for id := g; id < n; id += 8 {
				if err := tx.SendContext(ctx, demoJob{ID: id}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(tx.Stats())
}

// demoWorker serves the channel with pool.Serve until SIGTERM: the same
// code as a local worker pool. The handler's work is a pause and one
// append of the job's ID to the log, in a single write, so the log holds
// exactly the work that was done. Then it prints its receiver's stats.
func demoWorker(ctx context.Context) error {
	log, err := os.OpenFile(os.Getenv("BATON_DEMO_LOG"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	work, _ := time.ParseDuration(os.Getenv("BATON_DEMO_WORK"))
	conn, _, rx, err := demoConnect(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	err = pool.Serve(ctx, rx, 8, func(ctx context.Context, j demoJob) error {
		time.Sleep(work)
		_, err := log.WriteString(strconv.Itoa(j.ID) + "\n")
		return err
	})
	rx.Close()
	if ctx.Err() == nil && err != nil {
		return err
	}
	return json.NewEncoder(os.Stdout).Encode(rx.Stats())
}
