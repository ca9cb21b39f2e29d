package runs

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"

	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// The merge cache (issue 19). Compressing every key's affected entries
// and merging every CVE's enrichment records was most of what an update
// cost once no feed had to be parsed again (zstd 54 %, the enrichment JSON
// merge 30 % of the merge's CPU): yet from one day to the next almost
// every key has the very same items. So a build with a cache directory
// leaves behind, in CACHE/merge.idx, one line per key of the file it
// wrote — the key, the sha256 of the key's items (what the compressed
// entry is a function of) and where the compressed entry lies in that
// file — and the next build, walking the keys in the same sorted order,
// copies the compressed entry of every key whose items hash the same
// from the previous file instead of encoding it again. The previous
// database file is the store: nothing is written twice, and the index
// names the file's root digest, so a file replaced by anything else
// (db import, db pull, a build without the cache) is simply not used. A
// CRC-32C of each entry, checked as it is copied, guards against a file
// damaged on disk (the file's own page digests are not re-verified by the
// build); a mismatch is recompressed.
//
// The output is byte-identical to a build without the cache: the same
// items give the same bytes (zstd is deterministic at a given level with
// one goroutine per encoder), which TestIncrementalUpdate and
// TestMergeCacheReuse check against full builds.

const mergeIdxMagic = "SFMIDX01"

// IndexTempPrefix begins the name of a merge index being written; one
// left behind by an interrupted build may be removed.
const IndexTempPrefix = "merge.idx.tmp-"

// mergeIdxTrailer is digest (32), data offset (8), entries (8), vulndb.Magic (8).
const mergeIdxTrailer = 32 + 8 + 8 + 8

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Checksum is the CRC-32C of a compressed entry, as the merge index
// records it.
func Checksum(z []byte) uint32 { return crc32.Checksum(z, castagnoli) }

// PrevEntry is one key of the previous build's file.
type PrevEntry struct {
	key string
	// Sum is the GroupSum of the key's items then.
	Sum [32]byte
	off uint64 // relative to the data section
	n   uint32
	crc uint32
	// Z is the compressed entry, nil when unreadable or damaged.
	Z []byte
}

// PrevIndex walks the previous build's merge index in key order.
type PrevIndex struct {
	f, db *os.File
	r     *bufio.Reader
	left  uint64
	base  int64
	cur   PrevEntry
	ok    bool
	// The previous file's data, read forward: keys are asked for in
	// order and their entries lie at increasing offsets, so one
	// sequential read replaces a pread per key (268,000 system calls for
	// the real-volume corpus, which a loaded machine made expensive).
	data    *bufio.Reader
	dataPos uint64
	dataLen uint64
}

// OpenPrevIndex opens CACHE/merge.idx and the database file dbPath it
// describes. It returns nil (nothing to reuse) when either is missing or
// they do not belong together; errors are not fatal to a build. A nil
// PrevIndex finds nothing.
func OpenPrevIndex(cacheDir, dbPath string) *PrevIndex {
	if cacheDir == "" {
		return nil
	}
	f, err := os.Open(filepath.Join(cacheDir, "merge.idx"))
	if err != nil {
		return nil
	}
	p := &PrevIndex{f: f}
	ok := false
	defer func() {
		if !ok {
			p.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil || st.Size() < mergeIdxTrailer {
		return nil
	}
	var tr [mergeIdxTrailer]byte
	if _, err := f.ReadAt(tr[:], st.Size()-mergeIdxTrailer); err != nil || string(tr[48:]) != mergeIdxMagic {
		return nil
	}
	if p.db, err = os.Open(dbPath); err != nil {
		return nil
	}
	var hdr [vulndb.HeaderSize + vulndb.SectionTable]byte
	if _, err := p.db.ReadAt(hdr[:], 0); err != nil {
		return nil
	}
	if string(hdr[:len(vulndb.Magic)]) != vulndb.Magic || binary.LittleEndian.Uint32(hdr[8:]) != vulndb.SchemaVersion || !bytes.Equal(hdr[24:56], tr[:32]) {
		return nil
	}
	p.base = vulndb.HeaderSize + int64(binary.LittleEndian.Uint64(hdr[vulndb.HeaderSize+vulndb.SecData*16:]))
	if p.base != int64(binary.LittleEndian.Uint64(tr[32:])) {
		return nil
	}
	p.left = binary.LittleEndian.Uint64(tr[40:])
	p.r = bufio.NewReaderSize(io.NewSectionReader(f, 0, st.Size()-mergeIdxTrailer), 64<<10)
	dst, err := p.db.Stat()
	if err != nil || dst.Size() < p.base {
		return nil
	}
	p.dataLen = uint64(dst.Size() - p.base)
	p.data = bufio.NewReaderSize(io.NewSectionReader(p.db, p.base, int64(p.dataLen)), 1<<20)
	ok = true
	return p
}

// Close closes the index and the file it describes.
func (p *PrevIndex) Close() {
	if p == nil {
		return
	}
	if p.f != nil {
		p.f.Close()
	}
	if p.db != nil {
		p.db.Close()
	}
}

// Find returns the previous entry of key, or nil. Keys must be asked for
// in increasing order. A damaged index stops reuse for the rest of the
// build (everything after is recompressed), never the build.
func (p *PrevIndex) Find(key string) *PrevEntry {
	if p == nil {
		return nil
	}
	for {
		if !p.ok {
			if p.left == 0 || !p.read() {
				p.left = 0
				return nil
			}
			p.ok = true
		}
		switch {
		case p.cur.key < key:
			p.ok = false
		case p.cur.key == key:
			p.ok = false
			e := p.cur
			e.Z = p.load(e.off, e.n, e.crc)
			return &e
		default:
			return nil
		}
	}
}

func (p *PrevIndex) read() bool {
	p.left--
	kl, err := binary.ReadUvarint(p.r)
	if err != nil || kl > 1<<20 {
		return false
	}
	k := make([]byte, kl)
	if _, err := io.ReadFull(p.r, k); err != nil {
		return false
	}
	var fixed [32 + 8 + 4 + 4]byte
	if _, err := io.ReadFull(p.r, fixed[:]); err != nil {
		return false
	}
	p.cur = PrevEntry{key: string(k), off: binary.LittleEndian.Uint64(fixed[32:]), n: binary.LittleEndian.Uint32(fixed[40:]),
		crc: binary.LittleEndian.Uint32(fixed[44:])}
	copy(p.cur.Sum[:], fixed[:32])
	return true
}

// load reads an entry's compressed bytes from the previous file, or
// returns nil when they cannot be read or do not match their CRC (the
// key is then encoded again).
func (p *PrevIndex) load(off uint64, n, crc uint32) []byte {
	if off < p.dataPos || off+uint64(n) > p.dataLen {
		return nil
	}
	if _, err := p.data.Discard(int(off - p.dataPos)); err != nil {
		p.dataPos = p.dataLen // nothing more can be read
		return nil
	}
	b := make([]byte, n)
	_, err := io.ReadFull(p.data, b)
	p.dataPos = off + uint64(n)
	if err != nil || crc32.Checksum(b, castagnoli) != crc {
		return nil
	}
	return b
}

// IndexWriter writes the merge index of the file being built. A nil
// IndexWriter (a build without a cache) writes nothing.
type IndexWriter struct {
	f   *os.File
	w   *bufio.Writer
	n   uint64
	buf []byte
}

// NewIndexWriter starts the merge index of a build in cacheDir; nil
// when cacheDir is "".
func NewIndexWriter(cacheDir string) (*IndexWriter, error) {
	if cacheDir == "" {
		return nil, nil
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	f, err := os.CreateTemp(cacheDir, IndexTempPrefix+"*")
	if err != nil {
		return nil, fmt.Errorf("cache: %w", err)
	}
	return &IndexWriter{f: f, w: bufio.NewWriterSize(f, 256<<10)}, nil
}

// Add records key's compressed entry z, written at off in the data
// section, with its GroupSum and Checksum. Keys come in increasing order.
func (m *IndexWriter) Add(key string, sum [32]byte, off uint64, z []byte, crc uint32) {
	if m == nil {
		return
	}
	b := binary.AppendUvarint(m.buf[:0], uint64(len(key)))
	b = append(b, key...)
	b = append(b, sum[:]...)
	b = binary.LittleEndian.AppendUint64(b, off)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(z)))
	b = binary.LittleEndian.AppendUint32(b, crc)
	m.buf = b
	m.w.Write(b)
	m.n++
}

// Commit finishes the index of the file whose header is head (its root
// digest and data offset) and puts it in place.
func (m *IndexWriter) Commit(cacheDir string, head []byte) error {
	if m == nil {
		return nil
	}
	var tr []byte
	tr = append(tr, head[24:56]...)
	tr = binary.LittleEndian.AppendUint64(tr, vulndb.HeaderSize+binary.LittleEndian.Uint64(head[vulndb.HeaderSize+vulndb.SecData*16:]))
	tr = binary.LittleEndian.AppendUint64(tr, m.n)
	tr = append(tr, mergeIdxMagic...)
	m.w.Write(tr)
	err := m.w.Flush()
	if cerr := m.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(m.f.Name(), filepath.Join(cacheDir, "merge.idx"))
	}
	if err != nil {
		os.Remove(m.f.Name())
		return fmt.Errorf("cache: writing the merge index: %w", err)
	}
	return nil
}

// Abort drops an unfinished index.
func (m *IndexWriter) Abort() {
	if m == nil {
		return
	}
	m.f.Close()
	os.Remove(m.f.Name())
}

// GroupSum is what a key's compressed entry is a function of: its items
// in merge order (for an enrichment bucket, each item's CVE id too).
func GroupSum(enrich bool, subs []string, vals [][]byte) [32]byte {
	h := sha256.New()
	var lb [9]byte
	if enrich {
		lb[8] = 1
	}
	h.Write(lb[8:])
	for i, v := range vals {
		if enrich {
			DigestWrite(h, []byte(subs[i]))
		}
		DigestWrite(h, v)
	}
	var s [32]byte
	h.Sum(s[:0])
	return s
}

// DigestWrite adds a length-prefixed value to a content digest.
func DigestWrite(h hash.Hash, b []byte) {
	var lenBuf [8]byte
	binary.LittleEndian.PutUint64(lenBuf[:], uint64(len(b)))
	h.Write(lenBuf[:])
	h.Write(b)
}
