package source

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// retryTransport retries requests that failed with 408, 429 or 5xx or a
// network error, waiting with exponential backoff, or as long as the
// server's Retry-After asks (capped at maxWait). go-containerregistry's own
// retry transport ignores Retry-After, which rate-limited registries (Docker
// Hub, ECR, GHCR) send with 429.
type retryTransport struct {
	base    http.RoundTripper
	retries int
	backoff time.Duration
	maxWait time.Duration
	// rateLimited is told of every 429 (Options.RateLimited).
	rateLimited func(host, retryAfter string)
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	// A request with a body can only be replayed when it can be rebuilt.
	replayable := req.Body == nil || req.Body == http.NoBody || req.GetBody != nil
	wait := t.backoff
	for attempt := 0; ; attempt++ {
		if attempt > 0 && req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			req = req.Clone(req.Context())
			req.Body = body
		}
		resp, err := t.base.RoundTrip(req)
		if err == nil && resp.StatusCode == http.StatusTooManyRequests && t.rateLimited != nil {
			t.rateLimited(req.URL.Host, resp.Header.Get("Retry-After"))
		}
		if attempt >= t.retries || !replayable || !retryable(resp, err) {
			if err == nil && t.retries > 0 && isBlobGet(req) && resp.StatusCode == http.StatusOK && resp.ContentLength > 0 {
				resp.Body = &resumingBody{t: t, req: req, body: resp.Body, size: resp.ContentLength, left: t.retries}
			}
			if err == nil && resp.StatusCode >= 400 {
				oneLineBody(resp)
			}
			return resp, err
		}
		d := wait
		if resp != nil {
			if ra, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				d = ra
			}
			// Drain a little so the connection can be reused.
			_, _ = io.CopyN(io.Discard, resp.Body, 4<<10)
			resp.Body.Close()
		}
		if d > t.maxWait {
			d = t.maxWait
		}
		if err := sleep(req.Context(), d); err != nil {
			return nil, err
		}
		wait *= 2
	}
}

// oneLineBody bounds an error response's body and, unless it is a JSON
// error document (which go-containerregistry parses), folds it onto one
// line: go-containerregistry quotes the body in its error, and a task
// error or log line should not carry a load balancer's multi-line HTML
// page.
func oneLineBody(resp *http.Response) {
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	if !json.Valid(b) {
		b = []byte(strings.Join(strings.Fields(string(b)), " "))
		if len(b) > 256 {
			b = append(b[:256], "..."...)
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
}

// isBlobGet says whether req downloads a registry blob (a layer or a
// config): the big, immutable, content-addressed bodies worth resuming.
func isBlobGet(req *http.Request) bool {
	return req.Method == http.MethodGet && strings.Contains(req.URL.Path, "/blobs/sha256:")
}

// resumingBody continues a blob download that broke off mid-body (a reset
// connection, a proxy timing out a long transfer) with a Range request
// from the first missing byte, up to left times, instead of failing a scan
// that has already streamed most of a large layer. What it splices
// together is still verified against the blob digest by the layer reader
// above it, so a server that answers the range with different bytes is
// caught there.
type resumingBody struct {
	t       *retryTransport
	req     *http.Request
	body    io.ReadCloser
	off     int64 // bytes delivered so far
	size    int64 // the full body's length
	left    int   // resumes left
	pending error // a read error held back while returning the bytes read with it
}

func (b *resumingBody) Read(p []byte) (int, error) {
	for {
		if b.pending == nil {
			n, err := b.body.Read(p)
			b.off += int64(n)
			if err == io.EOF && b.off < b.size {
				err = io.ErrUnexpectedEOF
			}
			if err == nil || err == io.EOF {
				return n, err
			}
			if n > 0 {
				b.pending = err
				return n, nil
			}
			b.pending = err
		}
		err := b.pending
		if b.left <= 0 || b.off >= b.size || b.req.Context().Err() != nil {
			return 0, err
		}
		b.left--
		if rerr := b.resume(); rerr != nil {
			b.left = 0
			return 0, fmt.Errorf("%w (resuming at byte %d: %v)", err, b.off, rerr)
		}
		b.pending = nil
	}
}

// resume replaces the broken body with the rest of the blob.
func (b *resumingBody) resume() error {
	_ = b.body.Close()
	b.body = io.NopCloser(strings.NewReader(""))
	if err := sleep(b.req.Context(), b.t.backoff); err != nil {
		return err
	}
	req := b.req.Clone(b.req.Context())
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", b.off))
	resp, err := b.t.RoundTrip(req)
	if err != nil {
		return err
	}
	want := fmt.Sprintf("bytes %d-%d/", b.off, b.size-1)
	if resp.StatusCode != http.StatusPartialContent || !strings.HasPrefix(resp.Header.Get("Content-Range"), want) {
		resp.Body.Close()
		return fmt.Errorf("range request answered %s, Content-Range %q", resp.Status, resp.Header.Get("Content-Range"))
	}
	b.body = resp.Body
	return nil
}

func (b *resumingBody) Close() error { return b.body.Close() }

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		// Cancellation is the caller's decision and a certificate the
		// caller does not trust will not become trusted: neither is a flake.
		var (
			certErr *tls.CertificateVerificationError
			unkAuth x509.UnknownAuthorityError
			hostErr x509.HostnameError
			// A plain-HTTP server on the port: go-containerregistry tries
			// https first even for loopback registries.
			recErr tls.RecordHeaderError
		)
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) &&
			!errors.As(err, &certErr) && !errors.As(err, &unkAuth) && !errors.As(err, &hostErr) && !errors.As(err, &recErr)
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests,
		http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date.
func retryAfter(v string) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		d := time.Until(t)
		if d < 0 {
			d = 0
		}
		return d, true
	}
	return 0, false
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
