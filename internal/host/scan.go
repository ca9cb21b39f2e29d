package host

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/inventory"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// LayerDigest is the pseudo layer digest a host's packages are attributed
// to: inventory.Merge attributes packages to layers, and a host is one.
const LayerDigest = "host"

// ScanOptions extend Options with what a scan of a running machine adds to
// the filesystem walk.
type ScanOptions struct {
	Options
	// ProcDir is the proc filesystem describing the running machine
	// ("" : /proc). With a container started with --pid=host, /proc is the
	// host's.
	ProcDir string
	// Processes adds the Go binaries and Java archives that running
	// processes use (report.Package.Processes).
	Processes bool
	// Kernel adds the running kernel as a package (see runningKernel).
	Kernel bool
	// ScannerVersion goes into the report.
	ScannerVersion string
}

// IsLive reports whether root is the running machine's root filesystem as
// seen by the scanner: "/" or "/proc/PID/root". Process and kernel facts
// are about the running machine, and make no sense for a directory that
// merely holds a root filesystem.
func IsLive(root string) bool {
	abs, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	return abs == "/" || procRoot.MatchString(abs)
}

// Info describes the machine whose root is root: host name (root's
// etc/hostname, else the kernel's for "/"), and, when root is the running
// machine's (IsLive), the running kernel's release (read from
// /proc/sys/kernel/osrelease under root when root has its proc mounted,
// else from ours: the kernel is the same). An unpacked tree runs no
// kernel, so this machine's is not reported as its.
func Info(root string) (*report.Host, error) {
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("host root %s: %w", root, err)
	}
	defer r.Close()
	return info(r, root, "/proc"), nil
}

func info(r *os.Root, root, procDir string) *report.Host {
	h := &report.Host{Root: root, Hostname: hostname(r, root == "/")}
	if !IsLive(root) {
		return h
	}
	if b, err := readRootFile(r, "proc/sys/kernel/osrelease", 4096); err == nil {
		h.Kernel = strings.TrimSpace(string(b))
	} else if rel, err := kernelRelease(procDir); err == nil {
		h.Kernel = rel
	}
	return h
}

// Scan walks root and assembles a report (without vulnerabilities: the
// caller matches rep.OS and rep.Packages). Warnings say what was skipped or
// not understood.
func Scan(ctx context.Context, root string, opts ScanOptions) (*report.Report, error) {
	procDir := opts.ProcDir
	if procDir == "" {
		procDir = "/proc"
	}
	var warnings []string
	userWarn := opts.Warn
	opts.Warn = func(msg string) {
		warnings = append(warnings, msg)
		if userWarn != nil {
			userWarn(msg)
		}
	}
	a, err := Analyze(ctx, root, opts.Options)
	if err != nil {
		return nil, err
	}
	inv := inventory.Merge([]*layer.Analysis{a}, []report.Layer{{Digest: LayerDigest}}, all.OSPriority)
	r, err := os.OpenRoot(root)
	if err != nil {
		return nil, fmt.Errorf("host root %s: %w", root, err)
	}
	defer r.Close()
	h := info(r, root, procDir)
	pkgs := inv.Packages
	if opts.Kernel && h.Kernel == "" && !IsLive(root) {
		opts.Warn(fmt.Sprintf("running kernel not reported: %s is not the running machine's root (/ or /proc/PID/root)", root))
	}
	if opts.Kernel && h.Kernel != "" {
		k, why := runningKernel(procDir, h.Kernel, inv.OS, pkgs)
		if k != nil {
			k.Layer = LayerDigest
			pkgs = append(pkgs, *k)
		} else if why != "" {
			opts.Warn(why)
		}
	}
	if opts.Processes {
		walked := make(map[string]bool, len(a.Files))
		for _, f := range a.Files {
			walked[f.Path] = true
		}
		pkgs, err = processPackages(ctx, r, procDir, pkgs, ownerIndex(a), walked, opts.Warn)
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			opts.Warn("running processes not scanned: " + err.Error())
		}
	}
	rep := &report.Report{
		SchemaVersion:   report.SchemaVersion,
		Host:            h,
		OS:              inv.OS,
		Packages:        pkgs,
		Vulnerabilities: []report.Vulnerability{},
		ScannedAt:       time.Now().UTC(),
		ScannerVersion:  opts.ScannerVersion,
	}
	if rep.Packages == nil {
		rep.Packages = []report.Package{}
	}
	rep.Warnings = append(rep.Warnings, warnings...)
	for _, p := range inv.Problems {
		rep.Warnings = append(rep.Warnings, "not understood: "+p)
	}
	return rep, nil
}

// ownerIndex returns who installed a path, from the OS package file lists
// the walk read (dpkg's info/*.list).
func ownerIndex(a *layer.Analysis) func(string) string {
	var idx map[string]string
	return func(rel string) string {
		if idx == nil {
			idx = map[string]string{}
			for _, f := range a.Files {
				if f.Result == nil || f.Result.Owns == nil {
					continue
				}
				for _, p := range f.Result.Owns.Paths {
					if o, ok := idx[p]; !ok || f.Result.Owns.Owner < o {
						idx[p] = f.Result.Owns.Owner
					}
				}
			}
		}
		return idx[rel]
	}
}
