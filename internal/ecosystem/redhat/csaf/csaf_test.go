package csaf_test

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat/csaf"
)

const sample = "testdata/rhsa-2024_0811.trimmed.json"

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

// TestRealAdvisory reads the real RHSA-2024:0811 document with the
// descriptors' placement: the RHEL 8 and 9 main streams are CentOS 8 and
// 9; the EUS streams (8.6, 8.8, 9.0, 9.2), the source rpms and the
// products themselves are nobody's. The expectation is read off the file
// by hand.
func TestRealAdvisory(t *testing.T) {
	data, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	if !csaf.IsJSON(data) {
		t.Fatal("IsJSON = false")
	}
	advs, err := csaf.Parse(data, csaf.PlaceFrom(all.Descriptors()))
	if err != nil {
		t.Fatal(err)
	}
	if len(advs) != 1 {
		t.Fatalf("%d advisories, want 1", len(advs))
	}
	a := advs[0]
	if a.ID != "RHSA-2024:0811" || a.Severity != "Moderate" || a.Source != csaf.Source || !strings.Contains(a.Summary, "sudo") || a.Details == "" || a.Published.IsZero() {
		t.Errorf("advisory %+v", a)
	}
	if want := []string{"CVE-2023-28486", "CVE-2023-28487", "CVE-2023-42465"}; !slices.Equal(a.Aliases, want) {
		t.Errorf("aliases %v, want %v", a.Aliases, want)
	}
	want := []fixed{
		{"CentOS:8", "sudo", "1.9.5p2-1.el8_9"},
		{"CentOS:9", "sudo", "1.9.5p2-10.el9_3"},
		{"CentOS:9", "sudo-python-plugin", "1.9.5p2-10.el9_3"},
	}
	if got := affected(a); !slices.Equal(got, want) {
		t.Errorf("affected\n got %v\nwant %v", got, want)
	}
}

// TestRealVEX reads Red Hat's real VEX document of CVE-2023-38545 (curl
// SOCKS5): seven vendor fixes, of which only the RHEL 9 main stream's
// (RHSA-2023:5763 for 9.2, RHSA-2023:6745 for 9.3) are CentOS's; the
// 9.0 EUS fix (RHSA-2023:5700, CPE rhel_eus), the Satellite client and
// JBoss Core Services builds are left out. Read off the file by hand.
func TestRealVEX(t *testing.T) {
	data, err := os.ReadFile("testdata/cve-2023-38545.trimmed.json")
	if err != nil {
		t.Fatal(err)
	}
	advs, err := csaf.Parse(data, csaf.PlaceFrom(all.Descriptors()))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range advs {
		if a.Severity != "Important" || !slices.Equal(a.Aliases, []string{"CVE-2023-38545"}) {
			t.Errorf("%s: severity %q aliases %v", a.ID, a.Severity, a.Aliases)
		}
		for _, f := range affected(a) {
			got = append(got, a.ID+" "+f.eco+" "+f.pkg+" "+f.ver)
		}
	}
	var want []string
	for _, fix := range []struct{ id, ver string }{{"RHSA-2023:5763", "7.76.1-23.el9_2.4"}, {"RHSA-2023:6745", "7.76.1-26.el9_3.2"}} {
		for _, pkg := range []string{"curl", "curl-minimal", "libcurl", "libcurl-devel", "libcurl-minimal"} {
			want = append(want, fix.id+" CentOS:9 "+pkg+" "+fix.ver)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n %v\nwant\n %v", got, want)
	}
}

func TestCPEBase(t *testing.T) {
	for in, want := range map[string]string{
		"cpe:/a:redhat:enterprise_linux:8::appstream": "cpe:/a:redhat:enterprise_linux:8",
		"cpe:/o:redhat:enterprise_linux:9":            "cpe:/o:redhat:enterprise_linux:9",
		"cpe:/o:redhat:rhel_eus:8.6::baseos":          "cpe:/o:redhat:rhel_eus:8.6",
		"":                                            "",
	} {
		if got := csaf.CPEBase(in); got != want {
			t.Errorf("CPEBase(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDocuments covers what the sample does not: a VEX document (several
// RHSAs in one CVE, the rating from the CVE's impact), epochs from the
// purl or the component id, module-stream builds, and malformed documents
// refused with their cause.
func TestDocuments(t *testing.T) {
	place := func(cpe string) (string, bool) {
		if csaf.CPEBase(cpe) == "cpe:/o:redhat:enterprise_linux:8" {
			return "CentOS:8", true
		}
		return "", false
	}
	const tree = `"product_tree":{"branches":[{"category":"vendor","name":"Red Hat","branches":[
	  {"category":"product_name","name":"BaseOS 8","product":{"product_id":"BaseOS-8","product_identification_helper":{"cpe":"cpe:/o:redhat:enterprise_linux:8::baseos"}}},
	  {"category":"product_name","name":"BaseOS EUS 8.6","product":{"product_id":"EUS-8.6","product_identification_helper":{"cpe":"cpe:/o:redhat:rhel_eus:8.6::baseos"}}},
	  {"category":"product_version","name":"bind","product":{"product_id":"bind-32:9.11.36-11.el8_9.x86_64","product_identification_helper":{"purl":"pkg:rpm/redhat/bind@9.11.36-11.el8_9?arch=x86_64&epoch=32"}}},
	  {"category":"product_version","name":"bind-src","product":{"product_id":"bind-32:9.11.36-11.el8_9.src","product_identification_helper":{"purl":"pkg:rpm/redhat/bind@9.11.36-11.el8_9?arch=src&epoch=32"}}},
	  {"category":"product_version","name":"ruby","product":{"product_id":"ruby-3.1","product_identification_helper":{"purl":"pkg:rpm/redhat/ruby@3.1.4-142.module%2Bel8.9.0?arch=x86_64&rpmmod=ruby:3.1:1:2"}}}
	]}],"relationships":[
	  {"full_product_name":{"product_id":"BaseOS-8:bind"},"product_reference":"bind-32:9.11.36-11.el8_9.x86_64","relates_to_product_reference":"BaseOS-8"},
	  {"full_product_name":{"product_id":"BaseOS-8:bind-src"},"product_reference":"bind-32:9.11.36-11.el8_9.src","relates_to_product_reference":"BaseOS-8"},
	  {"full_product_name":{"product_id":"BaseOS-8:ruby"},"product_reference":"ruby-3.1","relates_to_product_reference":"BaseOS-8"},
	  {"full_product_name":{"product_id":"BaseOS-8:noarch"},"product_reference":"tzdata-0:2024a-1.el8.noarch","relates_to_product_reference":"BaseOS-8"},
	  {"full_product_name":{"product_id":"EUS-8.6:bind"},"product_reference":"bind-32:9.11.36-3.el8_6.6.x86_64","relates_to_product_reference":"EUS-8.6"}
	]}`
	vex := `{"document":{"category":"csaf_vex","csaf_version":"2.0","title":"CVE-2099-0001","tracking":{"id":"CVE-2099-0001"}},` + tree + `,
	  "vulnerabilities":[{"cve":"CVE-2099-0001","threats":[{"category":"impact","details":"Important"}],
	    "product_status":{"fixed":["BaseOS-8:bind","BaseOS-8:bind-src","BaseOS-8:ruby","BaseOS-8:noarch","EUS-8.6:bind"]},
	    "remediations":[
	      {"category":"vendor_fix","url":"https://access.redhat.com/errata/RHSA-2099:0001","product_ids":["BaseOS-8:bind","BaseOS-8:bind-src","BaseOS-8:ruby","EUS-8.6:bind"]},
	      {"category":"vendor_fix","url":"https://access.redhat.com/errata/RHBA-2099:0002","product_ids":["BaseOS-8:noarch"]},
	      {"category":"workaround","details":"none"}]}]}`
	advs, err := csaf.Parse([]byte(vex), place)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range advs {
		for _, f := range affected(a) {
			got = append(got, a.ID+" "+a.Severity+" "+strings.Join(a.Aliases, ",")+" "+f.eco+" "+f.pkg+" "+f.ver)
		}
	}
	want := []string{
		"RHBA-2099:0002 Important CVE-2099-0001 CentOS:8 tzdata 2024a-1.el8",
		"RHSA-2099:0001 Important CVE-2099-0001 CentOS:8 bind 32:9.11.36-11.el8_9",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n %v\nwant\n %v", got, want)
	}

	for _, tc := range []struct{ name, doc, err string }{
		{"nothing placed", `{"document":{"tracking":{"id":"RHSA-2099:0003"}},"csaf_version":"2.0","product_tree":{}}`, csaf.ErrNothingPlaced.Error()},
		{"no tracking id", `{"document":{},"product_tree":{}}`, "without a tracking id"},
		{"bad JSON", `{"document":{"tracking":{"id":3}}}`, "bad CSAF JSON"},
		{"bad purl", strings.Replace(vex, "pkg:rpm/redhat/bind@9.11.36-11.el8_9?arch=x86_64", "pkg:deb/redhat/bind", 1), `is not an rpm purl`},
		{"bad component id", strings.Replace(vex, "tzdata-0:2024a-1.el8.noarch", "tzdata", 2), `component "tzdata" has no purl`},
		{"bad epoch", strings.Replace(vex, "epoch=32", "epoch=x", 1), `bad epoch "x"`},
	} {
		_, err := csaf.Parse([]byte(tc.doc), place)
		if err == nil || !strings.Contains(err.Error(), tc.err) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
		}
		if tc.err == csaf.ErrNothingPlaced.Error() && !errors.Is(err, csaf.ErrNothingPlaced) {
			t.Errorf("%s: %v is not ErrNothingPlaced", tc.name, err)
		}
	}
}

// FuzzParse: any input gives advisories or an error, never a panic, and
// every advisory is storable (an id, affected entries with readable rpm
// versions). Seeded with the real sample.
func FuzzParse(f *testing.F) {
	for _, p := range []string{sample, "testdata/cve-2023-38545.trimmed.json"} {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	place := csaf.PlaceFrom(all.Descriptors())
	f.Fuzz(func(t *testing.T, data []byte) {
		advs, err := csaf.Parse(data, place)
		if err != nil {
			return
		}
		for _, a := range advs {
			if a.ID == "" || len(a.Affected) == 0 {
				t.Fatalf("advisory without id or affected packages: %+v", a)
			}
			for _, af := range a.Affected {
				if af.Package == "" || len(af.Ranges) != 1 || af.Ranges[0].Events[1].Fixed == "" {
					t.Fatalf("bad affected entry %+v", af)
				}
			}
		}
	})
}

// BenchmarkParse: the real (trimmed) advisory, 55 KB.
func BenchmarkParse(b *testing.B) {
	data, err := os.ReadFile(sample)
	if err != nil {
		b.Fatal(err)
	}
	place := csaf.PlaceFrom(all.Descriptors())
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := csaf.Parse(data, place); err != nil {
			b.Fatal(err)
		}
	}
}
