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
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// allSources are every advisory source in the shared test data.
var allSources = []string{
	"osv-go-vulndb.tar.gz",
	"osv-pypi.tar.gz",
	"osv-crates.tar.gz",
	"osv-almalinux.tar.gz",
	"osv-ghsa-npm-subset",
	"alpine-secdb-3.20-subset",
	"alpine-secdb-legacy",
}

func sourcePaths(t testing.TB) []string {
	var out []string
	for _, s := range allSources {
		out = append(out, testutil.Data(t, "advisories", s))
	}
	return out
}

var fixedBuildTime = time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)

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

func TestMain(m *testing.M) {
	code := m.Run()
	if fixDir != "" {
		os.RemoveAll(fixDir)
	}
	os.Exit(code)
}

func fullDB(t testing.TB) *fixture {
	t.Helper()
	srcs := sourcePaths(t)
	fixOnce.Do(func() {
		fixDir, fixErr = os.MkdirTemp("", "vulndb-test-")
		if fixErr != nil {
			return
		}
		f := &fixture{path: filepath.Join(fixDir, "full.db"), byKey: map[string][]string{}}
		ctx := context.Background()
		// One pass over the feeds: every advisory the feed emits is
		// recorded here, then handed on to the builder unchanged.
		tee := func(ctx context.Context, src string, emit feed.EmitFunc, opts feed.Options) (feed.Stats, error) {
			st, err := feed.LoadAll(ctx, src, func(a *advisory.Advisory) error {
				if err := f.expect(a); err != nil {
					return err
				}
				return emit(a)
			}, opts)
			f.stats = append(f.stats, st)
			return st, err
		}
		// Workers: 1, since tee records what it sees in order.
		f.info, fixErr = build(ctx, f.path, srcs, BuildOptions{BuiltAt: fixedBuildTime, Workers: 1}, tee)
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
		k := joinKey(eco, pkg)
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
