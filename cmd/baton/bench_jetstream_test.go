package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"
)

func TestBenchJetStreamSmall(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"bench", "jetstream", "-n", "500", "-rounds", "2", "-r3=false", "-refills", "1"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{
		`(?m)^1 node, file\s+raw\s+\d+\s+\d+–\d+`,
		`(?m)^1 node, file\s+baton\s+\d+\s+\d+–\d+\s+\d+%$`,
		`room to accepted send: median`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}

func TestBenchJetStreamBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"bench", "jetstream", "-n", "0"},
		{"bench", "jetstream", "-rounds", "-1"},
		{"bench", "jetstream", "-refills", "-1"},
		{"bench", "jetstream", "extra"},
		{"bench", "jetstream", "-nope"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage {
			t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
		}
	}
	var out bytes.Buffer
	if code := run(context.Background(), []string{"bench", "jetstream", "--help"}, &out, &out); code != exitOK {
		t.Errorf("--help: exit %d", code)
	}
}
