package build

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// TestEPSSDayKeepsBuckets: FIRST's new scores every day must not make an
// update compress every CVE's enrichment again. With the scores in
// buckets of their own (vulndb.EPSSSuffix), a build whose only change is
// a new EPSS file encodes the EPSS buckets and copies every other entry
// from the previous file; the file is byte-identical to a full build, and
// a lookup gives the CVE List's text with the new score, and a CVE that
// has only a score its score.
func TestEPSSDayKeepsBuckets(t *testing.T) {
	ctx := context.Background()
	cveDir := testutil.Data(t, "enrichment", "cve5")
	files, _ := filepath.Glob(filepath.Join(cveDir, "*.json"))
	var ids []string
	for _, f := range files {
		ids = append(ids, strings.TrimSuffix(filepath.Base(f), ".json"))
	}
	sort.Strings(ids)
	if len(ids) < 100 {
		t.Skipf("%d CVE records in the shared data", len(ids))
	}
	tmp := t.TempDir()
	epss := filepath.Join(tmp, "epss.csv")
	// writeScores writes a day's scores: every CVE of the List, and one
	// CVE only FIRST scores.
	writeScores := func(day int) {
		var b bytes.Buffer
		fmt.Fprintf(&b, "#model_version:v2025.03.14,score_date:2026-12-%02dT00:00:00+0000\ncve,epss,percentile\n", day)
		for i, id := range append(ids, "CVE-2099-99999") {
			fmt.Fprintf(&b, "%s,%.5f,%.5f\n", id, float64((i*7+day)%1000)/1000, float64((i*3+day)%1000)/1000)
		}
		if err := os.WriteFile(epss, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	srcs := []string{cveDir, epss}
	out := filepath.Join(tmp, "db", "scanfleet.db")
	var log bytes.Buffer
	opts := BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: filepath.Join(tmp, "cache"), Logger: slog.New(slog.NewTextHandler(&log, nil))}
	merged := regexp.MustCompile(`msg=merged keys=(\d+) entries_reused=(\d+) entries_encoded=(\d+)`)
	for day := 1; day <= 2; day++ {
		writeScores(day)
		log.Reset()
		if _, err := Build(ctx, out, srcs, opts); err != nil {
			t.Fatalf("day %d: %v", day, err)
		}
		full := filepath.Join(tmp, fmt.Sprintf("full-%d.db", day))
		if _, err := Build(ctx, full, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(out)
		want, _ := os.ReadFile(full)
		if !bytes.Equal(got, want) {
			t.Fatalf("day %d: the cached build differs from a full build", day)
		}
		db, err := vulndb.Open(out)
		if err != nil {
			t.Fatal(err)
		}
		var scoreKeys, keys int
		for _, id := range append(ids, "CVE-2099-99999") {
			e, err := db.Enrichment(ctx, id)
			if err != nil || e == nil || e.EPSS == nil {
				t.Fatalf("day %d: %s: %+v, %v", day, id, e, err)
			}
			if want := fmt.Sprintf("2026-12-%02d", day); !strings.HasPrefix(e.EPSS.Date, want) {
				t.Fatalf("day %d: %s scored on %s", day, id, e.EPSS.Date)
			}
		}
		if e, _ := db.Enrichment(ctx, "CVE-2021-44228"); e != nil && e.Description == "" {
			t.Errorf("day %d: CVE-2021-44228 lost its text: %+v", day, e)
		}
		info := db.Info().Enrichment
		db.Close()
		if info == nil || info.CVEs != len(ids)+1 || info.EPSS != len(ids)+1 {
			t.Errorf("day %d: enrichment info %+v, want %d CVEs, all scored", day, info, len(ids)+1)
		}
		buckets, textBuckets := map[string]bool{}, map[string]bool{}
		for _, id := range append(ids, "CVE-2099-99999") {
			buckets[vulndb.EPSSBucketOf(id)] = true
		}
		for _, id := range ids {
			textBuckets[vulndb.BucketOf(id)] = true
		}
		scoreKeys = len(buckets)
		m := merged.FindStringSubmatch(log.String())
		if m == nil {
			t.Fatalf("day %d: no merge line in the log:\n%s", day, log.String())
		}
		keys, _ = strconv.Atoi(m[1])
		reused, _ := strconv.Atoi(m[2])
		encoded, _ := strconv.Atoi(m[3])
		if day == 2 && (encoded != scoreKeys || reused < len(textBuckets)) {
			t.Errorf("day 2: %d of %d entries encoded again, %d copied; want the %d EPSS buckets encoded, the %d buckets of the CVE List's text copied",
				encoded, keys, reused, scoreKeys, len(textBuckets))
		}
	}
}
