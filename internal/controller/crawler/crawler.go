// Package crawler runs registry crawls: durable crawl requests in the
// shared store taken by any controller's runner, heartbeated, taken over
// from a runner that stopped, enqueueing a task per image not yet scanned
// with the current database in batches; and the registries' push
// notifications (POST /api/v1/registries/{name}/notify).
package crawler

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
)

// Crawler requests and runs crawls for one controller.
type Crawler struct {
	// triage reports failed crawls to the subscribers (nil: not).
	triage *triage.Engine

	store     store.Store
	queue     queue.Queue
	log       *slog.Logger
	identity  string
	stale     time.Duration
	batch     int
	transport http.RoundTripper
	access    func(context.Context, store.Registry) (crawl.Registry, error)
	lister    func(context.Context, crawl.Registry) (provider.Lister, error)
	// webhookSecret opens a registry\'s push webhook secret.
	webhookSecret func(store.Registry) (string, error)
	dbDigest      func() string
	// wg tracks the crawls this runner started; the controller waits for
	// them when it closes.
	wg *sync.WaitGroup
	// nudge wakes the runner after a request.
	nudge chan struct{}
	// started is when this process opened the store: on SQLite (one
	// controller per file) a crawl running since before it was orphaned
	// by a previous process and is taken over at once.
	started time.Time
}

// Config is what the crawler needs from its controller.
type Config struct {
	Store store.Store
	Queue queue.Queue
	// Identity names this runner; Stale is how long a runner may miss
	// heartbeats before its crawl is taken over; Batch is how many tasks
	// a crawl collects before enqueueing them.
	Identity string
	Stale    time.Duration
	Batch    int
	// Transport is the base transport for registry requests (tests).
	Transport http.RoundTripper
	// Access opens a registry's sealed secrets (and obtains a cloud
	// kind's short-lived credentials); Lister returns the lister of a
	// kind only a cloud SDK lists (nil: none); DBDigest is the database
	// in service ("" without one).
	Access func(context.Context, store.Registry) (crawl.Registry, error)
	Lister func(context.Context, crawl.Registry) (provider.Lister, error)
	// WebhookSecret opens a registry\'s push webhook secret.
	WebhookSecret func(store.Registry) (string, error)
	DBDigest      func() string
	// WaitGroup counts running crawls.
	WaitGroup *sync.WaitGroup
	Logger    *slog.Logger
	// Started is when this process opened the store (default now).
	Started time.Time
}

// New returns a crawler; Run runs it.
func New(cfg Config) *Crawler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.WaitGroup == nil {
		cfg.WaitGroup = &sync.WaitGroup{}
	}
	if cfg.Started.IsZero() {
		cfg.Started = time.Now()
	}
	return &Crawler{store: cfg.Store, queue: cfg.Queue, log: cfg.Logger, identity: cfg.Identity, stale: cfg.Stale, batch: cfg.Batch,
		transport: cfg.Transport, access: cfg.Access, lister: cfg.Lister, webhookSecret: cfg.WebhookSecret, dbDigest: cfg.DBDigest, wg: cfg.WaitGroup,
		nudge: make(chan struct{}, 1), started: cfg.Started}
}

// Routes registers the push notification route.
func (c *Crawler) Routes(h web.Route) {
	h("POST /api/v1/registries/{name}/notify", web.ScannerAccess, web.MaxSmallBody, c.notify)
}

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

// Request records a crawl request in the store, so that it survives
// the controller that accepted it, and wakes this controller's crawl
// runner. A request joins the registry's pending one; one made while a
// crawl of the registry runs is run after it (the running crawl may have
// passed what it is about). reason is for the logs and the crawl list
// ("manual", "scheduled", ...). It reports whether a new request was
// recorded (false: joined a pending one).
func (c *Crawler) Request(ctx context.Context, name string, prio queue.Priority, reason string) (bool, error) {
	cr, created, err := c.store.RequestCrawl(ctx, name, int(prio), reason, time.Now())
	if err != nil {
		return false, err
	}
	if created {
		c.log.Info("crawl requested", "registry", name, "crawl", cr.ID, "reason", reason, "priority", int(prio))
	}
	c.wake()
	return created, nil
}

// wake wakes the crawl runner without blocking.
func (c *Crawler) wake() {
	select {
	case c.nudge <- struct{}{}:
	default:
	}
}

// Run takes and runs crawl requests until ctx ends.
func (c *Crawler) Run(ctx context.Context) {
	slots := make(chan struct{}, maxCrawls)
	t := time.NewTicker(crawlPoll)
	defer t.Stop()
	for {
		for len(slots) < cap(slots) && ctx.Err() == nil {
			cr, ok, err := c.store.TakeCrawl(ctx, c.identity, time.Now(), c.staleBefore())
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
				defer func() { <-slots; c.wake() }()
				c.runCrawl(ctx, cr)
			}()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-c.nudge:
		}
	}
}

// staleBefore is the heartbeat time before which a running crawl's
// runner is taken for dead.
func (c *Crawler) staleBefore() time.Time {
	t := time.Now().Add(-c.stale)
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
func (c *Crawler) runCrawl(ctx context.Context, cr store.Crawl) {
	if cr.Attempts > 1 {
		c.log.Info("crawl taken over from a runner that stopped", "registry", cr.Registry, "crawl", cr.ID,
			"reason", cr.Reason, "attempt", cr.Attempts)
	}
	c.log.Info("crawl started", "registry", cr.Registry, "crawl", cr.ID, "reason", cr.Reason, "runner", c.identity)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	counts := &crawlCounts{}
	lost := make(chan struct{})
	beatDone := make(chan struct{})
	go func() {
		defer close(beatDone)
		t := time.NewTicker(max(c.stale/6, 10*time.Millisecond))
		defer t.Stop()
		for {
			select {
			case <-cctx.Done():
				return
			case <-t.C:
			}
			err := c.store.CrawlHeartbeat(cctx, cr.ID, c.identity, counts.progress(), time.Now())
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
	var err error
	for try := 1; ; try++ {
		_, err = c.crawl(cctx, cr.Registry, queue.Priority(cr.Priority), counts)
		var se *storeError
		if err == nil || !errors.As(err, &se) || try >= storeTries || cctx.Err() != nil {
			break
		}
		// The database failed, not the registry (a restart, a dropped
		// connection): what was listed so far may not be enqueued, and
		// finishing the crawl as failed would leave those images
		// unscanned until the next crawl. Crawling is idempotent, so the
		// crawl runs again once the store may be back.
		wait := time.Duration(try) * storeRetryWait
		c.log.Warn("crawl interrupted by a store error; crawling again", "registry", cr.Registry, "crawl", cr.ID,
			"try", try, "of", storeTries, "retry_in", wait, "err", err)
		counts.reset()
		select {
		case <-cctx.Done():
		case <-time.After(wait):
		}
	}
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
		c.triage.CrawlFailed(ctx, cr.ID, cr.Registry, msg)
	}
	if err := c.store.FinishCrawl(ctx, cr.ID, c.identity, counts.progress(), msg, time.Now()); err != nil && ctx.Err() == nil {
		c.log.Warn("finishing a crawl", "registry", cr.Registry, "crawl", cr.ID, "err", err)
	}
}

// storeTries bounds the runs of one taken crawl that the store's (the
// database's) errors cut short; storeRetryWait times the try number is
// the pause before the next (1+2+3+4 = 10 s in all, the length of a
// typical PostgreSQL restart or failover). A store that stays away longer
// fails the crawl; if even that is not recorded, another runner takes the
// crawl over once its heartbeat is stale.
const (
	storeTries     = 5
	storeRetryWait = time.Second
)

// storeError marks a crawl's failure as the store's or the queue's, not
// the registry's: runCrawl runs such a crawl again.
type storeError struct{ err error }

func (e *storeError) Error() string { return e.err.Error() }
func (e *storeError) Unwrap() error { return e.err }

// inStore marks err (when not nil) as a store or queue failure.
func inStore(err error) error {
	if err == nil {
		return nil
	}
	return &storeError{err}
}

// SetTriage makes failed crawls reach the subscribers (issue #20).
func (c *Crawler) SetTriage(e *triage.Engine) { c.triage = e }

// enqueueUnscanned enqueues the crawl's tasks whose image has still no
// result under the task's database. The crawl checked each as it listed
// it, but a batch is enqueued later, and a task completed meanwhile (a
// resumed crawl runs while scanners work) would otherwise be queued again
// and its image scanned twice.
func (c *Crawler) enqueueUnscanned(ctx context.Context, tasks []queue.Task) (int, error) {
	// Each kept task is created at the moment of its check: if the
	// image's live task completes between the check and the insert (the
	// key's dedup then no longer stops the new one), the queue does not
	// add it (a task of its key was done after its CreatedAt); should a
	// completion still slip in (another controller's clock, a commit
	// during the insert), its result is stored after the new task's
	// creation, and the lease completes the new task instead of scanning
	// the image again.
	checked := time.Now()
	keep := tasks[:0:0]
	for _, t := range tasks {
		var p web.TaskPayload
		if err := json.Unmarshal(t.Payload, &p); err != nil {
			return 0, fmt.Errorf("task %s payload: %w", t.Key, err)
		}
		done, err := c.store.ScannedWith(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest}, p.DBDigest)
		if err != nil {
			return 0, err
		}
		if !done {
			if t.CreatedAt.IsZero() {
				t.CreatedAt = checked
			}
			keep = append(keep, t)
		}
	}
	return c.queue.EnqueueBatch(ctx, keep)
}

// Crawl crawls one registry now and enqueues a task per image not yet
// scanned with the current database; it returns how many it enqueued.
func (c *Crawler) Crawl(ctx context.Context, name string, prio queue.Priority) (int, error) {
	return c.crawl(ctx, name, prio, &crawlCounts{})
}

// crawlCounts is a running crawl's progress, read by its heartbeat.
type crawlCounts struct {
	images, enqueued, errors atomic.Int64
}

// reset starts the counts again, for a crawl run again from the start.
func (p *crawlCounts) reset() {
	p.images.Store(0)
	p.enqueued.Store(0)
	p.errors.Store(0)
}

func (p *crawlCounts) progress() store.CrawlProgress {
	return store.CrawlProgress{Images: int(p.images.Load()), Enqueued: int(p.enqueued.Load()), Errors: int(p.errors.Load())}
}

// crawl is Crawl, counting its progress in counts. Crawling is
// idempotent (the queue refuses a second live task of a key, and images
// scanned with the current database are skipped), so a crawl taken over
// from a dead runner simply runs again from the start.
func (c *Crawler) crawl(ctx context.Context, name string, prio queue.Priority, counts *crawlCounts) (int, error) {
	r, ok, err := c.store.GetRegistry(ctx, name)
	if err != nil {
		return 0, inStore(err)
	}
	if !ok {
		return 0, fmt.Errorf("registry %q: not found", name)
	}
	cr, err := c.access(ctx, r)
	if err != nil {
		return 0, err
	}
	opts := crawl.Options{Transport: c.transport}
	if c.lister != nil {
		if opts.Lister, err = c.lister(ctx, cr); err != nil {
			return 0, fmt.Errorf("registry %q: %w", r.Name, err)
		}
	}
	dbDigest := c.dbDigest()
	var (
		tasks []queue.Task
		seen  []store.Seen // for marking what is no longer there gone
	)
	added, batch := 0, c.batch
	start := time.Now()
	stats, err := crawl.Crawl(ctx, cr, opts, func(img crawl.Image) error {
		// Every tag seen, so admission control resolves each of them:
		// a task carries only the first tag of its digest.
		counts.images.Add(1)
		seen = append(seen, store.Seen{Repository: img.Repository, Tag: img.Tag, Digest: img.Digest})
		k := store.ImageKey{Registry: r.Name, Repository: img.Repository, Digest: img.Digest}
		if img.Tag != "" {
			if err := c.store.PutTag(ctx, k, img.Tag, time.Now()); err != nil {
				return inStore(err)
			}
		}
		for _, p := range platformTasks(r, img, dbDigest) {
			if p.Platform != "" {
				// The index's platforms are stored under their own
				// digests: seen, so a complete crawl keeps them.
				seen = append(seen, store.Seen{Repository: img.Repository, Digest: p.Digest})
			}
			done, err := c.store.ScannedWith(ctx, store.ImageKey{Registry: r.Name, Repository: img.Repository, Digest: p.Digest}, dbDigest)
			if err != nil {
				return inStore(err)
			}
			if done {
				continue
			}
			b, err := json.Marshal(p)
			if err != nil {
				return err
			}
			tasks = append(tasks, queue.Task{
				Key:      r.Name + "/" + img.Repository + "@" + p.Digest + "|" + dbDigest,
				Payload:  b,
				Priority: prio,
			})
		}
		if len(tasks) >= batch {
			// Enqueued as the crawl goes: scanners start at once, and a
			// crawl cut short keeps what it found.
			n, err := c.enqueueUnscanned(ctx, tasks)
			if err != nil {
				return inStore(fmt.Errorf("enqueueing: %w", err))
			}
			added += n
			counts.enqueued.Add(int64(n))
			tasks = tasks[:0]
		}
		return nil
	}, func(repo, tag string, err error) {
		// crawl redacts credentials from its errors.
		counts.errors.Add(1)
		c.log.Warn("crawl error", "registry", r.Name, "repository", repo, "tag", tag, "err", err)
	})
	if len(tasks) > 0 {
		n, qerr := c.enqueueUnscanned(ctx, tasks)
		if qerr != nil {
			err = errors.Join(err, inStore(fmt.Errorf("enqueueing: %w", qerr)))
		}
		added += n
		counts.enqueued.Add(int64(n))
	}
	if err == nil && stats.Errors == 0 && !stats.Truncated {
		if gerr := c.markGone(ctx, r, seen, start); gerr != nil {
			err = gerr
		}
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if serr := c.store.SetCrawled(context.WithoutCancel(ctx), r.Name, start, msg); serr != nil {
		err = errors.Join(err, inStore(serr))
	}
	if err != nil {
		// Not "crawled": the caller logs the error (and whether the
		// crawl runs again).
		c.log.Info("crawl of registry stopped", "registry", r.Name, "images", stats.Images, "errors", stats.Errors, "enqueued", added, "duration", time.Since(start))
		return added, err
	}
	c.log.Info("crawled registry", "registry", r.Name, "images", stats.Images, "errors", stats.Errors, "enqueued", added, "duration", time.Since(start))
	return added, nil
}

// platformTasks is what scanning img takes: one task per platform of an
// image index (those the registry's platforms setting selects, all by
// default; attestation manifests never), each pulling the platform's own
// manifest by digest and remembering the index and the platform; or one
// task for the image itself when it is a single-platform manifest or an
// index whose entries name no platform (the scanner then picks its
// default platform from it, as before).
func platformTasks(r store.Registry, img crawl.Image, dbDigest string) []web.TaskPayload {
	one := web.TaskPayload{Registry: r.Name, Repository: img.Repository, Tag: img.Tag, Digest: img.Digest, Reference: img.DigestReference(), DBDigest: dbDigest}
	if len(img.Manifests) == 0 {
		return []web.TaskPayload{one}
	}
	var out []web.TaskPayload
	for _, m := range crawl.SelectPlatforms(img.Manifests, r.Platforms) {
		p := one
		p.Digest, p.IndexDigest, p.Platform = m.Digest, img.Digest, m.Platform
		p.Reference = img.Host + "/" + img.Repository + "@" + m.Digest
		out = append(out, p)
	}
	return out
}

// markGone marks the stored images and tags of r that a complete crawl
// (no error, no cap reached) no longer found as gone, within what the
// crawl covered: the repositories its filters and explicit list select. A
// crawl that selects tags by pattern does not say which other tags still
// exist, so it marks nothing.
func (c *Crawler) markGone(ctx context.Context, r store.Registry, seen []store.Seen, at time.Time) error {
	var fs []crawl.Filter
	for _, f := range r.Filters {
		repo, tag, hasTag := strings.Cut(strings.TrimSpace(f), ":")
		if hasTag && tag != "*" {
			c.log.Info("crawl selects tags by pattern: nothing marked gone", "registry", r.Name, "filter", f)
			return nil
		}
		pf, err := crawl.ParseFilter(repo)
		if err != nil {
			return fmt.Errorf("registry %q: %w", r.Name, err)
		}
		fs = append(fs, pf)
	}
	listed := map[string]bool{}
	for _, e := range r.Repositories {
		repo, _, hasTag := strings.Cut(strings.TrimSpace(e), ":")
		if hasTag {
			c.log.Info("repository list selects tags by pattern: nothing marked gone", "registry", r.Name, "entry", e)
			return nil
		}
		if r.Kind == provider.DockerHub && !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
		listed[repo] = true
	}
	inScope := func(repo string) bool {
		if len(listed) > 0 && !listed[repo] {
			return false
		}
		if len(fs) == 0 {
			return true
		}
		for _, f := range fs {
			if f.MatchRepository(repo) {
				return true
			}
		}
		return false
	}
	n, err := c.store.MarkGone(ctx, r.Name, seen, inScope, at)
	if err != nil {
		return inStore(err)
	}
	if n != (store.GoneCounts{}) {
		c.log.Info("images no longer in the registry marked gone", "registry", r.Name, "tags_gone", n.TagsGone, "images_gone", n.ImagesGone,
			"tags_back", n.TagsBack, "images_back", n.ImagesBack)
	}
	return nil
}

// Notify handles a registry notification envelope: every tagged manifest
// push that passes the registry's filters and was not yet scanned with the
// current database is enqueued with queue.PriorityOnPush, ahead of
// periodic crawl tasks.
//
// A task for the same image and database that is already queued (say from
// a periodic crawl) is left as it is: the queue dedups on the key.
func (c *Crawler) Notify(ctx context.Context, registry string, body []byte) (api.NotifyResponse, error) {
	var res api.NotifyResponse
	r, ok, err := c.store.GetRegistry(ctx, registry)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, web.Errorf(http.StatusNotFound, "registry %q not found", registry)
	}
	events, err := crawl.ParseNotification(body)
	if err != nil {
		return res, web.Errorf(http.StatusBadRequest, "%v", err)
	}
	return c.enqueuePushes(ctx, r, events)
}

// Webhook handles a push webhook in the format of the registry's kind
// (crawl.ParseWebhook), authenticated with the registry's own webhook
// secret (crawl.VerifyWebhook). Pushes that name a tag but no digest
// (Docker Hub, Quay) are resolved by a crawl of exactly those tags.
func (c *Crawler) Webhook(ctx context.Context, registry string, req *http.Request, body []byte) (api.NotifyResponse, error) {
	r, ok, err := c.store.GetRegistry(ctx, registry)
	if err != nil {
		return api.NotifyResponse{}, err
	}
	if !ok {
		// Answered like a wrong secret: the caller is not authenticated,
		// and must not learn which registries exist.
		return api.NotifyResponse{}, web.Errorf(http.StatusUnauthorized, "registry %q webhook: %v", registry, crawl.ErrWebhookSecret)
	}
	secret, err := c.webhookSecret(r)
	if err != nil {
		return api.NotifyResponse{}, err
	}
	if err := crawl.VerifyWebhook(r.Kind, req, secret); err != nil {
		c.log.Warn("push webhook refused", "registry", registry, "kind", r.Kind, "err", err)
		return api.NotifyResponse{}, web.Errorf(http.StatusUnauthorized, "registry %q webhook: %v", registry, err)
	}
	events, err := crawl.ParseWebhook(r.Kind, body)
	if err != nil {
		return api.NotifyResponse{}, web.Errorf(http.StatusBadRequest, "registry %q webhook: %v", registry, err)
	}
	var byTag []string
	resolved := events[:0:0]
	for _, e := range events {
		if e.Digest == "" {
			byTag = append(byTag, e.Repository+":"+e.Tag)
			continue
		}
		resolved = append(resolved, e)
	}
	if len(byTag) > 0 {
		cr, err := c.access(ctx, r)
		if err != nil {
			return api.NotifyResponse{}, err
		}
		cr.Repositories, cr.MaxRepositories, cr.MaxTags = byTag, 0, 0
		if _, err := crawl.Crawl(ctx, cr, crawl.Options{Transport: c.transport}, func(img crawl.Image) error {
			resolved = append(resolved, crawl.PushEvent{Repository: img.Repository, Tag: img.Tag, Digest: img.Digest})
			return nil
		}, func(repo, tag string, err error) {
			c.log.Warn("pushed tag not resolved", "registry", registry, "repository", repo, "tag", tag, "err", err)
		}); err != nil {
			return api.NotifyResponse{}, fmt.Errorf("registry %q: resolving pushed tags: %w", registry, err)
		}
	}
	res, err := c.enqueuePushes(ctx, r, resolved)
	res.Pushes = len(events)
	return res, err
}

// enqueuePushes enqueues the pushed images that pass r's filters and
// were not yet scanned with the current database.
func (c *Crawler) enqueuePushes(ctx context.Context, r store.Registry, events []crawl.PushEvent) (api.NotifyResponse, error) {
	registry := r.Name
	var res api.NotifyResponse
	res.Pushes = len(events)
	filters := r.Filters
	if len(filters) == 0 {
		filters = []string{"**"}
	}
	fs := make([]crawl.Filter, 0, len(filters))
	for _, s := range filters {
		f, err := crawl.ParseFilter(s)
		if err != nil {
			return res, fmt.Errorf("registry %q: %w", registry, err)
		}
		fs = append(fs, f)
	}
	host, err := web.RegistryHost(r.URL)
	if err != nil {
		return res, fmt.Errorf("registry %q: %w", registry, err)
	}
	dbDigest := c.dbDigest()
	var (
		tasks []queue.Task
		cr    *crawl.Registry // opened on the first push that needs it
	)
	for _, e := range events {
		matched := false
		for _, f := range fs {
			if f.Match(e.Repository, e.Tag) {
				matched = true
				break
			}
		}
		if !matched {
			res.Filtered++
			continue
		}
		pushed, err := c.pushTasks(ctx, r, host, e, dbDigest, &cr)
		if err != nil {
			return res, err
		}
		tasks = append(tasks, pushed...)
	}
	if len(tasks) > 0 {
		if res.Enqueued, err = c.queue.EnqueueBatch(ctx, tasks); err != nil {
			return res, fmt.Errorf("enqueueing pushed images: %w", err)
		}
	}
	c.log.Info("registry notification", "registry", registry, "pushes", res.Pushes, "filtered", res.Filtered, "enqueued", res.Enqueued)
	return res, nil
}

// pushTasks is the tasks of one pushed (or running) image not yet
// scanned with dbDigest. A digest that may be an image index (its media
// type says so, or no media type came with it) is read from the registry
// first, so an index is scanned per platform as a crawl scans it; if that
// read fails the image is queued as one task (the scanner picks its
// default platform from an index), which is what a push did before.
func (c *Crawler) pushTasks(ctx context.Context, r store.Registry, host string, e crawl.PushEvent, dbDigest string, cr **crawl.Registry) ([]queue.Task, error) {
	img := crawl.Image{Registry: r.Name, Host: host, Repository: e.Repository, Tag: e.Tag, Digest: e.Digest}
	// Already scanned with this database, as one image or as the
	// platforms of an index: nothing to read from the registry (the
	// running-images loop asks every minute, and a manifest GET is what
	// Docker Hub counts as a pull).
	if done, err := c.store.ScannedWith(ctx, store.ImageKey{Registry: r.Name, Repository: e.Repository, Digest: e.Digest}, dbDigest); err != nil || done {
		return nil, err
	}
	if rows, err := c.store.ListImages(ctx, store.ImageFilter{Registry: r.Name, Repository: e.Repository, Index: e.Digest}); err != nil {
		return nil, err
	} else if len(rows) > 0 && !slices.ContainsFunc(rows, func(im store.ImageSummary) bool { return im.DBDigest != dbDigest }) {
		return nil, nil
	}
	if mt := types.MediaType(e.MediaType); mt == "" || mt.IsIndex() {
		if *cr == nil {
			acc, err := c.access(ctx, r)
			if err != nil {
				return nil, err
			}
			*cr = &acc
		}
		got, err := crawl.Resolve(ctx, **cr, crawl.Options{Transport: c.transport}, e.Repository, e.Digest)
		switch {
		case err != nil:
			c.log.Warn("pushed image not read; queued as one image", "registry", r.Name, "repository", e.Repository, "digest", e.Digest, "err", err)
		case got.Digest == e.Digest:
			img.Manifests = got.Manifests
		}
	}
	var out []queue.Task
	for _, p := range platformTasks(r, img, dbDigest) {
		done, err := c.store.ScannedWith(ctx, store.ImageKey{Registry: r.Name, Repository: e.Repository, Digest: p.Digest}, dbDigest)
		if err != nil {
			return nil, err
		}
		if done {
			continue
		}
		b, err := json.Marshal(p)
		if err != nil {
			return nil, err
		}
		out = append(out, queue.Task{Key: r.Name + "/" + e.Repository + "@" + p.Digest + "|" + dbDigest, Payload: b, Priority: queue.PriorityOnPush})
	}
	return out, nil
}

// EnqueueRunning queues a scan, at on-push priority, of every running
// image (issue #20: Pods the controller watches) of a configured
// registry that has no result under the current database, through the
// registry's filters as a push would be. Containers whose digest is not
// known (no kubelet reported it) are left to the registry's crawls.
func (c *Crawler) EnqueueRunning(ctx context.Context, cs []store.RunningContainer) (int, error) {
	names, err := web.RegistryNames(ctx, c.store)
	if err != nil {
		return 0, err
	}
	byRegistry := map[string][]crawl.PushEvent{}
	seen := map[[3]string]bool{}
	for _, rc := range cs {
		name, ok := names[rc.Registry]
		key := [3]string{rc.Registry, rc.Repository, rc.Digest}
		if !ok || rc.Digest == "" || rc.Repository == "" || seen[key] {
			continue
		}
		seen[key] = true
		byRegistry[name] = append(byRegistry[name], crawl.PushEvent{Repository: rc.Repository, Tag: rc.Tag, Digest: rc.Digest})
	}
	total := 0
	for name, events := range byRegistry {
		r, ok, err := c.store.GetRegistry(ctx, name)
		if err != nil || !ok {
			return total, err
		}
		res, err := c.enqueuePushes(ctx, r, events)
		total += res.Enqueued
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// WebhookRoutes registers POST /api/v1/registries/{name}/webhook, the
// registry's own push webhook, on mux directly: it is authenticated by
// the registry's webhook secret rather than a bearer token (a vendor's
// webhook cannot hold a Scanfleet token); the body is bounded as every
// route's is.
func (c *Crawler) WebhookRoutes(mux *http.ServeMux) {
	mux.Handle("POST /api/v1/registries/{name}/webhook", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = http.MaxBytesReader(w, r.Body, web.MaxSmallBody)
		err := c.webhook(w, r)
		if err == nil {
			return
		}
		web.Fail(w, c.log, err, "push webhook", "registry", r.PathValue("name"))
	}))
}

// webhook serves one push webhook call.
func (c *Crawler) webhook(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	res, err := c.Webhook(r.Context(), r.PathValue("name"), r, body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, res)
	return nil
}

// notify is POST /api/v1/registries/{name}/notify. The registry's
// notification endpoint sends a static Authorization header, so it is
// configured with an admin or scanner bearer token.
func (c *Crawler) notify(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	res, err := c.Notify(r.Context(), r.PathValue("name"), body)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, res)
	return nil
}
