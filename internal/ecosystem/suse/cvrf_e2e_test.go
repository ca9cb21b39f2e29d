package suse_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// cvrfFix is one (advisory, product, package reference) of a CVRF
// document: what the test's expectation is computed from.
type cvrfFix struct{ id, product, ref, severity string }

// cvrfJSON writes a document in vuln-list's JSON form of SUSE CVRF (the
// keys of the shared samples), every fix listed in the product tree and
// as a "Fixed" product status of each CVE.
func cvrfJSON(t *testing.T, path, id, title string, cves []string, severity string, fixes []cvrfFix) {
	t.Helper()
	type rel struct{ ProductReference, RelatesToProductReference, RelationType string }
	var rels []rel
	var ids []string
	for _, f := range fixes {
		rels = append(rels, rel{f.ref, f.product, "Default Component Of"})
		ids = append(ids, f.product+":"+f.ref)
	}
	var vulns []map[string]any
	for _, c := range cves {
		v := map[string]any{"CVE": c, "ProductStatuses": []map[string]any{{"Type": "Fixed", "ProductID": ids}}}
		if severity != "" {
			v["Threats"] = []map[string]string{{"Type": "Impact", "Severity": severity}}
		}
		vulns = append(vulns, v)
	}
	doc := map[string]any{
		"Title":           title,
		"Tracking":        map[string]string{"ID": id, "Status": "Final", "InitialReleaseDate": "2022-03-30T16:29:02Z", "CurrentReleaseDate": "2022-03-30T16:29:02Z"},
		"Notes":           []map[string]string{{"Text": title, "Title": "Details", "Type": "General"}},
		"ProductTree":     map[string]any{"Relationships": rels},
		"References":      []map[string]string{{"URL": "https://www.suse.com/support/update/", "Description": id}},
		"Vulnerabilities": vulns,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// cvrfXML writes one fix as SUSE's own CVRF XML (cvrf-suse-su-*.xml).
func cvrfXML(t *testing.T, path string, f cvrfFix, cve string) {
	t.Helper()
	doc := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1" xmlns:cvrf="http://www.icasi.org/CVRF/schema/cvrf/1.1">
  <DocumentTitle xml:lang="en">Security update (test)</DocumentTitle>
  <DocumentTracking><Identification><ID>%[1]s</ID></Identification><Status>Final</Status><Version>1</Version>
    <InitialReleaseDate>2099-01-01T00:00:00Z</InitialReleaseDate><CurrentReleaseDate>2099-01-01T00:00:00Z</CurrentReleaseDate></DocumentTracking>
  <ProductTree xmlns="http://www.icasi.org/CVRF/schema/prod/1.1">
    <Relationship ProductReference="%[3]s" RelationType="Default Component Of" RelatesToProductReference="%[2]s">
      <FullProductName ProductID="%[2]s:%[3]s">%[3]s as a component of %[2]s</FullProductName>
    </Relationship>
  </ProductTree>
  <Vulnerability xmlns="http://www.icasi.org/CVRF/schema/vuln/1.1" Ordinal="1">
    <CVE>%[4]s</CVE>
    <ProductStatuses><Status Type="Fixed"><ProductID>%[2]s:%[3]s</ProductID></Status></ProductStatuses>
    <Threats><Threat Type="Impact"><Description>%[5]s</Description></Threat></Threats>
  </Vulnerability>
</cvrfdoc>
`, f.id, f.product, f.ref, cve, f.severity)
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSLESCVRFEndToEnd builds the database from SUSE CVRF documents only
// (the alternative to OSV's SUSE records) and scans the real SLES 15 SP3
// NDB rpm database with it. The feed holds the six real vuln-list
// CVRF samples of the shared data (products of other releases: none may
// match), SUSE-SU-2022:1061-1 written in CVRF form from the shared
// extract of the real document (libz1, Basesystem 15 SP3, and its two
// container products), and the test's own documents for what the samples
// lack: an XML document with an architecture suffix and a rating, a fix
// older than what is installed, another service pack, LTSS, and openSUSE.
//
// The expected findings are computed here, independently of the parser:
// a fix applies to this image when its product is SLES 15 SP3 or one of
// the 15 SP3 modules, its package is installed (the python3-rpm listing
// of the shared data) and rpm's own vercmp orders the installed version
// below the fixed one.
func TestSLESCVRFEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "suse-sles")
	osDir := testutil.Data(t, "distros", "opensuse")
	feed := t.TempDir()
	var fixes []cvrfFix

	// The real samples, copied into the feed directory and read back here
	// with a decoding of their own.
	samples, _ := filepath.Glob(filepath.Join(dir, "cvrf", "*.json"))
	more, _ := filepath.Glob(filepath.Join(osDir, "cvrf", "*.json"))
	samples = append(samples, more...)
	if len(samples) != 6 {
		t.Fatalf("%d CVRF samples in the shared data, want 6", len(samples))
	}
	for _, p := range samples {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Tracking    struct{ ID string }
			ProductTree struct {
				Relationships []struct{ ProductReference, RelatesToProductReference string }
			}
		}
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		for _, r := range doc.ProductTree.Relationships {
			fixes = append(fixes, cvrfFix{doc.Tracking.ID, r.RelatesToProductReference, r.ProductReference, ""})
		}
		if err := os.WriteFile(filepath.Join(feed, filepath.Base(p)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	// SUSE-SU-2022:1061-1 from the shared extract: its patch name
	// SUSE-SLE-Module-Basesystem-15-SP3-2022-1061 is the Basesystem module
	// of 15 SP3; its container products are read as they are.
	var ext struct {
		ID, Title          string
		CVEs               []string                                                       `json:"cves"`
		FixedPackages      []string                                                       `json:"fixed_packages"`
		PatchNames         []string                                                       `json:"patchnames_include"`
		RelationshipsSeen  []struct{ ProductReference, RelatesToProductReference string } `json:"relationships_seen"`
		InitialReleaseDate string                                                         `json:"initial_release_date"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "advisory-extract-SUSE-SU-2022-1061-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ext); err != nil {
		t.Fatal(err)
	}
	if len(ext.FixedPackages) != 1 || !strings.Contains(strings.Join(ext.PatchNames, " "), "SUSE-SLE-Module-Basesystem-15-SP3-2022-1061") {
		t.Fatalf("extract changed: %+v", ext)
	}
	zlib := []cvrfFix{{ext.ID, "SUSE Linux Enterprise Module for Basesystem 15 SP3", ext.FixedPackages[0], ""}}
	for _, r := range ext.RelationshipsSeen {
		zlib = append(zlib, cvrfFix{ext.ID, r.RelatesToProductReference, r.ProductReference, ""})
	}
	cvrfJSON(t, filepath.Join(feed, "SUSE-SU-2022-1061-1.json"), ext.ID, ext.Title, ext.CVEs, "", zlib)
	fixes = append(fixes, zlib...)

	// The test's own documents.
	own := []struct {
		fix cvrfFix
		cve string
	}{
		{cvrfFix{"SUSE-SU-2099:0001-1", "SUSE Linux Enterprise Server 15 SP3", "coreutils-8.32-150300.3.5.1.x86_64", "important"}, "CVE-2099-0001"},
		{cvrfFix{"SUSE-SU-2099:0002-1", "SUSE Linux Enterprise Module for Basesystem 15 SP3", "libzstd1-1.4.4-1.5.1", "low"}, "CVE-2099-0002"},
		{cvrfFix{"SUSE-SU-2099:0003-1", "SUSE Linux Enterprise Server 15 SP5", "bash-4.4-150400.27.3.2", "moderate"}, "CVE-2099-0003"},
		{cvrfFix{"SUSE-SU-2099:0004-1", "SUSE Linux Enterprise Server 15 SP3-LTSS", "bash-4.4-150300.19.9.1", "moderate"}, "CVE-2099-0004"},
		{cvrfFix{"openSUSE-SU-2099:0005-1", "openSUSE Leap 15.3", "bash-4.4-150300.19.9.1", "moderate"}, "CVE-2099-0005"},
	}
	for i, o := range own {
		if i == 0 {
			cvrfXML(t, filepath.Join(feed, "cvrf-suse-su-2099_0001-1.xml"), o.fix, o.cve)
		} else {
			cvrfJSON(t, filepath.Join(feed, strings.ReplaceAll(o.fix.id, ":", "-")+".json"), o.fix.id, "test", []string{o.cve}, o.fix.severity, []cvrfFix{o.fix})
		}
		fixes = append(fixes, o.fix)
	}

	// The expectation.
	installed := map[string]string{}
	lf, err := os.Open(filepath.Join(dir, "installed-packages.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	for sc := bufio.NewScanner(lf); sc.Scan(); {
		if c := strings.Split(sc.Text(), "\t"); len(c) >= 4 {
			installed[c[0]] = c[2] + "-" + c[3]
		}
	}
	applies := regexp.MustCompile(`^SUSE Linux Enterprise (Server|Module for [A-Za-z ]+) 15 SP3$`)
	nvr := regexp.MustCompile(`^(.+)-([^-]+-[^-]+?)(\.x86_64|\.noarch)?$`)
	var want []ecosystemtest.Finding
	severity := map[string]report.Severity{}
	for _, f := range fixes {
		m := nvr.FindStringSubmatch(f.ref)
		if m == nil {
			t.Fatalf("test cannot read %q", f.ref)
		}
		v, ok := installed[m[1]]
		if !applies.MatchString(f.product) || !ok || ecosystemtest.RPMVercmp(t, v, m[2]) >= 0 {
			continue
		}
		want = append(want, ecosystemtest.Finding{Package: m[1], Installed: v, Fixed: m[2], Advisory: f.id})
		severity[f.id] = map[string]report.Severity{"important": report.SeverityHigh, "": ""}[f.severity]
	}
	if len(want) != 2 {
		t.Fatalf("the test's own computation gives %v: it should be zlib's and coreutils' fixes", want)
	}
	truth := ecosystemtest.ReadTruth(t, filepath.Join(dir, "truth.tsv"))
	if len(truth) != 1 || !strings.HasPrefix(truth[0].Advisory, ext.ID+" ") || truth[0].Installed != installed["libz1"] {
		t.Fatalf("shared truth %v disagrees with the extract", truth)
	}

	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release.trivy-sles"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "usr/lib/sysimage/rpm/Packages.db"), "usr/lib/sysimage/rpm/Packages.db"))
	if got := len(rep.Packages); got != len(installed) {
		t.Errorf("%d packages inventoried, the listing has %d", got, len(installed))
	}
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	for _, v := range rep.Vulnerabilities {
		if s := severity[v.ID]; s != "" && v.Severity != s {
			t.Errorf("%s: severity %s, want %s from the CVRF threat", v.ID, v.Severity, s)
		}
		if len(v.Aliases) == 0 || !strings.HasPrefix(v.Aliases[0], "CVE-") {
			t.Errorf("%s: aliases %v lack the CVE", v.ID, v.Aliases)
		}
	}
	c := ecosystemtest.Coverage(t, rep, "SUSE:Linux Enterprise Server 15 SP3")
	if !c.Covered || c.Packages != len(installed) {
		t.Errorf("coverage = %+v", c)
	}
}
