package build

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/cachedir"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// TestCacheLock checks that a build waits for another one holding the
// cache, and fails with ErrCacheBusy, leaving the database alone, when
// the wait is over; and that two builds started together both succeed
// and write the same file.
func TestCacheLock(t *testing.T) {
	srcs := []string{testutil.Data(t, "advisories", "osv-crates.tar.gz")}
	ctx := context.Background()
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	out := filepath.Join(dir, "scanfleet.db")
	if _, err := Build(ctx, out, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(out)

	unlock, err := cachedir.Lock(ctx, cache, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Build(ctx, out, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt.Add(time.Hour), CacheDir: cache, LockWait: 300 * time.Millisecond})
	if !errors.Is(err, ErrCacheBusy) {
		t.Fatalf("build with the cache locked: %v, want ErrCacheBusy", err)
	}
	if after, _ := os.ReadFile(out); !bytes.Equal(before, after) {
		t.Fatal("a build that could not lock the cache changed the database")
	}
	unlock()

	var wg sync.WaitGroup
	errs := make([]error, 2)
	outs := []string{filepath.Join(dir, "a.db"), filepath.Join(dir, "b.db")}
	for i := range outs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = Build(ctx, outs[i], srcs, BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: cache, LockWait: 5 * time.Minute})
		}()
	}
	wg.Wait()
	a, _ := os.ReadFile(outs[0])
	b, _ := os.ReadFile(outs[1])
	if errs[0] != nil || errs[1] != nil || !bytes.Equal(a, b) || !bytes.Equal(a, before) {
		t.Fatalf("concurrent builds sharing a cache: %v, %v (same file: %v)", errs[0], errs[1], bytes.Equal(a, b))
	}
}

// TestCachePrune checks that a build removes the cache entries of sources
// no longer in its list, and keeps the others untouched.
func TestCachePrune(t *testing.T) {
	a := testutil.Data(t, "advisories", "osv-crates.tar.gz")
	b := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	ctx := context.Background()
	dir := t.TempDir()
	cache := filepath.Join(dir, "cache")
	out := filepath.Join(dir, "scanfleet.db")
	if _, err := Build(ctx, out, []string{a, b}, BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	dsaKey, _ := dsaFingerprint([]string{a, b})
	fb := &feedBuilder{dsaKey: dsaKey}
	entryA, entryB := filepath.Join(cache, "feeds", fb.cacheKey(a)), filepath.Join(cache, "feeds", fb.cacheKey(b))
	// A leftover of an interrupted build.
	if err := os.MkdirAll(entryA+".tmp-123", 0o755); err != nil {
		t.Fatal(err)
	}
	stA, err := os.Stat(filepath.Join(entryA, "meta.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entryB); err != nil {
		t.Fatal(err)
	}
	if _, err := Build(ctx, out, []string{a}, BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(entryB); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("entry of the dropped source: %v, want it removed", err)
	}
	if _, err := os.Stat(entryA + ".tmp-123"); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("leftover of an interrupted build: %v, want it removed", err)
	}
	st2, err := os.Stat(filepath.Join(entryA, "meta.json"))
	if err != nil || !st2.ModTime().Equal(stA.ModTime()) {
		t.Errorf("entry of the kept source was rewritten or removed: %v", err)
	}
}
