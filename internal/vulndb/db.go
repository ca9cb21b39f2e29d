// Package vulndb is Scanfleet's vulnerability database: one immutable file
// built from advisory feeds, indexed by (ecosystem, package), carrying its
// own schema version, build metadata and a sha256 content digest that is
// verified whenever the file is opened. It also moves that file around:
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
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
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
}

// Info describes a database file.
type Info struct {
	Path          string       `json:"path,omitempty"`
	SchemaVersion int          `json:"schema_version"`
	BuiltAt       time.Time    `json:"built_at"`
	Digest        string       `json:"digest"` // "sha256:<hex>" of the body
	Size          int64        `json:"size"`
	Advisories    int          `json:"advisories"`
	Keys          int          `json:"keys"`
	Ecosystems    []string     `json:"ecosystems"`
	Sources       []SourceInfo `json:"sources"`
}

// DB is an opened database. It is safe for concurrent use and holds no
// file descriptor or lock: the whole file is read into memory on Open, so
// any number of processes can open the same file while it is replaced.
type DB struct {
	l    *layout
	info Info
	ecos map[string]bool

	dec    *zstd.Decoder
	closed atomic.Bool
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

// Open reads the database at path, verifies its schema and content digest
// and returns it ready for lookups. It takes no lock on the file.
func Open(path string) (*DB, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database: %w", err)
	}
	db, err := openBytes(b)
	if err != nil {
		return nil, fmt.Errorf("opening vulnerability database %s: %w", path, err)
	}
	db.info.Path = path
	return db, nil
}

// openBytes builds a DB over b, which it keeps; verify hashes the body.
func openBytes(b []byte) (*DB, error) {
	l, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if err := l.verify(); err != nil {
		return nil, err
	}
	return openLayout(l)
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
	if len(l.dict) > 0 {
		return nil, fmt.Errorf("%w: dictionary section is reserved in schema %d", ErrCorrupt, l.schema)
	}
	db := &DB{
		l:   l,
		dec: sharedDecoder(),
		info: Info{
			SchemaVersion: l.schema,
			BuiltAt:       builtAt,
			Digest:        "sha256:" + hex.EncodeToString(l.digest[:]),
			Size:          int64(len(l.body) + headerSize),
			Advisories:    l.nRecs,
			Keys:          l.nKeys,
			Ecosystems:    l.meta.Ecosystems,
			Sources:       l.meta.Sources,
		},
		ecos: make(map[string]bool, len(l.meta.Ecosystems)),
	}
	for _, e := range l.meta.Ecosystems {
		db.ecos[e] = true
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
	ids, affZ, err := db.l.lookup(joinKey(ecosystem, pkg))
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	if db.closed.Load() {
		return nil, errors.New("vulnerability database is closed")
	}
	buf, err := db.dec.DecodeAll(affZ, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: affected entries of %s/%s: %v", ErrCorrupt, ecosystem, pkg, err)
	}
	var affs [][]advisory.Affected
	if err := json.Unmarshal(buf, &affs); err != nil || len(affs) != len(ids) {
		return nil, fmt.Errorf("%w: affected entries of %s/%s: %d lists for %d records, %v", ErrCorrupt, ecosystem, pkg, len(affs), len(ids), err)
	}
	out := make([]advisory.Advisory, len(ids))
	for i, id := range ids {
		buf, err = db.dec.DecodeAll(db.l.record(id), buf[:0])
		if err != nil {
			return nil, fmt.Errorf("%w: record %d: %v", ErrCorrupt, id, err)
		}
		if err := json.Unmarshal(buf, &out[i]); err != nil {
			return nil, fmt.Errorf("%w: record %d: %v", ErrCorrupt, id, err)
		}
		out[i].Affected = affs[i]
	}
	return out, nil
}

// keys returns every index key; for tests and tools.
func (db *DB) keys() ([][2]string, error) {
	out := make([][2]string, 0, db.l.nKeys)
	for i := 0; i < db.l.nKeys; i++ {
		k, _, err := db.l.entry(i)
		if err != nil {
			return nil, err
		}
		eco, pkg, _ := cut0(string(k))
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

// Close marks the DB closed; lookups after Close fail. The DB holds no
// file or lock, so Close only guards against use after release.
func (db *DB) Close() error {
	db.closed.Store(true)
	return nil
}
