package build

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
	"github.com/scanfleet/scanfleet/internal/vulndb"
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

// item is one sortable unit of a build.
type item struct {
	key   string // index key
	sub   string // enrichment: the CVE id; "" for advisories
	seq   uint32 // the record's number within its feed
	flags uint8  // enrichment: what the record holds (enr* flags)
	val   []byte // JSON of the key's []Affected, or of an Enrichment
}

// Enrichment item flags, so the merge can count without decoding.
const (
	enrCVSS = 1 << iota
	enrKEV
	enrEPSS
)

func itemLess(a, b *item) bool {
	if a.key != b.key {
		return a.key < b.key
	}
	if a.sub != b.sub {
		return a.sub < b.sub
	}
	return a.seq < b.seq
}

// runWriter gathers items and spills them as sorted runs into dir. The
// gathered items are held encoded in one byte arena with a table of
// pointer-free references, not as item values: a run holds some 100,000
// items, and as strings and slices they were 300,000 pointers for the
// garbage collector to scan at every cycle of a build that allocates tens
// of GB.
type runWriter struct {
	dir    string
	arena  []byte
	refs   []itemRef
	runs   []string // file names, relative to dir
	limit  int      // runBytes when 0
	prefix string   // of the run files' names
}

// itemRef locates one encoded item in the arena: key at off, then sub,
// then the rest (seq, flags, value) up to end.
type itemRef struct {
	off, klen, slen, end uint32
	seq                  uint32
}

func (w *runWriter) add(it item) error {
	off := len(w.arena)
	w.arena = appendItem(w.arena, &it)
	w.refs = append(w.refs, itemRef{off: uint32(off), klen: uint32(len(it.key)), slen: uint32(len(it.sub)), end: uint32(len(w.arena)), seq: it.seq})
	limit := runBytes
	if w.limit > 0 {
		limit = w.limit
	}
	if len(w.arena) >= limit {
		return w.spill()
	}
	return nil
}

// appendItem encodes an item as run files hold it.
func appendItem(b []byte, it *item) []byte {
	b = binary.AppendUvarint(b, uint64(len(it.key)))
	b = append(b, it.key...)
	b = binary.AppendUvarint(b, uint64(len(it.sub)))
	b = append(b, it.sub...)
	b = binary.AppendUvarint(b, uint64(it.seq))
	b = append(b, it.flags)
	b = binary.AppendUvarint(b, uint64(len(it.val)))
	return append(b, it.val...)
}

// key and sub return the key and sub of an encoded item.
func (w *runWriter) key(r *itemRef) []byte {
	o := int(r.off) + uvarintLen(uint64(r.klen))
	return w.arena[o : o+int(r.klen)]
}

func (w *runWriter) sub(r *itemRef) []byte {
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

// spill sorts the gathered items and writes them to a new run file.
func (w *runWriter) spill() error {
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

// runReader reads one run file back, item by item.
type runReader struct {
	name string
	feed int // index of the run's feed in the build's source list
	f    *os.File
	zr   *s2.Reader
	br   *bufio.Reader
	cur  item
	dead []uint64 // bit per record number: items of records to skip
}

func openRun(path string, feed int) (*runReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening sorted run: %w", err)
	}
	zr := s2.NewReader(f, s2.ReaderMaxBlockSize(256<<10))
	return &runReader{name: path, feed: feed, f: f, zr: zr, br: bufio.NewReaderSize(zr, 32<<10)}, nil
}

func (r *runReader) Close() error { return r.f.Close() }

// next reads the next item of a live record into r.cur; io.EOF at the
// end.
func (r *runReader) next() error {
	for {
		if err := r.next1(); err != nil {
			return err
		}
		if s := r.cur.seq; r.dead == nil || int(s/64) >= len(r.dead) || r.dead[s/64]&(1<<(s%64)) == 0 {
			return nil
		}
	}
}

func (r *runReader) next1() error {
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
	if string(key) != r.cur.key {
		r.cur.key = string(key)
	}
	r.cur.sub = string(sub)
	r.cur.seq = uint32(seq)
	r.cur.flags = flags
	r.cur.val = val
	return nil
}

func (r *runReader) bad(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("reading sorted run %s: %w", r.name, err)
}

func (r *runReader) bytesField() ([]byte, error) {
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

// merger yields the items of many runs in global order: (key, sub, feed,
// seq), the order in which the feeds emitted them within one key.
type merger struct{ h runHeap }

type runHeap []*runReader

func (h runHeap) Len() int { return len(h) }
func (h runHeap) Less(i, j int) bool {
	a, b := &h[i].cur, &h[j].cur
	if a.key != b.key || a.sub != b.sub {
		return itemLess(a, b)
	}
	if h[i].feed != h[j].feed {
		return h[i].feed < h[j].feed
	}
	return a.seq < b.seq
}
func (h runHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)   { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	r := old[len(old)-1]
	*h = old[:len(old)-1]
	return r
}

func newMerger(runs []*runReader) (*merger, error) {
	m := &merger{}
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

// peek returns the smallest item and its feed, or nil at the end.
func (m *merger) peek() (*item, int) {
	if len(m.h) == 0 {
		return nil, 0
	}
	return &m.h[0].cur, m.h[0].feed
}

// advance drops the smallest item.
func (m *merger) advance() error {
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

// blockHasher receives the data section as it is written and keeps the
// sha256 of every vulndb.BlockSize slice. It stages the data itself (1 MiB)
// and hashes the blocks where they lie, rather than copying every byte
// once more into a block buffer behind a bufio.Writer: the 330 MB of a
// real-volume file were copied twice on their way to the disk.
type blockHasher struct {
	w     io.Writer
	stage []byte
	sums  []byte
	n     int64
	err   error
}

const stageBytes = 1 << 20 // a multiple of vulndb.BlockSize

func (h *blockHasher) Write(p []byte) (int, error) {
	if h.err != nil {
		return 0, h.err
	}
	n := len(p)
	h.n += int64(n)
	for len(p) > 0 {
		if h.stage == nil {
			h.stage = make([]byte, 0, stageBytes)
		}
		k := min(len(p), stageBytes-len(h.stage))
		h.stage = append(h.stage, p[:k]...)
		p = p[k:]
		if len(h.stage) == stageBytes {
			h.writeStage()
		}
	}
	return n, h.err
}

// writeStage hashes the staged blocks (the last may be short only at the
// end of the data) and writes them out.
func (h *blockHasher) writeStage() {
	for off := 0; off < len(h.stage); off += vulndb.BlockSize {
		sum := sha256Sum(h.stage[off:min(off+vulndb.BlockSize, len(h.stage))])
		h.sums = append(h.sums, sum[:]...)
	}
	if _, err := h.w.Write(h.stage); err != nil && h.err == nil {
		h.err = err
	}
	h.stage = h.stage[:0]
}

// flush writes what is staged: call once, at the end of the data.
func (h *blockHasher) flush() error {
	if len(h.stage) > 0 {
		h.writeStage()
	}
	return h.err
}

// joinJSON writes "[a,b,...]" of already encoded JSON values: what
// json.Marshal gives for a slice of the values they encode.
func joinJSON(buf *bytes.Buffer, vals [][]byte) []byte {
	buf.Reset()
	buf.WriteByte('[')
	for i, v := range vals {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(v)
	}
	buf.WriteByte(']')
	return buf.Bytes()
}
