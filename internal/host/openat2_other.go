//go:build !linux

package host

import "golang.org/x/sys/unix"

func openBeneath(int, string, int) (int, error) { return -1, unix.ENOSYS }

func probeOpenat2(int) bool { return false }
