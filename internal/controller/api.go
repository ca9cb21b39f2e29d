package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/consoleview"
	"github.com/scanfleet/scanfleet/internal/controller/triageapi"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

func (c *Controller) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	h := func(pattern string, a web.Access, limit int64, fn web.Handler) {
		mux.Handle(pattern, c.auth(a, limit, fn))
	}
	h("GET /api/v1/registries", web.ReadAccess, 0, c.listRegistries)
	h("POST /api/v1/registries", web.AdminAccess, web.MaxSmallBody, c.createRegistry)
	h("GET /api/v1/registries/{name}", web.ReadAccess, 0, c.getRegistry)
	h("PUT /api/v1/registries/{name}", web.AdminAccess, web.MaxSmallBody, c.createRegistry)
	h("DELETE /api/v1/registries/{name}", web.AdminAccess, 0, c.deleteRegistry)
	h("POST /api/v1/registries/{name}/scan", web.AdminAccess, web.MaxSmallBody, c.scanRegistry)

	h("GET /api/v1/images", web.ReadAccess, 0, c.listImages)
	h("GET /api/v1/images/{digest}", web.ReadAccess, 0, c.getImage)
	h("GET /api/v1/images/{digest}/platforms", web.ReadAccess, 0, c.getImagePlatforms)
	h("GET /api/v1/queue", web.ReadAccess, 0, c.queueCounts)
	h("GET /api/v1/tasks", web.ReadAccess, 0, c.listTasks)

	// Feature areas register their own routes, each in its own file.
	c.autoscaler.Routes(h)                    // package autoscaling: the auto-scaler
	c.crawler.Routes(h)                       // package crawler: push notifications
	c.crawler.WebhookRoutes(mux)              // package crawler: vendors' push webhooks (per-registry secret)
	c.rematch.Routes(h)                       // package rematch: what a database update changed
	c.protocol.Routes(h)                      // package protocol: scanners and the layer store
	c.submit.Routes(h)                        // package submit: standalone and host results
	c.admission.Routes(mux, h, c.metrics.reg) // package admissionhook: the webhook and its rules
	// The web console's assets and views (package consoleview).
	if err := c.console.Routes(mux, h); err != nil {
		return nil, err
	}
	// package triageapi: exceptions, VEX, audit log, subscriptions,
	// running workloads (issue #20)
	(&triageapi.API{Engine: c.triage, Sealer: c.keys, Actor: c.actor, Log: c.log}).Routes(h)
	(&triageapi.Workloads{Store: c.store}).Routes(h)
	h("GET /api/v1/whoami", web.ReadAccess, 0, c.whoami)
	h("GET /api/v1/tokens", web.ReadAccess, 0, c.listTokens)
	h("POST /api/v1/tokens", web.AdminAccess, web.MaxSmallBody, c.createToken)
	h("POST /api/v1/tokens/{name}/revoke", web.AdminAccess, 0, c.revokeToken)
	c.leadership.Routes(h) // package leadership: which controller leads the fleet

	mux.Handle("GET /metrics", c.metrics.handler())
	mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	return mux, nil
}

func (c *Controller) auth(a web.Access, limit int64, fn web.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scanfleet"`)
			web.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing bearer token"})
			return
		}
		t, refused, err := c.authenticate(r.Context(), tok, time.Now())
		if err != nil {
			web.Fail(w, c.log, err, "token lookup", "method", r.Method, "path", r.URL.Path)
			return
		}
		if refused != "" {
			w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="scanfleet", error="invalid_token", error_description=%q`, refused))
			web.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": refused})
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), tokenKey{}, t))
		role := t.Role
		allowed := role == store.RoleAdmin || a == web.ReadAccess ||
			(a == web.ScannerAccess && role == store.RoleScanner) ||
			(a == web.SubmitAccess && (role == store.RoleScanner || role == store.RoleSubmitter))
		if !allowed {
			web.WriteJSON(w, http.StatusForbidden, map[string]string{"error": fmt.Sprintf("role %s may not do this: %s %s needs a token of role %s", role, r.Method, r.URL.Path, a.Roles())})
			return
		}
		// Every route bounds its body: a declared length over the limit is
		// refused before anything is read, and a chunked body is cut off
		// at it. A route that takes no body (limit 0) accepts only a small
		// one, which is read and dropped here, so no handler can be made
		// to hold a connection open on a stream it never reads.
		noBody, bodyMax := limit <= 0, limit
		if noBody {
			bodyMax = web.MaxNoBody
		}
		if r.ContentLength > bodyMax {
			web.WriteJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", bodyMax)})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, bodyMax)
		if noBody {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				web.WriteJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", bodyMax)})
				return
			}
		}
		if err := fn(w, r); err != nil {
			web.Fail(w, c.log, err, "request failed", "method", r.Method, "path", r.URL.Path)
		}
	})
}

func (c *Controller) listRegistries(w http.ResponseWriter, r *http.Request) error {
	regs, err := c.store.ListRegistries(r.Context())
	if err != nil {
		return err
	}
	out := []api.RegistryView{}
	for _, rr := range regs {
		out = append(out, c.view(r.Context(), rr))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (c *Controller) createRegistry(w http.ResponseWriter, r *http.Request) error {
	var in api.RegistryInput
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if name := r.PathValue("name"); name != "" {
		if in.Name != "" && in.Name != name {
			return web.Errorf(http.StatusBadRequest, "name %q in body differs from %q in path", in.Name, name)
		}
		in.Name = name
	}
	if err := validateRegistry(in); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	if err := c.PutRegistry(r.Context(), in); err != nil {
		return err
	}
	rr, _, err := c.store.GetRegistry(r.Context(), in.Name)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, web.ViewOf(rr))
	return nil
}

func (c *Controller) getRegistry(w http.ResponseWriter, r *http.Request) error {
	rr, ok, err := c.store.GetRegistry(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "registry %q not found", r.PathValue("name"))
	}
	web.WriteJSON(w, http.StatusOK, c.view(r.Context(), rr))
	return nil
}

// view is a registry as the API shows it, with a pause in force.
func (c *Controller) view(ctx context.Context, rr store.Registry) api.RegistryView {
	v := web.ViewOf(rr)
	if until, err := c.politeness.PausedUntil(ctx, rr.Name); err == nil && until.After(time.Now()) {
		v.PausedUntil = &until
	}
	return v
}

func (c *Controller) deleteRegistry(w http.ResponseWriter, r *http.Request) error {
	ok, err := c.store.DeleteRegistry(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "registry %q not found", r.PathValue("name"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Controller) scanRegistry(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if _, ok, err := c.store.GetRegistry(r.Context(), name); err != nil {
		return err
	} else if !ok {
		return web.Errorf(http.StatusNotFound, "registry %q not found", name)
	}
	// Recorded before the answer: a controller that dies now still owes
	// the crawl, and runs it when it is back.
	started, err := c.RequestCrawl(r.Context(), name, queue.PriorityManual, "manual")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, map[string]any{"registry": name, "started": started})
	return nil
}

func (c *Controller) listImages(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := consoleview.CheckCoverageFilter(q.Get("coverage")); err != nil {
		return err
	}
	f := store.ImageFilter{Registry: q.Get("registry"), Repository: q.Get("repository"), Severity: q.Get("severity"), CVE: q.Get("cve")}
	// Images a crawl found no longer in their registry are kept for
	// history and listed only when asked for.
	switch g := q.Get("include_gone"); g {
	case "", "false":
	case "true":
		f.IncludeGone = true
	default:
		return web.Errorf(http.StatusBadRequest, "include_gone=%q: want true or false", g)
	}
	// A misspelt severity would match nothing and look like a clean fleet.
	if s := q.Get("severity"); s != "" {
		sev, ok := report.LookupSeverity(s)
		if !ok {
			return web.Errorf(http.StatusBadRequest, "severity=%q: want one of %s", s, report.SeverityNames())
		}
		f.Severity = string(sev)
	}
	if d := q.Get("digest"); d != "" {
		full, err := c.console.ResolveDigest(r.Context(), d)
		if web.StatusOf(err) == http.StatusNotFound {
			web.WriteJSON(w, http.StatusOK, []api.ImageSummary{})
			return nil
		}
		if err != nil {
			return err
		}
		f.Digest = full
	}
	var err error
	if f.Limit, f.After, err = imagePage(q); err != nil {
		return err
	}
	ims, err := c.store.ListImages(r.Context(), f)
	if err != nil {
		return err
	}
	if f.Limit > 0 && len(ims) == f.Limit {
		// From the store's last row: the coverage filter below may
		// shorten (even empty) a page that is not the last.
		setNextPage(w, r, ims[len(ims)-1])
	}
	// Coverage and tags (imagelist.go): a count of zero findings is only
	// clean when the database covered the image.
	if ims, err = c.console.Annotate(r.Context(), ims, q.Get("coverage")); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(ims, apiconv.ImageSummary))
	return nil
}

func (c *Controller) getImage(w http.ResponseWriter, r *http.Request) error {
	// A unique prefix, as `scanfleet images` prints digests, names it too.
	digest, err := c.console.ResolveDigest(r.Context(), r.PathValue("digest"))
	if err != nil {
		return err
	}
	raw, ok, err := c.store.ImageReport(r.Context(), digest)
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "image %q not scanned", r.PathValue("digest"))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw) // #nosec G705 -- a stored JSON document served as application/json, never HTML
	return nil
}

func (c *Controller) queueCounts(w http.ResponseWriter, r *http.Request) error {
	counts, err := c.queue.Counts(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, api.QueueCounts(counts))
	return nil
}

// listTasks lists tasks, by default the failed ones (so an operator sees
// why), with ?state= and ?limit= (default 100, at most 1000).
func (c *Controller) listTasks(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := queue.State(q.Get("state"))
	if state == "" {
		state = queue.StateFailed
	}
	if !slices.Contains(queue.States, state) {
		return web.Errorf(http.StatusBadRequest, "unknown state %q", state)
	}
	limit := 100
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return web.Errorf(http.StatusBadRequest, "bad limit %q", s)
		}
		limit = min(n, 1000)
	}
	ts, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{state}, Limit: limit})
	if err != nil {
		return err
	}
	out := make([]api.TaskView, 0, len(ts))
	for _, t := range ts {
		var p web.TaskPayload
		_ = json.Unmarshal(t.Payload, &p) // a corrupt payload shows empty fields
		v := api.TaskView{ID: t.ID, Key: t.Key, State: t.State, Priority: int(t.Priority), Attempts: t.Attempts, LeasedBy: t.LeasedBy,
			LastError: t.LastError, UpdatedAt: t.UpdatedAt, Reference: p.Reference, Registry: p.Registry, Repository: p.Repository}
		if !t.NotBefore.IsZero() {
			nb := t.NotBefore
			v.NotBefore = &nb
		}
		out = append(out, v)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
