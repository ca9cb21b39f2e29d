package rpm

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// requireRPM skips (or, with SCANFLEET_REQUIRE_SERVICES=1, fails) when
// Debian's rpm and rpmbuild are absent (apt-get install rpm).
func requireRPM(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"rpm", "rpmbuild"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
				t.Fatalf("%s not found but SCANFLEET_REQUIRE_SERVICES=1: apt-get install rpm", tool)
			}
			t.Skipf("%s not found: apt-get install rpm to run this test", tool)
		}
	}
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// specs are tiny packages exercising what version strings and source
// names can hold: dashes in names, epochs (absent, 0, >0), tildes and
// carets, and binaries whose name differs from their source package's.
var specs = map[string]string{
	"foo-bar.spec": `Name: foo-bar
Epoch: 2
Version: 1.2~rc1
Release: 3.el9
Summary: t
License: MIT
BuildArch: noarch
%description
t
%files
`,
	"my-src.spec": `%global debug_package %{nil}
Name: my-src
Version: 4.5.6^git1
Release: 7%{?dist}
Summary: t
License: MIT
%description
t
%package -n libmy-thing2
Summary: t
%description -n libmy-thing2
t
%files -n libmy-thing2
%package -n my-src-tools
Summary: t
BuildArch: noarch
%description -n my-src-tools
t
%files -n my-src-tools
`,
	"zero.spec": `Name: zero-epoch
Epoch: 0
Version: 10
Release: 1.fc40
Summary: t
License: MIT
BuildArch: noarch
%description
t
%files
`,
}

// TestSQLiteWithRPM builds real packages, installs them into a real
// rpmdb.sqlite with rpm 4.18, and checks the analyzer against rpm -qa.
// The same real header blobs, laid out as an ndb Packages.db, must give
// the same packages.
func TestSQLiteWithRPM(t *testing.T) {
	requireRPM(t)
	dir := t.TempDir()
	top := filepath.Join(dir, "top")
	for name, spec := range specs {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(spec), 0o644); err != nil {
			t.Fatal(err)
		}
		run(t, "rpmbuild", "-ba", "--quiet", "--define", "_topdir "+top, p)
	}
	rpms, _ := filepath.Glob(filepath.Join(top, "RPMS", "*", "*.rpm"))
	srpms, _ := filepath.Glob(filepath.Join(top, "SRPMS", "*.src.rpm"))
	if len(rpms) != 4 || len(srpms) != 3 {
		t.Fatalf("built %v and %v", rpms, srpms)
	}

	db := filepath.Join(dir, "db")
	backend := []string{"--dbpath", db, "--define", "_db_backend sqlite"}
	run(t, "rpm", append([]string{"--initdb"}, backend...)...)
	run(t, "rpm", append(append([]string{"-i", "--nodeps", "--justdb", "--ignorearch", "--ignoreos"}, backend...), rpms...)...)

	// Source packages, as rpm reads them from the built .src.rpm files.
	type nvr struct{ n, v, r string }
	sources := make(map[string]nvr)
	for _, s := range srpms {
		f := strings.Split(run(t, "rpm", "-qp", "--qf", "%{NAME}\t%{VERSION}\t%{RELEASE}", s), "\t")
		sources[filepath.Base(s)] = nvr{f[0], f[1], f[2]}
	}
	var want []nevra
	out := run(t, "rpm", append([]string{"-qa", "--qf", "%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\n"}, backend...)...)
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 6 {
			continue // rpm's Debian warning banner
		}
		epoch, err := strconv.Atoi(f[1])
		if err != nil {
			t.Fatal(err)
		}
		src, ok := sources[f[5]]
		if !ok {
			t.Fatalf("source %q of %s not built", f[5], f[0])
		}
		want = append(want, nevra{f[0], evr(epoch, f[2], f[3]), f[4], src.n, evr(epoch, src.v, src.r)})
	}
	if len(want) != len(rpms) {
		t.Fatalf("rpm -qa listed %d packages, %d were installed:\n%s", len(want), len(rpms), out)
	}
	want = sorted(want)
	t.Logf("rpm -qa: %+v", want)

	content, err := os.ReadFile(filepath.Join(db, "rpmdb.sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	a := New()
	for _, p := range []string{"var/lib/rpm/rpmdb.sqlite", "usr/lib/sysimage/rpm/rpmdb.sqlite"} {
		res, err := a.Analyze(context.Background(), p, content)
		if err != nil {
			t.Fatal(err)
		}
		compare(t, fromPackages(t, res.Packages, p), want)
	}

	// The same headers in an ndb file.
	sqldb, err := sql.Open("sqlite", "file:"+filepath.Join(db, "rpmdb.sqlite")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer sqldb.Close()
	rows, err := sqldb.Query("SELECT blob FROM Packages ORDER BY hnum")
	if err != nil {
		t.Fatal(err)
	}
	var blobs [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			t.Fatal(err)
		}
		blobs = append(blobs, b)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	const ndbPath = "usr/lib/sysimage/rpm/Packages.db"
	res, err := a.Analyze(context.Background(), ndbPath, writeNDB(blobs))
	if err != nil {
		t.Fatal(err)
	}
	compare(t, fromPackages(t, res.Packages, ndbPath), want)

	// A truncated copy is an error, never a panic.
	if _, err := a.Analyze(context.Background(), "var/lib/rpm/rpmdb.sqlite", content[:len(content)/3]); err == nil {
		t.Error(fmt.Errorf("truncated sqlite database accepted"))
	}
}
