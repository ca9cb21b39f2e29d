package testutil

import (
	"archive/tar"
	"compress/gzip"
	"io"
	"os"
	"path"
	"testing"
)

// WalkTarGz streams a .tar.gz and calls fn for each entry with the entry's
// cleaned name (no leading "./" or "/") and a reader of its content; fn
// returns false to stop. Tests use it for an independent reading of the
// shared data, to derive expected values from the data itself.
func WalkTarGz(t testing.TB, file string, fn func(name string, hdr *tar.Header, r io.Reader) bool) {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if !fn(path.Clean("/" + hdr.Name)[1:], hdr, tr) {
			return
		}
	}
}

// TarGzFile returns the content of the regular file name (e.g.
// "var/lib/dpkg/status") inside a .tar.gz, failing the test when absent.
func TarGzFile(t testing.TB, file, name string) []byte {
	t.Helper()
	var out []byte
	found := false
	WalkTarGz(t, file, func(n string, hdr *tar.Header, r io.Reader) bool {
		if n != name || hdr.Typeflag != tar.TypeReg {
			return true
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatalf("%s: %s: %v", file, name, err)
		}
		out, found = b, true
		return false
	})
	if !found {
		t.Fatalf("%s has no file %s", file, name)
	}
	return out
}
