package ecosystemtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RPM is one package to put in a test rpm database.
type RPM struct {
	Name, Epoch, Version, Release, Arch string
	// Source is the source package's name ("" = Name).
	Source string
}

// EVR is the package's version as the scanner reports it.
func (p RPM) EVR() string {
	v := p.Version + "-" + p.Release
	if p.Epoch != "" && p.Epoch != "0" {
		v = p.Epoch + ":" + v
	}
	return v
}

// RPMDB builds real (empty) packages with Debian's rpmbuild and installs
// them with rpm into a new SQLite rpm database, whose rpmdb.sqlite it
// returns. It is how the distribution tests get an rpm database where no
// real one could be had (Amazon, Oracle, Photon, CentOS): real package
// names and versions, a database written by rpm itself. It skips when rpm
// is absent (fails with SCANFLEET_REQUIRE_SERVICES=1).
func RPMDB(t testing.TB, pkgs ...RPM) []byte {
	t.Helper()
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
				t.Fatalf("%s not found but SCANFLEET_REQUIRE_SERVICES=1: apt-get install rpm", tool)
			}
			t.Skipf("%s not found: apt-get install rpm to run this test", tool)
		}
	}
	dir := t.TempDir()
	top := filepath.Join(dir, "top")
	for i, p := range pkgs {
		src := p.Source
		if src == "" {
			src = p.Name
		}
		arch := p.Arch
		if arch == "" {
			arch = "noarch"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%%global debug_package %%{nil}\n%%global _build_id_links none\nName: %s\n", src)
		if p.Epoch != "" {
			fmt.Fprintf(&b, "Epoch: %s\n", p.Epoch)
		}
		fmt.Fprintf(&b, "Version: %s\nRelease: %s\nSummary: t\nLicense: MIT\nBuildArch: %s\n%%description\nt\n", p.Version, p.Release, arch)
		if src == p.Name {
			b.WriteString("%files\n")
		} else {
			fmt.Fprintf(&b, "%%package -n %s\nSummary: t\n%%description -n %s\nt\n%%files -n %s\n", p.Name, p.Name, p.Name)
		}
		spec := filepath.Join(dir, fmt.Sprintf("p%d.spec", i))
		if err := os.WriteFile(spec, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "rpmbuild", "-bb", "--quiet", "--target", arch, "--define", "_topdir "+top, spec)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	if len(rpms) != len(pkgs) {
		t.Fatalf("built %d packages, wanted %d: %v", len(rpms), len(pkgs), rpms)
	}
	db := filepath.Join(dir, "db")
	backend := []string{"--dbpath", db, "--define", "_db_backend sqlite"}
	run(t, "rpm", append([]string{"--initdb"}, backend...)...)
	run(t, "rpm", append(append([]string{"-i", "--nodeps", "--justdb", "--ignorearch", "--ignoreos"}, backend...), rpms...)...)
	b, err := os.ReadFile(filepath.Join(db, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func run(t testing.TB, name string, args ...string) {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// RPMVercmp orders two rpm versions with rpm's own rpm.vercmp: an
// ordering independent of the scanner's, for computing expected findings.
func RPMVercmp(t testing.TB, a, b string) int {
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
	case "1":
		return 1
	}
	t.Fatalf("rpm.vercmp(%q, %q) said %q", a, b, out)
	return 0
}
