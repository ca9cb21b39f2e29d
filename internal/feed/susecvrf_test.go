package feed

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestLoadSUSECVRF: the real vuln-list CVRF samples of the shared data,
// read from a tar.gz as a mirror would serve them, beside a malformed
// document (counted, named, not fatal), a document that fixes only an
// image product (skipped) and an XML document whose root is neither
// (named as such).
func TestLoadSUSECVRF(t *testing.T) {
	dir := testutil.Data(t, "distros")
	files, _ := filepath.Glob(filepath.Join(dir, "*", "cvrf", "*.json"))
	if len(files) != 6 {
		t.Fatalf("%d CVRF samples, want 6", len(files))
	}
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	add := func(name string, b []byte) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(b); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		add("cvrf/suse/"+filepath.Base(p), b)
	}
	add("cvrf/suse/bad.json", []byte(`{"Tracking":{"ID":"SUSE-SU-2099:1-1"},"ProductTree":{"Relationships":[{"ProductReference":"noversion","RelatesToProductReference":"SUSE Linux Enterprise Server 15 SP3"}]}}`))
	add("cvrf/suse/image.json", []byte(`{"Tracking":{"ID":"SUSE-IU-2099:2-1"},"ProductTree":{"Relationships":[{"ProductReference":"a-1-1","RelatesToProductReference":"Container bci/bci-init:15.3"}]}}`))
	add("cvrf/suse/other.xml", []byte(`<?xml version="1.0"?><csaf/>`))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "cvrf.tar.gz")
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	st, got := collect(t, src, nil)
	if st.Records != 6 || st.Malformed != 2 || st.Skipped != 1 || len(got) != 6 {
		t.Fatalf("stats %+v, %d advisories", st, len(got))
	}
	errs := strings.Join(st.Errors, "\n")
	for _, want := range []string{`cvrf/suse/bad.json: SUSE-SU-2099:1-1: product "SUSE Linux Enterprise Server 15 SP3": package reference "noversion" is not name-version-release`,
		"cvrf/suse/other.xml: XML document <csaf> is not an updateinfo, repomd, OVAL or CVRF document"} {
		if !strings.Contains(errs, want) {
			t.Errorf("errors lack %q:\n%s", want, errs)
		}
	}
	for _, a := range got {
		if a.Source != "suse-cvrf" || len(a.Affected) == 0 || len(a.Aliases) == 0 {
			t.Errorf("%s: source %q, %d affected, aliases %v", a.ID, a.Source, len(a.Affected), a.Aliases)
		}
	}
}
