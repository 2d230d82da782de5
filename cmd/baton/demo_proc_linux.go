package main

import (
	"errors"
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel send sig to cmd's process when the thread
// that started it ends. Go ends a thread only when a goroutine locked to it
// returns, which the demo never does, so the signal comes when the demo
// dies, SIGKILL included.
func setDeathSignal(cmd *exec.Cmd, sig syscall.Signal) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = sig
}

// processExists reports whether a process with this ID exists: signal 0
// checks without sending anything, and EPERM means it exists under another
// user.
func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
