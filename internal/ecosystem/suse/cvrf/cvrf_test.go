package cvrf_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse/cvrf"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func TestReleaseKey(t *testing.T) {
	for _, tc := range []struct {
		product, want string
		ok            bool
	}{
		{"SUSE Linux Enterprise Server 15 SP3", "SUSE:Linux Enterprise Server 15 SP3", true},
		{"SUSE Linux Enterprise Module for Basesystem 15 SP3", "SUSE:Linux Enterprise Server 15 SP3", true},
		{"SUSE Linux Enterprise Module for Containers 15 SP1", "SUSE:Linux Enterprise Server 15 SP1", true},
		{"SUSE Linux Enterprise Server for SAP Applications 15 SP4", "SUSE:Linux Enterprise Server 15 SP4", true},
		{"SUSE Linux Enterprise Server 12 SP5", "SUSE:Linux Enterprise Server 12 SP5", true},
		{"SUSE Linux Enterprise Server 15", "SUSE:Linux Enterprise Server 15", true},
		// Products with their own versions keep their names, as OSV's.
		{"SUSE Linux Enterprise Server 15 SP3-LTSS", "SUSE:Linux Enterprise Server 15 SP3-LTSS", true},
		{"SUSE Linux Enterprise Micro 5.3", "SUSE:Linux Enterprise Micro 5.3", true},
		{"SUSE Linux Micro 6.0", "SUSE:Linux Micro 6.0", true},
		{"openSUSE Leap 15.1", "openSUSE:Leap 15.1", true},
		{"openSUSE  Leap 15.5 ", "openSUSE:Leap 15.5", true},
		{"openSUSE Tumbleweed", "openSUSE:Tumbleweed", true},
		{"Container bci/bci-init:15.3", "", false},
		{"", "", false},
	} {
		got, ok := cvrf.ReleaseKey(tc.product)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ReleaseKey(%q) = %q, %v; want %q, %v", tc.product, got, ok, tc.want, tc.ok)
		}
	}
}

func TestSplitNVR(t *testing.T) {
	for _, tc := range []struct {
		ref, name, ver, err string
	}{
		{"libz1-1.2.11-150000.3.30.1", "libz1", "1.2.11-150000.3.30.1", ""},
		{"libz1-1.2.11-150000.3.30.1.x86_64", "libz1", "1.2.11-150000.3.30.1", ""},
		{"ca-certificates-mozilla-2.60-150200.27.1.noarch", "ca-certificates-mozilla", "2.60-150200.27.1", ""},
		{"docker-27.5.1_ce-3.1", "docker", "27.5.1_ce-3.1", ""},
		{"libGraphicsMagick++-Q16-12-1.3.29-bp150.2.12.1", "libGraphicsMagick++-Q16-12", "1.3.29-bp150.2.12.1", ""},
		// The epoch is kept (it orders before the version), a zero one dropped.
		{"java-1_8_0-ibm-1:1.8.0_sr7.5-150000.3.71.1.s390x", "java-1_8_0-ibm", "1:1.8.0_sr7.5-150000.3.71.1", ""},
		{"foo-0:1.0-2.1", "foo", "1.0-2.1", ""},
		{"nover", "", "", "not name-version-release"},
		{"name-1.0", "", "", "not name-version-release"},
		{"-1.0-1", "", "", "not name-version-release"},
		{"a--1", "", "", "not name-version-release"},
		{"a-1-", "", "", "not name-version-release"},
	} {
		name, ver, err := cvrf.SplitNVR(tc.ref)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("SplitNVR(%q) = %q, %q, %v; want error %q", tc.ref, name, ver, err, tc.err)
			}
			continue
		}
		if err != nil || name != tc.name || ver != tc.ver {
			t.Errorf("SplitNVR(%q) = %q, %q, %v; want %q, %q", tc.ref, name, ver, err, tc.name, tc.ver)
		}
	}
}

// fixed is one affected entry in short form.
type fixed struct{ eco, pkg, ver string }

func affected(a *advisory.Advisory) []fixed {
	var out []fixed
	for _, af := range a.Affected {
		for _, r := range af.Ranges {
			for _, e := range r.Events {
				if e.Fixed != "" {
					out = append(out, fixed{af.Ecosystem, af.Package, e.Fixed})
				}
			}
		}
	}
	return out
}

// TestSharedDocuments reads the real vuln-list CVRF documents of the
// shared data (SLE Module for Containers 15 SP1, SLE Micro 5.3, SL Micro
// 6.0, openSUSE Leap 15.1, Package Hub 15, Tumbleweed). The expectations
// are read off the files by hand.
func TestSharedDocuments(t *testing.T) {
	dir := testutil.Data(t, "distros")
	for _, tc := range []struct {
		file, id, severity string
		cves               []string
		fixes              []fixed
	}{
		{"suse-sles/cvrf/SUSE-SU-2019-0048-2.json", "SUSE-SU-2019:0048-2", "important",
			[]string{"CVE-2018-16873", "CVE-2018-16874", "CVE-2018-16875"},
			[]fixed{{"SUSE:Linux Enterprise Server 15 SP1", "helm-mirror", "0.2.1-1.7.1"}}},
		{"suse-sles/cvrf/SUSE-SU-2024-2546-1.json", "SUSE-SU-2024:2546-1", "moderate",
			[]string{"CVE-2024-28834", "CVE-2024-28835"},
			[]fixed{
				{"SUSE:Linux Enterprise Micro 5.3", "gnutls", "3.7.3-150400.8.1"},
				{"SUSE:Linux Enterprise Micro 5.3", "libgnutls30", "3.7.3-150400.8.1"},
				{"SUSE:Linux Enterprise Micro 5.3", "libgnutls30-hmac", "3.7.3-150400.8.1"},
			}},
		{"suse-sles/cvrf/SUSE-SU-2025-20377-1.json", "SUSE-SU-2025:20377-1", "moderate",
			[]string{"CVE-2025-22868", "CVE-2025-22869"},
			[]fixed{
				{"SUSE:Linux Micro 6.0", "docker", "27.5.1_ce-3.1"},
				{"SUSE:Linux Micro 6.0", "docker-buildx", "0.22.0-3.1"},
			}},
		{"opensuse/cvrf/openSUSE-SU-2019-2598-1.json", "openSUSE-SU-2019:2598-1", "important",
			[]string{"CVE-2018-10811", "CVE-2018-16151", "CVE-2018-16152", "CVE-2018-17540", "CVE-2018-5388"},
			[]fixed{
				{"openSUSE:Leap 15.1", "strongswan", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-doc", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-hmac", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-ipsec", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-libs0", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-mysql", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-nm", "5.6.0-lp151.4.3.1"},
				{"openSUSE:Leap 15.1", "strongswan-sqlite", "5.6.0-lp151.4.3.1"},
			}},
		{"opensuse/cvrf/openSUSE-SU-2024-10400-1.json", "openSUSE-SU-2024:10400-1", "moderate",
			[]string{"CVE-2014-1838", "CVE-2014-1839"},
			[]fixed{
				{"openSUSE:Tumbleweed", "python-logilab-common", "1.0.2-1.4"},
				{"openSUSE:Tumbleweed", "python3-logilab-common", "1.2.2-1.2"},
			}},
		// An openSUSE advisory of Package Hub, a SUSE product that is no
		// release an image maps to: kept under its own name.
		{"opensuse/cvrf/openSUSE-SU-2019-0003-1.json", "openSUSE-SU-2019:0003-1", "moderate",
			[]string{"CVE-2018-20184", "CVE-2018-20189"},
			[]fixed{
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "GraphicsMagick", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "GraphicsMagick-devel", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "libGraphicsMagick++-Q16-12", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "libGraphicsMagick++-devel", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "libGraphicsMagick-Q16-3", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "libGraphicsMagick3-config", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "libGraphicsMagickWand-Q16-2", "1.3.29-bp150.2.12.1"},
				{"SUSE:Package Hub for SUSE Linux Enterprise 15", "perl-GraphicsMagick", "1.3.29-bp150.2.12.1"},
			}},
	} {
		t.Run(filepath.Base(tc.file), func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if !cvrf.IsJSON(data) {
				t.Fatal("IsJSON = false")
			}
			a, err := cvrf.ParseJSON(data)
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != tc.id || a.Severity != tc.severity || a.Source != cvrf.Source {
				t.Errorf("id %q severity %q source %q; want %q %q", a.ID, a.Severity, a.Source, tc.id, tc.severity)
			}
			if !slices.Equal(a.Aliases, tc.cves) {
				t.Errorf("aliases %v, want %v", a.Aliases, tc.cves)
			}
			if got := affected(a); !slices.Equal(got, tc.fixes) {
				t.Errorf("affected\n got %v\nwant %v", got, tc.fixes)
			}
			if a.Published.IsZero() || a.Summary == "" || a.Details == "" || len(a.References) == 0 {
				t.Errorf("published %v, summary %q, details %d bytes, %d references", a.Published, a.Summary, len(a.Details), len(a.References))
			}
		})
	}
}

// xmlDoc is SUSE-SU-2019:0048-2 of the shared data written as SUSE's own
// CVRF XML (cvrf-suse-su-2019_0048-2.xml's layout: CVRF 1.1 namespaces,
// the threat's rating in <Description>, an aggregate severity), trimmed
// to the fields the reader uses. Typed for this test from the JSON copy;
// the layout follows SUSE's published files.
const xmlDoc = `<?xml version="1.0" encoding="UTF-8"?>
<cvrfdoc xmlns="http://www.icasi.org/CVRF/schema/cvrf/1.1" xmlns:cvrf="http://www.icasi.org/CVRF/schema/cvrf/1.1">
  <DocumentTitle xml:lang="en">Security update for helm-mirror</DocumentTitle>
  <DocumentType>SUSE Patch</DocumentType>
  <DocumentPublisher Type="Vendor"><ContactDetails>security@suse.de</ContactDetails></DocumentPublisher>
  <DocumentTracking>
    <Identification><ID>SUSE-SU-2019:0048-2</ID></Identification>
    <Status>Final</Status>
    <Version>1</Version>
    <InitialReleaseDate>2019-07-04T12:26:14Z</InitialReleaseDate>
    <CurrentReleaseDate>2019-07-04T12:26:14Z</CurrentReleaseDate>
  </DocumentTracking>
  <DocumentNotes>
    <Note Title="Topic" Type="Summary" Ordinal="1" xml:lang="en">Security update for helm-mirror</Note>
    <Note Title="Details" Type="General" Ordinal="2" xml:lang="en">This update for helm-mirror to version 0.2.1 fixes the following issues.</Note>
  </DocumentNotes>
  <DocumentReferences>
    <Reference Type="Self"><URL>https://www.suse.com/support/update/announcement/2019/suse-su-20190048-2/</URL><Description>Link for SUSE-SU-2019:0048-2</Description></Reference>
  </DocumentReferences>
  <AggregateSeverity Namespace="https://www.suse.com/support/security/rating/">important</AggregateSeverity>
  <ProductTree xmlns="http://www.icasi.org/CVRF/schema/prod/1.1">
    <Branch Type="Product Family" Name="SUSE Linux Enterprise Module for Containers 15 SP1">
      <FullProductName ProductID="SUSE Linux Enterprise Module for Containers 15 SP1">SUSE Linux Enterprise Module for Containers 15 SP1</FullProductName>
    </Branch>
    <Relationship ProductReference="helm-mirror-0.2.1-1.7.1" RelationType="Default Component Of" RelatesToProductReference="SUSE Linux Enterprise Module for Containers 15 SP1">
      <FullProductName ProductID="SUSE Linux Enterprise Module for Containers 15 SP1:helm-mirror-0.2.1-1.7.1">helm-mirror-0.2.1-1.7.1 as a component of SUSE Linux Enterprise Module for Containers 15 SP1</FullProductName>
    </Relationship>
  </ProductTree>
  <Vulnerability xmlns="http://www.icasi.org/CVRF/schema/vuln/1.1" Ordinal="1">
    <Notes><Note Title="Vulnerability Description" Type="General" Ordinal="1" xml:lang="en">In Go before 1.10.6 ...</Note></Notes>
    <CVE>CVE-2018-16873</CVE>
    <ProductStatuses><Status Type="Fixed"><ProductID>SUSE Linux Enterprise Module for Containers 15 SP1:helm-mirror-0.2.1-1.7.1</ProductID></Status></ProductStatuses>
    <Threats><Threat Type="Impact"><Description>important</Description></Threat></Threats>
  </Vulnerability>
  <Vulnerability xmlns="http://www.icasi.org/CVRF/schema/vuln/1.1" Ordinal="2">
    <CVE>CVE-2018-16875</CVE>
    <ProductStatuses><Status Type="Fixed"><ProductID>SUSE Linux Enterprise Module for Containers 15 SP1:helm-mirror-0.2.1-1.7.1</ProductID></Status></ProductStatuses>
    <Threats><Threat Type="Impact"><Description>moderate</Description></Threat></Threats>
  </Vulnerability>
</cvrfdoc>
`

func TestParseXML(t *testing.T) {
	a, err := cvrf.ParseXML([]byte(xmlDoc))
	if err != nil {
		t.Fatal(err)
	}
	want := []fixed{{"SUSE:Linux Enterprise Server 15 SP1", "helm-mirror", "0.2.1-1.7.1"}}
	if a.ID != "SUSE-SU-2019:0048-2" || a.Severity != "important" || !slices.Equal(a.Aliases, []string{"CVE-2018-16873", "CVE-2018-16875"}) ||
		!slices.Equal(affected(a), want) || a.Details == "" || a.Published.IsZero() {
		t.Errorf("got %+v", a)
	}
}

// TestDocuments covers what the real samples do not: architecture
// suffixes and epochs, product ids that are not in the product tree,
// documents with only a product tree, severity from the worst threat or
// the aggregate, and malformed documents, each refused with its cause.
func TestDocuments(t *testing.T) {
	doc := func(id, agg, rels, vulns string) []byte {
		return []byte(`{"Title":"t","Tracking":{"ID":"` + id + `"},"AggregateSeverity":"` + agg + `","ProductTree":{"Relationships":[` + rels + `]},"Vulnerabilities":[` + vulns + `]}`)
	}
	rel := func(prod, ref string) string {
		return `{"ProductReference":"` + ref + `","RelatesToProductReference":"` + prod + `","RelationType":"Default Component Of"}`
	}
	vuln := func(cve, sev string, ids ...string) string {
		return `{"CVE":"` + cve + `","Threats":[{"Type":"Impact","Severity":"` + sev + `"}],"ProductStatuses":[{"Type":"Fixed","ProductID":["` + strings.Join(ids, `","`) + `"]}]}`
	}
	const sp3 = "SUSE Linux Enterprise Module for Basesystem 15 SP3"
	for _, tc := range []struct {
		name     string
		data     []byte
		severity string
		fixes    []fixed
		err      string
	}{
		{"arch and epoch, two products of one release", doc("SUSE-SU-2099:0001-1", "",
			rel(sp3, "libfoo1-2:1.0-150300.1.1.x86_64")+","+rel("SUSE Linux Enterprise Server 15 SP3", "libfoo1-2:1.0-150300.1.1.x86_64"),
			vuln("CVE-2099-0001", "low", sp3+":libfoo1-2:1.0-150300.1.1.x86_64", "SUSE Linux Enterprise Server 15 SP3:libfoo1-2:1.0-150300.1.1.x86_64")+","+
				vuln("CVE-2099-0002", "critical", sp3+":libfoo1-2:1.0-150300.1.1.x86_64")),
			"critical", []fixed{{"SUSE:Linux Enterprise Server 15 SP3", "libfoo1", "2:1.0-150300.1.1"}}, ""},
		{"aggregate severity wins", doc("SUSE-SU-2099:0002-1", "Moderate", rel(sp3, "a-1-1"), vuln("CVE-2099-0003", "critical", sp3+":a-1-1")),
			"moderate", []fixed{{"SUSE:Linux Enterprise Server 15 SP3", "a", "1-1"}}, ""},
		{"product id outside the product tree", doc("openSUSE-SU-2099:0003-1", "", "", vuln("CVE-2099-0004", "moderate", "openSUSE Leap 15.4:b-2.0-150400.1.1")),
			"moderate", []fixed{{"openSUSE:Leap 15.4", "b", "2.0-150400.1.1"}}, ""},
		{"product tree only", doc("SUSE-SU-2099:0004-1", "", rel("SUSE Linux Enterprise Server 15 SP5", "c-3-1.1"), `{"CVE":"CVE-2099-0005"}`),
			"", []fixed{{"SUSE:Linux Enterprise Server 15 SP5", "c", "3-1.1"}}, ""},
		{"container products only", doc("SUSE-SU-2099:0005-1", "", rel("Container bci/bci-init:15.3", "d-1-1"), vuln("CVE-2099-0006", "low", "Container bci/bci-init:15.3:d-1-1")),
			"", nil, cvrf.ErrNothingFixed.Error()},
		{"no tracking id", doc("", "", rel(sp3, "a-1-1"), ""), "", nil, "without a tracking ID"},
		{"bad tracking id", doc("SUSE SU\\n1", "", rel(sp3, "a-1-1"), ""), "", nil, "is not an advisory id"},
		{"not an NVR", doc("SUSE-SU-2099:0006-1", "", rel(sp3, "justaname"), ""), "", nil, `"justaname" is not name-version-release`},
		{"bad epoch", doc("SUSE-SU-2099:0007-1", "", rel(sp3, "a-x:1-1"), ""), "", nil, `SUSE-SU-2099:0007-1: a: invalid rpm version "x:1-1": bad epoch "x"`},
		{"bad JSON", []byte(`{"Tracking":{"ID":1},"ProductTree":{}}`), "", nil, "bad SUSE CVRF JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, err := cvrf.ParseJSON(tc.data)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				if tc.err == cvrf.ErrNothingFixed.Error() && !errors.Is(err, cvrf.ErrNothingFixed) {
					t.Fatalf("err = %v is not ErrNothingFixed", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Severity != tc.severity {
				t.Errorf("severity %q, want %q", a.Severity, tc.severity)
			}
			if got := affected(a); !slices.Equal(got, tc.fixes) {
				t.Errorf("affected %v, want %v", got, tc.fixes)
			}
		})
	}
}

// BenchmarkParseJSON: the shared data's largest real sample
// (openSUSE-SU-2019:2598-1, 11 KB, 8 packages, 5 CVEs).
func BenchmarkParseJSON(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(testutil.Data(b, "distros"), "opensuse/cvrf/openSUSE-SU-2019-2598-1.json"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := cvrf.ParseJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}
