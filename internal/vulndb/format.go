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
// Layout of schema 2 (all integers little-endian):
//
//	header (64 bytes)
//	  0  magic "SCANFDB\x00"
//	  8  schema version  uint32 (2)
//	 12  flags           uint32 (0)
//	 16  body length     uint64 (file size - 64)
//	 24  sha256(head)    [32]byte, the root digest (Info.Digest)
//	 56  head length     uint64
//	body = head, then data
//	  head (verified whole on Open)
//	    section table: 5 x (offset uint64, length uint64), relative to body
//	    0 metadata   JSON (storedMeta)
//	    1 index      u32 nKeys, u32 entryOffset[nKeys], entries
//	                 entry = uvarint len(key), key ("ecosystem\x00package",
//	                 normalised), uvarint nIDs, uvarint recordID...,
//	                 uvarint affectedOffset, uvarint affectedLength
//	                 (offset relative to data); sorted by key, bytewise.
//	    2 records    u32 nRecs, nRecs x (u64 offset, u32 length) into data
//	    3 blocks     u32 blockSize, u32 nBlocks, nBlocks x sha256 of each
//	                 blockSize slice of data (the last one may be shorter)
//	    zero padding up to a page boundary of the file
//	    4 data       the rest of the file: per key, in key order, the
//	                 key's zstd(JSON([][]Affected)) followed by the
//	                 zstd(JSON(advisory without Affected)) records whose
//	                 first key (in key order) it is
//
// The root digest covers the whole head, which holds every block's
// digest, so it identifies the whole content (a two-level Merkle tree)
// while Open reads only the head. A data block is hashed the first time a
// lookup touches it; a process therefore pages in only what its lookups
// use. Keys are sorted and each key's data is contiguous, so the lookups
// of one image (one distro ecosystem, a few language ecosystems) touch a
// few ranges of the file.
//
// Affected entries are stored per key, not in the record, because some
// advisories list hundreds of packages (an AlmaLinux kernel erratum names
// every kernel-* binary package): a lookup decodes only the entries of the
// package it asked for.

// SchemaVersion is the version of the file format this package writes and
// reads. Files of another version (including schema 1, which was read
// whole into memory) are refused with ErrSchema: rebuild the database.
const SchemaVersion = 2

const (
	magic        = "SCANFDB\x00"
	headerSize   = 64
	numSections  = 5
	sectionTable = numSections * 16
	// blockSize is the unit of lazy verification: one page, so verifying
	// what a lookup reads touches no page the lookup would not touch.
	blockSize = 4096
	// pageAlign aligns the data region in the file so blocks are pages.
	pageAlign    = 4096
	maxBlockSize = 1 << 24
	recEntrySize = 12
)

const (
	secMeta = iota
	secIndex
	secRecords
	secBlocks
	secData
)

// Errors returned when a file is not a usable database. They are wrapped
// with the path and the detail; test with errors.Is.
var (
	ErrNotDB   = errors.New("not a scanfleet vulnerability database")
	ErrSchema  = errors.New("unsupported database schema version")
	ErrCorrupt = errors.New("database file is corrupt")
)

// storedMeta is the metadata section. Field names are part of the schema.
type storedMeta struct {
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

// keyEntry is what the index holds for one key: the records and the
// compressed affected entries.
type keyEntry struct {
	ids      []uint32
	affected []byte
}

// encodeFile lays out a complete database file. Records are renumbered so
// that each is stored next to the first key (in key order) naming it; the
// order of ids under a key, which is the order lookups return, is kept.
func encodeFile(meta storedMeta, keys []string, entryOf map[string]keyEntry, records [][]byte) ([]byte, error) {
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
	recTab := make([]byte, 4+recEntrySize*len(records))
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
		data = append(data, ke.affected...)
		for _, id := range ke.ids {
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
			e := recTab[4+recEntrySize*int(next):]
			binary.LittleEndian.PutUint64(e, uint64(len(data)))
			binary.LittleEndian.PutUint32(e[8:], uint32(len(r)))
			data = append(data, r...)
			next++
		}
		offsets = binary.LittleEndian.AppendUint32(offsets, uint32(len(entries)))
		entries = binary.AppendUvarint(entries, uint64(len(k)))
		entries = append(entries, k...)
		entries = binary.AppendUvarint(entries, uint64(len(ke.ids)))
		for _, id := range ke.ids {
			entries = binary.AppendUvarint(entries, uint64(newID[id]))
		}
		entries = binary.AppendUvarint(entries, uint64(affOff))
		entries = binary.AppendUvarint(entries, uint64(len(ke.affected)))
	}
	if int(next) != len(records) {
		// Every record must be reachable: the builder stores only keyed
		// advisories, and an unreachable record would have no place.
		return nil, fmt.Errorf("%d of %d records are named by no key", len(records)-int(next), len(records))
	}
	index := binary.LittleEndian.AppendUint32(nil, uint32(len(keys)))
	index = append(index, offsets...)
	index = append(index, entries...)

	nBlocks := (len(data) + blockSize - 1) / blockSize
	blocks := binary.LittleEndian.AppendUint32(nil, blockSize)
	blocks = binary.LittleEndian.AppendUint32(blocks, uint32(nBlocks))
	for i := 0; i < nBlocks; i++ {
		sum := sha256.Sum256(data[i*blockSize : min((i+1)*blockSize, len(data))])
		blocks = append(blocks, sum[:]...)
	}

	headSecs := [...][]byte{secMeta: metaJSON, secIndex: index, secRecords: recTab, secBlocks: blocks}
	n := sectionTable
	for _, s := range headSecs {
		n += len(s)
	}
	headLen := (headerSize+n+pageAlign-1)/pageAlign*pageAlign - headerSize
	file := make([]byte, headerSize+headLen, headerSize+headLen+len(data))
	body := file[headerSize:]
	pos := sectionTable
	for i, s := range headSecs {
		binary.LittleEndian.PutUint64(body[i*16:], uint64(pos))
		binary.LittleEndian.PutUint64(body[i*16+8:], uint64(len(s)))
		pos += copy(body[pos:], s)
	}
	binary.LittleEndian.PutUint64(body[secData*16:], uint64(headLen))
	binary.LittleEndian.PutUint64(body[secData*16+8:], uint64(len(data)))

	copy(file, magic)
	binary.LittleEndian.PutUint32(file[8:], SchemaVersion)
	binary.LittleEndian.PutUint64(file[16:], uint64(headLen+len(data)))
	sum := sha256.Sum256(body[:headLen])
	copy(file[24:56], sum[:])
	binary.LittleEndian.PutUint64(file[56:], uint64(headLen))
	return append(file, data...), nil
}

// layout is a parsed, bounds-checked view of a database file. It holds
// sub-slices of the file bytes (usually a read-only mapping), never
// copies.
type layout struct {
	schema  int
	digest  [32]byte
	body    []byte
	head    []byte
	data    []byte
	meta    storedMeta
	nKeys   int
	keyOffs []byte // nKeys x u32
	entries []byte
	nRecs   int
	recTab  []byte // nRecs x (u64 offset, u32 length)
	bsize   int
	sums    []byte // nBlocks x sha256
	// verified[i] is set once data block i matched its digest. Racing
	// first lookups may both hash a block; that is harmless.
	verified []atomic.Bool
	// drop, if set, releases the resident pages around a data range
	// (see openFD); nil for in-memory files.
	drop func(off, n uint64)
	// noVerify skips the block digests; only for the fuzzer, which must
	// reach the decoding behind a forged digest.
	noVerify bool
}

// parseHeader checks magic, schema and lengths. It hashes nothing.
func parseHeader(b []byte) (*layout, error) {
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return nil, ErrNotDB
	}
	if len(b) < headerSize {
		return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrCorrupt, len(b))
	}
	l := &layout{schema: int(binary.LittleEndian.Uint32(b[8:]))}
	if l.schema != SchemaVersion {
		return nil, fmt.Errorf("%w: file has schema %d, this scanfleet reads schema %d: rebuild the database (scanfleet db build, db update or db pull)", ErrSchema, l.schema, SchemaVersion)
	}
	n := binary.LittleEndian.Uint64(b[16:])
	if have := uint64(len(b) - headerSize); n != have {
		return nil, fmt.Errorf("%w: header says %d body bytes, file has %d (truncated or extended)", ErrCorrupt, n, have)
	}
	copy(l.digest[:], b[24:56])
	l.body = b[headerSize:]
	h := binary.LittleEndian.Uint64(b[56:])
	if h < sectionTable || h > uint64(len(l.body)) {
		return nil, fmt.Errorf("%w: head length %d out of range", ErrCorrupt, h)
	}
	l.head = l.body[:h]
	return l, nil
}

// verifyHead hashes the head and compares it with the root digest.
func (l *layout) verifyHead() error {
	if sha256.Sum256(l.head) != l.digest {
		return fmt.Errorf("%w: header/index digest mismatch (expected sha256:%s)", ErrCorrupt, hex.EncodeToString(l.digest[:]))
	}
	return nil
}

// parseBody splits the sections and checks every offset that does not
// depend on the key looked up, so that a lookup cannot index out of range
// even if the digests were forged along with the content.
func (l *layout) parseBody() error {
	b := l.body
	var secs [numSections][]byte
	for i := range secs {
		off := binary.LittleEndian.Uint64(b[i*16:])
		n := binary.LittleEndian.Uint64(b[i*16+8:])
		lo, hi := uint64(sectionTable), uint64(len(l.head))
		if i == secData {
			lo, hi = uint64(len(l.head)), uint64(len(b))
		}
		if off < lo || off > hi || n > hi-off {
			return fmt.Errorf("%w: section %d out of range", ErrCorrupt, i)
		}
		secs[i] = b[off : off+n]
	}
	l.data = secs[secData]
	if len(l.head)+len(l.data) != len(b) {
		return fmt.Errorf("%w: data section does not end the file", ErrCorrupt)
	}
	if err := json.Unmarshal(secs[secMeta], &l.meta); err != nil {
		return fmt.Errorf("%w: metadata: %v", ErrCorrupt, err)
	}

	idx := secs[secIndex]
	if len(idx) < 4 {
		return fmt.Errorf("%w: truncated index", ErrCorrupt)
	}
	l.nKeys = int(binary.LittleEndian.Uint32(idx))
	if uint64(l.nKeys)*4 > uint64(len(idx)-4) {
		return fmt.Errorf("%w: index key count %d exceeds index size", ErrCorrupt, l.nKeys)
	}
	l.keyOffs = idx[4 : 4+l.nKeys*4]
	l.entries = idx[4+l.nKeys*4:]
	prev := -1
	for i := 0; i < l.nKeys; i++ {
		o := int(binary.LittleEndian.Uint32(l.keyOffs[i*4:]))
		if o <= prev || o >= len(l.entries) {
			return fmt.Errorf("%w: index entry %d out of order or range", ErrCorrupt, i)
		}
		prev = o
	}

	rec := secs[secRecords]
	if len(rec) < 4 {
		return fmt.Errorf("%w: truncated record table", ErrCorrupt)
	}
	l.nRecs = int(binary.LittleEndian.Uint32(rec))
	if uint64(l.nRecs)*recEntrySize != uint64(len(rec)-4) {
		return fmt.Errorf("%w: record count %d does not match the record table", ErrCorrupt, l.nRecs)
	}
	l.recTab = rec[4:]
	for i := 0; i < l.nRecs; i++ {
		off := binary.LittleEndian.Uint64(l.recTab[i*recEntrySize:])
		n := uint64(binary.LittleEndian.Uint32(l.recTab[i*recEntrySize+8:]))
		if off > uint64(len(l.data)) || n > uint64(len(l.data))-off {
			return fmt.Errorf("%w: record %d out of range", ErrCorrupt, i)
		}
	}

	blk := secs[secBlocks]
	if len(blk) < 8 {
		return fmt.Errorf("%w: truncated block table", ErrCorrupt)
	}
	l.bsize = int(binary.LittleEndian.Uint32(blk))
	nb := uint64(binary.LittleEndian.Uint32(blk[4:]))
	if l.bsize <= 0 || l.bsize > maxBlockSize {
		return fmt.Errorf("%w: block size %d", ErrCorrupt, l.bsize)
	}
	if want := (uint64(len(l.data)) + uint64(l.bsize) - 1) / uint64(l.bsize); nb != want || uint64(len(blk)-8) != nb*sha256.Size {
		return fmt.Errorf("%w: block table has %d blocks for %d data bytes", ErrCorrupt, nb, len(l.data))
	}
	l.sums = blk[8:]
	l.verified = make([]atomic.Bool, nb)
	return nil
}

// dataRange returns data[off:off+n], after checking the digest of every
// block it overlaps that no earlier lookup has checked. off and n must be
// in range (callers check).
func (l *layout) dataRange(off, n uint64) ([]byte, error) {
	if n > 0 && !l.noVerify {
		for i := off / uint64(l.bsize); i <= (off+n-1)/uint64(l.bsize); i++ {
			if err := l.verifyBlock(int(i)); err != nil {
				return nil, err
			}
		}
	}
	return l.data[off : off+n], nil
}

// verifyBlock checks data block i against its digest, once.
func (l *layout) verifyBlock(i int) error {
	if l.verified[i].Load() {
		return nil
	}
	start := i * l.bsize
	end := min(start+l.bsize, len(l.data))
	if !l.blockOK(i, l.data[start:end]) {
		fo := headerSize + len(l.head) + start
		return fmt.Errorf("%w: data block %d (file bytes %d-%d) does not match its digest", ErrCorrupt, i, fo, fo+end-start)
	}
	l.verified[i].Store(true)
	return nil
}

func (l *layout) blockOK(i int, b []byte) bool {
	sum := sha256.Sum256(b)
	return bytes.Equal(sum[:], l.sums[i*sha256.Size:(i+1)*sha256.Size])
}

// verifyAll checks every data block not yet checked, releasing the pages
// read every 1 MiB when the file is mapped.
func (l *layout) verifyAll() error {
	const dropEvery = (1 << 20) / pageAlign
	for i := range l.verified {
		if err := l.verifyBlock(i); err != nil {
			return err
		}
		if l.drop != nil && (i+1)%dropEvery == 0 {
			l.drop(uint64((i+1-dropEvery)*l.bsize), dropEvery*uint64(l.bsize))
		}
	}
	if l.drop != nil {
		l.drop(0, uint64(len(l.data)))
	}
	return nil
}

// entry returns the i-th key and the rest of its entry.
func (l *layout) entry(i int) (key, rest []byte, err error) {
	e := l.entries[binary.LittleEndian.Uint32(l.keyOffs[i*4:]):]
	n, w := binary.Uvarint(e)
	if w <= 0 || n > uint64(len(e)-w) {
		return nil, nil, fmt.Errorf("%w: index entry %d", ErrCorrupt, i)
	}
	return e[w : w+int(n)], e[w+int(n):], nil
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
	k, rest, err := l.entry(i)
	if err != nil {
		return nil, 0, 0, err
	}
	if !bytes.Equal(k, []byte(key)) {
		return nil, 0, 0, nil
	}
	nIDs, w := binary.Uvarint(rest)
	if w <= 0 || nIDs > uint64(len(rest)) { // each id takes at least one byte
		return nil, 0, 0, fmt.Errorf("%w: index entry %q", ErrCorrupt, key)
	}
	rest = rest[w:]
	ids = make([]uint32, 0, nIDs)
	for j := uint64(0); j < nIDs; j++ {
		id, w := binary.Uvarint(rest)
		if w <= 0 || id >= uint64(l.nRecs) {
			return nil, 0, 0, fmt.Errorf("%w: index entry %q: bad record id", ErrCorrupt, key)
		}
		ids = append(ids, uint32(id))
		rest = rest[w:]
	}
	off, w1 := binary.Uvarint(rest)
	if w1 <= 0 {
		return nil, 0, 0, fmt.Errorf("%w: index entry %q: bad affected offset", ErrCorrupt, key)
	}
	n2, w2 := binary.Uvarint(rest[w1:])
	if w2 <= 0 || off > uint64(len(l.data)) || n2 > uint64(len(l.data))-off {
		return nil, 0, 0, fmt.Errorf("%w: index entry %q: bad affected range", ErrCorrupt, key)
	}
	return ids, off, n2, nil
}

// record returns the compressed bytes of record id (range checked by
// parseBody, blocks verified here).
func (l *layout) record(id uint32) ([]byte, error) {
	b, err := l.dataRange(l.recordRange(id))
	if err != nil {
		return nil, fmt.Errorf("record %d: %w", id, err)
	}
	return b, nil
}

// recordRange is where record id lies in data.
func (l *layout) recordRange(id uint32) (off, n uint64) {
	e := l.recTab[int(id)*recEntrySize:]
	return binary.LittleEndian.Uint64(e), uint64(binary.LittleEndian.Uint32(e[8:]))
}

// dropRanges releases the pages a lookup of key with record ids read.
func (l *layout) dropRanges(ids []uint32, key string) {
	if _, off, n, err := l.lookupRange(key); err == nil {
		l.drop(off, n)
	}
	for _, id := range ids {
		l.drop(l.recordRange(id))
	}
}

// joinKey builds the index key of a normalised (ecosystem, package).
func joinKey(ecosystem, pkg string) string { return ecosystem + "\x00" + pkg }

// validKeyPart rejects names that would make keys ambiguous.
// A leading \x01 is reserved for enrichment keys (enrichEco).
func validKeyPart(s string) bool {
	return s != "" && !strings.ContainsRune(s, 0) && s[0] != 1
}
