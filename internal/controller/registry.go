package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sync/atomic"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func validateRegistry(r RegistryInput) error {
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
	if err := validateRegistry(in); err != nil {
		return err
	}
	pw, err := c.keys.Seal(in.Password)
	if err != nil {
		return err
	}
	tok, err := c.keys.Seal(in.Token)
	if err != nil {
		return err
	}
	if err := c.store.PutRegistry(ctx, rowOf(in.Registry, pw, tok)); err != nil {
		return err
	}
	c.log.Info("registry configured", "registry", in.Name, "url", in.URL, "password_set", in.Password != "", "token_set", in.Token != "")
	return nil
}

// rowOf is a registry's settings as stored, with sealed credentials.
func rowOf(r Registry, pw, tok []byte) store.Registry {
	return store.Registry{Name: r.Name, URL: r.URL, Username: r.Username, Insecure: r.Insecure, CACertFile: r.CACertFile,
		Filters: r.Filters, MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags, Interval: time.Duration(r.Interval),
		RescanAfterDBUpdate: r.RescanAfterDBUpdate, PasswordSealed: pw, TokenSealed: tok}
}

// credentials returns a registry's decrypted secrets.
func (c *Controller) credentials(r store.Registry) (password, token string, err error) {
	if password, err = c.keys.Open(r.PasswordSealed); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	if token, err = c.keys.Open(r.TokenSealed); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	return password, token, nil
}

// enqueueUnscanned enqueues the crawl's tasks whose image has still no
// result under the task's database. The crawl checked each as it listed
// it, but a batch is enqueued later, and a task completed meanwhile (a
// resumed crawl runs while scanners work) would otherwise be queued again
// and its image scanned twice.
func (c *Controller) enqueueUnscanned(ctx context.Context, tasks []queue.Task) (int, error) {
	// Each kept task is created at the moment of its check: if the
	// image's live task completes between the check and the insert (the
	// key's dedup then no longer stops the new one), its result is stored
	// after the new task's creation, and the lease completes the new task
	// instead of scanning the image again.
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
func (c *Controller) Crawl(ctx context.Context, name string, prio queue.Priority) (int, error) {
	return c.crawl(ctx, name, prio, &crawlCounts{})
}

// crawlCounts is a running crawl's progress, read by its heartbeat.
type crawlCounts struct {
	images, enqueued, errors atomic.Int64
}

func (p *crawlCounts) progress() store.CrawlProgress {
	return store.CrawlProgress{Images: int(p.images.Load()), Enqueued: int(p.enqueued.Load()), Errors: int(p.errors.Load())}
}

// crawl is Crawl, counting its progress in counts. Crawling is
// idempotent (the queue refuses a second live task of a key, and images
// scanned with the current database are skipped), so a crawl taken over
// from a dead runner simply runs again from the start.
func (c *Controller) crawl(ctx context.Context, name string, prio queue.Priority, counts *crawlCounts) (int, error) {
	r, ok, err := c.store.GetRegistry(ctx, name)
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
		counts.images.Add(1)
		k := store.ImageKey{Registry: r.Name, Repository: img.Repository, Digest: img.Digest}
		if img.Tag != "" {
			if err := c.store.PutTag(ctx, k, img.Tag, time.Now()); err != nil {
				return err
			}
		}
		done, err := c.store.ScannedWith(ctx, k, dbDigest)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
		p := web.TaskPayload{Registry: r.Name, Repository: img.Repository, Tag: img.Tag, Digest: img.Digest, Reference: img.DigestReference(), DBDigest: dbDigest}
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
			err = errors.Join(err, fmt.Errorf("enqueueing: %w", qerr))
		}
		added += n
		counts.enqueued.Add(int64(n))
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	if serr := c.store.SetCrawled(context.WithoutCancel(ctx), r.Name, start, msg); serr != nil {
		err = errors.Join(err, serr)
	}
	c.log.Info("crawled registry", "registry", r.Name, "images", stats.Images, "errors", stats.Errors, "enqueued", added, "duration", time.Since(start))
	return added, err
}
