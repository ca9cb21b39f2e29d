// Package output renders a report for people (table) and programs (json),
// and filters findings the way users of other scanners expect
// (--severity, --ignore-unfixed).
package output

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/scanfleet/scanfleet/internal/output/cyclonedx"
	"github.com/scanfleet/scanfleet/internal/output/sarif"
	"github.com/scanfleet/scanfleet/internal/output/spdx"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Severities from most to least severe, as reports spell them.
var severities = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"}

// SeverityRank orders severities; unknown words rank with UNKNOWN.
func SeverityRank(s string) int {
	for i, v := range severities {
		if strings.EqualFold(s, v) {
			return i
		}
	}
	return len(severities) - 1
}

// ParseSeverities validates a comma-separated severity list.
func ParseSeverities(list string) (map[string]bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	out := map[string]bool{}
	for _, s := range strings.Split(list, ",") {
		s = strings.ToUpper(strings.TrimSpace(s))
		ok := false
		for _, v := range severities {
			ok = ok || v == s
		}
		if !ok {
			return nil, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(severities, ","))
		}
		out[s] = true
	}
	return out, nil
}

// Filter keeps findings of the given severities (nil: all), dropping those
// without a fix when ignoreUnfixed. It returns how many it dropped.
func Filter(rep *report.Report, sev map[string]bool, ignoreUnfixed bool) int {
	kept := rep.Vulnerabilities[:0]
	for _, v := range rep.Vulnerabilities {
		if sev != nil && !sev[strings.ToUpper(v.Severity)] {
			continue
		}
		if ignoreUnfixed && v.FixedVersion == "" {
			continue
		}
		kept = append(kept, v)
	}
	dropped := len(rep.Vulnerabilities) - len(kept)
	rep.Vulnerabilities = kept
	return dropped
}

// Formats lists the formats Write accepts.
var Formats = []string{"table", "json", "sarif", "cyclonedx", "spdx"}

// Write renders rep in format.
func Write(w io.Writer, format string, rep *report.Report) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case "table":
		return writeTable(w, rep)
	case "sarif":
		return sarif.Write(w, rep)
	case "cyclonedx":
		return cyclonedx.Write(w, rep)
	case "spdx":
		return spdx.Write(w, rep)
	default:
		return fmt.Errorf("unknown format %q (want one of %s)", format, strings.Join(Formats, ", "))
	}
}

func writeTable(w io.Writer, rep *report.Report) error {
	ew := &errWriter{w: w}
	target := ""
	switch {
	case rep.Image != nil:
		target = rep.Image.Reference
		if rep.Image.Digest != "" {
			target += " (" + rep.Image.Digest + ")"
		}
	case rep.Host != nil:
		target = "host " + rep.Host.Hostname + " (" + rep.Host.Root + ", kernel " + rep.Host.Kernel + ")"
	}
	osName := "unknown OS"
	if rep.OS != nil {
		osName = rep.OS.PrettyName
		if osName == "" {
			osName = strings.TrimSpace(rep.OS.ID + " " + rep.OS.VersionID)
		}
	}
	ew.printf("%s\n%s, %d packages", target, osName, len(rep.Packages))
	if rep.Image != nil {
		ew.printf(", %d layers", len(rep.Image.Layers))
	}
	ew.printf("\n")

	counts := map[string]int{}
	for _, v := range rep.Vulnerabilities {
		counts[strings.ToUpper(v.Severity)]++
	}
	var parts []string
	for _, s := range severities {
		parts = append(parts, fmt.Sprintf("%s: %d", s, counts[s]))
	}
	if rep.DB == nil && len(rep.Vulnerabilities) == 0 {
		ew.printf("Vulnerabilities: not matched (no database)\n")
	} else {
		ew.printf("Vulnerabilities: %d (%s)\n", len(rep.Vulnerabilities), strings.Join(parts, ", "))
	}
	for _, c := range rep.Coverage {
		if !c.Covered {
			ew.printf("NOT COVERED: %s (%d packages): %s\n", c.Ecosystem, c.Packages, c.Note)
		}
	}
	if len(rep.Suppressed) > 0 {
		ew.printf("Suppressed by VEX: %d\n", len(rep.Suppressed))
	}
	for _, warn := range rep.Warnings {
		ew.printf("warning: %s\n", warn)
	}

	if rep.Image != nil && len(rep.Image.Layers) > 0 && hasPerLayer(rep) {
		ew.printf("\n")
		tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "LAYER\tPACKAGES\tVULNS\tCREATED BY")
		for _, l := range rep.Image.Layers {
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", short(l.Digest), len(l.Packages), len(l.Vulnerabilities), trunc(l.CreatedBy, 60))
		}
		tw.Flush()
	}

	if len(rep.Vulnerabilities) == 0 {
		return ew.err
	}
	vulns := append([]report.Vulnerability(nil), rep.Vulnerabilities...)
	sort.SliceStable(vulns, func(i, j int) bool {
		a, b := vulns[i], vulns[j]
		if ra, rb := SeverityRank(a.Severity), SeverityRank(b.Severity); ra != rb {
			return ra < rb
		}
		if a.Package != b.Package {
			return a.Package < b.Package
		}
		return a.ID < b.ID
	})
	current := ""
	var tw *tabwriter.Writer
	for _, v := range vulns {
		sev := strings.ToUpper(v.Severity)
		if sev != current {
			if tw != nil {
				tw.Flush()
			}
			current = sev
			ew.printf("\n%s (%d)\n", sev, counts[sev])
			tw = tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "PACKAGE\tVULNERABILITY\tINSTALLED\tFIXED\tLAYER")
		}
		fixed := v.FixedVersion
		if fixed == "" {
			fixed = "(no fix)"
		}
		id := v.ID
		if cve := firstCVE(v); cve != "" && cve != id {
			id += " " + cve
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.Package, id, v.InstalledVersion, fixed, short(v.Layer))
	}
	if tw != nil {
		tw.Flush()
	}
	return ew.err
}

func hasPerLayer(rep *report.Report) bool {
	for _, l := range rep.Image.Layers {
		if len(l.Packages) > 0 {
			return true
		}
	}
	return false
}

func firstCVE(v report.Vulnerability) string {
	for _, a := range v.Aliases {
		if strings.HasPrefix(a, "CVE-") {
			return a
		}
	}
	return ""
}

func short(d string) string {
	if _, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return hex[:12]
	}
	return d
}

func trunc(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-1] + "…"
	}
	return s
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) {
	fmt.Fprintf(e, format, args...)
}
