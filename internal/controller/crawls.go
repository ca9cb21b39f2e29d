package controller

import (
	"context"
	"errors"
	"time"

	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Crawls are durable requests in the shared store (store.Crawls): a
// request is recorded before the API answers, any controller's crawl
// runner takes it (store.TakeCrawl gives each request to exactly one),
// heartbeats it while crawling, and finishes it. A runner that stops
// heartbeating (its controller was killed) loses the crawl to the next
// runner that looks once CrawlStale has passed; a controller on SQLite,
// the only one on its file, takes a crawl orphaned by its previous
// process at once.

// maxCrawls is how many crawls one controller runs at a time.
const maxCrawls = 4

// crawlPoll is how often an idle runner looks for requests made on other
// controllers and for crawls to take over; a request made on this one
// wakes it at once.
const crawlPoll = 2 * time.Second

// RequestCrawl records a crawl request in the store, so that it survives
// the controller that accepted it, and wakes this controller's crawl
// runner. A request joins the registry's pending one; one made while a
// crawl of the registry runs is run after it (the running crawl may have
// passed what it is about). reason is for the logs and the crawl list
// ("manual", "scheduled", ...). It reports whether a new request was
// recorded (false: joined a pending one).
func (c *Controller) RequestCrawl(ctx context.Context, name string, prio queue.Priority, reason string) (bool, error) {
	cr, created, err := c.store.RequestCrawl(ctx, name, int(prio), reason, time.Now())
	if err != nil {
		return false, err
	}
	if created {
		c.log.Info("crawl requested", "registry", name, "crawl", cr.ID, "reason", reason, "priority", int(prio))
	}
	c.nudgeCrawls()
	return created, nil
}

// nudgeCrawls wakes the crawl runner without blocking.
func (c *Controller) nudgeCrawls() {
	select {
	case c.crawlNudge <- struct{}{}:
	default:
	}
}

// runCrawls takes and runs crawl requests until ctx ends.
func (c *Controller) runCrawls(ctx context.Context) {
	slots := make(chan struct{}, maxCrawls)
	t := time.NewTicker(crawlPoll)
	defer t.Stop()
	for {
		for len(slots) < cap(slots) && ctx.Err() == nil {
			cr, ok, err := c.store.TakeCrawl(ctx, c.cfg.Identity, time.Now(), c.staleBefore())
			if err != nil {
				if ctx.Err() == nil {
					c.log.Warn("taking a crawl request", "err", err)
				}
				break
			}
			if !ok {
				break
			}
			slots <- struct{}{}
			c.wg.Add(1)
			go func() {
				defer c.wg.Done()
				defer func() { <-slots; c.nudgeCrawls() }()
				c.runCrawl(ctx, cr)
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.crawlNudge:
		}
	}
}

// staleBefore is the heartbeat time before which a running crawl's
// runner is taken for dead.
func (c *Controller) staleBefore() time.Time {
	t := time.Now().Add(-c.cfg.CrawlStale)
	if c.store.Backend() == "sqlite" && t.Before(c.started) {
		// One controller per SQLite file: whatever runs since before
		// this process started was left by a previous one.
		t = c.started
	}
	return t
}

// runCrawl runs one taken crawl, heartbeating it. A controller shutting
// down leaves it running: the next runner takes it over and crawls again
// (crawling is idempotent).
func (c *Controller) runCrawl(ctx context.Context, cr store.Crawl) {
	if cr.Attempts > 1 {
		c.log.Info("crawl taken over from a runner that stopped", "registry", cr.Registry, "crawl", cr.ID,
			"reason", cr.Reason, "attempt", cr.Attempts)
	}
	c.log.Info("crawl started", "registry", cr.Registry, "crawl", cr.ID, "reason", cr.Reason, "runner", c.cfg.Identity)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	counts := &crawlCounts{}
	lost := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(max(c.cfg.CrawlStale/6, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-cctx.Done():
				return
			case <-t.C:
			}
			err := c.store.CrawlHeartbeat(cctx, cr.ID, c.cfg.Identity, counts.progress(), time.Now())
			if errors.Is(err, store.ErrNotHolder) {
				c.log.Warn("crawl taken over by another controller; stopping this run", "registry", cr.Registry, "crawl", cr.ID)
				close(lost)
				cancel()
				return
			}
			if err != nil && cctx.Err() == nil {
				c.log.Warn("crawl heartbeat", "registry", cr.Registry, "crawl", cr.ID, "err", err)
			}
		}
	}()
	_, err := c.crawl(cctx, cr.Registry, queue.Priority(cr.Priority), counts)
	cancel()
	<-beatDone
	select {
	case <-lost:
		return
	default:
	}
	if ctx.Err() != nil {
		return
	}
	msg := ""
	if err != nil {
		msg = err.Error()
		c.log.Warn("crawl failed", "registry", cr.Registry, "crawl", cr.ID, "err", err)
	}
	if err := c.store.FinishCrawl(ctx, cr.ID, c.cfg.Identity, counts.progress(), msg, time.Now()); err != nil && ctx.Err() == nil {
		c.log.Warn("finishing a crawl", "registry", cr.Registry, "crawl", cr.ID, "err", err)
	}
}
