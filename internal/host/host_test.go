package host

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/inventory"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func merge(a *layer.Analysis) *inventory.Inventory {
	return inventory.Merge([]*layer.Analysis{a}, []report.Layer{{Digest: LayerDigest}}, all.OSPriority)
}

// installedStanzas counts the dpkg status stanzas whose Status is
// "install ok installed", read independently of the dpkg analyzer.
func installedStanzas(t *testing.T, r io.Reader) int {
	t.Helper()
	n := 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<20)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "Status: install ok installed" {
			n++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}

func countType(pkgs []report.Package, typ string) int {
	n := 0
	for _, p := range pkgs {
		if p.Type == typ {
			n++
		}
	}
	return n
}

// TestLiveRoot scans this machine's own root filesystem.
func TestLiveRoot(t *testing.T) {
	f, err := os.Open("/var/lib/dpkg/status")
	if err != nil {
		t.Skipf("not a dpkg system: %v", err)
	}
	want := installedStanzas(t, f)
	f.Close()
	osRelease, err := os.ReadFile("/etc/os-release")
	if err != nil {
		t.Skip(err)
	}
	wantVersion := ""
	for line := range strings.Lines(string(osRelease)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "VERSION_ID="); ok {
			wantVersion = strings.Trim(v, `"`)
		}
	}

	var mu sync.Mutex
	var pseudo []string
	visited := 0
	opts := Options{
		// Large trees of no interest here (sources, caches, toolchains)
		// keep the test fast; what is left is still a real system walk.
		SkipDirs: []string{"/work", "/root", "/home", "/tmp", "/mnt", "/usr/local", "/opt", "/var/lib/docker", "/var/cache", "/usr/share/doc"},
		onVisit: func(rel string) {
			mu.Lock()
			defer mu.Unlock()
			visited++
			for _, p := range []string{"proc/", "sys/", "dev/"} {
				if strings.HasPrefix(rel, p) {
					pseudo = append(pseudo, rel)
				}
			}
		},
		Warn: func(msg string) { t.Log("warning:", msg) },
	}
	a, err := Analyze(context.Background(), "/", opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(pseudo) > 0 {
		t.Errorf("walked %d paths under pseudo filesystems, e.g. %v", len(pseudo), pseudo[:min(5, len(pseudo))])
	}
	if visited != a.Entries || visited == 0 {
		t.Errorf("visited %d entries, analysis says %d", visited, a.Entries)
	}
	inv := merge(a)
	if got := countType(inv.Packages, report.TypeDeb); got != want {
		t.Errorf("dpkg packages: got %d, want %d (stanzas with Status: install ok installed)", got, want)
	}
	if inv.OS == nil || inv.OS.ID != "debian" || inv.OS.VersionID != wantVersion {
		t.Errorf("OS = %+v, want debian %s", inv.OS, wantVersion)
	}
}

// extract unpacks a root filesystem tarball into dir through an os.Root,
// so no entry can write outside dir. Device nodes are skipped (creating
// them needs privileges, and no analyzer reads them).
func extract(t testing.TB, tarball, dir string) {
	t.Helper()
	r, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	type dirMode struct {
		name string
		mode fs.FileMode
	}
	var dirs []dirMode
	testutil.WalkTarGz(t, tarball, func(name string, hdr *tar.Header, rd io.Reader) bool {
		if name == "" {
			return true
		}
		mode := fs.FileMode(hdr.Mode) & fs.ModePerm
		var err error
		switch hdr.Typeflag {
		case tar.TypeDir:
			err = r.MkdirAll(name, 0o755)
			dirs = append(dirs, dirMode{name, mode})
		case tar.TypeReg:
			var f *os.File
			if f, err = r.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600); err == nil {
				_, err = io.Copy(f, rd)
				if cerr := f.Close(); err == nil {
					err = cerr
				}
				if err == nil {
					err = r.Chmod(name, mode)
				}
			}
		case tar.TypeSymlink:
			err = r.Symlink(hdr.Linkname, name)
		case tar.TypeLink:
			err = r.Link(strings.TrimPrefix(filepath.Clean("/"+hdr.Linkname), "/"), name)
		}
		if err != nil {
			t.Fatalf("extracting %s: %v", name, err)
		}
		return true
	})
	// Directory modes last: a read-only directory would refuse its files.
	for _, d := range dirs {
		if err := r.Chmod(d.name, d.mode|0o700); err != nil {
			t.Fatal(err)
		}
	}
}

func minbase(t testing.TB) string {
	return testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz")
}

type pkgKey struct {
	Type, Name, Version, Arch, SourceName, SourceVersion, Path, OwnedBy string
}

func keys(pkgs []report.Package) []pkgKey {
	out := make([]pkgKey, len(pkgs))
	for i, p := range pkgs {
		out[i] = pkgKey{p.Type, p.Name, p.Version, p.Arch, p.SourceName, p.SourceVersion, p.Path, p.OwnedBy}
	}
	sort.Slice(out, func(i, j int) bool {
		return strings.Join([]string{out[i].Type, out[i].Name, out[i].Version, out[i].Path}, "\x00") <
			strings.Join([]string{out[j].Type, out[j].Name, out[j].Version, out[j].Path}, "\x00")
	})
	return out
}

// TestExtractedTreeEqualsImage checks that a host scan of a root tree and
// an image scan of the same tree as a layer agree on everything but layer
// attribution.
func TestExtractedTreeEqualsImage(t *testing.T) {
	tarball := minbase(t)
	dir := t.TempDir()
	extract(t, tarball, dir)

	var warnings []string
	a, err := Analyze(context.Background(), dir, Options{Warn: func(m string) { warnings = append(warnings, m) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) > 0 {
		t.Errorf("warnings on a plain tree: %q", warnings)
	}
	hostInv := merge(a)

	l, err := imagebuild.FromFile(tarball)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l, CreatedBy: "debootstrap"})
	if err != nil {
		t.Fatal(err)
	}
	s := &scan.Scanner{Analyzers: all.Analyzers(), OSPriority: all.OSPriority}
	rep, err := s.Scan(context.Background(), scan.Target{Image: img, Reference: "minbase"}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}

	var status bytes.Buffer
	testutil.WalkTarGz(t, tarball, func(name string, _ *tar.Header, r io.Reader) bool {
		if name == "var/lib/dpkg/status" {
			_, _ = io.Copy(&status, r)
			return false
		}
		return true
	})
	if want, got := installedStanzas(t, &status), countType(hostInv.Packages, report.TypeDeb); got != want || want == 0 {
		t.Errorf("host scan found %d dpkg packages, the status file lists %d installed", got, want)
	}
	if hostInv.OS == nil || rep.OS == nil || !sameOS(hostInv.OS, rep.OS) {
		t.Errorf("OS: host %+v, image %+v", hostInv.OS, rep.OS)
	}
	hk, ik := keys(hostInv.Packages), keys(rep.Packages)
	t.Logf("host scan: %d packages, %d entries; image scan: %d packages", len(hk), a.Entries, len(ik))
	if len(hk) != len(ik) {
		t.Errorf("host scan: %d packages, image scan: %d", len(hk), len(ik))
	}
	for i := range min(len(hk), len(ik)) {
		if hk[i] != ik[i] {
			t.Errorf("package %d: host %+v, image %+v", i, hk[i], ik[i])
			break
		}
	}
	for _, p := range hostInv.Packages {
		if p.Layer != LayerDigest {
			t.Errorf("%s attributed to layer %q, want %q", p.Name, p.Layer, LayerDigest)
			break
		}
	}
	t.Run("Scan", func(t *testing.T) { testScanAndInfo(t, dir) })
}

func sameOS(a, b *report.OS) bool {
	return a.ID == b.ID && a.VersionID == b.VersionID && a.VersionCodename == b.VersionCodename &&
		a.PrettyName == b.PrettyName && strings.Join(a.IDLike, " ") == strings.Join(b.IDLike, " ")
}

// hostile builds a root with what a live filesystem may hold and a layer
// never does.
func hostile(t *testing.T) string {
	dir := t.TempDir()
	mk := func(rel string) string {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(rel, content string) {
		if err := os.WriteFile(filepath.Join(dir, rel), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, rel string) {
		if err := os.Symlink(target, filepath.Join(dir, rel)); err != nil {
			t.Fatal(err)
		}
	}
	mk("etc")
	mk("loop/a")
	link("..", "loop/a/up")      // a directory loop through a symlink
	link("self", "loop/self")    // a symlink to itself
	link("/etc/passwd", "etc/x") // outside the root
	mk("var/lib/dpkg")
	// A wanted path that is a symlink to the scanner's own package
	// database: it must not be read, whatever it points at.
	link("/var/lib/dpkg/status", "var/lib/dpkg/status")
	// A wanted path that is a FIFO: opening it for reading would block.
	if err := syscall.Mkfifo(filepath.Join(dir, "etc/os-release"), 0o644); err != nil {
		t.Fatal(err)
	}
	// A deep chain, with a wanted file at its bottom.
	deep := "deep"
	for i := 0; i < DefaultMaxDepth+6; i++ {
		deep += "/d"
	}
	mk(deep)
	write(deep+"/package.json", `{"name":"deep","version":"1.0.0"}`)
	// A real package at a normal depth, to show the rest is scanned.
	mk("app/node_modules/left-pad")
	write("app/node_modules/left-pad/package.json", `{"name":"left-pad","version":"1.3.0"}`)
	// An unreadable directory holding a wanted file.
	mk("secret/node_modules/hidden")
	write("secret/node_modules/hidden/package.json", `{"name":"hidden","version":"2.0.0"}`)
	if err := os.Chmod(filepath.Join(dir, "secret"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.Chmod(filepath.Join(dir, "secret"), 0o755) })
	// The scan may run as an unprivileged file system user (see
	// asUnprivileged): let it reach the tree.
	for d := dir; d != filepath.Dir(d) && strings.HasPrefix(d, os.TempDir()+"/"); d = filepath.Dir(d) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// asUnprivileged runs fn on a thread whose file system user is nobody, so
// that permission checks apply even when the tests run as root (changing
// fsuid from 0 drops CAP_DAC_OVERRIDE for that thread only). The thread is
// discarded afterwards: it is never unlocked. It reports whether
// permissions were enforced on fn's thread, probed with the unreadable
// directory probe.
func asUnprivileged(probe string, fn func()) (enforced bool) {
	done := make(chan bool)
	go func() {
		runtime.LockOSThread()
		if os.Geteuid() == 0 {
			_ = syscall.Setfsuid(65534)
		}
		_, err := os.ReadDir(probe)
		fn()
		done <- err != nil
	}()
	return <-done
}

// TestHostileTree walks a tree of traps (symlinks out and in loops, a FIFO
// at a wanted path, an unreadable directory, a chain deeper than the
// limit), with directories resolved by openat2 and, as on kernels without
// it, one component at a time.
func TestHostileTree(t *testing.T) {
	for _, tc := range []struct {
		name      string
		noOpenat2 bool
	}{{"openat2", false}, {"per component", true}} {
		t.Run(tc.name, func(t *testing.T) {
			dir := hostile(t)
			var warnings []string
			var read []string
			opts := Options{
				Warn:      func(m string) { warnings = append(warnings, m) },
				onRead:    func(rel string) { read = append(read, rel) },
				noOpenat2: tc.noOpenat2,
				// The walk's workers are goroutines of their own: each drops
				// privileges as asUnprivileged does (and its thread is discarded).
				onWorker: func() {
					runtime.LockOSThread()
					if os.Geteuid() == 0 {
						_ = syscall.Setfsuid(65534)
					}
				},
			}
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			var a *layer.Analysis
			var err error
			enforced := asUnprivileged(filepath.Join(dir, "secret"), func() { a, err = Analyze(ctx, dir, opts) })
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("permissions enforced: %v; warnings: %q", enforced, warnings)
			inv := merge(a)
			var names []string
			for _, p := range inv.Packages {
				names = append(names, p.Type+":"+p.Name)
			}
			if strings.Join(names, ",") != "npm:left-pad" {
				t.Errorf("packages = %v, want only npm:left-pad", names)
			}
			for _, r := range read {
				if r == "etc/os-release" || r == "var/lib/dpkg/status" || r == "etc/x" {
					t.Errorf("opened %s, which is not a regular file", r)
				}
			}
			if inv.OS != nil {
				t.Errorf("OS %+v read through a FIFO or symlink", inv.OS)
			}
			wantWarn := []string{"deeper than 64 levels"}
			if enforced {
				wantWarn = append(wantWarn, "/secret not scanned")
			}
			all := strings.Join(warnings, "\n")
			for _, w := range wantWarn {
				if !strings.Contains(all, w) {
					t.Errorf("no warning containing %q in:\n%s", w, all)
				}
			}
		})
	}
}

func TestSkipDirsAndLimits(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"a/node_modules/x", "b/node_modules/y", "c/node_modules/z"} {
		if err := os.MkdirAll(filepath.Join(dir, p), 0o755); err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(p)
		if err := os.WriteFile(filepath.Join(dir, p, "package.json"), []byte(`{"name":"`+name+`","version":"1.0.0"}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name     string
		opts     Options
		want     string
		wantWarn string
	}{
		{"all", Options{}, "x,y,z", ""},
		{"absolute glob", Options{SkipDirs: []string{"/a"}}, "y,z", ""},
		{"relative glob", Options{SkipDirs: []string{"b/node_*"}}, "x,z", ""},
		{"wildcard", Options{SkipDirs: []string{"/*/node_modules/[xy]"}}, "z", ""},
		{"depth", Options{MaxDepth: 3}, "", "deeper than 3 levels"},
		{"files", Options{MaxFiles: 2}, "", "stopped after 2 entries"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var warnings []string
			tt.opts.Warn = func(m string) { warnings = append(warnings, m) }
			a, err := Analyze(context.Background(), dir, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, p := range merge(a).Packages {
				names = append(names, p.Name)
			}
			if got := strings.Join(names, ","); got != tt.want {
				t.Errorf("packages %q, want %q", got, tt.want)
			}
			if tt.wantWarn != "" && !strings.Contains(strings.Join(warnings, "\n"), tt.wantWarn) {
				t.Errorf("warnings %q lack %q", warnings, tt.wantWarn)
			}
		})
	}
	if _, err := Analyze(context.Background(), dir, Options{SkipDirs: []string{"["}}); err == nil {
		t.Error("bad glob accepted")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Analyze(ctx, dir, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled walk: err = %v", err)
	}
	if _, err := Analyze(context.Background(), filepath.Join(dir, "missing"), Options{}); err == nil {
		t.Error("missing root accepted")
	}
}

// TestProcessExecutable runs a freshly built Go program and expects the
// process scan to report its modules with its PID.
func TestProcessExecutable(t *testing.T) {
	if _, err := os.Readlink("/proc/self/exe"); err != nil {
		t.Skipf("no /proc: %v", err)
	}
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte("package main\n\nimport \"time\"\n\nfunc main() { time.Sleep(time.Minute) }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "sleeper")
	build := exec.Command(gobin, "build", "-o", bin, src)
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GO111MODULE=off")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	pid := strconv.Itoa(cmd.Process.Pid)
	// Wait until the child has exec'd (its exe is the sleeper).
	for i := 0; ; i++ {
		if exe, _ := os.Readlink("/proc/" + pid + "/exe"); exe == bin {
			break
		}
		if i > 500 {
			t.Fatal("child never ran the sleeper")
		}
		time.Sleep(10 * time.Millisecond)
	}

	r, err := os.OpenRoot("/")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	pkgs, err := processPackages(context.Background(), r, "/proc", nil, func(string) string { return "" }, nil, func(m string) { t.Log(m) })
	if err != nil {
		t.Fatal(err)
	}
	rel := strings.TrimPrefix(bin, "/")
	var found []report.Package
	for _, p := range pkgs {
		if p.Path == rel {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no package from %s among %d process packages", bin, len(pkgs))
	}
	for _, p := range found {
		if len(p.Processes) != 1 || p.Processes[0] != pid+" "+bin {
			t.Errorf("%s: processes %q, want [%q]", p.Name, p.Processes, pid+" "+bin)
		}
	}
	if found[0].Name != "stdlib" || found[0].Version != strings.TrimPrefix(runtime.Version(), "go") {
		t.Errorf("package %s %s, want stdlib %s", found[0].Name, found[0].Version, runtime.Version())
	}

	// Owned by an OS package and on disk: left to that package.
	pkgs, err = processPackages(context.Background(), r, "/proc", nil, func(p string) string {
		if p == rel {
			return "deb:sleeper"
		}
		return ""
	}, nil, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pkgs {
		if p.Path == rel {
			t.Errorf("owned executable reported: %+v", p)
		}
	}
	// Found by the walk: annotated, not duplicated.
	walked := []report.Package{{Name: "stdlib", Version: "1", Type: "go-module", Path: rel}}
	pkgs, err = processPackages(context.Background(), r, "/proc", walked, func(string) string { return "" }, map[string]bool{rel: true}, func(string) {})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range pkgs {
		if p.Path == rel {
			n++
			if len(p.Processes) != 1 {
				t.Errorf("walked package processes %q", p.Processes)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d packages for %s, want the walked one alone", n, rel)
	}
}

func TestJarArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"java", "-jar", "/opt/app.jar"}, "/opt/app.jar"},
		{[]string{"/usr/bin/java", "-Xmx1g", "-cp", "lib/a.jar:lib/*:classes:b.WAR", "Main"}, "lib/a.jar,b.WAR"},
		{[]string{"java", "-jar"}, ""},
		{[]string{"python3", "-jar", "x.jar"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := strings.Join(jarArgs(tt.args), ","); got != tt.want {
			t.Errorf("jarArgs(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}

func TestRunningKernel(t *testing.T) {
	debian := &report.OS{ID: "debian", VersionID: "12"}
	tests := []struct {
		name    string
		version string
		os      *report.OS
		pkgs    []report.Package
		want    string // version of the added package, "" for none
		why     string
	}{
		{"debian", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n", debian, nil, "6.1.76-1", ""},
		{"already installed", "Linux version 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 (2024-02-01)\n", debian,
			[]report.Package{{Type: "deb", Name: "linux-image-6.1.0-18-amd64", Version: "6.1.76-1"}}, "", ""},
		{"upgraded, not rebooted", "Linux version 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1 (2024-02-01)\n", debian,
			[]report.Package{{Type: "deb", Name: "linux-image-6.1.0-18-amd64", Version: "6.1.90-1"}}, "6.1.76-1", ""},
		{"custom kernel", "Linux version 6.1.0-18-amd64 (builder@host) #1 SMP\n", debian, nil, "", "not a Debian kernel"},
		{"alpine", "Linux version 6.1.0-18-amd64 #1 SMP Debian 6.1.76-1\n", &report.OS{ID: "alpine"}, nil, "", "only Debian"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proc := t.TempDir()
			if err := os.WriteFile(filepath.Join(proc, "version"), []byte(tt.version), 0o644); err != nil {
				t.Fatal(err)
			}
			p, why := runningKernel(proc, "6.1.0-18-amd64", tt.os, tt.pkgs)
			switch {
			case tt.want == "" && p != nil:
				t.Errorf("added %+v", p)
			case tt.want != "" && p == nil:
				t.Errorf("nothing added (%s)", why)
			case p != nil && (p.Version != tt.want || p.SourceVersion != tt.want || p.SourceName != "linux" || p.Name != "linux-image-6.1.0-18-amd64" || p.Type != report.TypeDeb):
				t.Errorf("added %+v, want linux-image-6.1.0-18-amd64 %s from source linux", p, tt.want)
			}
			if !strings.Contains(why, tt.why) || (tt.why == "" && why != "") {
				t.Errorf("why = %q, want %q", why, tt.why)
			}
		})
	}
}

// testScanAndInfo runs on the tree TestExtractedTreeEqualsImage extracted
// (extraction is most of the cost).
func testScanAndInfo(t *testing.T, dir string) {
	if err := os.WriteFile(filepath.Join(dir, "etc/hostname"), []byte("minbase\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// Kernel asked for explicitly: an unpacked tree runs no kernel, so
	// neither the host's kernel field nor a kernel package may come from
	// this machine's /proc (#21).
	rep, err := Scan(context.Background(), dir, ScanOptions{Kernel: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Host == nil || rep.Host.Hostname != "minbase" || rep.Host.Root != dir || rep.Host.Kernel != "" {
		t.Errorf("host = %+v, want no kernel for an unpacked tree", rep.Host)
	}
	for _, p := range rep.Packages {
		if p.Path == "proc/version" {
			t.Errorf("running kernel reported for an unpacked tree: %+v", p)
		}
	}
	if !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, "running kernel not reported") }) {
		t.Errorf("no warning that the kernel was skipped: %q", rep.Warnings)
	}
	if rep.Image != nil || rep.OS == nil || rep.OS.ID != "debian" || len(rep.Packages) == 0 {
		t.Errorf("report: image %v, os %v, %d packages", rep.Image, rep.OS, len(rep.Packages))
	}
	h, err := Info("/")
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := os.Hostname(); h.Hostname == "" || (h.Hostname != want && !fileExists("/etc/hostname")) {
		t.Errorf("Info(/) hostname %q", h.Hostname)
	}
	var u syscall.Utsname
	if err := syscall.Uname(&u); err == nil {
		var b []byte
		for _, c := range u.Release {
			if c == 0 {
				break
			}
			b = append(b, byte(c))
		}
		if h.Kernel != string(b) {
			t.Errorf("kernel %q, uname says %q", h.Kernel, b)
		}
	}
	if !IsLive("/") || !IsLive("/proc/1/root") || IsLive(dir) {
		t.Error("IsLive")
	}
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

func BenchmarkAnalyzeMinbase(b *testing.B) {
	dir := b.TempDir()
	extract(b, minbase(b), dir)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Analyze(context.Background(), dir, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
