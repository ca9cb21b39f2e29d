package vulndb

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// archiveCounts counts, straight from an OSV tar.gz, the feed documents
// (.json/.yaml members) and those marked withdrawn.
func archiveCounts(t *testing.T, path string) (docs, withdrawn, others int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		var rec struct {
			Withdrawn string `json:"withdrawn" yaml:"withdrawn"`
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		switch strings.ToLower(filepath.Ext(h.Name)) {
		case ".json":
			err = json.Unmarshal(b, &rec)
		case ".yaml", ".yml":
			err = yaml.Unmarshal(b, &rec)
		default:
			others++ // LICENSE, SOURCE.txt: skipped by the reader
			continue
		}
		docs++
		if err == nil && rec.Withdrawn != "" {
			withdrawn++
		}
	}
	return docs, withdrawn, others
}

// TestBuildCountsMatchSources checks the per-source counts stored in the
// database against counts taken from the archives themselves, and against
// what the feed reader reported (nothing lost between the two).
func TestBuildCountsMatchSources(t *testing.T) {
	f := fullDB(t)
	if len(f.info.Sources) != len(dbtest.Sources) {
		t.Fatalf("Info.Sources has %d entries, want %d", len(f.info.Sources), len(dbtest.Sources))
	}
	for i, st := range f.stats {
		si := f.info.Sources[i]
		type counts struct {
			src                                           string
			files, records, withdrawn, skipped, malformed int
		}
		got := counts{si.Source, si.Files, si.Records, si.Withdrawn, si.Skipped, si.Malformed}
		want := counts{st.Source, st.Files, st.Records, st.Withdrawn, st.Skipped, st.Malformed}
		if got != want {
			t.Errorf("source %d: stored %+v, feed reported %+v", i, got, want)
		}
		if len(si.Errors) != len(st.Errors) {
			t.Errorf("source %s: %d errors stored, feed reported %d", si.Source, len(si.Errors), len(st.Errors))
		}
	}

	tests := []struct {
		source string
		// readme is the record count the test data README states, as a
		// cross-check of archiveCounts itself.
		readme, readmeWithdrawn int
	}{
		{"osv-go-vulndb.tar.gz", 4789, 18},
		{"osv-pypi.tar.gz", 2661, -1},
		{"osv-crates.tar.gz", 1206, -1},
		{"osv-almalinux.tar.gz", 5680, -1},
	}
	for _, tc := range tests {
		t.Run(tc.source, func(t *testing.T) {
			path := testutil.Data(t, "advisories", tc.source)
			docs, withdrawn, others := archiveCounts(t, path)
			if docs != tc.readme || (tc.readmeWithdrawn >= 0 && withdrawn != tc.readmeWithdrawn) {
				t.Fatalf("archive has %d documents (%d withdrawn), README says %d (%d)", docs, withdrawn, tc.readme, tc.readmeWithdrawn)
			}
			var si *SourceInfo
			for i := range f.info.Sources {
				if f.info.Sources[i].Source == path {
					si = &f.info.Sources[i]
				}
			}
			if si == nil {
				t.Fatalf("no source info for %s", path)
			}
			if si.Files != docs {
				t.Errorf("Files = %d, archive has %d documents", si.Files, docs)
			}
			if si.Withdrawn != withdrawn {
				t.Errorf("Withdrawn = %d, archive has %d withdrawn records", si.Withdrawn, withdrawn)
			}
			// Every file is accounted for exactly once.
			if n := si.Records + si.Withdrawn + si.Malformed + si.Skipped; n != docs+others {
				t.Errorf("records %d + withdrawn %d + malformed %d + skipped %d = %d, archive has %d documents and %d other files",
					si.Records, si.Withdrawn, si.Malformed, si.Skipped, n, docs, others)
			}
			if si.Malformed != len(si.Errors) && len(si.Errors) < 20 {
				t.Errorf("Malformed = %d but %d errors kept", si.Malformed, len(si.Errors))
			}
		})
	}

	if f.info.Advisories != f.keyed {
		t.Errorf("Info.Advisories = %d, feed emitted %d advisories with a package", f.info.Advisories, f.keyed)
	}
	if f.info.Keys != len(f.byKey) {
		t.Errorf("Info.Keys = %d, feed emitted %d distinct (ecosystem, package)", f.info.Keys, len(f.byKey))
	}
	if f.info.SchemaVersion != SchemaVersion || !f.info.BuiltAt.Equal(dbtest.BuiltAt) || !strings.HasPrefix(f.info.Digest, "sha256:") {
		t.Errorf("Info header fields: %+v", f.info)
	}
}

// TestRoundTrip checks that lookups return exactly what the feed emitted,
// for a spread of keys and for keys that are absent.
func TestRoundTrip(t *testing.T) {
	f := fullDB(t)
	db, err := Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Info(); got.Digest != f.info.Digest || got.Advisories != f.info.Advisories {
		t.Fatalf("Open info %+v differs from Build info %+v", got, f.info)
	}
	ctx := context.Background()
	for _, k := range sampleKeys(f.byKey, 400) {
		eco, pkg, _ := cut0(k)
		got, err := db.Advisories(ctx, eco, pkg)
		if err != nil {
			t.Fatalf("Advisories(%q, %q): %v", eco, pkg, err)
		}
		want := f.byKey[k]
		if len(got) != len(want) {
			t.Errorf("Advisories(%q, %q): %d advisories, want %d", eco, pkg, len(got), len(want))
			continue
		}
		for i := range got {
			js, _ := json.Marshal(got[i])
			if string(js) != want[i] {
				t.Errorf("Advisories(%q, %q)[%d]:\n got %s\nwant %s", eco, pkg, i, js, want[i])
			}
		}
	}
	absent := []struct{ eco, pkg string }{
		{"Go", "example.com/not/a/module"},
		{"No Such Ecosystem", "x"},
		{"", ""},
		{"Go\x00x", "y"},
	}
	for _, a := range absent {
		got, err := db.Advisories(ctx, a.eco, a.pkg)
		if err != nil || len(got) != 0 {
			t.Errorf("Advisories(%q, %q) = %d, %v; want none", a.eco, a.pkg, len(got), err)
		}
	}
}

func TestHasEcosystem(t *testing.T) {
	f := fullDB(t)
	db, err := Open(f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ecos := map[string]bool{}
	for k := range f.byKey {
		eco, _, _ := cut0(k)
		ecos[eco] = true
	}
	for _, e := range []string{"Go", "PyPI", "crates.io", "npm", "AlmaLinux:8", "AlmaLinux:9", "Alpine:v3.20", "Alpine:v3.11"} {
		if !ecos[e] {
			t.Errorf("test data has no %s advisories; the fixture list is wrong", e)
		}
	}
	for e := range ecos {
		if !db.HasEcosystem(e) {
			t.Errorf("HasEcosystem(%q) = false", e)
		}
	}
	for _, e := range []string{"Debian:12", "go", "", "Alpine:3.20"} {
		if db.HasEcosystem(e) {
			t.Errorf("HasEcosystem(%q) = true, the database has no such (normalised) ecosystem", e)
		}
	}
}

// sectionStart returns the file offset of section i of a database file.
func sectionStart(b []byte, i int) int {
	return HeaderSize + int(binary.LittleEndian.Uint64(b[HeaderSize+i*16:]))
}

// TestOpenBadFiles checks that damaged headers and tops (section table,
// metadata, digest tree roots) are refused by Open with a clear, typed
// error that names the file. Damage anywhere else is found by the lookups
// reading it (TestLazyPageVerification).
func TestOpenBadFiles(t *testing.T) {
	f := fullDB(t)
	good, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(fn func(b []byte) []byte) []byte {
		return fn(append([]byte(nil), good...))
	}
	flip := func(off int) []byte { return mod(func(b []byte) []byte { b[off] ^= 0x40; return b }) }
	topLen := int(binary.LittleEndian.Uint64(good[56:]))
	tests := []struct {
		name    string
		data    []byte
		want    error
		message string
	}{
		{"empty", nil, ErrNotDB, ""},
		{"not a database", []byte("SQLite format 3\x00 and more bytes to pass any length check......................"), ErrNotDB, ""},
		{"header only, truncated", good[:40], ErrCorrupt, "truncated header"},
		{"truncated body", good[:len(good)/2], ErrCorrupt, "truncated or extended"},
		{"one byte short", good[:len(good)-1], ErrCorrupt, "truncated or extended"},
		{"appended byte", append(append([]byte(nil), good...), 0), ErrCorrupt, "truncated or extended"},
		{"flipped byte in section table", flip(HeaderSize + 3), ErrCorrupt, "digest mismatch"},
		{"flipped byte in metadata", flip(sectionStart(good, secMeta) + 5), ErrCorrupt, "digest mismatch"},
		{"flipped byte in digest tree roots", flip(sectionStart(good, secRoots) + 40), ErrCorrupt, "digest mismatch"},
		{"flipped byte in top padding", flip(HeaderSize + topLen - 1), ErrCorrupt, "digest mismatch"},
		{"flipped root digest", flip(30), ErrCorrupt, "digest mismatch"},
		{"top length changed", mod(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[56:], uint64(topLen+pageAlign)); return b }), ErrCorrupt, "digest mismatch"},
		{"top length out of range", mod(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[56:], uint64(len(b))); return b }), ErrCorrupt, "top length"},
		{"future schema", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 99); return b }), ErrSchema, "rebuild the database"},
		{"schema 1 file", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 1); return b }), ErrSchema, "rebuild the database"},
		{"schema 2 file", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 2); return b }), ErrSchema, "rebuild the database"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			for _, open := range []func(string) (*DB, error){Open, OpenVerified} {
				db, err := open(p)
				if err == nil {
					db.Close()
					t.Fatal("Open succeeded")
				}
				if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.message) {
					t.Errorf("error %q: want %v mentioning %q", err, tc.want, tc.message)
				}
				if !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "\n") {
					t.Errorf("error %q should be one line naming the file", err)
				}
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
	}
}

// pageID names a page of the digest tree: level 0 is the paged region
// (index, record table, data), level k ≥ 1 the tree's stored levels.
type pageID struct{ level, page int }

// verifiedPages lists the pages of every level verified so far.
func verifiedPages(db *DB) map[pageID]bool {
	m := map[pageID]bool{}
	for j := range db.l.levels {
		for p := range db.l.levels[j].pages {
			if db.l.levels[j].isOK(p) {
				m[pageID{j, p}] = true
			}
		}
	}
	return m
}

// TestLazyPageVerification checks that Open verifies a bounded number of
// pages (no data block), that a lookup verifies only the pages it reads,
// and that a flipped byte in a data block, an index entry, a record table
// entry or a digest tree page passes Open but fails the lookups reading it
// (every time, naming the file and what is damaged), Verify and
// OpenVerified, while lookups reading other pages still work.
func TestLazyPageVerification(t *testing.T) {
	f := fullDB(t)
	good, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := OpenBytes(append([]byte(nil), good...))
	if err != nil {
		t.Fatal(err)
	}
	l := ref.l
	if len(l.levels) < 2 {
		t.Fatalf("the test database has a %d-level digest tree; want a stored level to damage", len(l.levels))
	}
	keys := sortedKeys(f.byKey)
	// Not the middle key: every binary search reads the middle entry.
	target := keys[len(keys)/3]
	ids, affOff, affLen, err := l.lookupRange(target)
	if err != nil || len(ids) == 0 {
		t.Fatalf("lookupRange(%q) = %v, %v", target, ids, err)
	}
	lastID := ids[len(ids)-1]
	recOff, recLen, err := l.recordRange(lastID)
	if err != nil {
		t.Fatal(err)
	}
	// The file offset of the target's index entry: its key's last byte.
	entryEnd := -1
	for i := 0; i < l.nKeys; i++ {
		k, c, err := l.entry(i)
		if err != nil {
			t.Fatal(err)
		}
		if string(k) == target {
			entryEnd = l.pagedFileOff + c.off - 1
		}
	}
	if entryEnd < 0 {
		t.Fatalf("%q not in the index", target)
	}
	dataFile := l.pagedFileOff + l.dataOff
	affPage := (l.dataOff + int(affOff+affLen/2)) / pageSize
	ctx := context.Background()
	eco, pkg, _ := cut0(target)

	// touchedBy is what a lookup of key reads, on a fresh DB.
	touchedBy := func(t *testing.T, key string) map[pageID]bool {
		db, err := openBytesLazy(append([]byte(nil), good...))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		before := verifiedPages(db)
		e, p, _ := cut0(key)
		if _, err := db.Advisories(ctx, e, p); err != nil {
			t.Fatal(err)
		}
		m := verifiedPages(db)
		for k := range before {
			delete(m, k)
		}
		return m
	}

	t.Run("open and one lookup verify only what they read", func(t *testing.T) {
		db, err := Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := db.l.verifiedDataBlocks(); n != 0 {
			t.Fatalf("%d data blocks verified by Open, want 0", n)
		}
		// The index's and record table's counts, and the tree pages
		// above them: a few pages whatever the file's size.
		if n := len(verifiedPages(db)); n > 2*len(db.l.levels) {
			t.Fatalf("Open verified %d pages, want at most %d", n, 2*len(db.l.levels))
		}
		if _, err := db.Advisories(ctx, eco, pkg); err != nil {
			t.Fatal(err)
		}
		want := map[int]bool{}
		for _, r := range [][2]uint64{{affOff, affLen}, {recOff, recLen}} {
			for b := r[0] / pageSize; b <= (r[0]+r[1]-1)/pageSize; b++ {
				want[int(b)] = true
			}
		}
		for _, id := range ids {
			o, n, err := l.recordRange(id)
			if err != nil {
				t.Fatal(err)
			}
			for b := o / pageSize; b <= (o+n-1)/pageSize; b++ {
				want[int(b)] = true
			}
		}
		if n := db.l.verifiedDataBlocks(); n != len(want) {
			t.Errorf("%d data blocks verified after one lookup, want the %d it read", n, len(want))
		}
		if n, max := len(verifiedPages(db)), 2*len(db.l.levels)+len(want)+2*20*len(db.l.levels)+8; n > max {
			t.Errorf("%d pages verified after one lookup, want at most %d (a binary search and the data it reads)", n, max)
		}
	})

	tests := []struct {
		name    string
		off     int // in the file
		damaged pageID
		message string
	}{
		{"affected entries", dataFile + int(affOff+affLen/2), pageID{0, affPage}, "data block"},
		{"record", dataFile + int(recOff+recLen/2), pageID{0, (l.dataOff + int(recOff+recLen/2)) / pageSize}, "data block"},
		{"index entry", entryEnd, pageID{0, (entryEnd - l.pagedFileOff) / pageSize}, "page"},
		{"record table entry", l.pagedFileOff + l.recOff + 4 + int(lastID)*RecEntrySize + 2, pageID{0, (l.recOff + 4 + int(lastID)*RecEntrySize + 2) / pageSize}, "record table"},
		{"digest tree page", l.levels[1].fileOff + affPage*sha256.Size + 3, pageID{1, affPage / fanout}, "digest tree page (level 1"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			b[tc.off] ^= 0x08
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			if !touchedBy(t, target)[tc.damaged] {
				t.Fatalf("the lookup of %q does not read page %+v", target, tc.damaged)
			}
			db, err := Open(p)
			if err != nil {
				t.Fatalf("Open failed on a damaged page it need not read: %v", err)
			}
			defer db.Close()
			if db.Info().Digest != f.info.Digest {
				t.Errorf("digest %s, want %s (the top is intact)", db.Info().Digest, f.info.Digest)
			}
			for range 2 { // a failed page is not cached as good
				_, err := db.Advisories(ctx, eco, pkg)
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.message) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("lookup reading the damaged page: %v; want one-line ErrCorrupt naming %s and %q", err, p, tc.message)
				}
			}
			// Keys whose lookups read other pages still answer.
			checked := 0
			for _, k := range []string{keys[0], keys[1], keys[len(keys)/4], keys[3*len(keys)/4], keys[len(keys)-1]} {
				if touchedBy(t, k)[tc.damaged] {
					continue
				}
				e, pk, _ := cut0(k)
				got, err := db.Advisories(ctx, e, pk)
				if err != nil || len(got) != len(f.byKey[k]) {
					t.Errorf("lookup of %q in intact pages: %d advisories, %v; want %d", k, len(got), err, len(f.byKey[k]))
				}
				checked++
			}
			if checked == 0 {
				t.Error("no intact key checked")
			}
			if err := db.Verify(); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Verify: %v, want ErrCorrupt", err)
			}
			if db2, err := OpenVerified(p); err == nil {
				db2.Close()
				t.Error("OpenVerified accepted a damaged page")
			} else if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
				t.Errorf("OpenVerified: %v; want ErrCorrupt naming the file", err)
			}
		})
	}
}

// TestCloseDuringLookups closes a DB while lookups run on it (run with
// -race): each lookup either succeeds or reports the DB closed; none
// reads the unmapped file.
func TestCloseDuringLookups(t *testing.T) {
	npm, _ := twoDBs(t)
	db, err := Open(npm)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	started := make(chan struct{}, 4)
	errs := make(chan error, 4)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				got, err := db.Advisories(context.Background(), "npm", "lodash")
				if i == 0 {
					started <- struct{}{}
				}
				if err != nil {
					if !errors.Is(err, errClosed) {
						errs <- err
					}
					return
				}
				if len(got) == 0 {
					errs <- errEmpty
					return
				}
			}
		}()
	}
	for range 4 {
		<-started
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := db.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestDefaultPath(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SCANFLEET_DB": "/x/y.db", "XDG_CACHE_HOME": "/c"}, "/x/y.db"},
		{map[string]string{"XDG_CACHE_HOME": "/c"}, "/c/scanfleet/db/scanfleet.db"},
	}
	for _, tc := range tests {
		if got := defaultPath(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("defaultPath(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
	if got := defaultPath(func(string) string { return "" }); !strings.HasSuffix(got, filepath.Join("scanfleet", "db", "scanfleet.db")) {
		t.Errorf("defaultPath() = %q", got)
	}
}

// FuzzParse feeds arbitrary bytes to the parser with the digest checks
// skipped, so the fuzzer reaches the section, index and record decoding
// that a forged digest would expose. Nothing may panic.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	out := filepath.Join(dir, "seed.db")
	npm := testutil.Data(f, "advisories", "osv-ghsa-npm-subset")
	if _, err := buildForTest(context.Background(), out, []string{npm}, dbtest.BuiltAt); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(out)
	f.Add(seed)
	f.Add(seed[:HeaderSize+SectionTable])
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseHeader(b)
		if err != nil {
			// Make the fuzzer's mutations of the body reachable even when
			// the length fields no longer match.
			if len(b) < HeaderSize+SectionTable || string(b[:len(Magic)]) != Magic {
				return
			}
			body := b[HeaderSize:]
			h := min(binary.LittleEndian.Uint64(b[56:]), uint64(len(body)))
			h = max(h, SectionTable)
			l = &layout{schema: SchemaVersion, body: body, top: body[:h]}
		}
		l.noVerify = true // the digests would reject nearly every mutation
		db, err := openLayout(l)
		if err != nil {
			return
		}
		defer db.Close()
		keys, err := db.keys()
		if err != nil {
			return
		}
		for _, k := range keys {
			_, _ = db.Advisories(context.Background(), k[0], k[1])
		}
	})
}
