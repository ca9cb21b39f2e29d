package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// maxPageBytes bounds one API response: a page of repository records.
const maxPageBytes = 16 << 20

// maxPages bounds a listing so that an API that keeps answering "next"
// (a bug, or a hostile server) cannot keep a crawl busy for ever; at 100
// repositories a page it allows a million repositories.
const maxPages = 10000

// client is the HTTP plumbing every kind shares: bounded JSON pages,
// Link-header paging, errors that name the kind and URL and never a
// credential.
type client struct {
	kind string
	base *url.URL
	http *http.Client
	cfg  Config
	// secrets are redacted from every error: the configured password
	// and token, and tokens obtained from a login. An API that echoes
	// the request's credentials in its error body (some do) must not put
	// them in a log line.
	secrets []string
}

func (c *client) redact(s string) string {
	for _, sec := range append([]string{c.cfg.Password, c.cfg.Token}, c.secrets...) {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "***")
		}
	}
	return s
}

func parseBase(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(s, "/"))
	if err != nil {
		return nil, errors.New("does not parse")
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("%s: want http(s)://host[/path]", u.Redacted())
	}
	if u.User != nil {
		return nil, fmt.Errorf("%s: credentials go in the registry's username and password, not the URL", u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("%s: no query or fragment", u.Redacted())
	}
	return u, nil
}

// url is the base URL followed by p (escaped by the caller) and q.
func (c *client) url(p string, q url.Values) string {
	s := strings.TrimRight(c.base.String(), "/") + p
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// token is the API bearer token: Token, else Password (GitHub and GitLab
// personal access tokens are also the registry password).
func (c *client) token() string {
	if c.cfg.Token != "" {
		return c.cfg.Token
	}
	return c.cfg.Password
}

// get fetches u into v with the headers set by auth and returns the
// response headers (for paging). The next URL a page names must stay on
// the API's host.
func (c *client) get(ctx context.Context, u string, auth func(*http.Request), v any) (http.Header, error) {
	return c.do(ctx, http.MethodGet, u, nil, auth, v)
}

// post sends in as JSON to u and decodes the answer into v.
func (c *client) post(ctx context.Context, u string, in any, v any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s API: %w", c.kind, err)
	}
	_, err = c.do(ctx, http.MethodPost, u, b, nil, v)
	return err
}

func (c *client) do(ctx context.Context, method, u string, in []byte, auth func(*http.Request), v any) (http.Header, error) {
	pu, err := url.Parse(u)
	if err != nil {
		return nil, fmt.Errorf("%s API: bad URL: %w", c.kind, err)
	}
	if pu.Host != c.base.Host {
		return nil, fmt.Errorf("%s API: page link points to another host (%s); refused", c.kind, pu.Host)
	}
	var body io.Reader
	if in != nil {
		body = bytes.NewReader(in)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return nil, fmt.Errorf("%s API: %w", c.kind, err)
	}
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if auth != nil {
		auth(req)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, context.Cause(ctx)
		}
		return nil, fmt.Errorf("%w: %s API: %s %s: %w", ErrUnreachable, c.kind, method, pu.Redacted(), unwrapURLError(err))
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(io.LimitReader(resp.Body, maxPageBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %s API: %s %s: reading body: %w", ErrUnreachable, c.kind, method, pu.Redacted(), err)
	}
	if len(rb) > maxPageBytes {
		return nil, fmt.Errorf("%s API: %s %s: response larger than %d bytes", c.kind, method, pu.Redacted(), maxPageBytes)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, statusError(c.kind, method, pu, resp.StatusCode, []byte(c.redact(string(rb))))
	}
	if err := json.Unmarshal(rb, v); err != nil {
		return nil, fmt.Errorf("%s API: %s %s: decoding response: %w", c.kind, method, pu.Redacted(), err)
	}
	return resp.Header, nil
}

// unwrapURLError drops *url.Error's quoting of the whole URL (already in
// the message) but keeps its cause.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func statusError(kind, method string, u *url.URL, code int, body []byte) error {
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	err := fmt.Errorf("%s API: %s %s: %d %s: %s", kind, method, u.Redacted(), code, http.StatusText(code), msg)
	switch code {
	case http.StatusUnauthorized, http.StatusForbidden:
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	case http.StatusNotFound:
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// linkNext is the target of rel="next" in RFC 8288 Link headers, as GitHub,
// GitLab and Harbor send them.
var linkNext = regexp.MustCompile(`<([^>]*)>\s*;[^,]*rel="?next"?`)

func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		if m := linkNext.FindStringSubmatch(v); m != nil {
			return m[1]
		}
	}
	return ""
}

// resolve makes a possibly relative next-page link absolute against the
// API base.
func (c *client) resolve(link string) (string, error) {
	u, err := c.base.Parse(link)
	if err != nil {
		return "", fmt.Errorf("%s API: bad next-page link: %w", c.kind, err)
	}
	return u.String(), nil
}

// pages walks a Link-paginated listing from first, decoding each page with
// decode and yielding its names.
func (c *client) pages(ctx context.Context, first string, auth func(*http.Request), decode func(page []byte) ([]string, error), yield func(string) error) error {
	seen := map[string]bool{}
	for u, n := first, 0; u != ""; n++ {
		if n == maxPages {
			return fmt.Errorf("%s API: more than %d pages; stopping", c.kind, maxPages)
		}
		if seen[u] {
			return fmt.Errorf("%s API: paging loops back to %s", c.kind, u)
		}
		seen[u] = true
		var raw json.RawMessage
		h, err := c.get(ctx, u, auth, &raw)
		if err != nil {
			return err
		}
		names, err := decode(raw)
		if err != nil {
			return fmt.Errorf("%s API: GET %s: %w", c.kind, u, err)
		}
		for _, n := range names {
			if err := yield(n); err != nil {
				return err
			}
		}
		if u = nextLink(h); u != "" {
			if u, err = c.resolve(u); err != nil {
				return err
			}
		}
	}
	return nil
}

func bearer(tok string) func(*http.Request) {
	return func(r *http.Request) {
		if tok != "" {
			r.Header.Set("Authorization", "Bearer "+tok)
		}
	}
}

func basic(user, pass string) func(*http.Request) {
	return func(r *http.Request) {
		if user != "" || pass != "" {
			r.SetBasicAuth(user, pass)
		}
	}
}
