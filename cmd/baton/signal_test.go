package main

import (
	"os"
	"syscall"
	"testing"
)

// A command stopped by a signal exits as a shell reports a process killed
// by it: 130 for SIGINT, 143 for SIGTERM.
func TestSignalExitStatus(t *testing.T) {
	for _, c := range []struct {
		sig  os.Signal
		want int
	}{{os.Interrupt, 130}, {syscall.SIGTERM, 143}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			// Long enough never to finish: the signal ends it.
			p := startBaton(t, nil, "bench", "--cases", "spsc", "--n", "100000", "--rounds", "1000")
			waitLine(t, p.stderr, "[")
			if err := p.cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			if got := p.exit(t); got != c.want {
				t.Fatalf("exit status %d, want %d", got, c.want)
			}
		})
	}
}

func TestInterruptedStatus(t *testing.T) {
	for _, c := range []struct {
		code int
		sig  os.Signal
		want int
	}{
		{exitInterrupted, os.Interrupt, 130},
		{exitInterrupted, syscall.SIGTERM, 143},
		{exitOK, syscall.SIGTERM, exitOK},         // finished before it noticed
		{exitFailed, syscall.SIGTERM, exitFailed}, // failed on its own
	} {
		if got := interruptedStatus(c.code, c.sig); got != c.want {
			t.Errorf("interruptedStatus(%d, %v) = %d, want %d", c.code, c.sig, got, c.want)
		}
	}
}
