package centos_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// realCSAF is a trimmed copy of Red Hat's CSAF advisory RHSA-2024:0811
// (see internal/ecosystem/redhat/csaf/testdata/README.md).
const realCSAF = "../redhat/csaf/testdata/rhsa-2024_0811.trimmed.json"

// csafFixes reads the advisory on its own terms, independently of package
// csaf: the products whose CPE is RHEL <major>'s main stream
// ("cpe:/o:redhat:enterprise_linux:8::baseos", not "rhel_eus"), and the
// binary packages the relationships make components of them, written
// "sudo-0:1.9.5p2-1.el8_9.x86_64".
func csafFixes(t *testing.T, major string) (id, severity string, fixes map[string]string) {
	t.Helper()
	type branch struct {
		Category string   `json:"category"`
		Branches []branch `json:"branches"`
		Product  struct {
			ProductID string `json:"product_id"`
			Helper    struct {
				CPE string `json:"cpe"`
			} `json:"product_identification_helper"`
		} `json:"product"`
	}
	var doc struct {
		Document struct {
			Tracking          struct{ ID string }
			AggregateSeverity struct{ Text string } `json:"aggregate_severity"`
		}
		ProductTree struct {
			Branches      []branch
			Relationships []struct {
				ProductReference          string `json:"product_reference"`
				RelatesToProductReference string `json:"relates_to_product_reference"`
			}
		} `json:"product_tree"`
	}
	b, err := os.ReadFile(realCSAF)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	main := regexp.MustCompile(`^cpe:/[ao]:redhat:enterprise_linux:` + major + `(::|$)`)
	products := map[string]bool{}
	var walk func([]branch)
	walk = func(bs []branch) {
		for _, x := range bs {
			if x.Category == "product_name" && main.MatchString(x.Product.Helper.CPE) {
				products[x.Product.ProductID] = true
			}
			walk(x.Branches)
		}
	}
	walk(doc.ProductTree.Branches)
	nevra := regexp.MustCompile(`^(.+)-0:([^-]+-[^-]+)\.(x86_64|noarch)$`)
	fixes = map[string]string{}
	for _, r := range doc.ProductTree.Relationships {
		if m := nevra.FindStringSubmatch(r.ProductReference); m != nil && products[r.RelatesToProductReference] {
			fixes[m[1]] = m[2]
		}
	}
	return doc.Document.Tracking.ID, doc.Document.AggregateSeverity.Text, fixes
}

// TestCentOSCSAFEndToEnd builds the database from Red Hat's real CSAF
// advisory RHSA-2024:0811 (sudo), the alternative to OVAL, and scans
// CentOS Stream 8 (the shared data's real os-release) and CentOS Stream 9
// (an os-release written here) images whose rpm databases are built with
// rpmbuild from real sudo builds: the ones Red Hat released for the EUS
// streams 8.6 and 9.0, which the main streams' fixes supersede. The
// expected findings (the main stream's fix, never an EUS build) are
// computed here from the document and rpm's own vercmp.
func TestCentOSCSAFEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "centos")
	feed, err := filepath.Abs(realCSAF)
	if err != nil {
		t.Fatal(err)
	}
	stream9 := []byte("NAME=\"CentOS Stream\"\nVERSION=\"9\"\nID=\"centos\"\nID_LIKE=\"rhel fedora\"\nVERSION_ID=\"9\"\nPLATFORM_ID=\"platform:el9\"\nPRETTY_NAME=\"CentOS Stream 9\"\n")
	for _, tc := range []struct {
		major     string
		osRelease imagebuild.File
		installed []ecosystemtest.RPM
	}{
		{"8", ecosystemtest.File(t, filepath.Join(dir, "os-release.centos-stream"), "etc/os-release"), []ecosystemtest.RPM{
			{Name: "sudo", Version: "1.9.5p2", Release: "1.el8_6", Arch: "x86_64"},
			{Name: "libuuid", Version: "2.32.1", Release: "42.el8_8", Arch: "x86_64", Source: "util-linux"},
		}},
		{"9", imagebuild.File{Path: "etc/os-release", Content: stream9}, []ecosystemtest.RPM{
			{Name: "sudo", Version: "1.9.5p2", Release: "7.el9_0.4", Arch: "x86_64"},
			{Name: "sudo-python-plugin", Version: "1.9.5p2", Release: "7.el9_0.4", Arch: "x86_64", Source: "sudo"},
		}},
	} {
		t.Run("CentOS Stream "+tc.major, func(t *testing.T) {
			id, sev, fixes := csafFixes(t, tc.major)
			var want []ecosystemtest.Finding
			for _, p := range tc.installed {
				if f, ok := fixes[p.Name]; ok && ecosystemtest.RPMVercmp(t, p.EVR(), f) < 0 {
					want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: f, Advisory: id})
				}
			}
			if len(want) == 0 || len(want) != len(fixes) {
				t.Fatalf("the test's own computation gives %v from %v", want, fixes)
			}
			rep := ecosystemtest.Scan(t, []string{feed}, tc.osRelease,
				imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, tc.installed...)})
			ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
			for _, v := range rep.Vulnerabilities {
				if v.Severity != report.ParseSeverity(sev) || len(v.Aliases) != 3 || !strings.HasPrefix(v.Aliases[0], "CVE-2023-") {
					t.Errorf("%s %s: severity %s (want the advisory's %s), aliases %v", v.ID, v.Package, v.Severity, sev, v.Aliases)
				}
			}
			if c := ecosystemtest.Coverage(t, rep, "CentOS:"+tc.major); !c.Covered || c.Packages != len(tc.installed) {
				t.Errorf("coverage = %+v", c)
			}
		})
	}
}
