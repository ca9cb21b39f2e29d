//go:build !linux

package autoscale

import "os/exec"

// orphanSignal has no portable equivalent of Linux's parent-death signal;
// elsewhere an orphaned scanner runs until its controller stops it.
func orphanSignal(*exec.Cmd) {}
