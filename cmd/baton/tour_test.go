package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/baton-go/baton/cmd/baton/tour"
	"go.uber.org/goleak"
)

func TestTourList(t *testing.T) {
	code, stdout, stderr := runArgs(context.Background(), "tour", "--list")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	steps := tour.Steps()
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if len(lines) != len(steps) {
		t.Fatalf("--list printed %d lines for %d steps:\n%s", len(lines), len(steps), stdout)
	}
	for i, s := range steps {
		if !strings.HasSuffix(lines[i], s.Title) || !strings.HasPrefix(lines[i], string(rune('1'+i))+". ") {
			t.Errorf("line %d: %q, want step %d, %q", i, lines[i], i+1, s.Title)
		}
	}
}

func TestTourBadInput(t *testing.T) {
	for name, args := range map[string][]string{
		"step 0":            {"tour", "--step", "0"},
		"step 99":           {"tour", "--step", "99"},
		"negative step":     {"tour", "--step", "-1"},
		"step not a number": {"tour", "--step", "two"},
		"unknown flag":      {"tour", "--fast"},
		"extra argument":    {"tour", "3"},
		"two modes":         {"tour", "--all", "--step", "2"},
	} {
		code, stdout, stderr := runArgs(context.Background(), args...)
		if code != exitUsage {
			t.Errorf("%s: exit %d, want %d", name, code, exitUsage)
		}
		if stdout != "" {
			t.Errorf("%s: wrote to stdout: %q", name, stdout)
		}
		if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "baton tour: ") {
			t.Errorf("%s: stderr is not one line: %q", name, stderr)
		}
	}
}

func TestTourHelp(t *testing.T) {
	code, stdout, _ := runArgs(context.Background(), "tour", "--help")
	if code != exitOK || !strings.Contains(stdout, "--step") || !strings.Contains(stdout, "Enter") {
		t.Errorf("exit %d: %q", code, stdout)
	}
	_, stdout, _ = runArgs(context.Background(), "--help")
	if !strings.Contains(stdout, "tour") {
		t.Errorf("baton --help does not list tour: %q", stdout)
	}
}

// TestTourOneStep checks what a step prints around its output: the title,
// the explanation and the embedded code, then the output.
func TestTourOneStep(t *testing.T) {
	s := tour.Steps()[5]
	code, stdout, stderr := runArgs(context.Background(), "tour", "--step", "6")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	title := strings.Index(stdout, "Step 6 of 9: "+s.Title)
	explain := strings.Index(stdout, s.Explain)
	src := strings.Index(stdout, indent(s.Code()))
	output := strings.Index(stdout, "Final count: 5 (guard.Mutex)")
	if title < 0 || explain < title || src < explain || output < src {
		t.Errorf("title %d, explanation %d, code %d, output %d: want them all, in that order:\n%s",
			title, explain, src, output, stdout)
	}
	if strings.Contains(stdout, "Step 5") || strings.Contains(stdout, "Step 7") {
		t.Errorf("--step 6 ran other steps")
	}
}

// TestTourAll runs the whole tour the way a pipe sees it: every step, no
// pause.
func TestTourAll(t *testing.T) {
	for _, args := range [][]string{{"tour", "--all"}, {"tour"}} {
		code, stdout, stderr := runArgs(context.Background(), args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		for i, s := range tour.Steps() {
			if !strings.Contains(stdout, "Step "+string(rune('1'+i))+" of 9: "+s.Title) {
				t.Errorf("%v: step %d missing", args, i+1)
			}
		}
		if strings.Contains(stdout, "[Enter") {
			t.Errorf("%v: paused although stdout is not a terminal", args)
		}
	}
}

// TestTourPauses drives the interactive mode with a pipe for the keyboard.
func TestTourPauses(t *testing.T) {
	in := strings.NewReader("\n\nq\n")
	var out bytes.Buffer
	code := tourMain(context.Background(), nil, &out, io.Discard, in)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	got := out.String()
	if n := strings.Count(got, "[Enter: step"); n != 3 {
		t.Errorf("%d pauses, want 3 (after steps 1, 2 and 3, then q)", n)
	}
	if !strings.Contains(got, "Step 3 of 9") || strings.Contains(got, "Step 4 of 9") {
		t.Errorf("q after step 3 did not stop there")
	}

	// The end of input stops the tour too, instead of running on unasked.
	out.Reset()
	if code := tourMain(context.Background(), nil, &out, io.Discard, strings.NewReader("")); code != exitOK ||
		strings.Contains(out.String(), "Step 2 of 9") {
		t.Errorf("end of input: exit %d, output %q", code, out.String())
	}

	// --all never pauses, even on a terminal.
	out.Reset()
	if code := tourMain(context.Background(), []string{"--all"}, &out, io.Discard, strings.NewReader("")); code != exitOK ||
		!strings.Contains(out.String(), "Step 9 of 9") {
		t.Errorf("--all with input: exit %d", code)
	}
}

// cancelOn is a writer that cancels a context once its output contains a
// marker.
type cancelOn struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker string
	cancel func()
}

func (c *cancelOn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.buf.Write(p)
	if strings.Contains(c.buf.String(), c.marker) {
		c.cancel()
	}
	return n, err
}

// TestTourInterrupt stops the tour, as Ctrl-C does, in the middle of a step
// and while it waits for Enter: exit 130, and no goroutine left running.
func TestTourInterrupt(t *testing.T) {
	for _, marker := range []string{"Step 3 of 9", "select: int 0", "pool: 12 submitted", "sent msg1 after"} {
		ctx, cancel := context.WithCancel(context.Background())
		out := &cancelOn{marker: marker, cancel: cancel}
		var errOut bytes.Buffer
		code := tourMain(ctx, []string{"--all"}, out, &errOut, nil)
		cancel()
		if code != exitInterrupted || !strings.Contains(errOut.String(), "interrupted") {
			t.Errorf("cancelled at %q: exit %d, stderr %q", marker, code, errOut.String())
		}
		if strings.Contains(out.buf.String(), "Step 9 of 9") {
			t.Errorf("cancelled at %q: the tour went on to the end", marker)
		}
		goleak.VerifyNone(t)
	}

	// While paused: the keyboard never answers.
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	out := &cancelOn{marker: "[Enter", cancel: cancel}
	code := tourMain(ctx, nil, out, io.Discard, pr)
	pw.Close() // ends the line reader, as the process's exit would
	if code != exitInterrupted {
		t.Errorf("cancelled while paused: exit %d", code)
	}
	goleak.VerifyNone(t)
}
