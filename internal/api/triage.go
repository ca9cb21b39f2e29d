package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
)

// Triage (issue #20): exceptions, the audit log, notification
// subscriptions. The handlers are in package triage.

type (
	// Exception is a fleet vulnerability exception as stored.
	Exception = exception.Exception
	// SkippedStatement is a VEX statement an import did not turn into an
	// exception, and why.
	SkippedStatement = exception.Skipped
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
	// AlreadyExpired answers POST /api/v1/exceptions/{id}/expire for an
	// exception that had expired before: nothing was changed or logged.
	AlreadyExpired bool `json:"already_expired,omitempty"`
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
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Format is "json" (signed scanfleet events) or "slack" (incoming
	// webhook).
	Format string `json:"format"`
	// MinSeverity: image events with no finding at or above it are not
	// sent ("" = any).
	MinSeverity string `json:"min_severity,omitempty"`
	// Events are the event types sent; empty: all.
	Events    []string  `json:"events,omitempty"`
	Enabled   bool      `json:"enabled"`
	Author    string    `json:"author"`
	Created   time.Time `json:"created"`
	SecretSet bool      `json:"secret_set"`
	Secret    string    `json:"secret,omitempty"`
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

// ExpireException ends an exception now (admin): its findings count
// again at once, and the exception stays, listed as expired.
func (c *Client) ExpireException(ctx context.Context, id string) (ExceptionChange, error) {
	var out ExceptionChange
	err := c.Do(ctx, http.MethodPost, "/api/v1/exceptions/"+esc(id)+"/expire", nil, &out)
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
// Admin tokens only: other roles get a 403 *Error.
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
	RunningContainer
	Scanned         bool           `json:"scanned"`
	ScannedDigest   string         `json:"scanned_digest,omitempty"`
	ScannedAt       *time.Time     `json:"scanned_at,omitempty"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities,omitempty"`
}

// WorkloadQuery selects running workloads (GET /api/v1/workloads).
type WorkloadQuery struct {
	Namespace string // "" = every namespace
	CVE       string // only containers whose image has a counted finding of it
	Scanned   *bool  // only scanned (true) or never scanned (false) images
}

func (q WorkloadQuery) values() url.Values {
	v := url.Values{}
	if q.Namespace != "" {
		v.Set("namespace", q.Namespace)
	}
	if q.CVE != "" {
		v.Set("cve", q.CVE)
	}
	if q.Scanned != nil {
		v.Set("scanned", strconv.FormatBool(*q.Scanned))
	}
	return v
}

// MaxWorkloadPage bounds one page of GET /api/v1/workloads (?limit=).
const MaxWorkloadPage = 1000

// WorkloadsPage reads one page of at most limit running containers after
// the cursor after ("" for the first page). next is the cursor of the
// following page, "" when this one was the last: the controller says a
// list goes on in a Link header (rel="next"), and a page may be short,
// even empty, because of the CVE and scanned filters while more follow.
func (c *Client) WorkloadsPage(ctx context.Context, q WorkloadQuery, limit int, after string) (page []RunningWorkload, next string, err error) {
	v := q.values()
	v.Set("limit", strconv.Itoa(limit))
	if after != "" {
		v.Set("after", after)
	}
	path := "/api/v1/workloads?" + v.Encode()
	resp, err := c.send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, "", c.errorOf(resp, http.MethodGet, path)
	}
	if err := c.decode(resp, http.MethodGet, path, &page); err != nil {
		return nil, "", err
	}
	next, err = nextCursor(resp.Header)
	if err != nil {
		return nil, "", fmt.Errorf("controller %s: GET %s: %w", c.base, path, err)
	}
	if next != "" && next == after {
		return nil, "", fmt.Errorf("controller %s: GET %s: the next page's cursor is this page's", c.base, path)
	}
	return page, next, nil
}

// nextCursor is the after= parameter of the Link header's rel="next"
// target, "" when there is none.
func nextCursor(h http.Header) (string, error) {
	for _, link := range h.Values("Link") {
		for part := range strings.SplitSeq(link, ",") {
			target, params, ok := strings.Cut(part, ";")
			if !ok || !strings.Contains(strings.ReplaceAll(params, " ", ""), `rel="next"`) {
				continue
			}
			target = strings.TrimSpace(target)
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				return "", fmt.Errorf("the Link header %q has no <URL>", link)
			}
			u, err := url.Parse(target[1 : len(target)-1])
			if err != nil {
				return "", fmt.Errorf("the Link header %q: %w", link, err)
			}
			if a := u.Query().Get("after"); a != "" {
				return a, nil
			}
			return "", fmt.Errorf("the Link header %q has no after= cursor", link)
		}
	}
	return "", nil
}

// Workloads lists every running container q selects, following the
// pages of pageSize (0: MaxWorkloadPage) to the last.
func (c *Client) Workloads(ctx context.Context, q WorkloadQuery, pageSize int) ([]RunningWorkload, error) {
	if pageSize <= 0 {
		pageSize = MaxWorkloadPage
	}
	out := []RunningWorkload{}
	after := ""
	for {
		page, next, err := c.WorkloadsPage(ctx, q, pageSize, after)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if next == "" {
			return out, nil
		}
		after = next
	}
}
