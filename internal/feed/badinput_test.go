package feed

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// loadBytes feeds one document to a loader and returns its stats and the
// ids of the advisories emitted; a document's faults are stats, never an
// error or a panic.
func loadBytes(t *testing.T, name string, data []byte) (Stats, []string) {
	t.Helper()
	var ids []string
	l := &loader{ctx: context.Background(), stats: &Stats{}, emit: func(a *advisory.Advisory) error {
		ids = append(ids, a.ID)
		return nil
	}}
	if err := l.loadDoc(name, bytes.NewReader(data)); err != nil {
		t.Fatalf("loadDoc(%s): %v", name, err)
	}
	return *l.stats, ids
}

const (
	updateInfoDoc = `<?xml version="1.0" encoding="UTF-8"?>
<updates>
 <update author="linux-security@amazon.com" from="linux-security@amazon.com" status="final" type="security" version="1.4">
  <id>ALAS2-2021-1699</id>
  <title>Amazon Linux 2 - ALAS2-2021-1699: medium priority package update for curl</title>
  <issued date="2021-09-14 18:55"/>
  <severity>medium</severity>
  <description>curl: a flaw</description>
  <references><reference href="https://access.redhat.com/security/cve/CVE-2021-22945" id="CVE-2021-22945" type="cve"/></references>
  <pkglist><collection short=""><name>amazon-linux-2</name>
   <package arch="x86_64" epoch="0" name="curl" release="24.amzn2.0.1" version="7.76.1"><filename>Packages/curl-7.76.1-24.amzn2.0.1.x86_64.rpm</filename></package>
  </collection></pkglist>
 </update>
 <update author="linux-security@amazon.com" status="final" type="security" version="1.4">
  <id>ALAS2-2021-1700</id>
  <title>Amazon Linux 2 - ALAS2-2021-1700: important priority package update for openssl</title>
  <issued date="2021-09-15 18:55"/>
  <severity>important</severity>
  <references><reference href="https://x" id="CVE-2021-3711" type="cve"/></references>
  <pkglist><collection short=""><name>amazon-linux-2</name>
   <package arch="x86_64" epoch="1" name="openssl" release="22.amzn2.0.1" version="1.0.2k"/>
  </collection></pkglist>
 </update>
</updates>
`
	cvrfDoc = `<?xml version="1.0" encoding="UTF-8"?>
<cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1" xmlns:cvrf="http://www.icasi.org/CVRF/schema/cvrf/1.1">
  <DocumentTitle xml:lang="en">Security update for zlib</DocumentTitle>
  <DocumentType>SUSE Patch</DocumentType>
  <DocumentTracking>
    <Identification><ID>SUSE-SU-2022:1061-1</ID></Identification>
    <Status>Final</Status>
    <InitialReleaseDate>2022-03-31T07:40:37Z</InitialReleaseDate>
  </DocumentTracking>
  <ProductTree xmlns="http://www.icasi.org/CVRF/schema/prod/1.1">
    <Relationship ProductReference="zlib-devel-1.2.11-3.24.1" RelationType="Default Component Of" RelatesToProductReference="SUSE Linux Enterprise Server 15 SP3">
      <FullProductName ProductID="SUSE Linux Enterprise Server 15 SP3:zlib-devel-1.2.11-3.24.1">zlib-devel-1.2.11-3.24.1 as a component of SUSE Linux Enterprise Server 15 SP3</FullProductName>
    </Relationship>
  </ProductTree>
  <Vulnerability xmlns="http://www.icasi.org/CVRF/schema/vuln/1.1">
    <CVE>CVE-2018-25032</CVE>
    <ProductStatuses><Status Type="Fixed"><ProductID>SUSE Linux Enterprise Server 15 SP3:zlib-devel-1.2.11-3.24.1</ProductID></Status></ProductStatuses>
    <Threats><Threat Type="Impact"><Description>important</Description></Threat></Threats>
  </Vulnerability>
</cvrfdoc>
`
	// billionLaughs is the classic entity-expansion document.
	billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<updates><update type="security"><id>&lol9;</id></update></updates>
`
)

// TestXMLFeedsBadInput: every XML feed format, read whole and then
// damaged: truncated, under a wrong root element, with an element or a
// token over its limit, with a DTD or an undeclared entity. A damaged
// document is a malformed record naming the file (and the definition or
// update when there is one) and the cause; never a panic, an error ending
// the load, or a hang.
func TestXMLFeedsBadInput(t *testing.T) {
	photon, err := os.ReadFile(filepath.Join(testutil.DataDir(t), "distros", "photon", "com.vmware.phsa-photon3.xml"))
	if err != nil {
		t.Skipf("shared test data: %v", err)
	}
	repomd, err := os.ReadFile(filepath.Join(testutil.DataDir(t), "distros", "amazonlinux", "repodata", "repomd.xml.claircore"))
	if err != nil {
		t.Skipf("shared test data: %v", err)
	}
	const photonName = "com.vmware.phsa-photon3.xml"
	const firstDef = "oval:com.vmware.phsa:def:2020300001"
	huge := strings.Repeat("A", format.MaxXMLRecord+1)
	hugeToken := strings.Repeat(" ", format.MaxXMLToken+1)
	// replaceFirst puts s in place of the first old of doc.
	replaceFirst := func(doc []byte, old, s string) []byte {
		if !bytes.Contains(doc, []byte(old)) {
			t.Fatalf("sample lacks %q", old)
		}
		return bytes.Replace(doc, []byte(old), []byte(s), 1)
	}
	for _, tc := range []struct {
		name    string
		file    string
		data    []byte
		records int      // advisories emitted; -1: at least one
		errs    []string // each in the one malformed cause
	}{
		// The whole documents, as a baseline.
		{"photon OVAL", photonName, photon, -1, nil},
		{"photon OVAL cut to 4 definitions (the fuzz seed)", photonName, ovalSample(photon, 4), 4, nil},
		{"oracle OVAL (the fuzz seed)", "oval.xml", []byte(oracleOVAL), 1, nil},
		{"updateinfo", "updateinfo.xml", []byte(updateInfoDoc), 2, nil},
		{"cvrf", "cvrf-suse-su-2022-1061-1.xml", []byte(cvrfDoc), 1, nil},

		// Truncated: OVAL's tests follow its definitions, so nothing of a
		// broken document is loaded; updateinfo keeps what came before.
		{"photon OVAL truncated", photonName, photon[:len(photon)*2/3], 0,
			[]string{photonName + ":oval:com.vmware.phsa:obj:", "bad <rpminfo_object> (the document's definitions are not loaded)", "unexpected EOF"}},
		{"photon OVAL cut in a definition", photonName, photon[:bytes.Index(photon, []byte("</definition>"))], 0,
			[]string{photonName + ":" + firstDef + ": bad <definition>", "unexpected EOF"}},
		{"updateinfo cut in the second update", "updateinfo.xml", []byte(updateInfoDoc[:strings.Index(updateInfoDoc, "<pkglist><collection short=\"\"><name>amazon-linux-2</name>\n   <package arch=\"x86_64\" epoch=\"1\"")]), 1,
			[]string{"updateinfo.xml:ALAS2-2021-1700: bad <update>", "unexpected EOF"}},
		{"repomd truncated", "repomd.xml", repomd[:len(repomd)/2], 0,
			[]string{"repomd.xml: bad repomd.xml", "unexpected EOF"}},
		{"cvrf truncated", "cvrf.xml", []byte(cvrfDoc[:len(cvrfDoc)/2]), 0,
			[]string{"cvrf.xml: bad SUSE CVRF XML", "unexpected EOF"}},

		// A root element no reader claims.
		{"wrong root", "oval.xml", replaceFirst(replaceFirst(photon, "<oval_definitions", "<oval_definitionz"), "</oval_definitions>", "</oval_definitionz>"), 0,
			[]string{"oval.xml: XML document <oval_definitionz> is not an updateinfo, repomd, OVAL or CVRF document"}},
		{"html", "updateinfo.xml", []byte("<!doctype html><html><body>502 Bad Gateway</body></html>"), 0,
			[]string{"updateinfo.xml: XML document <html> is not an updateinfo"}},

		// Over the limits: a record, a token between records.
		{"huge OVAL definition", photonName, replaceFirst(photon, "<description>", "<description>"+huge), 0,
			[]string{photonName + ":" + firstDef + ": bad <definition>", "<definition> larger than 16777216 bytes"}},
		{"huge OVAL attribute", photonName, replaceFirst(photon, `<definition class="patch"`, `<definition x="`+strings.Repeat("x", format.MaxXMLToken)+`" class="patch"`), 0,
			[]string{photonName + ": bad XML after 0 definitions", "an XML token between records larger than 1048576 bytes"}},
		{"huge character data between records", "updateinfo.xml", []byte(strings.Replace(updateInfoDoc, "</update>", "</update>"+hugeToken, 1)), 1,
			[]string{"updateinfo.xml: bad XML after update #1", "an XML token between records larger than 1048576 bytes"}},
		{"huge update", "updateinfo.xml", []byte(strings.Replace(updateInfoDoc, "<description>", "<description>"+huge, 1)), 0,
			[]string{"updateinfo.xml:ALAS2-2021-1699: bad <update>", "<update> larger than 16777216 bytes"}},
		{"huge repomd", "repomd.xml", replaceFirst(repomd, "<revision>", "<revision>"+huge), 0,
			[]string{"repomd.xml: bad repomd.xml", "<repomd> larger than 16777216 bytes"}},

		// Entities: a DTD is refused before any is declared, and an
		// undeclared one is a syntax error, so neither expands.
		{"billion laughs", "updateinfo.xml", []byte(billionLaughs), 0,
			[]string{"updateinfo.xml: XML document with a DTD"}},
		{"undeclared entity", "updateinfo.xml", []byte(strings.Replace(updateInfoDoc, "<id>ALAS2-2021-1699</id>", "<id>&lol9;</id>", 1)), 0,
			[]string{"updateinfo.xml: update #1: bad <update>", "invalid character entity &lol9;"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ids := loadBytes(t, tc.file, tc.data)
			switch {
			case tc.records < 0 && len(ids) == 0:
				t.Fatalf("no advisory loaded; stats %+v", st)
			case tc.records >= 0 && len(ids) != tc.records:
				t.Fatalf("%d advisories loaded (%v), want %d; stats %+v", len(ids), ids, tc.records, st)
			}
			if tc.errs == nil {
				if st.Malformed != 0 {
					t.Fatalf("malformed: %v", st.Errors)
				}
				return
			}
			if st.Malformed != 1 || len(st.Errors) != 1 {
				t.Fatalf("want one malformed record, got %d: %v", st.Malformed, st.Errors)
			}
			for _, want := range tc.errs {
				if !strings.Contains(st.Errors[0], want) {
					t.Errorf("cause %q lacks %q", st.Errors[0], want)
				}
			}
		})
	}
}

// TestJSONFeedsBadInput: the JSON feeds of the same distributions (Wolfi's
// secdb, SUSE CVRF in vuln-list's JSON, Red Hat CSAF) read whole, then
// truncated, of another shape, and over the document limit: one
// malformed record naming the file and the cause.
func TestJSONFeedsBadInput(t *testing.T) {
	dir := testutil.DataDir(t)
	read := func(p string) []byte {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Skipf("test data: %v", err)
		}
		return b
	}
	wolfi := read(filepath.Join(dir, "distros", "wolfi", "security.json"))
	cvrfJSON := read(filepath.Join(dir, "distros", "suse-sles", "cvrf", "SUSE-SU-2024-2546-1.json"))
	csafJSON := read(filepath.Join("..", "ecosystem", "redhat", "csaf", "testdata", "cve-2023-38545.trimmed.json"))
	huge := append(append([]byte(`{"id":"X","details":"`), bytes.Repeat([]byte("A"), maxDocSize)...), `"}`...)
	for _, tc := range []struct {
		name    string
		file    string
		data    []byte
		records int
		errs    []string
	}{
		{"wolfi secdb", "security.json", wolfi, -1, nil},
		{"suse cvrf json", "SUSE-SU-2024-2546-1.json", cvrfJSON, 1, nil},
		{"red hat csaf", "cve-2023-38545.json", csafJSON, -1, nil},
		{"wolfi secdb truncated", "security.json", wolfi[:len(wolfi)/2], 0, []string{"security.json: bad JSON", "unexpected end of JSON input"}},
		{"suse cvrf json truncated", "SUSE-SU-2024-2546-1.json", cvrfJSON[:len(cvrfJSON)/2], 0, []string{"SUSE-SU-2024-2546-1.json: bad JSON"}},
		{"red hat csaf truncated", "cve-2023-38545.json", csafJSON[:len(csafJSON)/2], 0, []string{"cve-2023-38545.json: bad JSON"}},
		{"another shape", "security.json", []byte(`{"apkurl":"x","packages":"none"}`), 0, []string{"security.json: bad JSON"}},
		{"no known root", "security.json", []byte(`{"kind":"inventory","items":[]}`), 0, []string{"security.json: not an OSV record or Alpine secdb document"}},
		{"over the document limit", "security.json", huge, 0, []string{"security.json: document larger than 67108864 bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, ids := loadBytes(t, tc.file, tc.data)
			switch {
			case tc.records < 0 && len(ids) == 0:
				t.Fatalf("no advisory loaded; stats %+v", st)
			case tc.records >= 0 && len(ids) != tc.records:
				t.Fatalf("%d advisories loaded, want %d; stats %+v", len(ids), tc.records, st)
			}
			if tc.errs == nil {
				if st.Malformed != 0 {
					t.Fatalf("malformed: %v", st.Errors)
				}
				return
			}
			if st.Malformed != 1 || len(st.Errors) != 1 {
				t.Fatalf("want one malformed record, got %d: %v", st.Malformed, st.Errors)
			}
			for _, want := range tc.errs {
				if !strings.Contains(st.Errors[0], want) {
					t.Errorf("cause %q lacks %q", st.Errors[0], want)
				}
			}
		})
	}
}
