package scan_test

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func newScanner() *scan.Scanner {
	return &scan.Scanner{
		Analyzers:        all.Analyzers(),
		AnalyzersVersion: all.Version(),
		OSPriority:       all.OSPriority,
		Cache:            layer.NewMemCache(0),
	}
}

// countLines counts lines starting with prefix in stanzas that contain
// every one of the required lines.
func countStanzas(data []byte, prefix, required string) int {
	n := 0
	for _, stanza := range strings.Split(string(data), "\n\n") {
		if !strings.Contains("\n"+stanza, "\n"+prefix) {
			continue
		}
		if required != "" && !strings.Contains(stanza, required) {
			continue
		}
		n++
	}
	return n
}

func imageOf(t *testing.T, layers ...imagebuild.Layer) v1.Image {
	t.Helper()
	img, err := imagebuild.Image(layers...)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func fileLayer(t *testing.T, path string) v1.Layer {
	t.Helper()
	l, err := imagebuild.FromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestScanRootFilesystems(t *testing.T) {
	tests := []struct {
		rootfs    string
		db        string
		pkgType   string
		prefix    string
		required  string
		osID      string
		versionID string
	}{
		{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "lib/apk/db/installed", "apk", "P:", "", "alpine", "3.18.9"},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "lib/apk/db/installed", "apk", "P:", "", "alpine", "3.19.4"},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "lib/apk/db/installed", "apk", "P:", "", "alpine", "3.20.3"},
		{"debian-bookworm-minbase.tar.gz", "var/lib/dpkg/status", "deb", "Package:", "Status: install ok installed", "debian", "12"},
	}
	for _, tc := range tests {
		t.Run(tc.rootfs, func(t *testing.T) {
			path := testutil.Data(t, "rootfs", tc.rootfs)
			want := countStanzas(testutil.TarGzFile(t, path, tc.db), tc.prefix, tc.required)
			if want < 10 {
				t.Fatalf("independent count of %s is %d: test data unreadable?", tc.db, want)
			}
			img := imageOf(t, imagebuild.Layer{Layer: fileLayer(t, path), CreatedBy: "ADD rootfs /"})
			rep, err := newScanner().Scan(context.Background(), scan.Target{Image: img, Reference: tc.rootfs}, scan.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Packages) != want {
				t.Errorf("%d packages, want %d (entries in %s)", len(rep.Packages), want, tc.db)
			}
			if rep.OS == nil || rep.OS.ID != tc.osID || rep.OS.VersionID != tc.versionID {
				t.Errorf("os = %+v, want %s %s", rep.OS, tc.osID, tc.versionID)
			}
			layerDigest := rep.Image.Layers[0].Digest
			for _, p := range rep.Packages {
				if p.Type != tc.pkgType || p.Layer != layerDigest || p.LayerCreatedBy != "ADD rootfs /" || p.SourceName == "" {
					t.Fatalf("package %+v: want type %s, layer %s with history, source name", p, tc.pkgType, layerDigest)
				}
			}
			if len(rep.Warnings) != 0 {
				t.Errorf("warnings: %q", rep.Warnings)
			}
		})
	}
}

// A later layer that upgrades one package, deletes the OS file and adds a
// distroless status.d entry: the final view and attributions must follow.
func TestScanLayeredAlpine(t *testing.T) {
	path := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	installed := testutil.TarGzFile(t, path, "lib/apk/db/installed")
	// Upgrade musl in place: the same database, one version changed.
	upgraded := bytes.Replace(installed, []byte("P:musl\nV:1.2.5-r0"), []byte("P:musl\nV:1.2.5-r9"), 1)
	if bytes.Equal(upgraded, installed) {
		t.Fatal("musl 1.2.5-r0 not found in the 3.20.3 database")
	}
	up, err := imagebuild.Files(imagebuild.File{Path: "lib/apk/db/installed", Content: upgraded})
	if err != nil {
		t.Fatal(err)
	}
	img := imageOf(t,
		imagebuild.Layer{Layer: fileLayer(t, path), CreatedBy: "ADD rootfs /"},
		imagebuild.Layer{Layer: up, CreatedBy: "RUN apk upgrade musl"},
	)
	rep, err := newScanner().Scan(context.Background(), scan.Target{Image: img, Reference: "layered"}, scan.Options{Layers: true})
	if err != nil {
		t.Fatal(err)
	}
	want := countStanzas(installed, "P:", "")
	if len(rep.Packages) != want {
		t.Fatalf("%d packages, want %d", len(rep.Packages), want)
	}
	base, top := rep.Image.Layers[0], rep.Image.Layers[1]
	for _, p := range rep.Packages {
		wantLayer := base.Digest
		if p.Name == "musl" {
			if p.Version != "1.2.5-r9" {
				t.Errorf("musl version %s, want the upgraded 1.2.5-r9", p.Version)
			}
			wantLayer = top.Digest
		}
		if p.Layer != wantLayer {
			t.Errorf("%s attributed to %s, want %s", p.Name, p.Layer, wantLayer)
		}
	}
	if len(top.Packages) != 1 || top.Packages[0].Name != "musl" || top.CreatedBy != "RUN apk upgrade musl" {
		t.Errorf("top layer view = %+v, want just musl", top)
	}
	if len(base.Packages) != want-1 {
		t.Errorf("base layer view has %d packages, want %d", len(base.Packages), want-1)
	}
}

func TestScanWhiteout(t *testing.T) {
	path := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	wh, err := imagebuild.Files(imagebuild.File{Path: "lib/apk/db/.wh.installed"}, imagebuild.File{Path: "etc/.wh.os-release"})
	if err != nil {
		t.Fatal(err)
	}
	img := imageOf(t,
		imagebuild.Layer{Layer: fileLayer(t, path), CreatedBy: "ADD rootfs /"},
		imagebuild.Layer{Layer: wh, CreatedBy: "RUN rm -rf /lib/apk/db/installed /etc/os-release"},
	)
	rep, err := newScanner().Scan(context.Background(), scan.Target{Image: img, Reference: "whiteout"}, scan.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Packages) != 0 {
		t.Errorf("%d packages after the database was deleted, want 0", len(rep.Packages))
	}
	// With os-release gone, the OS still comes from etc/alpine-release.
	if rep.OS == nil || rep.OS.ID != "alpine" || rep.OS.VersionID != "3.20.3" {
		t.Errorf("os = %+v, want alpine 3.20.3 from etc/alpine-release", rep.OS)
	}
}

// Two images sharing a base: the base is analysed once.
func TestScanSharesLayers(t *testing.T) {
	path := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	s := newScanner()
	var cached []bool
	opts := scan.Options{Progress: func(_, _ int, _ report.Layer, c bool) { cached = append(cached, c) }}
	for i, extra := range []string{"one", "two"} {
		l, err := imagebuild.Files(imagebuild.File{Path: "srv/" + extra, Content: []byte(extra)})
		if err != nil {
			t.Fatal(err)
		}
		img := imageOf(t, imagebuild.Layer{Layer: fileLayer(t, path), CreatedBy: "ADD rootfs /"}, imagebuild.Layer{Layer: l, CreatedBy: "COPY " + extra})
		if _, err := s.Scan(context.Background(), scan.Target{Image: img, Reference: extra}, opts); err != nil {
			t.Fatalf("scan %d: %v", i, err)
		}
	}
	hits := 0
	for _, c := range cached {
		if c {
			hits++
		}
	}
	if len(cached) != 4 || hits != 1 {
		t.Fatalf("cache hits per layer = %v, want exactly the shared base served from cache once", cached)
	}
}

func TestScanCorruptLayer(t *testing.T) {
	path := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	trunc := t.TempDir() + "/trunc.tar.gz"
	if err := os.WriteFile(trunc, b[:len(b)/3], 0o644); err != nil {
		t.Fatal(err)
	}
	// The layer's digest is computed when the image is assembled; use a
	// layer whose content is read lazily so the scan sees the truncation.
	l, err := imagebuild.FromFile(trunc)
	if err != nil {
		// Building the image already read the file and found it corrupt:
		// that is a clear error too.
		return
	}
	img, err := imagebuild.Image(imagebuild.Layer{Layer: l})
	if err != nil {
		return
	}
	_, err = newScanner().Scan(context.Background(), scan.Target{Image: img, Reference: "truncated"}, scan.Options{})
	if err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("err = %v, want an error naming the image", err)
	}
}
