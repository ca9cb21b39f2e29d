package match

import (
	"context"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

func rng(typ string, evs ...string) advisory.Range {
	r := advisory.Range{Type: typ}
	for _, e := range evs {
		k, v, _ := strings.Cut(e, "=")
		var ev advisory.Event
		switch k {
		case "i":
			ev.Introduced = v
		case "f":
			ev.Fixed = v
		case "la":
			ev.LastAffected = v
		case "l":
			ev.Limit = v
		}
		r.Events = append(r.Events, ev)
	}
	return r
}

func TestAffects(t *testing.T) {
	cases := []struct {
		name     string
		eco      string
		af       advisory.Affected
		v        string
		affected bool
		fixed    string
	}{
		{"introduced 0, below fix", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1.2")}}, "1.1", true, "1.2"},
		{"at the fix", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1.2")}}, "1.2", false, ""},
		{"numeric not string order", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1.10")}}, "1.9", true, "1.10"},
		{"below introduced", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=2.0", "f=2.5")}}, "1.9", false, ""},
		{"at introduced", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=2.0", "f=2.5")}}, "2.0", true, "2.5"},
		{"no fix", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0")}}, "99", true, ""},
		{"last_affected inclusive", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=1.0", "la=1.5")}}, "1.5", true, ""},
		{"above last_affected", "PyPI", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=1.0", "la=1.5")}}, "1.5.1", false, ""},
		{"below limit", "Go", advisory.Affected{Ranges: []advisory.Range{rng("SEMVER", "i=0", "l=2.0.0")}}, "1.9.0", true, ""},
		{"at limit", "Go", advisory.Affected{Ranges: []advisory.Range{rng("SEMVER", "i=0", "l=2.0.0")}}, "2.0.0", false, ""},
		{"limit star", "Go", advisory.Affected{Ranges: []advisory.Range{rng("SEMVER", "i=0", "l=*")}}, "9.0.0", true, ""},
		{"explicit version", "PyPI", advisory.Affected{Versions: []string{"1.0", "1.1"}}, "1.1", true, ""},
		{"explicit version, equal by ordering", "PyPI", advisory.Affected{Versions: []string{"1.1"}}, "1.1.0", true, ""},
		{"not an explicit version", "PyPI", advisory.Affected{Versions: []string{"1.0", "1.1"}}, "1.2", false, ""},
		{"multiple ranges: second", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=0", "f=1.2.0"), rng("SEMVER", "i=2.0.0", "f=2.3.1")}}, "2.1.0", true, "2.3.1"},
		{"multiple ranges: between", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=0", "f=1.2.0"), rng("SEMVER", "i=2.0.0", "f=2.3.1")}}, "1.5.0", false, ""},
		{"pairs in one range", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=2.3.1", "f=2.14.4", "i=2.15.0", "f=2.15.3", "i=2.16.0", "f=2.16.1")}}, "2.15.1", true, "2.15.3"},
		{"pairs in one range: gap", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=2.3.1", "f=2.14.4", "i=2.15.0", "f=2.15.3")}}, "2.14.9", false, ""},
		{"unsorted events", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=2.15.0", "f=2.15.3", "i=0", "f=1.0.0")}}, "0.5.0", true, "1.0.0"},
		{"fixed lowest above installed", "Go", advisory.Affected{Ranges: []advisory.Range{
			rng("SEMVER", "i=0", "f=1.20.14", "i=1.21.0", "f=1.21.7")}}, "go1.21.0", true, "1.21.7"},
		{"alpine -r", "Alpine:v3.20", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1.36.1-r31")}}, "1.36.1-r29", true, "1.36.1-r31"},
		{"alpine -r10 > -r9", "Alpine:v3.20", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1.0-r9")}}, "1.0-r10", false, ""},
		{"dpkg tilde backport", "Debian:12", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=3.0.11-1~deb12u1")}}, "3.0.11-1~deb12u0", true, "3.0.11-1~deb12u1"},
		{"rpm epoch", "AlmaLinux:9", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1:1.26.0-14.el9")}}, "1.30.0-1.el9", true, "1:1.26.0-14.el9"},
		{"rpm epoch installed", "AlmaLinux:9", advisory.Affected{Ranges: []advisory.Range{rng("ECOSYSTEM", "i=0", "f=1:1.26.0-14.el9")}}, "1:1.26.0-14.el9", false, ""},
		{"unparsable installed", "Go", advisory.Affected{Ranges: []advisory.Range{rng("SEMVER", "i=0")}}, "(devel)", false, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, fixed := Affects(tc.eco, tc.af, tc.v)
			if got != tc.affected || fixed != tc.fixed {
				t.Errorf("Affects(%s, %v) = %v %q, want %v %q", tc.eco, tc.v, got, fixed, tc.affected, tc.fixed)
			}
		})
	}
}

func adv(id, source, eco, pkg string, r advisory.Range) advisory.Advisory {
	return advisory.Advisory{ID: id, Source: source, Affected: []advisory.Affected{{Ecosystem: eco, Package: pkg, Ranges: []advisory.Range{r}}}}
}

func TestMatchDistroDedupAndSeverity(t *testing.T) {
	deb := &report.OS{ID: "debian", VersionID: "12"}
	tracker := adv("CVE-2024-1", advisory.SourceDebianTracker, "Debian:12", "openssl", rng("ECOSYSTEM", "i=0", "f=3.0.11-1~deb12u2"))
	tracker.Affected[0].Severity = "LOW"
	tracker.References = []string{"https://security-tracker.debian.org/tracker/CVE-2024-1"}
	osv := adv("DEBIAN-CVE-2024-1", advisory.SourceOSV, "Debian:12", "openssl", rng("ECOSYSTEM", "i=0", "f=3.0.11-1~deb12u3"))
	osv.Aliases = []string{"CVE-2024-1"}
	osv.CVSS = []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8}}
	osv.Severity = "critical"
	noWord := adv("CVE-2024-2", advisory.SourceDebianTracker, "Debian:12", "openssl", rng("ECOSYSTEM", "i=0"))
	noWord.CVSS = []report.CVSS{{Version: "3.1", Vector: "v", Score: 7.5}}
	other := adv("CVE-2024-3", advisory.SourceDebianTracker, "Debian:11", "openssl", rng("ECOSYSTEM", "i=0"))
	st := NewMemStore([]advisory.Advisory{osv, tracker, noWord, other})
	pkgs := []report.Package{
		{Name: "libssl3", Version: "3.0.11-1~deb12u1", Type: "deb", SourceName: "openssl", Layer: "sha256:l1", LayerCreatedBy: "ADD"},
		{Name: "openssl", Version: "3.0.11-1~deb12u1", Type: "deb", SourceName: "openssl"},
		{Name: "zlib1g", Version: "1:1.2.13", Type: "deb", SourceName: "zlib", SourceVersion: "1:1.2.13.dfsg-1"},
	}
	vulns, cov, err := Match(context.Background(), st, deb, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(vulns) != 4 {
		t.Fatalf("got %d findings: %+v", len(vulns), vulns)
	}
	// Sorted: HIGH (CVSS 7.5) before LOW (the tracker's word beats the
	// OSV record's "critical"), then by package.
	wantOrder := []string{"libssl3/CVE-2024-2", "openssl/CVE-2024-2", "libssl3/CVE-2024-1", "openssl/CVE-2024-1"}
	for i, v := range vulns {
		if got := v.Package + "/" + v.ID; got != wantOrder[i] {
			t.Errorf("finding %d = %s, want %s", i, got, wantOrder[i])
		}
	}
	v := vulns[2]
	if v.FixedVersion != "3.0.11-1~deb12u2" || v.Status != "fixed" || v.Severity != "LOW" || v.VendorSeverity != "LOW" ||
		v.Source != advisory.SourceDebianTracker || v.SourceName != "openssl" || v.InstalledVersion != "3.0.11-1~deb12u1" ||
		v.Layer != "sha256:l1" || v.LayerCreatedBy != "ADD" || len(v.CVSS) != 1 ||
		strings.Join(v.Aliases, ",") != "DEBIAN-CVE-2024-1" || len(v.References) != 1 {
		t.Errorf("merged finding %+v", v)
	}
	if w := vulns[0]; w.Severity != "HIGH" || w.Status != "no-fix" || w.FixedVersion != "" {
		t.Errorf("no-fix finding %+v", w)
	}
	if len(cov) != 1 || cov[0] != (report.Coverage{Ecosystem: "Debian:12", Packages: 3, Covered: true}) {
		t.Errorf("coverage %+v", cov)
	}
}

func TestMatchCoverage(t *testing.T) {
	st := NewMemStore([]advisory.Advisory{adv("GO-1", advisory.SourceOSV, "Go", "example.com/m", rng("SEMVER", "i=0"))})
	pkgs := []report.Package{
		{Name: "busybox", Version: "1.36.1-r29", Type: "apk", SourceName: "busybox"},
		{Name: "example.com/m", Version: "v1.0.0", Type: "go-module"},
		{Name: "example.com/n", Version: "(devel)", Type: "go-module"},
		{Name: "lodash", Version: "4.17.15", Type: "npm"},
		{Name: "thing", Version: "1", Type: "conda"},
	}
	for _, tc := range []struct {
		name string
		os   *report.OS
		want []report.Coverage
	}{
		{"no data for the OS", &report.OS{ID: "alpine", VersionID: "3.20.3"}, []report.Coverage{
			{Ecosystem: "Alpine:v3.20", Packages: 1, Note: "the vulnerability database has no data for Alpine:v3.20"},
			{Ecosystem: "Go", Packages: 2, Covered: true, Note: "1 package(s) with a version Go ordering cannot read were not matched"},
			{Ecosystem: "npm", Packages: 1, Note: "the vulnerability database has no data for npm"},
			{Ecosystem: "type:conda", Packages: 1, Note: "package type conda is not matched against any ecosystem"},
		}},
		{"unknown OS", &report.OS{ID: "gentoo", VersionID: "2.15"}, []report.Coverage{
			{Ecosystem: "Go", Packages: 2, Covered: true, Note: "1 package(s) with a version Go ordering cannot read were not matched"},
			{Ecosystem: "npm", Packages: 1, Note: "the vulnerability database has no data for npm"},
			{Ecosystem: "os:gentoo 2.15", Packages: 1, Note: "no vulnerability data mapping for this OS: its apk packages were not matched"},
			{Ecosystem: "type:conda", Packages: 1, Note: "package type conda is not matched against any ecosystem"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vulns, cov, err := Match(context.Background(), st, tc.os, pkgs)
			if err != nil {
				t.Fatal(err)
			}
			if len(vulns) != 1 || vulns[0].ID != "GO-1" || vulns[0].Severity != "UNKNOWN" {
				t.Errorf("findings %+v", vulns)
			}
			if len(cov) != len(tc.want) {
				t.Fatalf("coverage %+v", cov)
			}
			for i := range cov {
				if cov[i] != tc.want[i] {
					t.Errorf("coverage[%d] = %+v, want %+v", i, cov[i], tc.want[i])
				}
			}
		})
	}
}

func TestMatchRPMUsesBinaryNameAndEpoch(t *testing.T) {
	// AlmaLinux advisories list binary packages with epoch-qualified fixes.
	a := adv("ALSA-2024:1", advisory.SourceOSV, "AlmaLinux:9", "php-cli", rng("ECOSYSTEM", "i=0", "f=1:8.0.30-1.el9"))
	a.Severity = "Important"
	st := NewMemStore([]advisory.Advisory{a})
	os := &report.OS{ID: "almalinux", VersionID: "9.4"}
	pkgs := []report.Package{
		{Name: "php-cli", Version: "1:8.0.27-1.el9", Type: "rpm", SourceName: "php", SourceVersion: "8.0.27-1.el9"},
		{Name: "php-cli", Version: "1:8.0.30-1.el9", Type: "rpm", SourceName: "php", SourceVersion: "8.0.30-1.el9"},
	}
	vulns, _, err := Match(context.Background(), st, os, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(vulns) != 1 || vulns[0].InstalledVersion != "1:8.0.27-1.el9" || vulns[0].Severity != "HIGH" || vulns[0].VendorSeverity != "Important" {
		t.Errorf("findings %+v", vulns)
	}
}

func TestMatchPyPINameNormalised(t *testing.T) {
	st := NewMemStore([]advisory.Advisory{adv("PYSEC-1", advisory.SourceOSV, "PyPI", "zope-interface", rng("ECOSYSTEM", "i=0", "f=5.0"))})
	vulns, _, err := Match(context.Background(), st, nil, []report.Package{{Name: "Zope.Interface", Version: "4.7.1", Type: "pypi"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(vulns) != 1 || vulns[0].Package != "Zope.Interface" || vulns[0].FixedVersion != "5.0" {
		t.Errorf("findings %+v", vulns)
	}
}

// A language package that an OS package installed is judged by the
// distribution's advisories for the owner, not by the upstream feed.
func TestMatchSkipsOSOwnedLanguagePackages(t *testing.T) {
	st := NewMemStore([]advisory.Advisory{adv("PYSEC-2", advisory.SourceOSV, "PyPI", "cryptography", rng("ECOSYSTEM", "i=0", "f=41.0.0"))})
	for _, tc := range []struct {
		owner string
		want  int
	}{{"", 1}, {"deb:python3-cryptography", 0}} {
		pkgs := []report.Package{{Name: "cryptography", Version: "38.0.4", Type: "pypi", OwnedBy: tc.owner}}
		vulns, _, err := Match(context.Background(), st, nil, pkgs)
		if err != nil {
			t.Fatal(err)
		}
		if len(vulns) != tc.want {
			t.Errorf("owned by %q: %d findings, want %d", tc.owner, len(vulns), tc.want)
		}
	}
}
