package vulndb

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"sync/atomic"
)

// The file format is hand-written rather than bbolt or SQLite because the
// database is immutable once built: a sorted key index and compressed
// records read straight from one read-only mapping need no page cache of
// their own, no locks and no parsing on open (see docs/db-format.md for
// the measurements that decided it).
//
// Layout of schema 3 (all integers little-endian):
//
//	header (64 bytes)
//	  0  magic "SCANFDB\x00"
//	  8  schema version  uint32 (3)
//	 12  flags           uint32 (0)
//	 16  body length     uint64 (file size - 64)
//	 24  sha256(top)     [32]byte, the root digest (Info.Digest)
//	 56  top length      uint64
//	body
//	  top (hashed whole on Open; its size does not grow with the corpus)
//	    section table: 6 x (offset uint64, length uint64), relative to body
//	    0 metadata   JSON (storedMeta)
//	    5 roots      the digests of the digest tree's highest level
//	                 (at most 128)
//	    zero padding up to a page boundary of the file
//	  3 tree         the digest tree's lower levels, each page-aligned and
//	                 zero-padded to a page: level 1 is the sha256 of every
//	                 4 KiB page of the paged region, level k+1 the sha256
//	                 of every page of level k, up to the first level of at
//	                 most 128 digests, which is the roots section
//	  paged region (every page verified the first time it is read)
//	    1 index      u32 nKeys, u32 entryOffset[nKeys], entries
//	                 entry = uvarint len(key), key ("ecosystem\x00package",
//	                 normalised), uvarint nIDs, uvarint recordID...,
//	                 uvarint affectedOffset, uvarint affectedLength
//	                 (offset relative to data); sorted by key, bytewise.
//	    2 records    u32 nRecs, nRecs x (u64 offset, u32 length) into data
//	    zero padding up to a page boundary
//	    4 data       the rest of the file: per key, in key order, the
//	                 key's zstd(JSON([][]Affected)) followed by the
//	                 zstd(JSON(advisory without Affected)) records whose
//	                 first key (in key order) it is
//
// The root digest covers the top, which holds the digest tree's roots, so
// it identifies every byte of the file after the header (a Merkle tree
// with 4 KiB pages and a fan-out of 128) while Open hashes only the top
// and the few pages it reads (the index's and record table's counts).
// Any other page — of the index, the record table, the tree or the data —
// is hashed the first time a lookup reads it, after the tree pages above
// it; a process therefore pages in and hashes only what its lookups use,
// and Open costs the same for any corpus size. Keys are sorted and each
// key's data is contiguous, so the lookups of one image (one distro
// ecosystem, a few language ecosystems) touch a few ranges of the file.
//
// Affected entries are stored per key, not in the record, because some
// advisories list hundreds of packages (an AlmaLinux kernel erratum names
// every kernel-* binary package): a lookup decodes only the entries of the
// package it asked for.

// SchemaVersion is the version of the file format this package writes and
// reads. Files of another version (schema 1, read whole into memory,
// schema 2, whose whole index was hashed on every Open, and schema 3,
// whose EPSS scores sat in the CVEs' enrichment buckets rather than in
// buckets of their own, EPSSSuffix) are refused with ErrSchema: rebuild
// the database. (A schema 3 reader would find no EPSS in a schema 4 file
// and say nothing; hence the new number.)
const SchemaVersion = 4

const (
	Magic        = "SCANFDB\x00"
	HeaderSize   = 64
	numSections  = 6
	SectionTable = numSections * 16
	// pageSize is the unit of lazy verification: one page, so verifying
	// what a lookup reads touches no page the lookup would not touch.
	pageSize = 4096
	// blockSize is the data block size of the build's block hasher: a
	// data block is a page of the paged region.
	BlockSize = pageSize
	// pageAlign aligns the tree, the paged region and the data in the
	// file, so that their pages are the file's pages.
	pageAlign = pageSize
	// fanout is how many digests a tree page holds.
	fanout       = pageSize / sha256.Size
	RecEntrySize = 12
)

const (
	secMeta = iota
	secIndex
	secRecords
	secTree
	SecData
	secRoots
)

// Errors returned when a file is not a usable database. They are wrapped
// with the path and the detail; test with errors.Is.
var (
	ErrNotDB   = errors.New("not a scanfleet vulnerability database")
	ErrSchema  = errors.New("unsupported database schema version")
	ErrCorrupt = errors.New("database file is corrupt")
)

// storedMeta is the metadata section. Field names are part of the schema.
type StoredMeta struct {
	SchemaVersion int          `json:"schema_version"`
	BuiltAt       string       `json:"built_at"` // RFC 3339
	Sources       []SourceInfo `json:"sources"`
	Ecosystems    []string     `json:"ecosystems"`
	Advisories    int          `json:"advisories"`
	Keys          int          `json:"keys"`
	// Added without a schema change (older readers ignore them): what the
	// file holds about CVEs, and the digests of its advisory and
	// enrichment parts (see contentDigests).
	Enrichment   *EnrichmentInfo `json:"enrichment,omitempty"`
	AdvDigest    string          `json:"advisories_digest,omitempty"`
	EnrichDigest string          `json:"enrichment_digest,omitempty"`
}

// KeyEntry is what the index holds for one key: the records and the
// compressed affected entries.
type KeyEntry struct {
	IDs      []uint32
	Affected []byte
}

// EncodeFile lays out a complete database file. Records are renumbered so
// that each is stored next to the first key (in key order) naming it; the
// order of ids under a key, which is the order lookups return, is kept.
func EncodeFile(meta StoredMeta, keys []string, entryOf map[string]KeyEntry, records [][]byte) ([]byte, error) {
	if len(records) > math.MaxUint32 || len(keys) > math.MaxUint32 {
		return nil, fmt.Errorf("too many records (%d) or keys (%d)", len(records), len(keys))
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encoding metadata: %w", err)
	}
	sort.Strings(keys)

	const unset = math.MaxUint32
	newID := make([]uint32, len(records))
	for i := range newID {
		newID[i] = unset
	}
	recTab := make([]byte, 4+RecEntrySize*len(records))
	binary.LittleEndian.PutUint32(recTab, uint32(len(records)))
	var data, entries []byte
	offsets := make([]byte, 0, 4*len(keys))
	next := uint32(0)
	for _, k := range keys {
		if len(entries) > math.MaxUint32 {
			return nil, errors.New("index larger than 4 GiB")
		}
		ke := entryOf[k]
		affOff := len(data)
		data = append(data, ke.Affected...)
		for _, id := range ke.IDs {
			if int(id) >= len(records) {
				return nil, fmt.Errorf("key %q names record %d of %d", k, id, len(records))
			}
			if newID[id] != unset {
				continue
			}
			newID[id] = next
			r := records[id]
			if len(r) > math.MaxUint32 {
				return nil, fmt.Errorf("record %d larger than 4 GiB", id)
			}
			e := recTab[4+RecEntrySize*int(next):]
			binary.LittleEndian.PutUint64(e, uint64(len(data)))
			binary.LittleEndian.PutUint32(e[8:], uint32(len(r)))
			data = append(data, r...)
			next++
		}
		offsets = binary.LittleEndian.AppendUint32(offsets, uint32(len(entries)))
		entries = binary.AppendUvarint(entries, uint64(len(k)))
		entries = append(entries, k...)
		entries = binary.AppendUvarint(entries, uint64(len(ke.IDs)))
		for _, id := range ke.IDs {
			entries = binary.AppendUvarint(entries, uint64(newID[id]))
		}
		entries = binary.AppendUvarint(entries, uint64(affOff))
		entries = binary.AppendUvarint(entries, uint64(len(ke.Affected)))
	}
	if int(next) != len(records) {
		// Every record must be reachable: the builder stores only keyed
		// advisories, and an unreachable record would have no place.
		return nil, fmt.Errorf("%d of %d records are named by no key", len(records)-int(next), len(records))
	}
	index := binary.LittleEndian.AppendUint32(nil, uint32(len(keys)))
	index = append(index, offsets...)
	index = append(index, entries...)

	nBlocks := (len(data) + BlockSize - 1) / BlockSize
	blocks := binary.LittleEndian.AppendUint32(nil, BlockSize)
	blocks = binary.LittleEndian.AppendUint32(blocks, uint32(nBlocks))
	for i := 0; i < nBlocks; i++ {
		sum := sha256.Sum256(data[i*BlockSize : min((i+1)*BlockSize, len(data))])
		blocks = append(blocks, sum[:]...)
	}
	return append(EncodeHead(metaJSON, index, recTab, blocks, uint64(len(data))), data...), nil
}

// EncodeHead lays out the header and everything before the data of a
// file whose data section has dataLen bytes; blocks is u32 blockSize,
// u32 nBlocks and the sha256 of every blockSize slice of the data (the
// streaming build computes them while it writes the data).
func EncodeHead(metaJSON, index, recTab, blocks []byte, dataLen uint64) []byte {
	dataSums := blocks[8:]
	// The paged region starts with the index and the record table, padded
	// to a page so the data's blocks are the region's pages.
	pagedHead := roundUp(len(index)+len(recTab), pageSize)
	ph := make([]byte, pagedHead)
	copy(ph, index)
	copy(ph[len(index):], recTab)
	level := make([]byte, 0, pagedHead/pageSize*sha256.Size+len(dataSums))
	for p := 0; p < pagedHead; p += pageSize {
		sum := sha256.Sum256(ph[p : p+pageSize])
		level = append(level, sum[:]...)
	}
	level = append(level, dataSums...)
	var tree []byte
	for len(level) > pageSize {
		arr := make([]byte, roundUp(len(level), pageSize))
		copy(arr, level)
		tree = append(tree, arr...)
		level = level[:0:0]
		for p := 0; p < len(arr); p += pageSize {
			sum := sha256.Sum256(arr[p : p+pageSize])
			level = append(level, sum[:]...)
		}
	}
	roots := level

	topLen := roundUp(HeaderSize+SectionTable+len(metaJSON)+len(roots), pageAlign) - HeaderSize
	pagedOff := topLen + len(tree)
	headLen := pagedOff + pagedHead
	file := make([]byte, HeaderSize+headLen)
	body := file[HeaderSize:]
	put := func(sec, off, n int) {
		binary.LittleEndian.PutUint64(body[sec*16:], uint64(off))
		binary.LittleEndian.PutUint64(body[sec*16+8:], uint64(n))
	}
	put(secMeta, SectionTable, len(metaJSON))
	copy(body[SectionTable:], metaJSON)
	put(secRoots, SectionTable+len(metaJSON), len(roots))
	copy(body[SectionTable+len(metaJSON):], roots)
	put(secTree, topLen, len(tree))
	copy(body[topLen:], tree)
	put(secIndex, pagedOff, len(index))
	put(secRecords, pagedOff+len(index), len(recTab))
	copy(body[pagedOff:], ph)
	binary.LittleEndian.PutUint64(body[SecData*16:], uint64(headLen))
	binary.LittleEndian.PutUint64(body[SecData*16+8:], dataLen)

	copy(file, Magic)
	binary.LittleEndian.PutUint32(file[8:], SchemaVersion)
	binary.LittleEndian.PutUint64(file[16:], uint64(headLen)+dataLen)
	sum := sha256.Sum256(body[:topLen])
	copy(file[24:56], sum[:])
	binary.LittleEndian.PutUint64(file[56:], uint64(topLen))
	return file
}

func roundUp(n, to int) int { return (n + to - 1) / to * to }

// layout is a parsed, bounds-checked view of a database file. It holds
// sub-slices of the file bytes (usually a read-only mapping), never
// copies. Only the top is trusted after Open; every other byte is read
// through read or dataRange, which verify the pages it lies in.
type layout struct {
	schema int
	digest [32]byte
	body   []byte
	top    []byte
	meta   StoredMeta
	roots  []byte
	// paged is the paged region: index, record table, padding, data.
	// The offsets below are relative to it.
	paged            []byte
	idxOff, idxLen   int
	recOff, recLen   int
	dataOff          int
	data             []byte // paged[dataOff:]
	nKeys            int
	nRecs            int
	entriesOff       int // of the first index entry
	pagedFileOff     int // file offset of paged[0]
	levels           []treeLevel
	verifiedDataBase int // the page index of data[0]
	// drop, if set, releases the resident pages around a data range
	// (see openFD); nil for in-memory files.
	drop func(off, n uint64)
	// noVerify skips the page digests; only for the fuzzer, which must
	// reach the decoding behind a forged digest.
	noVerify bool
}

// treeLevel is one level of the digest tree: level 0 is the paged region,
// level k ≥ 1 the page-padded array of the sha256 of each page of level
// k-1, stored in the tree section.
type treeLevel struct {
	b       []byte
	fileOff int
	pages   int
	// ok has bit p set once page p matched its digest. Racing first
	// readers may both hash a page; that is harmless.
	ok []atomic.Uint64
}

func (lv *treeLevel) isOK(p int) bool { return lv.ok[p/64].Load()&(1<<(p%64)) != 0 }
func (lv *treeLevel) setOK(p int)     { lv.ok[p/64].Or(1 << (p % 64)) }

// parseHeader checks magic, schema and lengths. It hashes nothing.
func parseHeader(b []byte) (*layout, error) {
	if len(b) < len(Magic) || string(b[:len(Magic)]) != Magic {
		return nil, ErrNotDB
	}
	if len(b) < HeaderSize {
		return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrCorrupt, len(b))
	}
	l := &layout{schema: int(binary.LittleEndian.Uint32(b[8:]))}
	if l.schema != SchemaVersion {
		return nil, fmt.Errorf("%w: file has schema %d, this scanfleet reads schema %d: rebuild the database (scanfleet db build, db update or db pull)", ErrSchema, l.schema, SchemaVersion)
	}
	n := binary.LittleEndian.Uint64(b[16:])
	if have := uint64(len(b) - HeaderSize); n != have {
		return nil, fmt.Errorf("%w: header says %d body bytes, file has %d (truncated or extended)", ErrCorrupt, n, have)
	}
	copy(l.digest[:], b[24:56])
	l.body = b[HeaderSize:]
	h := binary.LittleEndian.Uint64(b[56:])
	if h < SectionTable || h > uint64(len(l.body)) {
		return nil, fmt.Errorf("%w: top length %d out of range", ErrCorrupt, h)
	}
	l.top = l.body[:h]
	return l, nil
}

// verifyTop hashes the top and compares it with the root digest.
func (l *layout) verifyTop() error {
	if sha256.Sum256(l.top) != l.digest {
		return fmt.Errorf("%w: header/metadata digest mismatch (expected sha256:%s)", ErrCorrupt, hex.EncodeToString(l.digest[:]))
	}
	return nil
}

// parseBody splits the sections, lays out the digest tree and reads the
// index's and record table's counts (verifying the pages they lie in). It
// reads nothing else of the paged region, so its cost does not depend on
// the file's size; lookups check the offsets they follow.
func (l *layout) parseBody() error {
	b := l.body
	var off, n [numSections]int
	for i := range numSections {
		o := binary.LittleEndian.Uint64(b[i*16:])
		k := binary.LittleEndian.Uint64(b[i*16+8:])
		if o > uint64(len(b)) || k > uint64(len(b))-o {
			return fmt.Errorf("%w: section %d out of range", ErrCorrupt, i)
		}
		off[i], n[i] = int(o), int(k)
	}
	top := len(l.top)
	for _, s := range []int{secMeta, secRoots} {
		if off[s] < SectionTable || off[s]+n[s] > top {
			return fmt.Errorf("%w: section %d is not in the top", ErrCorrupt, s)
		}
	}
	// tree, index, records, (padding), data: contiguous, page-aligned
	// where the format says so, and the data ends the file.
	pagedOff := off[secIndex]
	switch {
	case off[secTree] != top || (HeaderSize+top)%pageAlign != 0 || n[secTree]%pageSize != 0:
		return fmt.Errorf("%w: digest tree section misplaced", ErrCorrupt)
	case pagedOff != top+n[secTree]:
		return fmt.Errorf("%w: index section misplaced", ErrCorrupt)
	case off[secRecords] != pagedOff+n[secIndex]:
		return fmt.Errorf("%w: record table misplaced", ErrCorrupt)
	case off[SecData] != pagedOff+roundUp(n[secIndex]+n[secRecords], pageSize) || off[SecData]+n[SecData] != len(b):
		return fmt.Errorf("%w: data section misplaced or does not end the file", ErrCorrupt)
	}
	if err := json.Unmarshal(b[off[secMeta]:off[secMeta]+n[secMeta]], &l.meta); err != nil {
		return fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}
	l.roots = b[off[secRoots] : off[secRoots]+n[secRoots]]
	l.paged = b[pagedOff:]
	l.pagedFileOff = HeaderSize + pagedOff
	l.idxOff, l.idxLen = 0, n[secIndex]
	l.recOff, l.recLen = n[secIndex], n[secRecords]
	l.dataOff = off[SecData] - pagedOff
	l.data = l.paged[l.dataOff:]
	l.verifiedDataBase = l.dataOff / pageSize

	// The tree's shape follows from the paged region's size.
	pages := (len(l.paged) + pageSize - 1) / pageSize
	l.levels = []treeLevel{{b: l.paged, fileOff: l.pagedFileOff, pages: pages}}
	tree := b[top : top+n[secTree]]
	treeOff := HeaderSize + top
	for pages > fanout {
		size := roundUp(pages*sha256.Size, pageSize)
		if size > len(tree) {
			return fmt.Errorf("%w: digest tree shorter than the file needs", ErrCorrupt)
		}
		pages = size / pageSize
		l.levels = append(l.levels, treeLevel{b: tree[:size], fileOff: treeOff, pages: pages})
		tree, treeOff = tree[size:], treeOff+size
	}
	if len(tree) != 0 || len(l.roots) != pages*sha256.Size {
		return fmt.Errorf("%w: digest tree does not match the file's size", ErrCorrupt)
	}
	for i := range l.levels {
		l.levels[i].ok = make([]atomic.Uint64, (l.levels[i].pages+63)/64)
	}

	if l.idxLen < 4 {
		return fmt.Errorf("%w: truncated index", ErrCorrupt)
	}
	c, err := l.read(l.idxOff, 4)
	if err != nil {
		return err
	}
	l.nKeys = int(binary.LittleEndian.Uint32(c))
	if uint64(l.nKeys)*4 > uint64(l.idxLen-4) {
		return fmt.Errorf("%w: index key count %d exceeds index size", ErrCorrupt, l.nKeys)
	}
	l.entriesOff = l.idxOff + 4 + 4*l.nKeys
	if l.recLen < 4 {
		return fmt.Errorf("%w: truncated record table", ErrCorrupt)
	}
	if c, err = l.read(l.recOff, 4); err != nil {
		return err
	}
	l.nRecs = int(binary.LittleEndian.Uint32(c))
	if uint64(l.nRecs)*RecEntrySize != uint64(l.recLen-4) {
		return fmt.Errorf("%w: record count %d does not match the record table", ErrCorrupt, l.nRecs)
	}
	return nil
}

// read returns paged[off:off+n] after verifying every page it overlaps.
// off and n must be in range (callers check).
func (l *layout) read(off, n int) ([]byte, error) {
	if n > 0 {
		for p := off / pageSize; p <= (off+n-1)/pageSize; p++ {
			if err := l.verifyPage(0, p); err != nil {
				return nil, err
			}
		}
	}
	return l.paged[off : off+n], nil
}

// dataRange returns data[off:off+n], after checking the digest of every
// page it overlaps that no earlier lookup has checked. off and n must be
// in range (callers check).
func (l *layout) dataRange(off, n uint64) ([]byte, error) {
	return l.read(l.dataOff+int(off), int(n))
}

// verifyPage checks page p of tree level j against its digest (in the
// level above, itself verified first, or in the roots), once.
func (l *layout) verifyPage(j, p int) error {
	lv := &l.levels[j]
	if l.noVerify || lv.isOK(p) {
		return nil
	}
	var want []byte
	if j+1 == len(l.levels) {
		want = l.roots[p*sha256.Size : (p+1)*sha256.Size]
	} else {
		if err := l.verifyPage(j+1, p/fanout); err != nil {
			return err
		}
		want = l.levels[j+1].b[p*sha256.Size : (p+1)*sha256.Size]
	}
	b := lv.b[p*pageSize : min((p+1)*pageSize, len(lv.b))]
	if sum := sha256.Sum256(b); !bytes.Equal(sum[:], want) {
		return l.pageError(j, p, len(b))
	}
	lv.setOK(p)
	return nil
}

// pageError names a page that does not match its digest by what it holds
// and its byte range in the file.
func (l *layout) pageError(j, p, n int) error {
	fo := l.levels[j].fileOff + p*pageSize
	switch {
	case j > 0:
		return fmt.Errorf("%w: digest tree page (level %d, file bytes %d-%d) does not match its digest", ErrCorrupt, j, fo, fo+n)
	case p >= l.verifiedDataBase:
		return fmt.Errorf("%w: data block %d (file bytes %d-%d) does not match its digest", ErrCorrupt, p-l.verifiedDataBase, fo, fo+n)
	}
	what := "index and record table page"
	switch start := p * pageSize; {
	case start >= l.recOff:
		what = "record table page"
	case start+pageSize <= l.recOff:
		what = "index page"
	}
	return fmt.Errorf("%w: %s (file bytes %d-%d) does not match its digest", ErrCorrupt, what, fo, fo+n)
}

// pageOK reports whether b, the content of page p of the paged region
// read from elsewhere (verifyFrom), matches its digest.
func (l *layout) pageOK(p int, b []byte) (bool, error) {
	var want []byte
	if len(l.levels) == 1 {
		want = l.roots[p*sha256.Size : (p+1)*sha256.Size]
	} else {
		if err := l.verifyPage(1, p/fanout); err != nil {
			return false, err
		}
		want = l.levels[1].b[p*sha256.Size : (p+1)*sha256.Size]
	}
	sum := sha256.Sum256(b)
	return bytes.Equal(sum[:], want), nil
}

// verifyAll checks every page not yet checked, releasing the data pages
// read every 1 MiB when the file is mapped.
func (l *layout) verifyAll() error {
	const dropEvery = (1 << 20) / pageSize
	lv := &l.levels[0]
	for p := range lv.pages {
		if err := l.verifyPage(0, p); err != nil {
			return err
		}
		if d := p + 1 - l.verifiedDataBase; l.drop != nil && d > 0 && d%dropEvery == 0 {
			l.drop(uint64((d-dropEvery)*pageSize), dropEvery*pageSize)
		}
	}
	if l.drop != nil {
		l.drop(0, uint64(len(l.data)))
	}
	return nil
}

// verifiedDataBlocks counts the data pages verified so far.
func (l *layout) verifiedDataBlocks() int {
	n := 0
	for p := l.verifiedDataBase; p < l.levels[0].pages; p++ {
		if l.levels[0].isOK(p) {
			n++
		}
	}
	return n
}

// cursor reads uvarints and byte strings from the index, verifying the
// pages it reads.
type cursor struct {
	l        *layout
	off, end int
	err      error
}

func (c *cursor) uvarint() uint64 {
	if c.err != nil {
		return 0
	}
	b, err := c.l.read(c.off, min(binary.MaxVarintLen64, c.end-c.off))
	if err != nil {
		c.err = err
		return 0
	}
	v, w := binary.Uvarint(b)
	if w <= 0 {
		c.err = fmt.Errorf("%w: bad varint in the index at byte %d", ErrCorrupt, c.off)
		return 0
	}
	c.off += w
	return v
}

func (c *cursor) bytes(n uint64) []byte {
	if c.err != nil {
		return nil
	}
	if n > uint64(c.end-c.off) {
		c.err = fmt.Errorf("%w: index entry runs past the index at byte %d", ErrCorrupt, c.off)
		return nil
	}
	b, err := c.l.read(c.off, int(n))
	if err != nil {
		c.err = err
		return nil
	}
	c.off += int(n)
	return b
}

// entry returns the i-th key and a cursor on the rest of its entry.
func (l *layout) entry(i int) (key []byte, rest *cursor, err error) {
	b, err := l.read(l.idxOff+4+4*i, 4)
	if err != nil {
		return nil, nil, err
	}
	o := int(binary.LittleEndian.Uint32(b))
	end := l.idxOff + l.idxLen
	if o >= end-l.entriesOff {
		return nil, nil, fmt.Errorf("%w: index entry %d out of range", ErrCorrupt, i)
	}
	c := &cursor{l: l, off: l.entriesOff + o, end: end}
	key = c.bytes(c.uvarint())
	if c.err != nil {
		return nil, nil, fmt.Errorf("index entry %d: %w", i, c.err)
	}
	return key, c, nil
}

// lookup returns the record ids stored under key and the compressed
// affected entries (their blocks verified).
func (l *layout) lookup(key string) ([]uint32, []byte, error) {
	ids, off, n, err := l.lookupRange(key)
	if err != nil || ids == nil {
		return nil, nil, err
	}
	aff, err := l.dataRange(off, n)
	if err != nil {
		return nil, nil, fmt.Errorf("affected entries of %q: %w", key, err)
	}
	return ids, aff, nil
}

// lookupRange finds key in the index: its record ids and the range of its
// affected entries in data (bounds-checked, not verified). ids is nil when
// the key is absent.
func (l *layout) lookupRange(key string) (ids []uint32, off, n uint64, err error) {
	var ferr error
	i := sort.Search(l.nKeys, func(i int) bool {
		if ferr != nil {
			return true
		}
		k, _, err := l.entry(i)
		if err != nil {
			ferr = err
			return true
		}
		return string(k) >= key
	})
	if ferr != nil {
		return nil, 0, 0, ferr
	}
	if i == l.nKeys {
		return nil, 0, 0, nil
	}
	k, c, err := l.entry(i)
	if err != nil {
		return nil, 0, 0, err
	}
	if string(k) != key {
		return nil, 0, 0, nil
	}
	nIDs := c.uvarint()
	if c.err == nil && nIDs > uint64(c.end-c.off) { // each id takes at least one byte
		return nil, 0, 0, fmt.Errorf("%w: index entry %q", ErrCorrupt, key)
	}
	ids = make([]uint32, 0, nIDs)
	for j := uint64(0); j < nIDs && c.err == nil; j++ {
		id := c.uvarint()
		if c.err == nil && id >= uint64(l.nRecs) {
			return nil, 0, 0, fmt.Errorf("%w: index entry %q: bad record id", ErrCorrupt, key)
		}
		ids = append(ids, uint32(id))
	}
	off = c.uvarint()
	n = c.uvarint()
	if c.err != nil {
		return nil, 0, 0, fmt.Errorf("index entry %q: %w", key, c.err)
	}
	if off > uint64(len(l.data)) || n > uint64(len(l.data))-off {
		return nil, 0, 0, fmt.Errorf("%w: index entry %q: bad affected range", ErrCorrupt, key)
	}
	return ids, off, n, nil
}

// record returns the compressed bytes of record id (its blocks verified).
func (l *layout) record(id uint32) ([]byte, error) {
	off, n, err := l.recordRange(id)
	if err == nil {
		var b []byte
		if b, err = l.dataRange(off, n); err == nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("record %d: %w", id, err)
}

// recordRange is where record id (< nRecs) lies in data, from the record
// table (its page verified, the range checked).
func (l *layout) recordRange(id uint32) (off, n uint64, err error) {
	e, err := l.read(l.recOff+4+int(id)*RecEntrySize, RecEntrySize)
	if err != nil {
		return 0, 0, err
	}
	off, n = binary.LittleEndian.Uint64(e), uint64(binary.LittleEndian.Uint32(e[8:]))
	if off > uint64(len(l.data)) || n > uint64(len(l.data))-off {
		return 0, 0, fmt.Errorf("%w: record %d out of range", ErrCorrupt, id)
	}
	return off, n, nil
}

// joinKey builds the index key of a normalised (ecosystem, package).
func JoinKey(ecosystem, pkg string) string { return ecosystem + "\x00" + pkg }

// validKeyPart rejects names that would make keys ambiguous.
// A leading \x01 is reserved for enrichment keys (enrichEco).
func ValidKeyPart(s string) bool {
	return s != "" && !strings.ContainsRune(s, 0) && s[0] != 1
}
