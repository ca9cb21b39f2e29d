package layer

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"testing"

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
