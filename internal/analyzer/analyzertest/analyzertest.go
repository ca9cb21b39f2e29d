// Package analyzertest runs analyzers over the real fixture images in the
// shared test data, the way a scan does: each layer streamed once through
// layer.Walker. It is imported by tests only.
package analyzertest

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// FixtureImage is the OCI archive with a Go binary and a node_modules tree.
const FixtureImage = "scan-fixture-alpine-3.20.3.oci.tar"

// OpenOCIArchive extracts an OCI archive (images/<name>) into a temporary
// directory and returns its only image. It skips when the data is absent.
func OpenOCIArchive(t testing.TB, name string) v1.Image {
	t.Helper()
	archive := testutil.Data(t, "images", name)
	dir := t.TempDir()
	if err := untar(archive, dir); err != nil {
		t.Fatalf("extracting %s: %v", archive, err)
	}
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatalf("opening OCI layout: %v", err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 {
		t.Fatalf("%s: %d manifests, want 1", name, len(m.Manifests))
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// WalkLayers streams every layer of img through a walker with the given
// analyzers and returns one analysis per layer, bottom first.
func WalkLayers(t testing.TB, img v1.Image, ans ...analyzer.Analyzer) []*layer.Analysis {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	w := &layer.Walker{Analyzers: ans}
	var out []*layer.Analysis
	for i, l := range layers {
		rc, err := l.Compressed()
		if err != nil {
			t.Fatal(err)
		}
		a, err := w.Analyze(context.Background(), rc)
		rc.Close()
		if err != nil {
			t.Fatalf("layer %d: %v", i, err)
		}
		out = append(out, a)
	}
	return out
}

// LayerFiles calls fn for every regular file of every layer of img, with a
// reader of its content: an independent reading of the image, for tests to
// derive expected values from.
func LayerFiles(t testing.TB, img v1.Image, fn func(layerIdx int, hdr *tar.Header, r io.Reader)) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range layers {
		rc, err := l.Uncompressed()
		if err != nil {
			t.Fatal(err)
		}
		tr := tar.NewReader(rc)
		for {
			hdr, err := tr.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				rc.Close()
				t.Fatalf("layer %d: %v", i, err)
			}
			if hdr.Typeflag == tar.TypeReg {
				fn(i, hdr, tr)
			}
		}
		rc.Close()
	}
}

// untar extracts regular files and directories of a plain tar archive.
func untar(archive, dir string) error {
	f, err := os.Open(archive)
	if err != nil {
		return err
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.Clean(hdr.Name)
		if strings.HasPrefix(name, "..") || filepath.IsAbs(name) {
			return fmt.Errorf("unsafe path %q", hdr.Name)
		}
		dst := filepath.Join(dir, name)
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dst, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			out, err := os.Create(dst)
			if err != nil {
				return err
			}
			if _, err := io.Copy(out, tr); err != nil {
				out.Close()
				return err
			}
			if err := out.Close(); err != nil {
				return err
			}
		}
	}
}
