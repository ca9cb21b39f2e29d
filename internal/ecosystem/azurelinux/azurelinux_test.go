package azurelinux_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// vuln-list splits Microsoft's OVAL file into JSON documents, field for
// field; ovalXML writes them back as the OVAL XML Microsoft publishes.
type vlCriteria struct {
	Operator  string
	Criterias []vlCriteria
	Criterion []struct{ Comment, TestRef string }
}

type vlDef struct {
	Class, ID, Version string
	Metadata           struct {
		Title     string
		Affected  struct{ Family, Platform string }
		Reference struct {
			RefID, RefURL, Source string
		}
		Severity, Description string
	}
	Criteria vlCriteria
}

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return strings.ReplaceAll(b.String(), `"`, "&#34;")
}

func writeCriteria(b *strings.Builder, c vlCriteria) {
	b.WriteString(`<criteria operator="` + esc(c.Operator) + `">`)
	for _, cr := range c.Criterion {
		b.WriteString(`<criterion comment="` + esc(cr.Comment) + `" test_ref="` + esc(cr.TestRef) + `"/>`)
	}
	for _, sub := range c.Criterias {
		writeCriteria(b, sub)
	}
	b.WriteString("</criteria>")
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

func ovalXML(t *testing.T, dir string) []byte {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5" xmlns:oval="http://oval.mitre.org/XMLSchema/oval-common-5" xmlns:linux-def="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux">
<generator><oval:product_name>Azure Linux OVAL Definition Generator</oval:product_name><oval:schema_version>5.11</oval:schema_version></generator>
<definitions>`)
	defs, _ := filepath.Glob(filepath.Join(dir, "definitions", "*", "*.json"))
	if len(defs) == 0 {
		t.Fatalf("no definitions in %s", dir)
	}
	for _, f := range defs {
		var d vlDef
		readJSON(t, f, &d)
		m := d.Metadata
		b.WriteString(`<definition class="` + esc(d.Class) + `" id="` + esc(d.ID) + `" version="` + esc(d.Version) + `"><metadata>`)
		b.WriteString("<title>" + esc(m.Title) + `</title><affected family="` + esc(m.Affected.Family) + `"><platform>` + esc(m.Affected.Platform) + "</platform></affected>")
		b.WriteString(`<reference ref_id="` + esc(m.Reference.RefID) + `" ref_url="` + esc(m.Reference.RefURL) + `" source="` + esc(m.Reference.Source) + `"/>`)
		b.WriteString("<patchable>true</patchable><severity>" + esc(m.Severity) + "</severity><description>" + esc(m.Description) + "</description></metadata>")
		writeCriteria(&b, d.Criteria)
		b.WriteString("</definition>\n")
	}
	b.WriteString("</definitions>\n<tests>\n")
	var tests struct {
		RpminfoTests []struct {
			Check, Comment, ID, Version string
			Object                      struct{ ObjectRef string }
			State                       struct{ StateRef string }
		}
	}
	readJSON(t, filepath.Join(dir, "tests", "tests.json"), &tests)
	for _, x := range tests.RpminfoTests {
		b.WriteString(`<linux-def:rpminfo_test check="` + esc(x.Check) + `" comment="` + esc(x.Comment) + `" id="` + esc(x.ID) + `" version="` + esc(x.Version) + `">`)
		b.WriteString(`<linux-def:object object_ref="` + esc(x.Object.ObjectRef) + `"/><linux-def:state state_ref="` + esc(x.State.StateRef) + `"/></linux-def:rpminfo_test>` + "\n")
	}
	b.WriteString("</tests>\n<objects>\n")
	var objects struct {
		RpminfoObjects []struct{ ID, Version, Name string }
	}
	readJSON(t, filepath.Join(dir, "objects", "objects.json"), &objects)
	for _, o := range objects.RpminfoObjects {
		b.WriteString(`<linux-def:rpminfo_object id="` + esc(o.ID) + `" version="` + esc(o.Version) + `"><linux-def:name>` + esc(o.Name) + "</linux-def:name></linux-def:rpminfo_object>\n")
	}
	b.WriteString("</objects>\n<states>\n")
	var states struct {
		RpminfoState []struct {
			ID, Version string
			Evr         struct{ Text, Datatype, Operation string }
		}
	}
	readJSON(t, filepath.Join(dir, "states", "states.json"), &states)
	for _, s := range states.RpminfoState {
		b.WriteString(`<linux-def:rpminfo_state id="` + esc(s.ID) + `" version="` + esc(s.Version) + `"><linux-def:evr datatype="` + esc(s.Evr.Datatype) + `" operation="` + esc(s.Evr.Operation) + `">` + esc(s.Evr.Text) + "</linux-def:evr></linux-def:rpminfo_state>\n")
	}
	b.WriteString("</states>\n</oval_definitions>\n")
	return []byte(b.String())
}

// TestMarinerEndToEnd scans the real CBL-Mariner 2.0 rpmdb.sqlite (129
// packages) against Microsoft's OVAL (the shared vuln-list split written
// back as the published cbl-mariner-2.0-oval.xml) through vulndb.Build,
// and expects exactly the shared truth: openssl below 1.1.1k-28.cm2
// (CVE-2023-5678); edk2 and the Mariner 1.0 wireshark definition are not
// installed. The truth writes zero epochs and the definition id beside the
// CVE; the scanner writes neither (its finding is the CVE).
func TestMarinerEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "mariner2")
	feed := filepath.Join(t.TempDir(), "cbl-mariner-2.0-oval.xml")
	if err := os.WriteFile(feed, ovalXML(t, filepath.Join(dir, "oval-vulnlist")), 0o644); err != nil {
		t.Fatal(err)
	}
	var want []ecosystemtest.Finding
	for _, f := range ecosystemtest.ReadTruth(t, filepath.Join(dir, "truth.tsv")) {
		f.Installed = strings.TrimPrefix(f.Installed, "0:")
		f.Fixed = strings.TrimPrefix(f.Fixed, "0:")
		f.Advisory = f.Advisory[strings.LastIndex(f.Advisory, " ")+1:]
		want = append(want, f)
	}
	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "var/lib/rpm/rpmdb.sqlite"), "var/lib/rpm/rpmdb.sqlite"))
	if len(rep.Packages) != 129 {
		t.Errorf("%d packages, the database holds 129", len(rep.Packages))
	}
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	c := ecosystemtest.Coverage(t, rep, "CBL-Mariner:2.0")
	if !c.Covered || !strings.Contains(c.Note, "end of life on 2025-07-31") {
		t.Errorf("coverage = %+v", c)
	}
}

// TestAzureLinux3EndToEnd: Azure Linux 3.0's OVAL (shared vuln-list split,
// written back as azurelinux-3.0-oval.xml) against an rpm database written
// by Debian's rpm with the packages its definitions name, one below and
// one at each fixed version; expected findings computed with rpm.vercmp
// from the split files (their only lower bound, golang "greater than
// 0.0.0", holds for every installed version).
func TestAzureLinux3EndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "azurelinux3")
	vl := filepath.Join(dir, "oval-vulnlist")
	feed := filepath.Join(t.TempDir(), "azurelinux-3.0-oval.xml")
	if err := os.WriteFile(feed, ovalXML(t, vl), 0o644); err != nil {
		t.Fatal(err)
	}
	// name -> "less than" EVR, from the split files.
	var objects struct{ RpminfoObjects []struct{ ID, Name string } }
	var states struct {
		RpminfoState []struct {
			ID  string
			Evr struct{ Text, Operation string }
		}
	}
	var tests struct {
		RpminfoTests []struct {
			ID     string
			Object struct{ ObjectRef string }
			State  struct{ StateRef string }
		}
	}
	readJSON(t, filepath.Join(vl, "objects", "objects.json"), &objects)
	readJSON(t, filepath.Join(vl, "states", "states.json"), &states)
	readJSON(t, filepath.Join(vl, "tests", "tests.json"), &tests)
	defs, _ := filepath.Glob(filepath.Join(vl, "definitions", "*", "*.json"))
	type fix struct{ pkg, fixed, id string }
	var fixes []fix
	for _, f := range defs {
		var d vlDef
		readJSON(t, f, &d)
		for _, cr := range d.Criteria.Criterion {
			for _, x := range tests.RpminfoTests {
				if x.ID != cr.TestRef {
					continue
				}
				name, evr := "", ""
				for _, o := range objects.RpminfoObjects {
					if o.ID == x.Object.ObjectRef {
						name = o.Name
					}
				}
				for _, s := range states.RpminfoState {
					if s.ID == x.State.StateRef && s.Evr.Operation == "less than" {
						evr = strings.TrimPrefix(s.Evr.Text, "0:")
					}
				}
				if name != "" && evr != "" {
					fixes = append(fixes, fix{name, evr, d.Metadata.Reference.RefID})
				}
			}
		}
	}
	if len(fixes) == 0 {
		t.Fatal("no fixes read from the split files")
	}
	var installed []ecosystemtest.RPM
	var want []ecosystemtest.Finding
	seen := map[string]bool{}
	for i, f := range fixes {
		if seen[f.pkg] {
			continue
		}
		seen[f.pkg] = true
		ver, rel, _ := strings.Cut(f.fixed, "-")
		p := ecosystemtest.RPM{Name: f.pkg, Version: ver, Release: rel, Arch: "x86_64"}
		if i%2 == 0 {
			p.Release = "0.azl3" // below the fix's release
		}
		installed = append(installed, p)
		for _, g := range fixes {
			if g.pkg == p.Name && ecosystemtest.RPMVercmp(t, p.EVR(), g.fixed) < 0 {
				want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: g.fixed, Advisory: g.id})
			}
		}
	}
	t.Logf("installed %+v, expecting %v", installed, want)
	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		imagebuildFile("var/lib/rpm/rpmdb.sqlite", ecosystemtest.RPMDB(t, installed...)))
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	if c := ecosystemtest.Coverage(t, rep, "Azure Linux:3.0"); !c.Covered || c.Note != "" {
		t.Errorf("coverage = %+v", c)
	}
}

func imagebuildFile(path string, content []byte) imagebuild.File {
	return imagebuild.File{Path: path, Content: content}
}

// TestMarinerDistroless: a distroless Mariner image has no rpm database,
// only the rpm manifest; its packages are inventoried from it and counted
// in the release's coverage.
func TestMarinerDistroless(t *testing.T) {
	dir := testutil.Data(t, "distros", "mariner2")
	feed := filepath.Join(t.TempDir(), "cbl-mariner-2.0-oval.xml")
	if err := os.WriteFile(feed, ovalXML(t, filepath.Join(dir, "oval-vulnlist")), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "var/lib/rpmmanifest/container-manifest-2.syft-sample"), "var/lib/rpmmanifest/container-manifest-2"))
	if len(rep.Packages) != 5 {
		t.Errorf("%d packages from the manifest, want 5", len(rep.Packages))
	}
	if c := ecosystemtest.Coverage(t, rep, "CBL-Mariner:2.0"); !c.Covered || c.Packages != 5 {
		t.Errorf("coverage = %+v", c)
	}
	// openssl-libs 1.1.1k-15 is a binary of openssl; the OVAL names the
	// openssl binary (the shared truth's rule), so nothing matches.
	if len(rep.Vulnerabilities) != 0 {
		t.Errorf("findings %v", ecosystemtest.Findings(rep))
	}
}
