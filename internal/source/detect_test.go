package source

import (
	"archive/tar"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// untar extracts archive into dir (regular files and directories only,
// which is all an OCI layout holds).
func untar(t *testing.T, archive, dir string) {
	t.Helper()
	f, err := os.Open(archive)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, filepath.Clean("/"+hdr.Name))
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			out, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(out, tr); err != nil {
				t.Fatal(err)
			}
			out.Close()
		}
	}
}

// TestBarePathsByContent: `scanfleet scan ./image.tar` used to go to
// Docker Hub ("unreachable: Get https://index.docker.io/v2/"). An existing
// file or directory is now read by its content; a name that is also a
// registry reference is refused with both readings.
func TestBarePathsByContent(t *testing.T) {
	dockerTar, ociTar := fixtureDocker(t), fixtureOCI(t)
	want := diffIDs(t, mustOpen(t, "docker-archive:"+dockerTar, Options{}).Image)

	dir := t.TempDir()
	layout := filepath.Join(dir, "layout")
	untar(t, ociTar, layout)
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, content []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("notes.txt", []byte("not an image\n"))
	docker, err := os.ReadFile(dockerTar)
	if err != nil {
		t.Fatal(err)
	}
	write("app:1.0", docker) // a docker save archive whose name is also a reference
	write("image.tar", docker)
	gz, err := os.Create(filepath.Join(dir, "image.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	zw := gzip.NewWriter(gz)
	if _, err := zw.Write(docker[:64<<10]); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	gz.Close()
	t.Chdir(dir)

	tests := []struct {
		name    string
		ref     string
		wantRef string // prefix of the opened image's Reference
		kind    error  // or the error's kind
		errHas  []string
	}{
		{name: "docker-archive, absolute", ref: dockerTar, wantRef: "docker-archive:" + dockerTar},
		{name: "oci-archive, absolute", ref: ociTar, wantRef: "oci-archive:" + ociTar},
		{name: "docker-archive, relative", ref: "./image.tar", wantRef: "docker-archive:./image.tar"},
		{name: "OCI layout directory", ref: "./layout", wantRef: "oci:./layout"},
		{name: "also a registry reference", ref: "app:1.0", kind: ErrAmbiguous,
			errHas: []string{"docker-archive", "index.docker.io/library/app:1.0", "docker-archive:app:1.0", "./app:1.0", "registry:app:1.0"}},
		{name: "bare name of a file is also a reference", ref: "image.tar", kind: ErrAmbiguous, errHas: []string{"./image.tar"}},
		{name: "directory that is no layout", ref: "./rootfs", kind: ErrInvalid, errHas: []string{"not an OCI image layout", "scanfleet host --root"}},
		{name: "text file", ref: "./notes.txt", kind: ErrInvalid, errHas: []string{"not an image archive"}},
		{name: "gzip-compressed archive", ref: "./image.tar.gz", kind: ErrInvalid, errHas: []string{"gzip-compressed"}},
		{name: "missing file", ref: "./missing.tar", kind: ErrNotFound, errHas: []string{"missing.tar"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.kind == nil {
				img := mustOpen(t, tc.ref, Options{})
				if img.Reference != tc.wantRef {
					t.Errorf("Reference = %q, want %q", img.Reference, tc.wantRef)
				}
				if got := diffIDs(t, img.Image); !slices.Equal(got, want) {
					t.Errorf("layers %v, want the fixture's %v", got, want)
				}
				return
			}
			img, err := Open(t.Context(), tc.ref, Options{})
			if err == nil {
				img.Close()
			}
			assertKind(t, err, tc.kind)
			if strings.Contains(err.Error(), "docker.io/v2") {
				t.Errorf("went to Docker Hub: %v", err)
			}
			for _, s := range tc.errHas {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}

// TestRegistryErrorsWithoutGoMaps: a real registry's MANIFEST_UNKNOWN
// carries a detail object that go-containerregistry prints as a Go map
// ("manifest unknown; map[Tag:1]").
func TestRegistryErrorsWithoutGoMaps(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	repo := host + "/source-test/detail"
	r, err := name.ParseReference(repo + ":present")
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.Write(r, fixtureImage(t), remote.WithContext(t.Context())); err != nil {
		t.Fatalf("pushing to %s: %v", r, err)
	}

	_, err = Open(t.Context(), repo+":no-such-tag", Options{Retries: -1})
	assertKind(t, err, ErrNotFound)
	msg := err.Error()
	if strings.Contains(msg, "map[") {
		t.Errorf("error shows a Go map: %q", msg)
	}
	if !strings.Contains(msg, "MANIFEST_UNKNOWN") || !strings.Contains(msg, "no-such-tag") {
		t.Errorf("error %q does not name the code and the tag", msg)
	}
}

func TestDetailText(t *testing.T) {
	tests := []struct {
		detail any
		want   string
	}{
		{map[string]any{"Tag": "1"}, "Tag=1"},
		{map[string]any{"Tag": "1", "Name": "app"}, "Name=app, Tag=1"},
		{map[string]any{"n": 2.0, "list": []any{"a"}}, `list=["a"], n=2`},
		{[]any{map[string]any{"Type": "repository"}}, `[{"Type":"repository"}]`},
		{"plain", `"plain"`},
	}
	for _, tc := range tests {
		if got := detailText(tc.detail); got != tc.want {
			t.Errorf("detailText(%v) = %q, want %q", tc.detail, got, tc.want)
		}
	}
}
