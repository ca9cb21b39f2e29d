package cachedir

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/runs"
)

// TestLock: a second holder waits at most its bound, then gets ErrBusy
// naming the directory; a cancelled wait returns the context's error;
// once released, the lock is had at once.
func TestLock(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache")
	ctx := context.Background()
	unlock, err := Lock(ctx, dir, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(ctx, dir, 50*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("second Lock: %v, want ErrBusy", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Lock(cctx, dir, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Lock: %v, want context.Canceled", err)
	}
	unlock()
	unlock2, err := Lock(ctx, dir, 0)
	if err != nil {
		t.Fatalf("Lock after release: %v", err)
	}
	unlock2()
}

// TestPrune: entries of sources no longer built and unfinished merge
// indexes go; kept entries, the lock and the merge index stay.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	for _, p := range []string{"feeds/a/meta.json", "feeds/b/meta.json", "feeds/c.tmp-1/x", "lock", "merge.idx", runs.IndexTempPrefix + "123"} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, p), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	removed := Prune(dir, map[string]bool{"a": true})
	slices.Sort(removed)
	if !slices.Equal(removed, []string{"b", "c.tmp-1"}) {
		t.Errorf("removed %v, want b and c.tmp-1", removed)
	}
	for p, want := range map[string]bool{"feeds/a/meta.json": true, "feeds/b": false, "lock": true, "merge.idx": true, runs.IndexTempPrefix + "123": false} {
		if _, err := os.Stat(filepath.Join(dir, p)); (err == nil) != want {
			t.Errorf("%s: exists %v, want %v", p, err == nil, want)
		}
	}
	if got := Prune(filepath.Join(dir, "missing"), nil); got != nil {
		t.Errorf("Prune of a missing directory removed %v", got)
	}
}
