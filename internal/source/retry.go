package source

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net/http"
	"strconv"
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
		if attempt >= t.retries || !replayable || !retryable(resp, err) {
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
