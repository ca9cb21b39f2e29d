package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/controller/consoleview"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

func (c *Controller) routes() (http.Handler, error) {
	mux := http.NewServeMux()
	h := func(pattern string, a access, limit int64, fn web.Handler) {
		mux.Handle(pattern, c.auth(a, limit, fn))
	}
	h("GET /api/v1/registries", readAccess, 0, c.listRegistries)
	h("POST /api/v1/registries", adminAccess, maxSmallBody, c.createRegistry)
	h("GET /api/v1/registries/{name}", readAccess, 0, c.getRegistry)
	h("PUT /api/v1/registries/{name}", adminAccess, maxSmallBody, c.createRegistry)
	h("DELETE /api/v1/registries/{name}", adminAccess, 0, c.deleteRegistry)
	h("POST /api/v1/registries/{name}/scan", adminAccess, maxSmallBody, c.scanRegistry)
	h("POST /api/v1/registries/{name}/notify", scannerAccess, maxSmallBody, c.notify)

	h("POST /api/v1/scanners", scannerAccess, maxSmallBody, c.registerScanner)
	h("GET /api/v1/scanners", readAccess, 0, c.listScanners)
	h("POST /api/v1/scanners/{id}/lease", scannerAccess, maxSmallBody, c.lease)
	h("POST /api/v1/scanners/{id}/heartbeat", scannerAccess, maxSmallBody, c.heartbeat)
	h("POST /api/v1/scanners/{id}/release", scannerAccess, maxSmallBody, c.release)
	h("POST /api/v1/tasks/{id}/result", scannerAccess, maxResultBody, c.result)
	h("POST /api/v1/tasks/{id}/fail", scannerAccess, maxSmallBody, c.fail)

	h("GET /api/v1/layers/{key...}", scannerAccess, 0, c.getLayer)
	h("PUT /api/v1/layers/{key...}", scannerAccess, maxLayerBody, c.putLayer)
	h("DELETE /api/v1/layers/{key...}", scannerAccess, 0, c.unclaimLayer)

	h("GET /api/v1/images", readAccess, 0, c.listImages)
	h("GET /api/v1/images/{digest}", readAccess, 0, c.getImage)
	h("GET /api/v1/images/{digest}/changes", readAccess, 0, c.imageChangesHandler)
	h("GET /api/v1/queue", readAccess, 0, c.queueCounts)
	h("GET /api/v1/tasks", readAccess, 0, c.listTasks)
	h("GET /api/v1/autoscaler", readAccess, 0, c.getAutoscaler)
	h("PUT /api/v1/autoscaler", adminAccess, maxSmallBody, c.putAutoscaler)

	// Feature areas register their own routes, each in its own file.
	c.submit.Routes(h)                        // package submit: standalone and host results
	c.admission.Routes(mux, h, c.metrics.reg) // package admissionhook: the webhook and its rules
	// The web console's assets and views (package consoleview).
	if err := c.console.Routes(mux, h); err != nil {
		return nil, err
	}
	h("GET /api/v1/whoami", readAccess, 0, c.whoami)
	c.leaderRoutes(h) // leader.go: which controller leads the fleet

	mux.Handle("GET /metrics", c.metrics.handler())
	mux.HandleFunc("GET /api/v1/openapi.json", serveOpenAPI)
	return mux, nil
}

// whoami answers the caller's role, and whether this controller serves
// admission reviews, so the console offers only what means something.
func (c *Controller) whoami(w http.ResponseWriter, r *http.Request) error {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	role, _, err := c.store.TokenRole(r.Context(), hashToken(tok))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, WhoAmI{Role: role, AdmissionWebhook: c.cfg.Reviews != nil})
	return nil
}

func (c *Controller) auth(a access, limit int64, fn web.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || tok == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scanfleet"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "missing bearer token"})
			return
		}
		role, found, err := c.store.TokenRole(r.Context(), hashToken(tok))
		if err != nil {
			c.log.Error("token lookup", "err", err)
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
			return
		}
		if !found {
			w.Header().Set("WWW-Authenticate", `Bearer realm="scanfleet", error="invalid_token"`)
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid token"})
			return
		}
		allowed := role == RoleAdmin || a == readAccess ||
			(a == scannerAccess && role == RoleScanner) ||
			(a == submitAccess && (role == RoleScanner || role == RoleSubmitter))
		if !allowed {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": fmt.Sprintf("role %s may not do this", role)})
			return
		}
		// Every route bounds its body: a declared length over the limit is
		// refused before anything is read, and a chunked body is cut off
		// at it. A route that takes no body (limit 0) accepts only a small
		// one, which is read and dropped here, so no handler can be made
		// to hold a connection open on a stream it never reads.
		noBody, bodyMax := limit <= 0, limit
		if noBody {
			bodyMax = maxNoBody
		}
		if r.ContentLength > bodyMax {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", bodyMax)})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, bodyMax)
		if noBody {
			if _, err := io.Copy(io.Discard, r.Body); err != nil {
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", bodyMax)})
				return
			}
		}
		if err := fn(w, r); err != nil {
			var he *web.Error
			var mbe *http.MaxBytesError
			switch {
			case errors.As(err, &he):
				writeJSON(w, he.Code, map[string]string{"error": he.Msg})
			case errors.As(err, &mbe):
				writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", mbe.Limit)})
			default:
				c.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
				writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
			}
		}
	})
}

func (c *Controller) listRegistries(w http.ResponseWriter, r *http.Request) error {
	regs, err := c.store.ListRegistries(r.Context())
	if err != nil {
		return err
	}
	out := []RegistryView{}
	for _, rr := range regs {
		out = append(out, web.ViewOf(rr))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (c *Controller) createRegistry(w http.ResponseWriter, r *http.Request) error {
	var in RegistryInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if name := r.PathValue("name"); name != "" {
		if in.Name != "" && in.Name != name {
			return errorf(http.StatusBadRequest, "name %q in body differs from %q in path", in.Name, name)
		}
		in.Name = name
	}
	if err := validateRegistry(in); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if err := c.PutRegistry(r.Context(), in); err != nil {
		return err
	}
	rr, _, err := c.store.GetRegistry(r.Context(), in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, web.ViewOf(rr))
	return nil
}

func (c *Controller) getRegistry(w http.ResponseWriter, r *http.Request) error {
	rr, ok, err := c.store.GetRegistry(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return errorf(http.StatusNotFound, "registry %q not found", r.PathValue("name"))
	}
	writeJSON(w, http.StatusOK, web.ViewOf(rr))
	return nil
}

func (c *Controller) deleteRegistry(w http.ResponseWriter, r *http.Request) error {
	ok, err := c.store.DeleteRegistry(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return errorf(http.StatusNotFound, "registry %q not found", r.PathValue("name"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Controller) scanRegistry(w http.ResponseWriter, r *http.Request) error {
	name := r.PathValue("name")
	if _, ok, err := c.store.GetRegistry(r.Context(), name); err != nil {
		return err
	} else if !ok {
		return errorf(http.StatusNotFound, "registry %q not found", name)
	}
	// Recorded before the answer: a controller that dies now still owes
	// the crawl, and runs it when it is back.
	started, err := c.RequestCrawl(r.Context(), name, queue.PriorityManual, "manual")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"registry": name, "started": started})
	return nil
}

func (c *Controller) registerScanner(w http.ResponseWriter, r *http.Request) error {
	var in RegisterRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := validateRegister(in); err != nil {
		return err
	}
	if in.Concurrency == 0 {
		in.Concurrency = 1
	}
	now := time.Now()
	sc := Scanner{ID: randomHex(8), Name: in.Name, Concurrency: in.Concurrency, DBDigest: in.DBDigest, Version: in.Version,
		State: ScannerActive, RegisteredAt: now, LastSeen: now}
	if err := c.store.AddScanner(r.Context(), sc); err != nil {
		return err
	}
	c.log.Info("scanner registered", "scanner", sc.ID, "name", sc.Name, "concurrency", sc.Concurrency, "db_digest", sc.DBDigest)
	// A scanner registering under the name of an active one is that
	// scanner restarted (same pod, same --name): its predecessor is dead,
	// so its tasks go back now rather than after ScannerTimeout.
	if err := c.replacePredecessors(context.WithoutCancel(r.Context()), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, RegisterResponse{
		ID:               sc.ID,
		LeaseSeconds:     c.cfg.LeaseDuration.Seconds(),
		HeartbeatSeconds: min(c.cfg.LeaseDuration, c.cfg.ScannerTimeout).Seconds() / 4,
	})
	return nil
}

// Registration bounds: a name is shown in listings and logs, and
// concurrency sizes leases.
const (
	maxScannerName        = 253 // a DNS name, as pod names are
	maxScannerConcurrency = 256
)

func validateRegister(in RegisterRequest) error {
	switch {
	case len(in.Name) > maxScannerName:
		return errorf(http.StatusBadRequest, "scanner name is %d bytes, over the %d limit", len(in.Name), maxScannerName)
	case !utf8.ValidString(in.Name) || strings.ContainsFunc(in.Name, unicode.IsControl):
		return errorf(http.StatusBadRequest, "scanner name %q: want printable UTF-8", in.Name)
	case in.Concurrency < 0 || in.Concurrency > maxScannerConcurrency:
		return errorf(http.StatusBadRequest, "scanner concurrency %d: want 1 to %d", in.Concurrency, maxScannerConcurrency)
	case len(in.DBDigest) > 256 || len(in.Version) > 256:
		return errorf(http.StatusBadRequest, "scanner db_digest or version over 256 bytes")
	}
	return nil
}

// replacePredecessors declares gone the other active scanners named like
// sc and hands their tasks and layer claims back at once. An unnamed
// scanner replaces nobody.
func (c *Controller) replacePredecessors(ctx context.Context, sc Scanner) error {
	if sc.Name == "" {
		return nil
	}
	olds, err := c.store.ListScanners(ctx, store.ScannerFilter{State: ScannerActive, Name: sc.Name})
	if err != nil {
		return err
	}
	for _, old := range olds {
		if old.ID == sc.ID {
			continue
		}
		if err := c.store.SetScannerState(ctx, old.ID, ScannerGone); err != nil {
			return err
		}
		if _, err := c.store.DropLayerClaims(ctx, old.ID); err != nil {
			return err
		}
		n, err := c.queue.ReleaseWorker(ctx, old.ID)
		if err != nil {
			return fmt.Errorf("releasing the tasks of scanner %s, replaced by %s: %w", old.ID, sc.ID, err)
		}
		c.log.Warn("scanner replaced by a new instance of the same name; its tasks returned to the queue",
			"scanner", old.ID, "name", old.Name, "replaced_by", sc.ID, "tasks", n)
	}
	return nil
}

func (c *Controller) listScanners(w http.ResponseWriter, r *http.Request) error {
	scs, err := c.store.ListScanners(r.Context(), store.ScannerFilter{})
	if err != nil {
		return err
	}
	if scs == nil {
		scs = []Scanner{}
	}
	for i := range scs {
		scs[i].CurrentTasks, scs[i].CurrentImages = []string{}, []string{}
		if scs[i].State != ScannerActive {
			continue
		}
		ts, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{queue.StateLeased}, Worker: scs[i].ID})
		if err != nil {
			return err
		}
		for _, t := range ts {
			var p web.TaskPayload
			_ = json.Unmarshal(t.Payload, &p) // a corrupt payload shows as ""
			scs[i].CurrentTasks = append(scs[i].CurrentTasks, t.ID)
			scs[i].CurrentImages = append(scs[i].CurrentImages, p.Reference)
		}
	}
	writeJSON(w, http.StatusOK, scs)
	return nil
}

// alive records a scanner's sign of life, or says it is unknown.
func (c *Controller) alive(ctx context.Context, id string) error {
	ok, err := c.store.TouchScanner(ctx, id, time.Now())
	if err != nil {
		return err
	}
	if !ok {
		return errorf(http.StatusNotFound, "scanner %q not registered", id)
	}
	return nil
}

func (c *Controller) lease(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in LeaseRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := c.alive(r.Context(), id); err != nil {
		return err
	}
	in.Max = min(max(in.Max, 1), 64)
	tasks, err := c.queue.Lease(r.Context(), id, in.Max, c.cfg.LeaseDuration)
	if err != nil {
		return err
	}
	out := LeaseResponse{Tasks: []LeasedTask{}}
	regs := map[string]store.Registry{}
	for _, t := range tasks {
		var p web.TaskPayload
		if err := json.Unmarshal(t.Payload, &p); err != nil {
			_ = c.queue.Fail(r.Context(), id, t.ID, "corrupt task payload: "+err.Error())
			continue
		}
		// A task whose image got a result since it was queued is done
		// already: its holder was declared dead (replaced, timed out)
		// while its result post was being stored, so the post could not
		// complete it. Scanning it again would store a second result.
		if done, err := c.resultStoredSince(r.Context(), p, "", t.CreatedAt); err != nil {
			return err
		} else if done {
			if err := c.queue.Complete(r.Context(), id, t.ID); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
				return err
			}
			c.log.Info("task's image has a result stored since it was queued; completed without scanning it again", "task", t.ID, "image", p.Reference)
			continue
		}
		lt := LeasedTask{ID: t.ID, Reference: p.Reference, Registry: p.Registry, Repository: p.Repository, Tag: p.Tag, Digest: p.Digest, Attempt: t.Attempts}
		rr, seen := regs[p.Registry]
		if !seen {
			var ok bool
			if rr, ok, err = c.store.GetRegistry(r.Context(), p.Registry); err != nil {
				return err
			} else if !ok {
				// The registry was deleted after the crawl: nothing to scan.
				_ = c.queue.Complete(r.Context(), id, t.ID)
				continue
			}
			regs[p.Registry] = rr
		}
		if lt.Password, lt.Token, err = c.credentials(rr); err != nil {
			return err
		}
		lt.Username = rr.Username
		lt.Insecure = rr.Insecure || strings.HasPrefix(rr.URL, "http://")
		out.Tasks = append(out.Tasks, lt)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (c *Controller) heartbeat(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in TaskIDs
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := c.alive(r.Context(), id); err != nil {
		return err
	}
	// Analysing a big layer may take longer than a claim's lifetime.
	if _, err := c.store.RenewLayerClaims(r.Context(), id, time.Now().Add(c.cfg.ScannerTimeout)); err != nil {
		return err
	}
	out := HeartbeatResponse{Lost: []string{}}
	if len(in.TaskIDs) > 0 {
		err := c.queue.Heartbeat(r.Context(), id, in.TaskIDs, c.cfg.LeaseDuration)
		var lle *queue.LeaseLostError
		switch {
		case errors.As(err, &lle):
			out.Lost = lle.IDs
		case err != nil:
			return err
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (c *Controller) release(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var in TaskIDs
	if err := decode(r, &in); err != nil {
		return err
	}
	// Hand back every task the scanner holds, not only those it names: a
	// lease answer lost to its shutdown would otherwise hold tasks until
	// their leases expire.
	held, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{queue.StateLeased}, Worker: id})
	if err != nil {
		return err
	}
	for _, t := range held {
		if !slices.Contains(in.TaskIDs, t.ID) {
			in.TaskIDs = append(in.TaskIDs, t.ID)
		}
	}
	if len(in.TaskIDs) > 0 {
		if err := c.queue.Release(r.Context(), id, in.TaskIDs); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
			return err
		}
	}
	if err := c.store.SetScannerState(r.Context(), id, ScannerStopped); err != nil {
		return err
	}
	if _, err := c.store.DropLayerClaims(r.Context(), id); err != nil {
		return err
	}
	c.log.Info("scanner stopped", "scanner", id, "released", len(in.TaskIDs))
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Controller) result(w http.ResponseWriter, r *http.Request) error {
	taskID := r.PathValue("id")
	var in ResultRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	var rep report.Report
	if err := json.Unmarshal(in.Report, &rep); err != nil {
		return errorf(http.StatusBadRequest, "report: %v", err)
	}
	// The body is in hand: from here on the work runs to its end even if
	// the scanner hangs up (killed mid-post), so a task is never left done
	// without its result. Bounded, so a wedged database cannot pin the
	// handler forever.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), resultStoreTimeout)
	defer cancel()
	t, err := c.queue.Get(ctx, taskID)
	if errors.Is(err, queue.ErrNotFound) {
		return errorf(http.StatusNotFound, "task %q not found", taskID)
	} else if err != nil {
		return err
	}
	var p web.TaskPayload
	if err := json.Unmarshal(t.Payload, &p); err != nil {
		return fmt.Errorf("task %s payload: %w", taskID, err)
	}
	// Only the holder's result counts, so a scanner presumed dead cannot
	// record a second scan of the image. A done task posted again by its
	// last holder is a retry (the scanner did not see the answer, or a
	// controller died between storing and completing): acknowledged, and
	// stored only if it is not already.
	if (t.State != queue.StateLeased && t.State != queue.StateDone) || t.LeasedBy != in.Scanner {
		return errorf(http.StatusConflict, "task %s is not leased by scanner %q", taskID, in.Scanner)
	}
	// Store first, then complete: a crash between the two leaves the task
	// leased with its result stored, and the retry (or the lease check
	// once the task returns) completes it; the reverse order could lose
	// the result. A task's result is stored once, on every replica:
	// PutResult is idempotent per task id, so a repeated post (a retry, a
	// second holder that got the task while its first holder's post was
	// being stored, or a post racing on another controller) is
	// acknowledged, not stored again and not counted as a second scan.
	dbDigest := p.DBDigest
	if rep.DB != nil && rep.DB.Digest != "" {
		dbDigest = rep.DB.Digest
	}
	im := ImageSummary{Registry: p.Registry, Repository: p.Repository, Tag: p.Tag, Digest: p.Digest, Reference: p.Reference,
		DBDigest: dbDigest, ScannedAt: time.Now().UTC(), ScannedBy: in.Scanner}
	fresh, err := c.store.PutResult(ctx, store.Result{TaskID: taskID, Image: im, Report: &rep, Raw: in.Report})
	if err != nil {
		return err
	}
	if fresh {
		c.metrics.scanDone("success", in.DurationSeconds)
		c.log.Info("scan stored", "task", taskID, "scanner", in.Scanner, "image", p.Reference, "packages", len(rep.Packages), "vulnerabilities", len(rep.Vulnerabilities))
	} else {
		c.log.Info("result already stored for this task; not stored or counted again", "task", taskID, "scanner", in.Scanner, "image", p.Reference)
	}
	if t.State == queue.StateLeased {
		// Idempotent in effect: a lease lost meanwhile (reaped, retaken)
		// leaves a valid result stored, and the new holder's post only
		// refreshes it.
		if err := c.queue.Complete(ctx, in.Scanner, taskID); err != nil && !errors.Is(err, queue.ErrLeaseLost) {
			return err
		}
	}
	_ = c.alive(ctx, in.Scanner)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// resultStoreTimeout bounds storing a posted result once its request is
// read.
const resultStoreTimeout = 2 * time.Minute

// resultStoredSince reports whether the image of task payload p has a
// result from scanner (any scanner when scanner is "") stored at or after
// since.
func (c *Controller) resultStoredSince(ctx context.Context, p web.TaskPayload, scanner string, since time.Time) (bool, error) {
	return c.store.ResultStoredSince(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest}, scanner, since)
}

func (c *Controller) fail(w http.ResponseWriter, r *http.Request) error {
	taskID := r.PathValue("id")
	var in FailRequest
	if err := decode(r, &in); err != nil {
		return err
	}
	fail := c.queue.Fail
	if in.Permanent {
		fail = c.queue.FailPermanently
	}
	if err := fail(r.Context(), in.Scanner, taskID, in.Error); err != nil {
		switch {
		case errors.Is(err, queue.ErrLeaseLost):
			return errorf(http.StatusConflict, "task %s is not leased by scanner %q", taskID, in.Scanner)
		case errors.Is(err, queue.ErrNotFound):
			return errorf(http.StatusNotFound, "task %q not found", taskID)
		}
		return err
	}
	_ = c.alive(r.Context(), in.Scanner)
	if err := c.store.CountScan(r.Context(), in.Scanner, false); err != nil {
		return err
	}
	c.metrics.scanDone("failure", 0)
	c.log.Warn("scan failed", "task", taskID, "scanner", in.Scanner, "permanent", in.Permanent, "err", in.Error)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// getLayer answers a layer lookup. With ?claim=ID a miss also claims the
// layer for the caller, and a caller asking while another claim is live
// gets 202 and should ask again shortly: this keeps scanners that start on
// images sharing a base layer at the same moment from all downloading it.
// Claims are rows in the shared store with an expiry, so scanners talking
// to different controllers share them too, and a dead holder's claim
// lapses on its own.
func (c *Controller) getLayer(w http.ResponseWriter, r *http.Request) error {
	key := r.PathValue("key")
	if err := checkLayerKey(key); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	raw, ok, err := c.store.GetLayer(r.Context(), key)
	if err != nil {
		return err
	}
	if ok {
		// A stored entry that does not decode (corrupted, or written by
		// an older controller without checks) is a miss: the layer is
		// analysed again and the entry replaced, never served as an
		// empty layer.
		if _, derr := decodeLayer(raw); derr != nil {
			c.log.Warn("unreadable layer analysis in the store; treated as a miss", "key", key, "err", derr)
			ok = false
		}
	}
	if ok {
		c.metrics.layerLookup(true)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(raw)
		return nil
	}
	if holder := r.URL.Query().Get("claim"); holder != "" {
		got, err := c.claimLayer(r.Context(), key, holder)
		if err != nil {
			return err
		}
		if !got {
			writeJSON(w, http.StatusAccepted, map[string]string{"status": "being analysed by another scanner"})
			return nil
		}
	}
	c.metrics.layerLookup(false)
	return errorf(http.StatusNotFound, "layer not known")
}

// claimLayer gives key to holder ("<scanner id>/<random>") unless another
// holder's claim is live.
func (c *Controller) claimLayer(ctx context.Context, key, holder string) (bool, error) {
	scanner, _, _ := strings.Cut(holder, "/")
	now := time.Now()
	got, _, err := c.store.ClaimLayer(ctx, key, scanner, holder, now, now.Add(c.cfg.ScannerTimeout))
	if errors.Is(err, store.ErrInvalid) {
		return false, errorf(http.StatusBadRequest, "%v", err)
	}
	return got, err
}

// unclaimLayer gives up a claim (?claim=ID) without storing an analysis,
// as a scanner does when its scan failed or was cancelled.
func (c *Controller) unclaimLayer(w http.ResponseWriter, r *http.Request) error {
	key, holder := r.PathValue("key"), r.URL.Query().Get("claim")
	if holder != "" {
		if _, err := c.store.ReleaseLayerClaim(r.Context(), key, holder); err != nil && !errors.Is(err, store.ErrInvalid) {
			return err
		}
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Controller) putLayer(w http.ResponseWriter, r *http.Request) error {
	key, holder := r.PathValue("key"), r.URL.Query().Get("claim")
	if err := checkLayerKey(key); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	if holder == "" {
		return errorf(http.StatusConflict, "layer %s: not claimed by %q (analyses are taken only from the scanner that claimed the layer on a miss)", key, holder)
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	a, err := decodeLayer(raw)
	if err != nil {
		return errorf(http.StatusBadRequest, "layer %s: %v", key, err)
	}
	// Stored re-encoded, so the store holds exactly the checked shape;
	// only for the live holder of the claim, checked in the shared store
	// in the same statement, so any replica judges the claim alike.
	if raw, err = json.Marshal(a); err != nil {
		return err
	}
	ctx := context.WithoutCancel(r.Context())
	if err := c.store.PutClaimedLayer(ctx, key, holder, raw, time.Now()); err != nil {
		if errors.Is(err, store.ErrNotHolder) || errors.Is(err, store.ErrInvalid) {
			return errorf(http.StatusConflict, "layer %s: not claimed by %q (analyses are taken only from the scanner that claimed the layer on a miss)", key, holder)
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Controller) listImages(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	if err := consoleview.CheckCoverageFilter(q.Get("coverage")); err != nil {
		return err
	}
	f := ImageFilter{Registry: q.Get("registry"), Repository: q.Get("repository"), Severity: q.Get("severity"), CVE: q.Get("cve")}
	if d := q.Get("digest"); d != "" {
		full, err := c.console.ResolveDigest(r.Context(), d)
		if web.StatusOf(err) == http.StatusNotFound {
			writeJSON(w, http.StatusOK, []ImageSummary{})
			return nil
		}
		if err != nil {
			return err
		}
		f.Digest = full
	}
	ims, err := c.store.ListImages(r.Context(), f)
	if err != nil {
		return err
	}
	// Coverage and tags (imagelist.go): a count of zero findings is only
	// clean when the database covered the image.
	if ims, err = c.console.Annotate(r.Context(), ims, q.Get("coverage")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ims)
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
		return errorf(http.StatusNotFound, "image %q not scanned", r.PathValue("digest"))
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(raw)
	return nil
}

func (c *Controller) queueCounts(w http.ResponseWriter, r *http.Request) error {
	counts, err := c.queue.Counts(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, QueueCounts(counts))
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
		return errorf(http.StatusBadRequest, "unknown state %q", state)
	}
	limit := 100
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return errorf(http.StatusBadRequest, "bad limit %q", s)
		}
		limit = min(n, 1000)
	}
	ts, err := c.queue.List(r.Context(), queue.ListFilter{States: []queue.State{state}, Limit: limit})
	if err != nil {
		return err
	}
	out := make([]TaskView, 0, len(ts))
	for _, t := range ts {
		var p web.TaskPayload
		_ = json.Unmarshal(t.Payload, &p) // a corrupt payload shows empty fields
		v := TaskView{ID: t.ID, Key: t.Key, State: t.State, Priority: int(t.Priority), Attempts: t.Attempts, LeasedBy: t.LeasedBy,
			LastError: t.LastError, UpdatedAt: t.UpdatedAt, Reference: p.Reference, Registry: p.Registry, Repository: p.Repository}
		if !t.NotBefore.IsZero() {
			nb := t.NotBefore
			v.NotBefore = &nb
		}
		out = append(out, v)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
