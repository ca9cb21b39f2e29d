package feed

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// TestLoadRedHatCSAFArchive reads Red Hat CSAF documents from a .tar.zst,
// the form of Red Hat's bulk archives: the real RHSA-2024:0811 sample, a
// document with nothing for CentOS (skipped), a malformed one (counted
// and named); a truncated archive fails the load with its name.
func TestLoadRedHatCSAFArchive(t *testing.T) {
	real, err := os.ReadFile("../ecosystem/redhat/csaf/testdata/rhsa-2024_0811.trimmed.json")
	if err != nil {
		t.Fatal(err)
	}
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, m := range []struct{ name, body string }{
		{"2024/rhsa-2024_0811.json", string(real)},
		{"2024/rhsa-2099_0001.json", `{"document":{"category":"csaf_security_advisory","tracking":{"id":"RHSA-2099:0001"}},"csaf_version":"2.0","product_tree":{"branches":[]},"vulnerabilities":[]}`},
		{"2024/rhsa-2099_0002.json", `{"document":{"csaf_version":"2.0"},"product_tree":{}}`},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	enc, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	archive := enc.EncodeAll(tb.Bytes(), nil)
	dir := t.TempDir()
	src := filepath.Join(dir, "csaf_advisories_2099-01-01.tar.zst")
	if err := os.WriteFile(src, archive, 0o644); err != nil {
		t.Fatal(err)
	}
	st, got := collect(t, src, nil)
	if st.Records != 1 || st.Skipped != 1 || st.Malformed != 1 || len(got) != 1 || got[0].ID != "RHSA-2024:0811" {
		t.Fatalf("stats %+v, advisories %d", st, len(got))
	}
	if !strings.Contains(strings.Join(st.Errors, "\n"), "rhsa-2099_0002.json: CSAF document without a tracking id") {
		t.Errorf("errors %v", st.Errors)
	}

	cut := filepath.Join(dir, "cut.tar.zst")
	if err := os.WriteFile(cut, archive[:len(archive)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), cut, nil, func(*advisory.Advisory) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "cut.tar.zst") {
		t.Errorf("truncated archive: err = %v", err)
	}
}
