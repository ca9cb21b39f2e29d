package vulndb

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/atomicfile"
)

// twoDBs builds two different small databases from real sources and
// returns their paths.
func twoDBs(t *testing.T) (a, b string) {
	t.Helper()
	dir := t.TempDir()
	a, b = filepath.Join(dir, "npm.db"), filepath.Join(dir, "alpine.db")
	ctx := context.Background()
	if _, err := buildForTest(ctx, a, []string{testutil.Data(t, "advisories", "osv-ghsa-npm-subset")}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if _, err := buildForTest(ctx, b, []string{testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}, time.Time{}); err != nil {
		t.Fatal(err)
	}
	return a, b
}

// install copies src over dst the way the updater does: temp file, rename.
func install(t *testing.T, src, dst string) {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := atomicfile.Write(dst, b); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherSwapWhileHeld(t *testing.T) {
	npm, alpine := twoDBs(t)
	live := filepath.Join(t.TempDir(), "live.db")
	install(t, npm, live)

	w, err := NewWatcher(live, 0, nil) // no polling: Check is driven by the test
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	ctx := context.Background()

	held, release := w.Acquire()
	if !held.HasEcosystem("npm") {
		t.Fatal("initial DB has no npm")
	}
	install(t, alpine, live)
	swapped, err := w.Check()
	if err != nil || !swapped {
		t.Fatalf("Check after replacing the file = %v, %v; want swapped", swapped, err)
	}
	// The holder still reads its own DB...
	got, err := held.Advisories(ctx, "npm", "lodash")
	if err != nil || len(got) == 0 {
		t.Fatalf("held DB after swap: %d advisories, %v", len(got), err)
	}
	// ...while new acquirers get the new one.
	cur, rel2 := w.Acquire()
	if cur.HasEcosystem("npm") || !cur.HasEcosystem("Alpine:v3.20") {
		t.Errorf("after swap Acquire returned the old DB (%v)", cur.Info().Ecosystems)
	}
	rel2()
	release()
	release() // idempotent
	if _, err := held.Advisories(ctx, "npm", "lodash"); err == nil {
		t.Error("old DB still open after its last holder released it")
	}
	if swapped, err := w.Check(); swapped || err != nil {
		t.Errorf("Check with an unchanged file = %v, %v", swapped, err)
	}
}

func TestWatcherRejectsCorrupt(t *testing.T) {
	npm, _ := twoDBs(t)
	live := filepath.Join(t.TempDir(), "live.db")
	install(t, npm, live)
	var logs bytes.Buffer
	var mu sync.Mutex
	logger := slog.New(slog.NewTextHandler(lockedWriter{&mu, &logs}, nil))
	w, err := NewWatcher(live, 0, logger)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	good, _ := os.ReadFile(npm)
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated", good[:len(good)/2]},
		{"flipped byte", func() []byte { b := append([]byte(nil), good...); b[len(b)-10] ^= 1; return b }()},
		{"garbage", []byte("not a database at all")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := atomicfile.Write(live, tc.data); err != nil {
				t.Fatal(err)
			}
			swapped, err := w.Check()
			if swapped || err == nil {
				t.Fatalf("Check = %v, %v; want rejection", swapped, err)
			}
			db, rel := w.Acquire()
			defer rel()
			if got, err := db.Advisories(context.Background(), "npm", "lodash"); err != nil || len(got) == 0 {
				t.Errorf("old DB not kept: %d, %v", len(got), err)
			}
		})
	}
	mu.Lock()
	logged := logs.String()
	mu.Unlock()
	if !strings.Contains(logged, "new file rejected") {
		t.Errorf("rejection not logged; log:\n%s", logged)
	}
	// A good file afterwards is picked up again.
	install(t, npm, live)
	if swapped, err := w.Check(); !swapped || err != nil {
		t.Errorf("Check with a good file after corrupt ones = %v, %v", swapped, err)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// TestWatcherConcurrent acquires, looks up and releases from many
// goroutines while the file is replaced and the poller runs; run with
// -race. Every lookup must succeed on whichever DB it got.
func TestWatcherConcurrent(t *testing.T) {
	npm, alpine := twoDBs(t)
	live := filepath.Join(t.TempDir(), "live.db")
	install(t, npm, live)
	w, err := NewWatcher(live, time.Millisecond, nil) // the poller races the test's own Checks
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				db, rel := w.Acquire()
				eco, pkg := "npm", "lodash"
				if db.HasEcosystem("Alpine:v3.20") {
					eco, pkg = "Alpine:v3.20", "openssl"
				}
				got, err := db.Advisories(context.Background(), eco, pkg)
				if err == nil && len(got) == 0 {
					err = errEmpty
				}
				rel()
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 20; i++ {
		if i%2 == 0 {
			install(t, alpine, live)
		} else {
			install(t, npm, live)
		}
		if _, err := w.Check(); err != nil {
			t.Errorf("Check: %v", err)
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

var errEmpty = errorString("lookup returned nothing")

type errorString string

func (e errorString) Error() string { return string(e) }
