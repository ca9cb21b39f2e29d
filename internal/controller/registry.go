package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/queue"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func (r RegistryInput) validate() error {
	if !validName.MatchString(r.Name) {
		return fmt.Errorf("registry name %q: want letters, digits, '.', '_', '-' (at most 63)", r.Name)
	}
	// Only scheme, host and port: a path ("/../..") would be joined to
	// every API path, and credentials or a query have their own fields.
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawPath != "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("registry %q: url %q must be http(s)://host[:port], nothing more", r.Name, r.URL)
	}
	for _, f := range r.Filters {
		if _, err := crawl.ParseFilter(f); err != nil {
			return fmt.Errorf("registry %q: %w", r.Name, err)
		}
	}
	if r.MaxRepositories < 0 || r.MaxTags < 0 {
		return fmt.Errorf("registry %q: negative limit", r.Name)
	}
	return nil
}

// PutRegistry creates or replaces a registry, sealing its secrets.
func (c *Controller) PutRegistry(ctx context.Context, in RegistryInput) error {
	if err := in.validate(); err != nil {
		return err
	}
	pw, err := c.sealer.seal(in.Password)
	if err != nil {
		return err
	}
	tok, err := c.sealer.seal(in.Token)
	if err != nil {
		return err
	}
	if err := c.store.putRegistry(ctx, registryRow{Registry: in.Registry, passwordEnc: pw, tokenEnc: tok}); err != nil {
		return err
	}
	c.log.Info("registry configured", "registry", in.Name, "url", in.URL, "password_set", in.Password != "", "token_set", in.Token != "")
	return nil
}

func viewOf(r registryRow) RegistryView {
	v := RegistryView{Registry: r.Registry, PasswordSet: len(r.passwordEnc) > 0, TokenSet: len(r.tokenEnc) > 0, LastError: r.lastError}
	if !r.lastCrawl.IsZero() {
		t := r.lastCrawl
		v.LastCrawl = &t
	}
	return v
}

// credentials returns a registry's decrypted secrets.
func (c *Controller) credentials(r registryRow) (password, token string, err error) {
	if password, err = c.sealer.open(r.passwordEnc); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	if token, err = c.sealer.open(r.tokenEnc); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	return password, token, nil
}

// taskPayload is the queue payload of a scan task.
type taskPayload struct {
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	Digest     string `json:"digest"`
	Reference  string `json:"reference"` // by digest
	DBDigest   string `json:"db_digest"`
}

// RequestCrawl records a crawl request in the state database, so that it
// survives a controller restart, and starts the crawl in the background
// unless one of the registry is running (which then serves the request,
// or starts another crawl for it when it ends). reason is for the logs
// ("manual", "scheduled", ...). It reports whether a crawl started now.
func (c *Controller) RequestCrawl(ctx context.Context, name string, prio queue.Priority, reason string) (bool, error) {
	if err := c.store.requestCrawl(ctx, name, prio, reason, time.Now()); err != nil {
		return false, err
	}
	return c.StartCrawl(name, prio), nil
}

// resumeCrawls starts the crawls of requests still pending: those a
// previous controller process accepted and did not finish.
func (c *Controller) resumeCrawls(ctx context.Context) {
	reqs, err := c.store.pendingCrawls(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			c.log.Warn("resuming crawls", "err", err)
		}
		return
	}
	for _, r := range reqs {
		if c.StartCrawl(r.Registry, r.Priority) && r.Starts > 0 {
			c.log.Info("crawl resumed after an interruption", "registry", r.Registry, "reason", r.Reason, "requested_at", r.RequestedAt, "earlier_starts", r.Starts)
		}
	}
}

// StartCrawl crawls the registry in the background unless a crawl of it
// is already running, and reports whether it started one. A pending
// request (RequestCrawl) is retired when its crawl ends, unless the
// controller is shutting down, in which case the next start resumes it.
func (c *Controller) StartCrawl(name string, prio queue.Priority) bool {
	c.mu.Lock()
	if c.crawling[name] || c.bg.Err() != nil {
		c.mu.Unlock()
		return false
	}
	c.crawling[name] = true
	c.wg.Add(1)
	c.mu.Unlock()
	go func() {
		defer c.wg.Done()
		defer func() {
			c.mu.Lock()
			delete(c.crawling, name)
			c.mu.Unlock()
		}()
		for {
			req, pending, err := c.store.crawlStarted(c.bg, name, time.Now())
			if err != nil {
				c.log.Warn("crawl not started", "registry", name, "err", err)
				return
			}
			if pending {
				prio = req.Priority
			}
			if _, err := c.Crawl(c.bg, name, prio); err != nil {
				c.log.Warn("crawl failed", "registry", name, "err", err)
			}
			if !pending || c.bg.Err() != nil {
				return
			}
			if err := c.store.finishCrawl(c.bg, name, req.RequestedAt); err != nil {
				c.log.Warn("crawl finished", "registry", name, "err", err)
				return
			}
			// A request that came in during the crawl gets a crawl of
			// its own: the one that ended may have passed its images.
			if more, err := c.store.pendingCrawls(c.bg, name); err != nil || len(more) == 0 {
				return
			}
		}
	}()
	return true
}

// enqueueUnscanned enqueues the crawl's tasks whose image has still no
// result under the task's database. The crawl checked each as it listed
// it, but a batch is enqueued later, and a task completed meanwhile (a
// resumed crawl runs while scanners work) would otherwise be queued again
// and its image scanned twice.
func (c *Controller) enqueueUnscanned(ctx context.Context, tasks []queue.Task) (int, error) {
	keep := tasks[:0:0]
	for _, t := range tasks {
		var p taskPayload
		if err := json.Unmarshal(t.Payload, &p); err != nil {
			return 0, fmt.Errorf("task %s payload: %w", t.Key, err)
		}
		done, err := c.store.scannedWith(ctx, p.Registry, p.Repository, p.Digest, p.DBDigest)
		if err != nil {
			return 0, err
		}
		if !done {
			keep = append(keep, t)
		}
	}
	return c.queue.EnqueueBatch(ctx, keep)
}

// Crawl crawls one registry now and enqueues a task per image not yet
// scanned with the current database; it returns how many it enqueued.
func (c *Controller) Crawl(ctx context.Context, name string, prio queue.Priority) (int, error) {
	r, ok, err := c.store.getRegistry(ctx, name)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, fmt.Errorf("registry %q: not found", name)
	}
	pw, tok, err := c.credentials(r)
	if err != nil {
		return 0, err
	}
	dbDigest := c.dbDigest()
	var tasks []queue.Task
	added, batch := 0, c.cfg.CrawlBatch
	start := time.Now()
	stats, err := crawl.Crawl(ctx, crawl.Registry{
		Name: r.Name, URL: r.URL, Username: r.Username, Password: pw, Token: tok,
		Insecure: r.Insecure, CACertFile: r.CACertFile, Filters: r.Filters,
		MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags,
	}, crawl.Options{Transport: c.cfg.CrawlTransport}, func(img crawl.Image) error {
		// Every tag seen, so admission control resolves each of them:
		// a task carries only the first tag of its digest.
		if img.Tag != "" {
			if err := c.store.putTag(ctx, r.Name, img.Repository, img.Tag, img.Digest, time.Now()); err != nil {
				return err
			}
		}
		done, err := c.store.scannedWith(ctx, r.Name, img.Repository, img.Digest, dbDigest)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		p := taskPayload{Registry: r.Name, Repository: img.Repository, Tag: img.Tag, Digest: img.Digest, Reference: img.DigestReference(), DBDigest: dbDigest}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		tasks = append(tasks, queue.Task{
			Key:      r.Name + "/" + img.Repository + "@" + img.Digest + "|" + dbDigest,
			Payload:  b,
			Priority: prio,
		})
		if len(tasks) >= batch {
			// Enqueued as the crawl goes: scanners start at once, and a
			// crawl cut short keeps what it found.
			n, err := c.enqueueUnscanned(ctx, tasks)
			if err != nil {
				return fmt.Errorf("enqueueing: %w", err)
			}
			added += n
			tasks = tasks[:0]
		}
		return nil
	}, func(repo, tag string, err error) {
		// crawl redacts credentials from its errors.
		c.log.Warn("crawl error", "registry", r.Name, "repository", repo, "tag", tag, "err", err)
	})
	if len(tasks) > 0 {
		n, qerr := c.enqueueUnscanned(ctx, tasks)
		if qerr != nil {
			err = errors.Join(err, fmt.Errorf("enqueueing: %w", qerr))
		}
		added += n
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if serr := c.store.setCrawled(context.WithoutCancel(ctx), r.Name, start, msg); serr != nil {
		err = errors.Join(err, serr)
	}
	c.log.Info("crawled registry", "registry", r.Name, "images", stats.Images, "errors", stats.Errors, "enqueued", added, "duration", time.Since(start))
	return added, err
}
