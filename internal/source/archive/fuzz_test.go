package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/scanfleet/scanfleet/internal/source/core"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// FuzzArchive feeds arbitrary bytes to the tar index and to both archive
// readers built on it: whatever the input, they must return (a classified
// error or an image whose layers stream), never panic or hang.
func FuzzArchive(f *testing.F) {
	dir := os.Getenv("SCANFLEET_TESTDATA")
	if dir == "" {
		dir = filepath.Join(testutil.ModuleRoot(f), "..", "shared", "testdata")
	}
	seeds, _ := filepath.Glob(filepath.Join(dir, "image-edgecases", "*", "*.tar"))
	// Only the small archives: the fuzzer's mutation and coverage work
	// grows with input size and stalls on the 20-50 KiB ones.
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) <= 12<<10 {
			f.Add(b)
		}
	}
	// The head of the real fixture: an OCI layout's first entries.
	if fh, err := os.Open(filepath.Join(dir, "images", "scan-fixture-alpine-3.20.3.oci.tar")); err == nil {
		b := make([]byte, 8<<10)
		n, _ := io.ReadFull(fh, b)
		fh.Close()
		f.Add(b[:n])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		idx, err := indexTar(r, int64(len(data)))
		if err != nil {
			mustBeKind(t, err, core.ErrInvalid)
			return
		}
		for name := range idx.entries {
			if sr, err := idx.open(name); err == nil {
				if _, err := io.Copy(io.Discard, sr); err != nil {
					t.Fatalf("reading indexed entry %s: %v", name, err)
				}
			}
		}
		img, _, err := dockerArchiveFromIndex(idx, "")
		checkImage(t, img, err)
		img, err = layoutImage(tarStore{idx}, "", v1.Platform{OS: "linux", Architecture: "amd64"})
		checkImage(t, img, err)
	})
}

func checkImage(t *testing.T, img v1.Image, err error) {
	if err == nil {
		err = imagetest.ReadLayers(img)
	}
	if err == nil {
		return
	}
	var se *core.Error
	if !errors.As(err, &se) {
		// go-containerregistry's own errors (config parsing inside
		// partial) are classified by Open; only require a message.
		if err.Error() == "" {
			t.Fatal("empty error")
		}
		return
	}
	if se.Kind == nil {
		t.Fatalf("unclassified error: %v", err)
	}
}

func mustBeKind(t *testing.T, err, kind error) {
	if !errors.Is(err, kind) {
		t.Fatalf("error %v is not %v", err, kind)
	}
}
