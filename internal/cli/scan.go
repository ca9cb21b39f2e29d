package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/buildinfo"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/sbom"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/vex"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// resultFile is the name NeuVector's standalone scanner writes.
const resultFile = "scan_result.json"

type scanFlags struct {
	format        string
	output        string
	resultsDir    string
	layers        bool
	platform      string
	username      string
	password      string
	passwordStdin bool
	dockerConfig  string
	insecure      bool
	caCert        string
	dockerHost    string
	dbPath        string
	skipDB        bool
	severity      string
	ignoreUnfixed bool
	minEPSS       string
	kevOnly       bool
	exitCode      int
	timeout       time.Duration
	stallTimeout  time.Duration
	quiet         bool
	cacheDir      string
	noCache       bool
	vex           []string
	sbomOnly      bool
	registryToken string
	// platformSet is true when --platform was given: a single-platform
	// image of another platform is then refused rather than scanned.
	platformSet bool
	// send says where to send the report besides the local output
	// (submit.go).
	send submitFlags
}

func newScanCmd(e *env) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "scan [flags] IMAGE",
		Short: "Scan one image for installed packages and known vulnerabilities",
		Long: `Scan one image. IMAGE is one of:
  REGISTRY/REPO:TAG or REGISTRY/REPO@sha256:...   from a registry (Registry HTTP API v2)
  docker-archive:PATH[:REPO:TAG]                  what 'docker save' writes
  oci-archive:PATH[:TAG]                          a tar of an OCI image layout
  oci:DIR                                         an OCI image layout directory
  docker:NAME                                     from a Docker Engine API socket
  sbom:FILE                                       a saved CycloneDX or SPDX JSON SBOM (no pull)
  PATH                                            an existing file or directory, read by its content
                                                  (docker save archive, OCI archive, OCI layout)

Exit status: 0 when the scan succeeded (and, with --exit-code, found nothing
at the chosen severities); the --exit-code value when it found something; 4
when the vulnerability database has no data for an OS release or ecosystem
the image contains; 1 when the scan failed; 2 on bad usage.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				if onDemand(e.Getenv) {
					return runOnDemand(cmd.Context(), e)
				}
				return usagef("scan needs an IMAGE argument (or SCANNER_ON_DEMAND=true with SCANNER_REPOSITORY)")
			}
			if err := f.readPassword(e); err != nil {
				return err
			}
			f.platformSet = cmd.Flags().Changed("platform")
			return runScan(cmd.Context(), e, args[0], f)
		},
	}
	bindFlags(cmd, f, false)
	return cmd
}

// newSBOMCmd writes the inventory alone, in an SBOM format, for matching
// later ('scan sbom:FILE') or by other tools.
func newSBOMCmd(e *env) *cobra.Command {
	f := &scanFlags{}
	cmd := &cobra.Command{
		Use:   "sbom [flags] IMAGE",
		Short: "Write an image's package inventory as an SBOM (CycloneDX, SPDX or JSON)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.readPassword(e); err != nil {
				return err
			}
			f.skipDB = true
			f.sbomOnly = true
			return runScan(cmd.Context(), e, args[0], f)
		},
	}
	bindFlags(cmd, f, true)
	return cmd
}

func (f *scanFlags) readPassword(e *env) error {
	if f.passwordStdin {
		b, err := io.ReadAll(io.LimitReader(e.Stdin, 1<<16))
		if err != nil {
			return fmt.Errorf("reading password from stdin: %w", err)
		}
		f.password = strings.TrimRight(string(b), "\r\n")
	}
	if f.password == "" {
		f.password = e.Getenv("SCANFLEET_PASSWORD")
	}
	if f.registryToken == "" {
		f.registryToken = e.Getenv("SCANFLEET_REGISTRY_TOKEN")
	}
	return nil
}

// bindFlags declares the flags of 'scan', or the subset that makes sense
// for 'sbom'.
func bindFlags(cmd *cobra.Command, f *scanFlags, sbomOnly bool) {
	fl := cmd.Flags()
	if sbomOnly {
		fl.StringVarP(&f.format, "format", "f", "cyclonedx", "output format: cyclonedx, spdx, json")
	} else {
		fl.StringVarP(&f.format, "format", "f", "table", "output format: "+strings.Join(output.Formats, ", "))
		fl.StringVar(&f.resultsDir, "results-dir", "", "also write the JSON report to DIR/"+resultFile)
		fl.BoolVar(&f.layers, "layers", false, "show packages and findings per layer")
		fl.StringVar(&f.dbPath, "db", "", "vulnerability database file (default $SCANFLEET_DB or the user cache)")
		fl.BoolVar(&f.skipDB, "skip-db", false, "list packages only; do not match vulnerabilities")
		fl.StringVar(&f.severity, "severity", "", "report only these severities (comma-separated: "+report.SeverityNames()+")")
		fl.BoolVar(&f.ignoreUnfixed, "ignore-unfixed", false, "report only findings that have a fix")
		fl.StringVar(&f.minEPSS, "min-epss", "", "report only findings whose EPSS exploit probability is at least this (0.1 or 10%)")
		fl.BoolVar(&f.kevOnly, "kev-only", false, "report only findings in CISA's Known Exploited Vulnerabilities catalog")
		fl.IntVar(&f.exitCode, "exit-code", 0, "exit with this status when findings remain after filtering")
		fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX document whose not_affected/fixed statements suppress findings (repeatable)")
		f.send.bind(fl, true)
	}
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE instead of standard output")
	fl.StringVar(&f.platform, "platform", "linux/amd64", "platform to pick from a multi-arch image (os/arch[/variant]); with scan, 'all' or a comma-separated list scans each platform of a registry image index, one report each")
	fl.StringVarP(&f.username, "username", "u", "", "registry user name")
	fl.StringVarP(&f.password, "password", "p", "", "registry password (prefer --password-stdin or SCANFLEET_PASSWORD)")
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the registry password from standard input")
	fl.StringVar(&f.registryToken, "registry-token", "", "registry bearer token (prefer SCANFLEET_REGISTRY_TOKEN)")
	fl.StringVar(&f.dockerConfig, "docker-config", "", "docker config.json to take registry credentials from (default: $DOCKER_CONFIG or ~/.docker/config.json)")
	fl.BoolVar(&f.insecure, "insecure", false, "allow plain HTTP and unverified TLS for the registry")
	fl.StringVar(&f.caCert, "ca-cert", "", "PEM bundle of extra CAs for the registry's TLS")
	fl.StringVar(&f.dockerHost, "docker-host", "", "Docker Engine API address for docker: images (default $SCANNER_DOCKER_URL, $DOCKER_HOST, unix:///var/run/docker.sock)")
	fl.DurationVar(&f.timeout, "timeout", 10*time.Minute, "give up on the scan after this long")
	cmdio.BindStallFlag(fl, &f.stallTimeout)
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "no progress on standard error")
	fl.StringVar(&f.cacheDir, "cache-dir", "", "keep layer analyses here for later scans (default: the user cache directory)")
	fl.BoolVar(&f.noCache, "no-cache", false, "analyse every layer afresh and keep nothing")
}

func runScan(ctx context.Context, e *env, ref string, f *scanFlags) error {
	sev, err := output.ParseSeverities(f.severity)
	if err != nil {
		return usagef("--severity: %v", err)
	}
	if _, err := output.ParseEPSS(f.minEPSS); err != nil {
		return usagef("--min-epss: %v", err)
	}
	formats := output.Formats
	if f.sbomOnly {
		formats = []string{"cyclonedx", "spdx", "json"}
	}
	if !contains(formats, f.format) {
		return usagef("--format must be one of %s, not %q", strings.Join(formats, ", "), f.format)
	}
	if !f.sbomOnly {
		if err := f.send.check(e.Getenv, f.skipDB); err != nil {
			return err
		}
	}
	var vexSet *vex.Set
	if len(f.vex) > 0 {
		// Read VEX before scanning: a typo should not cost a pull.
		if vexSet, err = vex.Load(f.vex...); err != nil {
			return err
		}
	}
	if f.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.timeout)
		defer cancel()
	}

	matcher, closeDB, err := openMatcher(f)
	if err != nil {
		return err
	}
	defer closeDB()

	if want, multi, err := f.platformList(); err != nil {
		return err
	} else if multi && !f.sbomOnly {
		return scanPlatforms(ctx, e, ref, f, want, matcher, vexSet, sev)
	}
	var rep *report.Report
	if path, ok := strings.CutPrefix(ref, "sbom:"); ok {
		rep, err = scanSBOM(ctx, path, matcher)
	} else {
		rep, err = scanImage(ctx, e, ref, f, matcher)
	}
	if err != nil {
		return err
	}
	if f.skipDB && !f.sbomOnly {
		rep.Warnings = append(rep.Warnings, "vulnerability matching skipped (--skip-db): packages only")
	}
	if vexSet != nil {
		vexSet.Apply(rep)
	}
	if f.sbomOnly {
		return emit(e, rep, f, sev)
	}
	return sendAndEmit(ctx, e, rep, f, sev)
}

// sendAndEmit sends the whole report to the controller when one is
// configured, then filters and writes it locally. The local report is
// written even when sending failed, and the failure is the command's.
func sendAndEmit(ctx context.Context, e *env, rep *report.Report, f *scanFlags, sev map[report.Severity]bool) error {
	sendErr := f.send.submit(ctx, e, rep, f.skipDB, f.quiet, "")
	emitErr := emit(e, rep, f, sev)
	if sendErr == nil {
		return emitErr
	}
	var ee *exitError
	if emitErr != nil && !errors.As(emitErr, &ee) {
		fmt.Fprintln(e.Stderr, "scanfleet:", emitErr)
	}
	return sendErr
}

// openMatcher opens the vulnerability database the flags name, or returns
// a nil matcher with --skip-db. The returned function closes it.
func openMatcher(f *scanFlags) (scan.Matcher, func(), error) {
	if f.skipDB {
		return nil, func() {}, nil
	}
	path := f.dbPath
	if path == "" {
		path = vulndb.DefaultPath()
	}
	db, err := vulndb.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("no vulnerability database at %s: run 'scanfleet db update' (or 'db build'/'db import'), pass --db FILE, or --skip-db for packages only", path)
		}
		return nil, nil, fmt.Errorf("opening vulnerability database: %w", err)
	}
	return scan.StoreMatcher{Store: db, DB: dbInfo(db.Info())}, func() { db.Close() }, nil
}

// layerCacheMaxBytes bounds the CLI's on-disk layer cache. An analysis is
// kilobytes (packages, not files), so this holds tens of thousands of
// layers while keeping a CI runner's disk from filling over months.
const layerCacheMaxBytes = 256 << 20

func scanImage(ctx context.Context, e *env, ref string, f *scanFlags, matcher scan.Matcher) (*report.Report, error) {
	s := defaultScanner(e)
	if f.noCache {
		// Streamed sources (docker:) hand layers over through the cache.
		s.Cache = layer.NewMemCache(0)
	} else {
		s.Cache = layer.DirCache{Dir: cacheDir(f.cacheDir, "layers"), MaxBytes: layerCacheMaxBytes}
	}
	img, err := source.Open(ctx, ref, source.Options{
		Streamer:      s,
		Platform:      f.platform,
		Username:      f.username,
		Password:      f.password,
		RegistryToken: f.registryToken,
		DockerConfig:  f.dockerConfig,
		Insecure:      f.insecure,
		CACertFile:    f.caCert,
		DockerHost:    f.dockerHost,
		StallTimeout:  f.stallTimeout,
	})
	if err != nil {
		return nil, err // source errors already name the image
	}
	defer img.Close()
	if f.platformSet {
		if err := checkPlatform(img, f.platform); err != nil {
			return nil, err
		}
	}

	opts := scan.Options{Layers: f.layers, Matcher: matcher}
	if !f.quiet {
		opts.Progress = func(done, total int, l report.Layer, cached bool) {
			how := "analysed"
			if cached {
				how = "cached"
			}
			// The same short diff ID as the table's LAYER column.
			id := l.DiffID
			if id == "" {
				id = l.Digest
			}
			fmt.Fprintf(e.Stderr, "layer %d/%d %s %s\n", done, total, output.ShortID(id), how)
		}
	}
	return s.Scan(ctx, scan.Target{Image: img.Image, Reference: img.Reference, Platform: f.platform, StoredUncompressed: img.StoredUncompressed}, opts)
}

// checkPlatform refuses an image whose config names another platform than
// the one asked for. A multi-platform index is resolved to the asked
// platform by source.Open; a single-platform image (an archive, or a plain
// manifest) is what it is, and scanning it under another name would
// report, say, amd64 packages as arm64 ones.
func checkPlatform(img *source.Image, want string) error {
	cfg, err := img.ConfigFile()
	if err != nil {
		return fmt.Errorf("image %q: reading its config: %w", img.Reference, err)
	}
	if cfg.OS == "" || cfg.Architecture == "" {
		return nil // nothing to compare with: trust the user
	}
	parts := strings.Split(want, "/")
	if len(parts) < 2 {
		return usagef("--platform %q: want os/arch[/variant]", want)
	}
	have := cfg.OS + "/" + cfg.Architecture
	if cfg.Variant != "" {
		have += "/" + cfg.Variant
	}
	variantDiffers := len(parts) > 2 && cfg.Variant != "" && parts[2] != cfg.Variant
	if parts[0] != cfg.OS || parts[1] != cfg.Architecture || variantDiffers {
		return fmt.Errorf("image %q is %s only (a single-platform image), not %s as --platform asks; scan it without --platform, or choose an image built for %s", img.Reference, have, want, want)
	}
	return nil
}

// scanSBOM matches a saved SBOM: no image is pulled, so a new database can
// be applied to old inventories cheaply.
func scanSBOM(ctx context.Context, path string, matcher scan.Matcher) (*report.Report, error) {
	osInfo, pkgs, imageRef, err := sbom.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("sbom:%s: %w", path, err)
	}
	if imageRef == "" {
		imageRef = "sbom:" + path
	}
	rep := &report.Report{
		SchemaVersion:   report.SchemaVersion,
		Image:           &report.Image{Reference: imageRef, Layers: []report.Layer{}},
		OS:              osInfo,
		Packages:        pkgs,
		Vulnerabilities: []report.Vulnerability{},
		ScannedAt:       time.Now().UTC(),
		ScannerVersion:  buildinfo.Version(),
	}
	if rep.Packages == nil {
		rep.Packages = []report.Package{}
	}
	if matcher != nil {
		vulns, cov, err := matcher.Match(ctx, osInfo, pkgs)
		if err != nil {
			return nil, fmt.Errorf("sbom:%s: matching: %w", path, err)
		}
		if vulns != nil {
			rep.Vulnerabilities = vulns
		}
		rep.Coverage = cov
		rep.DB = matcher.Info()
	}
	return rep, nil
}

// emit filters, writes the report where asked, and turns the outcome into
// the exit status.
func emit(e *env, rep *report.Report, f *scanFlags, sev map[report.Severity]bool) error {
	output.Filter(rep, sev, f.ignoreUnfixed)
	minEPSS, _ := output.ParseEPSS(f.minEPSS) // checked in runScan
	output.FilterRisk(rep, minEPSS, f.kevOnly)
	if f.resultsDir != "" {
		if err := writeResult(f.resultsDir, rep); err != nil {
			return err
		}
	}
	w := e.Stdout
	if f.output != "" {
		file, err := os.Create(f.output)
		if err != nil {
			return fmt.Errorf("creating report file: %w", err)
		}
		defer file.Close()
		w = file
	}
	if err := output.Write(w, f.format, rep); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if f.exitCode != 0 && len(rep.Vulnerabilities) > 0 {
		return &exitError{code: f.exitCode}
	}
	if !f.skipDB {
		var missing []string
		for _, c := range rep.Coverage {
			if !c.Covered {
				missing = append(missing, c.Ecosystem)
			}
		}
		if len(missing) > 0 {
			target := "the image"
			switch {
			case rep.Image != nil:
				target = rep.Image.Reference
			case rep.Host != nil:
				target = "host " + rep.Host.Root
			}
			return &exitError{code: ExitIncomplete, err: fmt.Errorf("incomplete scan of %s: the database has no data for %s", target, strings.Join(missing, ", "))}
		}
	}
	return nil
}

// writeResult writes the JSON report atomically, so a reader polling the
// results directory never sees half a file.
func writeResult(dir string, rep *report.Report) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("results directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".scan_result-*.json")
	if err != nil {
		return fmt.Errorf("results directory: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := output.Write(tmp, "json", rep); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	final := filepath.Join(dir, resultFile)
	if err := os.Rename(tmp.Name(), final); err != nil {
		return fmt.Errorf("writing %s: %w", final, err)
	}
	return nil
}

func defaultScanner(e *env) *scan.Scanner {
	return &scan.Scanner{
		Analyzers:        all.Analyzers(),
		AnalyzersVersion: all.Version(),
		OSPriority:       all.OSPriority,
		ScannerVersion:   buildinfo.Version(),
		Logger:           e.Logger,
	}
}

// cacheDir resolves a directory under the user's cache (or dir when set).
func cacheDir(dir, sub string) string {
	if dir != "" {
		return dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	return filepath.Join(base, "scanfleet", sub)
}

func short(d string) string {
	if _, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return d[:len(d)-len(hex)] + hex[:12]
	}
	return d
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func dbInfo(i vulndb.Info) *report.DBInfo {
	return &report.DBInfo{SchemaVersion: i.SchemaVersion, BuiltAt: i.BuiltAt, Digest: i.Digest, AdvisoriesDigest: i.AdvisoriesDigest}
}
