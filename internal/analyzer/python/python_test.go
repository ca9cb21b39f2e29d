package python

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

const pipMetadata = `Metadata-Version: 2.1
Name: pip
Version: 24.2
Summary: The PyPA recommended tool for installing Python packages.
Author-email: The pip developers <distutils-sig@python.org>
License: MIT
Project-URL: Homepage, https://pip.pypa.io/
Classifier: Development Status :: 5 - Production/Stable
Classifier: Programming Language :: Python :: 3 :: Only
Requires-Python: >=3.8
Description-Content-Type: text/x-rst
License-File: LICENSE.txt

pip - The Python Package Installer
==================================

Name: not-this
Version: 0.0
`

// An old distutils PKG-INFO, with a folded Description header.
const oldPKGINFO = `Metadata-Version: 1.1
Name: Twisted_Web
Version: 1.0.post1
Summary: x
Description: first line
        Version: 9.9 (continuation, not a header)
        more
Platform: UNKNOWN
`

func TestParseMetadata(t *testing.T) {
	tests := []struct {
		name, in          string
		wantName, wantVer string
		wantPURL          string
		wantErr           bool
	}{
		{"wheel METADATA", pipMetadata, "pip", "24.2", "pkg:pypi/pip@24.2", false},
		{"folded PKG-INFO", oldPKGINFO, "Twisted_Web", "1.0.post1", "pkg:pypi/twisted-web@1.0.post1", false},
		{"CRLF, no trailing blank line", "Name: PyYAML\r\nVersion: 6.0\r\n", "PyYAML", "6.0", "pkg:pypi/pyyaml@6.0", false},
		{"malformed line after name and version", "Name: a\nVersion: 1\nbogus line\n", "a", "1", "pkg:pypi/a@1", false},
		{"malformed line before version", "Name: a\nbogus\nVersion: 1\n", "", "", "", true},
		{"no version", "Metadata-Version: 2.1\nName: a\n\n", "", "", "", true},
		{"empty", "", "", "", "", true},
		{"body only", "\nName: a\nVersion: 1\n", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseMetadata([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil {
				if !errors.Is(err, ErrMalformed) {
					t.Errorf("%v does not wrap ErrMalformed", err)
				}
				return
			}
			if p.Name != tt.wantName || p.Version != tt.wantVer || p.PURL != tt.wantPURL || p.Type != report.TypePyPI {
				t.Errorf("got %+v, want %s %s %s", p, tt.wantName, tt.wantVer, tt.wantPURL)
			}
		})
	}
}

func TestWants(t *testing.T) {
	a := New()
	for p, want := range map[string]bool{
		"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA":           true,
		"usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO":           true,
		"usr/lib/python3/dist-packages/perf-0.1.egg-info":                       true,
		"usr/lib/python3.11/site-packages/foo-1.0-py3.11.egg/EGG-INFO/PKG-INFO": true,
		"usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/RECORD":             false,
		"usr/lib/python3/dist-packages/x/METADATA":                              false,
		"src/PKG-INFO": false,
		".egg-info":    false,
	} {
		if got := a.Wants(p, 0o644, 1); got != want {
			t.Errorf("Wants(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestWalkTree builds a layer holding a realistic site-packages tree and
// walks it as a scan does.
func TestWalkTree(t *testing.T) {
	files := map[string]string{
		"usr/local/lib/python3.12/site-packages/pip-24.2.dist-info/METADATA": pipMetadata,
		"usr/local/lib/python3.12/site-packages/pip-24.2.dist-info/RECORD":   "pip/__init__.py,,\n",
		"usr/lib/python3/dist-packages/Twisted_Web-1.0.post1.egg-info":       oldPKGINFO,
		"usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO":        "Metadata-Version: 2.1\nName: PyJWT\nVersion: 2.6.0\n",
		"usr/lib/python3/dist-packages/broken-1.0.dist-info/METADATA":        "Name: broken\n",
		"usr/lib/python3/dist-packages/jwt/__init__.py":                      "",
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for name, body := range files {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	tw.Close()
	a, err := (&layer.Walker{Analyzers: []analyzer.Analyzer{New()}}).Analyze(context.Background(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	var errs []string
	for _, f := range a.Files {
		if f.Err != "" {
			errs = append(errs, f.Path)
		}
		if f.Result != nil {
			for _, p := range f.Result.Packages {
				got[p.Path] = p.Name + "@" + p.Version
			}
		}
	}
	want := map[string]string{
		"usr/local/lib/python3.12/site-packages/pip-24.2.dist-info/METADATA": "pip@24.2",
		"usr/lib/python3/dist-packages/Twisted_Web-1.0.post1.egg-info":       "Twisted_Web@1.0.post1",
		"usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO":        "PyJWT@2.6.0",
	}
	if len(got) != len(want) {
		t.Errorf("got %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %q, want %q", k, got[k], v)
		}
	}
	if len(errs) != 1 || !strings.Contains(errs[0], "broken") {
		t.Errorf("errors on %v, want on the broken dist-info only", errs)
	}
}

// TestDebianMinbase checks the analyzer against the Debian root
// filesystem: an independent walk counts its metadata files (a minbase
// system ships no Python at all, so both must agree on zero).
func TestDebianMinbase(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz")
	want := 0
	testutil.WalkTarGz(t, rootfs, func(n string, hdr *tar.Header, _ io.Reader) bool {
		if hdr.Typeflag == tar.TypeReg && (strings.HasSuffix(n, ".dist-info/METADATA") || strings.HasSuffix(n, ".egg-info/PKG-INFO") || strings.HasSuffix(n, ".egg-info")) {
			want++
		}
		return true
	})
	f, err := os.Open(rootfs)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := (&layer.Walker{Analyzers: []analyzer.Analyzer{New()}}).Analyze(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Files) != want {
		t.Errorf("analyzer read %d files, independent walk found %d", len(a.Files), want)
	}
}

// TestHostDistPackages reads the Python distributions of this machine's
// Debian python3 packages, when it has any, and compares with a naive
// line-based reading of each metadata file.
func TestHostDistPackages(t *testing.T) {
	const dir = "/usr/lib/python3/dist-packages"
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no %s: %v", dir, err)
	}
	a := New()
	n := 0
	for _, e := range entries {
		var file string
		switch {
		case strings.HasSuffix(e.Name(), ".dist-info"):
			file = filepath.Join(dir, e.Name(), "METADATA")
		case strings.HasSuffix(e.Name(), ".egg-info") && e.IsDir():
			file = filepath.Join(dir, e.Name(), "PKG-INFO")
		case strings.HasSuffix(e.Name(), ".egg-info") && e.Type().IsRegular():
			file = filepath.Join(dir, e.Name())
		default:
			continue
		}
		b, err := os.ReadFile(file)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		var wantName, wantVer string
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() && sc.Text() != "" {
			if v, ok := strings.CutPrefix(sc.Text(), "Name: "); ok && wantName == "" {
				wantName = v
			}
			if v, ok := strings.CutPrefix(sc.Text(), "Version: "); ok && wantVer == "" {
				wantVer = v
			}
		}
		rel := strings.TrimPrefix(file, "/")
		if !a.Wants(rel, 0o644, int64(len(b))) {
			t.Errorf("%s not wanted", rel)
			continue
		}
		res, err := a.Analyze(context.Background(), rel, b)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			continue
		}
		n++
		if p := res.Packages[0]; p.Name != wantName || p.Version != wantVer || p.Path != rel {
			t.Errorf("%s: got %+v, want %s %s", rel, p, wantName, wantVer)
		}
	}
	if n == 0 {
		t.Skip("no Python metadata on this machine")
	}
	t.Logf("%d distributions", n)
}

func FuzzMETADATA(f *testing.F) {
	f.Add([]byte(pipMetadata))
	f.Add([]byte(oldPKGINFO))
	f.Add([]byte("Name: a\r\nVersion: 1\r\n\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParseMetadata(b)
		if err == nil && (p.Name == "" || p.Version == "" || p.PURL == "") {
			t.Fatalf("incomplete package %+v", p)
		}
	})
}
