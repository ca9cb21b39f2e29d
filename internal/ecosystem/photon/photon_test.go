package photon_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestPhoton3EndToEnd scans a Photon 3.0 image against VMware's whole,
// real Photon 3 OVAL file (222 definitions) through vulndb.Build. No real
// Photon rpm database could be had: Debian's rpm writes one with real
// Photon 3 package versions. The expected findings are computed here
// from the definitions' own criterion comments ("curl is earlier than
// 0:7.61.1-5.ph3") and titles, with rpm's vercmp — not from the tests,
// objects and states the scanner reads.
func TestPhoton3EndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "photon")
	oval := filepath.Join(dir, "com.vmware.phsa-photon3.xml")
	b, err := os.ReadFile(oval)
	if err != nil {
		t.Fatal(err)
	}
	installed := []ecosystemtest.RPM{
		{Name: "curl", Version: "7.61.1", Release: "4.ph3", Arch: "x86_64"},
		{Name: "sqlite-libs", Version: "3.27.2", Release: "3.ph3", Arch: "x86_64"},
		{Name: "openssl", Version: "1.0.2u", Release: "1.ph3", Arch: "x86_64"},
		{Name: "bash", Version: "4.4.18", Release: "1.ph3", Arch: "x86_64"},
		{Name: "photon-release", Version: "3.0", Release: "5.ph3", Arch: "noarch"},
	}
	defRe := regexp.MustCompile(`(?s)<definition .*?</definition>`)
	titleRe := regexp.MustCompile(`<title>(\S+)`)
	cmtRe := regexp.MustCompile(`comment="(\S+) is earlier than (?:0:)?([^"]+)"`)
	var want []ecosystemtest.Finding
	defs := defRe.FindAll(b, -1)
	if len(defs) != 222 {
		t.Fatalf("%d definitions in the file, its README says 222", len(defs))
	}
	for _, d := range defs {
		id := titleRe.FindSubmatch(d)
		for _, m := range cmtRe.FindAllSubmatch(d, -1) {
			for _, p := range installed {
				if p.Name == string(m[1]) && ecosystemtest.RPMVercmp(t, p.EVR(), string(m[2])) < 0 {
					want = append(want, ecosystemtest.Finding{Package: p.Name, Installed: p.EVR(), Fixed: string(m[2]), Advisory: string(id[1])})
				}
			}
		}
	}
	t.Logf("%d expected findings", len(want))
	if len(want) < 3 {
		t.Fatalf("expected findings %v: the chosen packages do not exercise the file", want)
	}
	rep := ecosystemtest.Scan(t, []string{oval},
		imagebuild.File{Path: "etc/os-release", Content: []byte(strings.ReplaceAll(mustRead(t, filepath.Join(dir, "os-release")), "4.0", "3.0"))},
		imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	c := ecosystemtest.Coverage(t, rep, "Photon OS:3.0")
	if !c.Covered || !strings.Contains(c.Note, "end of life") {
		t.Errorf("coverage = %+v", c)
	}
	for _, v := range rep.Vulnerabilities {
		if !strings.HasPrefix(v.ID, "PHSA-") || len(v.Aliases) == 0 {
			t.Errorf("%s: aliases %v", v.ID, v.Aliases)
		}
	}

	// A Photon 4.0 image meets none of Photon 3's definitions.
	rep = ecosystemtest.Scan(t, []string{oval},
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		imagebuild.File{Path: "var/lib/rpm/rpmdb.sqlite", Content: ecosystemtest.RPMDB(t, installed...)})
	if len(rep.Vulnerabilities) != 0 {
		t.Errorf("Photon 3 advisories matched a Photon 4 image: %v", ecosystemtest.Findings(rep))
	}
	if c := ecosystemtest.Coverage(t, rep, "Photon OS:4.0"); c.Covered {
		t.Errorf("coverage = %+v", c)
	}
}

func mustRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
