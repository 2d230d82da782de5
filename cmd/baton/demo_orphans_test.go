package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// A demo killed with SIGKILL leaves no process and no directory behind: its
// broker, workers and producer stop, and its directory goes.
func TestDemoKilledLeavesNothing(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("finds the demo's children in /proc")
	}
	tmp := t.TempDir()
	// Big enough to be mid-run when it is killed.
	p := startBaton(t, []string{"TMPDIR=" + tmp}, "demo", "distributed", "-n", "1000000", "-work", "1ms")
	waitLine(t, p.stdout, "producer")
	children := childrenOf(t, p.cmd.Process.Pid)
	if len(children) != 5 { // broker, 3 workers, producer
		t.Fatalf("the demo has %d children, want 5: %v", len(children), children)
	}
	dirs, _ := filepath.Glob(filepath.Join(tmp, demoDirPrefix+"*"))
	if len(dirs) != 1 {
		t.Fatalf("demo directories %v, want one", dirs)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	p.exit(t)
	deadline := time.Now().Add(processHangLimit)
	for {
		var alive []int
		for _, pid := range children {
			if running(pid) {
				alive = append(alive, pid)
			}
		}
		_, err := os.Stat(dirs[0])
		if len(alive) == 0 && os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the demo's SIGKILL: children %v still run; directory %s: %v", alive, dirs[0], err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// childrenOf lists the processes whose parent is pid, from /proc.
func childrenOf(t *testing.T, pid int) []int {
	t.Helper()
	stats, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, path := range stats {
		state, ppid, ok := procStat(path)
		if ok && ppid == pid && state != "Z" {
			child, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
			out = append(out, child)
		}
	}
	return out
}

// running reports whether pid exists and is not a zombie (a zombie has
// ended; it only waits to be reaped by whichever process adopted it).
func running(pid int) bool {
	state, _, ok := procStat("/proc/" + strconv.Itoa(pid) + "/stat")
	return ok && state != "Z"
}

// procStat reads a process's state and parent from its /proc stat file:
// "pid (comm) state ppid ...", where comm may hold spaces and parentheses.
func procStat(path string) (state string, ppid int, ok bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", 0, false
	}
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return "", 0, false
	}
	ppid, err = strconv.Atoi(f[1])
	return f[0], ppid, err == nil
}

// A directory an earlier demo left is removed by the next run once its
// owner's process is gone; any other is left alone.
func TestRemoveStaleDemoDirs(t *testing.T) {
	tmp := t.TempDir()
	gone := exec.Command(os.Args[0], "-test.run=^$")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	dir := func(prefix, owner string) string {
		d, err := os.MkdirTemp(tmp, prefix)
		if err != nil {
			t.Fatal(err)
		}
		if owner != "" {
			if err := os.WriteFile(filepath.Join(d, demoOwnerFile), []byte(owner), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return d
	}
	stale := dir(demoDirPrefix, strconv.Itoa(gone.Process.Pid))
	keep := []string{
		dir(demoDirPrefix, strconv.Itoa(os.Getpid())), // its demo still runs
		dir(demoDirPrefix, ""),                        // no owner: not known to be the demo's
		dir(demoDirPrefix, "garbage"),
		dir("other-", strconv.Itoa(gone.Process.Pid)), // not a demo's
	}
	removeStaleDemoDirs(tmp)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale %s: %v, want it removed", stale, err)
	}
	for _, d := range keep {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s: %v, want it kept", d, err)
		}
	}
}

func TestOrphaned(t *testing.T) {
	t.Setenv(demoParentEnv, strconv.Itoa(os.Getppid()))
	if orphaned() {
		t.Error("orphaned with its parent alive")
	}
	t.Setenv(demoParentEnv, strconv.Itoa(os.Getpid())) // not our parent
	if !orphaned() {
		t.Error("not orphaned though the parent it was given is not its parent")
	}
	t.Setenv(demoParentEnv, "")
	if orphaned() {
		t.Error("orphaned without a demo")
	}
}
