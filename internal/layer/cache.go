package layer

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Cache stores layer analyses by key (see Key). A scanner keeps one in
// memory; the controller keeps one for the whole fleet, so that a base layer
// shared by a thousand images is pulled and analysed once.
type Cache interface {
	Get(ctx context.Context, key string) (*Analysis, bool)
	Put(ctx context.Context, key string, a *Analysis)
}

// Key is the cache key of a layer: its digest, qualified by the analyzer
// set's version, because a new analyzer must see layers analysed before it
// existed.
func Key(analyzersVersion, layerDigest string) string {
	return analyzersVersion + "/" + layerDigest
}

// MemCache is a bounded in-memory Cache. Analyses are small (parsed package
// lists, not file contents), so a few thousand fit comfortably.
type MemCache struct {
	mu    sync.Mutex
	max   int
	items map[string]*Analysis
	order []string // insertion order, for eviction
}

// NewMemCache returns a cache holding at most max analyses (max <= 0: 4096).
func NewMemCache(max int) *MemCache {
	if max <= 0 {
		max = 4096
	}
	return &MemCache{max: max, items: map[string]*Analysis{}}
}

// Get implements Cache.
func (c *MemCache) Get(_ context.Context, key string) (*Analysis, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a, ok := c.items[key]
	return a, ok
}

// Put implements Cache.
func (c *MemCache) Put(_ context.Context, key string, a *Analysis) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.items[key]; ok {
		c.items[key] = a
		return
	}
	for len(c.order) >= c.max {
		delete(c.items, c.order[0])
		c.order = c.order[1:]
	}
	c.items[key] = a
	c.order = append(c.order, key)
}

// DirCache keeps analyses as JSON files in a directory, so repeated scans
// of images sharing layers (a CI pipeline rebuilding on the same base) skip
// those layers across processes. Files are written atomically; a corrupt or
// unreadable entry is a miss, never an error.
//
// With MaxBytes set the directory is bounded: after each Put the least
// recently used entries (by modification time, which Get refreshes) are
// removed until the total is under MaxBytes. Analyses are small (kilobytes
// per layer), so listing the directory per Put costs little next to the
// layer walk that produced the entry.
type DirCache struct {
	Dir      string
	MaxBytes int64
}

func (c DirCache) path(key string) string {
	return filepath.Join(c.Dir, strings.NewReplacer("/", "_", ":", "_").Replace(key)+".json")
}

// Get implements Cache.
func (c DirCache) Get(_ context.Context, key string) (*Analysis, bool) {
	b, err := os.ReadFile(c.path(key))
	if err != nil {
		return nil, false
	}
	var a Analysis
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, false
	}
	if c.MaxBytes > 0 {
		// Recency for pruning; a failure only makes the entry look older.
		now := time.Now()
		_ = os.Chtimes(c.path(key), now, now)
	}
	return &a, true
}

// Put implements Cache. Failures are ignored: the cache is an optimisation.
func (c DirCache) Put(_ context.Context, key string, a *Analysis) {
	b, err := json.Marshal(a)
	if err != nil {
		return
	}
	if err := os.MkdirAll(c.Dir, 0o755); err != nil {
		return
	}
	tmp, err := os.CreateTemp(c.Dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.Write(b)
	cerr := tmp.Close()
	if werr != nil || cerr != nil || os.Rename(tmp.Name(), c.path(key)) != nil {
		_ = os.Remove(tmp.Name())
		return
	}
	if c.MaxBytes > 0 {
		c.prune(c.path(key))
	}
}

// prune removes the least recently used entries until the directory holds
// at most MaxBytes, never removing keep (the entry just written).
func (c DirCache) prune(keep string) {
	ents, err := os.ReadDir(c.Dir)
	if err != nil {
		return
	}
	type entry struct {
		path string
		size int64
		mod  time.Time
	}
	var all []entry
	var total int64
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		fi, err := e.Info()
		if err != nil {
			continue
		}
		all = append(all, entry{filepath.Join(c.Dir, e.Name()), fi.Size(), fi.ModTime()})
		total += fi.Size()
	}
	if total <= c.MaxBytes {
		return
	}
	sort.Slice(all, func(i, j int) bool { return all[i].mod.Before(all[j].mod) })
	for _, e := range all {
		if total <= c.MaxBytes {
			break
		}
		if e.path == keep {
			continue
		}
		if os.Remove(e.path) == nil {
			total -= e.size
		}
	}
}
