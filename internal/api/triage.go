package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Triage (issue #20): exceptions, the audit log, notification
// subscriptions. The handlers are in package triage.

type (
	// Exception is a fleet vulnerability exception as stored.
	Exception = exception.Exception
	// SkippedStatement is a VEX statement an import did not turn into an
	// exception, and why.
	SkippedStatement = exception.Skipped
	// AuditEntry is one change in the audit log.
	AuditEntry = store.AuditEntry
	// Delivery is one notification post (the delivery log).
	Delivery = store.Delivery
)

// ExceptionRequest is POST /api/v1/exceptions (ID optional: one is made)
// and PUT /api/v1/exceptions/{id}. The author is the caller's token.
type ExceptionRequest struct {
	ID            string   `json:"id,omitempty"`
	Vulnerability string   `json:"vulnerability"`
	Registries    []string `json:"registries,omitempty"`
	Repositories  []string `json:"repositories,omitempty"`
	Images        []string `json:"images,omitempty"`
	Tags          []string `json:"tags,omitempty"`
	Digests       []string `json:"digests,omitempty"`
	Packages      []string `json:"packages,omitempty"`
	Namespaces    []string `json:"namespaces,omitempty"`
	Reason        string   `json:"reason"`
	// Expires, or Days from now; neither: no expiry.
	Expires *time.Time `json:"expires,omitempty"`
	Days    int        `json:"days,omitempty"`
}

// ExceptionView is an exception and whether it has expired.
type ExceptionView struct {
	Exception
	Expired bool `json:"expired"`
}

// ExceptionChange answers a change: the exception and how many stored
// results the change re-evaluated (ReevaluateError when that was cut
// short; the lead controller's reconciliation finishes it).
type ExceptionChange struct {
	Exception       ExceptionView `json:"exception"`
	Reevaluated     int           `json:"reevaluated"`
	ReevaluateError string        `json:"reevaluate_error,omitempty"`
}

// VEXImport answers POST /api/v1/vex: the exceptions made from the
// document's not_affected and fixed statements, and what was skipped.
type VEXImport struct {
	Exceptions      []Exception        `json:"exceptions"`
	Skipped         []SkippedStatement `json:"skipped"`
	Reevaluated     int                `json:"reevaluated"`
	ReevaluateError string             `json:"reevaluate_error,omitempty"`
}

// SubscriptionRequest is POST /api/v1/subscriptions and PUT
// /api/v1/subscriptions/{id}. Secret is the HMAC key: write-only; on
// create a random one is made (and returned once) when empty; on replace
// an empty one keeps the stored secret.
type SubscriptionRequest struct {
	ID          string   `json:"id,omitempty"`
	Name        string   `json:"name,omitempty"`
	URL         string   `json:"url"`
	Format      string   `json:"format,omitempty"` // json (default) or slack
	Secret      string   `json:"secret,omitempty"`
	MinSeverity string   `json:"min_severity,omitempty"`
	Events      []string `json:"events,omitempty"`
	Enabled     *bool    `json:"enabled,omitempty"` // default true
}

// Subscription is a subscription as the API shows it (never its secret;
// Secret is set only in the answer to the create that generated it).
type Subscription struct {
	store.Subscription
	SecretSet bool   `json:"secret_set"`
	Secret    string `json:"secret,omitempty"`
}

// Exceptions lists the exceptions; expired nil lists all.
func (c *Client) Exceptions(ctx context.Context, expired *bool) ([]ExceptionView, error) {
	path := "/api/v1/exceptions"
	if expired != nil {
		path += "?expired=" + strconv.FormatBool(*expired)
	}
	var out []ExceptionView
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// Exception returns one exception.
func (c *Client) Exception(ctx context.Context, id string) (ExceptionView, error) {
	var out ExceptionView
	err := c.Do(ctx, http.MethodGet, "/api/v1/exceptions/"+esc(id), nil, &out)
	return out, err
}

// CreateException creates an exception (admin).
func (c *Client) CreateException(ctx context.Context, in ExceptionRequest) (ExceptionChange, error) {
	var out ExceptionChange
	err := c.Do(ctx, http.MethodPost, "/api/v1/exceptions", in, &out)
	return out, err
}

// PutException creates or replaces exception in.ID (admin).
func (c *Client) PutException(ctx context.Context, in ExceptionRequest) (ExceptionChange, error) {
	var out ExceptionChange
	err := c.Do(ctx, http.MethodPut, "/api/v1/exceptions/"+esc(in.ID), in, &out)
	return out, err
}

// DeleteException deletes an exception (admin).
func (c *Client) DeleteException(ctx context.Context, id string) (ExceptionChange, error) {
	var out ExceptionChange
	err := c.Do(ctx, http.MethodDelete, "/api/v1/exceptions/"+esc(id), nil, &out)
	return out, err
}

// ImportVEX turns an OpenVEX document into exceptions (admin).
func (c *Client) ImportVEX(ctx context.Context, doc json.RawMessage) (VEXImport, error) {
	var out VEXImport
	err := c.Do(ctx, http.MethodPost, "/api/v1/vex", doc, &out)
	return out, err
}

// ExportVEX returns what the exceptions suppress in the stored results,
// as one OpenVEX document.
func (c *Client) ExportVEX(ctx context.Context) (json.RawMessage, error) {
	var out json.RawMessage
	err := c.Do(ctx, http.MethodGet, "/api/v1/vex", nil, &out)
	return out, err
}

// AuditLog reads the audit log, newest first; empty filters match all.
func (c *Client) AuditLog(ctx context.Context, kind, object, actor string, limit int) ([]AuditEntry, error) {
	q := url.Values{}
	for k, v := range map[string]string{"kind": kind, "object": object, "actor": actor} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	path := "/api/v1/audit"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out []AuditEntry
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// Subscriptions lists the notification subscriptions (admin).
func (c *Client) Subscriptions(ctx context.Context) ([]Subscription, error) {
	var out []Subscription
	err := c.Do(ctx, http.MethodGet, "/api/v1/subscriptions", nil, &out)
	return out, err
}

// CreateSubscription subscribes a webhook (admin).
func (c *Client) CreateSubscription(ctx context.Context, in SubscriptionRequest) (Subscription, error) {
	var out Subscription
	err := c.Do(ctx, http.MethodPost, "/api/v1/subscriptions", in, &out)
	return out, err
}

// DeleteSubscription removes a subscription and its undelivered posts.
func (c *Client) DeleteSubscription(ctx context.Context, id string) error {
	return c.Do(ctx, http.MethodDelete, "/api/v1/subscriptions/"+esc(id), nil, nil)
}

// TestSubscription queues a test post to a subscription.
func (c *Client) TestSubscription(ctx context.Context, id string) (Delivery, error) {
	var out Delivery
	err := c.Do(ctx, http.MethodPost, "/api/v1/subscriptions/"+esc(id)+"/test", nil, &out)
	return out, err
}

// Deliveries is a subscription's delivery log, newest first.
func (c *Client) Deliveries(ctx context.Context, id string) ([]Delivery, error) {
	var out []Delivery
	err := c.Do(ctx, http.MethodGet, "/api/v1/subscriptions/"+esc(id)+"/deliveries", nil, &out)
	return out, err
}

// RunningWorkload is one running container and what the controller knows
// of its image: whether a result is stored for it (resolved as admission
// resolves it: a tag through the tags recorded for it), and its counts.
type RunningWorkload struct {
	store.RunningContainer
	Scanned         bool           `json:"scanned"`
	ScannedDigest   string         `json:"scanned_digest,omitempty"`
	ScannedAt       *time.Time     `json:"scanned_at,omitempty"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities,omitempty"`
}

// Workloads lists running containers: in namespace (all when ""), with a
// counted finding of cve (when not ""), scanned or not (nil: both).
func (c *Client) Workloads(ctx context.Context, namespace, cve string, scanned *bool) ([]RunningWorkload, error) {
	q := url.Values{}
	if namespace != "" {
		q.Set("namespace", namespace)
	}
	if cve != "" {
		q.Set("cve", cve)
	}
	if scanned != nil {
		q.Set("scanned", strconv.FormatBool(*scanned))
	}
	path := "/api/v1/workloads"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out []RunningWorkload
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}
