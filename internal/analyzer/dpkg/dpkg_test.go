package dpkg

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// realStatus streams the Debian rootfs tarball and returns its dpkg status
// file.
func realStatus(t testing.TB) []byte {
	t.Helper()
	return testutil.TarGzFile(t, testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz"), "var/lib/dpkg/status")
}

// simpleReading is a deliberately naive, independent reading of a status
// file: stanzas split on blank lines, fields taken from lines starting with
// "Name: ". It returns, for each stanza whose Status is exactly
// "install ok installed", the package name mapped to its Source line ("" if
// none).
func simpleReading(status string) map[string]string {
	out := make(map[string]string)
	for _, st := range strings.Split(status, "\n\n") {
		var name, source string
		installed := false
		for _, l := range strings.Split(st, "\n") {
			switch {
			case strings.HasPrefix(l, "Package: "):
				name = strings.TrimPrefix(l, "Package: ")
			case strings.HasPrefix(l, "Source: "):
				source = strings.TrimPrefix(l, "Source: ")
			case l == "Status: install ok installed":
				installed = true
			}
		}
		if installed {
			out[name] = source
		}
	}
	return out
}

func TestRealStatus(t *testing.T) {
	content := realStatus(t)
	installedLines := strings.Count(string(content), "\nStatus: install ok installed\n")
	simple := simpleReading(string(content))
	if installedLines == 0 || len(simple) != installedLines {
		t.Fatalf("test data unexpected: %d Status lines, %d stanzas", installedLines, len(simple))
	}

	a := New()
	if !a.Wants(statusPath, 0o644, int64(len(content))) {
		t.Fatal("Wants(status) = false")
	}
	res, err := a.Analyze(context.Background(), statusPath, content)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Packages) != installedLines {
		t.Fatalf("got %d packages, want %d (Status lines)", len(res.Packages), installedLines)
	}
	withSource := 0
	for _, p := range res.Packages {
		src, ok := simple[p.Name]
		if !ok {
			t.Errorf("package %q not in the file", p.Name)
			continue
		}
		if p.Type != report.TypeDeb || p.Path != statusPath || p.Version == "" || p.Arch == "" {
			t.Errorf("incomplete package %+v", p)
		}
		wantName, wantVer := p.Name, p.Version
		if src != "" {
			withSource++
			name, ver, hasVer := strings.Cut(src, " (")
			wantName = name
			if hasVer {
				wantVer = strings.TrimSuffix(ver, ")")
			}
		}
		if p.SourceName != wantName || p.SourceVersion != wantVer {
			t.Errorf("%s: source %s %s, want %s %s", p.Name, p.SourceName, p.SourceVersion, wantName, wantVer)
		}
	}
	if withSource == 0 {
		t.Error("no package with a Source field: the spot checks test nothing")
	}
	if simple["libc6"] != "glibc" {
		t.Fatalf("test data: libc6's Source is %q", simple["libc6"])
	}
	for _, p := range res.Packages {
		if p.Name == "libc6" && p.SourceName != "glibc" {
			t.Errorf("libc6 source = %q, want glibc", p.SourceName)
		}
	}
}

func TestParse(t *testing.T) {
	type pkg struct{ name, version, arch, srcName, srcVersion string }
	tests := []struct {
		name            string
		content         string
		assumeInstalled bool
		want            []pkg
		wantErr         error
	}{
		{
			name: "statuses",
			content: "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: amd64\n\n" +
				"Package: b\nStatus: deinstall ok config-files\nVersion: 2\n\n" +
				"Package: c\nStatus: purge ok not-installed\nVersion: 3\n\n" +
				"Package: d\nStatus: hold ok installed\nVersion: 4\n\n" +
				"Package: e\nStatus: install ok half-installed\nVersion: 5\n\n" +
				"Package: f\nStatus: install ok triggers-pending\nVersion: 6\n\n" +
				"Package: g\nStatus: install ok unpacked\nVersion: 7\n\n" +
				"Package: h\nStatus: garbage\nVersion: 8\n\n" +
				"Package: i\nStatus: install ok half-configured\nVersion: 9\n",
			want: []pkg{{"a", "1", "amd64", "a", "1"}, {"d", "4", "", "d", "4"}, {"e", "5", "", "e", "5"},
				{"f", "6", "", "f", "6"}, {"g", "7", "", "g", "7"}, {"i", "9", "", "i", "9"}},
		},
		{
			name: "source forms, continuation lines, case-insensitive names",
			content: "Package: libc6\nStatus: install ok installed\nSource: glibc\nVersion: 2.36-9\n" +
				"Description: first\n second line\n .\n third: not a field\nConffiles:\n /etc/x 0123\n\n" +
				"package: libfoo1\nstatus: install ok installed\nsource: foo (1:1.0-1)\nversion: 1:1.0-1+b1\narchitecture: arm64\n",
			want: []pkg{{"libc6", "2.36-9", "", "glibc", "2.36-9"}, {"libfoo1", "1:1.0-1+b1", "arm64", "foo", "1:1.0-1"}},
		},
		{
			name:    "whitespace-only separators, CRLF, no trailing newline",
			content: "Package: a\r\nStatus: install ok installed\r\nVersion: 1\r\n \t\nPackage: b\nStatus: install ok installed\nVersion: 2",
			want:    []pkg{{"a", "1", "", "a", "1"}, {"b", "2", "", "b", "2"}},
		},
		{
			name:            "status.d stanzas without Status",
			content:         "Package: base-files\nVersion: 12.4\nArchitecture: amd64\n\nPackage: tzdata\nVersion: 2024a\nStatus: deinstall ok config-files\n",
			assumeInstalled: true,
			want:            []pkg{{"base-files", "12.4", "amd64", "base-files", "12.4"}},
		},
		{
			name:    "no Status and not assumed",
			content: "Package: base-files\nVersion: 12.4\n",
		},
		{
			name:    "missing name or version",
			content: "Status: install ok installed\nVersion: 1\n\nPackage: x\nStatus: install ok installed\n",
		},
		{name: "empty", content: ""},
		{name: "binary", content: "\x00\x01\x02 garbage\xff\n\x7fELF", wantErr: ErrMalformed},
		{name: "html", content: "<html>\n<body>\n", wantErr: ErrMalformed},
		{
			name:    "partial result despite garbage",
			content: "garbage line\nPackage: a\nStatus: install ok installed\nVersion: 1\n",
			want:    []pkg{{"a", "1", "", "a", "1"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(context.Background(), []byte(tc.content), tc.assumeInstalled)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var gotPkgs []pkg
			for _, p := range got {
				if p.Type != report.TypeDeb {
					t.Errorf("type %q", p.Type)
				}
				gotPkgs = append(gotPkgs, pkg{p.Name, p.Version, p.Arch, p.SourceName, p.SourceVersion})
			}
			if !reflect.DeepEqual(gotPkgs, tc.want) {
				t.Errorf("got %+v\nwant %+v", gotPkgs, tc.want)
			}
		})
	}
}

func TestWants(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"var/lib/dpkg/status", true},
		{"var/lib/dpkg/status.d/base-files", true},
		{"var/lib/dpkg/status.d/libc6", true},
		{"var/lib/dpkg/status.d/libc6.md5sums", false},
		{"var/lib/dpkg/status.d/libc6.list", false},
		{"var/lib/dpkg/status.d/", false},
		{"var/lib/dpkg/status.d/sub/x", false},
		{"var/lib/dpkg/status-old", false},
		{"var/lib/dpkg/available", false},
		{"usr/var/lib/dpkg/status", false},
	}
	a := New()
	for _, tc := range tests {
		if got := a.Wants(tc.path, 0o644, 100); got != tc.want {
			t.Errorf("Wants(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestStatusDirAnalyze(t *testing.T) {
	const p = "var/lib/dpkg/status.d/libssl3"
	res, err := New().Analyze(context.Background(), p,
		[]byte("Package: libssl3\nVersion: 3.0.15-1~deb12u1\nArchitecture: amd64\nSource: openssl\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []report.Package{{Name: "libssl3", Version: "3.0.15-1~deb12u1", Type: "deb", Arch: "amd64",
		SourceName: "openssl", SourceVersion: "3.0.15-1~deb12u1", Path: p}}
	if !reflect.DeepEqual(res.Packages, want) {
		t.Errorf("got %+v, want %+v", res.Packages, want)
	}
}

func TestCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Parse(ctx, []byte("Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\n"), false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

// TestHugeDescription checks that a huge multi-line field is skipped
// without being copied: allocations stay independent of its size.
func TestHugeDescription(t *testing.T) {
	var b strings.Builder
	b.WriteString("Package: big\nStatus: install ok installed\nVersion: 1\nDescription: x\n")
	for i := 0; i < 200000; i++ {
		b.WriteString(" lorem ipsum dolor sit amet, consectetur adipiscing elit\n")
	}
	b.WriteString("\nPackage: after\nStatus: install ok installed\nVersion: 2\n")
	content := []byte(b.String())
	var got []report.Package
	allocs := testing.AllocsPerRun(3, func() {
		var err error
		if got, err = Parse(context.Background(), content, false); err != nil {
			t.Fatal(err)
		}
	})
	if len(got) != 2 || got[1].Name != "after" {
		t.Fatalf("got %+v", got)
	}
	if allocs > 20 {
		t.Errorf("%v allocations for a two-package file: the description is being copied", allocs)
	}
}

func BenchmarkParseRealStatus(b *testing.B) {
	content := realStatus(b)
	b.SetBytes(int64(len(content)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(context.Background(), content, false); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzDpkgStatus(f *testing.F) {
	f.Add([]byte("Package: a\nStatus: install ok installed\nSource: s (1)\nVersion: 1\n"), false)
	f.Add([]byte("Package: a\nVersion: 1\n"), true)
	// The real database; the target skips when the shared data is absent.
	f.Add(realStatus(f), false)
	f.Fuzz(func(t *testing.T, content []byte, assume bool) {
		pkgs, err := Parse(context.Background(), content, assume)
		if err != nil && len(pkgs) != 0 {
			t.Fatalf("error %v with %d packages", err, len(pkgs))
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" || p.SourceVersion == "" {
				t.Fatalf("incomplete package %+v", p)
			}
			if strings.ContainsAny(p.Name+p.Version, "\n") {
				t.Fatalf("newline in %+v", p)
			}
		}
	})
}
