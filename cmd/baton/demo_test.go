package main

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The demo, small: its processes are this test binary, re-executed in a
// role (see init in demo.go). It must lose nothing, store each job once,
// and say so.
func TestDemoDistributed(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"demo", "distributed", "-n", "3000", "-work", "500us"}, &out, &errOut)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{
		`(?m)^sent\s+3000\s+confirmed by the broker; it stored 3000 messages`,
		`(?m)^processed\s+3000\s`,
		`(?m)^lost\s+0$`,
		`(?m)^SIGKILL\s+worker 0`,
		`(?m)^SIGKILL\s+broker`,
		`(?m)^redelivered\s+\d+`,
		`(?m)^duplicates dropped\s+\d+`,
	} {
		if !regexp.MustCompile(want).MatchString(out.String()) {
			t.Errorf("output lacks %s:\n%s", want, out.String())
		}
	}
}

func TestDemoBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"demo"},
		{"demo", "centralised"},
		{"demo", "distributed", "-n", "0"},
		{"demo", "distributed", "-workers", "1"},
		{"demo", "distributed", "extra"},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitUsage {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitUsage, errOut.String())
		}
	}
	for _, args := range [][]string{{"demo", "--help"}, {"demo", "distributed", "--help"}, {"demo", "distributed", "-h"}} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), args, &out, &errOut); code != exitOK || !strings.Contains(out.String(), "distributed") || errOut.Len() > 0 {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, out.String(), errOut.String())
		}
	}
	// An error is one line that names the problem, and nothing else.
	for args, want := range map[string]string{
		"distributed --bogus": "baton demo: flag provided but not defined: -bogus (see baton demo --help)\n",
		"--bogus distributed": "baton demo: flag provided but not defined: -bogus (see baton demo --help)\n",
		"distributed extra":   "baton demo: unexpected argument \"extra\" after distributed\n",
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), append([]string{"demo"}, strings.Fields(args)...), &out, &errOut); code != exitUsage || errOut.String() != want {
			t.Errorf("demo %s: exit %d, stderr %q, want %q", args, code, errOut.String(), want)
		}
	}
}
