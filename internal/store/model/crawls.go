package model

import (
	"context"
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
