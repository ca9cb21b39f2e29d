package vulndb

import (
	"archive/tar"
	"compress/gzip"
	"context"
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
	if len(f.info.Sources) != len(allSources) {
		t.Fatalf("Info.Sources has %d entries, want %d", len(f.info.Sources), len(allSources))
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
	if f.info.SchemaVersion != SchemaVersion || !f.info.BuiltAt.Equal(fixedBuildTime) || !strings.HasPrefix(f.info.Digest, "sha256:") {
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
	return headerSize + int(binary.LittleEndian.Uint64(b[headerSize+i*16:]))
}

// TestOpenBadFiles checks that damaged headers and indexes are refused by
// Open with a clear, typed error that names the file.
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
	headLen := int(binary.LittleEndian.Uint64(good[56:]))
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
		{"flipped byte in section table", flip(headerSize + 3), ErrCorrupt, "digest mismatch"},
		{"flipped byte in metadata", flip(sectionStart(good, secMeta) + 5), ErrCorrupt, "digest mismatch"},
		{"flipped byte in index", flip(sectionStart(good, secIndex) + 2000), ErrCorrupt, "digest mismatch"},
		{"flipped byte in record table", flip(sectionStart(good, secRecords) + 100), ErrCorrupt, "digest mismatch"},
		{"flipped byte in block digests", flip(sectionStart(good, secBlocks) + 40), ErrCorrupt, "digest mismatch"},
		{"flipped byte in head padding", flip(headerSize + headLen - 1), ErrCorrupt, "digest mismatch"},
		{"flipped root digest", flip(30), ErrCorrupt, "digest mismatch"},
		{"head length changed", mod(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[56:], uint64(headLen-pageAlign)); return b }), ErrCorrupt, "digest mismatch"},
		{"head length out of range", mod(func(b []byte) []byte { binary.LittleEndian.PutUint64(b[56:], uint64(len(b))); return b }), ErrCorrupt, "head length"},
		{"future schema", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 99); return b }), ErrSchema, "rebuild the database"},
		{"schema 1 file", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 1); return b }), ErrSchema, "rebuild the database"},
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

// TestLazyBlockVerification checks that Open reads no data block, that a
// lookup verifies only the blocks it reads, and that a damaged data block
// passes Open but fails the lookups reading it (every time, naming the
// file) and OpenVerified, while other lookups still work.
func TestLazyBlockVerification(t *testing.T) {
	f := fullDB(t)
	good, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := openBytes(append([]byte(nil), good...))
	if err != nil {
		t.Fatal(err)
	}
	keys := sortedKeys(f.byKey)
	target := keys[len(keys)/2]
	ids, affOff, affLen, err := ref.l.lookupRange(target)
	if err != nil || len(ids) == 0 {
		t.Fatalf("lookupRange(%q) = %v, %v", target, ids, err)
	}
	recOff, recLen := ref.l.recordRange(ids[len(ids)-1])
	dataStart := headerSize + len(ref.l.head)
	bs := uint64(ref.l.bsize)
	blocksOf := func(off, n uint64) map[uint64]bool {
		m := map[uint64]bool{}
		for i := off / bs; i <= (off+n-1)/bs; i++ {
			m[i] = true
		}
		return m
	}
	ctx := context.Background()
	eco, pkg, _ := cut0(target)

	t.Run("untouched blocks stay unverified", func(t *testing.T) {
		db, err := Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if n := countVerified(db); n != 0 {
			t.Fatalf("%d blocks verified by Open, want 0", n)
		}
		if _, err := db.Advisories(ctx, eco, pkg); err != nil {
			t.Fatal(err)
		}
		want := blocksOf(affOff, affLen)
		for _, id := range ids {
			for b := range blocksOf(ref.l.recordRange(id)) {
				want[b] = true
			}
		}
		if n := countVerified(db); n != len(want) {
			t.Errorf("%d blocks verified after one lookup, want the %d it read", n, len(want))
		}
	})

	tests := []struct {
		name string
		off  uint64 // in data
		n    uint64
	}{
		{"affected entries", affOff, affLen},
		{"record", recOff, recLen},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), good...)
			b[dataStart+int(tc.off+tc.n/2)] ^= 0x08
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := Open(p)
			if err != nil {
				t.Fatalf("Open failed on a damaged data block: %v", err)
			}
			defer db.Close()
			if db.Info().Digest != f.info.Digest {
				t.Errorf("digest %s, want %s (the head is intact)", db.Info().Digest, f.info.Digest)
			}
			for range 2 { // a failed block is not cached as good
				_, err := db.Advisories(ctx, eco, pkg)
				if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), "data block") || strings.Contains(err.Error(), "\n") {
					t.Fatalf("lookup reading the damaged block: %v; want one-line ErrCorrupt naming %s and the block", err, p)
				}
			}
			// A key whose data lies in other blocks still answers.
			bad := blocksOf(tc.off+tc.n/2, 1)
			checked := 0
			for _, k := range []string{keys[0], keys[len(keys)-1]} {
				kids, o, n, err := ref.l.lookupRange(k)
				if err != nil {
					t.Fatal(err)
				}
				touched := blocksOf(o, n)
				for _, id := range kids {
					for b := range blocksOf(ref.l.recordRange(id)) {
						touched[b] = true
					}
				}
				if touched[(tc.off+tc.n/2)/bs] || len(bad) == 0 {
					continue
				}
				e, pk, _ := cut0(k)
				got, err := db.Advisories(ctx, e, pk)
				if err != nil || len(got) != len(f.byKey[k]) {
					t.Errorf("lookup of %q in intact blocks: %d advisories, %v; want %d", k, len(got), err, len(f.byKey[k]))
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
				t.Error("OpenVerified accepted a damaged data block")
			} else if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), p) {
				t.Errorf("OpenVerified: %v; want ErrCorrupt naming the file", err)
			}
		})
	}
}

func countVerified(db *DB) int {
	n := 0
	for i := range db.l.verified {
		if db.l.verified[i].Load() {
			n++
		}
	}
	return n
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

// TestBuildFailingSourceKeepsOld checks that a source that cannot be read
// fails the build without touching an existing file at out.
func TestBuildFailingSourceKeepsOld(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db")
	npm := testutil.Data(t, "advisories", "osv-ghsa-npm-subset")
	if _, err := Build(context.Background(), out, []string{npm}, BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(out)
	_, err := Build(context.Background(), out, []string{npm, filepath.Join(dir, "no-such-source.zip")}, BuildOptions{})
	if err == nil || !strings.Contains(err.Error(), "no-such-source.zip") {
		t.Fatalf("Build with a missing source: %v, want an error naming it", err)
	}
	after, _ := os.ReadFile(out)
	if string(before) != string(after) {
		t.Error("failed build changed the existing database")
	}
	assertNoTemp(t, dir)
}

// TestBuildReproducible: same input and build time give the same digest.
func TestBuildReproducible(t *testing.T) {
	dir := t.TempDir()
	srcs := []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}
	a, err := Build(context.Background(), filepath.Join(dir, "a"), srcs, BuildOptions{BuiltAt: fixedBuildTime})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), filepath.Join(dir, "b"), srcs, BuildOptions{BuiltAt: fixedBuildTime})
	if err != nil {
		t.Fatal(err)
	}
	if a.Digest != b.Digest {
		t.Errorf("digests differ: %s vs %s", a.Digest, b.Digest)
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

func assertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

// FuzzParse feeds arbitrary bytes to the parser with the digest checks
// skipped, so the fuzzer reaches the section, index and record decoding
// that a forged digest would expose. Nothing may panic.
func FuzzParse(f *testing.F) {
	dir := f.TempDir()
	out := filepath.Join(dir, "seed.db")
	npm := testutil.Data(f, "advisories", "osv-ghsa-npm-subset")
	if _, err := Build(context.Background(), out, []string{npm}, BuildOptions{BuiltAt: fixedBuildTime}); err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(out)
	f.Add(seed)
	f.Add(seed[:headerSize+sectionTable])
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := parseHeader(b)
		if err != nil {
			// Make the fuzzer's mutations of the body reachable even when
			// the length fields no longer match.
			if len(b) < headerSize+sectionTable || string(b[:len(magic)]) != magic {
				return
			}
			body := b[headerSize:]
			h := min(binary.LittleEndian.Uint64(b[56:]), uint64(len(body)))
			h = max(h, sectionTable)
			l = &layout{schema: SchemaVersion, body: body, head: body[:h]}
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
