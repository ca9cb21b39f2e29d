// Package output renders a report for people (table) and programs (json),
// and filters findings the way users of other scanners expect
// (--severity, --ignore-unfixed).
package output

import (
	"fmt"
	"io"
	"strings"

	"github.com/scanfleet/scanfleet/internal/output/cyclonedx"
	"github.com/scanfleet/scanfleet/internal/output/sarif"
	"github.com/scanfleet/scanfleet/internal/output/spdx"
	"github.com/scanfleet/scanfleet/internal/report"
)

// ParseSeverities validates a comma-separated severity list (--severity):
// each item one of report's severity names, in any case.
func ParseSeverities(list string) (map[report.Severity]bool, error) {
	if strings.TrimSpace(list) == "" {
		return nil, nil
	}
	out := map[report.Severity]bool{}
	for _, w := range strings.Split(list, ",") {
		s, ok := report.LookupSeverity(w)
		if !ok {
			return nil, fmt.Errorf("unknown severity %q (want one of %s)", strings.TrimSpace(w), report.SeverityNames())
		}
		out[s] = true
	}
	return out, nil
}

// Filter keeps findings of the given severities (nil: all), dropping those
// without a fix when ignoreUnfixed. It returns how many it dropped.
func Filter(rep *report.Report, sev map[report.Severity]bool, ignoreUnfixed bool) int {
	kept := rep.Vulnerabilities[:0]
	for _, v := range rep.Vulnerabilities {
		if sev != nil && !sev[report.ParseSeverity(string(v.Severity))] {
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
		return WriteJSON(w, rep)
	case "table":
		return WriteTable(w, rep, TableOptions{})
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
