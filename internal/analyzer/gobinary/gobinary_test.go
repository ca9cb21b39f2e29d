package gobinary

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/analyzer/analyzertest"
	"github.com/scanfleet/scanfleet/internal/report"
)

// goVersionM is an independent reading of a binary's build info: the go
// command's own `go version -m`. It returns the toolchain version and the
// module path -> version of every dependency, replacements applied.
func goVersionM(t *testing.T, file string) (goVersion string, deps map[string]string) {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go command not on PATH")
	}
	out, err := exec.Command(goCmd, "version", "-m", file).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	deps = map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	first := true
	var last string
	for sc.Scan() {
		line := sc.Text()
		if first {
			// "<file>: go1.21.0"
			_, goVersion, _ = strings.Cut(line, ": ")
			first = false
			continue
		}
		f := strings.Split(strings.TrimPrefix(line, "\t"), "\t")
		switch f[0] {
		case "dep":
			last = f[1]
			deps[f[1]] = f[2]
		case "=>":
			delete(deps, last)
			if len(f) > 2 && f[2] != "" {
				deps[f[1]] = f[2]
			}
		}
	}
	return goVersion, deps
}

func TestFixtureImage(t *testing.T) {
	img := analyzertest.OpenOCIArchive(t, analyzertest.FixtureImage)

	// Extract the executables of the image with an independent walk.
	dir := t.TempDir()
	var binaries []string
	analyzertest.LayerFiles(t, img, func(_ int, hdr *tar.Header, r io.Reader) {
		if hdr.Mode&0o111 == 0 || hdr.Size < 4 {
			return
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x7fELF")) || !bytes.Contains(b, []byte("\xff Go buildinf:")) {
			return
		}
		dst := filepath.Join(dir, filepath.Base(hdr.Name))
		if err := os.WriteFile(dst, b, 0o755); err != nil {
			t.Fatal(err)
		}
		binaries = append(binaries, strings.TrimPrefix(hdr.Name, "./"))
	})
	if len(binaries) != 1 {
		t.Fatalf("fixture has %d Go binaries (%v), want 1", len(binaries), binaries)
	}
	goVer, deps := goVersionM(t, filepath.Join(dir, filepath.Base(binaries[0])))

	var got []report.Package
	for i, a := range analyzertest.WalkLayers(t, img, New()) {
		for _, f := range a.Files {
			if f.Err != "" {
				t.Errorf("layer %d: %s: %s", i, f.Path, f.Err)
			}
			if f.Result != nil {
				got = append(got, f.Result.Packages...)
			}
		}
	}
	want := map[string]string{StdlibName: strings.TrimPrefix(goVer, "go")}
	for p, v := range deps {
		want[p] = v
	}
	gotMap := map[string]string{}
	for _, p := range got {
		gotMap[p.Name] = p.Version
		if p.Type != report.TypeGoModule || p.Path != binaries[0] || !strings.HasPrefix(p.PURL, "pkg:golang/") {
			t.Errorf("bad package %+v (binary %s)", p, binaries[0])
		}
	}
	if !reflect.DeepEqual(gotMap, want) {
		t.Errorf("packages = %v, want (from go version -m) %v", gotMap, want)
	}
	// What the fixture is documented to hold.
	for name, v := range map[string]string{
		StdlibName: "1.21.0", "golang.org/x/net": "v0.7.0",
		"golang.org/x/text": "v0.7.0", "gopkg.in/yaml.v2": "v2.2.7",
	} {
		if gotMap[name] != v {
			t.Errorf("%s = %q, want %q", name, gotMap[name], v)
		}
	}
}

func TestPackages(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want []string // name@version
	}{
		{
			name: "devel main, plain deps",
			bi: debug.BuildInfo{GoVersion: "go1.21.0", Main: debug.Module{Path: "example.com/app", Version: "(devel)"},
				Deps: []*debug.Module{{Path: "golang.org/x/net", Version: "v0.7.0"}}},
			want: []string{"stdlib@1.21.0", "golang.org/x/net@v0.7.0"},
		},
		{
			name: "versioned main (go install m@v)",
			bi:   debug.BuildInfo{GoVersion: "go1.22.3", Main: debug.Module{Path: "golang.org/x/tools/gopls", Version: "v0.15.3"}},
			want: []string{"stdlib@1.22.3", "golang.org/x/tools/gopls@v0.15.3"},
		},
		{
			name: "module replace uses the replacement",
			bi: debug.BuildInfo{GoVersion: "go1.20", Deps: []*debug.Module{
				{Path: "github.com/a/b", Version: "v1.0.0", Replace: &debug.Module{Path: "github.com/fork/b", Version: "v1.0.1-fork"}},
			}},
			want: []string{"stdlib@1.20.0", "github.com/fork/b@v1.0.1-fork"},
		},
		{
			name: "local directory replace is dropped",
			bi: debug.BuildInfo{GoVersion: "go1.21rc2", Deps: []*debug.Module{
				{Path: "github.com/a/b", Version: "v1.0.0", Replace: &debug.Module{Path: "../b"}},
				{Path: "github.com/c/d", Version: "v0.0.0-20230101000000-abcdefabcdef"},
			}},
			want: []string{"stdlib@1.21rc2", "github.com/c/d@v0.0.0-20230101000000-abcdefabcdef"},
		},
		{
			name: "devel toolchain has no stdlib version",
			bi:   debug.BuildInfo{GoVersion: "devel go1.23-abcdef Tue"},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, p := range Packages(&tt.bi) {
				got = append(got, p.Name+"@"+p.Version)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestToolchainVersion(t *testing.T) {
	for in, want := range map[string]string{
		"go1.21.0":                "1.21.0",
		"go1.20":                  "1.20.0",
		"go1.22.1 X:boringcrypto": "1.22.1",
		"go1.21rc2":               "1.21rc2",
		"go1.9beta1":              "1.9beta1",
		"devel go1.23-abc":        "",
		"go1.24.0-devel_0123":     "",
		"":                        "",
		"go1.21.0\tX:nocoverage":  "1.21.0",
	} {
		if got := ToolchainVersion(in); got != want {
			t.Errorf("ToolchainVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNotGo(t *testing.T) {
	a := New()
	// The test binary itself is a Go ELF on Linux; a C-like ELF is faked by
	// an ELF header without the build info blob.
	tests := []struct {
		name    string
		content []byte
		wantErr bool
	}{
		{"elf without go build info", append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 100)...), false},
		{"script", []byte("#!/bin/sh\necho hi\n"), false},
		{"truncated go binary", append([]byte("\x7fELF\x02\x01\x01"), []byte("\xff Go buildinf:")...), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := a.Analyze(context.Background(), "usr/bin/x", tt.content)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if res != nil {
				t.Errorf("got result %+v", res)
			}
		})
	}
}

func TestTestBinary(t *testing.T) {
	// The running test binary is a real Go executable built by this
	// toolchain: its stdlib version must be the one debug.ReadBuildInfo
	// reports for the process.
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil {
		t.Skip(err)
	}
	if !bytes.HasPrefix(b, elfMagic) {
		t.Skip("not an ELF platform")
	}
	res, err := New().Analyze(context.Background(), "x", b)
	if err != nil {
		t.Fatal(err)
	}
	bi, _ := debug.ReadBuildInfo()
	var names []string
	for _, p := range res.Packages {
		names = append(names, p.Name)
		if p.Name == StdlibName && p.Version != ToolchainVersion(bi.GoVersion) {
			t.Errorf("stdlib %s, want %s", p.Version, ToolchainVersion(bi.GoVersion))
		}
	}
	sort.Strings(names)
	if i := sort.SearchStrings(names, StdlibName); i == len(names) || names[i] != StdlibName {
		t.Errorf("no stdlib in %v", names)
	}
}

func FuzzAnalyze(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x00\xff Go buildinf:\x08\x02"))
	f.Add(append([]byte("\x7fELF\x02\x01\x01"), make([]byte, 60)...))
	if exe, err := os.Executable(); err == nil {
		if b, err := os.ReadFile(exe); err == nil && len(b) > 4096 {
			f.Add(b[:4096])
		}
	}
	a := New()
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = a.Analyze(context.Background(), "x", b)
	})
}

// The streaming reader finds the same build information as debug/buildinfo
// on the whole file: on this test binary (which imports debug/buildinfo, so
// its read-only data also holds the magic string as a decoy) and on the
// fixture's go1.21 binary (through TestFixtureImage, which walks layers).
func TestStreamMatchesWholeFile(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	b, err := os.ReadFile(exe)
	if err != nil || !bytes.HasPrefix(b, elfMagic) {
		t.Skip("no ELF test binary")
	}
	whole, err := New().Analyze(context.Background(), "x", b)
	if err != nil {
		t.Fatal(err)
	}
	for _, chunked := range []bool{false, true} {
		var r io.Reader = bytes.NewReader(b)
		if chunked {
			// One byte at a time: the magic straddles every boundary.
			r = iotest.OneByteReader(bytes.NewReader(b))
		}
		got, err := New().(analyzer.StreamAnalyzer).AnalyzeStream(context.Background(), "x", r, int64(len(b)))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, whole) {
			t.Fatalf("chunked=%v: stream %+v, whole file %+v", chunked, got, whole)
		}
	}
	// Random access (a file the walker spooled) finds the same.
	got, err := New().(analyzer.ReaderAtAnalyzer).AnalyzeReaderAt(context.Background(), "x", bytes.NewReader(b), int64(len(b)))
	if err != nil || !reflect.DeepEqual(got, whole) {
		t.Fatalf("reader at: %+v, %v; whole file %+v", got, err, whole)
	}
	// A non-Go ELF file, and a truncated Go binary, give nothing and no panic.
	nonGo := append([]byte("\x7fELF"), make([]byte, 4096)...)
	if res, err := New().(analyzer.StreamAnalyzer).AnalyzeStream(context.Background(), "x", bytes.NewReader(nonGo), 4100); res != nil || err != nil {
		t.Fatalf("non-Go ELF: %+v, %v", res, err)
	}
	if res, err := New().(analyzer.ReaderAtAnalyzer).AnalyzeReaderAt(context.Background(), "x", bytes.NewReader(nonGo), 4100); res != nil || err != nil {
		t.Fatalf("non-Go ELF through reader at: %+v, %v", res, err)
	}
	i := bytes.Index(b, buildInfoMagic)
	_, _ = New().(analyzer.StreamAnalyzer).AnalyzeStream(context.Background(), "x", bytes.NewReader(b[:i+20]), int64(i+20))
}

// countingReaderAt counts the bytes read through it.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	m, err := c.r.ReadAt(p, off)
	c.n += int64(m)
	return m, err
}

// With random access (a host's files), an executable costs its headers and
// the build-info section, not its whole size, and the result is the whole
// file's. On the old code AnalyzeReaderAt read every byte.
func TestReaderAtReadsLittle(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Skip(err)
	}
	tests := []struct {
		name, file string
		goBinary   bool
	}{
		{"Go test binary", self, true},
		{"C program", "/bin/ls", false},
		{"C library", "/lib/x86_64-linux-gnu/libc.so.6", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := os.ReadFile(tt.file)
			if err != nil || !bytes.HasPrefix(b, elfMagic) {
				t.Skipf("%s: no ELF file here", tt.file)
			}
			whole, err := New().Analyze(context.Background(), tt.file, b)
			if err != nil {
				t.Fatal(err)
			}
			if (whole != nil) != tt.goBinary {
				t.Fatalf("whole-file reading found %+v", whole)
			}
			cr := &countingReaderAt{r: bytes.NewReader(b)}
			got, err := New().(analyzer.ReaderAtAnalyzer).AnalyzeReaderAt(context.Background(), tt.file, cr, int64(len(b)))
			if err != nil || !reflect.DeepEqual(got, whole) {
				t.Fatalf("reader at: %+v, %v; whole file %+v", got, err, whole)
			}
			if limit := min(int64(len(b))/4, 256<<10); cr.n > limit {
				t.Errorf("read %d of %d bytes, want at most %d", cr.n, len(b), limit)
			}
			t.Logf("read %d of %d bytes", cr.n, len(b))
		})
	}
}
