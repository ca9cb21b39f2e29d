// Package dbtest holds the test inputs shared by the tests of the
// database reader (internal/vulndb) and of its builder
// (internal/vulndb/build). It imports neither, so the reader's in-package
// tests can use it without an import cycle.
package dbtest

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// Sources are every advisory source in the shared test data.
var Sources = []string{
	"osv-go-vulndb.tar.gz",
	"osv-pypi.tar.gz",
	"osv-crates.tar.gz",
	"osv-almalinux.tar.gz",
	"osv-ghsa-npm-subset",
	"alpine-secdb-3.20-subset",
	"alpine-secdb-legacy",
}

// SourcePaths are the paths of Sources (the test skips when the shared
// data is absent).
func SourcePaths(t testing.TB) []string {
	var out []string
	for _, s := range Sources {
		out = append(out, testutil.Data(t, "advisories", s))
	}
	return out
}

// BuiltAt is the build time the tests give, so digests are reproducible.
var BuiltAt = time.Date(2026, 8, 21, 12, 0, 0, 0, time.UTC)

// AssertNoTemp fails t if a temporary file (".tmp-") is left in dir.
func AssertNoTemp(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
