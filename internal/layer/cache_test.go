package layer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer"
)

func TestCaches(t *testing.T) {
	a, err := (&Walker{Analyzers: []analyzer.Analyzer{lines{}}}).Analyze(context.Background(),
		bytes.NewReader(mkTar(t, []ent{{name: "etc/a.list", body: "x y"}, {name: "etc/.wh.gone"}})))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, c := range map[string]Cache{"mem": NewMemCache(2), "dir": DirCache{Dir: dir}} {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			key := Key("a1", "sha256:abc")
			if _, ok := c.Get(ctx, key); ok {
				t.Fatal("hit on an empty cache")
			}
			c.Put(ctx, key, a)
			got, ok := c.Get(ctx, key)
			if !ok || !reflect.DeepEqual(got, a) {
				t.Fatalf("got %+v, %v; want %+v", got, ok, a)
			}
			if _, ok := c.Get(ctx, Key("a2", "sha256:abc")); ok {
				t.Fatal("another analyzer version must miss")
			}
		})
	}
	// A corrupt entry is a miss.
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	os.WriteFile(files[0], []byte("{not json"), 0o644)
	if _, ok := (DirCache{Dir: dir}).Get(context.Background(), Key("a1", "sha256:abc")); ok {
		t.Fatal("corrupt entry was a hit")
	}
	// The memory cache evicts the oldest beyond its bound.
	m := NewMemCache(2)
	for _, k := range []string{"1", "2", "3"} {
		m.Put(context.Background(), k, a)
	}
	if _, ok := m.Get(context.Background(), "1"); ok {
		t.Fatal("oldest entry not evicted")
	}
}

// A bounded DirCache keeps the most recently used entries within MaxBytes:
// an entry read since it was written outlives an older unread one.
func TestDirCacheBounded(t *testing.T) {
	a, err := (&Walker{Analyzers: []analyzer.Analyzer{lines{}}}).Analyze(context.Background(),
		bytes.NewReader(mkTar(t, []ent{{name: "etc/a.list", body: "x y"}})))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	probe := DirCache{Dir: dir}
	probe.Put(ctx, "probe", a)
	fi, err := os.Stat(probe.path("probe"))
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(probe.path("probe"))
	// Room for three entries, not four.
	c := DirCache{Dir: dir, MaxBytes: 3*fi.Size() + fi.Size()/2}
	old := time.Now().Add(-time.Hour)
	for i, k := range []string{"k1", "k2", "k3"} {
		c.Put(ctx, k, a)
		at := old.Add(time.Duration(i) * time.Minute)
		os.Chtimes(c.path(k), at, at)
	}
	if _, ok := c.Get(ctx, "k1"); !ok { // k1 becomes the most recent
		t.Fatal("k1 missing before the cache was full")
	}
	c.Put(ctx, "k4", a)
	for k, want := range map[string]bool{"k1": true, "k2": false, "k3": true, "k4": true} {
		if _, err := os.Stat(c.path(k)); (err == nil) != want {
			t.Errorf("%s present = %v, want %v", k, err == nil, want)
		}
	}
}
