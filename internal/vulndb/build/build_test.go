package build

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

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
	dbtest.AssertNoTemp(t, dir)
}

// TestBuildReproducible: same input and build time give the same digest.
func TestBuildReproducible(t *testing.T) {
	dir := t.TempDir()
	srcs := []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset"), testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}
	a, err := Build(context.Background(), filepath.Join(dir, "a"), srcs, BuildOptions{BuiltAt: dbtest.BuiltAt})
	if err != nil {
		t.Fatal(err)
	}
	b, err := Build(context.Background(), filepath.Join(dir, "b"), srcs, BuildOptions{BuiltAt: dbtest.BuiltAt})
	if err != nil {
		t.Fatal(err)
	}
	if a.Digest != b.Digest {
		t.Errorf("digests differ: %s vs %s", a.Digest, b.Digest)
	}
}
