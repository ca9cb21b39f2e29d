package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Client calls the controller's REST API with a bearer token. Every
// method takes the context that bounds it first; a non-2xx answer is an
// *Error carrying the status and the controller's message.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// DefaultTimeout bounds one request of a Client made without an
// http.Client of its own.
const DefaultTimeout = 60 * time.Second

// NewClient returns a client for the controller at baseURL
// (http(s)://host[:port]); hc nil means a client with DefaultTimeout.
func NewClient(baseURL, token string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: DefaultTimeout}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), token: token, http: hc}
}

// BaseURL is the controller's URL, without a trailing slash.
func (c *Client) BaseURL() string { return c.base }

// Error is a non-2xx answer of the controller.
type Error struct {
	// Base is the controller's URL; Method and Path the request's.
	Base, Method, Path string
	// Status is the HTTP status code.
	Status int
	// Message is the controller's {"error": ...}, or the start of a body
	// that was not one.
	Message string
	// RetryAfter is the answer's Retry-After in seconds (a 503 while the
	// controller's database is unavailable, a 429), 0 without one.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	s := fmt.Sprintf("controller %s: %s %s: HTTP %d %s", e.Base, e.Method, e.Path, e.Status, http.StatusText(e.Status))
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// RetryAfterOf is the Retry-After of err's answer when it is (or wraps)
// an *Error that carried one, else 0.
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// DatabaseUnavailablePrefix starts the message of the controller's 503
// for a database it cannot reach; the class of failure follows it
// ("connection refused", "the server is shutting down (SQLSTATE 57P01,
// admin shutdown)", ...).
const DatabaseUnavailablePrefix = "the control-plane database is unavailable: "

// DatabaseUnavailable is the class of failure the controller named when
// err is its 503 for a database it cannot reach.
func DatabaseUnavailable(err error) (cause string, ok bool) {
	var e *Error
	if !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable {
		return "", false
	}
	return strings.CutPrefix(e.Message, DatabaseUnavailablePrefix)
}

// maxRetryAfter bounds the Retry-After taken from an answer: a client
// waits no longer than this on the controller's word alone.
const maxRetryAfter = 5 * time.Minute

// retryAfter reads a Retry-After given in seconds (the controller's
// form; an HTTP date is taken as none).
func retryAfter(h http.Header) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || n <= 0 {
		return 0
	}
	return min(time.Duration(n)*time.Second, maxRetryAfter)
}

// StatusOf is err's HTTP status when it is (or wraps) an *Error, else 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// maxErrorBody bounds how much of an error answer is read.
const maxErrorBody = 64 << 10

// Do sends in (if not nil) as JSON to method path and decodes a 2xx
// answer into out (if not nil). The typed methods are built on it; it is
// exported for routes they do not cover.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	resp, err := c.send(ctx, method, path, in)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return c.errorOf(resp, method, path)
	}
	return c.decode(resp, method, path, out)
}

func (c *Client) send(ctx context.Context, method, path string, in any) (*http.Response, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("controller %s: %s %s: encoding request: %w", c.base, method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, fmt.Errorf("controller %s: %w", c.base, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		// url.Error carries method and URL, never the Authorization header.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("controller %s: %s %s: %w", c.base, method, path, err)
	}
	return resp, nil
}

func (c *Client) errorOf(resp *http.Response, method, path string) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var eb struct {
		Error string `json:"error"`
	}
	msg := strings.TrimSpace(string(raw))
	if json.Unmarshal(raw, &eb) == nil && eb.Error != "" {
		msg = eb.Error
	} else if len(msg) > 512 {
		msg = msg[:512]
	}
	return &Error{Base: c.base, Method: method, Path: path, Status: resp.StatusCode, Message: msg, RetryAfter: retryAfter(resp.Header)}
}

func (c *Client) decode(resp *http.Response, method, path string, out any) error {
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("controller %s: %s %s: decoding answer: %w", c.base, method, path, err)
	}
	return nil
}

func esc(s string) string { return url.PathEscape(s) }

// The scanner protocol.

// Register registers a scanner (POST /api/v1/scanners).
func (c *Client) Register(ctx context.Context, in RegisterRequest) (RegisterResponse, error) {
	var out RegisterResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/scanners", in, &out)
	return out, err
}

// Lease leases up to max tasks for scanner id.
func (c *Client) Lease(ctx context.Context, id string, max int) ([]LeasedTask, error) {
	var out LeaseResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/scanners/"+esc(id)+"/lease", LeaseRequest{Max: max}, &out)
	return out.Tasks, err
}

// Heartbeat keeps scanner id and its tasks alive; it returns the tasks
// the scanner no longer holds.
func (c *Client) Heartbeat(ctx context.Context, id string, taskIDs []string) ([]string, error) {
	var out HeartbeatResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/scanners/"+esc(id)+"/heartbeat", TaskIDs{TaskIDs: taskIDs}, &out)
	return out.Lost, err
}

// Release hands back scanner id's tasks and stops it.
func (c *Client) Release(ctx context.Context, id string, taskIDs []string) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/scanners/"+esc(id)+"/release", TaskIDs{TaskIDs: taskIDs}, nil)
}

// PostResult stores task's report.
func (c *Client) PostResult(ctx context.Context, task string, in ResultRequest) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+esc(task)+"/result", in, nil)
}

// Fail reports that task could not be scanned.
func (c *Client) Fail(ctx context.Context, task string, in FailRequest) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/tasks/"+esc(task)+"/fail", in, nil)
}

// The layer store.

func layerPath(key, claim string) string {
	return "/api/v1/layers/" + esc(key) + "?claim=" + url.QueryEscape(claim)
}

// GetLayer looks a layer analysis up, claiming the layer for claim on a
// miss. It returns the analysis when known; pending when another claim
// on the layer is live (ask again shortly); neither on a miss, which the
// caller now holds the claim for.
func (c *Client) GetLayer(ctx context.Context, key, claim string) (a *layer.Analysis, pending bool, err error) {
	path := layerPath(key, claim)
	resp, err := c.send(ctx, http.MethodGet, path, nil)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		var an layer.Analysis
		if err := c.decode(resp, http.MethodGet, path, &an); err != nil {
			return nil, false, err
		}
		return &an, false, nil
	case http.StatusAccepted:
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, true, nil
	case http.StatusNotFound:
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil, false, nil
	}
	return nil, false, c.errorOf(resp, http.MethodGet, path)
}

// PutLayer stores the analysis of a layer claimed by claim.
func (c *Client) PutLayer(ctx context.Context, key, claim string, a *layer.Analysis) error {
	return c.Do(ctx, http.MethodPut, layerPath(key, claim), a, nil)
}

// UnclaimLayer gives up claim on a layer without storing an analysis.
func (c *Client) UnclaimLayer(ctx context.Context, key, claim string) error {
	return c.Do(ctx, http.MethodDelete, layerPath(key, claim), nil, nil)
}

// Registries.

// Registries lists the registries.
func (c *Client) Registries(ctx context.Context) ([]RegistryView, error) {
	var out []RegistryView
	err := c.Do(ctx, http.MethodGet, "/api/v1/registries", nil, &out)
	return out, err
}

// Registry gets one registry.
func (c *Client) Registry(ctx context.Context, name string) (RegistryView, error) {
	var out RegistryView
	err := c.Do(ctx, http.MethodGet, "/api/v1/registries/"+esc(name), nil, &out)
	return out, err
}

// PutRegistry creates or replaces registry in.Name.
func (c *Client) PutRegistry(ctx context.Context, in RegistryInput) (RegistryView, error) {
	var out RegistryView
	err := c.Do(ctx, http.MethodPut, "/api/v1/registries/"+esc(in.Name), in, &out)
	return out, err
}

// DeleteRegistry deletes a registry.
func (c *Client) DeleteRegistry(ctx context.Context, name string) error {
	return c.Do(ctx, http.MethodDelete, "/api/v1/registries/"+esc(name), nil, nil)
}

// ScanRegistry requests a crawl of a registry; started is false when one
// was already pending or running.
func (c *Client) ScanRegistry(ctx context.Context, name string) (started bool, err error) {
	var out struct {
		Started bool `json:"started"`
	}
	err = c.Do(ctx, http.MethodPost, "/api/v1/registries/"+esc(name)+"/scan", struct{}{}, &out)
	return out.Started, err
}

// Reading results and state.

// ImageQuery filters GET /api/v1/images; zero fields match everything.
type ImageQuery struct {
	Registry, Repository, Severity, CVE, Coverage string
	// Digest is a digest or a unique prefix of one.
	Digest string
	// IncludeGone lists images a crawl found no longer in their
	// registry too.
	IncludeGone bool
}

func (q ImageQuery) encode() string {
	v := url.Values{}
	for k, s := range map[string]string{"registry": q.Registry, "repository": q.Repository, "severity": q.Severity,
		"cve": q.CVE, "coverage": q.Coverage, "digest": q.Digest} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if q.IncludeGone {
		v.Set("include_gone", "true")
	}
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

// RateLimited reports a 429 (Too Many Requests) from registry: the
// controller pauses new scans of it for the whole fleet.
func (c *Client) RateLimited(ctx context.Context, registry string, in RateLimitedRequest) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/registries/"+esc(registry)+"/rate-limited", in, nil)
}

// Images lists scanned images.
func (c *Client) Images(ctx context.Context, q ImageQuery) ([]ImageSummary, error) {
	var out []ImageSummary
	err := c.Do(ctx, http.MethodGet, "/api/v1/images"+q.encode(), nil, &out)
	return out, err
}

// ImageReport is the latest stored report of digest (or a unique prefix).
func (c *Client) ImageReport(ctx context.Context, digest string) (*report.Report, error) {
	var out report.Report
	if err := c.Do(ctx, http.MethodGet, "/api/v1/images/"+esc(digest), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Scanners lists the registered scanners.
func (c *Client) Scanners(ctx context.Context) ([]Scanner, error) {
	var out []Scanner
	err := c.Do(ctx, http.MethodGet, "/api/v1/scanners", nil, &out)
	return out, err
}

// QueueCounts counts tasks per state.
func (c *Client) QueueCounts(ctx context.Context) (QueueCounts, error) {
	var out QueueCounts
	err := c.Do(ctx, http.MethodGet, "/api/v1/queue", nil, &out)
	return out, err
}

// Tasks lists up to limit tasks in state ("" and 0: the controller's
// defaults, failed and 100).
func (c *Client) Tasks(ctx context.Context, state queue.State, limit int) ([]TaskView, error) {
	v := url.Values{}
	if state != "" {
		v.Set("state", string(state))
	}
	if limit > 0 {
		v.Set("limit", strconv.Itoa(limit))
	}
	path := "/api/v1/tasks"
	if len(v) > 0 {
		path += "?" + v.Encode()
	}
	var out []TaskView
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// Autoscaler is the auto-scaler's configuration and recent events.
func (c *Client) Autoscaler(ctx context.Context) (AutoscalerView, error) {
	var out AutoscalerView
	err := c.Do(ctx, http.MethodGet, "/api/v1/autoscaler", nil, &out)
	return out, err
}

// Leader says whether this controller leads the fleet.
func (c *Client) Leader(ctx context.Context) (LeaderView, error) {
	var out LeaderView
	err := c.Do(ctx, http.MethodGet, "/api/v1/leader", nil, &out)
	return out, err
}

// WhoAmI is the token's role.
func (c *Client) WhoAmI(ctx context.Context) (WhoAmI, error) {
	var out WhoAmI
	err := c.Do(ctx, http.MethodGet, "/api/v1/whoami", nil, &out)
	return out, err
}

// Submit hands in a standalone scan's report.
func (c *Client) Submit(ctx context.Context, in SubmitRequest) (SubmitResponse, error) {
	var out SubmitResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/results", in, &out)
	return out, err
}
