package notify

import (
	"sort"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// ImageEvents compares an image's findings before and after a scan or a
// database re-match (before nil: its first result) and returns its
// events: findings added, findings removed, and findings kept that
// entered KEV. change identifies the change (the new database digest, or
// the scan time), so that the events of one change get the same ids on
// every replica that computes them. Findings are compared by id, package
// and installed version; findings suppressed (VEX, exceptions) count as
// absent.
func ImageEvents(img Image, cause, change string, at time.Time, before, after *report.Report) []Event {
	type key struct{ id, pkg, version string }
	index := func(r *report.Report) map[key]report.Vulnerability {
		m := map[key]report.Vulnerability{}
		if r != nil {
			for _, v := range r.Vulnerabilities {
				m[key{v.ID, v.Package, v.InstalledVersion}] = v
			}
		}
		return m
	}
	b, a := index(before), index(after)
	finding := func(v report.Vulnerability) Finding {
		return Finding{ID: v.ID, Package: v.Package, Severity: v.Severity, KEV: v.KEV != nil}
	}
	var added, removed, kev []Finding
	for k, v := range a {
		old, had := b[k]
		switch {
		case !had:
			added = append(added, finding(v))
		case v.KEV != nil && old.KEV == nil:
			kev = append(kev, finding(v))
		}
	}
	for k, v := range b {
		if _, still := a[k]; !still {
			removed = append(removed, finding(v))
		}
	}
	var out []Event
	for _, e := range []struct {
		typ string
		fs  []Finding
	}{{ImageFindingsAdded, added}, {ImageFindingsRemoved, removed}, {ImageEnteredKEV, kev}} {
		if len(e.fs) == 0 {
			continue
		}
		sortFindings(e.fs)
		im := img
		out = append(out, Event{ID: EventID(e.typ, img.Registry, img.Repository, img.Digest, change), Type: e.typ, At: at,
			Cause: cause, Image: &im, Findings: e.fs})
	}
	return out
}

// sortFindings orders by severity (highest first), then id and package.
func sortFindings(fs []Finding) {
	sort.Slice(fs, func(i, j int) bool {
		if c := report.CompareSeverity(fs[i].Severity, fs[j].Severity); c != 0 {
			return c > 0
		}
		if fs[i].ID != fs[j].ID {
			return fs[i].ID < fs[j].ID
		}
		return fs[i].Package < fs[j].Package
	})
}
