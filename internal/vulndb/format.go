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
)

// The file format is hand-written rather than bbolt or SQLite because the
// database is immutable once built: a sorted key index and an array of
// compressed records read straight from one byte slice need no page cache
// of their own, no locks and no parsing on open (see docs/db-format.md for
// the measurements that decided it).
//
// Layout (all integers little-endian):
//
//	header (64 bytes)
//	  0  magic "SCANFDB\x00"
//	  8  schema version  uint32
//	 12  flags           uint32 (0)
//	 16  body length     uint64
//	 24  sha256(body)    [32]byte
//	 56  reserved        [8]byte (0)
//	body
//	  section table: 5 x (offset uint64, length uint64), offsets relative to body
//	    0 metadata   JSON (storedMeta)
//	    1 index      u32 nKeys, u32 entryOffset[nKeys], entries
//	                 entry = uvarint len(key), key ("ecosystem\x00package",
//	                 normalised), uvarint nIDs, uvarint recordID...,
//	                 uvarint affectedOffset, uvarint affectedLength
//	                 entries are sorted by key, bytewise.
//	    2 records    u32 nRecs, u64 recordOffset[nRecs+1], data
//	                 record i = data[off[i]:off[i+1]],
//	                 zstd(JSON(advisory without Affected))
//	    3 affected   per key: zstd(JSON([][]Affected)), the advisories'
//	                 affected entries for that key, parallel to the ids
//	    4 dictionary raw zstd dictionary content shared by all frames
//	                 (may be empty)
//
// Affected entries are stored per key, not in the record, because some
// advisories list hundreds of packages (an AlmaLinux kernel erratum names
// every kernel-* binary package): a lookup decodes only the entries of the
// package it asked for.

// SchemaVersion is the version of the file format this package writes and
// reads. Files of another version are refused with ErrSchema.
const SchemaVersion = 1

const (
	magic        = "SCANFDB\x00"
	headerSize   = 64
	numSections  = 5
	sectionTable = numSections * 16
	dictID       = 0x5CA1F1EE // any non-zero id in the user range
)

const (
	secMeta = iota
	secIndex
	secRecords
	secAffected
	secDict
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
}

// encodeFile lays out a complete database file.
// keyEntry is what the index holds for one key: the records and the
// compressed affected entries.
type keyEntry struct {
	ids      []uint32
	affected []byte
}

func encodeFile(meta storedMeta, keys []string, entryOf map[string]keyEntry, records [][]byte, dict []byte) ([]byte, error) {
	if len(records) > math.MaxUint32 || len(keys) > math.MaxUint32 {
		return nil, fmt.Errorf("too many records (%d) or keys (%d)", len(records), len(keys))
	}
	metaJSON, err := json.Marshal(meta)
	if err != nil {
		return nil, fmt.Errorf("encoding metadata: %w", err)
	}

	// index
	sort.Strings(keys)
	var entries, affected []byte
	offsets := make([]byte, 0, 4*len(keys))
	for _, k := range keys {
		if len(entries) > math.MaxUint32 {
			return nil, errors.New("index larger than 4 GiB")
		}
		offsets = binary.LittleEndian.AppendUint32(offsets, uint32(len(entries)))
		entries = binary.AppendUvarint(entries, uint64(len(k)))
		entries = append(entries, k...)
		ke := entryOf[k]
		entries = binary.AppendUvarint(entries, uint64(len(ke.ids)))
		for _, id := range ke.ids {
			entries = binary.AppendUvarint(entries, uint64(id))
		}
		entries = binary.AppendUvarint(entries, uint64(len(affected)))
		entries = binary.AppendUvarint(entries, uint64(len(ke.affected)))
		affected = append(affected, ke.affected...)
	}
	index := binary.LittleEndian.AppendUint32(nil, uint32(len(keys)))
	index = append(index, offsets...)
	index = append(index, entries...)

	// records
	recs := binary.LittleEndian.AppendUint32(nil, uint32(len(records)))
	var off uint64
	recs = binary.LittleEndian.AppendUint64(recs, 0)
	for _, r := range records {
		off += uint64(len(r))
		recs = binary.LittleEndian.AppendUint64(recs, off)
	}
	for _, r := range records {
		recs = append(recs, r...)
	}

	sections := [numSections][]byte{secMeta: metaJSON, secIndex: index, secRecords: recs, secAffected: affected, secDict: dict}
	body := make([]byte, sectionTable, sectionTable+len(metaJSON)+len(index)+len(recs)+len(affected)+len(dict))
	pos := uint64(sectionTable)
	for i, s := range sections {
		binary.LittleEndian.PutUint64(body[i*16:], pos)
		binary.LittleEndian.PutUint64(body[i*16+8:], uint64(len(s)))
		body = append(body, s...)
		pos += uint64(len(s))
	}

	file := make([]byte, headerSize, headerSize+len(body))
	copy(file, magic)
	binary.LittleEndian.PutUint32(file[8:], SchemaVersion)
	binary.LittleEndian.PutUint64(file[16:], uint64(len(body)))
	sum := sha256.Sum256(body)
	copy(file[24:56], sum[:])
	return append(file, body...), nil
}

// layout is a parsed, bounds-checked view of a database file. It holds
// sub-slices of the file bytes, never copies.
type layout struct {
	schema  int
	digest  [32]byte
	body    []byte
	meta    storedMeta
	nKeys   int
	keyOffs []byte // nKeys x u32
	entries []byte
	nRecs   int
	recOffs []byte // (nRecs+1) x u64
	recData []byte
	aff     []byte
	dict    []byte
}

// parseHeader checks magic, schema and length. It does not hash the body.
func parseHeader(b []byte) (*layout, error) {
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return nil, ErrNotDB
	}
	if len(b) < headerSize {
		return nil, fmt.Errorf("%w: truncated header (%d bytes)", ErrCorrupt, len(b))
	}
	l := &layout{schema: int(binary.LittleEndian.Uint32(b[8:]))}
	if l.schema != SchemaVersion {
		return nil, fmt.Errorf("%w: file has schema %d, this scanfleet reads schema %d (rebuild or update the database)", ErrSchema, l.schema, SchemaVersion)
	}
	n := binary.LittleEndian.Uint64(b[16:])
	if have := uint64(len(b) - headerSize); n != have {
		return nil, fmt.Errorf("%w: header says %d body bytes, file has %d (truncated or extended)", ErrCorrupt, n, have)
	}
	copy(l.digest[:], b[24:56])
	l.body = b[headerSize:]
	return l, nil
}

// verify hashes the body and compares it with the header's digest.
func (l *layout) verify() error {
	if sha256.Sum256(l.body) != l.digest {
		return fmt.Errorf("%w: content digest mismatch (expected sha256:%s)", ErrCorrupt, hex.EncodeToString(l.digest[:]))
	}
	return nil
}

// parseBody splits the sections and checks every offset the lookups will
// use, so that a lookup on a file that passed parseBody cannot index out of
// range even if the digest was forged along with the content.
func (l *layout) parseBody() error {
	b := l.body
	if len(b) < sectionTable {
		return fmt.Errorf("%w: truncated section table", ErrCorrupt)
	}
	var secs [numSections][]byte
	for i := range secs {
		off := binary.LittleEndian.Uint64(b[i*16:])
		n := binary.LittleEndian.Uint64(b[i*16+8:])
		if off < sectionTable || off > uint64(len(b)) || n > uint64(len(b))-off {
			return fmt.Errorf("%w: section %d out of range", ErrCorrupt, i)
		}
		secs[i] = b[off : off+n]
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
	if (uint64(l.nRecs)+1)*8 > uint64(len(rec)-4) {
		return fmt.Errorf("%w: record count %d exceeds record section", ErrCorrupt, l.nRecs)
	}
	l.recOffs = rec[4 : 4+(l.nRecs+1)*8]
	l.recData = rec[4+(l.nRecs+1)*8:]
	var last uint64
	for i := 0; i <= l.nRecs; i++ {
		o := binary.LittleEndian.Uint64(l.recOffs[i*8:])
		if o < last || o > uint64(len(l.recData)) {
			return fmt.Errorf("%w: record %d out of order or range", ErrCorrupt, i)
		}
		last = o
	}
	l.aff = secs[secAffected]
	l.dict = secs[secDict]
	return nil
}

// key returns the i-th key and the rest of its entry.
func (l *layout) entry(i int) (key, rest []byte, err error) {
	e := l.entries[binary.LittleEndian.Uint32(l.keyOffs[i*4:]):]
	n, w := binary.Uvarint(e)
	if w <= 0 || n > uint64(len(e)-w) {
		return nil, nil, fmt.Errorf("%w: index entry %d", ErrCorrupt, i)
	}
	return e[w : w+int(n)], e[w+int(n):], nil
}

// lookup returns the record ids stored under key and the compressed
// affected entries.
func (l *layout) lookup(key string) ([]uint32, []byte, error) {
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
		return nil, nil, ferr
	}
	if i == l.nKeys {
		return nil, nil, nil
	}
	k, rest, err := l.entry(i)
	if err != nil {
		return nil, nil, err
	}
	if !bytes.Equal(k, []byte(key)) {
		return nil, nil, nil
	}
	n, w := binary.Uvarint(rest)
	if w <= 0 || n > uint64(len(rest)) { // each id takes at least one byte
		return nil, nil, fmt.Errorf("%w: index entry %q", ErrCorrupt, key)
	}
	rest = rest[w:]
	ids := make([]uint32, 0, n)
	for j := uint64(0); j < n; j++ {
		id, w := binary.Uvarint(rest)
		if w <= 0 || id >= uint64(l.nRecs) {
			return nil, nil, fmt.Errorf("%w: index entry %q: bad record id", ErrCorrupt, key)
		}
		ids = append(ids, uint32(id))
		rest = rest[w:]
	}
	off, w1 := binary.Uvarint(rest)
	if w1 <= 0 {
		return nil, nil, fmt.Errorf("%w: index entry %q: bad affected offset", ErrCorrupt, key)
	}
	n2, w2 := binary.Uvarint(rest[w1:])
	if w2 <= 0 || off > uint64(len(l.aff)) || n2 > uint64(len(l.aff))-off {
		return nil, nil, fmt.Errorf("%w: index entry %q: bad affected range", ErrCorrupt, key)
	}
	return ids, l.aff[off : off+n2], nil
}

// record returns the compressed bytes of record id (checked by parseBody).
func (l *layout) record(id uint32) []byte {
	a := binary.LittleEndian.Uint64(l.recOffs[id*8:])
	b := binary.LittleEndian.Uint64(l.recOffs[(id+1)*8:])
	return l.recData[a:b]
}

// joinKey builds the index key of a normalised (ecosystem, package).
func joinKey(ecosystem, pkg string) string { return ecosystem + "\x00" + pkg }

// validKeyPart rejects names that would make keys ambiguous.
func validKeyPart(s string) bool { return s != "" && !strings.ContainsRune(s, 0) }
