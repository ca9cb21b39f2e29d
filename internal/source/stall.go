package source

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultStallTimeout is how long a registry response may make no
// progress (no response headers, or no body bytes) before it is given up.
// It is a bound on silence, not on duration: a large layer arriving
// slowly but steadily is never cut off.
const DefaultStallTimeout = 30 * time.Second

// stallTransport bounds the silence of every registry request (manifests,
// configs, blobs, token requests): a timer started with the request is
// pushed back each time bytes arrive, and cancels the request when it
// fires. It sits below retryTransport, so a stall before the headers is
// retried like a network error and a stall mid-blob is resumed with a
// Range request, within the same retry budget.
type stallTransport struct {
	base    http.RoundTripper
	timeout time.Duration
}

func (t *stallTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancel(req.Context())
	var fired atomic.Bool
	timer := time.AfterFunc(t.timeout, func() {
		fired.Store(true)
		cancel()
	})
	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		timer.Stop()
		cancel()
		if fired.Load() && req.Context().Err() == nil {
			return nil, &StallError{Registry: req.URL.Host, Object: objectOf(req), Timeout: t.timeout}
		}
		return nil, err
	}
	timer.Reset(t.timeout) // the headers were progress
	se := StallError{Registry: req.URL.Host, Object: objectOf(req), Timeout: t.timeout, Size: resp.ContentLength, Headers: true}
	// A resumed blob counts from the start of the blob, not of the range.
	var first, last, total int64
	if _, err := fmt.Sscanf(resp.Header.Get("Content-Range"), "bytes %d-%d/%d", &first, &last, &total); err == nil {
		se.Received, se.Size = first, total
	}
	resp.Body = &stallBody{body: resp.Body, timer: timer, fired: &fired, cancel: cancel, parent: req.Context(), err: se}
	return resp, nil
}

// stallBody pushes the stall timer back on every read that brings bytes
// and turns the cancellation the timer causes into a StallError.
type stallBody struct {
	body   io.ReadCloser
	timer  *time.Timer
	fired  *atomic.Bool
	cancel context.CancelFunc
	parent context.Context // the caller's context: its cancellation is not a stall
	err    StallError      // filled in with the bytes received when it happens
}

func (b *stallBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.err.Received += int64(n)
	if err == nil && n > 0 && !b.fired.Load() {
		b.timer.Reset(b.err.Timeout)
	}
	if err != nil {
		if err != io.EOF && b.fired.Load() && b.parent.Err() == nil {
			e := b.err
			return n, &e
		}
		b.timer.Stop()
	}
	return n, err
}

func (b *stallBody) Close() error {
	b.timer.Stop()
	err := b.body.Close()
	b.cancel()
	return err
}

// objectOf names what a registry request fetches, for error messages:
// the blob digest or the manifest reference, with the repository.
func objectOf(req *http.Request) string {
	p := strings.TrimPrefix(req.URL.Path, "/v2/")
	if repo, d, ok := strings.Cut(p, "/blobs/"); ok {
		return "blob " + d + " of " + repo
	}
	if repo, ref, ok := strings.Cut(p, "/manifests/"); ok {
		if strings.Contains(ref, ":") {
			return "manifest " + repo + "@" + ref
		}
		return "manifest " + repo + ":" + ref
	}
	return req.URL.Redacted()
}
