package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"
)

// Crawl states.
const (
	CrawlRequested = "requested"
	CrawlRunning   = "running"
	CrawlDone      = "done"
	CrawlFailed    = "failed"
)

// Crawl is a durable crawl request and its progress. A request outlives
// the controller that accepted it: any replica may take it, and one whose
// runner stopped heartbeating is taken over and resumed from Cursor.
type Crawl struct {
	ID          string    `json:"id"`
	Registry    string    `json:"registry"`
	Priority    int       `json:"priority"`
	Reason      string    `json:"reason"` // manual, schedule, push, db-update, ...
	State       string    `json:"state"`
	RequestedAt time.Time `json:"requested_at"`
	StartedBy   string    `json:"started_by,omitempty"`
	StartedAt   time.Time `json:"started_at,omitzero"`
	HeartbeatAt time.Time `json:"heartbeat_at,omitzero"`
	// Attempts counts the runs that took the request (1 normally; more
	// after a runner died).
	Attempts int `json:"attempts"`
	CrawlProgress
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Error      string    `json:"error,omitempty"`
}

// CrawlProgress is what a running crawl reports as it goes.
type CrawlProgress struct {
	Repositories int `json:"repositories"`
	Images       int `json:"images"`
	Enqueued     int `json:"enqueued"`
	Errors       int `json:"errors"`
	// Cursor is where a resumed crawl starts again: by convention the
	// last repository whose images are all enqueued (crawls go in
	// repository order, so a new runner skips up to and including it).
	Cursor string `json:"cursor,omitempty"`
}

// CrawlFilter selects crawls; zero fields match everything.
type CrawlFilter struct {
	Registry string
	Live     bool // requested or running only
	Limit    int
}

// Crawls are durable crawl requests.
type Crawls interface {
	// RequestCrawl records a request to crawl registry. A request joins
	// the registry's pending one (created false; the higher priority is
	// kept). A request made while a crawl of the registry runs is a new
	// pending one, run after it: the running crawl may already have
	// passed what the request is about (a push to one repository).
	RequestCrawl(ctx context.Context, registry string, priority int, reason string, now time.Time) (c Crawl, created bool, err error)
	// TakeCrawl gives runner a running crawl whose heartbeat is older
	// than staleBefore (its runner died: the new runner resumes from its
	// Cursor), else the highest-priority, oldest pending request of a
	// registry with no crawl running; ok is false when there is none.
	TakeCrawl(ctx context.Context, runner string, now, staleBefore time.Time) (c Crawl, ok bool, err error)
	// CrawlHeartbeat records progress and keeps runner's hold; it returns
	// ErrNotHolder when another runner took the crawl over.
	CrawlHeartbeat(ctx context.Context, id, runner string, p CrawlProgress, now time.Time) error
	// FinishCrawl ends runner's crawl as done, or failed with crawlErr.
	FinishCrawl(ctx context.Context, id, runner string, p CrawlProgress, crawlErr string, now time.Time) error
	GetCrawl(ctx context.Context, id string) (Crawl, bool, error)
	// ListCrawls lists the newest first.
	ListCrawls(ctx context.Context, f CrawlFilter) ([]Crawl, error)
	// PruneCrawls forgets finished crawls that ended before t.
	PruneCrawls(ctx context.Context, before time.Time) (int64, error)
}

const crawlCols = `id, registry, priority, reason, state, requested_at, started_by, started_at, heartbeat_at, attempts,
	repositories, images, enqueued, errors, cursor, finished_at, error`

func scanCrawl(sc rowScanner) (Crawl, error) {
	var (
		c                              Crawl
		req, started, beat, finishedAt int64
	)
	err := sc.Scan(&c.ID, &c.Registry, &c.Priority, &c.Reason, &c.State, &req, &c.StartedBy, &started, &beat, &c.Attempts,
		&c.Repositories, &c.Images, &c.Enqueued, &c.Errors, &c.Cursor, &finishedAt, &c.Error)
	c.RequestedAt, c.StartedAt, c.HeartbeatAt, c.FinishedAt = fromNanos(req), fromNanos(started), fromNanos(beat), fromNanos(finishedAt)
	return c, err
}

func (s *db) RequestCrawl(ctx context.Context, registry string, priority int, reason string, now time.Time) (Crawl, bool, error) {
	var (
		c       Crawl
		created bool
	)
	if err := checkText("registry name", registry); err != nil {
		return c, false, err
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return c, false, fmt.Errorf("requesting crawl of %q: %w", registry, err)
	}
	id := hex.EncodeToString(b[:])
	err := s.withTx(ctx, func(t *tx) error {
		// The partial unique index turns a second pending request, even
		// a concurrent one, into a no-op; it then joins the first.
		res, err := t.exec(`INSERT INTO crawls(id, registry, priority, reason, state, requested_at) VALUES(?,?,?,?,?,?)
			ON CONFLICT(registry) WHERE state = 'requested' DO NOTHING`,
			id, registry, priority, cleanText(reason), CrawlRequested, nanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n > 0
		if !created {
			if _, err := t.exec(`UPDATE crawls SET priority = ? WHERE registry = ? AND state = 'requested' AND priority < ?`,
				priority, registry, priority); err != nil {
				return err
			}
		}
		c, err = scanCrawl(t.queryRow(`SELECT `+crawlCols+` FROM crawls WHERE registry = ? AND state = 'requested'`, registry))
		return err
	})
	if err != nil {
		return c, false, fmt.Errorf("requesting crawl of %q: %w", registry, err)
	}
	return c, created, nil
}

func (s *db) TakeCrawl(ctx context.Context, runner string, now, staleBefore time.Time) (Crawl, bool, error) {
	var (
		c  Crawl
		ok bool
	)
	if err := checkText("crawl runner", runner); err != nil {
		return c, false, err
	}
	skip := ""
	if s.d.dollar {
		skip = " FOR UPDATE SKIP LOCKED" // another replica taking one skips it
	}
	err := s.withTx(ctx, func(t *tx) error {
		var id string
		var err error
		// A dead runner's crawl first (state = 'running' sorts after
		// 'requested' descending), then pending requests of registries
		// with nothing running.
		ok, err = noRows(t.queryRow(`SELECT id FROM crawls c
			WHERE (state = 'running' AND heartbeat_at < ?)
				OR (state = 'requested' AND NOT EXISTS (SELECT 1 FROM crawls r WHERE r.registry = c.registry AND r.state = 'running'))
			ORDER BY state DESC, priority DESC, requested_at, id LIMIT 1`+skip, nanos(staleBefore)).Scan(&id))
		if err != nil || !ok {
			return err
		}
		if _, err := t.exec(`UPDATE crawls SET state = 'running', started_by = ?, started_at = ?, heartbeat_at = ?, attempts = attempts + 1
			WHERE id = ?`, runner, nanos(now), nanos(now), id); err != nil {
			return err
		}
		c, err = scanCrawl(t.queryRow(`SELECT `+crawlCols+` FROM crawls WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return c, false, fmt.Errorf("taking a crawl for %s: %w", runner, err)
	}
	return c, ok, nil
}

func (s *db) CrawlHeartbeat(ctx context.Context, id, runner string, p CrawlProgress, now time.Time) error {
	n, err := s.affected(ctx, `UPDATE crawls SET heartbeat_at = ?, repositories = ?, images = ?, enqueued = ?, errors = ?, cursor = ?
		WHERE id = ? AND started_by = ? AND state = 'running'`,
		nanos(now), p.Repositories, p.Images, p.Enqueued, p.Errors, cleanText(p.Cursor), cleanText(id), cleanText(runner))
	if err != nil {
		return fmt.Errorf("recording progress of crawl %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("crawl %s by %s: %w", id, runner, ErrNotHolder)
	}
	return nil
}

func (s *db) FinishCrawl(ctx context.Context, id, runner string, p CrawlProgress, crawlErr string, now time.Time) error {
	state := CrawlDone
	if crawlErr != "" {
		state = CrawlFailed
	}
	n, err := s.affected(ctx, `UPDATE crawls SET state = ?, finished_at = ?, heartbeat_at = ?, error = ?,
			repositories = ?, images = ?, enqueued = ?, errors = ?, cursor = ?
		WHERE id = ? AND started_by = ? AND state = 'running'`,
		state, nanos(now), nanos(now), cleanText(crawlErr), p.Repositories, p.Images, p.Enqueued, p.Errors, cleanText(p.Cursor),
		cleanText(id), cleanText(runner))
	if err != nil {
		return fmt.Errorf("finishing crawl %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("crawl %s by %s: %w", id, runner, ErrNotHolder)
	}
	return nil
}

func (s *db) GetCrawl(ctx context.Context, id string) (Crawl, bool, error) {
	c, err := scanCrawl(s.queryRow(ctx, `SELECT `+crawlCols+` FROM crawls WHERE id = ?`, cleanText(id)))
	ok, err := noRows(err)
	if err != nil {
		return c, false, fmt.Errorf("reading crawl %s: %w", id, err)
	}
	return c, ok, nil
}

func (s *db) ListCrawls(ctx context.Context, f CrawlFilter) ([]Crawl, error) {
	q := `SELECT ` + crawlCols + ` FROM crawls WHERE 1=1`
	var args []any
	if f.Registry != "" {
		q += ` AND registry = ?`
		args = append(args, cleanText(f.Registry))
	}
	if f.Live {
		q += ` AND state IN ('requested', 'running')`
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := s.query(ctx, q+` ORDER BY requested_at DESC, id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("listing crawls: %w", err)
	}
	defer rows.Close()
	out := []Crawl{}
	for rows.Next() {
		c, err := scanCrawl(rows)
		if err != nil {
			return nil, fmt.Errorf("listing crawls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *db) PruneCrawls(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM crawls WHERE state IN ('done', 'failed') AND finished_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning crawls: %w", err)
	}
	return n, nil
}
