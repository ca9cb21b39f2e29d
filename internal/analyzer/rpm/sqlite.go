package rpm

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	// Pure-Go SQLite: the scanner is built without cgo.
	_ "modernc.org/sqlite"
)

// sqliteBlobs returns the header blobs of an rpmdb.sqlite database (rpm
// 4.16+: table Packages(hnum INTEGER PRIMARY KEY, blob BLOB)).
//
// SQLite opens files, not byte slices, so the content is written to one
// private temporary directory, removed before returning. The database is
// opened read-only and immutable: nothing is written next to it (no -wal or
// -shm files) and no lock is taken.
func sqliteBlobs(ctx context.Context, content []byte) ([][]byte, error) {
	// SQLite's own magic, checked first so that garbage costs no temp file.
	if len(content) < 100 || string(content[:16]) != "SQLite format 3\x00" {
		return nil, fmt.Errorf("not an SQLite database: %w", ErrMalformed)
	}
	dir, err := os.MkdirTemp("", "scanfleet-rpmdb-")
	if err != nil {
		return nil, fmt.Errorf("temporary directory for rpmdb.sqlite: %w", err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "rpmdb.sqlite")
	if err := os.WriteFile(file, content, 0o600); err != nil {
		return nil, fmt.Errorf("writing temporary rpmdb.sqlite: %w", err)
	}
	dsn := (&url.URL{Scheme: "file", OmitHost: true, Path: file, RawQuery: "mode=ro&immutable=1"}).String()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening rpmdb.sqlite: %w", err)
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, "SELECT blob FROM Packages")
	if err != nil {
		return nil, fmt.Errorf("querying rpmdb.sqlite: %v: %w", err, ErrMalformed)
	}
	defer rows.Close()
	var blobs [][]byte
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return blobs, fmt.Errorf("reading rpmdb.sqlite row: %v: %w", err, ErrMalformed)
		}
		blobs = append(blobs, b)
	}
	if err := rows.Err(); err != nil {
		return blobs, fmt.Errorf("reading rpmdb.sqlite: %v: %w", err, ErrMalformed)
	}
	return blobs, nil
}
