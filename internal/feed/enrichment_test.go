package feed

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestLoadAllEnrichmentDir reads the whole shared enrichment folder as
// one source: every kind is told apart by content, nothing is taken for
// an advisory, and what is not enrichment is counted, not fatal.
func TestLoadAllEnrichmentDir(t *testing.T) {
	dir := testutil.Data(t, "enrichment")
	kinds := map[string]int{}
	st, err := LoadAll(context.Background(), dir, func(a *advisory.Advisory) error {
		if a.ID != "UBUNTU-CVE-2025-38094" {
			t.Errorf("advisory %s emitted from the enrichment folder", a.ID)
		}
		return nil
	}, Options{Enrich: func(e *advisory.Enrichment) error {
		switch {
		case e.KEV != nil && e.Description == "":
			kinds["kev"]++
		case e.EPSS != nil:
			kinds["epss"]++
		default:
			kinds["record"]++
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	// 704 + 239 CVE JSON 5, 63 NVD, KEV entries; EPSS rows of two files.
	if kinds["record"] < 704+239+63 || kinds["kev"] < 1404 || kinds["epss"] < 2 {
		t.Errorf("enrichment kinds %v", kinds)
	}
	if st.Enrichment != kinds["record"]+kinds["kev"]+kinds["epss"] {
		t.Errorf("Stats.Enrichment %d, emitted %v", st.Enrichment, kinds)
	}
	t.Logf("stats: %d files, %d records, %d enrichment, %d skipped, %d malformed: %v", st.Files, st.Records, st.Enrichment, st.Skipped, st.Malformed, st.Errors)
}

// TestEnrichmentMalformedNamesFile: a broken CVE record is one malformed
// record naming its file and the cause; Load without an enrichment
// callback skips enrichment documents instead of calling them malformed.
func TestEnrichmentMalformedNamesFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "CVE-2024-0001.json"), []byte(`{"cveMetadata":{"cveId":"CVE-2024-0001"},"containers":{"cna":{"metrics":"oops"}}}`), 0o644)
	os.WriteFile(filepath.Join(dir, "kev.json"), []byte(`{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-0002","dateAdded":"2024-01-02"}]}`), 0o644)
	st, err := LoadAll(context.Background(), dir, func(*advisory.Advisory) error { return nil }, Options{Enrich: func(*advisory.Enrichment) error { return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Malformed != 1 || st.Enrichment != 1 || len(st.Errors) != 1 || !strings.Contains(st.Errors[0], "CVE-2024-0001.json") || !strings.Contains(st.Errors[0], "CVE JSON 5") {
		t.Errorf("stats %+v", st)
	}
	st, err = Load(context.Background(), dir, nil, func(*advisory.Advisory) error { return nil })
	if err != nil || st.Malformed != 0 || st.Skipped != 2 {
		t.Errorf("Load without enrichment: %+v, %v", st, err)
	}
}
