package queue

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// sqliteSchema is the SQLite schema, one entry per version. Every column
// that holds a time is Unix nanoseconds (0 = unset).
var sqliteSchema = [][]string{
	{ // 1
		`CREATE TABLE queue_tasks (
			seq           INTEGER PRIMARY KEY AUTOINCREMENT,
			id            TEXT    NOT NULL UNIQUE,
			dedup_key     TEXT    NOT NULL,
			payload       BLOB,
			priority      INTEGER NOT NULL,
			state         TEXT    NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed')),
			attempts      INTEGER NOT NULL DEFAULT 0,
			max_attempts  INTEGER NOT NULL,
			leased_by     TEXT    NOT NULL DEFAULT '',
			lease_expires INTEGER NOT NULL DEFAULT 0,
			not_before    INTEGER NOT NULL DEFAULT 0,
			created_at    INTEGER NOT NULL,
			updated_at    INTEGER NOT NULL,
			last_error    TEXT    NOT NULL DEFAULT ''
		)`,
		`CREATE UNIQUE INDEX queue_tasks_live_key ON queue_tasks (dedup_key) WHERE state IN ('queued', 'leased')`,
		`CREATE INDEX queue_tasks_runnable ON queue_tasks (priority DESC, created_at, seq) WHERE state IN ('queued', 'leased')`,
		`CREATE INDEX queue_tasks_worker ON queue_tasks (leased_by) WHERE state = 'leased'`,
		`CREATE INDEX queue_tasks_finished ON queue_tasks (updated_at) WHERE state IN ('done', 'failed')`,
	},
}

// OpenSQLite opens (creating and migrating as needed) the queue in the
// SQLite database file at path. The directory must exist.
//
// One process (the controller) is meant to own the file, with any number of
// goroutines. Other processes on the machine may open it too, for example
// to list tasks, and every operation stays correct, but SQLite's
// cross-process write lock is polled (busy timeout), so a second process
// that writes while the first writes without pause can starve into
// SQLITE_BUSY. Several controllers belong on Postgres.
//
// Durability: WAL with synchronous=NORMAL survives the process being
// killed at any point (tested); a power cut may lose the last few commits,
// which costs a re-crawl's enqueue or a re-scan, never a corrupt database.
// That trade buys an order of magnitude in write throughput over FULL.
func OpenSQLite(ctx context.Context, path string, opts ...Option) (Queue, error) {
	if path == "" {
		return nil, fmt.Errorf("queue: open sqlite: empty path")
	}
	if strings.Contains(path, "?") {
		// The driver takes everything after '?' as connection parameters.
		return nil, fmt.Errorf("queue: open sqlite %q: path must not contain '?'", path)
	}
	params := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	// BEGIN IMMEDIATE takes the write lock at the start of every write
	// transaction: a deferred one that upgrades later can fail with BUSY
	// regardless of the busy timeout when another process writes.
	w, err := sql.Open("sqlite", path+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("queue: open sqlite %q: %w", path, err)
	}
	// One writer connection: SQLite has one writer anyway, and queueing
	// here instead of in busy-wait loops is both fairer and faster.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	q := &sqlQueue{cfg: newConfig(opts), d: dialect{migrations: sqliteSchema}, w: w, r: w}
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("queue: open sqlite %q: %w", path, err)
	}
	if err := q.migrate(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w (sqlite %q)", err, path)
	}
	if err := q.prepareAll(ctx); err != nil {
		w.Close()
		return nil, err
	}
	if path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		// Every connection to :memory: is its own database: read through
		// the writer.
		return q, nil
	}
	r, err := sql.Open("sqlite", path+params+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("queue: open sqlite %q for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	q.r = r
	return q, nil
}
