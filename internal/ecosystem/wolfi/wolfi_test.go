package wolfi_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/ecosystemtest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestWolfiEndToEnd scans a real wolfi-base apk database (with Wolfi's
// os-release) against a database built from Wolfi's secdb, in both forms
// it is published in (the security.json document and vuln-list's one
// file per origin package), and expects exactly the shared truth list:
// subpackages (libcrypto3, ld-linux, ...) matched by their origin, the
// secfixes key "0" (not affected) never a finding.
func TestWolfiEndToEnd(t *testing.T) {
	dir := testutil.Data(t, "distros", "wolfi")
	want := ecosystemtest.ReadTruth(t, filepath.Join(dir, "truth.tsv"))
	files := []imagebuild.File{
		ecosystemtest.File(t, filepath.Join(dir, "os-release"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "installed"), "lib/apk/db/installed"),
	}
	var split []string
	for _, n := range []string{"busybox", "gcc", "glibc", "openssl", "redis-operator", "zlib"} {
		split = append(split, filepath.Join(dir, "vuln-list-wolfi-os", n+".json"))
	}
	for _, tc := range []struct {
		name string
		srcs []string
	}{
		{"security.json", []string{filepath.Join(dir, "security.json")}},
		{"vuln-list", split},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := ecosystemtest.Scan(t, tc.srcs, files...)
			if rep.OS == nil || rep.OS.ID != "wolfi" {
				t.Fatalf("OS = %+v", rep.OS)
			}
			ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
			c := ecosystemtest.Coverage(t, rep, "Wolfi")
			if !c.Covered || c.Packages != 15 {
				t.Errorf("coverage = %+v, want covered, 15 packages", c)
			}
			for _, v := range rep.Vulnerabilities {
				if v.Source != "wolfi-secdb" || v.SourceName == "" {
					t.Errorf("%s %s: source %q, origin %q", v.Package, v.ID, v.Source, v.SourceName)
				}
				if strings.Contains(strings.Join(v.References, " "), "alpinelinux") {
					t.Errorf("%s: Alpine reference on a Wolfi advisory: %v", v.ID, v.References)
				}
			}
		})
	}
}

// TestChainguardImageOnWolfi scans the apk database of a Chainguard image
// (Wolfi packages, redis-operator-compat) as a Wolfi image, against
// Wolfi's secdb: the shared truth list made for exactly that.
func TestChainguardImageOnWolfi(t *testing.T) {
	dir := testutil.Data(t, "distros")
	want := ecosystemtest.ReadTruth(t, filepath.Join(dir, "chainguard", "truth-vs-wolfi-secdb.tsv"))
	rep := ecosystemtest.Scan(t, []string{filepath.Join(dir, "wolfi", "security.json")},
		ecosystemtest.File(t, filepath.Join(dir, "wolfi", "os-release"), "etc/os-release"),
		ecosystemtest.File(t, filepath.Join(dir, "chainguard", "installed-redis-operator-compat"), "lib/apk/db/installed"))
	ecosystemtest.Equal(t, ecosystemtest.Findings(rep), want)
}
