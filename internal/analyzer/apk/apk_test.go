package apk

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

var tarballs = []string{
	"alpine-minirootfs-3.18.9-x86_64.tar.gz",
	"alpine-minirootfs-3.19.4-x86_64.tar.gz",
	"alpine-minirootfs-3.20.3-x86_64.tar.gz",
}

// installedFrom streams a rootfs tarball and returns its apk database.
func installedFrom(t testing.TB, tarball string) []byte {
	t.Helper()
	return testutil.TarGzFile(t, testutil.Data(t, "rootfs", tarball), installedPath)
}

// simpleFields is a naive, independent reading: for each "P:" line, the
// values of the V:, A: and o: lines that follow it before the next P:.
func simpleFields(db string) map[string][3]string {
	out := make(map[string][3]string)
	var cur string
	for _, l := range strings.Split(db, "\n") {
		switch {
		case strings.HasPrefix(l, "P:"):
			cur = l[2:]
			out[cur] = [3]string{}
		case strings.HasPrefix(l, "V:"), strings.HasPrefix(l, "A:"), strings.HasPrefix(l, "o:"):
			f := out[cur]
			f[strings.Index("VAo", l[:1])] = l[2:]
			out[cur] = f
		}
	}
	return out
}

func TestRealDatabases(t *testing.T) {
	a := New()
	for _, tb := range tarballs {
		t.Run(tb, func(t *testing.T) {
			content := installedFrom(t, tb)
			wantCount := strings.Count("\n"+string(content), "\nP:")
			fields := simpleFields(string(content))
			if wantCount == 0 || len(fields) != wantCount {
				t.Fatalf("test data unexpected: %d P: lines, %d distinct", wantCount, len(fields))
			}
			if !a.Wants(installedPath, 0o644, int64(len(content))) {
				t.Fatal("Wants = false")
			}
			res, err := a.Analyze(context.Background(), installedPath, content)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Packages) != wantCount {
				t.Fatalf("got %d packages, want %d", len(res.Packages), wantCount)
			}
			for _, p := range res.Packages {
				f := fields[p.Name]
				want := report.Package{Name: p.Name, Version: f[0], Type: report.TypeAPK, Arch: f[1],
					SourceName: f[2], SourceVersion: f[0], Path: installedPath}
				if !reflect.DeepEqual(p, want) {
					t.Errorf("got %+v\nwant %+v", p, want)
				}
			}
			// busybox-binsh is built from the busybox aport.
			if f, ok := fields["busybox-binsh"]; !ok || f[2] != "busybox" {
				t.Fatalf("test data: busybox-binsh origin %q", f[2])
			}
		})
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    []report.Package
		wantErr error
	}{
		{
			name:    "two stanzas, origin absent in one, CRLF",
			content: "C:Q1abc=\r\nP:musl\r\nV:1.2.5-r0\r\nA:x86_64\r\no:musl\r\nF:lib\r\nR:ld-musl.so\r\n\r\nP:hello\nV:1-r0\n",
			want: []report.Package{
				{Name: "musl", Version: "1.2.5-r0", Type: "apk", Arch: "x86_64", SourceName: "musl", SourceVersion: "1.2.5-r0"},
				{Name: "hello", Version: "1-r0", Type: "apk", SourceName: "hello", SourceVersion: "1-r0"},
			},
		},
		{
			name:    "missing blank line between packages",
			content: "P:a\nV:1\no:x\nP:b\nV:2\n",
			want: []report.Package{
				{Name: "a", Version: "1", Type: "apk", SourceName: "x", SourceVersion: "1"},
				{Name: "b", Version: "2", Type: "apk", SourceName: "b", SourceVersion: "2"},
			},
		},
		{name: "no version", content: "P:a\nA:x86_64\n"},
		{name: "empty", content: ""},
		{name: "garbage", content: "\x00\x01\x02\xff hello\n<html>\n", wantErr: ErrMalformed},
		{
			name:    "partial",
			content: "junk\nP:a\nV:1\n",
			want:    []report.Package{{Name: "a", Version: "1", Type: "apk", SourceName: "a", SourceVersion: "1"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse(context.Background(), []byte(tc.content))
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWants(t *testing.T) {
	a := New()
	for p, want := range map[string]bool{
		"lib/apk/db/installed":     true,
		"lib/apk/db/installed.old": false,
		"usr/lib/apk/db/installed": false,
		"lib/apk/db/scripts.tar":   false,
	} {
		if got := a.Wants(p, 0o644, 1); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
}

func TestTruncated(t *testing.T) {
	content := installedFrom(t, tarballs[2])
	// Cut in the middle of a stanza: the complete stanzas before it remain.
	cut := content[:len(content)/2]
	full := strings.Count("\n"+string(cut), "\nP:")
	got, err := Parse(context.Background(), cut)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < full-1 || len(got) > full {
		t.Errorf("got %d packages from a cut holding %d P: lines", len(got), full)
	}
}

func FuzzApkInstalled(f *testing.F) {
	f.Add([]byte("P:musl\nV:1.2.5-r0\nA:x86_64\no:musl\n\nP:a\nV:1\n"))
	for _, tb := range tarballs {
		f.Add(installedFrom(f, tb))
	}
	f.Fuzz(func(t *testing.T, content []byte) {
		pkgs, err := Parse(context.Background(), content)
		if err != nil && len(pkgs) != 0 {
			t.Fatalf("error %v with %d packages", err, len(pkgs))
		}
		if n := strings.Count("\n"+string(content), "\nP:"); len(pkgs) > n {
			t.Fatalf("%d packages from %d P: lines", len(pkgs), n)
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Version == "" || p.SourceName == "" {
				t.Fatalf("incomplete %+v", p)
			}
		}
	})
}
