package source

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

func TestArchivesAgree(t *testing.T) {
	dockerPath, ociPath := fixtureDocker(t), fixtureOCI(t)
	entries := dockerSaveManifest(t, dockerPath)
	if len(entries) != 1 {
		t.Fatalf("fixture manifest.json lists %d images", len(entries))
	}
	want := configDiffIDs(t, dockerPath, entries[0].Config)
	if len(want) != len(entries[0].Layers) {
		t.Fatalf("fixture: %d diff IDs for %d layers", len(want), len(entries[0].Layers))
	}

	d := mustOpen(t, "docker-archive:"+dockerPath, Options{})
	o := mustOpen(t, "oci-archive:"+ociPath, Options{})
	if got := diffIDs(t, d); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("docker-archive diff IDs = %v, want %v", got, want)
	}
	if got := diffIDs(t, o); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("oci-archive diff IDs = %v, want %v", got, want)
	}
	if !d.StoredUncompressed || o.StoredUncompressed {
		t.Errorf("StoredUncompressed: docker-archive %v, oci-archive %v; want true, false", d.StoredUncompressed, o.StoredUncompressed)
	}
	if d.Reference != "docker-archive:"+dockerPath || o.Reference != "oci-archive:"+ociPath {
		t.Errorf("references %q, %q", d.Reference, o.Reference)
	}
	// Same config, so the same image ID, whichever archive it came from.
	dc, _ := d.ConfigName()
	oc, _ := o.ConfigName()
	if dc != oc || dc.Hex+".json" != entries[0].Config {
		t.Errorf("config digests: docker-archive %s, oci-archive %s, manifest.json %s", dc, oc, entries[0].Config)
	}
	for name, img := range map[string]v1.Image{"docker-archive": d, "oci-archive": o} {
		if err := imagetest.ReadLayers(img); err != nil {
			t.Errorf("%s: reading layers: %v", name, err)
		}
	}
	// docker-archive layers are described uncompressed: digest == diff ID.
	ls, _ := d.Layers()
	for _, l := range ls {
		dg, _ := l.Digest()
		di, _ := l.DiffID()
		mt, _ := l.MediaType()
		if dg != di || mt != types.DockerUncompressedLayer {
			t.Errorf("docker-archive layer digest %s diff ID %s media type %s", dg, di, mt)
		}
	}
}

func TestOCIArchiveByTag(t *testing.T) {
	p := fixtureOCI(t)
	tests := []struct {
		tag  string
		kind error
	}{
		{"1", nil},
		{"localhost/scan-fixture-alpine:1", nil},
		{"2", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.tag, func(t *testing.T) {
			img, err := Open(t.Context(), "oci-archive:"+p+":"+tt.tag, Options{})
			if tt.kind != nil {
				assertKind(t, err, tt.kind)
				if !strings.Contains(err.Error(), "localhost/scan-fixture-alpine:1") {
					t.Errorf("error does not list the names present: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			if n := len(diffIDs(t, img)); n != 4 {
				t.Errorf("%d layers, want 4", n)
			}
		})
	}
}

func TestDockerArchiveBundle(t *testing.T) {
	p := testutil.Data(t, "image-edgecases", "ggcr", "pkg_v1_tarball_testdata_test_bundle.tar")
	entries := dockerSaveManifest(t, p)
	if len(entries) < 2 {
		t.Fatalf("bundle lists %d images, want several", len(entries))
	}
	_, err := Open(t.Context(), "docker-archive:"+p, Options{})
	assertKind(t, err, ErrInvalid)
	for _, e := range entries {
		for _, tag := range e.RepoTags {
			if !strings.Contains(err.Error(), tag) {
				t.Errorf("error %q does not list %s", err, tag)
			}
			t.Run(tag, func(t *testing.T) {
				img := mustOpen(t, "docker-archive:"+p+":"+tag, Options{})
				cn, err := img.ConfigName()
				if err != nil {
					t.Fatal(err)
				}
				if cn.Hex+".json" != e.Config {
					t.Errorf("picked config %s, want %s", cn, e.Config)
				}
				if err := imagetest.ReadLayers(img); err != nil {
					t.Error(err)
				}
			})
		}
	}
	_, err = Open(t.Context(), "docker-archive:"+p+":no/such:image", Options{})
	assertKind(t, err, ErrNotFound)
}

// truncated writes the first n bytes of src to a temp file.
func truncated(t *testing.T, src string, n int64) string {
	t.Helper()
	f, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(out, f, n); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
	return dst
}

func TestTruncatedArchives(t *testing.T) {
	for _, tc := range []struct{ prefix, path string }{
		{"docker-archive:", fixtureDocker(t)},
		{"oci-archive:", fixtureOCI(t)},
	} {
		fi, err := os.Stat(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		for _, frac := range []int64{10, 50, 90} {
			n := fi.Size() * frac / 100
			t.Run(tc.prefix+string(rune('0'+frac/10)), func(t *testing.T) {
				p := truncated(t, tc.path, n)
				img, err := Open(t.Context(), tc.prefix+p, Options{})
				if err == nil {
					err = imagetest.ReadLayers(img)
					img.Close()
				}
				assertKind(t, err, ErrInvalid)
				if !strings.Contains(err.Error(), p) {
					t.Errorf("error does not name the image: %v", err)
				}
			})
		}
	}
}

// A flipped byte inside a layer blob is caught when the layer is read.
func TestCorruptLayerDetected(t *testing.T) {
	src := fixtureOCI(t)
	img := mustOpen(t, "oci-archive:"+src, Options{})
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	dg, _ := ls[0].Digest()
	off := blobOffset(t, src, "blobs/sha256/"+dg.Hex)
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	b[off+1000] ^= 0xff
	p := filepath.Join(t.TempDir(), "corrupt.oci.tar")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := mustOpen(t, "oci-archive:"+p, Options{})
	bl, _ := bad.Layers()
	rc, err := bl[0].Compressed()
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("reading a corrupt blob: %v, want ErrInvalid", err)
	}
}

func TestOCIDirPlatforms(t *testing.T) {
	mk := func(arch, variant string) v1.Image {
		img, err := random.Image(512, 1)
		if err != nil {
			t.Fatal(err)
		}
		cf, _ := img.ConfigFile()
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = "linux", arch, variant
		img, err = mutate.ConfigFile(img, cf)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	amd, arm := mk("amd64", ""), mk("arm64", "v8")
	idx := mutate.AppendManifests(empty.Index,
		mutate.IndexAddendum{Add: amd, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "amd64"}}},
		mutate.IndexAddendum{Add: arm, Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: "linux", Architecture: "arm64", Variant: "v8"}}},
	)
	dir := t.TempDir()
	if _, err := layout.Write(dir, idx); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		platform string
		want     v1.Image
		kind     error
	}{
		{"", amd, nil},
		{"linux/amd64", amd, nil},
		{"linux/arm64", arm, nil},
		{"linux/arm64/v8", arm, nil},
		{"linux/s390x", nil, ErrNotFound},
		{"nonsense", nil, ErrInvalid},
	} {
		t.Run(tt.platform, func(t *testing.T) {
			img, err := Open(t.Context(), "oci:"+dir, Options{Platform: tt.platform})
			if tt.kind != nil {
				assertKind(t, err, tt.kind)
				if tt.kind == ErrNotFound && (!strings.Contains(err.Error(), "linux/amd64") || !strings.Contains(err.Error(), "linux/arm64/v8")) {
					t.Errorf("error does not list the platforms: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer img.Close()
			got, _ := img.Digest()
			want, _ := tt.want.Digest()
			if got != want {
				t.Errorf("picked %s, want %s", got, want)
			}
			if err := imagetest.ReadLayers(img); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestMissingFiles(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.tar")
	for _, ref := range []string{"docker-archive:" + missing, "oci-archive:" + missing, "oci:" + missing} {
		_, err := Open(t.Context(), ref, Options{})
		assertKind(t, err, ErrNotFound)
	}
	// Not a tar at all.
	p := filepath.Join(t.TempDir(), "garbage.tar")
	if err := os.WriteFile(p, []byte(strings.Repeat("not a tar\n", 100)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{"docker-archive:" + p, "oci-archive:" + p} {
		_, err := Open(t.Context(), ref, Options{})
		assertKind(t, err, ErrInvalid)
	}
}

// Every edge-case archive either opens and streams every layer (each
// hashing to its diff ID), or fails with a one-line ErrInvalid error. Which
// of the two is expected is read from the archive itself: a docker-archive
// opens when manifest.json lists exactly one image, an oci-archive when
// index.json lists a manifest.
func TestEdgeCaseArchives(t *testing.T) {
	dir := testutil.Data(t, "image-edgecases")
	var files []string
	for _, sub := range []string{"ggcr", "scalibr"} {
		m, err := filepath.Glob(filepath.Join(dir, sub, "*.tar"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 30 {
		t.Fatalf("found %d edge-case archives, want the 32 of the README", len(files))
	}
	for _, p := range files {
		t.Run(filepath.Base(filepath.Dir(p))+"/"+filepath.Base(p), func(t *testing.T) {
			var entries []json.RawMessage
			if b, ok := tarFileIfAny(t, p, "manifest.json"); ok {
				_ = json.Unmarshal(b, &entries)
			}
			var index struct{ Manifests []json.RawMessage }
			if b, ok := tarFileIfAny(t, p, "index.json"); ok {
				_ = json.Unmarshal(b, &index)
			}
			for _, tc := range []struct {
				prefix string
				wantOK bool
			}{
				{"docker-archive:", len(entries) == 1},
				{"oci-archive:", len(index.Manifests) > 0},
			} {
				img, err := Open(t.Context(), tc.prefix+p, Options{})
				if err == nil {
					err = imagetest.ReadLayers(img)
					img.Close()
				}
				if tc.wantOK {
					if err != nil {
						t.Errorf("%s: %v", tc.prefix, err)
					}
					continue
				}
				assertKind(t, err, ErrInvalid)
			}
		})
	}
}

// BenchmarkDockerArchive opens the fixture docker-archive and streams every
// layer uncompressed, as a scan does.
func BenchmarkDockerArchive(b *testing.B) {
	p := fixtureDocker(b)
	for b.Loop() {
		img, err := Open(b.Context(), "docker-archive:"+p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		ls, err := img.Layers()
		if err != nil {
			b.Fatal(err)
		}
		for _, l := range ls {
			rc, err := l.Uncompressed()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.Copy(io.Discard, rc); err != nil {
				b.Fatal(err)
			}
			rc.Close()
		}
		img.Close()
	}
}

// BenchmarkOCIArchiveOpen measures indexing the OCI archive and resolving
// its image, without reading layers.
func BenchmarkOCIArchiveOpen(b *testing.B) {
	p := fixtureOCI(b)
	for b.Loop() {
		img, err := Open(b.Context(), "oci-archive:"+p, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := img.Layers(); err != nil {
			b.Fatal(err)
		}
		img.Close()
	}
}
