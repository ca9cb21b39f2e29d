package sqlcore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// stmtCache keeps the prepared form of the statements a result write runs
// over and over, for SQLite: its driver otherwise parses each statement
// on every call. They are prepared when the store opens, on its one
// writer connection: preparing later, inside a transaction holding that
// connection, would wait for it forever. PostgreSQL's driver (pgx)
// already caches prepared statements per connection.
type stmtCache struct {
	m map[string]*sql.Stmt
}

// newStmtCache prepares texts (as written, with ? placeholders): the
// statements OpenSQLite's caller names.
func newStmtCache(ctx context.Context, s *DB, texts []string) (*stmtCache, error) {
	c := &stmtCache{m: map[string]*sql.Stmt{}}
	for _, text := range texts {
		st, err := s.w.PrepareContext(ctx, s.q(text))
		if err != nil {
			_ = c.close()
			return nil, fmt.Errorf("store: preparing %.40q: %w", text, err)
		}
		c.m[text] = st
	}
	return c, nil
}

func (c *stmtCache) close() error {
	var errs []error
	for _, st := range c.m {
		errs = append(errs, st.Close())
	}
	clear(c.m)
	return errors.Join(errs...)
}

// ExecPrepared runs text, one of the statements prepared at open, in the transaction from
// its prepared form where the back end keeps one (SQLite), else as exec
// does.
func (t *Tx) ExecPrepared(text string, args ...any) (sql.Result, error) {
	if t.s.stmts != nil {
		if st, ok := t.s.stmts.m[text]; ok {
			return t.tx.StmtContext(t.ctx, st).ExecContext(t.ctx, args...)
		}
	}
	return t.Exec(text, args...)
}

// Prepared reports whether the back end keeps prepared statements
// (SQLite): one prepared row at a time then costs less than a multi-row
// statement parsed on every call.
func (t *Tx) Prepared() bool { return t.s.stmts != nil }
