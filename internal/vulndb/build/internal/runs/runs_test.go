package runs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// feedItems returns n items of feed f in a shuffled order: keys shared
// between feeds, several items per key, some with a CVE id as sub.
func feedItems(f, n int) []Item {
	r := rand.New(rand.NewPCG(uint64(f), 7))
	items := make([]Item, n)
	for i := range items {
		it := Item{Key: fmt.Sprintf("Debian:12\x00pkg%03d", r.IntN(n/4+1)), Seq: uint32(i), Val: []byte(fmt.Sprintf(`{"feed":%d,"seq":%d}`, f, i))}
		if i%3 == 0 {
			it.Key = fmt.Sprintf("enrich\x00%02d", r.IntN(8))
			it.Sub = fmt.Sprintf("CVE-2024-%04d", r.IntN(50))
			it.Flags = uint8(EnrCVSS << (i % 3))
		}
		items[i] = it
	}
	r.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
	return items
}

// TestWriteMerge spills the items of three feeds into runs of several
// sizes and merges them back: every live item comes out once, in the
// order (key, sub, feed, seq) whatever the runs, with its flags and value;
// the items of dead records do not come out.
func TestWriteMerge(t *testing.T) {
	for _, tc := range []struct {
		name  string
		limit int
		dead  map[int][]uint32 // feed -> dead record numbers
	}{
		{"one run per feed", 0, nil},
		{"runs of 256 bytes", 256, nil},
		{"runs of one item", 1, nil},
		{"dead records", 512, map[int][]uint32{0: {0, 5, 63, 64, 199}, 2: {1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			type tagged struct {
				it   Item
				feed int
			}
			var want []tagged
			var readers []*Reader
			defer func() {
				for _, r := range readers {
					r.Close()
				}
			}()
			for f := range 3 {
				w := NewWriter(dir, fmt.Sprintf("f%d-", f), tc.limit)
				var dead []uint64
				for _, s := range tc.dead[f] {
					for int(s/64) >= len(dead) {
						dead = append(dead, 0)
					}
					dead[s/64] |= 1 << (s % 64)
				}
				for _, it := range feedItems(f, 200) {
					if err := w.Add(it); err != nil {
						t.Fatal(err)
					}
					if !slices.Contains(tc.dead[f], it.Seq) {
						want = append(want, tagged{it, f})
					}
				}
				if err := w.Spill(); err != nil {
					t.Fatal(err)
				}
				if tc.limit == 1 && len(w.Runs()) != 200 {
					t.Errorf("feed %d: %d runs of one item each, want 200", f, len(w.Runs()))
				}
				for _, name := range w.Runs() {
					r, err := Open(filepath.Join(dir, name), f, dead)
					if err != nil {
						t.Fatal(err)
					}
					readers = append(readers, r)
				}
			}
			slices.SortFunc(want, func(a, b tagged) int {
				switch {
				case a.it.Key != b.it.Key:
					return strings.Compare(a.it.Key, b.it.Key)
				case a.it.Sub != b.it.Sub:
					return strings.Compare(a.it.Sub, b.it.Sub)
				case a.feed != b.feed:
					return a.feed - b.feed
				}
				return int(a.it.Seq) - int(b.it.Seq)
			})
			m, err := NewMerger(readers)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for it, f := m.Peek(); it != nil; it, f = m.Peek() {
				if n >= len(want) {
					t.Fatalf("more than the %d items written", len(want))
				}
				w := want[n]
				if f != w.feed || it.Key != w.it.Key || it.Sub != w.it.Sub || it.Seq != w.it.Seq || it.Flags != w.it.Flags || string(it.Val) != string(w.it.Val) {
					t.Fatalf("item %d: feed %d %+v, want feed %d %+v", n, f, *it, w.feed, w.it)
				}
				n++
				if err := m.Advance(); err != nil {
					t.Fatal(err)
				}
			}
			if n != len(want) {
				t.Fatalf("merged %d items, want %d", n, len(want))
			}
		})
	}
}

// TestReaderDamage: a run file cut short or altered is an error naming
// the file, never a panic or a silently shorter merge.
func TestReaderDamage(t *testing.T) {
	dir := t.TempDir()
	w := NewWriter(dir, "", 0)
	for _, it := range feedItems(0, 400) {
		if err := w.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Spill(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, w.Runs()[0])
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"cut in half", good[:len(good)/2]},
		{"cut by one byte", good[:len(good)-1]},
		{"altered", func() []byte {
			b := slices.Clone(good)
			b[len(b)/2] ^= 0x55
			return b
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "run-0000.s2")
			if err := os.WriteFile(p, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := Open(p, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			m, err := NewMerger([]*Reader{r})
			for n := 0; err == nil; n++ {
				if it, _ := m.Peek(); it == nil {
					t.Fatalf("damaged run read to its end (%d items)", n)
				}
				err = m.Advance()
			}
			if !strings.Contains(err.Error(), p) {
				t.Errorf("error %q does not name the run file", err)
			}
		})
	}
	if _, err := Open(filepath.Join(dir, "missing.s2"), 0, nil); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening a missing run: %v", err)
	}
}
