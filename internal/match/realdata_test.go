package match

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"debug/buildinfo"
	"encoding/json"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"golang.org/x/mod/semver"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// readTarFile returns one file of a (possibly gzipped) tar stream.
func readTarFile(t testing.TB, r io.Reader, want string) []byte {
	t.Helper()
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); bytes.Equal(head, []byte{0x1f, 0x8b}) {
		gz, err := gzip.NewReader(br)
		if err != nil {
			t.Fatal(err)
		}
		r = gz
	} else {
		r = br
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.TrimPrefix(path.Clean(h.Name), "./") == want {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
}

func readRootfsFile(t testing.TB, tarball, file string) []byte {
	t.Helper()
	f, err := os.Open(tarball)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := readTarFile(t, f, file)
	if b == nil {
		t.Fatalf("%s not in %s", file, tarball)
	}
	return b
}

// apkInstalled is a small independent reading of lib/apk/db/installed:
// P: (name), V: (version) and o: (origin) of each blank-line separated
// stanza. The real analyzer lives elsewhere.
func apkInstalled(t testing.TB, db []byte) []report.Package {
	var out []report.Package
	var cur report.Package
	flush := func() {
		if cur.Name != "" {
			cur.Type = report.TypeAPK
			out = append(out, cur)
		}
		cur = report.Package{}
	}
	for _, line := range strings.Split(string(db), "\n") {
		switch {
		case line == "":
			flush()
		case strings.HasPrefix(line, "P:"):
			cur.Name = line[2:]
		case strings.HasPrefix(line, "V:"):
			cur.Version = line[2:]
		case strings.HasPrefix(line, "o:"):
			cur.SourceName = line[2:]
		}
	}
	flush()
	return out
}

// dpkgStatus is a small independent reading of var/lib/dpkg/status:
// Package, Version, Source ("name" or "name (version)") and Status.
func dpkgStatus(t testing.TB, db []byte) []report.Package {
	var out []report.Package
	for _, stanza := range strings.Split(string(db), "\n\n") {
		var p report.Package
		installed := false
		for _, line := range strings.Split(stanza, "\n") {
			k, v, ok := strings.Cut(line, ": ")
			if !ok {
				continue
			}
			switch k {
			case "Package":
				p.Name = v
			case "Version":
				p.Version = v
			case "Source":
				name, ver, _ := strings.Cut(v, " ")
				p.SourceName = name
				p.SourceVersion = strings.Trim(ver, "()")
			case "Status":
				installed = v == "install ok installed"
			}
		}
		if p.Name == "" || !installed {
			continue
		}
		p.Type = report.TypeDeb
		if p.SourceName == "" {
			p.SourceName = p.Name
		}
		if p.SourceVersion == "" {
			p.SourceVersion = p.Version
		}
		out = append(out, p)
	}
	return out
}

func readTSV(t testing.TB, p string) [][]string {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for i, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if strings.HasPrefix(line, "#") || i == 0 && strings.HasPrefix(line, "source\t") {
			continue
		}
		rows = append(rows, strings.Split(line, "\t"))
	}
	return rows
}

func loadFeed(t testing.TB, src string) []advisory.Advisory {
	t.Helper()
	var advs []advisory.Advisory
	st, err := feed.Load(context.Background(), src, nil, func(a *advisory.Advisory) error {
		advs = append(advs, *a)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if st.Malformed != 0 && !strings.Contains(src, "pypi") {
		t.Fatalf("%v: %q", st, st.Errors)
	}
	return advs
}

func TestAlpineAcceptance(t *testing.T) {
	advs := loadFeed(t, testutil.Data(t, "advisories", "alpine-secdb-3.20-subset"))
	db := readRootfsFile(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"), "lib/apk/db/installed")
	pkgs := apkInstalled(t, db)
	osr := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	vulns, cov, err := Match(context.Background(), NewMemStore(advs), osr, pkgs)
	if err != nil {
		t.Fatal(err)
	}

	want := map[string]bool{}
	for _, row := range readTSV(t, testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv")) {
		want[strings.Join(row[:4], "\t")] = true
	}
	if len(want) != 27 {
		t.Fatalf("answer file has %d rows, README says 27", len(want))
	}
	binaries := map[string]int{} // origin -> binary packages
	for _, p := range pkgs {
		binaries[p.SourceName]++
	}
	got := map[string]int{}
	for _, v := range vulns {
		key := strings.Join([]string{v.SourceName, v.InstalledVersion, v.FixedVersion, v.ID}, "\t")
		got[key]++
		if v.Status != "fixed" || v.Source != advisory.SourceAlpineSecDB || v.PackageType != report.TypeAPK {
			t.Errorf("finding %+v", v)
		}
	}
	for k := range want {
		origin, _, _ := strings.Cut(k, "\t")
		if got[k] != binaries[origin] {
			t.Errorf("%q reported on %d packages, want every one of the %d built from %s", k, got[k], binaries[origin], origin)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected finding %q", k)
		}
	}
	if len(cov) != 1 || !cov[0].Covered || cov[0].Ecosystem != "Alpine:v3.20" || cov[0].Packages != len(pkgs) {
		t.Errorf("coverage %+v", cov)
	}
}

func TestDebianAcceptance(t *testing.T) {
	rows := readTSV(t, testutil.Data(t, "answers", "debian-bookworm-minbase-security-changelogs.tsv"))
	if len(rows) != 14 {
		t.Fatalf("answer file has %d rows, want 14", len(rows))
	}
	var advs []advisory.Advisory
	for _, r := range rows {
		advs = append(advs, advisory.Advisory{
			ID: r[3], Source: advisory.SourceDebianTracker,
			Affected: []advisory.Affected{{Ecosystem: "Debian:12", Package: r[0], Ranges: []advisory.Range{
				{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: r[2]}}}}}},
		})
	}
	db := readRootfsFile(t, testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz"), "var/lib/dpkg/status")
	pkgs := dpkgStatus(t, db)
	if len(pkgs) != 88 {
		t.Fatalf("read %d installed packages, README says 88", len(pkgs))
	}
	vulns, cov, err := Match(context.Background(), NewMemStore(advs), &report.OS{ID: "debian", VersionID: "12", VersionCodename: "bookworm"}, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{}
	for _, r := range rows {
		for _, p := range pkgs {
			if p.SourceName == r[0] {
				if p.SourceVersion != r[1] {
					t.Fatalf("%s: installed source version %s, answer file says %s", p.Name, p.SourceVersion, r[1])
				}
				want[p.Name+" "+p.Version+" "+r[3]+" "+r[2]] = true
			}
		}
	}
	got := map[string]bool{}
	for _, v := range vulns {
		k := v.Package + " " + v.InstalledVersion + " " + v.ID + " " + v.FixedVersion
		if got[k] {
			t.Errorf("duplicate finding %s", k)
		}
		got[k] = true
	}
	if len(got) != len(want) {
		t.Errorf("%d findings, want %d", len(got), len(want))
	}
	for k := range want {
		if !got[k] {
			t.Errorf("missing %s", k)
		}
	}
	for k := range got {
		if !want[k] {
			t.Errorf("unexpected %s", k)
		}
	}
	if len(cov) != 1 || !cov[0].Covered || cov[0].Packages != 88 {
		t.Errorf("coverage %+v", cov)
	}
}

// goInventory reads the Go binary's build info out of the image's layer,
// as a Go analyzer would: the stdlib at the toolchain version, and each
// dependency module.
func goInventory(t testing.TB) []report.Package {
	t.Helper()
	img := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar")
	f, err := os.Open(img)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	idx := readTarFile(t, f, "index.json")
	var index struct{ Manifests []struct{ Digest string } }
	if err := json.Unmarshal(idx, &index); err != nil {
		t.Fatal(err)
	}
	blob := func(d string) []byte {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		return readTarFile(t, f, "blobs/sha256/"+strings.TrimPrefix(d, "sha256:"))
	}
	var man struct{ Layers []struct{ Digest string } }
	if err := json.Unmarshal(blob(index.Manifests[0].Digest), &man); err != nil {
		t.Fatal(err)
	}
	for _, l := range man.Layers {
		bin := readTarFile(t, bytes.NewReader(blob(l.Digest)), "usr/local/bin/scanfixture")
		if bin == nil {
			continue
		}
		bi, err := buildinfo.Read(bytes.NewReader(bin))
		if err != nil {
			t.Fatal(err)
		}
		pkgs := []report.Package{{Name: "stdlib", Version: bi.GoVersion, Type: "go-module", Layer: l.Digest}}
		for _, d := range bi.Deps {
			pkgs = append(pkgs, report.Package{Name: d.Path, Version: d.Version, Type: "go-module", Layer: l.Digest})
		}
		return pkgs
	}
	t.Fatal("Go binary not found in the image's layers")
	return nil
}

func TestGoAcceptance(t *testing.T) {
	pkgs := goInventory(t)
	if len(pkgs) != 4 || pkgs[0].Version != "go1.21.0" {
		t.Fatalf("inventory %+v", pkgs)
	}
	src := testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz")

	// The second, deliberately simple reading: SEMVER ranges, introduced
	// and fixed events in file order, x/mod/semver.
	inv := map[string]string{}
	for _, p := range pkgs {
		inv[p.Name] = "v" + strings.TrimPrefix(strings.TrimPrefix(p.Version, "go"), "v")
	}
	want := map[string]string{} // "module GO-id" -> fixed
	testutil.WalkTarGz(t, src, func(name string, _ *tar.Header, r io.Reader) bool {
		if path.Ext(name) != ".json" {
			return true
		}
		var rec struct {
			ID        string
			Withdrawn string
			Affected  []struct {
				Package struct{ Name string }
				Ranges  []struct {
					Type   string
					Events []struct{ Introduced, Fixed string }
				}
			}
		}
		if err := json.NewDecoder(r).Decode(&rec); err != nil {
			t.Fatal(err)
		}
		if rec.Withdrawn != "" {
			return true
		}
		for _, a := range rec.Affected {
			v, ok := inv[a.Package.Name]
			if !ok {
				continue
			}
			for _, r := range a.Ranges {
				lo := ""
				open := false
				for _, e := range r.Events {
					if e.Introduced != "" {
						lo, open = "v"+e.Introduced, true
						if e.Introduced == "0" {
							lo = "v0.0.0"
						}
						continue
					}
					if e.Fixed != "" && open {
						if semver.Compare(v, lo) >= 0 && semver.Compare(v, "v"+e.Fixed) < 0 {
							want[a.Package.Name+" "+rec.ID] = e.Fixed
						}
						open = false
					}
				}
				if open && semver.Compare(v, lo) >= 0 {
					want[a.Package.Name+" "+rec.ID] = ""
				}
			}
		}
		return true
	})
	if len(want) == 0 {
		t.Fatal("simple reading found nothing: the fixture is built to be vulnerable")
	}

	advs := loadFeed(t, src)
	vulns, cov, err := Match(context.Background(), NewMemStore(advs), &report.OS{ID: "alpine", VersionID: "3.20.3"}, pkgs)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, v := range vulns {
		// Findings merged by CVE carry the other GO ids as aliases.
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if strings.HasPrefix(id, "GO-") {
				got[v.Package+" "+id] = v.FixedVersion
			}
		}
		if v.Layer == "" || v.PackageType != "go-module" {
			t.Errorf("finding %+v", v)
		}
	}
	var missing, extra []string
	for k := range want {
		if _, ok := got[k]; !ok {
			missing = append(missing, k)
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing)+len(extra) > 0 {
		t.Errorf("missing %v\nextra %v", missing, extra)
	}
	// The fixed version is the lowest fix above the installed version;
	// for a finding from one record the simple reading agrees.
	checked := 0
	for _, v := range vulns {
		goIDs := 0
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if strings.HasPrefix(id, "GO-") {
				goIDs++
			}
		}
		if w, ok := want[v.Package+" "+v.ID]; ok && goIDs == 1 {
			checked++
			if w != v.FixedVersion {
				t.Errorf("%s %s: fixed %q, simple reading %q", v.Package, v.ID, v.FixedVersion, w)
			}
		}
	}
	if checked == 0 {
		t.Error("no fixed version checked")
	}
	t.Logf("%d findings for %d (module, GO id) pairs", len(vulns), len(want))
	if len(cov) != 1 || cov[0].Ecosystem != "Go" || !cov[0].Covered || cov[0].Packages != 4 {
		t.Errorf("coverage %+v", cov)
	}
}

// BenchmarkMatch matches a 500-package inventory (Go modules, PyPI
// distributions, crates and AlmaLinux RPMs named in the real feeds, at
// versions below most fixes) against a MemStore holding those feeds.
func BenchmarkMatch(b *testing.B) {
	var advs []advisory.Advisory
	for _, f := range []string{"osv-go-vulndb.tar.gz", "osv-pypi.tar.gz", "osv-crates.tar.gz", "osv-almalinux.tar.gz"} {
		advs = append(advs, loadFeed(b, testutil.Data(b, "advisories", f))...)
	}
	st := NewMemStore(advs)
	types := map[string]string{"Go": "go-module", "PyPI": "pypi", "crates.io": "cargo", "AlmaLinux:9": "rpm"}
	versions := map[string]string{"Go": "v0.1.0", "PyPI": "0.1", "crates.io": "0.1.0", "AlmaLinux:9": "0.1-1.el9"}
	seen := map[string]bool{}
	perEco := map[string]int{}
	var pkgs []report.Package
	for _, a := range advs {
		for _, af := range a.Affected {
			typ, ok := types[af.Ecosystem]
			k := af.Ecosystem + "/" + af.Package
			if !ok || seen[k] || perEco[af.Ecosystem] >= 125 {
				continue
			}
			seen[k] = true
			perEco[af.Ecosystem]++
			pkgs = append(pkgs, report.Package{Name: af.Package, Version: versions[af.Ecosystem], Type: typ, SourceName: af.Package})
		}
	}
	if len(pkgs) < 500 {
		b.Fatalf("only %d packages", len(pkgs))
	}
	os := &report.OS{ID: "almalinux", VersionID: "9.4"}
	ctx := context.Background()
	b.ResetTimer()
	var n int
	for b.Loop() {
		vulns, _, err := Match(ctx, st, os, pkgs)
		if err != nil {
			b.Fatal(err)
		}
		n = len(vulns)
	}
	b.ReportMetric(float64(n), "findings")
}
