package source

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/scanfleet/scanfleet/internal/source/archive"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func fixtureDocker(t testing.TB) string {
	return testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar")
}

func fixtureOCI(t testing.TB) string {
	return testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar")
}

func mustOpen(t testing.TB, ref string, opts Options) *Image {
	t.Helper()
	img, err := Open(t.Context(), ref, opts)
	if err != nil {
		t.Fatalf("Open(%q): %v", ref, err)
	}
	t.Cleanup(func() {
		if err := img.Close(); err != nil {
			t.Errorf("Close(%q): %v", ref, err)
		}
	})
	return img
}

func diffIDs(t testing.TB, img v1.Image) []string {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatalf("Layers: %v", err)
	}
	var out []string
	for _, l := range layers {
		d, err := l.DiffID()
		if err != nil {
			t.Fatalf("DiffID: %v", err)
		}
		out = append(out, d.String())
	}
	return out
}

// tarFile reads one file of a tar archive with archive/tar, independently
// of the code under test.
func tarFile(t testing.TB, archive, name string) []byte {
	t.Helper()
	b, ok := tarFileIfAny(t, archive, name)
	if !ok {
		t.Fatalf("%s not in %s", name, archive)
	}
	return b
}

func tarFileIfAny(t testing.TB, archive, name string) ([]byte, bool) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, false
		}
		if err != nil {
			t.Fatalf("reading %s: %v", archive, err)
		}
		if strings.TrimPrefix(h.Name, "./") == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return b, true
		}
	}
}

// dockerSaveManifest parses a docker-archive's manifest.json.
func dockerSaveManifest(t testing.TB, path string) []archive.ManifestEntry {
	t.Helper()
	var m []archive.ManifestEntry
	if err := json.Unmarshal(tarFile(t, path, "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// configDiffIDs reads rootfs.diff_ids of a config blob inside an archive.
func configDiffIDs(t testing.TB, archive, configName string) []string {
	t.Helper()
	var cfg struct {
		RootFS struct {
			DiffIDs []string `json:"diff_ids"`
		} `json:"rootfs"`
	}
	if err := json.Unmarshal(tarFile(t, archive, configName), &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.RootFS.DiffIDs
}

func assertKind(t testing.TB, err error, kind error) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %v", kind)
	}
	if !errors.Is(err, kind) {
		t.Fatalf("error %q does not wrap %v", err, kind)
	}
	if strings.ContainsAny(err.Error(), "\r\n") {
		t.Fatalf("error is not one line: %q", err)
	}
}

// blobOffset finds where an entry's content starts in a tar archive, using
// archive/tar over a seekable file.
func blobOffset(t testing.TB, archive, name string) int64 {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in %s: %v", name, archive, err)
		}
		if strings.TrimPrefix(h.Name, "./") == name {
			off, err := f.Seek(0, io.SeekCurrent)
			if err != nil {
				t.Fatal(err)
			}
			return off
		}
	}
}
