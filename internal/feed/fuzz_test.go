package feed

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format/formattest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// fuzzLoad feeds one document to the loader and checks the invariants: no
// panic, no error (a document's problems are counted, never fatal), every
// record accounted for, and every emitted advisory usable.
func fuzzLoad(t *testing.T, name string, data []byte) {
	l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(a *advisory.Advisory) error {
		if why := formattest.Unusable(a); why != "" {
			t.Fatalf("emitted %s", why)
		}
		return nil
	}}
	if err := l.loadDoc(name, bytes.NewReader(data)); err != nil {
		t.Fatalf("loadDoc: %v", err)
	}
	if len(l.stats.Errors) > MaxErrors {
		t.Fatalf("%d errors kept", len(l.stats.Errors))
	}
}

func addSeedFiles(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
}

func FuzzOSVRecord(f *testing.F) {
	addSeedFiles(f, filepath.Join(testutil.DataDir(f), "advisories", "osv-ghsa-npm-subset", "*.json"))
	members := tarMembers(f, testutil.Data(f, "advisories", "osv-go-vulndb.tar.gz"))
	n := 0
	for _, b := range members {
		if n++; n > 20 {
			break
		}
		f.Add(b)
	}
	f.Add([]byte(`{"id":"X","affected":[{"package":{"ecosystem":"Go","name":"m"},"ranges":[{"type":"SEMVER","events":[{"introduced":"1.0.0"},{"fixed":"0.5.0"}]}]}]}`))
	f.Add([]byte(`[{"id":"X","withdrawn":"x"}]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "rec.json", data)
		fuzzLoad(t, "rec.yaml", data)
	})
}

func FuzzSecDB(f *testing.F) {
	dir := testutil.DataDir(f)
	addSeedFiles(f, filepath.Join(dir, "advisories", "alpine-secdb-3.20-subset", "*.json"))
	// Wolfi's and Chainguard's secdb: the whole security.json and
	// vuln-list's one-package files.
	addSeedFiles(f, filepath.Join(dir, "distros", "wolfi", "security.json"))
	addSeedFiles(f, filepath.Join(dir, "distros", "wolfi", "vuln-list-wolfi-os", "*.json"))
	addSeedFiles(f, filepath.Join(dir, "distros", "*", "vulnlist-*.json"))
	// Legacy YAML files are large; seed with their first packages.
	files, _ := filepath.Glob(filepath.Join(dir, "advisories", "alpine-secdb-legacy", "v3.9", "*.yaml"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			if len(b) > 4000 {
				b = b[:4000]
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"distroversion":"v3.20","reponame":"main","packages":[{"pkg":{"name":"a","secfixes":{"0":["CVE-1"],"1.0-r0":["CVE-2024-1 XSA-1"]}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "v3.20/main.json", data)
		fuzzLoad(t, "v3.9/main.yaml", data)
	})
}

// ovalSample cuts a small, complete OVAL document out of a real one: its
// first n definitions and the tests, objects and states they refer to.
func ovalSample(doc []byte, n int) []byte {
	elems := func(tag string) [][]byte {
		return regexp.MustCompile(`(?s)<`+tag+`\b.*?</`+tag+`>`).FindAll(doc, -1)
	}
	idOf := regexp.MustCompile(`\bid="([^"]+)"`)
	byID := map[string][]byte{}
	for _, tag := range []string{"rpminfo_test", "rpminfo_object", "rpminfo_state"} {
		for _, e := range elems(tag) {
			if m := idOf.FindSubmatch(e); m != nil {
				byID[string(m[1])] = e
			}
		}
	}
	defs := elems("definition")
	if len(defs) > n {
		defs = defs[:n]
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n" + `<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5"><definitions>`)
	refs := map[string]bool{}
	for _, d := range defs {
		b.Write(d)
		for _, m := range regexp.MustCompile(`test_ref="([^"]+)"`).FindAllSubmatch(d, -1) {
			refs[string(m[1])] = true
		}
	}
	var tests, objects, states bytes.Buffer
	for ref := range refs {
		t := byID[ref]
		tests.Write(t)
		for _, m := range regexp.MustCompile(`(?:object|state)_ref="([^"]+)"`).FindAllSubmatch(t, -1) {
			if strings.Contains(string(m[1]), ":obj:") {
				objects.Write(byID[string(m[1])])
			} else {
				states.Write(byID[string(m[1])])
			}
		}
	}
	fmt.Fprintf(&b, "</definitions><tests>%s</tests><objects>%s</objects><states>%s</states></oval_definitions>\n", &tests, &objects, &states)
	return b.Bytes()
}

// FuzzXMLFeeds: OVAL (Photon's real document cut to a few definitions,
// and an Oracle-style one whose branches name their release),
// updateinfo.xml, repomd.xml and SUSE CVRF XML through the loader: any
// input is loaded or counted as malformed, never a panic or an error
// ending the load, and whatever is emitted is usable.
func FuzzXMLFeeds(f *testing.F) {
	dir := testutil.DataDir(f)
	if photon, err := os.ReadFile(filepath.Join(dir, "distros", "photon", "com.vmware.phsa-photon3.xml")); err == nil {
		f.Add(ovalSample(photon, 1))
		f.Add(ovalSample(photon, 4))
		f.Add(photon[:4096])
	}
	addSeedFiles(f, filepath.Join(dir, "distros", "amazonlinux", "repodata", "repomd.xml*"))
	f.Add([]byte(oracleOVAL))
	f.Add([]byte(updateInfoDoc))
	f.Add([]byte(cvrfDoc))
	f.Add([]byte(billionLaughs))
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzLoad(t, "com.vmware.phsa-photon3.xml", data) // the release from the name
		fuzzLoad(t, "oval.xml", data)                    // from the platforms
	})
}

// oracleOVAL is an ELSA definition in Oracle's shape: one branch per
// release ("Oracle Linux 7 is installed"), a ksplice branch skipped.
const oracleOVAL = `<?xml version="1.0" encoding="UTF-8"?>
<oval_definitions xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5">
<definitions>
<definition id="oval:com.oracle.elsa:def:20214451" version="501" class="patch">
 <metadata><title>ELSA-2021-4451:  gnutls and nettle security update (MODERATE)</title>
  <affected family="unix"><platform>Oracle Linux 8</platform></affected>
  <reference source="elsa" ref_id="ELSA-2021-4451" ref_url="https://linux.oracle.com/errata/ELSA-2021-4451.html"/>
  <reference source="CVE" ref_id="CVE-2021-20231" ref_url="https://linux.oracle.com/cve/CVE-2021-20231.html"/>
  <description>gnutls</description>
  <advisory><severity>MODERATE</severity><issued date="2021-11-16"/><cve>CVE-2021-20231</cve></advisory>
 </metadata>
 <criteria operator="AND">
  <criterion test_ref="oval:com.oracle.elsa:tst:20214451001" comment="Oracle Linux 8 is installed"/>
  <criteria operator="OR">
   <criteria operator="AND">
    <criterion test_ref="oval:com.oracle.elsa:tst:20214451002" comment="gnutls is earlier than 0:3.6.16-4.el8"/>
   </criteria>
   <criteria operator="AND">
    <criterion test_ref="oval:com.oracle.elsa:tst:20214451003" comment="kernel is ksplice-based"/>
    <criterion test_ref="oval:com.oracle.elsa:tst:20214451002" comment="gnutls is earlier than 0:3.6.16-4.el8"/>
   </criteria>
  </criteria>
 </criteria>
</definition>
</definitions>
<tests>
 <rpminfo_test xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:tst:20214451001" version="501" comment="Oracle Linux 8 is installed" check="at least one">
  <object object_ref="oval:com.oracle.elsa:obj:2021445101"/><state state_ref="oval:com.oracle.elsa:ste:2021445101"/>
 </rpminfo_test>
 <rpminfo_test xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:tst:20214451002" version="501" check="at least one">
  <object object_ref="oval:com.oracle.elsa:obj:2021445102"/><state state_ref="oval:com.oracle.elsa:ste:2021445102"/>
 </rpminfo_test>
</tests>
<objects>
 <rpminfo_object xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:obj:2021445101" version="1"><name>oraclelinux-release</name></rpminfo_object>
 <rpminfo_object xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:obj:2021445102" version="1"><name>gnutls</name></rpminfo_object>
</objects>
<states>
 <rpminfo_state xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:ste:2021445101" version="1"><version operation="pattern match">^8</version></rpminfo_state>
 <rpminfo_state xmlns="http://oval.mitre.org/XMLSchema/oval-definitions-5#linux" id="oval:com.oracle.elsa:ste:2021445102" version="1"><evr datatype="evr_string" operation="less than">0:3.6.16-4.el8</evr></rpminfo_state>
</states>
</oval_definitions>
`
