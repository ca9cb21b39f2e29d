package host

import "golang.org/x/sys/unix"

// openBeneath opens rel beneath the directory dirFD with openat2, which
// refuses ".." out of it, every symlink and /proc magic links.
func openBeneath(dirFD int, rel string, flags int) (int, error) {
	return unix.Openat2(dirFD, rel, &unix.OpenHow{
		Flags:   uint64(flags),
		Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
	})
}

// probeOpenat2 reports whether openat2 works here: it is missing before
// Linux 5.6 and some seccomp profiles refuse it.
func probeOpenat2(dirFD int) bool {
	fd, err := openBeneath(dirFD, ".", unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC)
	if err != nil {
		return false
	}
	unix.Close(fd)
	return true
}
