package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/scanfleet/scanfleet/internal/pgpool"
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

// db implements Store over database/sql for both back ends.
type db struct {
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
func OpenSQLite(ctx context.Context, path string) (Store, error) {
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
	s := &db{d: dialect{name: "sqlite"}, w: w, r: w}
	if err := s.open(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("%w (sqlite %q)", err, path)
	}
	// After the migrations, which the statements need.
	if s.stmts, err = newStmtCache(ctx, s); err != nil {
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
func OpenPostgres(ctx context.Context, dsn string) (Store, error) {
	pg, err := pgpool.Open(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: open postgres: %w", err)
	}
	s := &db{d: dialect{
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

func (s *db) open(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("store: open: %w", err)
	}
	return s.migrate(ctx)
}

func (s *db) Backend() string { return s.d.name }

func (s *db) Close() error {
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
func (s *db) q(text string) string {
	if !s.d.dollar {
		return text
	}
	return pgpool.Dollars(text)
}

func (s *db) exec(ctx context.Context, text string, args ...any) (sql.Result, error) {
	return s.w.ExecContext(ctx, s.q(text), args...)
}

func (s *db) queryRow(ctx context.Context, text string, args ...any) *sql.Row {
	return s.r.QueryRowContext(ctx, s.q(text), args...)
}

func (s *db) query(ctx context.Context, text string, args ...any) (*sql.Rows, error) {
	return s.r.QueryContext(ctx, s.q(text), args...)
}

// eachRow runs a query and calls fn for each row.
func (s *db) eachRow(ctx context.Context, fn func(rowScanner) error, text string, args ...any) error {
	rows, err := s.query(ctx, text, args...)
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

// affected runs a write and returns how many rows it changed.
func (s *db) affected(ctx context.Context, text string, args ...any) (int64, error) {
	res, err := s.exec(ctx, text, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// tx is a write transaction whose statements are rewritten for the dialect.
type tx struct {
	s   *db
	ctx context.Context
	tx  *sql.Tx
}

func (t *tx) exec(text string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, t.s.q(text), args...)
}

func (t *tx) queryRow(text string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, t.s.q(text), args...)
}

func (t *tx) query(text string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, t.s.q(text), args...)
}

// withTx runs fn in a write transaction, committing when it returns nil.
func (s *db) withTx(ctx context.Context, fn func(t *tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(&tx{s: s, ctx: ctx, tx: sqlTx}); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// in returns "(?,?,...)" for n values.
func in(n int) string { return "(?" + strings.Repeat(",?", n-1) + ")" }

func anys[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

// checkText rejects what both back ends cannot store identically: empty
// keys, NUL and invalid UTF-8 (PostgreSQL TEXT takes neither).
func checkText(what string, values ...string) error {
	for _, v := range values {
		if v == "" || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return fmt.Errorf("%w: %s %q: must be non-empty UTF-8 without NUL", ErrInvalid, what, v)
		}
	}
	return nil
}

// cleanText makes free text (an error message, a report's name)
// storable rather than failing the write over it.
func cleanText(v string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(v, "\x00", "\uFFFD"), "\uFFFD")
}

type rowScanner interface{ Scan(dest ...any) error }

// noRows turns sql.ErrNoRows into ok=false.
func noRows(err error) (ok bool, _ error) {
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}
