// Package runs is the database build's external sort and what makes its
// merge cheap to repeat:
//
//   - items (one advisory's affected entries for one key, or one CVE's
//     enrichment) gathered in memory up to a bound, sorted and spilled as
//     s2-compressed run files (Writer);
//   - run files read back item by item, skipping the items of dead
//     records (Reader), and merged in the file's global order (Merger);
//   - the merge index a build with a cache leaves behind (IndexWriter),
//     with which the next build copies the compressed entry of every key
//     whose items did not change from the previous file (PrevIndex).
//
// It is a package of its own because these are file formats with their
// own invariants (an order, an encoding, a trailer that ties an index to
// one database file) that the build's other parts — reading feeds,
// patching the feed cache, assembling the file — only produce and
// consume; it knows nothing of feeds or advisories.
package runs

import (
	"bufio"
	"bytes"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/klauspost/compress/s2"
)

// The file format needs a global order (keys sorted, each key's data
// contiguous), while feeds stream records in their own order. The build
// therefore turns every record into items — the affected entries of one
// advisory for one key, or one CVE's enrichment — and sorts them
// externally: items are gathered up to runBytes, sorted, and written to a
// run file (s2-compressed); the file is written by merging every run of
// every feed. Memory is bounded by runBytes and the merge's buffers,
// whatever the corpus size.

// runBytes is how much item payload a feed gathers in memory before it
// sorts them and spills a run.
const runBytes = 24 << 20

// Item is one sortable unit of a build.
type Item struct {
	Key   string // index key
	Sub   string // enrichment: the CVE id; "" for advisories
	Seq   uint32 // the record's number within its feed
	Flags uint8  // enrichment: what the record holds (Enr* flags)
	Val   []byte // JSON of the key's []Affected, or of an Enrichment
}

// Enrichment item flags, so the merge can count without decoding.
const (
	EnrCVSS = 1 << iota
	EnrKEV
	EnrEPSS
)

func itemLess(a, b *Item) bool {
	if a.Key != b.Key {
		return a.Key < b.Key
	}
	if a.Sub != b.Sub {
		return a.Sub < b.Sub
	}
	return a.Seq < b.Seq
}

// Writer gathers items and spills them as sorted runs into dir. The
// gathered items are held encoded in one byte arena with a table of
// pointer-free references, not as item values: a run holds some 100,000
// items, and as strings and slices they were 300,000 pointers for the
// garbage collector to scan at every cycle of a build that allocates tens
// of GB.
type Writer struct {
	dir    string
	arena  []byte
	refs   []itemRef
	runs   []string // file names, relative to dir
	limit  int      // runBytes when 0
	prefix string   // of the run files' names
}

// NewWriter returns a Writer of run files named <prefix>run-NNNN.s2 in
// dir, spilling every limit bytes of items (24 MiB when limit is 0).
func NewWriter(dir, prefix string, limit int) *Writer {
	return &Writer{dir: dir, prefix: prefix, limit: limit}
}

// Runs returns the names of the run files written so far, relative to
// the Writer's directory.
func (w *Writer) Runs() []string { return w.runs }

// itemRef locates one encoded item in the arena: key at off, then sub,
// then the rest (seq, flags, value) up to end.
type itemRef struct {
	off, klen, slen, end uint32
	seq                  uint32
}

// Add gathers one item, spilling a run when the gathered items reach the
// Writer's limit.
func (w *Writer) Add(it Item) error {
	off := len(w.arena)
	w.arena = appendItem(w.arena, &it)
	w.refs = append(w.refs, itemRef{off: uint32(off), klen: uint32(len(it.Key)), slen: uint32(len(it.Sub)), end: uint32(len(w.arena)), seq: it.Seq})
	limit := runBytes
	if w.limit > 0 {
		limit = w.limit
	}
	if len(w.arena) >= limit {
		return w.Spill()
	}
	return nil
}

// appendItem encodes an item as run files hold it.
func appendItem(b []byte, it *Item) []byte {
	b = binary.AppendUvarint(b, uint64(len(it.Key)))
	b = append(b, it.Key...)
	b = binary.AppendUvarint(b, uint64(len(it.Sub)))
	b = append(b, it.Sub...)
	b = binary.AppendUvarint(b, uint64(it.Seq))
	b = append(b, it.Flags)
	b = binary.AppendUvarint(b, uint64(len(it.Val)))
	return append(b, it.Val...)
}

// key and sub return the key and sub of an encoded item.
func (w *Writer) key(r *itemRef) []byte {
	o := int(r.off) + uvarintLen(uint64(r.klen))
	return w.arena[o : o+int(r.klen)]
}

func (w *Writer) sub(r *itemRef) []byte {
	o := int(r.off) + uvarintLen(uint64(r.klen)) + int(r.klen) + uvarintLen(uint64(r.slen))
	return w.arena[o : o+int(r.slen)]
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// Spill sorts the gathered items and writes them to a new run file.
func (w *Writer) Spill() error {
	if len(w.refs) == 0 {
		return nil
	}
	sort.Slice(w.refs, func(i, j int) bool {
		a, b := &w.refs[i], &w.refs[j]
		if c := bytes.Compare(w.key(a), w.key(b)); c != 0 {
			return c < 0
		}
		if c := bytes.Compare(w.sub(a), w.sub(b)); c != 0 {
			return c < 0
		}
		return a.seq < b.seq
	})
	name := fmt.Sprintf("%srun-%04d.s2", w.prefix, len(w.runs))
	f, err := os.Create(filepath.Join(w.dir, name))
	if err != nil {
		return fmt.Errorf("spilling sorted run: %w", err)
	}
	zw := s2.NewWriter(f, s2.WriterBlockSize(256<<10), s2.WriterConcurrency(1))
	bw := bufio.NewWriterSize(zw, 64<<10)
	for i := range w.refs {
		r := &w.refs[i]
		bw.Write(w.arena[r.off:r.end])
	}
	err = bw.Flush()
	if err == nil {
		err = zw.Close()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("spilling sorted run %s: %w", name, err)
	}
	w.runs = append(w.runs, name)
	w.arena = w.arena[:0]
	w.refs = w.refs[:0]
	return nil
}

// Reader reads one run file back, item by item.
type Reader struct {
	name string
	feed int // index of the run's feed in the build's source list
	f    *os.File
	zr   *s2.Reader
	br   *bufio.Reader
	cur  Item
	dead []uint64 // bit per record number: items of records to skip
}

// Open opens the run file at path, of the feed numbered feed in the
// build's source list (which orders the items of one key and CVE).
// dead, when not nil, has a bit set per record number whose items are
// skipped (records replaced or gone since the run was written).
func Open(path string, feed int, dead []uint64) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening sorted run: %w", err)
	}
	zr := s2.NewReader(f, s2.ReaderMaxBlockSize(256<<10))
	return &Reader{name: path, feed: feed, f: f, zr: zr, br: bufio.NewReaderSize(zr, 32<<10), dead: dead}, nil
}

// Close closes the run file.
func (r *Reader) Close() error { return r.f.Close() }

// next reads the next item of a live record into r.cur; io.EOF at the
// end.
func (r *Reader) next() error {
	for {
		if err := r.next1(); err != nil {
			return err
		}
		if s := r.cur.Seq; r.dead == nil || int(s/64) >= len(r.dead) || r.dead[s/64]&(1<<(s%64)) == 0 {
			return nil
		}
	}
}

func (r *Reader) next1() error {
	key, err := r.bytesField()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return r.bad(err)
	}
	sub, err := r.bytesField()
	if err != nil {
		return r.bad(err)
	}
	seq, err := binary.ReadUvarint(r.br)
	if err != nil {
		return r.bad(err)
	}
	flags, err := r.br.ReadByte()
	if err != nil {
		return r.bad(err)
	}
	val, err := r.bytesField()
	if err != nil {
		return r.bad(err)
	}
	// Keys repeat from item to item: reuse the string when it did not
	// change rather than allocate one per item.
	if string(key) != r.cur.Key {
		r.cur.Key = string(key)
	}
	r.cur.Sub = string(sub)
	r.cur.Seq = uint32(seq)
	r.cur.Flags = flags
	r.cur.Val = val
	return nil
}

func (r *Reader) bad(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading sorted run %s: %w", r.name, err)
}

func (r *Reader) bytesField() ([]byte, error) {
	n, err := binary.ReadUvarint(r.br)
	if err != nil {
		return nil, err
	}
	if n > maxDocBytes {
		return nil, fmt.Errorf("item of %d bytes", n)
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return nil, err
	}
	return b, nil
}

// maxDocBytes bounds one item read back from a run.
const maxDocBytes = 256 << 20

// Merger yields the items of many runs in global order: (key, sub, feed,
// seq), the order in which the feeds emitted them within one key.
type Merger struct{ h runHeap }

type runHeap []*Reader

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	a, b := &h[i].cur, &h[j].cur
	if a.Key != b.Key || a.Sub != b.Sub {
		return itemLess(a, b)
	}
	if h[i].feed != h[j].feed {
		return h[i].feed < h[j].feed
	}
	return a.Seq < b.Seq
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*Reader)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

// NewMerger merges runs, reading each one's first item (the runs stay
// the caller's to close).
func NewMerger(runs []*Reader) (*Merger, error) {
	m := &Merger{}
	for _, r := range runs {
		switch err := r.next(); {
		case errors.Is(err, io.EOF):
		case err != nil:
			return nil, err
		default:
			m.h = append(m.h, r)
		}
	}
	heap.Init(&m.h)
	return m, nil
}

// Peek returns the smallest item and its feed, or nil at the end. The
// item is valid until the next Advance.
func (m *Merger) Peek() (*Item, int) {
	if len(m.h) == 0 {
		return nil, 0
	}
	return &m.h[0].cur, m.h[0].feed
}

// Advance drops the smallest item.
func (m *Merger) Advance() error {
	r := m.h[0]
	switch err := r.next(); {
	case errors.Is(err, io.EOF):
		heap.Pop(&m.h)
	case err != nil:
		return err
	default:
		heap.Fix(&m.h, 0)
	}
	return nil
}
