// Package vulndb is Scanfleet's vulnerability database: one immutable file
// built from advisory feeds, indexed by (ecosystem, package), carrying its
// own schema version, build metadata and a sha256 content digest: the
// root of a Merkle tree over 4 KiB pages. Open verifies the header,
// metadata and the tree's roots, and every page of the index, record
// table and data is verified the first time a lookup reads it, so
// opening costs the same for any corpus size. It also moves that file around:
// export/import for air-gapped sites, push/pull as an OCI artifact, update
// from the public feeds, and a Watcher that swaps in a new file while scans
// are running.
package vulndb

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// EnvDB names the environment variable that overrides the default path.
const EnvDB = "SCANFLEET_DB"

// DefaultPath returns $SCANFLEET_DB, else $XDG_CACHE_HOME/scanfleet/db/scanfleet.db
// (os.UserCacheDir: ~/.cache on Linux).
func DefaultPath() string {
	return defaultPath(os.Getenv)
}

func defaultPath(getenv func(string) string) string {
	if p := getenv(EnvDB); p != "" {
		return p
	}
	dir := getenv("XDG_CACHE_HOME")
	if dir == "" {
		if d, err := os.UserCacheDir(); err == nil {
			dir = d
		} else if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".cache")
		} else {
			dir = os.TempDir()
		}
	}
	return filepath.Join(dir, "scanfleet", "db", "scanfleet.db")
}

// SourceInfo is what one source contributed to a build. Malformed records
// are counted and the first errors kept, so a feed that went bad shows up
// in `db info` instead of silently shrinking the database.
type SourceInfo struct {
	Source    string   `json:"source"`
	Files     int      `json:"files"`
	Records   int      `json:"records"`
	Withdrawn int      `json:"withdrawn"`
	Skipped   int      `json:"skipped"`
	Malformed int      `json:"malformed"`
	Errors    []string `json:"errors,omitempty"`
	// Enrichment counts the enrichment records read (CVE records, KEV
	// entries, EPSS rows).
	Enrichment int `json:"enrichment,omitempty"`
}

// Info describes a database file.
type Info struct {
	Path          string       `json:"path,omitempty"`
	SchemaVersion int          `json:"schema_version"`
	BuiltAt       time.Time    `json:"built_at"`
	Digest        string       `json:"digest"` // "sha256:<hex>": the root of the digest tree over the whole file
	Size          int64        `json:"size"`
	Advisories    int          `json:"advisories"`
	Keys          int          `json:"keys"`
	Ecosystems    []string     `json:"ecosystems"`
	Sources       []SourceInfo `json:"sources"`
	// Enrichment says what the file holds about CVEs (nil for files built
	// before enrichment existed).
	Enrichment *EnrichmentInfo `json:"enrichment,omitempty"`
	// AdvisoriesDigest and EnrichmentDigest identify the two parts of the
	// content: two files with the same AdvisoriesDigest match every
	// package alike, and differ only in severities, KEV and EPSS.
	AdvisoriesDigest string `json:"advisories_digest,omitempty"`
	EnrichmentDigest string `json:"enrichment_digest,omitempty"`
}

// DB is an opened database. It is safe for concurrent use. Open maps the
// file read-only and closes the descriptor, so it holds no file descriptor
// or lock and any number of processes can open the same file while it is
// replaced (updates rename a new file into place; the mapping keeps the old
// inode alive). A file truncated in place while mapped would fault on
// access: nothing in scanfleet writes a database in place.
type DB struct {
	l    *layout
	info Info
	ecos map[string]bool
	path string // for errors; "" for in-memory DBs

	dec *zstd.Decoder

	// mu is held shared by every lookup reading the mapping and
	// exclusively by Close, so the file is never unmapped under a reader.
	mu     sync.RWMutex
	closed bool
	unmap  func() error
}

// sharedDecoder is one zstd decoder for every DB of the process: it is
// stateless between DecodeAll calls, safe for concurrent use, and costly
// enough to create (buffers per concurrent stream) that a Watcher swapping
// files or a fuzzer opening thousands should not make one each time.
var sharedDecoder = sync.OnceValue(func() *zstd.Decoder {
	// 64 MiB bounds what one record may decompress to; the largest real
	// one is well under 1 MiB.
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		panic(err) // only invalid options make NewReader fail
	}
	return d
})

// Open maps the database at path read-only, verifies its schema, the
// digest of its header, metadata and digest tree roots, and the bounds of
// its sections, and returns it ready for lookups. It reads a few pages
// whatever the file's size. Every other page (index, record table, data)
// is verified the first time a lookup reads it, so the process pages in
// only what it looks up; a page that does not match its digest makes the
// lookups reading it fail with ErrCorrupt. It takes no lock on the file.
func Open(path string) (*DB, error) {
	return openFile(path, false)
}

// OpenVerified is Open plus an eager check of every data block, read
// through the file descriptor rather than the mapping so that it does not
// grow the process's resident memory. The Watcher uses it before swapping
// a file in, and installs use it before renaming one into place.
func OpenVerified(path string) (*DB, error) {
	return openFile(path, true)
}

func openFile(path string, eager bool) (*DB, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database: %w", err)
	}
	defer f.Close() // the mapping outlives the descriptor
	db, err := OpenFD(f, eager)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database %s: %w", path, err)
	}
	db.path = path
	db.info.Path = path
	return db, nil
}

func OpenFD(f *os.File, eager bool) (*DB, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	size := fi.Size()
	if size < HeaderSize {
		// Too short to map usefully (mmap refuses length 0); parseHeader
		// says what is wrong with it.
		b, err := io.ReadAll(io.LimitReader(f, HeaderSize))
		if err != nil {
			return nil, err
		}
		_, err = parseHeader(b)
		if err == nil {
			err = fmt.Errorf("%w: truncated header", ErrCorrupt)
		}
		return nil, err
	}
	if size > math.MaxInt {
		return nil, fmt.Errorf("%w: file of %d bytes", ErrCorrupt, size)
	}
	m, err := mapFile(f, int(size))
	if err != nil {
		return nil, fmt.Errorf("mapping the file: %w", err)
	}
	db, err := openBytesLazy(m.b)
	if err == nil && eager {
		err = db.l.verifyFrom(f)
	}
	if err != nil {
		m.unmap()
		return nil, err
	}
	db.unmap = m.unmap
	if m.drop != nil {
		db.l.drop = func(off, n uint64) {
			// A fault maps more than the page touched: up to 16
			// cached neighbours ("fault-around", 64 KiB windows) and,
			// on filesystems with large folios (ext4 on Linux 6.18
			// here), whole folios of up to 2 MiB, so drop everything
			// within dropSlack of the range. Dropping part of a large
			// folio may unmap all of it, head pages included; the next
			// lookup refaults them from the page cache (minor faults;
			// BenchmarkLookup500 showed no slowdown).
			lo := (off - min(off, dropSlack)) &^ (pageAlign - 1)
			hi := min(off+n+dropSlack, uint64(len(db.l.data)))
			m.drop(db.l.data[lo:hi])
		}
		// Reading the index's and record table's first pages may have
		// mapped the start of the data by fault-around or a folio:
		// lookups map what they use.
		db.l.drop(0, 0)
	}
	return db, nil
}

// mapping is a file mapped (or, without mmap, read) into memory.
type mapping struct {
	b     []byte
	unmap func() error
	// drop, if set, tells the kernel the process no longer needs the
	// pages of p resident.
	drop func(p []byte)
}

// dropSlack covers the fault-around window (64 KiB by default) on either
// side of a range a lookup read.
const dropSlack = 64 << 10

// openBytes builds a DB over b, which it keeps, and verifies all of it:
// for install-time operations (build, export, push) that hold the whole
// file in memory anyway.
func OpenBytes(b []byte) (*DB, error) {
	db, err := openBytesLazy(b)
	if err != nil {
		return nil, err
	}
	if err := db.l.verifyAll(); err != nil {
		return nil, err
	}
	return db, nil
}

// openBytesLazy verifies the top only; pages are verified on use.
func openBytesLazy(b []byte) (*DB, error) {
	l, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if err := l.verifyTop(); err != nil {
		return nil, err
	}
	return openLayout(l)
}

// verifyFrom checks every page of the paged region (index, record table
// and data), reading it from r (the file) rather than through the mapping
// so the check does not grow the process's resident memory, and marks the
// pages verified. The digest tree's pages (1/128 of the file) are read
// through the mapping.
func (l *layout) verifyFrom(r io.ReaderAt) error {
	const chunkPages = 64
	lv := &l.levels[0]
	buf := make([]byte, chunkPages*pageSize)
	for first := 0; first < lv.pages; first += chunkPages {
		start := first * pageSize
		end := min(start+len(buf), len(lv.b))
		chunk := buf[:end-start]
		if _, err := r.ReadAt(chunk, int64(lv.fileOff+start)); err != nil {
			return fmt.Errorf("reading pages: %w", err)
		}
		for p := first; p < lv.pages && p < first+chunkPages; p++ {
			lo := (p - first) * pageSize
			b := chunk[lo:min(lo+pageSize, len(chunk))]
			ok, err := l.pageOK(p, b)
			if err != nil {
				return err
			}
			if !ok {
				return l.pageError(0, p, len(b))
			}
			lv.setOK(p)
		}
	}
	return nil
}

func openLayout(l *layout) (*DB, error) {
	if err := l.parseBody(); err != nil {
		return nil, err
	}
	if l.meta.SchemaVersion != l.schema {
		return nil, fmt.Errorf("%w: metadata schema %d differs from header schema %d", ErrCorrupt, l.meta.SchemaVersion, l.schema)
	}
	builtAt, err := time.Parse(time.RFC3339Nano, l.meta.BuiltAt)
	if err != nil {
		return nil, fmt.Errorf("%w: metadata built_at: %v", ErrCorrupt, err)
	}
	db := &DB{
		l:   l,
		dec: sharedDecoder(),
		info: Info{
			SchemaVersion: l.schema,
			BuiltAt:       builtAt,
			Digest:        "sha256:" + hex.EncodeToString(l.digest[:]),
			Size:          int64(len(l.body) + HeaderSize),
			Advisories:    l.nRecs,
			Keys:          l.nKeys,
			Ecosystems:    l.meta.Ecosystems,
			Sources:       l.meta.Sources,

			Enrichment:       l.meta.Enrichment,
			AdvisoriesDigest: l.meta.AdvDigest,
			EnrichmentDigest: l.meta.EnrichDigest,
		},
		ecos:  make(map[string]bool, len(l.meta.Ecosystems)),
		unmap: func() error { return nil },
	}
	for _, e := range l.meta.Ecosystems {
		db.ecos[e] = true
	}
	if l.meta.Enrichment != nil {
		// The index also holds the enrichment buckets; Keys counts
		// packages.
		db.info.Keys = l.meta.Keys
	}
	return db, nil
}

// Info returns the database's metadata. The slices are shared: do not
// modify them.
func (db *DB) Info() Info { return db.info }

// HasEcosystem reports whether any advisory in the database names the
// (normalised) ecosystem, so a matcher can tell "no vulnerabilities" from
// "no data".
func (db *DB) HasEcosystem(ecosystem string) bool { return db.ecos[ecosystem] }

// Advisories returns every advisory with an affected entry for the
// normalised (ecosystem, package), in build order, as the feed produced it
// except that Affected holds only the entries for this package (the ones a
// matcher needs; an advisory may name hundreds of other packages).
func (db *DB) Advisories(ctx context.Context, ecosystem, pkg string) ([]advisory.Advisory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, db.wrap(errClosed)
	}
	out, err := db.advisories(ecosystem, pkg)
	if err != nil {
		return nil, db.wrap(err)
	}
	return out, nil
}

var errClosed = errors.New("database is closed")

// wrap names the file in lookup errors, so a corrupt block found long
// after Open still says which file to rebuild.
func (db *DB) wrap(err error) error {
	if db.path == "" {
		return fmt.Errorf("vulnerability database: %w", err)
	}
	return fmt.Errorf("vulnerability database %s: %w", db.path, err)
}

// advisories does the lookup; the caller holds db.mu. Everything returned
// is decoded into fresh memory: nothing aliases the mapping.
func (db *DB) advisories(ecosystem, pkg string) ([]advisory.Advisory, error) {
	ids, affs, err := db.affected(ecosystem, pkg)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	out := make([]advisory.Advisory, len(ids))
	var buf []byte
	var rd rangeDropper
	defer rd.flush(db.l)
	for i, id := range ids {
		if buf, err = db.record(id, buf, &out[i], &rd); err != nil {
			return nil, err
		}
		out[i].Affected = affs[i]
	}
	return out, nil
}

// affected decodes the affected entries stored under (ecosystem, pkg):
// the ids of the advisories naming the package and, parallel to them,
// each one's entries for it. The caller holds db.mu.
func (db *DB) affected(ecosystem, pkg string) ([]uint32, [][]advisory.Affected, error) {
	key := JoinKey(ecosystem, pkg)
	ids, off, n, err := db.l.lookupRange(key)
	if err != nil || len(ids) == 0 {
		return nil, nil, err
	}
	affZ, err := db.l.dataRange(off, n)
	if err != nil {
		return nil, nil, fmt.Errorf("affected entries of %s/%s: %w", ecosystem, pkg, err)
	}
	if db.l.drop != nil {
		// Everything is decoded into fresh memory, so once this lookup
		// returns its pages of the file need not stay resident: RSS then
		// tracks the lookups in flight, not every page ever read.
		defer db.l.drop(off, n)
	}
	buf, err := db.dec.DecodeAll(affZ, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: affected entries of %s/%s: %v", ErrCorrupt, ecosystem, pkg, err)
	}
	var affs [][]advisory.Affected
	if err := json.Unmarshal(buf, &affs); err != nil || len(affs) != len(ids) {
		return nil, nil, fmt.Errorf("%w: affected entries of %s/%s: %d lists for %d records, %v", ErrCorrupt, ecosystem, pkg, len(affs), len(ids), err)
	}
	return ids, affs, nil
}

// record decodes advisory id (without Affected) into a, using buf as
// scratch space, which it returns, and adds the range it read to rd. The
// caller holds db.mu.
func (db *DB) record(id uint32, buf []byte, a *advisory.Advisory, rd *rangeDropper) ([]byte, error) {
	if int(id) >= db.l.nRecs {
		return buf, fmt.Errorf("%w: no record %d (%d records)", ErrCorrupt, id, db.l.nRecs)
	}
	off, n, err := db.l.recordRange(id)
	if err != nil {
		return buf, fmt.Errorf("record %d: %w", id, err)
	}
	rec, err := db.l.dataRange(off, n)
	if err != nil {
		return buf, fmt.Errorf("record %d: %w", id, err)
	}
	rd.add(db.l, off, n)
	buf, err = db.dec.DecodeAll(rec, buf[:0])
	if err != nil {
		return buf, fmt.Errorf("%w: record %d: %v", ErrCorrupt, id, err)
	}
	if err := json.Unmarshal(buf, a); err != nil {
		return buf, fmt.Errorf("%w: record %d: %v", ErrCorrupt, id, err)
	}
	return buf, nil
}

// Affected returns what Advisories does without decoding the advisories:
// the id of each advisory with an affected entry for the normalised
// (ecosystem, package), in the same order, and parallel to the ids that
// advisory's entries for the package. A matcher decodes (Record) only the
// advisories whose entries affect the version it checks, once per scan
// however many packages name them.
func (db *DB) Affected(ctx context.Context, ecosystem, pkg string) ([]uint32, [][]advisory.Affected, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, nil, db.wrap(errClosed)
	}
	ids, affs, err := db.affected(ecosystem, pkg)
	if err != nil {
		return nil, nil, db.wrap(err)
	}
	return ids, affs, nil
}

// Records returns advisories ids (from Affected) as the feed produced
// them, without their Affected entries, in the order asked. Their pages
// are released once at the end (a record-by-record release would cost a
// system call each: records of one key lie together).
func (db *DB) Records(ctx context.Context, ids []uint32) ([]*advisory.Advisory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, db.wrap(errClosed)
	}
	var rd rangeDropper
	defer rd.flush(db.l)
	out := make([]*advisory.Advisory, len(ids))
	var buf []byte
	var err error
	for i, id := range ids {
		out[i] = new(advisory.Advisory)
		if buf, err = db.record(id, buf, out[i], &rd); err != nil {
			return nil, db.wrap(err)
		}
	}
	return out, nil
}

// rangeDropper coalesces the data ranges a lookup read, so that their
// pages are released with one system call per run of neighbouring
// records rather than one per record.
type rangeDropper struct{ lo, hi uint64 }

func (d *rangeDropper) add(l *layout, off, n uint64) {
	if l.drop == nil {
		return
	}
	if d.hi > d.lo && off <= d.hi+dropSlack && off+n+dropSlack >= d.lo {
		d.lo, d.hi = min(d.lo, off), max(d.hi, off+n)
		return
	}
	d.flush(l)
	d.lo, d.hi = off, off+n
}

func (d *rangeDropper) flush(l *layout) {
	if l.drop != nil && d.hi > d.lo {
		l.drop(d.lo, d.hi-d.lo)
	}
	d.lo, d.hi = 0, 0
}

// keys returns every index key; for tests and tools.
func (db *DB) keys() ([][2]string, error) {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return nil, db.wrap(errClosed)
	}
	out := make([][2]string, 0, db.l.nKeys)
	for i := 0; i < db.l.nKeys; i++ {
		k, _, err := db.l.entry(i)
		if err != nil {
			return nil, err
		}
		eco, pkg, _ := cut0(string(k))
		if eco == EnrichEco {
			continue
		}
		out = append(out, [2]string{eco, pkg})
	}
	return out, nil
}

func cut0(s string) (string, string, bool) {
	i := slices.Index([]byte(s), 0)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+1:], true
}

// Verify checks every page not checked yet, through the mapping (the data
// pages are released as it goes); OpenVerified reads the file instead.
func (db *DB) Verify() error {
	db.mu.RLock()
	defer db.mu.RUnlock()
	if db.closed {
		return db.wrap(errClosed)
	}
	if err := db.l.verifyAll(); err != nil {
		return db.wrap(err)
	}
	return nil
}

// Close unmaps the file once no lookup is running; lookups after Close
// fail. A Watcher closes a DB only after its last holder released it.
func (db *DB) Close() error {
	db.mu.Lock()
	defer db.mu.Unlock()
	if db.closed {
		return nil
	}
	db.closed = true
	if err := db.unmap(); err != nil {
		return db.wrap(fmt.Errorf("unmapping: %w", err))
	}
	return nil
}
