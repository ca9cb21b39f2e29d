package dist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// smallDB builds a database from two small real sources.
func smallDB(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "small.db")
	srcs := []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}
	if _, err := build.Build(context.Background(), p, srcs, build.BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExportImportRoundTrip(t *testing.T) {
	src := smallDB(t)
	var buf bytes.Buffer
	info, err := Export(src, &buf)
	if err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "sub", "imported.db")
	got, err := Import(bytes.NewReader(buf.Bytes()), dest)
	if err != nil {
		t.Fatal(err)
	}
	if got.Digest != info.Digest || got.Path != dest {
		t.Errorf("imported %+v, exported %+v", got, info)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(dest)
	if !bytes.Equal(a, b) {
		t.Error("imported file differs from the original")
	}
}

func TestImportRejectsTampered(t *testing.T) {
	src := smallDB(t)
	var buf bytes.Buffer
	if _, err := Export(src, &buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	hdrEnd := bytes.IndexByte(good[len(exportMagic):], '\n') + len(exportMagic) + 1
	edit := func(fn func(b []byte) []byte) []byte { return fn(append([]byte(nil), good...)) }
	tests := []struct {
		name, want string
		data       []byte
	}{
		{"flipped byte in database", "digest mismatch", edit(func(b []byte) []byte { b[len(b)-50] ^= 1; return b })},
		{"flipped byte in database header", "digest mismatch", edit(func(b []byte) []byte { b[hdrEnd+30] ^= 1; return b })},
		{"truncated", "truncated", good[:len(good)-100]},
		{"appended data", "after the", append(append([]byte(nil), good...), "extra"...)},
		{"envelope sha256 changed", "digest mismatch", edit(func(b []byte) []byte {
			i := bytes.Index(b, []byte(`"sha256":"`)) + len(`"sha256":"`)
			if b[i] == '0' {
				b[i] = '1'
			} else {
				b[i] = '0'
			}
			return b
		})},
		{"not an export", "not a scanfleet database export", []byte("hello")},
		{"raw database file", "not a scanfleet database export", good[hdrEnd:]},
		{"malformed envelope", "malformed envelope", []byte(exportMagic + "{\n")},
	}
	dir := t.TempDir()
	dest := filepath.Join(dir, "live.db")
	if err := os.WriteFile(dest, []byte("previous"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Import(bytes.NewReader(tc.data), dest)
			if err == nil {
				t.Fatal("Import accepted it")
			}
			if !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q: want one line containing %q", err, tc.want)
			}
			if b, _ := os.ReadFile(dest); string(b) != "previous" {
				t.Error("failed import replaced the destination")
			}
		})
	}
	dbtest.AssertNoTemp(t, dir)
}

func TestExportRefusesCorrupt(t *testing.T) {
	src := smallDB(t)
	b, _ := os.ReadFile(src)
	b[len(b)-1] ^= 1
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, b, 0o644)
	if _, err := Export(bad, io.Discard); !errors.Is(err, vulndb.ErrCorrupt) {
		t.Errorf("Export of a corrupt file: %v", err)
	}
}

func newRegistry(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u.Host
}

func TestPushPull(t *testing.T) {
	host := newRegistry(t)
	src := smallDB(t)
	ctx := context.Background()
	ref := host + "/scanfleet/db:1"
	pushed, err := Push(ctx, src, ref, RegistryOptions{Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pushed, host+"/scanfleet/db@sha256:") {
		t.Errorf("Push returned %q", pushed)
	}

	// The manifest carries the media types and annotations.
	r, _ := name.ParseReference(ref, name.Insecure)
	img, err := remote.Image(r)
	if err != nil {
		t.Fatal(err)
	}
	m, err := img.Manifest()
	if err != nil {
		t.Fatal(err)
	}
	srcDB, _ := vulndb.Open(src)
	want := srcDB.Info()
	srcDB.Close()
	fileBytes, _ := os.ReadFile(src)
	if l := m.Layers[0]; l.MediaType != LayerMediaTypeZstd || l.Size >= int64(len(fileBytes)) ||
		l.Annotations[AnnotationSize] != strconv.Itoa(len(fileBytes)) || l.Annotations[AnnotationSHA256] != fmt.Sprintf("%x", sha256.Sum256(fileBytes)) {
		t.Errorf("layer: %+v, want a zstd layer smaller than the %d-byte file, with its size and sha256", l, len(fileBytes))
	}
	if m.Config.MediaType != ConfigMediaType ||
		m.Annotations[AnnotationSchema] != strconv.Itoa(vulndb.SchemaVersion) || m.Annotations[AnnotationBuiltAt] != "2026-08-21T12:00:00Z" ||
		m.Annotations[AnnotationDigest] != want.Digest {
		t.Errorf("manifest: %+v", m)
	}

	for _, pullRef := range []string{ref, pushed} {
		dest := filepath.Join(t.TempDir(), "pulled.db")
		info, err := Pull(ctx, pullRef, dest, RegistryOptions{Insecure: true})
		if err != nil {
			t.Fatalf("Pull(%s): %v", pullRef, err)
		}
		a, _ := os.ReadFile(src)
		b, _ := os.ReadFile(dest)
		if !bytes.Equal(a, b) || info.Digest != want.Digest {
			t.Errorf("pulled database differs from the pushed one")
		}
	}
}

func TestPullRejects(t *testing.T) {
	host := newRegistry(t)
	ctx := context.Background()
	// An ordinary image is not a database artifact.
	img, err := random.Image(1024, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(host+"/some/image:latest", name.Insecure)
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ ref, want string }{
		{host + "/some/image:latest", "not a scanfleet database artifact"},
		{host + "/missing/repo:latest", "pull " + host + "/missing/repo:latest"},
		{"Not A Reference!", "invalid reference"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		_, err := Pull(ctx, tc.ref, filepath.Join(dir, "x.db"), RegistryOptions{Insecure: true})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Pull(%s) = %v, want error containing %q", tc.ref, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "x.db")); !errors.Is(err, os.ErrNotExist) {
		t.Error("failed pull created the destination")
	}
	dbtest.AssertNoTemp(t, dir)
}

// FuzzImport feeds arbitrary export files to Import: it must fail cleanly
// (never panic, never install) unless the input is a valid export.
func FuzzImport(f *testing.F) {
	dir := f.TempDir()
	src := filepath.Join(dir, "seed.db")
	if _, err := build.Build(context.Background(), src, []string{testutil.Data(f, "advisories", "osv-ghsa-npm-subset")}, build.BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := Export(src, &buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte(exportMagic + `{"schema_version":1,"size":64,"sha256":"00"}` + "\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dest := filepath.Join(t.TempDir(), "db")
		if _, err := Import(bytes.NewReader(b), dest); err != nil {
			if _, serr := os.Stat(dest); serr == nil {
				t.Fatalf("failed import (%v) installed a file", err)
			}
			return
		}
		if _, err := vulndb.Open(dest); err != nil {
			t.Fatalf("Import succeeded but vulndb.Open fails: %v", err)
		}
	})
}

// TestPushPullAuthRegistry runs against the real registry service with TLS
// and basic auth that .ci/run starts (scripts/ci/start-registry.sh).
func TestPushPullAuthRegistry(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	user := os.Getenv("SCANFLEET_TEST_REGISTRY_USER")
	pass := os.Getenv("SCANFLEET_TEST_REGISTRY_PASSWORD")
	src := smallDB(t)
	ctx := context.Background()
	ref := host + "/scanfleet/vulndb-test:" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "-"))
	// The registry's certificate is signed by a test CA: --insecure skips
	// verification.
	opts := RegistryOptions{Username: user, Password: pass, Insecure: true}
	if _, err := Push(ctx, src, ref, opts); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "pulled.db")
	if _, err := Pull(ctx, ref, dest, opts); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(src)
	b, _ := os.ReadFile(dest)
	if !bytes.Equal(a, b) {
		t.Error("pulled database differs")
	}
	bad := RegistryOptions{Username: user, Password: pass + "-wrong", Insecure: true}
	if _, err := Pull(ctx, ref, filepath.Join(t.TempDir(), "x.db"), bad); err == nil || !strings.Contains(err.Error(), "401") && !strings.Contains(strings.ToLower(err.Error()), "unauthorized") {
		t.Errorf("pull with a wrong password: %v", err)
	}
}

// A registry at a private address is never spoken to over plain HTTP unless
// Insecure is set: go-containerregistry falls back to HTTP when HTTPS fails
// there, which would send the database credentials in clear.
func TestPullRefusesPlainHTTPFallback(t *testing.T) {
	var schemes []string
	tr := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		schemes = append(schemes, r.URL.Scheme)
		return nil, errors.New("connection refused")
	})
	_, err := Pull(context.Background(), "10.0.0.5:5000/scanfleet/db:1", filepath.Join(t.TempDir(), "db"),
		RegistryOptions{Username: "u", Password: "secret", Transport: tr})
	if err == nil {
		t.Fatal("pull from an unreachable registry succeeded")
	}
	for _, s := range schemes {
		if s != "https" {
			t.Errorf("request over %s reached the transport; want only https (schemes %v)", s, schemes)
		}
	}
	if len(schemes) == 0 {
		t.Error("no request reached the transport")
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// pushArtifact pushes a database artifact made by hand: one layer of the
// given bytes and media type, with layer and manifest annotations.
func pushArtifact(t *testing.T, ref string, layer []byte, mt types.MediaType, layerAnns, anns map[string]string) {
	t.Helper()
	img, err := mutate.Append(empty.Image, mutate.Addendum{Layer: static.NewLayer(layer, mt), Annotations: layerAnns})
	if err != nil {
		t.Fatal(err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, ConfigMediaType)
	img = mutate.Annotations(img, anns).(v1.Image)
	r, err := name.ParseReference(ref, name.Insecure)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, img); err != nil {
		t.Fatal(err)
	}
}

// TestPullArtifactKinds pulls the artifacts earlier versions pushed (the
// file uncompressed) and damaged or mislabelled compressed ones: the good
// ones install the same bytes, the others fail with a named error and
// leave the destination and its directory untouched.
func TestPullArtifactKinds(t *testing.T) {
	host := newRegistry(t)
	src := smallDB(t)
	file, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	db, err := vulndb.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	info := db.Info()
	db.Close()
	anns := map[string]string{AnnotationSchema: strconv.Itoa(vulndb.SchemaVersion), AnnotationDigest: info.Digest}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	z := enc.EncodeAll(file, nil)
	enc.Close()
	damaged := append([]byte(nil), z...)
	damaged[len(damaged)/2] ^= 0x55
	sum := fmt.Sprintf("%x", sha256.Sum256(file))
	size := strconv.Itoa(len(file))
	zAnns := func(size, sum string) map[string]string {
		return map[string]string{AnnotationSize: size, AnnotationSHA256: sum}
	}
	oldSchema := map[string]string{AnnotationSchema: "2", AnnotationDigest: info.Digest}
	tests := []struct {
		name      string
		layer     []byte
		mt        types.MediaType
		layerAnns map[string]string
		anns      map[string]string
		want      error
		message   string
	}{
		{"uncompressed, as earlier versions pushed", file, LayerMediaType, nil, anns, nil, ""},
		{"compressed", z, LayerMediaTypeZstd, zAnns(size, sum), anns, nil, ""},
		{"compressed, damaged", damaged, LayerMediaTypeZstd, zAnns(size, sum), anns, ErrTampered, ""},
		{"compressed, size annotation too small", z, LayerMediaTypeZstd, zAnns(strconv.Itoa(len(file)-1), sum), anns, ErrTampered, "unexpected data after"},
		{"compressed, size annotation too large", z, LayerMediaTypeZstd, zAnns(strconv.Itoa(len(file)+1), sum), anns, ErrTampered, "truncated"},
		{"compressed, no size annotation", z, LayerMediaTypeZstd, zAnns("", sum), anns, nil, "bad " + AnnotationSize},
		{"compressed, absurd size annotation", z, LayerMediaTypeZstd, zAnns("99999999999999", sum), anns, nil, "bad " + AnnotationSize},
		{"compressed, wrong sha256 annotation", z, LayerMediaTypeZstd, zAnns(size, strings.Repeat("ab", 32)), anns, ErrTampered, "sha256"},
		{"compressed, wrong database digest", z, LayerMediaTypeZstd, zAnns(size, sum), map[string]string{AnnotationSchema: strconv.Itoa(vulndb.SchemaVersion), AnnotationDigest: "sha256:00"}, ErrTampered, "database digest"},
		{"schema 2 artifact", file, LayerMediaType, nil, oldSchema, vulndb.ErrSchema, "build or update"},
	}
	ctx := context.Background()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ref := fmt.Sprintf("%s/scanfleet/db:kind%d", host, i)
			pushArtifact(t, ref, tc.layer, tc.mt, tc.layerAnns, tc.anns)
			dir := t.TempDir()
			dest := filepath.Join(dir, "pulled.db")
			got, err := Pull(ctx, ref, dest, RegistryOptions{Insecure: true})
			if tc.want == nil && tc.message == "" {
				if err != nil {
					t.Fatalf("Pull: %v", err)
				}
				b, _ := os.ReadFile(dest)
				if !bytes.Equal(b, file) || got.Digest != info.Digest {
					t.Fatal("pulled database differs from the pushed one")
				}
				return
			}
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.message) || !strings.Contains(err.Error(), ref) {
				t.Fatalf("Pull: %v; want %v naming %s and %q", err, tc.want, ref, tc.message)
			}
			if _, err := os.Stat(dest); !errors.Is(err, os.ErrNotExist) {
				t.Error("failed pull created the destination")
			}
			dbtest.AssertNoTemp(t, dir)
		})
	}
}
