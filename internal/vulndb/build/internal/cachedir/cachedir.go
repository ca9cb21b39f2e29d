// Package cachedir keeps a build's cache directory consistent between
// processes: one build at a time holds it (Lock), and a successful build
// removes what no longer belongs in it (Prune). It is apart from the
// build because it is about the directory and the processes sharing it,
// not about what the entries hold.
package cachedir

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/runs"
)

// ErrBusy is returned when another build holds the cache directory for
// longer than the wait: two updates sharing a cache would replace each
// other's entries under them.
var ErrBusy = errors.New("the feed cache is in use by another update")

// DefaultWait is how long a build waits for the cache by default: a
// nightly update that finds the previous one still running waits for it
// rather than failing, within reason.
const DefaultWait = 10 * time.Minute

// Lock takes the exclusive lock of cacheDir (a lock file in it, flock(2)
// where there is one), polling until wait has passed (then ErrBusy). The
// lock is released by the returned function, or by the process ending.
func Lock(ctx context.Context, cacheDir string, wait time.Duration) (func(), error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	path := filepath.Join(cacheDir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	deadline := time.Now().Add(wait)
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("cache: locking %s: %w", path, err)
		}
		if ok {
			return func() { unlock(f); f.Close() }, nil
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, fmt.Errorf("cache %s: %w (waited %s)", cacheDir, ErrBusy, wait)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(min(delay, time.Until(deadline))):
		}
	}
}

// Prune removes the entries of cacheDir/feeds of sources no longer built
// (their key is not in keep) and what interrupted builds left behind,
// and returns the names of the entries removed. It runs under the lock,
// after a successful build; a failure only leaves files.
func Prune(cacheDir string, keep map[string]bool) []string {
	dir := filepath.Join(cacheDir, "feeds")
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var removed []string
	for _, e := range ents {
		if keep[e.Name()] {
			continue
		}
		if os.RemoveAll(filepath.Join(dir, e.Name())) == nil {
			removed = append(removed, e.Name())
		}
	}
	// Unfinished merge indexes of interrupted builds.
	if ents, err := os.ReadDir(cacheDir); err == nil {
		for _, e := range ents {
			if strings.HasPrefix(e.Name(), runs.IndexTempPrefix) {
				os.Remove(filepath.Join(cacheDir, e.Name()))
			}
		}
	}
	return removed
}
