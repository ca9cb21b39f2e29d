package vulndb

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
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
	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// smallDB builds a database from two small real sources.
func smallDB(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "small.db")
	srcs := []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}
	if _, err := Build(context.Background(), p, srcs, BuildOptions{BuiltAt: fixedBuildTime}); err != nil {
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
	assertNoTemp(t, dir)
}

func TestExportRefusesCorrupt(t *testing.T) {
	src := smallDB(t)
	b, _ := os.ReadFile(src)
	b[len(b)-1] ^= 1
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, b, 0o644)
	if _, err := Export(bad, io.Discard); !errors.Is(err, ErrCorrupt) {
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
	srcDB, _ := Open(src)
	want := srcDB.Info()
	srcDB.Close()
	fileBytes, _ := os.ReadFile(src)
	if l := m.Layers[0]; l.MediaType != LayerMediaTypeZstd || l.Size >= int64(len(fileBytes)) ||
		l.Annotations[AnnotationSize] != strconv.Itoa(len(fileBytes)) || l.Annotations[AnnotationSHA256] != fmt.Sprintf("%x", sha256.Sum256(fileBytes)) {
		t.Errorf("layer: %+v, want a zstd layer smaller than the %d-byte file, with its size and sha256", l, len(fileBytes))
	}
	if m.Config.MediaType != ConfigMediaType ||
		m.Annotations[AnnotationSchema] != strconv.Itoa(SchemaVersion) || m.Annotations[AnnotationBuiltAt] != "2026-08-21T12:00:00Z" ||
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
	assertNoTemp(t, dir)
}

// feedMirror serves real test data in the formats of the live feeds: OSV
// all.zip archives (made from the tar.gz copies), Alpine secdb branch JSON
// (converted from the legacy YAML of the same schema).
func feedMirror(t *testing.T) (*httptest.Server, map[string]string) {
	t.Helper()
	files := map[string][]byte{}
	for eco, tgz := range map[string]string{"Go": "osv-go-vulndb.tar.gz", "crates.io": "osv-crates.tar.gz"} {
		files["/osv/"+eco+"/all.zip"] = tarGzToZip(t, testutil.Data(t, "advisories", tgz))
	}
	for _, br := range []string{"v3.10", "v3.11"} {
		y, err := os.ReadFile(testutil.Data(t, "advisories", "alpine-secdb-legacy", br, "main.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		var doc any
		if err := yaml.Unmarshal(y, &doc); err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		files["/alpine/"+br+"/main.json"] = js
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	// the same content as local files, to compare counts with Build
	local := map[string]string{}
	dir := t.TempDir()
	for p, b := range files {
		lp := filepath.Join(dir, strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_"))
		os.WriteFile(lp, b, 0o644)
		local[p] = lp
	}
	return srv, local
}

func tarGzToZip(t *testing.T, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		w, err := zw.Create(filepath.Base(h.Name))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tr); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUpdate(t *testing.T) {
	srv, local := feedMirror(t)
	ctx := context.Background()
	dir := t.TempDir()
	dest := filepath.Join(dir, "scanfleet.db")
	cfg := UpdateConfig{
		DB:               dest,
		OSVBaseURL:       srv.URL + "/osv/",
		OSVEcosystems:    []string{"Go", "crates.io"},
		AlpineSecDBURL:   srv.URL + "/alpine",
		AlpineBranches:   []string{"v3.10", "v3.11"},
		AlpineRepos:      []string{"main"},
		DebianTrackerURL: "-",
		DistroFeeds:      []string{"-"},
		CVEListURL:       "-", KEVURL: "-", EPSSURL: "-", // TestUpdateEnrichment
		HTTPClient: srv.Client(),
	}
	wantURLs := []string{
		srv.URL + "/osv/Go/all.zip", srv.URL + "/osv/crates.io/all.zip",
		srv.URL + "/alpine/v3.10/main.json", srv.URL + "/alpine/v3.11/main.json",
	}
	if got := cfg.SourceURLs(); strings.Join(got, " ") != strings.Join(wantURLs, " ") {
		t.Fatalf("SourceURLs = %v, want %v", got, wantURLs)
	}
	info, err := Update(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	// The same bytes read from disk give the same counts.
	var localSrcs []string
	for _, u := range wantURLs {
		localSrcs = append(localSrcs, local[strings.TrimPrefix(u, srv.URL)])
	}
	ref, err := Build(ctx, filepath.Join(dir, "ref.db"), localSrcs, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if info.Advisories != ref.Advisories || info.Keys != ref.Keys || len(info.Sources) != 4 {
		t.Errorf("update: %d advisories, %d keys, %d sources; local build: %d, %d", info.Advisories, info.Keys, len(info.Sources), ref.Advisories, ref.Keys)
	}
	for i, s := range info.Sources {
		if s.Source != wantURLs[i] || s.Records != ref.Sources[i].Records || s.Records == 0 {
			t.Errorf("source %d: %+v, local %+v", i, s, ref.Sources[i])
		}
	}
	db, err := Open(dest)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []string{"Go", "crates.io", "Alpine:v3.10", "Alpine:v3.11"} {
		if !db.HasEcosystem(e) {
			t.Errorf("updated database lacks %s", e)
		}
	}
	db.Close()

	// A failing source fails the update and leaves the database alone.
	before, _ := os.ReadFile(dest)
	cfg.AlpineBranches = []string{"v3.10", "v3.99"}
	if _, err := Update(ctx, cfg); err == nil || !strings.Contains(err.Error(), "v3.99/main.json") || !strings.Contains(err.Error(), "404") {
		t.Errorf("update with a missing source: %v", err)
	}
	after, _ := os.ReadFile(dest)
	if !bytes.Equal(before, after) {
		t.Error("failed update changed the database")
	}
	assertNoTemp(t, dir)
}

func TestDefaultSourceURLs(t *testing.T) {
	urls := UpdateConfig{}.SourceURLs()
	want := map[string]bool{
		DefaultOSVBaseURL + "/Debian/all.zip":        true,
		DefaultOSVBaseURL + "/Rocky%20Linux/all.zip": true,
		DefaultOSVBaseURL + "/Red%20Hat/all.zip":     true,
		DefaultOSVBaseURL + "/Packagist/all.zip":     true,
		DefaultAlpineSecDBURL + "/v3.20/main.json":   true,
		DefaultDebianTrackerURL:                      true,
		DefaultCVEListURL:                            true,
		DefaultKEVURL:                                true,
		DefaultEPSSURL:                               true,
	}
	for _, u := range urls {
		if u == DefaultNVDAPIURL {
			t.Errorf("NVD API in the default list without a key (a keyless full download takes over 15 minutes)")
		}
		delete(want, u)
	}
	if len(want) > 0 {
		t.Errorf("default sources lack %v", want)
	}
	if got := (UpdateConfig{NVDAPIKey: "k"}).SourceURLs(); !strings.Contains(strings.Join(got, " "), DefaultNVDAPIURL) {
		t.Errorf("NVD API not used with a key: %v", got)
	}
	if got := (UpdateConfig{Sources: []string{"a"}}).SourceURLs(); len(got) != 1 || got[0] != "a" {
		t.Errorf("explicit Sources not used: %v", got)
	}
}

func TestLoadUpdateConfig(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.yaml")
	os.WriteFile(good, []byte("osv_base_url: http://mirror.example/osv\nosv_ecosystems: [Go]\ndebian_tracker_url: \"-\"\ndistro_feeds: [\"-\"]\nalpine_secdb_url: \"-\"\ncve_list_url: \"-\"\nkev_url: \"-\"\nepss_url: \"-\"\n"), 0o644)
	cfg, err := LoadUpdateConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.SourceURLs(); len(got) != 1 || got[0] != "http://mirror.example/osv/Go/all.zip" {
		t.Errorf("SourceURLs = %v", got)
	}
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("osv_base_ulr: http://typo\n"), 0o644)
	if _, err := LoadUpdateConfig(bad); err == nil || !strings.Contains(err.Error(), "osv_base_ulr") {
		t.Errorf("misspelt key: %v", err)
	}
}

// FuzzImport feeds arbitrary export files to Import: it must fail cleanly
// (never panic, never install) unless the input is a valid export.
func FuzzImport(f *testing.F) {
	dir := f.TempDir()
	src := filepath.Join(dir, "seed.db")
	if _, err := Build(context.Background(), src, []string{testutil.Data(f, "advisories", "osv-ghsa-npm-subset")}, BuildOptions{BuiltAt: fixedBuildTime}); err != nil {
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
		if _, err := Open(dest); err != nil {
			t.Fatalf("Import succeeded but Open fails: %v", err)
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
	db, err := Open(src)
	if err != nil {
		t.Fatal(err)
	}
	info := db.Info()
	db.Close()
	anns := map[string]string{AnnotationSchema: strconv.Itoa(SchemaVersion), AnnotationDigest: info.Digest}
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
		{"compressed, wrong database digest", z, LayerMediaTypeZstd, zAnns(size, sum), map[string]string{AnnotationSchema: strconv.Itoa(SchemaVersion), AnnotationDigest: "sha256:00"}, ErrTampered, "database digest"},
		{"schema 2 artifact", file, LayerMediaType, nil, oldSchema, ErrSchema, "build or update"},
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
			assertNoTemp(t, dir)
		})
	}
}
