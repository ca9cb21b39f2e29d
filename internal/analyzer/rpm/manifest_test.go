package rpm

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestContainerManifest reads a real Mariner distroless rpm manifest
// (syft's sample): every line a package, the epoch column honoured, the
// source package from the source RPM's file name.
func TestContainerManifest(t *testing.T) {
	p := testutil.Data(t, "distros", "mariner2", "var", "lib", "rpmmanifest", "container-manifest-2.syft-sample")
	content, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	a := New()
	if !a.Wants(manifestPath, 0o644, int64(len(content))) {
		t.Fatal("the manifest is not wanted")
	}
	res, err := a.Analyze(context.Background(), manifestPath, content)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][3]string{ // name -> version, source, source version
		"mariner-release": {"2.0-12.cm2", "mariner-release", "2.0-12.cm2"},
		"filesystem":      {"1.1-9.cm2", "filesystem", "1.1-9.cm2"},
		"glibc":           {"2.35-2.cm2", "glibc", "2.35-2.cm2"},
		"openssl-libs":    {"1.1.1k-15.cm2", "openssl", "1.1.1k-15.cm2"},
		"vim":             {"2:9.0-1.cm2", "vim", "2:9.0-1.cm2"},
	}
	if len(res.Packages) != len(want) {
		t.Fatalf("%d packages: %+v", len(res.Packages), res.Packages)
	}
	for _, p := range res.Packages {
		w, ok := want[p.Name]
		if !ok || p.Version != w[0] || p.SourceName != w[1] || p.SourceVersion != w[2] || p.Type != "rpm" || p.Path != manifestPath {
			t.Errorf("%+v, want %v", p, w)
		}
	}

	// A broken line is named and skipped; the others stand.
	bad := append(append([]byte{}, content...), []byte("half\tline\n")...)
	res, err = a.Analyze(context.Background(), manifestPath, bad)
	if !errors.Is(err, ErrMalformed) || res == nil || len(res.Packages) != len(want) {
		t.Errorf("broken line: %v, %v", err, res)
	}
	if _, err := a.Analyze(context.Background(), manifestPath, []byte("garbage\n")); err == nil {
		t.Error("a manifest with no readable line was accepted")
	}
}
