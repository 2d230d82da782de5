package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

// `baton demo stuck` prints a report naming the stage and the item, and
// exits non-zero.
func TestDemoStuck(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a hang becomes a failure
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"demo", "stuck", "-after", "100ms"}, &out, &errOut)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFailed, out.String(), errOut.String())
	}
	for _, want := range []string{"sending to `geocode`", "the worker of `geocode` in its callback", "item 1812", "goroutine"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestDemoStuckBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "stuck", "-after", "0"},
		{"demo", "stuck", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
}
