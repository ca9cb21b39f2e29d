package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// TestScanRiskFilters scans the shared fixture image against a database
// with the shared CVE records plus a KEV catalog and an EPSS file (in the
// upstream formats) naming OpenSSL's CVE-2024-9143: the default order puts
// the KEV findings first, --kev-only keeps exactly them, --min-epss keeps
// the findings at or above the threshold, and a bad threshold is a usage
// error naming the flag.
func TestScanRiskFilters(t *testing.T) {
	ctx := context.Background()
	img := testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.oci.tar")
	dir := t.TempDir()
	kev := `{"catalogVersion":"2026.12.06","vulnerabilities":[{"cveID":"CVE-2024-9143","dateAdded":"2026-12-06","dueDate":"2026-12-27","knownRansomwareCampaignUse":"Unknown"}]}`
	epss := "#model_version:v2025.03.14,score_date:2026-12-06T00:00:00+0000\ncve,epss,percentile\nCVE-2024-9143,0.61000,0.98000\nCVE-2023-45288,0.20000,0.90000\n"
	if err := os.WriteFile(filepath.Join(dir, "known_exploited_vulnerabilities.json"), []byte(kev), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "epss_scores-current.csv"), []byte(epss), 0o644); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(t.TempDir(), "enriched.db")
	srcs := []string{
		testutil.Data(t, "advisories", "alpine-secdb-3.20-subset"), testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz"),
		testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "enrichment", "cve5"), dir,
	}
	if _, err := vulndbbuild.Build(ctx, db, srcs, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	scan := func(extra ...string) result {
		return runCLI(t, nil, append([]string{"scan", "--db", db, "-q", "--format", "json"}, append(extra, "oci-archive:"+img)...)...)
	}

	all := scan()
	if all.code != 0 {
		t.Fatalf("scan: %d %s", all.code, all.stderr)
	}
	rep := decode(t, all.stdout)
	vs := rep.Vulnerabilities
	if len(vs) < 100 || vs[0].ID != "CVE-2024-9143" || vs[0].KEV == nil || vs[1].KEV == nil {
		t.Fatalf("default order: %d findings, first %s kev %v", len(vs), vs[0].ID, vs[0].KEV)
	}
	for i := 1; i < len(vs); i++ {
		if match.RiskLess(&vs[i], &vs[i-1]) {
			t.Fatalf("finding %d (%s) ranks above finding %d (%s)", i, vs[i].ID, i-1, vs[i-1].ID)
		}
	}

	for _, tc := range []struct {
		name  string
		args  []string
		check func(ids []string) bool
	}{
		{"kev only", []string{"--kev-only"}, func(ids []string) bool {
			return len(ids) == 2 && ids[0] == "CVE-2024-9143" && ids[1] == "CVE-2024-9143"
		}},
		{"min epss 0.5", []string{"--min-epss", "0.5"}, func(ids []string) bool { return len(ids) == 2 && ids[0] == "CVE-2024-9143" }},
		{"min epss 10%", []string{"--min-epss", "10%"}, func(ids []string) bool {
			return len(ids) > 2 && ids[0] == "CVE-2024-9143" && strings.Contains(strings.Join(ids, " "), "CVE-2023-45288")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scan(tc.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			var ids []string
			for _, v := range decode(t, r.stdout).Vulnerabilities {
				ids = append(ids, strings.Join(append([]string{v.ID}, v.Aliases...), "/"))
				if v.ID != "CVE-2024-9143" && !strings.Contains(strings.Join(v.Aliases, " "), "CVE-2023-45288") && v.ID != "CVE-2023-45288" {
					t.Errorf("unexpected finding %s %v", v.ID, v.Aliases)
				}
			}
			if !tc.check(ids) {
				t.Errorf("findings %v", ids)
			}
		})
	}
	if r := scan("--min-epss", "2"); r.code != 2 || !strings.Contains(r.stderr, "--min-epss") {
		t.Errorf("bad --min-epss: exit %d, %s", r.code, r.stderr)
	}
}
