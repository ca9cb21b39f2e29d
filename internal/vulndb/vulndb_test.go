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

// TestOpenBadFiles checks that damaged files are refused with a clear,
// typed error that names the file.
func TestOpenBadFiles(t *testing.T) {
	f := fullDB(t)
	good, err := os.ReadFile(f.path)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(fn func(b []byte) []byte) []byte {
		return fn(append([]byte(nil), good...))
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrNotDB},
		{"not a database", []byte("SQLite format 3\x00 and more bytes to pass any length check......................"), ErrNotDB},
		{"header only, truncated", good[:40], ErrCorrupt},
		{"truncated body", good[:len(good)/2], ErrCorrupt},
		{"one byte short", good[:len(good)-1], ErrCorrupt},
		{"appended byte", append(append([]byte(nil), good...), 0), ErrCorrupt},
		{"flipped byte in records", mod(func(b []byte) []byte { b[len(b)-100] ^= 0x40; return b }), ErrCorrupt},
		{"flipped byte in index", mod(func(b []byte) []byte { b[headerSize+sectionTable+2000] ^= 1; return b }), ErrCorrupt},
		{"flipped digest", mod(func(b []byte) []byte { b[30] ^= 1; return b }), ErrCorrupt},
		{"future schema", mod(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[8:], 99); return b }), ErrSchema},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			db, err := Open(p)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %q is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), p) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q should be one line naming the file", err)
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "missing.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v, want os.ErrNotExist", err)
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

// FuzzParse feeds arbitrary bytes to the parser with the digest check
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
			// the length field no longer matches.
			if len(b) < headerSize || string(b[:len(magic)]) != magic {
				return
			}
			l = &layout{schema: SchemaVersion, body: b[headerSize:]}
		}
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
