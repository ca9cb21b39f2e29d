package match

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Enricher is implemented by stores that hold CVE enrichment (the
// database file, a MemStore given enrichment). Matching against a store
// without it leaves severities to the feeds' own data.
type Enricher interface {
	// Enrichment returns what the store holds about a CVE, or nil.
	Enrichment(ctx context.Context, cve string) (*advisory.Enrichment, error)
}

// The severity precedence, documented in docs/report-schema.md. A
// finding's Severity comes from the first of these that has data, and
// SeveritySource names it:
//
//  1. the feed's own severity word (VendorSeverity): the distribution's
//     for OS packages (Debian urgency, Ubuntu priority, Red Hat, AlmaLinux
//     and SUSE severity), the database's for language packages (GHSA's
//     database_specific severity);
//  2. the CVSS vectors of the feed's own record (GHSA's, a distribution's
//     OSV severity vectors), scored by the CVSS library;
//  3. the CNA's CVSS vectors (CVE JSON 5 cna container, or NVD's
//     Secondary metrics), else the CNA's qualitative word (OpenSSL's);
//  4. NVD's own (Primary) vectors;
//  5. CISA's ADP ("Vulnrichment") vectors;
//  6. none: UNKNOWN, with no source. A severity is never guessed.
//
// Within one source the newest CVSS major version present decides (v4.0
// over v3.x over v2), highest score first, with the standard bands
// (advisory.SeverityFromCVSS). Score and ScoreSource follow
// the same order over the sources with a vector (2 to 5).
var enrichSources = []string{report.SourceCNA, report.SourceNVD, report.SourceCISAADP}

func isEnrichSource(s string) bool { return slices.Contains(enrichSources, s) }

// Rate sets v.Severity, v.SeveritySource, v.Score and v.ScoreSource from
// v.VendorSeverity(+Source), v.CVSS (each with its Source) and the CNA's
// qualitative word, by the precedence above.
func Rate(v *report.Vulnerability, cnaWord string) {
	v.Severity, v.SeveritySource, v.Score, v.ScoreSource = report.SeverityUnknown, "", 0, ""
	if s := report.ParseSeverity(v.VendorSeverity); s != "" && s != report.SeverityUnknown {
		v.Severity, v.SeveritySource = s, v.VendorSeveritySource
	}
	// Vectors grouped by source: the feed's own first (in the order met),
	// then the enrichment sources in precedence order.
	var order []string
	for _, c := range v.CVSS {
		if !isEnrichSource(c.Source) && !slices.Contains(order, c.Source) {
			order = append(order, c.Source)
		}
	}
	order = append(order, enrichSources...)
	for _, src := range order {
		var vs []report.CVSS
		for _, c := range v.CVSS {
			if c.Source == src {
				vs = append(vs, c)
			}
		}
		if src == report.SourceCNA && len(vs) == 0 && v.SeveritySource == "" {
			if s := report.ParseSeverity(cnaWord); s != "" && s != report.SeverityUnknown {
				v.Severity, v.SeveritySource = s, report.SourceCNA
			}
			continue
		}
		if len(vs) == 0 {
			continue
		}
		vs = newestVersion(vs)
		if v.ScoreSource == "" {
			v.Score, v.ScoreSource = bestScore(vs), src
		}
		if v.SeveritySource == "" {
			if s := advisory.SeverityFromCVSS(vs); s != report.SeverityUnknown {
				v.Severity = s
				v.SeveritySource = src
				if src == "" {
					v.SeveritySource = v.Source
				}
			}
		}
		if v.SeveritySource != "" && v.ScoreSource != "" {
			return
		}
	}
}

// newestVersion keeps the vectors of the newest CVSS major version
// present: one source's v4.0 vector supersedes its v3.1 one.
func newestVersion(vs []report.CVSS) []report.CVSS {
	newest := ""
	for _, c := range vs {
		if m := major(c.Version); m > newest {
			newest = m
		}
	}
	out := vs[:0:0]
	for _, c := range vs {
		if major(c.Version) == newest {
			out = append(out, c)
		}
	}
	return out
}

func major(version string) string {
	m, _, _ := strings.Cut(version, ".")
	return m
}

// bestScore is the highest score among vectors of one version.
func bestScore(vs []report.CVSS) float64 {
	best := 0.0
	for _, c := range vs {
		best = max(best, c.Score)
	}
	return best
}

// Enrich attaches the store's CVE enrichment to findings (by id and by
// alias: a GHSA or GO finding gets its CVE's data; DEBIAN-CVE-… and
// UBUNTU-CVE-… ids name theirs) and rates them. Vectors, KEV and EPSS
// from an earlier enrichment are replaced, so that re-enriching stored
// findings against a newer database re-ranks them without re-matching.
// With a store that holds no enrichment, findings are only rated.
func Enrich(ctx context.Context, st Store, vulns []report.Vulnerability) error {
	en, _ := st.(Enricher)
	cache := map[string]*advisory.Enrichment{}
	get := func(cve string) (*advisory.Enrichment, error) {
		if e, ok := cache[cve]; ok {
			return e, nil
		}
		e, err := en.Enrichment(ctx, cve)
		if err != nil {
			return nil, fmt.Errorf("enrichment of %s: %w", cve, err)
		}
		cache[cve] = e
		return e, nil
	}
	for i := range vulns {
		v := &vulns[i]
		v.CVSS = slices.DeleteFunc(v.CVSS, func(c report.CVSS) bool { return isEnrichSource(c.Source) })
		v.KEV, v.EPSS = nil, nil
		cnaWord := ""
		if en != nil {
			for _, cve := range advisory.CVEs(append([]string{v.ID}, v.Aliases...)...) {
				e, err := get(cve)
				if err != nil {
					return err
				}
				if e == nil {
					continue
				}
				apply(v, e)
				if cnaWord == "" {
					cnaWord = e.CNASeverity
				}
			}
		}
		Rate(v, cnaWord)
	}
	return nil
}

// apply copies one CVE's enrichment onto a finding. Text fills only what
// the feed left empty; a finding naming several CVEs gets every CVE's
// vectors, KEV if any is in KEV, and the highest EPSS.
func apply(v *report.Vulnerability, e *advisory.Enrichment) {
	if v.Title == "" {
		v.Title = e.Title
	}
	if v.Description == "" {
		v.Description = e.Description
	}
	if len(v.References) == 0 {
		v.References = append(v.References, e.References...)
	}
	for _, c := range e.CVSS {
		if !slices.ContainsFunc(v.CVSS, func(x report.CVSS) bool { return x.Vector == c.Vector && x.Source == c.Source }) {
			v.CVSS = append(v.CVSS, c)
		}
	}
	if e.KEV != nil && (v.KEV == nil || e.KEV.DateAdded < v.KEV.DateAdded) {
		k := *e.KEV
		v.KEV = &k
	}
	if e.EPSS != nil && (v.EPSS == nil || e.EPSS.Score > v.EPSS.Score) {
		p := *e.EPSS
		v.EPSS = &p
	}
}

// RiskLess is the default order of findings, most pressing first: in
// CISA's KEV catalog first, then by EPSS probability, then severity, then
// CVSS score; ties by package, installed version, id and package path, so
// the order is total and stable across runs.
func RiskLess(a, b *report.Vulnerability) bool {
	if (a.KEV != nil) != (b.KEV != nil) {
		return a.KEV != nil
	}
	if ea, eb := epssOf(a), epssOf(b); ea != eb {
		return ea > eb
	}
	if c := report.CompareSeverity(a.Severity, b.Severity); c != 0 {
		return c > 0
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if a.Package != b.Package {
		return a.Package < b.Package
	}
	if a.InstalledVersion != b.InstalledVersion {
		return a.InstalledVersion < b.InstalledVersion
	}
	if a.ID != b.ID {
		return a.ID < b.ID
	}
	return a.PackagePath < b.PackagePath
}

func epssOf(v *report.Vulnerability) float64 {
	if v.EPSS == nil {
		return -1
	}
	return v.EPSS.Score
}

// SortByRisk sorts findings with RiskLess.
func SortByRisk(vulns []report.Vulnerability) {
	sort.SliceStable(vulns, func(i, j int) bool { return RiskLess(&vulns[i], &vulns[j]) })
}

// WithEnrichment returns the store with CVE enrichment added (merged by
// CVE id), for tests and small in-memory databases.
func (s *MemStore) WithEnrichment(es []advisory.Enrichment) *MemStore {
	if s.enrich == nil {
		s.enrich = map[string]*advisory.Enrichment{}
	}
	for i := range es {
		e := es[i]
		if old := s.enrich[e.ID]; old != nil {
			old.Merge(&e)
			continue
		}
		s.enrich[e.ID] = &e
	}
	return s
}

// Enrichment implements Enricher.
func (s *MemStore) Enrichment(ctx context.Context, cve string) (*advisory.Enrichment, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.enrich[cve], nil
}
