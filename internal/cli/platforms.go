package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"

	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/vex"
)

// platformList reads --platform: "all" (every platform of the index: nil
// list) or a comma-separated list asks for one scan per platform; one
// platform is the usual single scan (multi false).
func (f *scanFlags) platformList() (want []string, multi bool, err error) {
	switch {
	case f.platform == "all":
		return nil, true, nil
	case !strings.Contains(f.platform, ","):
		return nil, false, nil
	}
	for _, p := range strings.Split(f.platform, ",") {
		p = strings.TrimSpace(p)
		if parts := strings.Split(p, "/"); len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, false, usagef("--platform: %q is not os/arch[/variant] (give 'all', one platform, or a comma-separated list)", p)
		}
		want = append(want, p)
	}
	return want, true, nil
}

// PlatformReport is one platform's report of a multi-platform scan.
type PlatformReport struct {
	Platform string         `json:"platform"`
	Report   *report.Report `json:"report"`
}

// platformReports is the JSON of `scan --platform all|LIST`: the image
// as given and one report per platform.
type platformReports struct {
	Reference string           `json:"reference"`
	Platforms []PlatformReport `json:"platforms"`
}

// scanPlatforms scans each platform of the image index ref names (want,
// or every platform it lists when want is nil; a single-platform image is
// scanned once, as it is) and writes the reports together: JSON with a
// platforms array, or one table section per platform. Each report is
// filtered, VEX-applied and sent to the controller as a single scan's is;
// a platform that fails to scan fails the command naming it.
func scanPlatforms(ctx context.Context, e *env, ref string, f *scanFlags, want []string, matcher scan.Matcher, vexSet *vex.Set, sev map[report.Severity]bool) error {
	switch {
	case f.format != "table" && f.format != "json":
		return usagef("--platform %s writes one report per platform as table or json, not %s; scan one platform for --format %s", f.platform, f.format, f.format)
	case f.resultsDir != "":
		return usagef("--results-dir holds one report: scan one platform with it")
	case strings.HasPrefix(ref, "sbom:"):
		return usagef("--platform %s: an SBOM has no platforms", f.platform)
	}
	index, plats, err := source.Platforms(ctx, ref, source.Options{Username: f.username, Password: f.password, RegistryToken: f.registryToken,
		DockerConfig: f.dockerConfig, Insecure: f.insecure, CACertFile: f.caCert, StallTimeout: f.stallTimeout})
	if err != nil {
		return err
	}
	if want != nil {
		plats = want // one missing from the index fails its scan, listing those there are
	}
	single := len(plats) == 0
	if single {
		plats = []string{""}
		index = ""
	}
	// Every platform is read from the index listed, by its digest, so
	// that a tag moved meanwhile cannot mix two indexes' platforms (each
	// result is sent to the controller as a platform of this index); the
	// reports still name the image as it was given.
	scanRef, named := ref, ""
	if index != "" {
		if scanRef, named, err = pinIndex(ref, index, f.insecure); err != nil {
			return err
		}
	}
	out := platformReports{Reference: ref}
	var sendErr error
	for _, p := range plats {
		pf := *f
		if !single {
			pf.platform, pf.platformSet = p, true
		}
		rep, err := scanImage(ctx, e, scanRef, &pf, matcher)
		if err != nil {
			if single {
				return err
			}
			return fmt.Errorf("platform %s: %w", p, err)
		}
		if named != "" && rep.Image != nil {
			rep.Image.Reference = named
		}
		if f.skipDB {
			rep.Warnings = append(rep.Warnings, "vulnerability matching skipped (--skip-db): packages only")
		}
		if vexSet != nil {
			vexSet.Apply(rep)
		}
		if err := f.send.submit(ctx, e, rep, f.skipDB, f.quiet, index); err != nil && sendErr == nil {
			sendErr = err
		}
		output.Filter(rep, sev, f.ignoreUnfixed)
		minEPSS, _ := output.ParseEPSS(f.minEPSS) // checked in runScan
		output.FilterRisk(rep, minEPSS, f.kevOnly)
		name := p
		if rep.Image != nil && rep.Image.Platform != "" {
			name = rep.Image.Platform
		}
		out.Platforms = append(out.Platforms, PlatformReport{Platform: name, Report: rep})
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
	if err := writePlatformReports(w, f.format, out); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	if sendErr != nil {
		return sendErr
	}
	// The exit status is the worst platform's.
	var missing []string
	for _, pr := range out.Platforms {
		if f.exitCode != 0 && len(pr.Report.Vulnerabilities) > 0 {
			return &exitError{code: f.exitCode}
		}
		for _, c := range pr.Report.Coverage {
			if !c.Covered && !f.skipDB {
				missing = append(missing, pr.Platform+": "+c.Ecosystem)
			}
		}
	}
	if len(missing) > 0 {
		return &exitError{code: ExitIncomplete, err: fmt.Errorf("incomplete scan of %s: the database has no data for %s", ref, strings.Join(missing, ", "))}
	}
	return nil
}

// pinIndex returns ref as a reference to the image index of the given
// digest in the same repository, and the name a scan of ref reports.
func pinIndex(ref, index string, insecure bool) (pinned, named string, err error) {
	var opts []name.Option
	if insecure {
		opts = append(opts, name.Insecure)
	}
	r, err := name.ParseReference(strings.TrimPrefix(ref, "registry:"), opts...)
	if err != nil {
		return "", "", fmt.Errorf("image %q: %w", ref, err)
	}
	return "registry:" + r.Context().Digest(index).String(), r.Name(), nil
}

func writePlatformReports(w io.Writer, format string, out platformReports) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	for i, pr := range out.Platforms {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== Platform %s: %d packages, %d vulnerabilities\n", dash(pr.Platform), len(pr.Report.Packages), len(pr.Report.Vulnerabilities))
		if err := output.Write(w, "table", pr.Report); err != nil {
			return err
		}
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
