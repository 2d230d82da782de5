package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A demo killed with SIGKILL cannot stop its processes or remove its
// directory itself. Three things make up for it: on Linux each child gets
// a death signal (SIGTERM) from the kernel when the demo dies; every child
// also watches for its parent to vanish, where no death signal exists; and
// the broker, which owns the store, removes the demo's directory when it
// outlives the demo. A directory left all the same (the broker killed too)
// is removed by the next run, which finds its owner's process gone.

// demoParentEnv carries the demo's process ID to its children, so that a
// child can tell its parent vanished even if that happened before it looked.
const demoParentEnv = "BATON_DEMO_PARENT"

// demoOwnerFile, in the demo's directory, holds the demo's process ID.
const demoOwnerFile = "owner.pid"

// demoDirPrefix names the demo's directories in os.TempDir.
const demoDirPrefix = "baton-demo-"

// parentWatchEvery is how often a child checks that the demo still runs;
// orphanGrace is how long a child whose demo is gone has to shut down.
const (
	parentWatchEvery = 250 * time.Millisecond
	orphanGrace      = 3 * time.Second
)

// prepareDemoChild makes cmd a child of this demo: it learns the demo's
// process ID, and on Linux the kernel signals it when the demo dies.
func prepareDemoChild(cmd *exec.Cmd) {
	cmd.Env = append(cmd.Env, demoParentEnv+"="+strconv.Itoa(os.Getpid()))
	setDeathSignal(cmd, syscall.SIGTERM)
}

// orphaned reports whether the demo that started this process is gone: the
// process has been handed to another parent.
func orphaned() bool {
	want, err := strconv.Atoi(os.Getenv(demoParentEnv))
	return err == nil && os.Getppid() != want
}

// watchParent returns a context that ends with ctx or when the demo that
// started this process is gone.
func watchParent(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		t := time.NewTicker(parentWatchEvery)
		defer t.Stop()
		for {
			if orphaned() {
				cancel()
				// Nobody waits for this process any more: should
				// its shutdown hang, it must not linger.
				time.AfterFunc(orphanGrace, func() { os.Exit(1) })
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return ctx, cancel
}

// makeDemoDir creates the demo's directory and records its owner, after
// removing the directories of earlier demos whose process is gone.
func makeDemoDir() (string, error) {
	removeStaleDemoDirs(os.TempDir())
	dir, err := os.MkdirTemp("", demoDirPrefix)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(dir, demoOwnerFile), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeStaleDemoDirs removes, under tmp, the demo directories whose
// owner's process no longer exists. A directory without an owner file, or
// whose owner still runs, is left alone.
func removeStaleDemoDirs(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, demoDirPrefix+"*"))
	for _, dir := range dirs {
		raw, err := os.ReadFile(filepath.Join(dir, demoOwnerFile))
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
		if err != nil || pid <= 0 || processExists(pid) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// cleanUpAfterDemo runs as a child of the demo ends. If the demo is gone,
// the broker removes the demo's directory: its store, the workers' logs
// and the owner file. (While the demo runs, the demo removes it.)
func cleanUpAfterDemo(role string) {
	if role != "broker" || !orphaned() {
		return
	}
	dir := filepath.Dir(os.Getenv("BATON_DEMO_STORE"))
	if strings.HasPrefix(filepath.Base(dir), demoDirPrefix) {
		os.RemoveAll(dir)
	}
}
