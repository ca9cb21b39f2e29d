package runs

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// writeDB writes a file shaped as the database (vulndb.EncodeHead's head,
// then data) and returns its head, which names the file's digest and
// where its data begins.
func writeDB(t *testing.T, path string, data []byte) []byte {
	t.Helper()
	n := (len(data) + vulndb.BlockSize - 1) / vulndb.BlockSize
	blocks := binary.LittleEndian.AppendUint32(nil, vulndb.BlockSize)
	blocks = binary.LittleEndian.AppendUint32(blocks, uint32(n))
	for i := range n {
		s := sha256.Sum256(data[i*vulndb.BlockSize : min((i+1)*vulndb.BlockSize, len(data))])
		blocks = append(blocks, s[:]...)
	}
	zero := binary.LittleEndian.AppendUint32(nil, 0)
	head := vulndb.EncodeHead([]byte(`{}`), zero, zero, blocks, uint64(len(data)))
	if err := os.WriteFile(path, append(bytes.Clone(head), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	return head
}

type indexed struct {
	key string
	sum [32]byte
	z   []byte
}

// writeIndexed writes a database of n compressed entries with its merge
// index, as a build with a cache does.
func writeIndexed(t *testing.T, cache, db string, n int) ([]indexed, []byte) {
	t.Helper()
	var data []byte
	var ents []indexed
	w, err := NewIndexWriter(cache)
	if err != nil {
		t.Fatal(err)
	}
	var offs []uint64
	for i := range n {
		val := []byte(fmt.Sprintf(`[{"package":"p%d"}]`, i))
		e := indexed{key: fmt.Sprintf("Debian:12\x00p%04d", i), sum: GroupSum(false, nil, [][]byte{val}),
			z: bytes.Repeat([]byte{byte(i)}, 100+i)}
		offs = append(offs, uint64(len(data)))
		data = append(data, e.z...)
		ents = append(ents, e)
	}
	for i, e := range ents {
		w.Add(e.key, e.sum, offs[i], e.z, Checksum(e.z))
	}
	head := writeDB(t, db, data)
	if err := w.Commit(cache, head); err != nil {
		t.Fatal(err)
	}
	return ents, head
}

// TestMergeIndex: the index a build leaves behind gives the next build
// each key's sum and compressed entry from the file it describes — and
// nothing from a file it does not describe, nothing of an entry damaged
// on disk, nothing once the index itself is damaged.
func TestMergeIndex(t *testing.T) {
	for _, tc := range []struct {
		name  string
		alter func(t *testing.T, cache, db string, ents []indexed)
		open  bool // OpenPrevIndex finds the pair usable
		lost  []int
	}{
		{"intact", func(*testing.T, string, string, []indexed) {}, true, nil},
		{"entry damaged in the file", func(t *testing.T, _, db string, ents []indexed) {
			b, _ := os.ReadFile(db)
			i := bytes.Index(b, ents[7].z)
			b[i+3] ^= 0xff
			os.WriteFile(db, b, 0o600)
		}, true, []int{7}},
		{"file replaced", func(t *testing.T, _, db string, _ []indexed) {
			writeDB(t, db, []byte("another build's data"))
		}, false, nil},
		{"file gone", func(t *testing.T, _, db string, _ []indexed) { os.Remove(db) }, false, nil},
		{"index cut short", func(t *testing.T, cache, _ string, _ []indexed) {
			p := filepath.Join(cache, "merge.idx")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)-10], 0o600)
		}, false, nil},
		{"index entries damaged", func(t *testing.T, cache, _ string, _ []indexed) {
			// The trailer is intact but the entries' lengths are not:
			// reuse stops, the build goes on.
			p := filepath.Join(cache, "merge.idx")
			b, _ := os.ReadFile(p)
			for i := 0; i < len(b)-mergeIdxTrailer; i++ {
				b[i] = 0xff
			}
			os.WriteFile(p, b, 0o600)
		}, true, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			cache, db := filepath.Join(dir, "cache"), filepath.Join(dir, "x.db")
			ents, _ := writeIndexed(t, cache, db, 12)
			tc.alter(t, cache, db, ents)
			p := OpenPrevIndex(cache, db)
			defer p.Close()
			if (p != nil) != tc.open {
				t.Fatalf("OpenPrevIndex: %v, want usable %v", p != nil, tc.open)
			}
			for i, e := range ents {
				if i == 4 {
					continue // a key the new build no longer has
				}
				got := p.Find(e.key)
				lost := !tc.open || slices.Contains(tc.lost, i)
				switch {
				case lost && got != nil && got.Z != nil:
					t.Errorf("%q: entry given from a damaged or foreign file", e.key)
				case !lost && (got == nil || got.Sum != e.sum || !bytes.Equal(got.Z, e.z)):
					t.Errorf("%q: got %+v, want the entry written", e.key, got)
				}
			}
			if got := p.Find("Debian:12\x00zzz"); got != nil {
				t.Errorf("a key never written: %+v", got)
			}
		})
	}
}

// TestIndexWriterWithoutCache: without a cache directory nothing is
// written or read, and an aborted index leaves no file behind.
func TestIndexWriterWithoutCache(t *testing.T) {
	w, err := NewIndexWriter("")
	if err != nil || w != nil {
		t.Fatalf("NewIndexWriter(\"\") = %v, %v", w, err)
	}
	w.Add("k", [32]byte{}, 0, nil, 0)
	if err := w.Commit("", nil); err != nil {
		t.Fatal(err)
	}
	w.Abort()
	if p := OpenPrevIndex("", "x.db"); p != nil {
		t.Fatal("index opened without a cache directory")
	}
	cache := t.TempDir()
	w, err = NewIndexWriter(cache)
	if err != nil {
		t.Fatal(err)
	}
	w.Add("k", [32]byte{}, 0, []byte("z"), Checksum([]byte("z")))
	w.Abort()
	if ents, _ := os.ReadDir(cache); len(ents) != 0 {
		t.Fatalf("aborted index left %v", ents)
	}
}
