// Package osv converts OSV records (https://ossf.github.io/osv-schema/)
// into advisory records: the ranges checked in each ecosystem's version
// ordering, the CVSS vectors scored, a distribution's severity word kept.
// Package feed finds the records (in directories, archives, OSV's
// all.zip) and decodes them; a record is converted here.
package osv

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Record is the top level of an OSV record, as JSON or YAML.
type Record struct {
	ID               string         `json:"id" yaml:"id"`
	Modified         string         `json:"modified" yaml:"modified"`
	Published        string         `json:"published" yaml:"published"`
	Withdrawn        string         `json:"withdrawn" yaml:"withdrawn"`
	Aliases          []string       `json:"aliases" yaml:"aliases"`
	Related          []string       `json:"related" yaml:"related"`
	Summary          string         `json:"summary" yaml:"summary"`
	Details          string         `json:"details" yaml:"details"`
	Severity         []Severity     `json:"severity" yaml:"severity"`
	Affected         []Affected     `json:"affected" yaml:"affected"`
	References       []Reference    `json:"references" yaml:"references"`
	DatabaseSpecific map[string]any `json:"database_specific" yaml:"database_specific"`
}

// Severity is one of a record's (or an affected package's) severities.
type Severity struct {
	Type  string `json:"type" yaml:"type"`
	Score string `json:"score" yaml:"score"`
}

// Affected is one affected package.
type Affected struct {
	Package struct {
		Ecosystem string `json:"ecosystem" yaml:"ecosystem"`
		Name      string `json:"name" yaml:"name"`
	} `json:"package" yaml:"package"`
	Ranges            []Range        `json:"ranges" yaml:"ranges"`
	Versions          []string       `json:"versions" yaml:"versions"`
	Severity          []Severity     `json:"severity" yaml:"severity"`
	EcosystemSpecific map[string]any `json:"ecosystem_specific" yaml:"ecosystem_specific"`
	DatabaseSpecific  map[string]any `json:"database_specific" yaml:"database_specific"`
}

// Range is one range of affected versions.
type Range struct {
	Type   string              `json:"type" yaml:"type"`
	Events []map[string]string `json:"events" yaml:"events"`
}

// Reference is one of a record's links.
type Reference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

// IsRecord reports whether a decoded document is an OSV record (it has
// an id).
func (d *Record) IsRecord() bool { return d.ID != "" }

// ErrNothingMatchable is Advisory's error for a record left with no
// package to match because all it had were GIT ranges: it is skipped, not
// malformed.
var ErrNothingMatchable = errors.New("no matchable package (only GIT ranges)")

// rpmSummarySeverity reads the severity Red Hat-style errata put in front
// of their synopsis ("Important: kernel security update").
var rpmSummarySeverity = map[string]bool{"Critical": true, "Important": true, "Moderate": true, "Low": true}

// Advisory turns the record into an advisory. Affected entries in
// ecosystems without a version comparer, and GIT ranges, are dropped; a
// record left with nothing to match is malformed when an ecosystem was
// unsupported, skipped (ErrNothingMatchable) when it only had GIT ranges.
func (d *Record) Advisory() (*advisory.Advisory, error) {
	if strings.TrimSpace(d.ID) == "" {
		return nil, errors.New("missing id")
	}
	a := &advisory.Advisory{
		ID:      strings.TrimSpace(d.ID),
		Source:  advisory.SourceOSV,
		Summary: d.Summary,
		Details: d.Details,
	}
	a.Published = format.ParseRFC3339(d.Published)
	a.Modified = format.ParseRFC3339(d.Modified)
	for _, al := range d.Aliases {
		if al = strings.TrimSpace(al); al != "" && al != a.ID && !slices.Contains(a.Aliases, al) {
			a.Aliases = append(a.Aliases, al)
		}
	}
	for _, r := range d.References {
		if r.URL != "" && !slices.Contains(a.References, r.URL) {
			a.References = append(a.References, r.URL)
		}
	}
	a.CVSS, a.Severity = scoreSeverities(d.Severity)
	if w := stringField(d.DatabaseSpecific, "severity"); w != "" {
		a.Severity = w
	}

	var unsupported []string
	distro := false
	for i, af := range d.Affected {
		eco := advisory.NormalizeEcosystem(af.Package.Ecosystem)
		pkg := af.Package.Name
		onlyGit := len(af.Versions) == 0
		for _, r := range af.Ranges {
			if r.Type != "GIT" {
				onlyGit = false
			}
		}
		if eco == "" || strings.TrimSpace(pkg) == "" {
			if onlyGit {
				continue // OSS-Fuzz style: a repository, not a package
			}
			return nil, fmt.Errorf("affected[%d]: missing package ecosystem or name", i)
		}
		if _, err := version.For(eco); err != nil {
			unsupported = append(unsupported, eco)
			continue
		}
		out := advisory.Affected{Ecosystem: eco, Package: advisory.NormalizePackage(eco, pkg)}
		for j, r := range af.Ranges {
			switch r.Type {
			case "GIT":
				continue // commits cannot be matched against installed versions
			case "ECOSYSTEM", "SEMVER":
			default:
				return nil, fmt.Errorf("affected[%d] %s/%s range[%d]: unknown range type %q", i, eco, pkg, j, r.Type)
			}
			rg, err := convertRange(eco, r)
			if err != nil {
				return nil, fmt.Errorf("affected[%d] %s/%s range[%d]: %w", i, eco, pkg, j, err)
			}
			out.Ranges = append(out.Ranges, rg)
		}
		for _, v := range af.Versions {
			if v = strings.TrimSpace(v); v != "" {
				out.Versions = append(out.Versions, v)
			}
		}
		if len(out.Ranges) == 0 && len(out.Versions) == 0 {
			continue
		}
		if w := stringField(af.EcosystemSpecific, "severity"); w != "" {
			out.Severity = w
		} else if w := stringField(af.DatabaseSpecific, "severity"); w != "" {
			out.Severity = w
		}
		cv, word := scoreSeverities(af.Severity)
		a.CVSS = appendCVSS(a.CVSS, cv...)
		if out.Severity == "" {
			out.Severity = word
		}
		if advisory.IsDistroEcosystem(eco) {
			distro = true
		}
		a.Affected = append(a.Affected, out)
	}
	if distro && !strings.HasPrefix(a.ID, "CVE-") {
		// A distribution's advisory (SUSE-SU-2022:1061-1) names the CVEs
		// it fixes under "related": they are what the advisory is about,
		// so they are its aliases here, which lets enrichment and
		// deduplication find it by CVE.
		for _, r := range d.Related {
			if r = strings.TrimSpace(r); strings.HasPrefix(r, "CVE-") && !slices.Contains(a.Aliases, r) {
				a.Aliases = append(a.Aliases, r)
			}
		}
	}
	if len(a.Affected) == 0 {
		if len(unsupported) > 0 {
			return nil, fmt.Errorf("unsupported ecosystem %q", unsupported[0])
		}
		return nil, ErrNothingMatchable
	}
	if a.Severity == "" && distro {
		if w, _, ok := strings.Cut(d.Summary, ":"); ok && rpmSummarySeverity[w] {
			a.Severity = w
		}
	}
	// The record's own vectors were scored by the database that published
	// it (GHSA, a distribution, RUSTSEC...): say so, so that a finding
	// can tell them from the CNA's or NVD's.
	for i := range a.CVSS {
		if a.CVSS[i].Source == "" {
			a.CVSS[i].Source = advisory.SourceOfID(a.ID)
		}
	}
	return a, nil
}

// convertRange validates an ECOSYSTEM or SEMVER range: events present, each
// exactly one of introduced/fixed/last_affected/limit, at least one
// introduced, every version valid in the range's ordering, and no fixed or
// last_affected below the introduced it follows.
func convertRange(eco string, r Range) (advisory.Range, error) {
	out := advisory.Range{Type: r.Type}
	if len(r.Events) == 0 {
		return out, errors.New("empty events")
	}
	cmp, err := version.ForRange(eco, r.Type)
	if err != nil {
		return out, err
	}
	introduced := false
	lastIntro := ""
	for k, ev := range r.Events {
		if len(ev) != 1 {
			return out, fmt.Errorf("event[%d] has %d fields, want exactly one", k, len(ev))
		}
		var e advisory.Event
		var kind, v string
		for kind, v = range ev {
		}
		v = strings.TrimSpace(v)
		if v == "" {
			return out, fmt.Errorf("event[%d]: empty %s version", k, kind)
		}
		switch kind {
		case "introduced":
			e.Introduced = v
			introduced = true
		case "fixed":
			e.Fixed = v
		case "last_affected":
			e.LastAffected = v
		case "limit":
			e.Limit = v
		default:
			return out, fmt.Errorf("event[%d]: unknown event %q", k, kind)
		}
		isZero := kind == "introduced" && v == "0"
		isStar := kind == "limit" && v == "*"
		if !isZero && !isStar {
			if _, err := cmp.Compare(v, v); err != nil {
				return out, fmt.Errorf("event[%d]: %w", k, err)
			}
		}
		switch kind {
		case "introduced":
			lastIntro = v
			if isZero {
				lastIntro = ""
			}
		case "fixed", "last_affected":
			if lastIntro != "" {
				if c, err := cmp.Compare(v, lastIntro); err == nil && c < 0 {
					return out, fmt.Errorf("impossible range: %s %s < introduced %s", kind, v, lastIntro)
				}
			}
		}
		out.Events = append(out.Events, e)
	}
	if !introduced {
		return out, errors.New("no introduced event")
	}
	return out, nil
}

// scoreSeverities scores OSV severity entries: CVSS vectors become
// report.CVSS (vectors that do not parse are dropped: a bad score must not
// hide the advisory), and a distribution's word ("Ubuntu": "medium") is
// returned as word.
func scoreSeverities(ss []Severity) (out []report.CVSS, word string) {
	for _, s := range ss {
		switch s.Type {
		case "CVSS_V2", "CVSS_V3", "CVSS_V4":
			if c, ok := advisory.ScoreCVSS(s.Score); ok {
				out = appendCVSS(out, c)
			}
		default:
			if word == "" && s.Score != "" && !strings.Contains(s.Score, "/") {
				word = s.Score
			}
		}
	}
	return out, word
}

func appendCVSS(list []report.CVSS, cs ...report.CVSS) []report.CVSS {
	for _, c := range cs {
		if !slices.ContainsFunc(list, func(x report.CVSS) bool { return x.Vector == c.Vector }) {
			list = append(list, c)
		}
	}
	return list
}

func stringField(m map[string]any, key string) string {
	if s, ok := m[key].(string); ok {
		return strings.TrimSpace(s)
	}
	return ""
}
