package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/baton-go/baton/observe"
	obsdemo "github.com/baton-go/baton/observe/demo"
)

// moreDemos are the demos besides distributed, by the word after `demo`.
var moreDemos = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"pipeline": runDemoPipeline,
	"stuck":    runDemoStuck,
}

const demoPipelineUsage = `Usage: baton demo pipeline [flags]

Runs a demo pipeline (read → decode → resize → tag → store, the store
stage submitting to a pool named upload) with one deliberately slow stage,
resize, and serves observe's live view of it: open the printed address in
a browser to watch each stage's rate, buffers, busy and blocked time, with
resize highlighted as the bottleneck, and the pool's task rate.
/metrics and /api/state are served beside the page.

Runs until interrupted (or for -for). Exit status: 0 when stopped; 1 when
the pipeline or the server failed; 2 for bad input.

Flags:
`

func runDemoPipeline(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo pipeline", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	addr := fs.String("web", ":8080", "address to serve the live view on")
	slow := fs.Duration("slow", 2*time.Millisecond, "time the slow stage takes per item, on each of its 2 workers")
	limit := fs.Duration("for", 0, "stop after this long (0: run until interrupted)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, demoPipelineUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintf(stderr, "baton demo pipeline: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 || *slow <= 0 || *limit < 0 {
		fmt.Fprintf(stderr, "baton demo pipeline: want -slow > 0, -for >= 0 and no arguments, got %v\n", fs.Args())
		return exitUsage
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "baton demo pipeline: %v\n", err)
		return exitFailed
	}
	o := observe.New()
	d := obsdemo.New(*slow)
	if err := o.Register(nil, obsdemo.PipelineName, d.Monitor); err != nil {
		panic(err) // a fresh Observer has no names yet
	}
	if err := o.Register(nil, obsdemo.PoolName, d.Pool); err != nil {
		panic(err)
	}
	srv := &http.Server{Handler: o.Handler(), ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "baton demo pipeline: the live view is at http://%s/ (stage %s is slow on purpose); Ctrl-C stops\n",
		browsable(ln.Addr()), obsdemo.SlowStage)

	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	if *limit > 0 {
		runCtx, stop = context.WithTimeout(ctx, *limit)
		defer stop()
	}
	ran := make(chan error, 1)
	go func() { ran <- d.Run(runCtx) }()
	var runErr, srvErr error
	select {
	case runErr = <-ran:
	case srvErr = <-served:
		stop()
		runErr = <-ran
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx) // the page polls: nothing is lost by cutting it off
	if srvErr != nil && !errors.Is(srvErr, http.ErrServerClosed) {
		fmt.Fprintf(stderr, "baton demo pipeline: serving: %v\n", srvErr)
		return exitFailed
	}
	if runErr != nil {
		fmt.Fprintf(stderr, "baton demo pipeline: %v\n", runErr)
		return exitFailed
	}
	s := d.Monitor.Stages()
	fmt.Fprintf(stdout, "stopped after %d items stored\n", s[len(s)-1].In)
	return exitOK
}

// browsable turns a listening address into one a browser can open: a
// wildcard host becomes localhost.
func browsable(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if ip := net.ParseIP(host); ip == nil || ip.IsUnspecified() {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}
