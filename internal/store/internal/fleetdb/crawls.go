package fleetdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

const crawlCols = `id, registry, priority, reason, state, requested_at, started_by, started_at, heartbeat_at, attempts,
	repositories, images, enqueued, errors, cursor, finished_at, error`

func scanCrawl(sc sqlcore.RowScanner) (model.Crawl, error) {
	var (
		c                              model.Crawl
		req, started, beat, finishedAt int64
	)
	err := sc.Scan(&c.ID, &c.Registry, &c.Priority, &c.Reason, &c.State, &req, &c.StartedBy, &started, &beat, &c.Attempts,
		&c.Repositories, &c.Images, &c.Enqueued, &c.Errors, &c.Cursor, &finishedAt, &c.Error)
	c.RequestedAt, c.StartedAt, c.HeartbeatAt, c.FinishedAt = sqlcore.FromNanos(req), sqlcore.FromNanos(started), sqlcore.FromNanos(beat), sqlcore.FromNanos(finishedAt)
	return c, err
}

func (s *Crawls) RequestCrawl(ctx context.Context, registry string, priority int, reason string, now time.Time) (model.Crawl, bool, error) {
	var (
		c       model.Crawl
		created bool
	)
	if err := sqlcore.CheckText("registry name", registry); err != nil {
		return c, false, err
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return c, false, fmt.Errorf("requesting crawl of %q: %w", registry, err)
	}
	id := hex.EncodeToString(b[:])
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		// The partial unique index turns a second pending request, even
		// a concurrent one, into a no-op; it then joins the first.
		res, err := t.Exec(`INSERT INTO crawls(id, registry, priority, reason, state, requested_at) VALUES(?,?,?,?,?,?)
			ON CONFLICT(registry) WHERE state = 'requested' DO NOTHING`,
			id, registry, priority, sqlcore.CleanText(reason), model.CrawlRequested, sqlcore.Nanos(now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n > 0
		if !created {
			if _, err := t.Exec(`UPDATE crawls SET priority = ? WHERE registry = ? AND state = 'requested' AND priority < ?`,
				priority, registry, priority); err != nil {
				return err
			}
		}
		c, err = scanCrawl(t.QueryRow(`SELECT `+crawlCols+` FROM crawls WHERE registry = ? AND state = 'requested'`, registry))
		return err
	})
	if err != nil {
		return c, false, fmt.Errorf("requesting crawl of %q: %w", registry, err)
	}
	return c, created, nil
}

func (s *Crawls) TakeCrawl(ctx context.Context, runner string, now, staleBefore time.Time) (model.Crawl, bool, error) {
	var (
		c  model.Crawl
		ok bool
	)
	if err := sqlcore.CheckText("crawl runner", runner); err != nil {
		return c, false, err
	}
	skip := ""
	if s.db.Backend() == "postgres" {
		skip = " FOR UPDATE SKIP LOCKED" // another replica taking one skips it
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var id string
		var err error
		// A dead runner's crawl first (state = 'running' sorts after
		// 'requested' descending), then pending requests of registries
		// with nothing running.
		ok, err = sqlcore.NoRows(t.QueryRow(`SELECT id FROM crawls c
			WHERE (state = 'running' AND heartbeat_at < ?)
				OR (state = 'requested' AND NOT EXISTS (SELECT 1 FROM crawls r WHERE r.registry = c.registry AND r.state = 'running'))
			ORDER BY state DESC, priority DESC, requested_at, id LIMIT 1`+skip, sqlcore.Nanos(staleBefore)).Scan(&id))
		if err != nil || !ok {
			return err
		}
		if _, err := t.Exec(`UPDATE crawls SET state = 'running', started_by = ?, started_at = ?, heartbeat_at = ?, attempts = attempts + 1
			WHERE id = ?`, runner, sqlcore.Nanos(now), sqlcore.Nanos(now), id); err != nil {
			return err
		}
		c, err = scanCrawl(t.QueryRow(`SELECT `+crawlCols+` FROM crawls WHERE id = ?`, id))
		return err
	})
	if err != nil {
		return c, false, fmt.Errorf("taking a crawl for %s: %w", runner, err)
	}
	return c, ok, nil
}

func (s *Crawls) CrawlHeartbeat(ctx context.Context, id, runner string, p model.CrawlProgress, now time.Time) error {
	n, err := s.db.Affected(ctx, `UPDATE crawls SET heartbeat_at = ?, repositories = ?, images = ?, enqueued = ?, errors = ?, cursor = ?
		WHERE id = ? AND started_by = ? AND state = 'running'`,
		sqlcore.Nanos(now), p.Repositories, p.Images, p.Enqueued, p.Errors, sqlcore.CleanText(p.Cursor), sqlcore.CleanText(id), sqlcore.CleanText(runner))
	if err != nil {
		return fmt.Errorf("recording progress of crawl %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("crawl %s by %s: %w", id, runner, model.ErrNotHolder)
	}
	return nil
}

func (s *Crawls) FinishCrawl(ctx context.Context, id, runner string, p model.CrawlProgress, crawlErr string, now time.Time) error {
	state := model.CrawlDone
	if crawlErr != "" {
		state = model.CrawlFailed
	}
	n, err := s.db.Affected(ctx, `UPDATE crawls SET state = ?, finished_at = ?, heartbeat_at = ?, error = ?,
			repositories = ?, images = ?, enqueued = ?, errors = ?, cursor = ?
		WHERE id = ? AND started_by = ? AND state = 'running'`,
		state, sqlcore.Nanos(now), sqlcore.Nanos(now), sqlcore.CleanText(crawlErr), p.Repositories, p.Images, p.Enqueued, p.Errors, sqlcore.CleanText(p.Cursor),
		sqlcore.CleanText(id), sqlcore.CleanText(runner))
	if err != nil {
		return fmt.Errorf("finishing crawl %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("crawl %s by %s: %w", id, runner, model.ErrNotHolder)
	}
	return nil
}

func (s *Crawls) GetCrawl(ctx context.Context, id string) (model.Crawl, bool, error) {
	c, err := scanCrawl(s.db.QueryRow(ctx, `SELECT `+crawlCols+` FROM crawls WHERE id = ?`, sqlcore.CleanText(id)))
	ok, err := sqlcore.NoRows(err)
	if err != nil {
		return c, false, fmt.Errorf("reading crawl %s: %w", id, err)
	}
	return c, ok, nil
}

func (s *Crawls) ListCrawls(ctx context.Context, f model.CrawlFilter) ([]model.Crawl, error) {
	q := `SELECT ` + crawlCols + ` FROM crawls WHERE 1=1`
	var args []any
	if f.Registry != "" {
		q += ` AND registry = ?`
		args = append(args, sqlcore.CleanText(f.Registry))
	}
	if f.Live {
		q += ` AND state IN ('requested', 'running')`
	}
	if f.Limit <= 0 {
		f.Limit = 1000
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY requested_at DESC, id LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("listing crawls: %w", err)
	}
	defer rows.Close()
	out := []model.Crawl{}
	for rows.Next() {
		c, err := scanCrawl(rows)
		if err != nil {
			return nil, fmt.Errorf("listing crawls: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (s *Crawls) PruneCrawls(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM crawls WHERE state IN ('done', 'failed') AND finished_at < ?`, sqlcore.Nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning crawls: %w", err)
	}
	return n, nil
}
