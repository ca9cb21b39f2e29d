package controller

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Notify handles a registry notification envelope: every tagged manifest
// push that passes the registry's filters and was not yet scanned with the
// current database is enqueued with queue.PriorityOnPush, ahead of
// periodic crawl tasks.
//
// A task for the same image and database that is already queued (say from
// a periodic crawl) is left as it is: the queue dedups on the key.
func (c *Controller) Notify(ctx context.Context, registry string, body []byte) (NotifyResponse, error) {
	var res NotifyResponse
	r, ok, err := c.store.GetRegistry(ctx, registry)
	if err != nil {
		return res, err
	}
	if !ok {
		return res, errorf(http.StatusNotFound, "registry %q not found", registry)
	}
	events, err := crawl.ParseNotification(body)
	if err != nil {
		return res, errorf(http.StatusBadRequest, "%v", err)
	}
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
	var tasks []queue.Task
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
		done, err := c.store.ScannedWith(ctx, store.ImageKey{Registry: r.Name, Repository: e.Repository, Digest: e.Digest}, dbDigest)
		if err != nil {
			return res, err
		}
		if done {
			continue
		}
		t, err := web.ScanTask(r.Name, host, e.Repository, e.Tag, e.Digest, dbDigest, queue.PriorityOnPush)
		if err != nil {
			return res, err
		}
		tasks = append(tasks, t)
	}
	if len(tasks) > 0 {
		if res.Enqueued, err = c.queue.EnqueueBatch(ctx, tasks); err != nil {
			return res, fmt.Errorf("enqueueing pushed images: %w", err)
		}
	}
	c.log.Info("registry notification", "registry", registry, "pushes", res.Pushes, "filtered", res.Filtered, "enqueued", res.Enqueued)
	return res, nil
}

// notify is POST /api/v1/registries/{name}/notify. The registry's
// notification endpoint sends a static Authorization header, so it is
// configured with an admin or scanner bearer token.
func (c *Controller) notify(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	res, err := c.Notify(r.Context(), r.PathValue("name"), body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, res)
	return nil
}
