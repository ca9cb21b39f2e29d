package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/pgpool"
)

// dialect is what differs between the back ends; everything else is one SQL
// text written with ? placeholders.
type dialect struct {
	// dollar rewrites ? placeholders to $1, $2, ... (Postgres).
	dollar bool
	// skipLocked ends the SELECT that picks rows to lease: Postgres locks
	// them and skips rows other leasers hold; SQLite needs nothing because
	// its single writer serialises every write transaction.
	skipLocked string
	// forUpdate ends a SELECT that reads a row it then updates.
	forUpdate string
	// lockMigrations serialises concurrent openers (nil: the write
	// transaction already does).
	lockMigrations func(ctx context.Context, tx *sql.Tx) error
	// migrations[v] takes the schema from version v to v+1.
	migrations [][]string
}

// sqlQueue implements Queue over database/sql for both back ends.
type sqlQueue struct {
	cfg config
	d   dialect
	w   *sql.DB // writes (SQLite: exactly one connection)
	r   *sql.DB // reads (SQLite: a read pool; Postgres: same as w)

	// stmts holds the write path's fixed statements prepared on w: the
	// SQLite driver would otherwise parse each statement on every call,
	// which was a third of a task's trip in BenchmarkEnqueueLeaseComplete.
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

const taskCols = `id, dedup_key, payload, priority, state, attempts, max_attempts,
	leased_by, lease_expires, not_before, created_at, updated_at, last_error`

// idChunk bounds the ids in one IN (...) list, below SQLite's default
// 32766-variable limit and Postgres's 65535.
const idChunk = 500

func (q *sqlQueue) sql(s string) string {
	if !q.d.dollar {
		return s
	}
	return pgpool.Dollars(s)
}

func (q *sqlQueue) now() int64 { return q.cfg.now().UnixNano() }

func nanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

type rowScanner interface{ Scan(dest ...any) error }

// scanTask reads the taskCols of one row, then any extra columns into extra.
func scanTask(s rowScanner, extra ...any) (Task, error) {
	var (
		t                         Task
		state                     string
		expires, nb, created, upd int64
	)
	if err := s.Scan(append([]any{&t.ID, &t.Key, &t.Payload, &t.Priority, &state, &t.Attempts, &t.MaxAttempts,
		&t.LeasedBy, &expires, &nb, &created, &upd, &t.LastError}, extra...)...); err != nil {
		return Task{}, err
	}
	t.State = State(state)
	t.LeaseExpires, t.NotBefore = fromNanos(expires), fromNanos(nb)
	t.CreatedAt, t.UpdatedAt = fromNanos(created), fromNanos(upd)
	return t, nil
}

func scanTasks(rows *sql.Rows) ([]Task, error) {
	defer rows.Close()
	var out []Task
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// cleanError makes a worker's cause storable: Postgres TEXT rejects NUL and
// invalid UTF-8, which a cause quoting a file name or tool output may hold,
// and failing the Fail call over it would lose the task's state change.
func cleanError(s string) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD")
	if len(s) <= maxErrorLen {
		return s
	}
	s = s[:maxErrorLen]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// validText reports whether s can be an id, key or worker name: both back
// ends must store it identically, and Postgres TEXT takes neither NUL nor
// invalid UTF-8.
func validText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsRune(s, 0)
}

// checkNames rejects an empty or unstorable worker name or id.
func checkNames(what string, names ...string) error {
	for _, n := range names {
		if n == "" || !validText(n) {
			return fmt.Errorf("queue: invalid %s %q: must be non-empty UTF-8 without NUL", what, n)
		}
	}
	return nil
}

// migrate brings the schema to the newest version in one transaction.
func (q *sqlQueue) migrate(ctx context.Context) error {
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("queue: migrate: begin: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // no-op after Commit
	if q.d.lockMigrations != nil {
		if err := q.d.lockMigrations(ctx, tx); err != nil {
			return fmt.Errorf("queue: migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS queue_schema (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("queue: migrate: schema table: %w", err)
	}
	var cur int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM queue_schema`).Scan(&cur); err != nil {
		return fmt.Errorf("queue: migrate: read version: %w", err)
	}
	if cur > len(q.d.migrations) {
		return fmt.Errorf("queue: database schema version %d is newer than this binary knows (%d): upgrade scanfleet", cur, len(q.d.migrations))
	}
	for v := cur; v < len(q.d.migrations); v++ {
		for _, stmt := range q.d.migrations[v] {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				return fmt.Errorf("queue: migrate to version %d: %w", v+1, err)
			}
		}
	}
	if cur < len(q.d.migrations) {
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_schema`); err != nil {
			return fmt.Errorf("queue: migrate: %w", err)
		}
		if _, err := tx.ExecContext(ctx, q.sql(`INSERT INTO queue_schema (version) VALUES (?)`), len(q.d.migrations)); err != nil {
			return fmt.Errorf("queue: migrate: record version: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("queue: migrate: commit: %w", err)
	}
	return nil
}

// withTx runs fn in a write transaction and commits it.
func (q *sqlQueue) withTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := q.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// The write path's fixed statements, prepared once at open (prepareAll).

func (q *sqlQueue) insertSQL() string {
	return `INSERT INTO queue_tasks (` + taskCols + `)
		VALUES (?, ?, ?, ?, 'queued', 0, ?, '', 0, ?, ?, ?, '')
		ON CONFLICT (dedup_key) WHERE state IN ('queued', 'leased') DO NOTHING`
}

// expireSQL fails the expired leases of tasks out of attempts, so a poison
// task is not handed to yet another worker.
func (q *sqlQueue) expireSQL() string {
	return `WITH dead AS MATERIALIZED (
			SELECT seq FROM queue_tasks
			WHERE state = 'leased' AND lease_expires <= ? AND attempts >= max_attempts` + q.d.skipLocked + `)
		UPDATE queue_tasks SET state = 'failed', updated_at = ?,
			last_error = 'lease of worker ' || leased_by || ' expired on attempt ' || attempts
		WHERE seq IN (SELECT seq FROM dead)`
}

// leaseSQL takes the runnable tasks. Its WHERE repeats the partial index's
// predicate (state IN ...) because SQLite uses a partial index only when
// the query names that term itself.
func (q *sqlQueue) leaseSQL() string {
	return `WITH picked AS MATERIALIZED (
			SELECT seq FROM queue_tasks
			WHERE state IN ('queued', 'leased')
				AND ((state = 'queued' AND not_before <= ?) OR (state = 'leased' AND lease_expires <= ?))
			ORDER BY priority DESC, created_at, seq
			LIMIT ?` + q.d.skipLocked + `)
		UPDATE queue_tasks SET state = 'leased', leased_by = ?, lease_expires = ?,
			attempts = attempts + 1, updated_at = ?
		WHERE seq IN (SELECT seq FROM picked)
		RETURNING ` + taskCols + `, seq`
}

const completeSQL = `UPDATE queue_tasks
	SET state = 'done', lease_expires = 0, updated_at = ?
	WHERE id = ? AND state = 'leased' AND leased_by = ?`

// prepareAll prepares the write path's statements on w. It must run before
// any transaction: SQLite's one writer connection is busy during one.
func (q *sqlQueue) prepareAll(ctx context.Context) error {
	q.stmts = map[string]*sql.Stmt{}
	for _, s := range []string{q.insertSQL(), q.expireSQL(), q.leaseSQL(), completeSQL} {
		st, err := q.w.PrepareContext(ctx, q.sql(s))
		if err != nil {
			return fmt.Errorf("queue: prepare: %w", err)
		}
		q.stmts[s] = st
	}
	return nil
}

// txStmt returns the prepared form of query, one of prepareAll's, bound to tx.
func (q *sqlQueue) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	q.mu.Lock()
	st, ok := q.stmts[query]
	q.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("statement not prepared (closed queue?): %.40q", query)
	}
	return tx.StmtContext(ctx, st), nil
}

func (q *sqlQueue) Enqueue(ctx context.Context, t Task) (bool, error) {
	n, err := q.EnqueueBatch(ctx, []Task{t})
	return n == 1, err
}

func (q *sqlQueue) EnqueueBatch(ctx context.Context, tasks []Task) (int, error) {
	if len(tasks) == 0 {
		return 0, nil
	}
	now := q.now()

	added := 0
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		stmt, err := q.txStmt(ctx, tx, q.insertSQL())
		if err != nil {
			return err
		}
		doneAt, err := doneSince(ctx, tx, q.sql, tasks)
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if t.Key == "" || !validText(t.Key) || !validText(t.ID) {
				return fmt.Errorf("task %q: key %q: id and key must be UTF-8 without NUL, and key non-empty", t.ID, t.Key)
			}
			if c := nanos(t.CreatedAt); c != 0 && doneAt[t.Key] > c {
				continue // its work was done after the caller found it needed
			}
			if t.ID == "" {
				if t.ID, err = newID(); err != nil {
					return fmt.Errorf("generate id: %w", err)
				}
			}
			if t.MaxAttempts <= 0 {
				t.MaxAttempts = q.cfg.maxAttempts
			}
			created := nanos(t.CreatedAt)
			if created == 0 {
				created = now
			}
			res, err := stmt.ExecContext(ctx, t.ID, t.Key, t.Payload, int(t.Priority), t.MaxAttempts,
				nanos(t.NotBefore), created, now)
			if err != nil {
				return fmt.Errorf("insert %q (key %q): %w", t.ID, t.Key, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("insert %q: %w", t.ID, err)
			} else if n > 0 {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queue: enqueue: %w", err)
	}
	return added, nil
}

// doneSince returns, per key, when the last task of that key was
// completed, for the tasks completed after the earliest CreatedAt a caller
// gave in tasks (none given: none read). A caller dates a task with the
// moment it checked that the work is needed (a crawl: the image had no
// result yet); a task of the same key completed after that moment did the
// work meanwhile, and the dedup key, unique among queued and leased tasks
// only, would let the new one in as a second task for the same work. The
// read uses the index of finished tasks by completion time, so it costs
// the completions since the check, not the table.
func doneSince(ctx context.Context, tx *sql.Tx, rewrite func(string) string, tasks []Task) (map[string]int64, error) {
	var since int64
	for _, t := range tasks {
		if c := nanos(t.CreatedAt); c != 0 && (since == 0 || c < since) {
			since = c
		}
	}
	if since == 0 {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, rewrite(`SELECT dedup_key, state, updated_at FROM queue_tasks
		WHERE state IN ('done', 'failed') AND updated_at > ?`), since)
	if err != nil {
		return nil, fmt.Errorf("reading the tasks completed since %v: %w", fromNanos(since), err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var (
			key, state string
			at         int64
		)
		if err := rows.Scan(&key, &state, &at); err != nil {
			return nil, fmt.Errorf("reading the tasks completed since %v: %w", fromNanos(since), err)
		}
		// A failed task did not do the work: a new one may try again.
		if State(state) == StateDone && at > out[key] {
			out[key] = at
		}
	}
	return out, rows.Err()
}

func (q *sqlQueue) Lease(ctx context.Context, worker string, n int, d time.Duration) ([]Task, error) {
	if err := checkNames("worker", worker); err != nil {
		return nil, err
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
		st, err := q.txStmt(ctx, tx, q.expireSQL())
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, now, now); err != nil {
			return fmt.Errorf("fail exhausted leases: %w", err)
		}
		if st, err = q.txStmt(ctx, tx, q.leaseSQL()); err != nil {
			return err
		}
		rows, err := st.QueryContext(ctx, now, now, n, worker, now+int64(d), now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var seq int64
			t, err := scanTask(rows, &seq)
			if err != nil {
				return err
			}
			out = append(out, t)
			seqs = append(seqs, seq)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("queue: lease for %q: %w", worker, err)
	}
	return inLeaseOrder(out, seqs), nil
}

// inLeaseOrder sorts leased tasks (with their insertion sequence numbers,
// seqs[i] for out[i]) into the order they are handed out: priority, then
// age, then insertion. RETURNING order is unspecified, so every lease path
// sorts with it.
func inLeaseOrder(out []Task, seqs []int64) []Task {
	order := make([]int, len(out))
	for i := range order {
		order[i] = i
	}
	sort.Slice(order, func(a, b int) bool {
		x, y := order[a], order[b]
		if out[x].Priority != out[y].Priority {
			return out[x].Priority > out[y].Priority
		}
		if !out[x].CreatedAt.Equal(out[y].CreatedAt) {
			return out[x].CreatedAt.Before(out[y].CreatedAt)
		}
		return seqs[x] < seqs[y]
	})
	sorted := make([]Task, len(out))
	for i, j := range order {
		sorted[i] = out[j]
	}
	return sorted
}

// updateHeld runs an UPDATE ... WHERE <held by worker> AND id IN (ids)
// RETURNING id in chunks and reports the ids that were not held.
func (q *sqlQueue) updateHeld(ctx context.Context, worker string, ids []string, set string, setArgs ...any) error {
	held := make(map[string]bool, len(ids))
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < len(ids); start += idChunk {
			chunk := ids[start:min(start+idChunk, len(ids))]
			args := append(append([]any{}, setArgs...), worker)
			for _, id := range chunk {
				args = append(args, id)
			}
			stmt := q.sql(`UPDATE queue_tasks SET ` + set + `
				WHERE state = 'leased' AND leased_by = ? AND id IN (?` + strings.Repeat(", ?", len(chunk)-1) + `)
				RETURNING id`)
			rows, err := tx.QueryContext(ctx, stmt, args...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				held[id] = true
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var lost []string
	for _, id := range ids {
		if !held[id] {
			lost = append(lost, id)
		}
	}
	if lost != nil {
		return &LeaseLostError{Worker: worker, IDs: lost}
	}
	return nil
}

func (q *sqlQueue) Heartbeat(ctx context.Context, worker string, ids []string, d time.Duration) error {
	if d <= 0 {
		return fmt.Errorf("queue: heartbeat: non-positive lease duration %v", d)
	}
	if len(ids) == 0 {
		return nil
	}
	if err := checkNames("worker or task id", append([]string{worker}, ids...)...); err != nil {
		return err
	}
	now := q.now()
	err := q.updateHeld(ctx, worker, ids, `lease_expires = ?, updated_at = ?`, now+int64(d), now)
	if err != nil && !errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("queue: heartbeat for %q: %w", worker, err)
	}
	return err
}

func (q *sqlQueue) Release(ctx context.Context, worker string, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	if err := checkNames("worker or task id", append([]string{worker}, ids...)...); err != nil {
		return err
	}
	now := q.now()
	err := q.updateHeld(ctx, worker, ids, `state = 'queued', leased_by = '', lease_expires = 0,
		not_before = 0, attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, updated_at = ?`, now)
	if err != nil && !errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("queue: release for %q: %w", worker, err)
	}
	return err
}

// notHeld explains why a holder-only update changed nothing.
func (q *sqlQueue) notHeld(ctx context.Context, tx *sql.Tx, op, worker, id string) error {
	var one int
	err := tx.QueryRowContext(ctx, q.sql(`SELECT 1 FROM queue_tasks WHERE id = ?`), id).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("queue: %s %q: %w", op, id, ErrNotFound)
	case err != nil:
		return fmt.Errorf("queue: %s %q: %w", op, id, err)
	}
	return fmt.Errorf("queue: %s %q by %q: %w", op, id, worker, ErrLeaseLost)
}

func (q *sqlQueue) Complete(ctx context.Context, worker, id string) error {
	if err := checkNames("worker or task id", worker, id); err != nil {
		return err
	}
	now := q.now()
	var outcome error
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		st, err := q.txStmt(ctx, tx, completeSQL)
		if err != nil {
			return err
		}
		res, err := st.ExecContext(ctx, now, id, worker)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			outcome = q.notHeld(ctx, tx, "complete", worker, id)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("queue: complete %q: %w", id, err)
	}
	return outcome
}

func (q *sqlQueue) Fail(ctx context.Context, worker, id, cause string) error {
	return q.fail(ctx, worker, id, cause, false)
}

func (q *sqlQueue) FailPermanently(ctx context.Context, worker, id, cause string) error {
	return q.fail(ctx, worker, id, cause, true)
}

func (q *sqlQueue) fail(ctx context.Context, worker, id, cause string, permanent bool) error {
	if err := checkNames("worker or task id", worker, id); err != nil {
		return err
	}
	now := q.cfg.now()
	var outcome error
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		var attempts, maxAttempts int
		err := tx.QueryRowContext(ctx, q.sql(`SELECT attempts, max_attempts FROM queue_tasks
			WHERE id = ? AND state = 'leased' AND leased_by = ?`+q.d.forUpdate), id, worker).Scan(&attempts, &maxAttempts)
		if errors.Is(err, sql.ErrNoRows) {
			outcome = q.notHeld(ctx, tx, "fail", worker, id)
			return nil
		}
		if err != nil {
			return err
		}
		// A failed task keeps its last holder; a retried one is nobody's.
		state, notBefore, holder := StateFailed, int64(0), worker
		if attempts < maxAttempts && !permanent {
			state, notBefore, holder = StateQueued, now.Add(q.cfg.backoff(attempts)).UnixNano(), ""
		}
		_, err = tx.ExecContext(ctx, q.sql(`UPDATE queue_tasks
			SET state = ?, leased_by = ?, lease_expires = 0, not_before = ?, last_error = ?, updated_at = ?
			WHERE id = ?`), string(state), holder, notBefore, cleanError(cause), now.UnixNano(), id)
		return err
	})
	if err != nil {
		return fmt.Errorf("queue: fail %q: %w", id, err)
	}
	return outcome
}

func (q *sqlQueue) ReleaseWorker(ctx context.Context, worker string) (int, error) {
	if err := checkNames("worker", worker); err != nil {
		return 0, err
	}
	now := q.now()
	total := 0
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, q.sql(`UPDATE queue_tasks
			SET state = 'failed', lease_expires = 0, updated_at = ?,
				last_error = 'worker ' || leased_by || ' declared dead on attempt ' || attempts
			WHERE state = 'leased' AND leased_by = ? AND attempts >= max_attempts`), now, worker)
		if err != nil {
			return err
		}
		failed, err := res.RowsAffected()
		if err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, q.sql(`UPDATE queue_tasks
			SET state = 'queued', leased_by = '', lease_expires = 0, not_before = 0, updated_at = ?
			WHERE state = 'leased' AND leased_by = ?`), now, worker)
		if err != nil {
			return err
		}
		requeued, err := res.RowsAffected()
		total = int(failed + requeued)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue: release worker %q: %w", worker, err)
	}
	return total, nil
}

func (q *sqlQueue) Requeue(ctx context.Context, id, cause string) (bool, error) {
	if err := checkNames("task id", id); err != nil {
		return false, err
	}
	now := q.now()
	var requeued bool
	err := q.withTx(ctx, func(tx *sql.Tx) error {
		var key, state string
		err := tx.QueryRowContext(ctx, q.sql(`SELECT dedup_key, state FROM queue_tasks WHERE id = ?`+q.d.forUpdate), id).Scan(&key, &state)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("%q: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if State(state) != StateDone {
			return nil
		}
		// The partial unique index would refuse a second live task with
		// this key; look first so the answer is false, not an error.
		var one int
		err = tx.QueryRowContext(ctx, q.sql(`SELECT 1 FROM queue_tasks
			WHERE dedup_key = ? AND state IN ('queued', 'leased') LIMIT 1`), key).Scan(&one)
		if err == nil {
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, err = tx.ExecContext(ctx, q.sql(`UPDATE queue_tasks
			SET state = 'queued', leased_by = '', lease_expires = 0, not_before = 0,
				attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END, last_error = ?, updated_at = ?
			WHERE id = ? AND state = 'done'`), cleanError(cause), now, id)
		requeued = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("queue: requeue: %w", err)
	}
	return requeued, nil
}

func (q *sqlQueue) Counts(ctx context.Context) (map[State]int, error) {
	rows, err := q.r.QueryContext(ctx, q.sql(`SELECT
			CASE WHEN state = 'leased' AND lease_expires <= ? THEN 'queued' ELSE state END,
			COUNT(*)
		FROM queue_tasks GROUP BY 1`), q.now())
	if err != nil {
		return nil, fmt.Errorf("queue: counts: %w", err)
	}
	defer rows.Close()
	out := make(map[State]int, len(States))
	for _, s := range States {
		out[s] = 0
	}
	for rows.Next() {
		var (
			s string
			n int
		)
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("queue: counts: %w", err)
		}
		out[State(s)] += n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("queue: counts: %w", err)
	}
	return out, nil
}

func (q *sqlQueue) Get(ctx context.Context, id string) (Task, error) {
	if !validText(id) {
		// No task can have this id.
		return Task{}, fmt.Errorf("queue: get %q: %w", id, ErrNotFound)
	}
	t, err := scanTask(q.r.QueryRowContext(ctx, q.sql(`SELECT `+taskCols+` FROM queue_tasks WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Task{}, fmt.Errorf("queue: get %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Task{}, fmt.Errorf("queue: get %q: %w", id, err)
	}
	return t, nil
}

func (q *sqlQueue) List(ctx context.Context, f ListFilter) ([]Task, error) {
	if !validText(f.Key) || !validText(f.Worker) {
		return nil, fmt.Errorf("queue: list: invalid key %q or worker %q: must be UTF-8 without NUL", f.Key, f.Worker)
	}
	var (
		where []string
		args  []any
	)
	if len(f.States) > 0 {
		where = append(where, `state IN (?`+strings.Repeat(", ?", len(f.States)-1)+`)`)
		for _, s := range f.States {
			args = append(args, string(s))
		}
	}
	if f.Key != "" {
		where = append(where, `dedup_key = ?`)
		args = append(args, f.Key)
	}
	if f.Worker != "" {
		where = append(where, `leased_by = ?`)
		args = append(args, f.Worker)
	}
	s := `SELECT ` + taskCols + ` FROM queue_tasks`
	if len(where) > 0 {
		s += ` WHERE ` + strings.Join(where, ` AND `)
	}
	s += ` ORDER BY priority DESC, created_at, seq`
	if f.Limit > 0 {
		s += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	rows, err := q.r.QueryContext(ctx, q.sql(s), args...)
	if err != nil {
		return nil, fmt.Errorf("queue: list: %w", err)
	}
	out, err := scanTasks(rows)
	if err != nil {
		return nil, fmt.Errorf("queue: list: %w", err)
	}
	return out, nil
}

func (q *sqlQueue) Purge(ctx context.Context, before time.Time) (int, error) {
	res, err := q.w.ExecContext(ctx, q.sql(`DELETE FROM queue_tasks
		WHERE state IN ('done', 'failed') AND updated_at < ?`), nanos(before))
	if err != nil {
		return 0, fmt.Errorf("queue: purge: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("queue: purge: %w", err)
	}
	return int(n), nil
}

func (q *sqlQueue) Close() error {
	var errs []error
	q.mu.Lock()
	for _, st := range q.stmts {
		errs = append(errs, st.Close())
	}
	q.stmts = nil
	q.mu.Unlock()
	if q.r != q.w {
		errs = append(errs, q.r.Close())
	}
	errs = append(errs, q.w.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("queue: close: %w", err)
	}
	return nil
}
