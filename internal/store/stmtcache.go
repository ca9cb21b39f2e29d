package store

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

// preparedWrites are the statements stmtCache prepares (texts as
// written, with ? placeholders).
var preparedWrites = []string{insertTaskResultSQL, upsertImageSQL, deleteVulnsSQL, insertVulnSQL, countDoneSQL}

func newStmtCache(ctx context.Context, s *db) (*stmtCache, error) {
	c := &stmtCache{m: map[string]*sql.Stmt{}}
	for _, text := range preparedWrites {
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

// execPrepared runs text, one of preparedWrites, in the transaction from
// its prepared form where the back end keeps one (SQLite), else as exec
// does.
func (t *tx) execPrepared(text string, args ...any) (sql.Result, error) {
	if t.s.stmts != nil {
		if st, ok := t.s.stmts.m[text]; ok {
			return t.tx.StmtContext(t.ctx, st).ExecContext(t.ctx, args...)
		}
	}
	return t.exec(text, args...)
}
