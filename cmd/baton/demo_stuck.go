package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	obsdemo "github.com/baton-go/baton/observe/demo"
)

const demoStuckUsage = `Usage: baton demo stuck [flags]

Runs a pipeline that hangs on purpose (load → parse → geocode → save, where
geocode waits, on item 1812, for an answer that never comes), waits until
nothing has moved for -after, prints the stall report (the stage holding
everything back, the chain of stages waiting on it, the item, and the stuck
goroutine's stack) and exits with status 1, as a watchdog would.

Exit status: 1 with a report (the demo's purpose); 2 for bad input; 130
when interrupted.

Flags:
`

func runDemoStuck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo stuck", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	after := fs.Duration("after", 2*time.Second, "report once nothing has moved for this long")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, demoStuckUsage)
			fs.SetOutput(stdout)
			fs.PrintDefaults()
			return exitOK
		}
		fmt.Fprintf(stderr, "baton demo stuck: %v\n", err)
		return exitUsage
	}
	if fs.NArg() > 0 || *after <= 0 {
		fmt.Fprintf(stderr, "baton demo stuck: want -after > 0 and no arguments, got %v\n", fs.Args())
		return exitUsage
	}
	fmt.Fprintf(stdout, "baton demo stuck: running a pipeline that hangs on purpose; the report comes after %v without movement\n", *after)
	report, err := obsdemo.Stuck(ctx, *after)
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "baton demo stuck: interrupted")
		return exitInterrupted
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton demo stuck: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, report)
	return exitFailed
}
