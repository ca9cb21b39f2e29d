//go:build linux

package autoscale

import (
	"os/exec"
	"syscall"
)

// orphanSignal makes the kernel send SIGTERM to a scanner whose controller
// dies without stopping it (SIGKILL, OOM kill): otherwise the scanner would
// live on unsupervised and, once a new controller starts on the same
// address, work beside the scanners that one starts. The signal is tied to
// the thread that forked the child; Go only retires threads locked with
// LockOSThread, which the scaler never does.
func orphanSignal(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGTERM
}
