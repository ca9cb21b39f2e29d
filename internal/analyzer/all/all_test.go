package all

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/layer"
)

var update = flag.Bool("update", false, "record the analyzers' versions and source hashes in versions.txt (refused for an analyzer whose source changed under the same version)")

const (
	versionsFile = "versions.txt"
	modulePath   = "github.com/scanfleet/scanfleet"
	moduleRoot   = "../../.." // from this package's directory
)

// recorded is one line of versions.txt.
type recorded struct{ version, hash string }

// TestAnalyzerVersions holds each analyzer to its Version: versions.txt
// records every default analyzer's name, version and the SHA-256 of its
// package's non-test Go files, and the test fails, naming the analyzer,
// when the source changed while the version did not. A changed analyzer
// under an unchanged version would be served its old results from every
// layer cache of the fleet (all.Version, the cache key, is derived from
// the versions).
func TestAnalyzerVersions(t *testing.T) {
	want, err := readVersions(versionsFile)
	if err != nil && !(*update && os.IsNotExist(err)) {
		t.Fatalf("%v (run go test ./internal/analyzer/all -update to create it)", err)
	}
	got := map[string]recorded{}
	for _, a := range Analyzers() {
		hash, err := sourceHash(a)
		if err != nil {
			t.Fatalf("analyzer %s: %v", a.Name(), err)
		}
		got[a.Name()] = recorded{version: a.Version(), hash: hash}
	}
	problems := compareVersions(got, want, *update)
	for _, p := range problems {
		t.Error(p)
	}
	if *update && len(problems) == 0 {
		if err := writeVersions(versionsFile, got); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %s (%d analyzers; set version %s)", versionsFile, len(got), Version())
	}
}

// compareVersions compares the analyzers' versions and source hashes (got)
// with versions.txt (want) and says what is wrong, naming each analyzer.
// Under update only a changed source under an unchanged version is wrong:
// recording its hash would let the stale cached analyses stand.
func compareVersions(got, want map[string]recorded, update bool) []string {
	const run = "run go test ./internal/analyzer/all -update"
	var problems []string
	for _, name := range sortedKeys(got) {
		g, w := got[name], want[name]
		switch {
		case w == (recorded{}):
			if !update {
				problems = append(problems, fmt.Sprintf("analyzer %s (version %s) is not in %s: %s", name, g.version, versionsFile, run))
			}
		case g.hash != w.hash && g.version == w.version:
			problems = append(problems, fmt.Sprintf("analyzer %s changed (source SHA-256 %.12s, recorded %.12s) but its version is still %q: "+
				"bump its Version() so that cached layer analyses made by the old code are not reused, then %s",
				name, g.hash, w.hash, g.version, run))
		case g != w && !update:
			problems = append(problems, fmt.Sprintf("analyzer %s is version %q (source %.12s), %s records %q (%.12s): %s",
				name, g.version, g.hash, versionsFile, w.version, w.hash, run))
		}
	}
	for _, name := range sortedKeys(want) {
		if _, ok := got[name]; !ok && !update {
			problems = append(problems, fmt.Sprintf("%s records analyzer %s, which is no longer in Analyzers(): %s", versionsFile, name, run))
		}
	}
	return problems
}

// sourceHash is the SHA-256 of the non-test Go files of the package that
// defines a's type, by name, in name order. Comments count: a
// comment-only change asks for a bump, which costs one re-analysis of
// each layer, while a missed code change would cost wrong results.
func sourceHash(a analyzer.Analyzer) (string, error) {
	typ := reflect.TypeOf(a)
	for typ.Kind() == reflect.Pointer {
		typ = typ.Elem()
	}
	pkg := typ.PkgPath()
	rel, ok := strings.CutPrefix(pkg, modulePath+"/")
	if !ok {
		return "", fmt.Errorf("type %s is not in module %s", typ, modulePath)
	}
	return dirHash(filepath.Join(moduleRoot, filepath.FromSlash(rel)))
}

// dirHash hashes the non-test Go files of one directory (not its
// subdirectories), each by name, length and content, in name order.
func dirHash(dir string) (string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	n := 0
	for _, e := range entries { // ReadDir sorts by name
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", name, len(b))
		h.Write(b)
		n++
	}
	if n == 0 {
		return "", fmt.Errorf("no Go files in %s", dir)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func readVersions(path string) (map[string]recorded, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]recorded{}
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 3 || len(f[2]) != 64 {
			return nil, fmt.Errorf("%s:%d: want \"name version sha256\", got %q", path, line, text)
		}
		if _, dup := out[f[0]]; dup {
			return nil, fmt.Errorf("%s:%d: analyzer %s listed twice", path, line, f[0])
		}
		out[f[0]] = recorded{version: f[1], hash: f[2]}
	}
	return out, sc.Err()
}

func writeVersions(path string, m map[string]recorded) error {
	var b strings.Builder
	b.WriteString("# Written by `go test ./internal/analyzer/all -update`; read by TestAnalyzerVersions.\n")
	b.WriteString("# analyzer, its Version(), SHA-256 of its package's non-test Go files.\n")
	for _, name := range sortedKeys(m) {
		fmt.Fprintf(&b, "%s %s %s\n", name, m[name].version, m[name].hash)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// TestAnalyzerList checks what the cache key and versions.txt rely on:
// names unique and free of spaces, versions non-empty and free of spaces.
func TestAnalyzerList(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Analyzers() {
		n, v := a.Name(), a.Version()
		if n == "" || strings.ContainsAny(n, " \t\n/") || seen[n] {
			t.Errorf("analyzer name %q: empty, duplicate or with a space or slash", n)
		}
		if v == "" || strings.ContainsAny(v, " \t\n/") {
			t.Errorf("analyzer %s: version %q: empty or with a space or slash", n, v)
		}
		seen[n] = true
	}
	if v := Version(); v != analyzer.SetVersion(Analyzers()) || strings.Contains(v, "/") {
		t.Errorf("Version() = %q, want analyzer.SetVersion(Analyzers()) without a slash (layer.Key splits on it)", v)
	}
}

// bumped is a default analyzer under another version.
type bumped struct {
	analyzer.Analyzer
	version string
}

func (b bumped) Version() string { return b.version }

// TestVersionChangesCacheKey: the layer cache key of a layer changes when
// one analyzer's version does (and only then), whatever the list order.
func TestVersionChangesCacheKey(t *testing.T) {
	const diffID = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	base := layer.Key(Version(), diffID)
	if base != layer.Key(Version(), diffID) {
		t.Fatal("the cache key is not stable")
	}
	reversed := Analyzers()
	slices.Reverse(reversed)
	if got := layer.Key(analyzer.SetVersion(reversed), diffID); got != base {
		t.Errorf("the key depends on the order of the list: %s, %s", got, base)
	}
	for i, a := range Analyzers() {
		as := Analyzers()
		as[i] = bumped{Analyzer: a, version: a.Version() + ".1"}
		if got := layer.Key(analyzer.SetVersion(as), diffID); got == base {
			t.Errorf("bumping %s to %s left the layer cache key at %s", a.Name(), as[i].Version(), got)
		}
		as[i] = bumped{Analyzer: a, version: a.Version()}
		if got := layer.Key(analyzer.SetVersion(as), diffID); got != base {
			t.Errorf("re-declaring %s at its own version changed the key: %s, %s", a.Name(), got, base)
		}
	}
	if got := layer.Key(analyzer.SetVersion(Analyzers()[1:]), diffID); got == base {
		t.Error("dropping an analyzer left the key unchanged")
	}
	// A pair boundary cannot be moved: "ab 1" and "a b1" differ.
	if analyzer.SetVersion([]analyzer.Analyzer{named{"ab", "1"}}) == analyzer.SetVersion([]analyzer.Analyzer{named{"a", "b1"}}) {
		t.Error("name and version run together")
	}
}

type named struct{ name, version string }

func (n named) Name() string                                                    { return n.name }
func (n named) Version() string                                                 { return n.version }
func (named) Wants(string, fs.FileMode, int64) bool                             { return false }
func (named) MaxSize() int64                                                    { return 0 }
func (named) Analyze(context.Context, string, []byte) (*analyzer.Result, error) { return nil, nil }

// TestCompareVersions pins the rules TestAnalyzerVersions applies, on
// made-up tables: above all, a changed source under an unchanged version
// fails, naming the analyzer and asking for a bump, with or without -update.
func TestCompareVersions(t *testing.T) {
	h := func(c byte) string { return strings.Repeat(string(c), 64) }
	rec := map[string]recorded{"apk": {"1", h('a')}, "dpkg": {"3", h('d')}}
	with := func(name string, r recorded) map[string]recorded {
		m := map[string]recorded{"apk": {"1", h('a')}, "dpkg": {"3", h('d')}}
		if r == (recorded{}) {
			delete(m, name)
		} else {
			m[name] = r
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		got    map[string]recorded
		update bool
		want   []string // substrings of the problems, in order; none: pass
	}{
		{"unchanged", rec, false, nil},
		{"unchanged, update", rec, true, nil},
		{"changed without a bump", with("dpkg", recorded{"3", h('e')}), false, []string{`analyzer dpkg changed`, `still "3": bump its Version()`}},
		{"changed without a bump, update refused", with("dpkg", recorded{"3", h('e')}), true, []string{`analyzer dpkg changed`}},
		{"bumped, not recorded", with("dpkg", recorded{"4", h('e')}), false, []string{`analyzer dpkg is version "4"`, `records "3"`, "-update"}},
		{"bumped, update", with("dpkg", recorded{"4", h('e')}), true, nil},
		{"bumped without a change, not recorded", with("apk", recorded{"2", h('a')}), false, []string{`analyzer apk is version "2"`}},
		{"new analyzer", map[string]recorded{"apk": {"1", h('a')}, "dpkg": {"3", h('d')}, "rpm": {"1", h('r')}}, false, []string{"analyzer rpm (version 1) is not in versions.txt"}},
		{"new analyzer, update", map[string]recorded{"apk": {"1", h('a')}, "dpkg": {"3", h('d')}, "rpm": {"1", h('r')}}, true, nil},
		{"removed analyzer", with("apk", recorded{}), false, []string{"records analyzer apk, which is no longer"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := compareVersions(tc.got, rec, tc.update)
			if len(tc.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("problems %q, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("problems %q, want one", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(got[0], w) {
					t.Errorf("problem %q does not say %q", got[0], w)
				}
			}
		})
	}
}

// TestDirHash: the hash follows the package's Go code, comments included,
// and not its tests, other files or subdirectories.
func TestDirHash(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hash := func() string {
		t.Helper()
		h, err := dirHash(dir)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	if _, err := dirHash(dir); err == nil {
		t.Fatal("an empty directory hashed")
	}
	write("a.go", "package a\n\nfunc A() int { return 1 }\n")
	write("b.go", "package a\n")
	base := hash()
	for _, tc := range []struct {
		name, file, content string
		changes             bool
	}{
		{"code", "a.go", "package a\n\nfunc A() int { return 2 }\n", true},
		{"comment", "a.go", "package a\n\n// A is one.\nfunc A() int { return 1 }\n", true},
		{"new file", "c.go", "package a\n", true},
		{"content moved between files", "b.go", "package a\n\nfunc A() int { return 1 }\n", true},
		{"test file", "a_test.go", "package a\n", false},
		{"other file", "README.md", "x", false},
		{"subdirectory", "sub/x.go", "package sub\n", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, had := []byte(nil), false
			if b, err := os.ReadFile(filepath.Join(dir, tc.file)); err == nil {
				old, had = b, true
			}
			content := tc.content
			if tc.name == "content moved between files" {
				write("a.go", "package a\n")
				defer write("a.go", "package a\n\nfunc A() int { return 1 }\n")
			}
			write(tc.file, content)
			if got := hash(); (got != base) != tc.changes {
				t.Errorf("hash changed: %v, want %v", got != base, tc.changes)
			}
			if had {
				write(tc.file, string(old))
			} else {
				os.RemoveAll(filepath.Join(dir, strings.Split(tc.file, "/")[0]))
			}
		})
	}
	if hash() != base {
		t.Error("hash not restored with the files")
	}
}
