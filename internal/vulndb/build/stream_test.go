package build

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// enrichmentSources are the enrichment documents of the shared test data:
// CVE JSON 5 records (several per CVE with the Go CNA's), NVD pages, the
// KEV catalog and EPSS files, so that CVEs are merged across sources.
func enrichmentSources(t testing.TB) []string {
	return []string{
		testutil.Data(t, "enrichment", "cve5"),
		testutil.Data(t, "enrichment", "cve5-go-cna"),
		testutil.Data(t, "enrichment", "nvd2"),
		testutil.Data(t, "enrichment", "kev", "known_exploited_vulnerabilities.json"),
		testutil.Data(t, "enrichment", "epss"),
	}
}

// TestStreamingBuildMatchesInMemory checks the streaming build (sorted
// runs spilled to disk and merged) against the in-memory builder it
// replaced: the same sources must give the same file, byte for byte, with
// one sorted run per source or with hundreds.
func TestStreamingBuildMatchesInMemory(t *testing.T) {
	srcs := append(dbtest.SourcePaths(t), enrichmentSources(t)...)
	ctx := context.Background()
	want, err := buildInMemory(ctx, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt}, feed.LoadAll)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		runBytes int
	}{
		{"default runs", 0},
		{"64 KiB runs", 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "stream.db")
			info, err := Build(ctx, out, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt, runBytes: tc.runBytes})
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if info.Advisories == 0 || info.Enrichment == nil || info.Enrichment.CVEs == 0 || info.Enrichment.KEV == 0 {
				t.Fatalf("build holds too little: %+v", info)
			}
			if !bytes.Equal(got, want) {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("streaming build differs from the in-memory build at byte %d (sizes %d, %d)", i, len(got), len(want))
			}
			// Nothing is left behind in the output's directory.
			ents, _ := os.ReadDir(filepath.Dir(out))
			if len(ents) != 1 {
				t.Errorf("output directory holds %d entries, want only the database", len(ents))
			}
		})
	}
}
