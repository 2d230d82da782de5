// Command baton is baton's command-line companion.
//
// Usage:
//
//	baton <command> [flags]
//
// The commands are:
//
//	bench   run crossbeam-channel's benchmark suite for baton and native
//	        channels, or (--peers) a comparison with other Go queues
//	tour    walk through message passing with baton, one live step per
//	        concept: spawn and join, channels, select, back-pressure,
//	        errors, mutexes, worker pools and pipelines
//
// Run `baton <command> --help` for a command's flags.
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
	exitInterrupted = 130 // stopped by SIGINT or SIGTERM
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
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
