package centos_test

import (
	"encoding/xml"
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

// realOVAL is the trimmed copy of Red Hat's RHEL 8 OVAL document (see
// testdata/README.md).
const realOVAL = "testdata/com.redhat.rhsa-RHEL8.trimmed.xml"

// ovalFix is one "<package> is earlier than <evr>" of a definition.
type ovalFix struct {
	id, severity, pkg, evr string
}

// readFixes reads the document on its own terms, independently of the
// scanner's OVAL reader (which follows test → object/state references):
// from each RHEL 8 definition, its RHSA id (the title's first word), its
// severity and the human-readable criterion comments Red Hat writes beside
// every test, "openssl-libs is earlier than 1:1.1.1c-2.el8". Definitions
// guarded by a module stream are left out, as the scanner documents.
func readFixes(t *testing.T, path string) []ovalFix {
	t.Helper()
	type criteria struct {
		Criteria  []criteria `xml:"criteria"`
		Criterion []struct {
			Comment string `xml:"comment,attr"`
		} `xml:"criterion"`
	}
	var doc struct {
		Definitions []struct {
			Title     string   `xml:"metadata>title"`
			Platforms []string `xml:"metadata>affected>platform"`
			Severity  string   `xml:"metadata>advisory>severity"`
			Criteria  criteria `xml:"criteria"`
		} `xml:"definitions>definition"`
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	earlier := regexp.MustCompile(`^(\S+) is earlier than (\S+)$`)
	var out []ovalFix
	for _, d := range doc.Definitions {
		if len(d.Platforms) != 1 || d.Platforms[0] != "Red Hat Enterprise Linux 8" {
			continue
		}
		var comments []string
		var walk func(c criteria)
		walk = func(c criteria) {
			for _, x := range c.Criterion {
				comments = append(comments, x.Comment)
			}
			for _, sub := range c.Criteria {
				walk(sub)
			}
		}
		walk(d.Criteria)
		if strings.Contains(strings.Join(comments, "\n"), " is enabled") {
			continue
		}
		id := strings.TrimSuffix(strings.Fields(d.Title)[0], ":")
		for _, c := range comments {
			if m := earlier.FindStringSubmatch(c); m != nil {
				out = append(out, ovalFix{id, d.Severity, m[1], strings.TrimPrefix(m[2], "0:")})
			}
		}
	}
	return out
}

// TestCentOSStream8RealOVAL matches CentOS Stream 8 images (the real
// os-release of the shared data) against a trimmed copy of Red Hat's own
// RHEL 8 OVAL document through vulndb.Build: the shared data's real EL8
// BerkeleyDB rpm database (libuuid alone, which no definition names), and
// an rpm database built with rpmbuild from real EL8 package names and
// versions (RHEL 8.0's openssl-libs 1:1.1.1-8.el8, and the releases the
// document's own advisories name), since no real CentOS database with them
// could be had. Expected findings are computed here from the document's
// criterion comments and rpm's own vercmp; every one must be rated with the
// definition's severity.
func TestCentOSStream8RealOVAL(t *testing.T) {
	dir := testutil.Data(t, "distros", "centos")
	feed, err := filepath.Abs(realOVAL)
	if err != nil {
		t.Fatal(err)
	}
	fixes := readFixes(t, feed)
	if len(fixes) < 20 {
		t.Fatalf("read only %d fixes from %s", len(fixes), realOVAL)
	}
	osRelease := ecosystemtest.File(t, filepath.Join(dir, "os-release.centos-stream"), "etc/os-release")

	expect := func(installed []ecosystemtest.RPM) ([]ecosystemtest.Finding, map[string]string) {
		var want []ecosystemtest.Finding
		severity := map[string]string{}
		for _, p := range installed {
			for _, f := range fixes {
				if f.pkg == p.Name && ecosystemtest.RPMVercmp(t, p.EVR(), f.evr) < 0 {
					want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: f.evr, Advisory: f.id})
					severity[f.id] = f.severity
				}
			}
		}
		return want, severity
	}

	t.Run("real rpm database", func(t *testing.T) {
		rep := ecosystemtest.Scan(t, []string{feed}, osRelease,
			ecosystemtest.File(t, filepath.Join(dir, "el8-libuuid-only/var/lib/rpm/Packages"), "var/lib/rpm/Packages"))
		want, _ := expect([]ecosystemtest.RPM{{Name: "libuuid", Version: "2.32.1", Release: "42.el8_8"}})
		if len(rep.Packages) != 1 {
			t.Fatalf("packages %+v", rep.Packages)
		}
		ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
		if c := ecosystemtest.Coverage(t, rep, "CentOS:8"); !c.Covered || c.Packages != 1 || !strings.Contains(c.Note, "end of life") {
			t.Errorf("coverage = %+v", c)
		}
	})

	t.Run("built rpm database", func(t *testing.T) {
		installed := []ecosystemtest.RPM{
			// Fixed by RHSA-2019:0997, not by RHSA-2019:3520.
			{Name: "python3-libs", Version: "3.6.8", Release: "2.el8_0", Arch: "x86_64", Source: "python3"},
			{Name: "platform-python", Version: "3.6.8", Release: "2.el8_0", Arch: "x86_64", Source: "python3"},
			// RHEL 8.0's openssl: RHSA-2019:3700's fix has the same epoch.
			{Name: "openssl-libs", Epoch: "1", Version: "1.1.1", Release: "8.el8", Arch: "x86_64", Source: "openssl"},
			// Exactly RHSA-2019:3701's fix: nothing to report.
			{Name: "libcurl", Version: "7.61.1", Release: "11.el8", Arch: "x86_64", Source: "curl"},
			{Name: "curl", Version: "7.61.1", Release: "11.el8", Arch: "x86_64"},
			// Named by no definition.
			{Name: "libuuid", Version: "2.32.1", Release: "42.el8_8", Arch: "x86_64", Source: "util-linux"},
		}
		want, severity := expect(installed)
		if len(want) != 3 {
			t.Fatalf("the test's own computation gives %v: want python3-libs and platform-python (RHSA-2019:3520) and openssl-libs (RHSA-2019:3700)", want)
		}
		rep := ecosystemtest.Scan(t, []string{feed}, osRelease,
			imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
		if len(rep.Packages) != len(installed) {
			t.Fatalf("%d packages inventoried, %d installed", len(rep.Packages), len(installed))
		}
		ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
		for _, v := range rep.Vulnerabilities {
			if w := report.ParseSeverity(severity[v.ID]); v.Severity != w {
				t.Errorf("%s %s: severity %s, want %s (the definition's %q)", v.ID, v.Package, v.Severity, w, severity[v.ID])
			}
			if len(v.Aliases) == 0 || !strings.HasPrefix(v.Aliases[0], "CVE-") {
				t.Errorf("%s: aliases %v lack the CVEs", v.ID, v.Aliases)
			}
		}
		if c := ecosystemtest.Coverage(t, rep, "CentOS:8"); !c.Covered || c.Packages != len(installed) {
			t.Errorf("coverage = %+v", c)
		}
	})
}
