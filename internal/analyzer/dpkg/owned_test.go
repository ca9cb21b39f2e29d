package dpkg

import (
	"archive/tar"
	"context"
	"io"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestRealFileLists walks the Debian root filesystem as a scan does and
// checks the ownership facts against the tarball itself: one owner per
// installed package (from the status file), and every regular file the
// tarball holds that a .list names is owned by that package, except in the
// documented unowned folders.
func TestRealFileLists(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "debian-bookworm-minbase.tar.gz")

	// Independent reading: regular files of the tarball, and raw .list
	// lines per package.
	regular := map[string]bool{}
	lists := map[string][]string{}
	var status string
	testutil.WalkTarGz(t, rootfs, func(name string, hdr *tar.Header, r io.Reader) bool {
		if hdr.Typeflag == tar.TypeReg {
			regular[name] = true
		}
		switch {
		case name == statusPath:
			b, _ := io.ReadAll(r)
			status = string(b)
		case strings.HasPrefix(name, "var/lib/dpkg/info/") && strings.HasSuffix(name, ".list"):
			b, _ := io.ReadAll(r)
			pkg, _, _ := strings.Cut(strings.TrimSuffix(path.Base(name), ".list"), ":")
			lists[pkg] = strings.Split(strings.TrimSpace(string(b)), "\n")
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
	owned := map[string]map[string]bool{}
	for _, f := range a.Files {
		if f.Err != "" {
			t.Errorf("%s: %s", f.Path, f.Err)
		}
		if f.Result == nil || f.Result.Owns == nil {
			continue
		}
		pkg := strings.TrimPrefix(f.Result.Owns.Owner, "deb:")
		owned[pkg] = map[string]bool{}
		for _, p := range f.Result.Owns.Paths {
			owned[pkg][p] = true
		}
	}

	var installed, owners []string
	for name := range simpleReading(status) {
		installed = append(installed, name)
	}
	for name := range owned {
		owners = append(owners, name)
	}
	sort.Strings(installed)
	sort.Strings(owners)
	if strings.Join(installed, " ") != strings.Join(owners, " ") {
		t.Errorf("owners %v\ninstalled %v", owners, installed)
	}

	checked := 0
	for pkg, lines := range lists {
		for _, l := range lines {
			rel := strings.TrimPrefix(l, "/")
			if !regular[rel] || hasAnyPrefix(rel, unownedPrefixes) {
				continue
			}
			checked++
			if !owned[pkg][rel] {
				t.Errorf("%s not owned by %s", rel, pkg)
			}
		}
	}
	if checked < 1000 {
		t.Errorf("only %d owned regular files checked", checked)
	}
	if !owned["dpkg"]["usr/bin/dpkg"] {
		t.Error("usr/bin/dpkg not owned by dpkg")
	}
}

func TestFileList(t *testing.T) {
	tests := []struct {
		name, path, content string
		owner               string
		paths               []string
		wantErr             bool
	}{
		{"multiarch", "var/lib/dpkg/info/libc6:amd64.list", "/.\n/etc\n/etc/ld.so.conf.d/x86_64-linux-gnu.conf\n/usr/share/doc/libc6/copyright\n/usr/lib/x86_64-linux-gnu/libc.so.6\n",
			"deb:libc6", []string{"etc", "etc/ld.so.conf.d/x86_64-linux-gnu.conf", "usr/lib/x86_64-linux-gnu/libc.so.6"}, false},
		{"python dist-info", "var/lib/dpkg/info/python3-cryptography.list", "/usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA\r\nrelative/line\n",
			"deb:python3-cryptography", []string{"usr/lib/python3/dist-packages/cryptography-38.0.4.dist-info/METADATA"}, false},
		{"docs only", "var/lib/dpkg/info/x-doc.list", "/.\n/usr/share/doc/x/README\n", "", nil, false},
		{"binary", "var/lib/dpkg/info/x.list", "/usr/bin/x\x00\n", "", nil, true},
	}
	a := New()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !a.Wants(tt.path, 0o644, 1) {
				t.Fatal("not wanted")
			}
			res, err := a.Analyze(context.Background(), tt.path, []byte(tt.content))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if tt.owner == "" {
				if res != nil {
					t.Errorf("got %+v", res)
				}
				return
			}
			if res.Owns.Owner != tt.owner || strings.Join(res.Owns.Paths, "|") != strings.Join(tt.paths, "|") || len(res.Packages) != 0 {
				t.Errorf("got %+v", res.Owns)
			}
		})
	}
	for _, p := range []string{"var/lib/dpkg/info/x.md5sums", "var/lib/dpkg/info/.list", "var/lib/dpkg/info/sub/x.list"} {
		if a.Wants(p, 0o644, 1) {
			t.Errorf("wants %s", p)
		}
	}
}
