package build

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// mergeCounts builds srcs into out with a cache and returns how many
// keys' entries were copied from the previous file and how many encoded.
func mergeCounts(t *testing.T, out string, srcs []string, cache string) (reused, encoded int) {
	t.Helper()
	var log bytes.Buffer
	if _, err := Build(context.Background(), out, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt, CacheDir: cache,
		Logger: slog.New(slog.NewTextHandler(&log, nil))}); err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`msg=merged keys=\d+ entries_reused=(\d+) entries_encoded=(\d+)`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no merge line in the log:\n%s", log.String())
	}
	reused, _ = strconv.Atoi(m[1])
	encoded, _ = strconv.Atoi(m[2])
	return reused, encoded
}

// TestMergeCacheReuse checks that a build with a cache copies the
// compressed entries of unchanged keys from the previous file, that the
// result is byte-identical to a build without a cache, and that a damaged
// or foreign previous file is never copied from.
func TestMergeCacheReuse(t *testing.T) {
	srcs := append(dbtest.SourcePaths(t), enrichmentSources(t)...)
	ctx := context.Background()
	dir := t.TempDir()
	full := filepath.Join(dir, "full.db")
	if _, err := Build(ctx, full, srcs, BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
		t.Fatal(err)
	}
	want, _ := os.ReadFile(full)
	out, cache := filepath.Join(dir, "db", "scanfleet.db"), filepath.Join(dir, "cache")
	check := func(t *testing.T) {
		t.Helper()
		if got, _ := os.ReadFile(out); !bytes.Equal(got, want) {
			t.Fatalf("build with the merge cache differs from a full build (%d, %d bytes)", len(got), len(want))
		}
	}
	type step struct {
		name       string
		before     func(t *testing.T)
		maxEncoded int
		minEncoded int
	}
	damage := func(t *testing.T) {
		// Flip a byte in the middle of the data section: exactly the keys
		// whose entry spans it must be encoded again.
		f, err := os.OpenFile(out, os.O_RDWR, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		st, _ := f.Stat()
		b := make([]byte, 1)
		off := st.Size() - st.Size()/3
		f.ReadAt(b, off)
		b[0] ^= 0xff
		f.WriteAt(b, off)
	}
	for _, st := range []step{
		{name: "first build", before: func(*testing.T) {}, minEncoded: 1, maxEncoded: 1 << 30},
		{name: "same inputs", before: func(*testing.T) {}, maxEncoded: 0},
		// An entry whose bytes no longer match its CRC is encoded again,
		// not copied (the damaged byte may be in a record: then nothing).
		{name: "damaged previous file", before: damage, maxEncoded: 1},
		{name: "previous file replaced", before: func(t *testing.T) {
			// Another file at the path (db import, a build without the
			// cache): its digest is not the index's, so nothing is copied.
			other := filepath.Join(dir, "other.db")
			if _, err := Build(ctx, other, srcs[:1], BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
				t.Fatal(err)
			}
			if err := os.Rename(other, out); err != nil {
				t.Fatal(err)
			}
		}, minEncoded: 1, maxEncoded: 1 << 30},
	} {
		t.Run(st.name, func(t *testing.T) {
			st.before(t)
			reused, encoded := mergeCounts(t, out, srcs, cache)
			if encoded < st.minEncoded || encoded > st.maxEncoded {
				t.Errorf("%d entries encoded, %d reused; want %d..%d encoded", encoded, reused, st.minEncoded, st.maxEncoded)
			}
			if st.name == "previous file replaced" && reused != 0 {
				t.Errorf("%d entries copied from a file the index does not describe", reused)
			}
			check(t)
		})
	}
}
