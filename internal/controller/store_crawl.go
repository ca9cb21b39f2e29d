package controller

import (
	"context"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/queue"
)

// crawlSchema records crawl requests (manual, scheduled) until the crawl
// they asked for has finished, so a controller that dies mid-crawl
// restarts the crawl when it comes back instead of forgetting it.
const crawlSchema = `
CREATE TABLE IF NOT EXISTS crawl_requests (
	registry TEXT PRIMARY KEY, priority INTEGER NOT NULL, reason TEXT NOT NULL,
	requested_at INTEGER NOT NULL, started_at INTEGER NOT NULL DEFAULT 0,
	starts INTEGER NOT NULL DEFAULT 0);
`

// crawlRequest is one pending crawl.
type crawlRequest struct {
	Registry    string
	Priority    queue.Priority
	Reason      string
	RequestedAt time.Time
	Starts      int // crawls begun for it (more than one: resumed after a restart)
}

func (s *store) ensureCrawlSchema(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, crawlSchema); err != nil {
		return fmt.Errorf("creating crawl_requests: %w", err)
	}
	return nil
}

// requestCrawl records a crawl request, merged with a pending one of the
// same registry (the higher priority wins, the newer time is kept so that
// a crawl already running does not retire it).
func (s *store) requestCrawl(ctx context.Context, registry string, prio queue.Priority, reason string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO crawl_requests(registry, priority, reason, requested_at) VALUES(?,?,?,?)
		ON CONFLICT(registry) DO UPDATE SET priority = max(priority, excluded.priority), reason = excluded.reason,
			requested_at = max(requested_at, excluded.requested_at)`, registry, int(prio), reason, at.UnixNano())
	if err != nil {
		return fmt.Errorf("recording a crawl request for %q: %w", registry, err)
	}
	return nil
}

// crawlStarted notes that a crawl for the registry's request began, and
// returns the request as it stands (ok false: none pending).
func (s *store) crawlStarted(ctx context.Context, registry string, at time.Time) (crawlRequest, bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE crawl_requests SET started_at = ?, starts = starts + 1 WHERE registry = ?`, at.UnixNano(), registry)
	if err != nil {
		return crawlRequest{}, false, fmt.Errorf("starting the crawl of %q: %w", registry, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return crawlRequest{}, false, nil
	}
	reqs, err := s.pendingCrawls(ctx, registry)
	if err != nil || len(reqs) == 0 {
		return crawlRequest{}, false, err
	}
	return reqs[0], true, nil
}

// finishCrawl retires the request a finished crawl served: only if no
// newer request came in meanwhile (that one gets a crawl of its own).
func (s *store) finishCrawl(ctx context.Context, registry string, served time.Time) error {
	_, err := s.db.ExecContext(ctx, `DELETE FROM crawl_requests WHERE registry = ? AND requested_at <= ?`, registry, served.UnixNano())
	if err != nil {
		return fmt.Errorf("retiring the crawl request of %q: %w", registry, err)
	}
	return nil
}

// pendingCrawls lists the requests not yet served (one registry's when
// registry is not "").
func (s *store) pendingCrawls(ctx context.Context, registry string) ([]crawlRequest, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT registry, priority, reason, requested_at, starts FROM crawl_requests
		WHERE ? = '' OR registry = ? ORDER BY priority DESC, requested_at`, registry, registry)
	if err != nil {
		return nil, fmt.Errorf("listing crawl requests: %w", err)
	}
	defer rows.Close()
	var out []crawlRequest
	for rows.Next() {
		var (
			r  crawlRequest
			at int64
		)
		if err := rows.Scan(&r.Registry, &r.Priority, &r.Reason, &at, &r.Starts); err != nil {
			return nil, fmt.Errorf("listing crawl requests: %w", err)
		}
		r.RequestedAt = time.Unix(0, at).UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
