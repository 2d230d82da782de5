package main

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// processHangLimit turns a process that never gets where a test waits for
// into a failure; no test depends on how fast it gets there.
const processHangLimit = 2 * time.Minute

// batonProcess is this test binary started as the baton command with args.
type batonProcess struct {
	cmd    *exec.Cmd
	stdout chan string // lines
	stderr chan string // lines
	done   chan struct{}
}

func startBaton(t *testing.T, env []string, args ...string) *batonProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(append(os.Environ(), testAsBatonEnv+"=1"), env...)
	p := &batonProcess{cmd: cmd, stdout: make(chan string, 1024), stderr: make(chan string, 1024), done: make(chan struct{})}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	errOut, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := func(r io.Reader, ch chan string, done chan<- struct{}) {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			select {
			case ch <- sc.Text():
			default: // nobody reads this far; keep the pipe flowing
			}
		}
		close(done)
	}
	outDone, errDone := make(chan struct{}), make(chan struct{})
	go lines(out, p.stdout, outDone)
	go lines(errOut, p.stderr, errDone)
	go func() {
		<-outDone
		<-errDone
		close(p.done)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
		_ = cmd.Wait()
	})
	return p
}

// waitLine waits for a line of ch that starts with prefix and returns it.
func waitLine(t *testing.T, ch <-chan string, prefix string) string {
	t.Helper()
	deadline := time.After(processHangLimit)
	for {
		select {
		case line := <-ch:
			if strings.HasPrefix(line, prefix) {
				return line
			}
		case <-deadline:
			t.Fatalf("no line starting with %q", prefix)
		}
	}
}

// exit waits for the process to end and returns its exit status.
func (p *batonProcess) exit(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(processHangLimit):
		t.Fatal("the process did not end")
	}
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}
