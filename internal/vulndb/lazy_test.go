package vulndb

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// TestAffectedAndRecords checks that Affected then Records (what the
// matcher uses to decode only the advisories that affect a version) give
// exactly what Advisories gives, for a spread of keys, and that bad ids
// and a closed DB are named errors.
func TestAffectedAndRecords(t *testing.T) {
	f := fullDB(t)
	db, err := Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, k := range sampleKeys(f.byKey, 300) {
		eco, pkg, _ := cut0(k)
		ids, affs, err := db.Affected(ctx, eco, pkg)
		if err != nil {
			t.Fatalf("Affected(%q, %q): %v", eco, pkg, err)
		}
		recs, err := db.Records(ctx, ids)
		if err != nil {
			t.Fatalf("Records(%v): %v", ids, err)
		}
		want := f.byKey[k]
		if len(ids) != len(want) || len(affs) != len(ids) || len(recs) != len(ids) {
			t.Fatalf("%q: %d ids, %d affected lists, %d records; want %d", k, len(ids), len(affs), len(recs), len(want))
		}
		for i, r := range recs {
			if len(r.Affected) != 0 {
				t.Errorf("%q: record %d has Affected entries", k, ids[i])
			}
			a := *r
			a.Affected = affs[i]
			if js, _ := json.Marshal(a); string(js) != want[i] {
				t.Errorf("%q[%d]:\n got %s\nwant %s", k, i, js, want[i])
			}
		}
	}
	if ids, affs, err := db.Affected(ctx, "Go", "example.com/not/a/module"); err != nil || ids != nil || affs != nil {
		t.Errorf("absent key: %v, %v, %v", ids, affs, err)
	}
	if _, err := db.Records(ctx, []uint32{uint32(db.Info().Advisories)}); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Records of an id past the end: %v, want ErrCorrupt", err)
	}
	db.Close()
	if _, _, err := db.Affected(ctx, "npm", "lodash"); !errors.Is(err, errClosed) {
		t.Errorf("Affected after Close: %v", err)
	}
	if _, err := db.Records(ctx, []uint32{0}); !errors.Is(err, errClosed) {
		t.Errorf("Records after Close: %v", err)
	}
}

// TestEnrichmentsBatch checks that Enrichments (one decode per bucket)
// answers every CVE as Enrichment does one by one, including CVEs the
// database does not hold and strings that are not CVE ids.
func TestEnrichmentsBatch(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "enriched.db")
	srcs := []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "enrichment")}
	if _, err := buildForTest(ctx, out, srcs, dbtest.BuiltAt); err != nil {
		t.Fatal(err)
	}
	db, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every CVE of every bucket (its EPSS bucket too), read from the index.
	var cves []string
	for i := 0; i < db.l.nKeys; i++ {
		k, _, err := db.l.entry(i)
		if err != nil {
			t.Fatal(err)
		}
		eco, b, _ := cut0(string(k))
		if eco != EnrichEco {
			continue
		}
		raw, err := db.bucketRaw(b, b)
		if err != nil {
			t.Fatal(err)
		}
		// splitArray finds the elements a validating decode finds.
		ids, off, n, err := db.l.lookupRange(JoinKey(EnrichEco, b))
		if err != nil || ids == nil {
			t.Fatalf("bucket %q: %v", b, err)
		}
		z, _ := db.l.dataRange(off, n)
		plain, err := db.dec.DecodeAll(z, nil)
		if err != nil {
			t.Fatal(err)
		}
		var want []json.RawMessage
		if err := json.Unmarshal(plain, &want); err != nil || !reflect.DeepEqual(raw, want) {
			t.Fatalf("bucket %q: splitArray gives %d elements, json.Unmarshal %d (%v)", b, len(raw), len(want), err)
		}
		for _, r := range raw {
			var e struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal(r, &e); err != nil || enrichmentID(r) != e.ID {
				t.Fatalf("bucket %q: record id %q (%v), enrichmentID %q", b, e.ID, err, enrichmentID(r))
			}
			cves = append(cves, e.ID)
		}
	}
	if len(cves) < 1000 {
		t.Fatalf("%d CVEs in the database, want the shared enrichment data's", len(cves))
	}
	asked := append(append([]string(nil), cves...), "CVE-2099-99999", "CVE-1999-00000", "GHSA-xxxx-yyyy-zzzz", "", cves[0])
	got, err := db.Enrichments(ctx, asked)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range asked {
		one, err := db.Enrichment(ctx, c)
		if err != nil {
			t.Fatalf("Enrichment(%q): %v", c, err)
		}
		if b, ok := got[c]; ok != (one != nil) || !reflect.DeepEqual(b, one) {
			t.Errorf("%q: batch %+v (present %v), one by one %+v", c, b, ok, one)
		}
	}
	// A CVE with text and a score is in two buckets (EPSSSuffix).
	distinct := map[string]bool{}
	for _, c := range cves {
		distinct[c] = true
	}
	if len(got) != len(distinct) {
		t.Errorf("batch returned %d CVEs, the database holds %d", len(got), len(distinct))
	}
}

// TestSplitArray: the elements of well-formed arrays (strings holding
// brackets, quotes and escapes), and a named error, never a panic, for
// malformed ones.
func TestSplitArray(t *testing.T) {
	tests := []struct {
		in   string
		want []string // nil: an error
	}{
		{`[]`, []string{}},
		{` [ {"id":"a"} ] `, []string{`{"id":"a"}`}},
		{`[{"id":"a","d":"}]{[\"\\"},{"id":"b","x":[{"y":1},[2]]}]`, []string{`{"id":"a","d":"}]{[\"\\"}`, `{"id":"b","x":[{"y":1},[2]]}`}},
		{"[{\"id\":\"a\"},\n\t{\"id\":\"b\"}]", []string{`{"id":"a"}`, `{"id":"b"}`}},
		{`{"id":"a"}`, nil},
		{`[{"id":"a"}`, nil},
		{`[{"id":"a"]`, nil},
		{`[{"id":"a}]`, nil},
		{`[1,{"id":"a"}]`, nil},
		{`[[{"id":"a"}]]`, nil},
		{`[}{]`, nil},
		{`[`, nil},
		{``, nil},
	}
	for _, tc := range tests {
		got, err := splitArray([]byte(tc.in))
		if tc.want == nil {
			if err == nil {
				t.Errorf("splitArray(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("splitArray(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			continue
		}
		for i := range got {
			if string(got[i]) != tc.want[i] {
				t.Errorf("splitArray(%q)[%d] = %s, want %s", tc.in, i, got[i], tc.want[i])
			}
		}
	}
}
