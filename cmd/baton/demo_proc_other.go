//go:build !linux

package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"syscall"
)

// setDeathSignal does nothing where the kernel has no death signal; the
// children's parent watch (watchParent) stops them instead.
func setDeathSignal(*exec.Cmd, syscall.Signal) {}

// processExists reports whether a process with this ID exists. On Windows
// finding it is the test; elsewhere signal 0 checks without sending
// anything, and EPERM means it exists under another user.
func processExists(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	if runtime.GOOS == "windows" {
		p.Release()
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
