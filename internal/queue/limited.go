package queue

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Limit bounds the tasks whose Key starts with Prefix (the controller's
// keys start with the registry's name and a slash, so a Limit is a
// registry's): at most MaxLeased of them may be leased (live leases, across
// every worker and every process sharing the queue) after a lease, and at
// most MaxNew of them are taken by one lease. A negative field means no
// bound. Tasks of a prefix at its bound are skipped, not returned: the
// lease takes the next runnable tasks instead, so one limited registry
// does not hold the queue up.
type Limit struct {
	Prefix    string
	MaxLeased int
	MaxNew    int
}

// LimitedLeaser is a Queue whose Lease can honour per-prefix limits. Both
// back ends implement it; the controller asserts it.
type LimitedLeaser interface {
	// LeaseLimited is Lease under limits. The count of live leases and
	// the taking happen in one transaction that excludes other limited
	// leases (SQLite's single writer; a PostgreSQL advisory lock), so
	// concurrent leasers in any number of processes never exceed a
	// MaxLeased. Tasks whose key matches several prefixes obey each.
	LeaseLimited(ctx context.Context, worker string, n int, d time.Duration, limits []Limit) ([]Task, error)
	// LeasedByPrefix counts the live leases of each prefix.
	LeasedByPrefix(ctx context.Context, prefixes []string) (map[string]int, error)
}

var _ LimitedLeaser = (*sqlQueue)(nil)

// limitLockKey is the pg_advisory_xact_lock key that serialises limited
// leases on PostgreSQL ("scanfleet queue limits").
const limitLockKey = 0x5cf1_0000_0000_0002

// hasPrefix is the SQL test "key starts with ?", as a comparison of the
// first characters (a range on the key would depend on the column's
// collation).
const hasPrefix = `substr(dedup_key, 1, ?) = ?`

func (q *sqlQueue) LeasedByPrefix(ctx context.Context, prefixes []string) (map[string]int, error) {
	out := make(map[string]int, len(prefixes))
	now := q.now()
	for _, p := range prefixes {
		var n int
		if err := q.r.QueryRowContext(ctx, q.sql(`SELECT count(*) FROM queue_tasks WHERE state = 'leased' AND lease_expires > ? AND `+hasPrefix),
			now, utf8.RuneCountInString(p), p).Scan(&n); err != nil {
			return nil, fmt.Errorf("queue: counting leases of %q: %w", p, err)
		}
		out[p] = n
	}
	return out, nil
}

func (q *sqlQueue) LeaseLimited(ctx context.Context, worker string, n int, d time.Duration, limits []Limit) ([]Task, error) {
	if len(limits) == 0 {
		return q.Lease(ctx, worker, n, d)
	}
	if err := checkNames("worker", worker); err != nil {
		return nil, err
	}
	for _, l := range limits {
		if err := checkNames("limit prefix", l.Prefix); err != nil {
			return nil, err
		}
	}
	if d <= 0 {
		return nil, fmt.Errorf("queue: lease: non-positive lease duration %v", d)
	}
	if n <= 0 {
		return nil, nil
	}
	now := q.now()
	var (
		out  []Task
		seqs []int64
	)
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		if q.d.dollar { // PostgreSQL: SQLite's writer is exclusive already
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(limitLockKey)); err != nil {
				return fmt.Errorf("limit lock: %w", err)
			}
		}
		st, err := q.txStmt(ctx, tx, q.expireSQL())
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, now, now); err != nil {
			return fmt.Errorf("fail exhausted leases: %w", err)
		}
		// room[i] is how many more tasks of limits[i] this lease may take.
		room := make([]int, len(limits))
		for i, l := range limits {
			room[i] = -1
			if l.MaxLeased >= 0 {
				var leased int
				if err := tx.QueryRowContext(ctx, q.sql(`SELECT count(*) FROM queue_tasks WHERE state = 'leased' AND lease_expires > ? AND `+hasPrefix),
					now, utf8.RuneCountInString(l.Prefix), l.Prefix).Scan(&leased); err != nil {
					return fmt.Errorf("counting leases of %q: %w", l.Prefix, err)
				}
				room[i] = max(l.MaxLeased-leased, 0)
			}
			if l.MaxNew >= 0 && (room[i] < 0 || l.MaxNew < room[i]) {
				room[i] = l.MaxNew
			}
		}
		// Each round picks the next runnable tasks skipping prefixes
		// with no room; a round that meets a prefix running out of room
		// adds it to the skipped ones, so there are at most
		// len(limits)+1 rounds.
		for round := 0; len(out) < n && round <= len(limits); round++ {
			query := `SELECT seq, dedup_key FROM queue_tasks
				WHERE state IN ('queued', 'leased')
					AND ((state = 'queued' AND not_before <= ?) OR (state = 'leased' AND lease_expires <= ?))`
			args := []any{now, now}
			for i, l := range limits {
				if room[i] == 0 {
					query += ` AND NOT (` + hasPrefix + `)`
					args = append(args, utf8.RuneCountInString(l.Prefix), l.Prefix)
				}
			}
			query += ` ORDER BY priority DESC, created_at, seq LIMIT ?` + q.d.skipLocked
			args = append(args, n-len(out))
			rows, err := tx.QueryContext(ctx, q.sql(query), args...)
			if err != nil {
				return err
			}
			var take []int64
			full := false
			for rows.Next() {
				var (
					seq int64
					key string
				)
				if err := rows.Scan(&seq, &key); err != nil {
					rows.Close()
					return err
				}
				ok := true
				for i, l := range limits {
					if strings.HasPrefix(key, l.Prefix) && room[i] == 0 {
						ok = false
					}
				}
				if !ok {
					full = true
					continue
				}
				for i, l := range limits {
					if strings.HasPrefix(key, l.Prefix) && room[i] > 0 {
						room[i]--
					}
				}
				take = append(take, seq)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for start := 0; start < len(take); start += idChunk {
				chunk := take[start:min(start+idChunk, len(take))]
				args := []any{worker, now + int64(d), now}
				for _, s := range chunk {
					args = append(args, s)
				}
				rows, err := tx.QueryContext(ctx, q.sql(`UPDATE queue_tasks SET state = 'leased', leased_by = ?, lease_expires = ?,
						attempts = attempts + 1, updated_at = ?
					WHERE seq IN (?`+strings.Repeat(", ?", len(chunk)-1)+`)
					RETURNING `+taskCols+`, seq`), args...)
				if err != nil {
					return err
				}
				for rows.Next() {
					var seq int64
					t, err := scanTask(rows, &seq)
					if err != nil {
						rows.Close()
						return err
					}
					out = append(out, t)
					seqs = append(seqs, seq)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					return err
				}
			}
			if !full {
				break
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("queue: lease for %q: %w", worker, err)
	}
	return inLeaseOrder(out, seqs), nil
}
