package build

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"testing"

	"github.com/scanfleet/scanfleet/internal/ecosystem/debian/tracker"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// The tracker's DSA/DLA lists attach advisory ids to the Debian records of
// other sources, and are counted as a source of their own.
func TestBuildAttachesDSA(t *testing.T) {
	trackerDir := testutil.Data(t, "advisories", "debian-security-tracker-2023-04")
	dsaList := filepath.Join(trackerDir, "data", "DSA", "list")
	f, err := os.Open(dsaList)
	if err != nil {
		t.Fatal(err)
	}
	entries, _, err := tracker.ParseDSAList(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	// The newest entry with a CVE and a numbered release's fix.
	var (
		id  string
		cve string
		fix tracker.DSAFix
	)
	for _, e := range entries {
		for _, fx := range e.Fixes {
			if len(e.CVEs) > 0 && fx.Ecosystem != "" && fx.FixedVersion != "" {
				id, cve, fix = e.ID, e.CVEs[0], fx
			}
		}
	}
	if id == "" {
		t.Fatal("no usable DSA entry")
	}
	osv := t.TempDir()
	rec := map[string]any{
		"id": "DEBIAN-TEST-1", "aliases": []string{cve}, "modified": "2023-04-01T00:00:00Z",
		"affected": []any{map[string]any{
			"package": map[string]any{"ecosystem": fix.Ecosystem, "name": fix.Package},
			"ranges":  []any{map[string]any{"type": "ECOSYSTEM", "events": []any{map[string]any{"introduced": "0"}, map[string]any{"fixed": fix.FixedVersion}}}},
		}},
	}
	b, _ := json.Marshal(rec)
	if err := os.WriteFile(filepath.Join(osv, "rec.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "db")
	info, err := Build(context.Background(), out, []string{trackerDir, osv}, BuildOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// Independent count of list entries: header lines.
	header := regexp.MustCompile(`(?m)^\[\d{1,2} [A-Z][a-z]{2} \d{4}\] (DSA|DLA)-`)
	want := 0
	for _, l := range []string{dsaList, filepath.Join(trackerDir, "data", "DLA", "list")} {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		want += len(header.FindAll(b, -1))
	}
	if len(info.Sources) != 2 || info.Sources[0].Source != trackerDir || info.Sources[0].Records != want || info.Sources[0].Files != 2 {
		t.Fatalf("sources %+v, want the tracker first with %d entries in 2 files", info.Sources, want)
	}
	db, err := vulndb.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	advs, err := db.Advisories(context.Background(), fix.Ecosystem, fix.Package)
	if err != nil || len(advs) != 1 {
		t.Fatalf("advisories %+v, %v", advs, err)
	}
	if !slices.Contains(advs[0].Aliases, id) || !slices.Contains(advs[0].Aliases, cve) {
		t.Fatalf("aliases %v, want %s attached beside %s", advs[0].Aliases, id, cve)
	}
}
