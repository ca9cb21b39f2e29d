package queue

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/scanfleet/scanfleet/internal/pgpool"
)

// postgresSchema is the Postgres schema, one entry per version. Times are
// Unix nanoseconds in BIGINT, as in SQLite, so both share one SQL text.
// Tables are created unqualified, i.e. in the first schema of search_path
// (set it in the DSN, e.g. search_path=scanfleet, to keep them apart).
var postgresSchema = [][]string{
	{ // 1
		`CREATE TABLE queue_tasks (
			seq           BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
			id            TEXT    NOT NULL UNIQUE,
			dedup_key     TEXT    NOT NULL,
			payload       BYTEA,
			priority      INTEGER NOT NULL,
			state         TEXT    NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed')),
			attempts      INTEGER NOT NULL DEFAULT 0,
			max_attempts  INTEGER NOT NULL,
			leased_by     TEXT    NOT NULL DEFAULT '',
			lease_expires BIGINT  NOT NULL DEFAULT 0,
			not_before    BIGINT  NOT NULL DEFAULT 0,
			created_at    BIGINT  NOT NULL,
			updated_at    BIGINT  NOT NULL,
			last_error    TEXT    NOT NULL DEFAULT ''
		)`,
		`CREATE UNIQUE INDEX queue_tasks_live_key ON queue_tasks (dedup_key) WHERE state IN ('queued', 'leased')`,
		`CREATE INDEX queue_tasks_runnable ON queue_tasks (priority DESC, created_at, seq) WHERE state IN ('queued', 'leased')`,
		`CREATE INDEX queue_tasks_worker ON queue_tasks (leased_by) WHERE state = 'leased'`,
		`CREATE INDEX queue_tasks_finished ON queue_tasks (updated_at) WHERE state IN ('done', 'failed')`,
	},
}

// migrationLockKey is the pg_advisory_xact_lock key that serialises schema
// migrations of controllers opening the same database together.
const migrationLockKey = 0x5ca9f1ee7

// OpenPostgres opens the queue in the PostgreSQL database at dsn (a pgx
// connection string, URL or key=value), creating and migrating its tables.
// The DSN parameter pool_max_conns sizes the connection pool (default
// pgpool.DefaultMaxConns).
func OpenPostgres(ctx context.Context, dsn string, opts ...Option) (Queue, error) {
	db, err := pgpool.Open(dsn)
	if err != nil {
		return nil, fmt.Errorf("queue: open postgres: %w", err)
	}
	q := &sqlQueue{
		cfg: newConfig(opts),
		d: dialect{
			dollar:     true,
			skipLocked: " FOR UPDATE SKIP LOCKED",
			forUpdate:  " FOR UPDATE",
			lockMigrations: func(ctx context.Context, tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLockKey))
				return err
			},
			migrations: postgresSchema,
		},
		w: db,
		r: db,
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("queue: open postgres: %w", err)
	}
	if err := q.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("%w (postgres)", err)
	}
	if err := q.prepareAll(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return q, nil
}
