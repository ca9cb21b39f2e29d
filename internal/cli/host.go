package cli

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/buildinfo"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/host"
	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/vex"
)

type hostFlags struct {
	scanFlags
	root      string
	skipDirs  []string
	processes bool
	kernel    bool
	maxDepth  int
	maxFiles  int
	caches    bool
	storage   bool
}

// addHostCommands registers the host scan both as 'scanfleet host' and as
// 'scanfleet scan host'. The first is unambiguous; the second is what
// users of other scanners type. As a cobra subcommand of 'scan' it takes
// the literal argument "host" before any image of that name, so an image
// called "host" must be written with a tag or registry ("host:latest",
// "docker.io/library/host"); any other argument still reaches 'scan'.
func addHostCommands(root *cobra.Command, e *env) {
	root.AddCommand(newHostCmd(e))
	for _, c := range root.Commands() {
		if c.Name() == "scan" {
			c.AddCommand(newHostCmd(e))
		}
	}
}

func newHostCmd(e *env) *cobra.Command {
	f := &hostFlags{}
	cmd := &cobra.Command{
		Use:   "host [flags]",
		Short: "Scan this machine's root filesystem (or --root DIR) for installed packages and known vulnerabilities",
		Long: `Scan a live root filesystem with the same analyzers as an image: OS
packages, language packages, and, when scanning the running machine, the
running kernel and the Go binaries and Java archives of running processes.

From a container, mount nothing and run with --pid=host and --root
/proc/1/root: the host's filesystem is reached through its init process.
Kernel interfaces (/proc, /sys, /dev, /run), network and FUSE mounts and
other containers' filesystems are not walked; symlinks are never followed.
Download caches (a Go module cache, ~/.cache, ~/.npm, ~/.cargo/registry,
~/.m2/repository, ~/.gradle/caches, ~/.nuget/packages, /var/cache) hold
what was downloaded, not installed, and container engines' data roots
(Docker, containerd, Podman/CRI-O) hold other containers' images: both are
skipped unless --caches or --container-storage is given.

Progress is shown on a terminal only; otherwise one summary line is
written to standard error at the end.

Exit status is that of 'scan'.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			live := host.IsLive(f.root)
			if !cmd.Flags().Changed("processes") {
				f.processes = live
			}
			if !cmd.Flags().Changed("kernel") {
				f.kernel = live
			}
			return runHost(cmd.Context(), e, f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.root, "root", "/", "root filesystem to scan")
	fl.StringArrayVar(&f.skipDirs, "skip-dirs", nil, "do not walk directories matching this glob (e.g. '/home/*'; repeatable)")
	fl.BoolVar(&f.processes, "processes", true, "report Go binaries and Java archives used by running processes (default: on when --root is the running machine)")
	fl.BoolVar(&f.kernel, "kernel", true, "report the running kernel as a package (default: on when --root is the running machine)")
	fl.IntVar(&f.maxDepth, "max-depth", host.DefaultMaxDepth, "do not walk directories nested deeper than this")
	fl.IntVar(&f.maxFiles, "max-files", host.DefaultMaxFiles, "stop walking after this many entries")
	fl.BoolVar(&f.caches, "caches", false, "also walk download caches (Go module cache, ~/.cache, ~/.npm, ~/.m2/repository, ...)")
	fl.BoolVar(&f.storage, "container-storage", false, "also walk container engines' data roots (other containers' images and filesystems)")
	fl.StringVarP(&f.format, "format", "f", "table", "output format: "+strings.Join(output.Formats, ", "))
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of standard output")
	fl.StringVar(&f.resultsDir, "results-dir", "", "also write the JSON report to DIR/"+resultFile)
	fl.StringVar(&f.dbPath, "db", "", "vulnerability database file (default $SCANFLEET_DB or the user cache)")
	fl.BoolVar(&f.skipDB, "skip-db", false, "list packages only; do not match vulnerabilities")
	fl.StringVar(&f.severity, "severity", "", "report only these severities (comma-separated: "+report.SeverityNames()+")")
	fl.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "report only findings that have a fix")
	fl.IntVar(&f.exitCode, "exit-code", 0, "exit with this status when findings remain after filtering")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
	fl.DurationVar(&f.timeout, "timeout", 30*time.Minute, "give up on the scan after this long")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on standard error")
	f.send.bind(fl, false)
	return cmd
}

// hostMemoryLimit is the soft limit of the Go heap during a host scan: the
// live data of a scan of half a million files and 30,000 packages is about
// 45 MiB (docs/benchmarks.md).
const hostMemoryLimit = 64 << 20

func runHost(ctx context.Context, e *env, f *hostFlags) error {
	sev, err := output.ParseSeverities(f.severity)
	if err != nil {
		return usagef("--severity: %v", err)
	}
	if !contains(output.Formats, f.format) {
		return usagef("--format must be one of %s, not %q", strings.Join(output.Formats, ", "), f.format)
	}
	if err := f.send.check(e.Getenv, f.skipDB); err != nil {
		return err
	}
	var vexSet *vex.Set
	if len(f.vex) > 0 {
		if vexSet, err = vex.Load(f.vex...); err != nil {
			return err
		}
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}
	// A host scan runs on every node of a cluster, beside its workloads:
	// keep the Go heap near hostMemoryLimit (a soft limit: the collector
	// runs more often near it, nothing fails past it) instead of letting
	// it grow to twice the live data. GOMEMLIMIT overrides it.
	if e.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(hostMemoryLimit))
	}
	matcher, closeDB, err := openMatcher(&f.scanFlags)
	if err != nil {
		return err
	}
	defer closeDB()

	opts := host.ScanOptions{
		Options: host.Options{
			SkipDirs:         f.skipDirs,
			MaxDepth:         f.maxDepth,
			MaxFiles:         f.maxFiles,
			Caches:           f.caches,
			ContainerStorage: f.storage,
		},
		Processes:      f.processes,
		Kernel:         f.kernel,
		ScannerVersion: buildinfo.Version(),
	}
	// Progress redraws a line on a terminal; anywhere else (a log) it
	// would be one endless line, so one summary line is written instead.
	tty := cmdio.IsTerminal(e.Stderr)
	var walked int
	var skipped []string
	start := time.Now()
	if !f.quiet {
		opts.Progress = func(n int) {
			walked = n
			if tty {
				fmt.Fprintf(e.Stderr, "\rwalked %d entries", n)
			}
		}
		opts.Skipped = func(dir, why string) { skipped = append(skipped, dir+": "+why) }
	}
	rep, err := host.Scan(ctx, f.root, opts)
	if !f.quiet {
		if tty {
			fmt.Fprintln(e.Stderr)
		}
		if err == nil {
			line := fmt.Sprintf("host %s: walked %d entries, %d packages, in %.1f s", f.root, walked, len(rep.Packages), time.Since(start).Seconds())
			if len(skipped) > 0 {
				sort.Strings(skipped)
				if n := len(skipped); n > 10 {
					skipped = append(skipped[:10], fmt.Sprintf("%d more", n-10))
				}
				line += "; not walked: " + strings.Join(skipped, ", ")
			}
			fmt.Fprintln(e.Stderr, line)
		}
	}
	if err != nil {
		return fmt.Errorf("scan host %s: %w", f.root, err)
	}
	if matcher != nil {
		vulns, cov, err := matcher.Match(ctx, rep.OS, rep.Packages)
		if err != nil {
			return fmt.Errorf("scan host %s: matching: %w", f.root, err)
		}
		if vulns != nil {
			rep.Vulnerabilities = vulns
		}
		rep.Coverage = cov
		rep.DB = matcher.Info()
	} else {
		rep.Warnings = append(rep.Warnings, "vulnerability matching skipped (--skip-db): packages only")
	}
	if vexSet != nil {
		vexSet.Apply(rep)
	}
	return sendAndEmit(ctx, e, rep, &f.scanFlags, sev)
}
