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
	var out bytes.Buffer
	if code := run(context.Background(), []string{"demo", "--help"}, &out, &out); code != exitOK || !strings.Contains(out.String(), "distributed") {
		t.Errorf("demo --help: exit %d, %s", code, out.String())
	}
}
