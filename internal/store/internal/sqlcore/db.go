// Package sqlcore is the SQL environment every concern of the store
// shares: the two dialects (SQLite, PostgreSQL) written as one SQL text
// with ? placeholders, the read and write pools, write transactions,
// SQLite's prepared-statement cache and the schema migrations. The
// concern packages (fleetdb, resultdb, triagedb) hold a *DB and run
// their statements through it; none of them opens or migrates a
// database.
package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/pgpool"
	"github.com/scanfleet/scanfleet/internal/store/model"
	_ "modernc.org/sqlite" // database/sql driver "sqlite"
)

// dialect is what differs between the back ends; every statement is one
// SQL text written with ? placeholders.
type dialect struct {
	name string
	// dollar rewrites ? placeholders to $1, $2, ... (PostgreSQL).
	dollar bool
	// forUpdate ends a SELECT whose rows the transaction then changes
	// (PostgreSQL row locks; SQLite's single writer needs none).
	forUpdate string
	// lockMigrations serialises concurrent openers inside the migration
	// transaction (nil: SQLite's BEGIN IMMEDIATE already does).
	lockMigrations func(ctx context.Context, tx *sql.Tx) error
}

// DB is one open store database, shared by every concern type.
type DB struct {
	d dialect
	w *sql.DB // writes (SQLite: exactly one connection)
	r *sql.DB // reads (SQLite: a read-only pool; PostgreSQL: same as w)
	// stmts holds prepared write statements (SQLite only; nil otherwise).
	stmts *stmtCache
}

// migrationLockKey is the pg_advisory_xact_lock key that serialises the
// migrations of controllers starting together (distinct from the queue's).
const migrationLockKey int64 = 0x5ca9f1ee8

// OpenSQLite opens (creating and migrating) the store in the SQLite file at
// path; ":memory:" is a private in-memory store. The directory must exist.
// An existing controller state.db is adopted: its tables are kept.
func OpenSQLite(ctx context.Context, path string, prepared []string) (*DB, error) {
	if path == "" || strings.Contains(path, "?") {
		return nil, fmt.Errorf("store: open sqlite %q: path must be non-empty and without '?'", path)
	}
	params := "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)"
	// BEGIN IMMEDIATE takes the write lock when a write transaction
	// starts: one that upgrades later fails with BUSY whatever the busy
	// timeout when another process writes.
	w, err := sql.Open("sqlite", path+params+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("store: open sqlite %q: %w", path, err)
	}
	// One writer connection: SQLite has one writer anyway, and waiting
	// here is fairer than busy-polling.
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	s := &DB{d: dialect{name: "sqlite"}, w: w, r: w}
	if err := s.open(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w (sqlite %q)", err, path)
	}
	// After the migrations, which the statements need.
	if s.stmts, err = newStmtCache(ctx, s, prepared); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w (sqlite %q)", err, path)
	}
	if path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return s, nil // each connection would be its own database
	}
	r, err := sql.Open("sqlite", path+params+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open sqlite %q for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	return s, nil
}

// OpenPostgres opens the store in the PostgreSQL database at dsn (a pgx URL
// or key=value string), creating and migrating its tables. Tables go in the
// first schema of search_path; several controllers may open one database
// at the same time. The DSN parameter pool_max_conns sizes the connection
// pool (default pgpool.DefaultMaxConns).
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	pg, err := pgpool.Open(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	s := &DB{d: dialect{
		name:      "postgres",
		dollar:    true,
		forUpdate: " FOR UPDATE",
		lockMigrations: func(ctx context.Context, tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLockKey)
			return err
		},
	}, w: pg, r: pg}
	if err := s.open(ctx); err != nil {
		pg.Close()
		return nil, fmt.Errorf("%w (postgres)", err)
	}
	return s, nil
}

func (s *DB) open(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open: %w", err)
	}
	return s.migrate(ctx)
}

// Backend is "sqlite" or "postgres".
func (s *DB) Backend() string { return s.d.name }

// Close closes the statements and both pools.
func (s *DB) Close() error {
	var err error
	if s.stmts != nil {
		err = s.stmts.close()
	}
	err = errors.Join(err, s.w.Close())
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	return err
}

// q rewrites a statement for the dialect.
func (s *DB) q(text string) string {
	if !s.d.dollar {
		return text
	}
	return pgpool.Dollars(text)
}

// Exec runs a write.
func (s *DB) Exec(ctx context.Context, text string, args ...any) (sql.Result, error) {
	return s.w.ExecContext(ctx, s.q(text), args...)
}

// QueryRow runs a read of one row.
func (s *DB) QueryRow(ctx context.Context, text string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, s.q(text), args...)
}

// Query runs a read.
func (s *DB) Query(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return s.r.QueryContext(ctx, s.q(text), args...)
}

// EachRow runs a query and calls fn for each row.
func (s *DB) EachRow(ctx context.Context, fn func(RowScanner) error, text string, args ...any) error {
	rows, err := s.Query(ctx, text, args...)
	return eachRow(rows, err, fn)
}

// eachRow calls fn for each of rows (err: the query's) and closes them.
func eachRow(rows *sql.Rows, err error, fn func(RowScanner) error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Affected runs a write and returns how many rows it changed.
func (s *DB) Affected(ctx context.Context, text string, args ...any) (int64, error) {
	res, err := s.Exec(ctx, text, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Tx is a write transaction whose statements are rewritten for the dialect.
type Tx struct {
	s   *DB
	ctx context.Context
	tx  *sql.Tx
}

// Exec runs a statement in the transaction.
func (t *Tx) Exec(text string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, t.s.q(text), args...)
}

// QueryRow reads one row in the transaction.
func (t *Tx) QueryRow(text string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.q(text), args...)
}

// Query reads in the transaction.
func (t *Tx) Query(text string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.s.q(text), args...)
}

// WithTx runs fn in a write transaction, committing when it returns nil.
func (s *DB) WithTx(ctx context.Context, fn func(t *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&Tx{s: s, ctx: ctx, tx: sqlTx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// In returns "(?,?,...)" for n values.
func In(n int) string { return "(?" + strings.Repeat(",?", n-1) + ")" }

// Anys converts xs for a query's arguments.
func Anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// CheckText rejects what both back ends cannot store identically: empty
// keys, NUL and invalid UTF-8 (PostgreSQL TEXT takes neither).
func CheckText(what string, values ...string) error {
	for _, v := range values {
		if v == "" || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return fmt.Errorf("%w: %s %q: must be non-empty UTF-8 without NUL", model.ErrInvalid, what, v)
		}
	}
	return nil
}

// CleanText makes free text (an error message, a report's name)
// storable rather than failing the write over it.
func CleanText(v string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", "\uFFFD"), "\uFFFD")
}

// RowScanner is a *sql.Row or *sql.Rows.
type RowScanner interface{ Scan(dest ...any) error }

// NoRows turns sql.ErrNoRows into ok=false.
func NoRows(err error) (ok bool, _ error) {
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// ForUpdate ends a SELECT whose rows the transaction then changes
// (" FOR UPDATE" on PostgreSQL, "" on SQLite).
func (s *DB) ForUpdate() string { return s.d.forUpdate }

// Nanos is t as stored: Unix nanoseconds, 0 for the zero time.
func Nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// FromNanos is a stored time (0: the zero time).
func FromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Each runs a query in the transaction and calls fn for each row.
func (t *Tx) Each(fn func(RowScanner) error, text string, args ...any) error {
	rows, err := t.Query(text, args...)
	return eachRow(rows, err, fn)
}

// NonNil is s, or an empty list for nil (stored as [] rather than null).
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
