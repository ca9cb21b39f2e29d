package vulndb

import (
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
	_ "modernc.org/sqlite"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// These benchmarks compare the storage engines considered for the database
// file on the same content: the compressed records and per-key entries of
// the database built from all test data. They measure the storage layer
// (write, open, 500 lookups decoding every advisory); loading the feeds is
// common to all and left out. Results are in docs/db-format.md:
//
//	go test -run '^$' -bench BenchmarkStore -benchtime 10x ./internal/vulndb/

type storeContent struct {
	keys    []string
	entries map[string]KeyEntry
	records [][]byte
	meta    StoredMeta
}

func extractContent(b *testing.B) (*storeContent, []string) {
	f := fullDB(b)
	data, err := os.ReadFile(f.path)
	if err != nil {
		b.Fatal(err)
	}
	l, err := parseHeader(data)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.parseBody(); err != nil {
		b.Fatal(err)
	}
	c := &storeContent{entries: map[string]KeyEntry{}, meta: l.meta}
	for i := 0; i < l.nKeys; i++ {
		k, _, err := l.entry(i)
		if err != nil {
			b.Fatal(err)
		}
		ids, aff, err := l.lookup(string(k))
		if err != nil {
			b.Fatal(err)
		}
		c.keys = append(c.keys, string(k))
		c.entries[string(k)] = KeyEntry{IDs: ids, Affected: aff}
	}
	for i := 0; i < l.nRecs; i++ {
		r, err := l.record(uint32(i))
		if err != nil {
			b.Fatal(err)
		}
		c.records = append(c.records, r)
	}
	return c, sampleKeys(f.byKey, 500)
}

// engine is one storage option under test.
type engine struct {
	name  string
	write func(path string, c *storeContent) error
	open  func(path string) (lookuper, error)
}

// lookuper returns the raw stored pieces for a key.
type lookuper interface {
	get(key string) (recs [][]byte, aff []byte, err error)
	close()
}

var engines = []engine{
	{
		name: "custom",
		write: func(path string, c *storeContent) error {
			b, err := EncodeFile(c.meta, c.keys, c.entries, c.records)
			if err != nil {
				return err
			}
			return os.WriteFile(path, b, 0o644)
		},
		open: func(path string) (lookuper, error) {
			db, err := Open(path)
			return customLookuper{db}, err
		},
	},
	{
		name: "bbolt",
		write: func(path string, c *storeContent) error {
			db, err := bolt.Open(path, 0o644, &bolt.Options{NoSync: true})
			if err != nil {
				return err
			}
			defer db.Close()
			return db.Update(func(tx *bolt.Tx) error {
				rb, err := tx.CreateBucket([]byte("rec"))
				if err != nil {
					return err
				}
				rb.FillPercent = 1 // append-only, sequential keys
				for i, r := range c.records {
					if err := rb.Put(binary.BigEndian.AppendUint32(nil, uint32(i)), r); err != nil {
						return err
					}
				}
				ib, err := tx.CreateBucket([]byte("idx"))
				if err != nil {
					return err
				}
				ib.FillPercent = 1
				for _, k := range c.keys {
					if err := ib.Put([]byte(k), encodeEntry(c.entries[k])); err != nil {
						return err
					}
				}
				return nil
			})
		},
		open: func(path string) (lookuper, error) {
			db, err := bolt.Open(path, 0o444, &bolt.Options{ReadOnly: true})
			return boltLookuper{db}, err
		},
	},
	{
		name: "sqlite",
		write: func(path string, c *storeContent) error {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				return err
			}
			defer db.Close()
			tx, err := db.Begin()
			if err != nil {
				return err
			}
			defer tx.Rollback()
			for _, q := range []string{
				`CREATE TABLE rec (id INTEGER PRIMARY KEY, data BLOB NOT NULL)`,
				`CREATE TABLE idx (key TEXT PRIMARY KEY, entry BLOB NOT NULL) WITHOUT ROWID`,
			} {
				if _, err := tx.Exec(q); err != nil {
					return err
				}
			}
			ins, err := tx.Prepare(`INSERT INTO rec VALUES (?, ?)`)
			if err != nil {
				return err
			}
			for i, r := range c.records {
				if _, err := ins.Exec(i, r); err != nil {
					return err
				}
			}
			ins, err = tx.Prepare(`INSERT INTO idx VALUES (?, ?)`)
			if err != nil {
				return err
			}
			for _, k := range c.keys {
				if _, err := ins.Exec(k, encodeEntry(c.entries[k])); err != nil {
					return err
				}
			}
			return tx.Commit()
		},
		open: func(path string) (lookuper, error) {
			db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
			if err != nil {
				return nil, err
			}
			// sql.Open is lazy: touch the file so open cost is measured here.
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&n); err != nil {
				return nil, err
			}
			return sqliteLookuper{db}, nil
		},
	},
}

// encodeEntry packs a key's ids and affected blob for the key-value stores.
func encodeEntry(e KeyEntry) []byte {
	b := binary.AppendUvarint(nil, uint64(len(e.IDs)))
	for _, id := range e.IDs {
		b = binary.AppendUvarint(b, uint64(id))
	}
	return append(b, e.Affected...)
}

func decodeEntry(b []byte) ([]uint32, []byte, error) {
	n, w := binary.Uvarint(b)
	if w <= 0 {
		return nil, nil, fmt.Errorf("bad entry")
	}
	b = b[w:]
	ids := make([]uint32, n)
	for i := range ids {
		id, w := binary.Uvarint(b)
		if w <= 0 {
			return nil, nil, fmt.Errorf("bad entry")
		}
		ids[i] = uint32(id)
		b = b[w:]
	}
	return ids, b, nil
}

type customLookuper struct{ db *DB }

func (c customLookuper) get(key string) ([][]byte, []byte, error) {
	ids, aff, err := c.db.l.lookup(key)
	var recs [][]byte
	for _, id := range ids {
		r, err := c.db.l.record(id)
		if err != nil {
			return nil, nil, err
		}
		recs = append(recs, r)
	}
	return recs, aff, err
}
func (c customLookuper) close() { c.db.Close() }

type boltLookuper struct{ db *bolt.DB }

func (l boltLookuper) get(key string) (recs [][]byte, aff []byte, err error) {
	err = l.db.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte("idx")).Get([]byte(key))
		if v == nil {
			return nil
		}
		ids, a, err := decodeEntry(v)
		if err != nil {
			return err
		}
		aff = append([]byte(nil), a...)
		rb := tx.Bucket([]byte("rec"))
		for _, id := range ids {
			recs = append(recs, append([]byte(nil), rb.Get(binary.BigEndian.AppendUint32(nil, id))...))
		}
		return nil
	})
	return recs, aff, err
}
func (l boltLookuper) close() { l.db.Close() }

type sqliteLookuper struct{ db *sql.DB }

func (l sqliteLookuper) get(key string) (recs [][]byte, aff []byte, err error) {
	var v []byte
	if err := l.db.QueryRow(`SELECT entry FROM idx WHERE key = ?`, key).Scan(&v); err != nil {
		if err == sql.ErrNoRows {
			return nil, nil, nil
		}
		return nil, nil, err
	}
	ids, aff, err := decodeEntry(v)
	if err != nil {
		return nil, nil, err
	}
	for _, id := range ids {
		var r []byte
		if err := l.db.QueryRow(`SELECT data FROM rec WHERE id = ?`, id).Scan(&r); err != nil {
			return nil, nil, err
		}
		recs = append(recs, r)
	}
	return recs, aff, nil
}
func (l sqliteLookuper) close() { l.db.Close() }

// decodeAll turns the raw pieces into advisories exactly as DB.Advisories
// does, so every engine pays the same decoding cost.
func decodeAll(db *DB, recs [][]byte, affZ []byte) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	buf, err := db.dec.DecodeAll(affZ, nil)
	if err != nil {
		return 0, err
	}
	var affs [][]advisory.Affected
	if err := json.Unmarshal(buf, &affs); err != nil {
		return 0, err
	}
	for _, r := range recs {
		buf, err = db.dec.DecodeAll(r, buf[:0])
		if err != nil {
			return 0, err
		}
		var a advisory.Advisory
		if err := json.Unmarshal(buf, &a); err != nil {
			return 0, err
		}
	}
	return len(recs), nil
}

func BenchmarkStore(b *testing.B) {
	c, sample := extractContent(b)
	dir := b.TempDir()
	dec, err := Open(fullDB(b).path) // only its zstd decoder is used
	if err != nil {
		b.Fatal(err)
	}
	defer dec.Close()
	for _, e := range engines {
		path := filepath.Join(dir, e.name+".db")
		b.Run(e.name+"/write", func(b *testing.B) {
			for b.Loop() {
				os.Remove(path)
				if err := e.write(path, c); err != nil {
					b.Fatal(err)
				}
			}
			fi, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(fi.Size()), "file-bytes")
		})
		b.Run(e.name+"/open", func(b *testing.B) {
			for b.Loop() {
				l, err := e.open(path)
				if err != nil {
					b.Fatal(err)
				}
				l.close()
			}
		})
		b.Run(e.name+"/lookup500", func(b *testing.B) {
			l, err := e.open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer l.close()
			n := 0
			for b.Loop() {
				n = 0
				for _, k := range sample {
					recs, aff, err := l.get(k)
					if err != nil {
						b.Fatal(err)
					}
					m, err := decodeAll(dec, recs, aff)
					if err != nil {
						b.Fatal(err)
					}
					n += m
				}
			}
			b.ReportMetric(float64(n), "advisories/op")
		})
		b.Run(e.name+"/lookup500-raw", func(b *testing.B) {
			l, err := e.open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer l.close()
			for b.Loop() {
				for _, k := range sample {
					if _, _, err := l.get(k); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
