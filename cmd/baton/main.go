// Command baton is baton's command-line companion.
//
// Usage:
//
//	baton <command> [flags]
//
// The commands are:
//
//	bench   run crossbeam-channel's benchmark suite for baton and native
//	        channels, or (--peers) a comparison with other Go queues;
//	        `baton bench <layer>` measures the pool, pipeline and
//	        jetstream layers against their peers
//	demo    run a distributed demo over NATS JetStream
//	tour    walk through message passing with baton, one live step per
//	        concept: spawn and join, channels, select, back-pressure,
//	        errors, mutexes, worker pools and pipelines
//	version print the module's version and the Go version it was built with
//
// Run `baton <command> --help` for a command's flags.
//
// Exit status: 0 when done; 1 when a check failed; 2 for bad input (one
// line on stderr names it; `baton` alone prints the usage on stderr); 130
// when interrupted by SIGINT (Ctrl-C), 143 by SIGTERM, as shells report a
// process killed by those signals.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // a check failed: a regression against the baseline, an idle receiver spinning
	exitUsage       = 2   // bad input
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM; main makes it 143 for SIGTERM
	exitTerminated  = 143 // stopped by SIGTERM: 128 + 15, as a shell reports it
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order of the help. Each command
// other than bench registers itself from its own file with register.
var commands = []command{
	{"bench", "run crossbeam-channel's benchmark suite for baton and native channels, or a peer comparison (--peers)", runBench},
}

// register adds a subcommand; it is called from the init of the file that
// implements the command, so each command lives in files of its own.
func register(c command) {
	for _, have := range commands {
		if have.name == c.name {
			panic("baton: command " + c.name + " registered twice")
		}
	}
	commands = append(commands, c)
}

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	var got os.Signal
	caught := make(chan struct{})
	go func() {
		got = <-sigs
		// A second signal gets the default action: it ends the process
		// at once, should the first one's clean-up hang.
		signal.Stop(sigs)
		close(caught)
		cancel()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	select {
	case <-caught:
		code = interruptedStatus(code, got)
	default:
	}
	os.Exit(code)
}

// interruptedStatus is the exit status of a command that returned code
// after sig stopped it: a command reports any interruption as
// exitInterrupted, which becomes 143 for SIGTERM.
func interruptedStatus(code int, sig os.Signal) int {
	if code == exitInterrupted && sig == syscall.SIGTERM {
		return exitTerminated
	}
	return code
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-version", "--version":
		return runVersion(ctx, args[1:], stdout, stderr)
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			return run(ctx, []string{args[1], "--help"}, stdout, stderr)
		}
		usage(stdout)
		return exitOK
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "baton: unknown command %q (see baton --help)\n", name)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "baton is baton's command-line companion.\n\nUsage:\n\n\tbaton <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s%s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'baton <command> --help' for a command's flags.\n")
}
