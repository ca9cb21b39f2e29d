// Package admissionhook serves the Kubernetes admission webhook
// (/admission, over TLS only), the admission rules and settings API and
// the decision log; the policy itself is package admission.
package admissionhook

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/exception"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/triage"
)

// ReviewCodec reads and answers Kubernetes AdmissionReviews. It is
// injected rather than imported so that binaries without the Kubernetes
// integration do not link the Kubernetes API types.
type ReviewCodec interface {
	DecodeReview(body []byte) (*admission.Request, error)
	Response(uid string, allowed bool, message string, warnings []string) ([]byte, error)
}

// Hook is the admission webhook, its rules and settings API and the
// decision log, over the shared store: any controller answers a review
// alike.
type Hook struct {
	store   store.Store
	log     *slog.Logger
	reviews ReviewCodec
	// triage adds namespace-scoped exceptions to the stored results and
	// publishes denials (nil: neither).
	triage *triage.Engine
}

// SetTriage makes decisions see the exceptions of the workload's
// namespace and report denials to the subscribers (issue #20).
func (c *Hook) SetTriage(e *triage.Engine) { c.triage = e }

// New returns the webhook over st; reviews nil answers 501 (a binary
// without the Kubernetes integration).
func New(st store.Store, reviews ReviewCodec, log *slog.Logger) *Hook {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Hook{store: st, log: log, reviews: reviews}
}

// Decision results, also the "result" label of the decisions metric.
const (
	ResultAllowed   = "allowed"
	ResultDenied    = "denied"
	ResultWouldDeny = "would_deny"
)

// maxReviewBody bounds an AdmissionReview: the API server's objects are
// at most about 3 MiB and a review of an update carries two.
const maxReviewBody = 8 << 20

// Routes registers the webhook and its rules API. The webhook is
// not token-authenticated: the API server calls it with no token of ours,
// and it only answers questions (the rules decide, not the caller). It is
// served over HTTPS only, since the API server requires it and refusing
// plain HTTP keeps a misconfigured listener from being used silently.
func (c *Hook) Routes(mux *http.ServeMux, h web.Route, reg prometheus.Registerer) {
	decisions := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scanfleet_admission_decisions_total",
		Help: "Admission reviews answered, by result (allowed, denied, would_deny) and mode (monitor, protect).",
	}, []string{"result", "mode"})
	reg.MustRegister(decisions)
	for _, res := range []string{ResultAllowed, ResultDenied, ResultWouldDeny} {
		for _, m := range []admission.Mode{admission.Monitor, admission.Protect} {
			decisions.WithLabelValues(res, string(m))
		}
	}
	mux.Handle("POST /admission", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.serveAdmission(w, r, decisions)
	}))
	h("GET /api/v1/admission/rules", web.ReadAccess, 0, c.listAdmissionRules)
	h("POST /api/v1/admission/rules", web.AdminAccess, web.MaxSmallBody, c.createAdmissionRule)
	h("GET /api/v1/admission/rules/{name}", web.ReadAccess, 0, c.getAdmissionRule)
	h("PUT /api/v1/admission/rules/{name}", web.AdminAccess, web.MaxSmallBody, c.putAdmissionRule)
	h("DELETE /api/v1/admission/rules/{name}", web.AdminAccess, 0, c.deleteAdmissionRule)
	h("GET /api/v1/admission/settings", web.ReadAccess, 0, c.getAdmissionSettings)
	h("PUT /api/v1/admission/settings", web.AdminAccess, web.MaxSmallBody, c.putAdmissionSettings)
	h("GET /api/v1/admission/decisions", web.ReadAccess, 0, c.listDecisions)
}

// Apply applies a config file's admission section: the
// settings replace the stored ones and each rule is created or replaced
// (rules added through the API and not in the file are kept).
func (c *Hook) Apply(ctx context.Context, p *admission.Policy) error {
	if p == nil {
		return nil
	}
	if err := p.Validate(); err != nil {
		return fmt.Errorf("admission config: %w", err)
	}
	if err := c.store.PutAdmissionSettings(ctx, p.Settings); err != nil {
		return err
	}
	for _, r := range p.Rules {
		if _, err := c.store.PutAdmissionRule(ctx, r); err != nil {
			return err
		}
	}
	c.log.Info("admission policy configured", "mode", p.Mode, "no_result", p.NoResult, "rules", len(p.Rules))
	return nil
}

func (c *Hook) policy(ctx context.Context) (*admission.Policy, error) {
	st, err := c.store.AdmissionSettings(ctx)
	if err != nil {
		return nil, err
	}
	rules, err := c.store.AdmissionRules(ctx)
	if err != nil {
		return nil, err
	}
	return &admission.Policy{Settings: st, Rules: rules}, nil
}

func (c *Hook) serveAdmission(w http.ResponseWriter, r *http.Request, decisions *prometheus.CounterVec) {
	if r.TLS == nil {
		web.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "the admission webhook is served over HTTPS only"})
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxReviewBody))
	if err != nil {
		web.WriteJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("reading admission review: %v", err)})
		return
	}
	if c.reviews == nil {
		web.WriteJSON(w, http.StatusNotImplemented, map[string]string{"error": "this controller was built without the Kubernetes integration: run scanfleet-controller to serve admission reviews"})
		return
	}
	req, err := c.reviews.DecodeReview(body)
	if err != nil {
		web.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	d, err := c.Review(r.Context(), req)
	if err != nil {
		// The API server applies the webhook's failurePolicy to errors.
		web.Fail(w, c.log, err, "admission review failed", "uid", req.UID, "kind", req.Kind, "namespace", req.Namespace, "name", req.Name)
		return
	}
	var warnings []string
	msg := ""
	if d.Allowed && d.Message != "" {
		warnings = strings.Split(d.Message, "\n")
	} else if !d.Allowed {
		msg = d.Message
	}
	out, err := c.reviews.Response(req.UID, d.Allowed, msg, warnings)
	if err != nil {
		c.log.Error("admission response", "err", err)
		web.WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
		return
	}
	if req.Supported {
		decisions.WithLabelValues(d.Result, string(d.Mode)).Inc()
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// Review decides an admission request and records the decision (requests
// that start no containers are allowed and not recorded).
func (c *Hook) Review(ctx context.Context, req *admission.Request) (*store.Decision, error) {
	p, err := c.policy(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	d := &store.Decision{At: now, UID: req.UID, Kind: req.Kind, Namespace: req.Namespace, Name: req.Name, Operation: req.Operation,
		User: req.User, DryRun: req.DryRun, Allowed: true, Result: ResultAllowed, Mode: p.Mode, Images: []store.ImageDecision{}}
	if !req.Supported {
		return d, nil
	}
	regNames, err := web.RegistryNames(ctx, c.store)
	if err != nil {
		return nil, err
	}
	var refusals, warnings []string
	results := map[string]*admission.Result{} // by resolved reference: one lookup per image
	for _, ctr := range req.Containers {
		id := store.ImageDecision{Container: ctr.Name, ContainerKind: ctr.Kind, Image: ctr.Image}
		sub := admission.Subject{Image: ctr.Image, Namespace: req.Namespace, Labels: req.Labels}
		ref, perr := admission.ParseRef(ctr.Image)
		if perr == nil {
			sub.Ref = ref
			id.Resolved = ref.String()
			res, seen := results[id.Resolved]
			if !seen {
				if res, err = c.lookupResult(ctx, regNames, ref, req.Namespace); err != nil {
					return nil, err
				}
				results[id.Resolved] = res
			}
			sub.Result = res
		}
		v := p.Evaluate(now, sub)
		if perr != nil {
			v.Reason = perr.Error() + "; " + v.Reason
		}
		id.Verdict = v
		if sub.Result != nil {
			id.Scanned, id.Digest = true, sub.Result.Digest
			at := sub.Result.ScannedAt
			id.ScannedAt = &at
		}
		d.Images = append(d.Images, id)
		if v.Action != admission.Deny {
			continue
		}
		line := fmt.Sprintf("image %q (%s %q) %s: %s", ctr.Image, ctr.Kind, ctr.Name, denial(v), v.Reason)
		if v.Refuses() {
			refusals = append(refusals, line)
		} else {
			warnings = append(warnings, "scanfleet admission (monitor mode): "+line)
		}
	}
	// A rule's own mode may differ from the global one: the decision's
	// mode is the one that decided.
	switch {
	case len(refusals) > 0:
		d.Allowed, d.Result, d.Mode = false, ResultDenied, admission.Protect
		d.Message = "scanfleet admission: " + strings.Join(refusals, "; ")
		if !d.DryRun {
			c.triage.AdmissionDenied(ctx, d.UID, d.Namespace, d.Kind+"/"+d.Name, d.Message)
		}
	case len(warnings) > 0:
		d.Result, d.Mode = ResultWouldDeny, admission.Monitor
		d.Message = strings.Join(warnings, "\n")
	}
	// The decision stands even if the log cannot take it; losing the
	// record is logged, not turned into a refusal.
	if err := c.store.AddDecision(context.WithoutCancel(ctx), d); err != nil {
		c.log.Error("recording admission decision", "uid", d.UID, "err", err)
	}
	c.log.Info("admission decision", "uid", d.UID, "kind", d.Kind, "namespace", d.Namespace, "name", d.Name,
		"result", d.Result, "mode", d.Mode, "images", len(d.Images))
	return d, nil
}

func denial(v admission.Verdict) string {
	if v.Rule == "" {
		return "denied: not scanned (no-result action deny)"
	}
	return fmt.Sprintf("denied by rule %q", v.Rule)
}

// lookupResult finds the stored result for an image: a tag resolves to
// the digest its result was stored under; a tag never seen is not scanned.
func (c *Hook) lookupResult(ctx context.Context, regNames map[string]string, ref admission.Ref, namespace string) (*admission.Result, error) {
	names := []string{ref.Registry}
	if n, ok := regNames[ref.Registry]; ok {
		names = append(names, n)
	}
	im, ok, err := c.store.FindImage(ctx, names, ref.Repository, ref.Tag, ref.Digest)
	if err != nil || !ok {
		return nil, err
	}
	var rep report.Report
	if err := json.Unmarshal(im.Report, &rep); err != nil {
		return nil, fmt.Errorf("stored report of %s@%s: %w", ref.Repository, im.Digest, err)
	}
	// The stored report has the fleet's exceptions applied; those scoped
	// to the workload's namespace apply here as well.
	var tags []string
	if ref.Tag != "" {
		tags = []string{ref.Tag}
	}
	if err := c.triage.ForAdmissionTarget(ctx, exception.Target{Registries: names, Repository: ref.Repository, Tags: tags,
		Digest: im.Digest, Namespace: namespace}, &rep); err != nil {
		return nil, fmt.Errorf("exceptions for %s@%s: %w", ref.Repository, im.Digest, err)
	}
	return &admission.Result{Digest: im.Digest, ScannedAt: im.ScannedAt, Findings: admission.FindingsFromReport(&rep),
		NotCovered: admission.NotCoveredFromReport(&rep)}, nil
}

func (c *Hook) listAdmissionRules(w http.ResponseWriter, r *http.Request) error {
	rules, err := c.store.AdmissionRules(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, rules)
	return nil
}

func (c *Hook) getAdmissionRule(w http.ResponseWriter, r *http.Request) error {
	rules, err := c.store.AdmissionRules(r.Context())
	if err != nil {
		return err
	}
	for _, rule := range rules {
		if rule.Name == r.PathValue("name") {
			web.WriteJSON(w, http.StatusOK, rule)
			return nil
		}
	}
	return web.Errorf(http.StatusNotFound, "admission rule %q not found", r.PathValue("name"))
}

func (c *Hook) createAdmissionRule(w http.ResponseWriter, r *http.Request) error {
	var rule admission.Rule
	if err := web.Decode(r, &rule); err != nil {
		return err
	}
	if err := rule.Validate(); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	rules, err := c.store.AdmissionRules(r.Context())
	if err != nil {
		return err
	}
	for _, x := range rules {
		if x.Name == rule.Name {
			return web.Errorf(http.StatusConflict, "admission rule %q exists; PUT /api/v1/admission/rules/%s replaces it", rule.Name, rule.Name)
		}
	}
	if _, err := c.store.PutAdmissionRule(r.Context(), rule); err != nil {
		return err
	}
	c.log.Info("admission rule created", "rule", rule.Name, "action", rule.Action)
	web.WriteJSON(w, http.StatusCreated, rule)
	return nil
}

func (c *Hook) putAdmissionRule(w http.ResponseWriter, r *http.Request) error {
	var rule admission.Rule
	if err := web.Decode(r, &rule); err != nil {
		return err
	}
	name := r.PathValue("name")
	if rule.Name != "" && rule.Name != name {
		return web.Errorf(http.StatusBadRequest, "name %q in body differs from %q in path", rule.Name, name)
	}
	rule.Name = name
	if err := rule.Validate(); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	created, err := c.store.PutAdmissionRule(r.Context(), rule)
	if err != nil {
		return err
	}
	code := http.StatusOK
	if created {
		code = http.StatusCreated
	}
	c.log.Info("admission rule stored", "rule", rule.Name, "action", rule.Action, "created", created)
	web.WriteJSON(w, code, rule)
	return nil
}

func (c *Hook) deleteAdmissionRule(w http.ResponseWriter, r *http.Request) error {
	ok, err := c.store.DeleteAdmissionRule(r.Context(), r.PathValue("name"))
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "admission rule %q not found", r.PathValue("name"))
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (c *Hook) getAdmissionSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := c.store.AdmissionSettings(r.Context())
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (c *Hook) putAdmissionSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := c.store.AdmissionSettings(r.Context())
	if err != nil {
		return err
	}
	// A partial body changes only what it names.
	if err := web.Decode(r, &st); err != nil {
		return err
	}
	if err := st.Normalize(); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	if err := c.store.PutAdmissionSettings(r.Context(), st); err != nil {
		return err
	}
	c.log.Info("admission settings changed", "mode", st.Mode, "no_result", st.NoResult)
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

// listDecisions lists decisions newest first, with ?result=, ?namespace=
// and ?limit= (default 100, at most 1000).
func (c *Hook) listDecisions(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := store.DecisionFilter{Result: q.Get("result"), Namespace: q.Get("namespace"), Limit: 100}
	switch f.Result {
	case "", ResultAllowed, ResultDenied, ResultWouldDeny:
	default:
		return web.Errorf(http.StatusBadRequest, "unknown result %q (allowed, denied, would_deny)", f.Result)
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return web.Errorf(http.StatusBadRequest, "bad limit %q", s)
		}
		f.Limit = min(n, 1000)
	}
	ds, err := c.store.Decisions(r.Context(), f)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, apiconv.Slice(ds, apiconv.Decision))
	return nil
}
