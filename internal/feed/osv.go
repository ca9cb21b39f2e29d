package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat/csaf"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse/cvrf"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// document is the union of the top-level fields of every JSON/YAML feed
// document this package reads, so that one decode tells the kind and
// carries the data: an OSV record (id, affected, ...), a secdb branch file
// (distroversion, packages) or a vuln-list secdb split file (name,
// secfixes, distroversion).
type document struct {
	// OSV
	ID               string         `json:"id" yaml:"id"`
	Modified         string         `json:"modified" yaml:"modified"`
	Published        string         `json:"published" yaml:"published"`
	Withdrawn        string         `json:"withdrawn" yaml:"withdrawn"`
	Aliases          []string       `json:"aliases" yaml:"aliases"`
	Related          []string       `json:"related" yaml:"related"`
	Summary          string         `json:"summary" yaml:"summary"`
	Details          string         `json:"details" yaml:"details"`
	Severity         []osvSeverity  `json:"severity" yaml:"severity"`
	Affected         []osvAffected  `json:"affected" yaml:"affected"`
	References       []osvReference `json:"references" yaml:"references"`
	DatabaseSpecific map[string]any `json:"database_specific" yaml:"database_specific"`

	// Alpine secdb
	Name          string              `json:"name" yaml:"name"`
	Secfixes      map[string][]string `json:"secfixes" yaml:"secfixes"`
	Distroversion string              `json:"distroversion" yaml:"distroversion"`
	Reponame      string              `json:"reponame" yaml:"reponame"`
	Packages      []secdbPackage      `json:"packages" yaml:"packages"`
}

type osvSeverity struct {
	Type  string `json:"type" yaml:"type"`
	Score string `json:"score" yaml:"score"`
}

type osvAffected struct {
	Package struct {
		Ecosystem string `json:"ecosystem" yaml:"ecosystem"`
		Name      string `json:"name" yaml:"name"`
	} `json:"package" yaml:"package"`
	Ranges            []osvRange     `json:"ranges" yaml:"ranges"`
	Versions          []string       `json:"versions" yaml:"versions"`
	Severity          []osvSeverity  `json:"severity" yaml:"severity"`
	EcosystemSpecific map[string]any `json:"ecosystem_specific" yaml:"ecosystem_specific"`
	DatabaseSpecific  map[string]any `json:"database_specific" yaml:"database_specific"`
}

type osvRange struct {
	Type   string              `json:"type" yaml:"type"`
	Events []map[string]string `json:"events" yaml:"events"`
}

type osvReference struct {
	Type string `json:"type" yaml:"type"`
	URL  string `json:"url" yaml:"url"`
}

func (d *document) isOSV() bool { return d.ID != "" }
func (d *document) isSecDB() bool {
	return d.Packages != nil || d.Secfixes != nil || d.Distroversion != ""
}

func (l *loader) parseJSONDoc(name string, data []byte) error {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '[' {
		// A JSON array of OSV records, as OSV's query API returns.
		var recs []json.RawMessage
		if err := json.Unmarshal(data, &recs); err != nil {
			l.malformed(name, "bad JSON: %v", err)
			return nil
		}
		for i, raw := range recs {
			var d document
			rn := fmt.Sprintf("%s[%d]", name, i)
			if err := json.Unmarshal(raw, &d); err != nil {
				l.malformed(rn, "bad JSON: %v", err)
				continue
			}
			if err := l.handleDoc(rn, &d); err != nil {
				return err
			}
		}
		return nil
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		l.malformed(name, "bad JSON: %v", err)
		return nil
	}
	if !d.isOSV() && !d.isSecDB() && cvrf.IsJSON(data) {
		return l.loadSUSECVRFJSON(name, data)
	}
	if !d.isOSV() && !d.isSecDB() && csaf.IsJSON(data) {
		return l.loadRedHatCSAF(name, data)
	}
	return l.handleDoc(name, &d)
}

func (l *loader) parseYAMLDoc(name string, data []byte) (err error) {
	var d document
	// yaml.v3 has panicked on hostile input in the past; a record must not
	// take the load down.
	defer func() {
		if r := recover(); r != nil {
			l.malformed(name, "bad YAML: parser panic: %v", r)
			err = nil
		}
	}()
	if err := yaml.Unmarshal(data, &d); err != nil {
		l.malformed(name, "bad YAML: %v", err)
		return nil
	}
	return l.handleDoc(name, &d)
}

func (l *loader) handleDoc(name string, d *document) error {
	switch {
	case d.isOSV():
		return l.handleOSV(name, d)
	case d.isSecDB():
		return l.handleSecDB(name, d)
	}
	l.malformed(name, "not an OSV record or Alpine secdb document")
	return nil
}

// skipError marks a record that is deliberately not emitted (counted in
// Skipped), as opposed to a malformed one.
type skipError struct{ reason string }

func (e skipError) Error() string { return e.reason }

func (l *loader) handleOSV(name string, d *document) error {
	l.member.ID, l.member.Modified = d.ID, d.Modified
	if d.Withdrawn != "" {
		l.stats.Withdrawn++
		return nil
	}
	a, err := convertOSV(d)
	if err != nil {
		var skip skipError
		if errors.As(err, &skip) {
			l.stats.Skipped++
			return nil
		}
		l.malformed(name, "%s: %v", d.ID, err)
		return nil
	}
	return l.send(a)
}

// rpmSummarySeverity reads the severity Red Hat-style errata put in front
// of their synopsis ("Important: kernel security update").
var rpmSummarySeverity = map[string]bool{"Critical": true, "Important": true, "Moderate": true, "Low": true}

// convertOSV turns one OSV record into an advisory. Affected entries in
// ecosystems without a version comparer, and GIT ranges, are dropped; a
// record left with nothing to match is malformed when an ecosystem was
// unsupported, skipped when it only had GIT ranges.
func convertOSV(d *document) (*advisory.Advisory, error) {
	if strings.TrimSpace(d.ID) == "" {
		return nil, errors.New("missing id")
	}
	a := &advisory.Advisory{
		ID:      strings.TrimSpace(d.ID),
		Source:  advisory.SourceOSV,
		Summary: d.Summary,
		Details: d.Details,
	}
	a.Published = parseTime(d.Published)
	a.Modified = parseTime(d.Modified)
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
		return nil, skipError{"no matchable package (only GIT ranges)"}
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
func convertRange(eco string, r osvRange) (advisory.Range, error) {
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
func scoreSeverities(ss []osvSeverity) (out []report.CVSS, word string) {
	for _, s := range ss {
		switch s.Type {
		case "CVSS_V2", "CVSS_V3", "CVSS_V4":
			if c, ok := ScoreCVSS(s.Score); ok {
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

// ScoreCVSS parses a CVSS v2, v3.0, v3.1 or v4.0 vector and computes its
// base score (see advisory.ScoreCVSS, which does the work).
func ScoreCVSS(vector string) (c report.CVSS, ok bool) { return advisory.ScoreCVSS(vector) }

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

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}
