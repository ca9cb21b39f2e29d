package feed

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/feed/format"
)

// NVDAPIPath ends the URL of the NVD CVE API 2.0
// (https://services.nvd.nist.gov/rest/json/cves/2.0).
const NVDAPIPath = "/rest/json/cves/2.0"

const (
	// nvdPageSize is the API's maximum resultsPerPage.
	nvdPageSize = 2000
	// NVD's published limits: 5 requests in a rolling 30 s window
	// without a key, 50 with one.
	nvdIntervalNoKey = 6 * time.Second
	nvdIntervalKey   = 600 * time.Millisecond
	// nvdAttempts bounds the tries of one page (403/429/5xx and
	// connection errors are retried with a growing pause).
	nvdAttempts = 5
	// nvdMaxPages bounds a download whose totalResults keeps growing.
	nvdMaxPages = 1000
)

// loadNVDAPI pages through the NVD CVE API: startIndex from 0 by
// resultsPerPage until totalResults, pausing between requests to stay
// within the rate limit, and retrying a page on the statuses NVD answers
// when that limit is hit (403, 429, 503). Each page is parsed as it
// arrives; a page that still fails after nvdAttempts fails the load, so
// an update never installs a half-downloaded NVD.
func (l *loader) loadNVDAPI(base *url.URL, opts Options) error {
	client := opts.Client
	if client == nil {
		client = http.DefaultClient
	}
	interval := opts.NVDInterval
	if interval == 0 {
		interval = nvdIntervalNoKey
		if opts.NVDAPIKey != "" {
			interval = nvdIntervalKey
		}
	}
	start, total := 0, -1
	for page := 0; total < 0 || start < total; page++ {
		if page >= nvdMaxPages {
			return fmt.Errorf("NVD API: more than %d pages", nvdMaxPages)
		}
		if page > 0 {
			if err := sleep(l, interval); err != nil {
				return err
			}
		}
		u := *base
		q := u.Query()
		q.Set("startIndex", strconv.Itoa(start))
		q.Set("resultsPerPage", strconv.Itoa(nvdPageSize))
		u.RawQuery = q.Encode()
		body, err := l.nvdGet(client, &u, opts.NVDAPIKey, interval)
		if err != nil {
			return err
		}
		l.stats.Files++
		name := fmt.Sprintf("NVD API startIndex=%d", start)
		if l.enrich == nil {
			l.stats.Skipped++
			return nil
		}
		p, err := enrich.ParseNVD(body, l.sendEnrichment)
		var st format.Stop
		if errors.As(err, &st) {
			return err
		}
		if err != nil {
			// A page that does not parse cannot be skipped: its CVEs
			// would silently lose their scores.
			return fmt.Errorf("%s: %w", name, err)
		}
		if p.ResultsPerPage <= 0 && p.TotalResults > start {
			return fmt.Errorf("%s: resultsPerPage %d with totalResults %d", name, p.ResultsPerPage, p.TotalResults)
		}
		total = p.TotalResults
		start += p.ResultsPerPage
	}
	return nil
}

func (l *loader) nvdGet(client *http.Client, u *url.URL, key string, interval time.Duration) ([]byte, error) {
	var last error
	for attempt := 0; attempt < nvdAttempts; attempt++ {
		if attempt > 0 {
			wait := interval * time.Duration(1<<attempt)
			if ra, ok := last.(retryAfter); ok && ra.d > wait {
				wait = ra.d
			}
			if err := sleep(l, min(wait, 2*time.Minute)); err != nil {
				return nil, err
			}
		}
		req, err := http.NewRequestWithContext(l.ctx, http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		if key != "" {
			req.Header.Set("apiKey", key)
		}
		l.stats.Requests++
		resp, err := client.Do(req)
		if err != nil {
			if l.ctx.Err() != nil {
				return nil, l.ctx.Err()
			}
			last = err
			continue
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxDocSize+1))
		resp.Body.Close()
		switch {
		case err != nil:
			last = fmt.Errorf("reading %s: %w", u.Redacted(), err)
			continue
		case resp.StatusCode == http.StatusOK && len(body) > maxDocSize:
			return nil, fmt.Errorf("NVD API page larger than %d bytes", maxDocSize)
		case resp.StatusCode == http.StatusOK:
			return body, nil
		case resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
			d, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			last = retryAfter{fmt.Errorf("GET %s: %s (rate limited or unavailable)", u.Redacted(), resp.Status), time.Duration(d) * time.Second}
			continue
		default:
			return nil, fmt.Errorf("GET %s: %s", u.Redacted(), resp.Status)
		}
	}
	return nil, fmt.Errorf("NVD API: giving up after %d attempts: %w", nvdAttempts, last)
}

type retryAfter struct {
	error
	d time.Duration
}

func (r retryAfter) Unwrap() error { return r.error }

// sleep waits d or until the load is cancelled.
func sleep(l *loader, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-l.ctx.Done():
		return l.ctx.Err()
	}
}
