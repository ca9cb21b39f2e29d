package suse_test

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// osvRecord writes one OSV record in the shape OSV's SUSE ecosystem
// publishes (id SUSE-SU-…, the CVEs under "related", one affected entry
// per product and binary package).
func osvRecord(t *testing.T, dir, id string, related []string, affected map[string][2]string) {
	t.Helper()
	type pkg struct {
		Ecosystem string `json:"ecosystem"`
		Name      string `json:"name"`
	}
	type aff struct {
		Package pkg              `json:"package"`
		Ranges  []map[string]any `json:"ranges"`
	}
	rec := map[string]any{"id": id, "modified": "2022-03-30T16:29:02Z", "related": related, "summary": "Security update"}
	var affs []aff
	for eco, pf := range affected {
		affs = append(affs, aff{Package: pkg{eco, pf[0]}, Ranges: []map[string]any{{
			"type": "ECOSYSTEM", "events": []map[string]string{{"introduced": "0"}, {"fixed": pf[1]}},
		}}})
	}
	rec["affected"] = affs
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, strings.ReplaceAll(id, ":", "_")+".json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// rpmVercmp asks Debian's rpm (rpm.vercmp in its Lua) to order two
// versions: an ordering independent of the scanner's.
func rpmVercmp(t *testing.T, a, b string) int {
	t.Helper()
	out, err := exec.Command("rpm", "--eval", `%{lua: print(rpm.vercmp("`+a+`","`+b+`"))}`).Output()
	if err != nil {
		t.Skipf("rpm not available: %v", err)
	}
	switch strings.TrimSpace(string(out)) {
	case "-1":
		return -1
	case "0":
		return 0
	}
	return 1
}

// TestSLESEndToEnd scans a real SLES 15 SP3 (BCI) NDB rpm database
// against OSV records of the SUSE ecosystem: the zlib advisory of the
// shared truth (SUSE-SU-2022:1061-1, published for the Basesystem module
// 15 SP3, which a SLES image is made of), plus records that must not
// match (an older fix, another service pack, openSUSE). The expected list
// is computed here from the database listing the shared data made with
// python3-rpm, and rpm's own vercmp.
func TestSLESEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "suse-sles")
	feed := t.TempDir()
	type fix struct{ id, cve, product, pkg, fixed string }
	fixes := []fix{
		// The shared truth's advisory (advisory-extract-SUSE-SU-2022-1061-1.json).
		{"SUSE-SU-2022:1061-1", "CVE-2018-25032", "SUSE:Linux Enterprise Module for Basesystem 15 SP3", "libz1", "1.2.11-150000.3.30.1"},
		// Fixed below what is installed (libzstd1 1.4.4-1.6.1): no finding.
		{"SUSE-SU-2020:9999-1", "CVE-2020-0001", "SUSE:Linux Enterprise Server 15 SP3", "libzstd1", "1.4.4-1.5.1"},
		// Another service pack and openSUSE: not this image's.
		{"SUSE-SU-2024:9999-1", "CVE-2024-0001", "SUSE:Linux Enterprise Server 15 SP5", "bash", "4.4-150400.27.3.2"},
		{"openSUSE-SU-2024:9999-1", "CVE-2024-0002", "openSUSE:Leap 15.3", "bash", "4.4-150400.27.3.2"},
	}
	for _, f := range fixes {
		osvRecord(t, feed, f.id, []string{f.cve}, map[string][2]string{f.product: {f.pkg, f.fixed}})
	}

	installed := map[string]string{} // name -> version-release, from the python3-rpm listing
	lf, err := os.Open(filepath.Join(dir, "installed-packages.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer lf.Close()
	for sc := bufio.NewScanner(lf); sc.Scan(); {
		c := strings.Split(sc.Text(), "\t")
		if len(c) >= 4 {
			installed[c[0]] = c[2] + "-" + c[3]
		}
	}
	var want []ecosystemtest.Finding
	for _, f := range fixes[:2] { // the two that apply to SLES 15 SP3
		if v, ok := installed[f.pkg]; ok && rpmVercmp(t, v, f.fixed) < 0 {
			want = append(want, ecosystemtest.Finding{Package: f.pkg, Installed: v, Fixed: f.fixed, Advisory: f.id})
		}
	}
	// The shared truth says the same.
	truth := ecosystemtest.ReadTruth(t, filepath.Join(dir, "truth.tsv"))
	if len(truth) != 1 || len(want) != 1 || truth[0].Package != want[0].Package || truth[0].Installed != want[0].Installed || !strings.HasPrefix(truth[0].Advisory, want[0].Advisory+" ") {
		t.Fatalf("computed %v, shared truth %v", want, truth)
	}

	rep := ecosystemtest.Scan(t, []string{feed},
		ecosystemtest.File(t, filepath.Join(dir, "os-release.trivy-sles"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "usr/lib/sysimage/rpm/Packages.db"), "usr/lib/sysimage/rpm/Packages.db"))
	if got := len(rep.Packages); got != len(installed) {
		t.Errorf("%d packages inventoried, the listing has %d", got, len(installed))
	}
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
	for _, v := range rep.Vulnerabilities {
		if !slices.Contains(v.Aliases, "CVE-2018-25032") {
			t.Errorf("%s: aliases %v lack the CVE it fixes", v.ID, v.Aliases)
		}
	}
	c := ecosystemtest.Coverage(t, rep, "SUSE:Linux Enterprise Server 15 SP3")
	if !c.Covered || c.Packages != len(installed) || !strings.Contains(c.Note, "end of general support") {
		t.Errorf("coverage = %+v, want covered with its end of general support said", c)
	}
}

// TestReleases maps real os-release files of SLES, SLE Micro and openSUSE
// to their advisory ecosystems.
func TestReleases(t *testing.T) {
	dir := testutil.Data(t, "distros")
	for _, tc := range []struct {
		file, want string
	}{
		{"suse-sles/os-release.trivy-sles", "SUSE:Linux Enterprise Server 15 SP3"},
		{"suse-sles/os-release.syft-sles", "SUSE:Linux Enterprise Server 15 SP2"},
		{"opensuse/os-release.leap-15.2.1", "openSUSE:Leap 15.2"},
		{"opensuse/os-release.leap-42.3", "openSUSE:Leap 42.3"},
		{"opensuse/os-release.tumbleweed", "openSUSE:Tumbleweed"},
	} {
		b, err := os.ReadFile(filepath.Join(dir, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		osr := parseOSRelease(string(b))
		got, _ := advisory.ForOS(osr)
		if got != tc.want {
			t.Errorf("%s (%+v): %q, want %q", tc.file, osr, got, tc.want)
		}
	}
}

// parseOSRelease is a small independent reading of ID and VERSION_ID.
func parseOSRelease(s string) *report.OS {
	os := &report.OS{}
	for _, line := range strings.Split(s, "\n") {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"'`)
		switch k {
		case "ID":
			os.ID = v
		case "VERSION_ID":
			os.VersionID = v
		}
	}
	return os
}
