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
		`(?m)^took \S+$`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
	// Progress: from the first step, then with the time left once a run
	// is done.
	for _, want := range []string{
		`(?m)^\[1/7\] round 1/2  1 node: starting the servers  elapsed \S+, time left not known yet$`,
		`(?m)^\[\d/7\] round 2/2  1 node  elapsed \S+, about \S+ left$`,
	} {
		if !regexp.MustCompile(want).MatchString(errOut.String()) {
			t.Errorf("progress lacks %s:\n%s", want, errOut.String())
		}
	}
	out.Reset()
	errOut.Reset()
	code = run(ctx, []string{"bench", "jetstream", "-q", "-n", "200", "-rounds", "1", "-r3=false", "-refills", "0", "-ids=false"}, &out, &errOut)
	if code != exitOK || errOut.Len() != 0 {
		t.Fatalf("-q: exit %d, stderr %q", code, errOut.String())
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
