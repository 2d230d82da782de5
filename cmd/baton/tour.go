package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/baton-go/baton/cmd/baton/tour"
)

const tourUsage = `Usage: baton tour [--list | --step N | --all]

Walks through message passing in Go with baton, one step per section of the
tutorial baton grew from: concurrency vs parallelism, spawn and join,
many producers and one consumer, bounded vs unbounded and select,
back-pressure and timeouts, a Mutex against a channel, errors and edge cases,
worker pools and pipelines, and best practices. Each step explains the idea,
prints its code (the very code that runs, embedded in this program) and runs
it.

On a terminal, with no flag, the tour pauses for Enter between steps (q and
Enter stops). When stdout is not a terminal it runs every step. It needs no
network. Ctrl-C stops it at once; the exit status is then 130.

Flags:
`

func init() {
	register(command{"tour", "walk through message passing with baton, live, one step per concept", runTour})
}

// tourOptions are the parsed flags of `baton tour`.
type tourOptions struct {
	list, all bool
	step      int // 1-based; 0 when not given
}

// parseTour parses the flags of `baton tour`. It returns flag.ErrHelp for
// --help, and otherwise an error that fits on one line.
func parseTour(args []string, steps int, helpOut io.Writer) (tourOptions, error) {
	fs := flag.NewFlagSet("tour", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var o tourOptions
	fs.BoolVar(&o.list, "list", false, "list the steps and exit")
	fs.IntVar(&o.step, "step", 0, fmt.Sprintf("run only step `N`, 1 to %d", steps))
	fs.BoolVar(&o.all, "all", false, "run every step without pausing")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(helpOut, tourUsage)
			fs.SetOutput(helpOut)
			fs.PrintDefaults()
		}
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	stepSet := false
	fs.Visit(func(f *flag.Flag) { stepSet = stepSet || f.Name == "step" })
	if stepSet && (o.step < 1 || o.step > steps) {
		return o, fmt.Errorf("--step must be between 1 and %d, not %d", steps, o.step)
	}
	n := 0
	for _, on := range []bool{o.list, o.all, stepSet} {
		if on {
			n++
		}
	}
	if n > 1 {
		return o, errors.New("--list, --step and --all exclude each other")
	}
	return o, nil
}

// runTour is `baton tour`. It pauses between steps only when stdout is a
// terminal, and then reads Enter from stdin.
func runTour(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var in io.Reader
	if isTerminal(stdout) {
		in = os.Stdin
	}
	return tourMain(ctx, args, stdout, stderr, in)
}

// tourMain runs the tour over the given steps; in, when not nil, is where
// the pauses between steps read Enter from.
func tourMain(ctx context.Context, args []string, stdout, stderr io.Writer, in io.Reader) int {
	steps := tour.Steps()
	o, err := parseTour(args, len(steps), stdout)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "baton tour: %s\n", oneLine(err))
		return exitUsage
	}
	if o.list {
		for i, s := range steps {
			fmt.Fprintf(stdout, "%d. %s\n", i+1, s.Title)
		}
		return exitOK
	}
	first, last := 0, len(steps)
	if o.step > 0 {
		first, last = o.step-1, o.step
	}
	pause := in != nil && o.step == 0 && !o.all
	var lines <-chan string
	if pause {
		lines = readLines(in)
	}
	out := &lockedWriter{w: stdout}
	for i := first; i < last; i++ {
		if err := showStep(ctx, out, i+1, len(steps), steps[i]); err != nil {
			if ctx.Err() != nil {
				fmt.Fprintf(stderr, "baton tour: interrupted in step %d\n", i+1)
				return exitInterrupted
			}
			fmt.Fprintf(stderr, "baton tour: step %d: %s\n", i+1, oneLine(err))
			return exitFailed
		}
		if pause && i+1 < last {
			fmt.Fprintf(out, "\n[Enter: step %d of %d, %s; q and Enter: stop] ", i+2, len(steps), steps[i+1].Title)
			select {
			case line, ok := <-lines:
				if !ok || strings.TrimSpace(line) == "q" {
					fmt.Fprintln(out)
					return exitOK
				}
			case <-ctx.Done():
				fmt.Fprintln(out)
				fmt.Fprintf(stderr, "baton tour: interrupted\n")
				return exitInterrupted
			}
		}
	}
	return exitOK
}

// showStep prints one step: its title, its explanation, its code, then what
// it does when run.
func showStep(ctx context.Context, out io.Writer, n, of int, s tour.Step) error {
	rule := strings.Repeat("─", 72)
	fmt.Fprintf(out, "%s\nStep %d of %d: %s\n%s\n\n%s\n\n", rule, n, of, s.Title, rule, s.Explain)
	fmt.Fprintf(out, "── the code (%s, as compiled into this program) ──\n\n%s\n", s.File, indent(s.Code()))
	fmt.Fprintf(out, "── what it does ──\n\n")
	if err := s.Run(ctx, out); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	return nil
}

// indent shifts every non-empty line of code by four spaces, so that code
// stands apart from prose.
func indent(code string) string {
	var b strings.Builder
	for line := range strings.SplitAfterSeq(code, "\n") {
		if strings.TrimSpace(line) != "" {
			b.WriteString("    ")
		}
		b.WriteString(line)
	}
	return b.String()
}

// readLines reads lines from in on a goroutine of its own, so that a pause
// can wait for Enter and for Ctrl-C at once. The channel closes at the end
// of input. The goroutine ends with the input; a terminal's read cannot be
// interrupted, so after Ctrl-C it ends with the process, which exits at once.
func readLines(in io.Reader) <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(in)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return lines
}

// lockedWriter serializes writes from the goroutines of a step, so that
// lines never mix.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
