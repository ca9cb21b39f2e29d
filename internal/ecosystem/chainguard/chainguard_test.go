package chainguard_test

import (
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestChainguardEndToEnd: an image whose os-release says "chainguard" is
// matched against Chainguard's secdb (reponame "chainguard"), and only
// against it: Wolfi's secdb alone leaves it not covered. The expected
// finding is computed by hand from the fixture: binutils 2.39-r1 is below
// the 2.39-r2 fix of CVE-2022-38533 and equal to the 2.39-r1 fix of
// CVE-2022-38126.
func TestChainguardEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros")
	files := []imagebuild.File{
		{Path: "etc/os-release", Content: []byte("ID=chainguard\nNAME=\"Chainguard\"\nPRETTY_NAME=\"Chainguard\"\nVERSION_ID=\"20230214\"\n")},
		{Path: "lib/apk/db/installed", Content: []byte("P:binutils\nV:2.39-r1\nA:x86_64\no:binutils\n\nP:libctf\nV:2.39-r1\nA:x86_64\no:binutils\n\n")},
	}
	cg := filepath.Join(dir, "chainguard", "vulnlist-chainguard-binutils.json")
	wolfi := filepath.Join(dir, "wolfi", "vulnlist-fixture-binutils.json")

	rep := ecosystemtest.Scan(t, []string{cg, wolfi}, files...)
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), []ecosystemtest.Finding{
		{Package: "binutils", Installed: "2.39-r1", Fixed: "2.39-r2", Advisory: "CVE-2022-38533"},
		{Package: "libctf", Installed: "2.39-r1", Fixed: "2.39-r2", Advisory: "CVE-2022-38533"},
	})
	if c := ecosystemtest.Coverage(t, rep, "Chainguard"); !c.Covered || c.Packages != 2 {
		t.Errorf("coverage = %+v", c)
	}

	rep = ecosystemtest.Scan(t, []string{wolfi}, files...)
	if len(rep.Vulnerabilities) != 0 {
		t.Errorf("Wolfi's advisories matched a Chainguard image: %v", ecosystemtest.Findings(rep))
	}
	if c := ecosystemtest.Coverage(t, rep, "Chainguard"); c.Covered {
		t.Errorf("coverage without Chainguard data = %+v", c)
	}
}
