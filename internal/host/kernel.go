package host

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/scanfleet/scanfleet/internal/report"
)

// debianKernelVersion finds the package version in /proc/version of a
// Debian kernel: "... #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)".
var debianKernelVersion = regexp.MustCompile(`\bDebian ([0-9][0-9A-Za-z.+~:-]*)`)

// kernelRelease returns the running kernel's release (uname -r). The
// kernel is shared by every container, so the scanner's own /proc tells
// the host's.
func kernelRelease(procDir string) (string, error) {
	b, err := readBounded(filepath.Join(procDir, "sys/kernel/osrelease"), 4096)
	if err != nil {
		return "", fmt.Errorf("kernel release: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// runningKernel returns the running kernel as a Debian package, when it is
// a Debian kernel on a Debian system, or nil and why not.
//
// Debian's advisories for the kernel are about the source package "linux",
// and an installed kernel is a binary package linux-image-RELEASE built
// from it (dpkg Source: linux). Matching those dpkg packages alone would
// match what is installed, not what runs: after an upgrade without a
// reboot, or with older kernels kept, the running kernel is a different
// version, and a kernel package removed while running is not in dpkg at
// all. So the running kernel is reported as its own deb package, named
// like Debian's binary package ("linux-image-" + uname -r), with source
// "linux" and the version the kernel states in /proc/version; the matcher
// then looks up Debian's "linux" advisories with exactly that version.
// When dpkg already lists that package at that version, it is the same
// package and nothing is added.
func runningKernel(procDir, release string, osInfo *report.OS, pkgs []report.Package) (*report.Package, string) {
	if osInfo == nil || (osInfo.ID != "debian" && !slices.Contains(osInfo.IDLike, "debian")) || osInfo.ID == "ubuntu" {
		return nil, "running kernel " + release + " not matched: only Debian kernels are recognised"
	}
	b, err := readBounded(filepath.Join(procDir, "version"), 4096)
	if err != nil {
		return nil, "running kernel " + release + " not matched: " + err.Error()
	}
	// The compiler's version may say "Debian" too ("(gcc-12 (Debian
	// 12.2.0-14) 12.2.0)"); the kernel's comes last, after "#1 SMP".
	all := debianKernelVersion.FindAllSubmatch(b, -1)
	if len(all) == 0 {
		return nil, "running kernel " + release + " not matched: not a Debian kernel (/proc/version names no Debian version)"
	}
	v := string(all[len(all)-1][1])
	name := "linux-image-" + release
	for _, p := range pkgs {
		if p.Type == report.TypeDeb && p.Name == name && p.Version == v {
			return nil, ""
		}
	}
	return &report.Package{
		Name:          name,
		Version:       v,
		Type:          report.TypeDeb,
		SourceName:    "linux",
		SourceVersion: v,
		Path:          "proc/version",
	}, ""
}

// hostname returns root's configured host name (etc/hostname), else, for
// the scanner's own root, the kernel's.
func hostname(root *os.Root, isSelf bool) string {
	if b, err := readRootFile(root, "etc/hostname", 4096); err == nil {
		if h, _, _ := strings.Cut(string(b), "\n"); strings.TrimSpace(h) != "" {
			return strings.TrimSpace(h)
		}
	}
	if isSelf {
		h, _ := os.Hostname()
		return h
	}
	return ""
}

// readRootFile reads a small regular file inside root, without following a
// final symlink and without blocking on a FIFO.
func readRootFile(root *os.Root, rel string, limit int64) ([]byte, error) {
	f, err := root.OpenFile(rel, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", rel)
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is over %d bytes", rel, limit)
	}
	return b, nil
}
