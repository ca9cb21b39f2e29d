package match

import (
	"context"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

func cv(t *testing.T, vec, src string) report.CVSS {
	t.Helper()
	c, ok := advisory.ScoreCVSS(vec)
	if !ok {
		t.Fatalf("bad vector %s", vec)
	}
	c.Source = src
	return c
}

// TestRatePrecedence pins the documented order: the feed's word, the
// feed's vectors, the CNA (vectors, then word), NVD, CISA ADP, else
// UNKNOWN with no source.
func TestRatePrecedence(t *testing.T) {
	const (
		crit = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" // 9.8
		high = "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:N" // 8.1
		med  = "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N" // 5.9
		low  = "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N" // 1.8
	)
	cases := []struct {
		name     string
		v        report.Vulnerability
		cnaWord  string
		sev      report.Severity
		src      string
		score    float64
		scoreSrc string
	}{
		{"distro word wins", report.Vulnerability{VendorSeverity: "low", VendorSeveritySource: "debian", CVSS: []report.CVSS{cv(t, crit, "cna")}}, "", "LOW", "debian", 9.8, "cna"},
		{"debian not yet assigned falls through", report.Vulnerability{VendorSeverity: "not yet assigned", VendorSeveritySource: "debian", CVSS: []report.CVSS{cv(t, med, "nvd")}}, "", "MEDIUM", "nvd", 5.9, "nvd"},
		{"ghsa vectors before cna", report.Vulnerability{CVSS: []report.CVSS{cv(t, high, "cna"), cv(t, low, "ghsa")}}, "", "LOW", "ghsa", 1.8, "ghsa"},
		{"cna before nvd", report.Vulnerability{CVSS: []report.CVSS{cv(t, crit, "nvd"), cv(t, med, "cna")}}, "", "MEDIUM", "cna", 5.9, "cna"},
		{"cna word before nvd vectors", report.Vulnerability{CVSS: []report.CVSS{cv(t, crit, "nvd")}}, "High", "HIGH", "cna", 9.8, "nvd"},
		{"nvd before adp", report.Vulnerability{CVSS: []report.CVSS{cv(t, crit, "cisa-adp"), cv(t, low, "nvd")}}, "", "LOW", "nvd", 1.8, "nvd"},
		{"adp last", report.Vulnerability{CVSS: []report.CVSS{cv(t, high, "cisa-adp")}}, "", "HIGH", "cisa-adp", 8.1, "cisa-adp"},
		{"v4 preferred over v3 of one source", report.Vulnerability{CVSS: []report.CVSS{cv(t, crit, "cna"), cv(t, "CVSS:4.0/AV:L/AC:H/AT:P/PR:H/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N", "cna")}}, "", "LOW", "cna", 1, "cna"},
		{"nothing", report.Vulnerability{}, "", "UNKNOWN", "", 0, ""},
		{"unknown word and no vector", report.Vulnerability{VendorSeverity: "whatever", VendorSeveritySource: "ubuntu"}, "", "UNKNOWN", "", 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := tc.v
			Rate(&v, tc.cnaWord)
			if v.Severity != tc.sev || v.SeveritySource != tc.src || v.ScoreSource != tc.scoreSrc {
				t.Errorf("got %s from %q, score from %q; want %s from %q, score from %q", v.Severity, v.SeveritySource, v.ScoreSource, tc.sev, tc.src, tc.scoreSrc)
			}
			if tc.score != 0 && (v.Score < tc.score-0.05 || v.Score > tc.score+0.05) {
				t.Errorf("score %.1f, want %.1f", v.Score, tc.score)
			}
		})
	}
}

// TestEnrichByAlias: a GHSA finding and a DEBIAN-CVE finding get their
// CVE's data; re-enriching against a store without KEV drops KEV (the
// re-rank path of an enrichment-only database update).
func TestEnrichByAlias(t *testing.T) {
	ctx := context.Background()
	e := advisory.Enrichment{ID: "CVE-2021-44228", Title: "Log4Shell", CVSS: []report.CVSS{cv(t, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "cna")},
		KEV: &report.KEV{DateAdded: "2021-12-10"}, EPSS: &report.EPSS{Score: 0.94, Percentile: 0.99, Date: "2025-01-01"}}
	st := NewMemStore(nil).WithEnrichment([]advisory.Enrichment{e})
	vulns := []report.Vulnerability{
		{ID: "GHSA-jfh8-c2jp-5v3q", Aliases: []string{"CVE-2021-44228"}, Package: "log4j-core"},
		{ID: "DEBIAN-CVE-2021-44228", Package: "apache-log4j2"},
		{ID: "GHSA-xxxx-yyyy-zzzz", Package: "other"},
	}
	if err := Enrich(ctx, st, vulns); err != nil {
		t.Fatal(err)
	}
	for _, v := range vulns[:2] {
		if v.Severity != "CRITICAL" || v.SeveritySource != "cna" || v.KEV == nil || v.EPSS == nil || v.Title != "Log4Shell" {
			t.Errorf("%s: %s from %q, kev %v, epss %v, title %q", v.ID, v.Severity, v.SeveritySource, v.KEV, v.EPSS, v.Title)
		}
	}
	if v := vulns[2]; v.Severity != "UNKNOWN" || v.SeveritySource != "" || v.KEV != nil {
		t.Errorf("unrelated finding enriched: %+v", v)
	}
	SortByRisk(vulns)
	if vulns[2].ID != "GHSA-xxxx-yyyy-zzzz" {
		t.Errorf("risk order puts %s last, want the unscored finding", vulns[2].ID)
	}
	e.KEV = nil
	if err := Enrich(ctx, NewMemStore(nil).WithEnrichment([]advisory.Enrichment{e}), vulns[:1]); err != nil {
		t.Fatal(err)
	}
	if vulns[0].KEV != nil || len(vulns[0].CVSS) != 1 {
		t.Errorf("re-enrichment kept stale data: kev %v, %d vectors", vulns[0].KEV, len(vulns[0].CVSS))
	}
}
