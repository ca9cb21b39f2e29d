package vulndb

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// fixture is the database built once from all sources, shared by the tests
// of this package (building takes seconds; tests only read it).
type fixture struct {
	path  string
	info  Info
	stats []feed.Stats
	// byKey is what feed.Load emitted, grouped by normalised key in
	// emission order, Affected restricted to the key: the expected answer
	// of every lookup.
	byKey map[string][]string // key -> JSON of each advisory
	keyed int                 // advisories with at least one key
}

var (
	fixOnce sync.Once
	fix     *fixture
	fixErr  error
	fixDir  string
)

// buildForTest builds a database file at out from sources. The builder
// imports this package, so these in-package tests cannot import it: the
// external test package (hook_test.go) sets this before the tests run.
var buildForTest func(ctx context.Context, out string, sources []string, builtAt time.Time) (Info, error)

// SetBuildForTest is how hook_test.go (package vulndb_test) sets
// buildForTest.
func SetBuildForTest(f func(ctx context.Context, out string, sources []string, builtAt time.Time) (Info, error)) {
	buildForTest = f
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

func fullDB(t testing.TB) *fixture {
	t.Helper()
	srcs := dbtest.SourcePaths(t)
	fixOnce.Do(func() {
		fixDir, fixErr = os.MkdirTemp("", "vulndb-test-")
		if fixErr != nil {
			return
		}
		f := &fixture{path: filepath.Join(fixDir, "full.db"), byKey: map[string][]string{}}
		ctx := context.Background()
		// The builder is internal/vulndb/build, which imports this package:
		// it is reached through buildForTest (set by hook_test.go). One
		// pass over the feeds records what they emit, in reading order;
		// the build reads them again.
		for _, src := range srcs {
			st, err := feed.LoadAll(ctx, src, f.expect, feed.Options{})
			if err != nil {
				fixErr = err
				return
			}
			f.stats = append(f.stats, st)
		}
		f.info, fixErr = buildForTest(ctx, f.path, srcs, dbtest.BuiltAt)
		// A key's advisories are stored in id order, then reading order.
		for _, list := range f.byKey {
			sort.SliceStable(list, func(i, j int) bool { return advID(list[i]) < advID(list[j]) })
		}
		fix = f
	})
	if fixErr != nil {
		t.Fatalf("building the test database: %v", fixErr)
	}
	return fix
}

// expect records the answer lookups must give for a's packages: the
// advisory with Affected restricted to each package's entries.
func (f *fixture) expect(a *advisory.Advisory) error {
	var order []string
	groups := map[string][]advisory.Affected{}
	for _, af := range a.Affected {
		eco := advisory.NormalizeEcosystem(af.Ecosystem)
		pkg := advisory.NormalizePackage(eco, af.Package)
		if eco == "" || pkg == "" {
			continue
		}
		k := JoinKey(eco, pkg)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], af)
	}
	if len(order) > 0 {
		f.keyed++
	}
	for _, k := range order {
		c := *a
		c.Affected = groups[k]
		js, err := json.Marshal(&c)
		if err != nil {
			return err
		}
		f.byKey[k] = append(f.byKey[k], string(js))
	}
	return nil
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sampleKeys returns n keys spread evenly over the sorted key set.
func sampleKeys(m map[string][]string, n int) []string {
	keys := sortedKeys(m)
	if n >= len(keys) {
		return keys
	}
	out := make([]string, 0, n)
	for i := 0; i < n; i++ {
		out = append(out, keys[i*len(keys)/n])
	}
	return out
}

// advID returns the id of an advisory's JSON.
func advID(js string) string {
	var a struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(js), &a)
	return a.ID
}
