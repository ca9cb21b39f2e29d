package feed

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
)

func makeZip(t *testing.T, n int, method uint16) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < n; i++ {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("d/%06d.json", i), Method: method})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, `{"id":"X-%d","body":"%s"}`, i, strings.Repeat("ab", i%50))
	}
	if _, err := zw.CreateHeader(&zip.FileHeader{Name: "d/sub/"}); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestZipWalkerMatchesArchiveZip reads zips as archive/zip writes them —
// deflated and stored, and with more than 65,535 members (a zip64 end
// record, like OSV's npm all.zip) — and checks that every member's name
// and content are those archive/zip reads.
func TestZipWalkerMatchesArchiveZip(t *testing.T) {
	for _, tc := range []struct {
		name   string
		n      int
		method uint16
	}{
		{"deflate", 300, zip.Deflate},
		{"stored", 300, zip.Store},
		{"zip64 member count", 70000, zip.Deflate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := makeZip(t, tc.n, tc.method)
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			w, err := newZipWalker(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			for i, f := range zr.File {
				e, err := w.next()
				if err != nil {
					t.Fatalf("member %d: %v", i, err)
				}
				if e.name != f.Name {
					t.Fatalf("member %d: name %q, archive/zip says %q", i, e.name, f.Name)
				}
				if isZipDir(e.name) {
					continue
				}
				rc, _ := f.Open()
				want, _ := io.ReadAll(rc)
				r, err := w.open(e)
				if err != nil {
					t.Fatalf("%s: %v", e.name, err)
				}
				got, err := io.ReadAll(r)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("%s: read %q, %v; want %q", e.name, got, err, want)
				}
			}
			if _, err := w.next(); err != io.EOF {
				t.Fatalf("after the last member: %v", err)
			}
		})
	}
}

// TestZipWalkerDamage: a member whose bytes were altered fails its
// checksum (one malformed record); a truncated archive is not a zip.
func TestZipWalkerDamage(t *testing.T) {
	b := makeZip(t, 3, zip.Store)
	i := bytes.Index(b, []byte(`"X-1"`))
	bad := append([]byte(nil), b...)
	bad[i+1] = 'Y'
	w, err := newZipWalker(bytes.NewReader(bad), int64(len(bad)))
	if err != nil {
		t.Fatal(err)
	}
	var errs []string
	for {
		e, err := w.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if isZipDir(e.name) {
			continue
		}
		r, err := w.open(e)
		if err == nil {
			_, err = io.ReadAll(r)
		}
		errs = append(errs, fmt.Sprint(err))
	}
	if want := []string{"<nil>", "zip: checksum error", "<nil>"}; strings.Join(errs, "|") != strings.Join(want, "|") {
		t.Errorf("read errors %q, want %q", errs, want)
	}
	if _, err := newZipWalker(bytes.NewReader(b[:len(b)/2]), int64(len(b)/2)); err == nil {
		t.Error("a truncated zip opened")
	}
}
