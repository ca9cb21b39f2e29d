// Package triageapi serves the routes of issue #20: fleet exceptions,
// OpenVEX import and export, the audit log, notification subscriptions
// (with test sends and the delivery log) and running workloads. The
// engine that applies exceptions and publishes events is package triage.
package triageapi

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
	"github.com/scanfleet/scanfleet/internal/vex"
)

// Sealer seals a subscription's secret (keyring.Keyring is one).
type Sealer interface {
	Seal(plain string) ([]byte, error)
}

// API serves the exceptions, VEX, audit and subscription routes.
type API struct {
	Engine *triage.Engine
	Sealer Sealer
	// Actor names the caller of an authenticated request (the token's
	// name, or its role and fingerprint), recorded as author and in the
	// audit log.
	Actor func(r *http.Request) (string, error)
	// Reevaluate bounds the re-evaluation a change waits for before
	// answering (default 20s); the rest is left to Reconcile.
	Reevaluate time.Duration
	// Log records failures that can no longer be answered (a VEX export
	// cut off mid-stream); nil: slog's default logger.
	Log *slog.Logger
	// vexPage overrides vexPage (tests walk several pages).
	vexPage int
}

// Routes registers the routes through h.
func (a *API) Routes(h web.Route) {
	h("GET /api/v1/exceptions", web.ReadAccess, 0, a.listExceptions)
	h("POST /api/v1/exceptions", web.AdminAccess, web.MaxSmallBody, a.createException)
	h("GET /api/v1/exceptions/{id}", web.ReadAccess, 0, a.getException)
	h("PUT /api/v1/exceptions/{id}", web.AdminAccess, web.MaxSmallBody, a.putException)
	h("DELETE /api/v1/exceptions/{id}", web.AdminAccess, 0, a.deleteException)
	h("POST /api/v1/exceptions/{id}/expire", web.AdminAccess, 0, a.expireException)
	h("POST /api/v1/vex", web.AdminAccess, vex.MaxSize, a.importVEX)
	h("GET /api/v1/vex", web.ReadAccess, 0, a.exportVEX)
	// The audit log is for admins, as Harbor's is: it names every token
	// and what each changed, which tells a reader who can do what.
	h("GET /api/v1/audit", web.AdminAccess, 0, a.auditLog)
	// Subscriptions are admin-only, reads included: a webhook URL (a
	// Slack one above all) is itself a credential.
	h("GET /api/v1/subscriptions", web.AdminAccess, 0, a.listSubscriptions)
	h("POST /api/v1/subscriptions", web.AdminAccess, web.MaxSmallBody, a.createSubscription)
	h("GET /api/v1/subscriptions/{id}", web.AdminAccess, 0, a.getSubscription)
	h("PUT /api/v1/subscriptions/{id}", web.AdminAccess, web.MaxSmallBody, a.putSubscription)
	h("DELETE /api/v1/subscriptions/{id}", web.AdminAccess, 0, a.deleteSubscription)
	h("POST /api/v1/subscriptions/{id}/test", web.AdminAccess, 0, a.testSubscription)
	h("GET /api/v1/subscriptions/{id}/deliveries", web.AdminAccess, 0, a.deliveries)
}

func (a *API) store() triage.Store { return a.Engine.Store }

func (a *API) view(x exception.Exception) api.ExceptionView {
	return api.ExceptionView{Exception: x, Expired: !x.ActiveAt(a.Engine.Clock())}
}

func (a *API) listExceptions(w http.ResponseWriter, r *http.Request) error {
	var want *bool
	if s := r.URL.Query().Get("expired"); s != "" {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return web.Errorf(http.StatusBadRequest, "expired=%q: want true or false", s)
		}
		want = &b
	}
	list, err := a.store().ListExceptions(r.Context())
	if err != nil {
		return err
	}
	out := []api.ExceptionView{}
	for _, x := range list {
		v := a.view(x)
		if want == nil || v.Expired == *want {
			out = append(out, v)
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getException(w http.ResponseWriter, r *http.Request) error {
	x, ok, err := a.store().GetException(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "exception %q not found", r.PathValue("id"))
	}
	web.WriteJSON(w, http.StatusOK, a.view(x))
	return nil
}

// fromRequest builds the exception a request asks for, authored by actor.
func (a *API) fromRequest(in api.ExceptionRequest, actor string, created time.Time) (exception.Exception, error) {
	x := exception.Exception{ID: in.ID, Vulnerability: in.Vulnerability, Registries: in.Registries, Repositories: in.Repositories,
		Images: in.Images, Tags: in.Tags, Digests: in.Digests, Packages: in.Packages, Namespaces: in.Namespaces,
		Reason: in.Reason, Author: actor, Created: created, Expires: in.Expires}
	switch {
	case in.Days < 0 || in.Days > 3650:
		return x, web.Errorf(http.StatusBadRequest, "days %d: want 1 to 3650", in.Days)
	case in.Days > 0 && in.Expires != nil:
		return x, web.Errorf(http.StatusBadRequest, "give expires or days, not both")
	case in.Days > 0:
		exp := a.Engine.Clock().Add(time.Duration(in.Days) * 24 * time.Hour)
		x.Expires = &exp
	}
	if x.Expires != nil && !x.Expires.After(a.Engine.Clock()) {
		return x, web.Errorf(http.StatusBadRequest, "expires %s is in the past", x.Expires.Format(time.RFC3339))
	}
	if err := x.Validate(); err != nil {
		return x, web.Errorf(http.StatusBadRequest, "%v", err)
	}
	return x, nil
}

func (a *API) createException(w http.ResponseWriter, r *http.Request) error {
	var in api.ExceptionRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if in.ID == "" {
		in.ID = exception.NewID()
	}
	return a.saveException(w, r, in, true)
}

func (a *API) putException(w http.ResponseWriter, r *http.Request) error {
	var in api.ExceptionRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	id, err := pathID(r, in.ID)
	if err != nil {
		return err
	}
	in.ID = id
	return a.saveException(w, r, in, false)
}

// pathID is the {id} of a PUT's path, which an id in the body, when
// given, must equal.
func pathID(r *http.Request, bodyID string) (string, error) {
	id := r.PathValue("id")
	if bodyID != "" && bodyID != id {
		return "", web.Errorf(http.StatusBadRequest, "id %q in the body differs from %q in the path", bodyID, id)
	}
	return id, nil
}

func (a *API) saveException(w http.ResponseWriter, r *http.Request, in api.ExceptionRequest, mustBeNew bool) error {
	ctx := r.Context()
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	old, existed, err := a.store().GetException(ctx, in.ID)
	if err != nil {
		return err
	}
	if existed && mustBeNew {
		return web.Errorf(http.StatusConflict, "exception %q exists (PUT replaces it)", in.ID)
	}
	now := a.Engine.Clock()
	x, err := a.fromRequest(in, actor, now)
	if err != nil {
		return err
	}
	if existed {
		keepCreated(&x, old, now)
	}
	created, err := a.store().PutException(ctx, x, actor, now)
	if err != nil {
		if errors.Is(err, exception.ErrInvalid) || errors.Is(err, store.ErrInvalid) {
			return web.Errorf(http.StatusBadRequest, "%v", err)
		}
		return err
	}
	var prev *exception.Exception
	if existed {
		prev = &old
	}
	out := api.ExceptionChange{Exception: a.view(x)}
	out.Reevaluated, out.ReevaluateError = a.reevaluate(ctx, func(ctx context.Context) (int, error) {
		return a.Engine.Changed(ctx, x.ID, prev, &x)
	})
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	web.WriteJSON(w, code, out)
	return nil
}

// keepCreated makes x a replacement of old: an edit does not move the
// exception's creation time (the console and CLI show it as when the
// exception was made), it records when it was changed.
func keepCreated(x *exception.Exception, old exception.Exception, now time.Time) {
	x.Created = old.Created
	at := now
	x.Updated = &at
}

// reevaluate runs fn for at most the configured bound, detached from the
// request so that a client hanging up does not cut it short.
func (a *API) reevaluate(ctx context.Context, fn func(context.Context) (int, error)) (int, string) {
	bound := a.Reevaluate
	if bound <= 0 {
		bound = 20 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bound)
	defer cancel()
	n, err := fn(ctx)
	if err != nil {
		a.Engine.Logger().Warn("re-evaluating results after an exception change (reconciliation will finish it)", "err", err)
		return n, err.Error()
	}
	return n, ""
}

func (a *API) deleteException(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	old, ok, err := a.store().GetException(ctx, id)
	if err != nil {
		return err
	}
	if ok {
		ok, err = a.store().DeleteException(ctx, id, actor, a.Engine.Clock())
		if err != nil {
			return err
		}
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "exception %q not found", id)
	}
	out := api.ExceptionChange{Exception: a.view(old)}
	out.Reevaluated, out.ReevaluateError = a.reevaluate(ctx, func(ctx context.Context) (int, error) {
		return a.Engine.Changed(ctx, id, &old, nil)
	})
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// expireException ends an exception now: the API refuses an expiry in
// the past on create and replace (a typo there would silently do
// nothing), so ending one early is this explicit action, logged as
// "expire". Unlike a delete, the exception stays, listed as expired,
// and the reports it suppressed name it as expired.
func (a *API) expireException(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	old, ok, err := a.store().GetException(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "exception %q not found", id)
	}
	x, ok, changed, err := a.store().ExpireException(ctx, id, actor, a.Engine.Clock())
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "exception %q not found", id)
	}
	out := api.ExceptionChange{Exception: a.view(x), AlreadyExpired: !changed}
	if changed {
		out.Reevaluated, out.ReevaluateError = a.reevaluate(ctx, func(ctx context.Context) (int, error) {
			return a.Engine.Changed(ctx, id, &old, &x)
		})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) importVEX(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	set, err := vex.Parse("request", body)
	if err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	now := a.Engine.Clock()
	excs, skipped, err := exception.FromVEX(set, actor, now)
	if err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	out := api.VEXImport{Exceptions: []api.Exception{}, Skipped: skipped}
	if out.Skipped == nil {
		out.Skipped = []api.SkippedStatement{}
	}
	var errs []error
	for i := range excs {
		x := &excs[i]
		old, existed, err := a.store().GetException(ctx, x.ID)
		if err != nil {
			return fmt.Errorf("importing %s: %w", x.ID, err)
		}
		if existed {
			keepCreated(x, old, now)
		}
		if _, err := a.store().PutException(ctx, *x, actor, now); err != nil {
			return fmt.Errorf("importing %s: %w", x.ID, err)
		}
		out.Exceptions = append(out.Exceptions, *x)
	}
	out.Reevaluated, out.ReevaluateError = a.reevaluate(ctx, func(ctx context.Context) (int, error) {
		total := 0
		for i := range excs {
			n, err := a.Engine.Changed(ctx, excs[i].ID, nil, &excs[i])
			total += n
			if err != nil {
				errs = append(errs, err)
			}
		}
		return total, errors.Join(errs...)
	})
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// exportVEX writes what the exceptions suppress in every stored result,
// streamed: one stored report is read and decoded at a time and its
// statements written before the next is read, so memory does not grow
// with the number of images. A failure before the first statement is an
// error answer; after it the response is cut off (the client sees a
// truncated body, never a document that passes for complete) and the
// failure logged.
func (a *API) exportVEX(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	list, err := a.store().ListExceptions(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, 0, len(list))
	for _, x := range list {
		ids = append(ids, x.ID)
	}
	now := a.Engine.Clock()
	out := &lazyHeader{w: w}
	doc, err := exception.NewVEXWriter(out, "urn:scanfleet:exceptions:"+strconv.FormatInt(now.Unix(), 10), "scanfleet", now)
	if err != nil {
		return err
	}
	fail := func(err error) error {
		if !out.wrote {
			return err
		}
		log := a.Log
		if log == nil {
			log = slog.Default()
		}
		log.ErrorContext(ctx, "VEX export cut off", "statements", doc.Statements(), "err", err)
		panic(http.ErrAbortHandler)
	}
	// The images a page at a time, so that not even their keys pile up.
	page := cmp.Or(a.vexPage, vexPage)
	for after := (store.ImageKey{}); ; {
		keys, err := a.store().ImagesWithExceptionAfter(ctx, after, page, ids...)
		if err != nil {
			return fail(err)
		}
		for _, k := range keys {
			raw, ok, err := a.store().Report(ctx, k)
			if err != nil {
				return fail(err)
			}
			if !ok {
				continue // deleted meanwhile
			}
			rep, err := exception.VEXReport(raw)
			if err != nil {
				return fail(fmt.Errorf("report of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err))
			}
			if err := doc.Add(rep); err != nil {
				return fail(err)
			}
		}
		if len(keys) < page {
			break
		}
		after = keys[len(keys)-1]
	}
	if err := doc.Close(); err != nil {
		return fail(err)
	}
	return nil
}

// vexPage is how many excepted images the VEX export asks the store for
// at a time (API.vexPage, when set, in tests).
const vexPage = 200

// lazyHeader answers 200 with a JSON body at the first write, so that a
// handler failing before it writes can still answer an error.
type lazyHeader struct {
	w     http.ResponseWriter
	wrote bool
}

func (l *lazyHeader) Write(b []byte) (int, error) {
	if !l.wrote {
		l.wrote = true
		l.w.Header().Set("Content-Type", "application/json")
		l.w.WriteHeader(http.StatusOK)
	}
	return l.w.Write(b)
}

func (a *API) auditLog(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.AuditFilter{Kind: q.Get("kind"), Object: q.Get("object"), Actor: q.Get("actor")}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			return web.Errorf(http.StatusBadRequest, "limit=%q: want a positive number", s)
		}
		f.Limit = n
	}
	if s := q.Get("before"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 1 {
			return web.Errorf(http.StatusBadRequest, "before=%q: want a positive entry id", s)
		}
		f.Before = n
	}
	out, err := a.store().AuditLog(r.Context(), f)
	if err != nil {
		return err
	}
	for i := range out {
		if out[i].Kind == "subscription" {
			out[i].Before, out[i].After = redactURL(out[i].Before), redactURL(out[i].After)
		}
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(out, apiconv.AuditEntry))
	return nil
}

// redactURL cuts a subscription's webhook URL in an audit entry's JSON
// down to its scheme and host: the URL (a Slack one above all) is a
// credential, read through /subscriptions only, and an audit log is
// often copied to places (tickets, SIEMs) where a credential should not
// go.
func redactURL(raw json.RawMessage) json.RawMessage {
	if len(raw) == 0 {
		return raw
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil // not an object: show nothing rather than a secret
	}
	var s string
	if err := json.Unmarshal(m["url"], &s); err != nil {
		return raw
	}
	short := "(redacted)"
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		short = u.Scheme + "://" + u.Host + "/…"
	}
	m["url"], _ = json.Marshal(short)
	out, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	return out
}

func subscriptionView(s store.Subscription) api.Subscription {
	return apiconv.Subscription(s)
}

func (a *API) listSubscriptions(w http.ResponseWriter, r *http.Request) error {
	subs, err := a.store().ListSubscriptions(r.Context())
	if err != nil {
		return err
	}
	out := make([]api.Subscription, 0, len(subs))
	for _, s := range subs {
		out = append(out, subscriptionView(s))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) getSubscription(w http.ResponseWriter, r *http.Request) error {
	s, ok, err := a.store().GetSubscription(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "subscription %q not found", r.PathValue("id"))
	}
	web.WriteJSON(w, http.StatusOK, subscriptionView(s))
	return nil
}

func (a *API) createSubscription(w http.ResponseWriter, r *http.Request) error {
	var in api.SubscriptionRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if in.ID == "" {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		in.ID = "sub-" + hex.EncodeToString(b[:])
	}
	return a.saveSubscription(w, r, in, true)
}

func (a *API) putSubscription(w http.ResponseWriter, r *http.Request) error {
	var in api.SubscriptionRequest
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	id, err := pathID(r, in.ID)
	if err != nil {
		return err
	}
	in.ID = id
	return a.saveSubscription(w, r, in, false)
}

func (a *API) saveSubscription(w http.ResponseWriter, r *http.Request, in api.SubscriptionRequest, mustBeNew bool) error {
	ctx := r.Context()
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	old, existed, err := a.store().GetSubscription(ctx, in.ID)
	if err != nil {
		return err
	}
	if existed && mustBeNew {
		return web.Errorf(http.StatusConflict, "subscription %q exists (PUT replaces it)", in.ID)
	}
	now := a.Engine.Clock()
	sub := store.Subscription{ID: in.ID, Name: in.Name, URL: in.URL, Format: in.Format, MinSeverity: in.MinSeverity,
		Events: in.Events, Enabled: in.Enabled == nil || *in.Enabled, Author: actor, Created: now}
	if sub.Format == "" {
		sub.Format = notify.FormatJSON
	}
	if sub.Name == "" {
		sub.Name = sub.ID
	}
	if err := notify.ValidateSubscription(sub); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	generated := ""
	switch {
	case in.Secret != "":
		if len(in.Secret) < 16 {
			return web.Errorf(http.StatusBadRequest, "secret: at least 16 characters")
		}
	case existed:
		sub.SecretSealed = old.SecretSealed
	default:
		var b [24]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		generated = hex.EncodeToString(b[:])
		in.Secret = generated
	}
	if in.Secret != "" {
		if a.Sealer == nil {
			return errors.New("no keyring to seal subscription secrets")
		}
		if sub.SecretSealed, err = a.Sealer.Seal(in.Secret); err != nil {
			return fmt.Errorf("sealing the secret of subscription %s: %w", sub.ID, err)
		}
	}
	if existed {
		sub.Created = old.Created
	}
	created, err := a.store().PutSubscription(ctx, sub, actor, now)
	if err != nil {
		return err
	}
	out := subscriptionView(sub)
	out.Secret = generated
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	web.WriteJSON(w, code, out)
	return nil
}

func (a *API) deleteSubscription(w http.ResponseWriter, r *http.Request) error {
	actor, err := a.Actor(r)
	if err != nil {
		return err
	}
	ok, err := a.store().DeleteSubscription(r.Context(), r.PathValue("id"), actor, a.Engine.Clock())
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "subscription %q not found", r.PathValue("id"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (a *API) testSubscription(w http.ResponseWriter, r *http.Request) error {
	if a.Engine.Publisher == nil {
		return web.Errorf(http.StatusServiceUnavailable, "notifications are not configured")
	}
	if _, ok, err := a.store().GetSubscription(r.Context(), r.PathValue("id")); err != nil || !ok {
		if err != nil {
			return err
		}
		return web.Errorf(http.StatusNotFound, "subscription %q not found", r.PathValue("id"))
	}
	d, err := a.Engine.Publisher.SendTest(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusAccepted, apiconv.Delivery(d))
	return nil
}

func (a *API) deliveries(w http.ResponseWriter, r *http.Request) error {
	out, err := a.store().ListDeliveries(r.Context(), store.DeliveryFilter{Subscription: r.PathValue("id")})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(out, apiconv.Delivery))
	return nil
}
