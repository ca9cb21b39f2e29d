package crawl

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// endpoint is the registry's scheme and host; every request URL is built
// from it.
type endpoint struct{ scheme, host string }

func parseEndpoint(s string) (endpoint, error) {
	u, err := url.Parse(s)
	if err != nil {
		// url.Parse errors quote the input, which may hold a password.
		return endpoint{}, errors.New("URL does not parse")
	}
	if u.User != nil {
		return endpoint{}, fmt.Errorf("URL %s: put credentials in Username/Password, not the URL", u.Redacted())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return endpoint{}, fmt.Errorf("URL %s: scheme must be http or https", u.Redacted())
	}
	if u.Host == "" {
		return endpoint{}, fmt.Errorf("URL %s: no host", u.Redacted())
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return endpoint{}, fmt.Errorf("URL %s: a path, query or fragment is not supported (the registry API lives at /v2/ on the host; use Filters to select a namespace)", u.Redacted())
	}
	return endpoint{scheme: u.Scheme, host: u.Host}, nil
}

func (e endpoint) url(path string, n int) string {
	u := url.URL{Scheme: e.scheme, Host: e.host, Path: path}
	if n > 0 {
		u.RawQuery = fmt.Sprintf("n=%d", n)
	}
	return u.String()
}

func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "<unparseable URL>"
	}
	return u.Redacted()
}

// baseTransport returns the HTTP transport under ggcr's auth transports,
// with the registry's TLS settings.
func baseTransport(r Registry, t http.RoundTripper) (http.RoundTripper, error) {
	if t == nil {
		d := http.DefaultTransport.(*http.Transport).Clone()
		d.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		d.TLSHandshakeTimeout = 10 * time.Second
		d.ResponseHeaderTimeout = 30 * time.Second
		t = d
	}
	ht, ok := t.(*http.Transport)
	if !ok {
		if r.Insecure || r.CACertFile != "" {
			return nil, errors.New("the Insecure and CACertFile settings need Options.Transport to be nil or an *http.Transport")
		}
		return t, nil
	}
	if !r.Insecure && r.CACertFile == "" {
		return ht, nil
	}
	ht = ht.Clone()
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if ht.TLSClientConfig != nil {
		tc = ht.TLSClientConfig.Clone()
	}
	if r.CACertFile != "" {
		pem, err := os.ReadFile(r.CACertFile)
		if err != nil {
			return nil, fmt.Errorf("CA bundle: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA bundle %s holds no PEM certificate", r.CACertFile)
		}
		tc.RootCAs = pool
	}
	if r.Insecure {
		tc.InsecureSkipVerify = true // #nosec G402 -- the registry is configured Insecure
	}
	ht.TLSClientConfig = tc
	return ht, nil
}

// pinScheme refuses requests to the registry host in any scheme but the
// configured one. go-containerregistry picks the scheme itself: for
// loopback and RFC 1918 hosts (and Insecure names) it races https against
// plain http and keeps whichever answers, which would silently downgrade
// an https registry at a private address — credentials included — to
// plain HTTP when TLS fails. Refusing (rather than rewriting) the other
// scheme keeps ggcr's errors truthful about what was tried.
type pinScheme struct {
	host, scheme string
	inner        http.RoundTripper
}

func (p *pinScheme) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Host == p.host && req.URL.Scheme != p.scheme {
		if req.Body != nil {
			req.Body.Close() // a RoundTripper must close the body, even on error
		}
		return nil, fmt.Errorf("not trying %s: the registry is configured as %s://%s", req.URL.Scheme, p.scheme, p.host)
	}
	return p.inner.RoundTrip(req)
}

// client returns an HTTP client over rt that follows redirects only on the
// registry host: the auth transports attach credentials by host, but a
// redirect elsewhere is still not something a listing should follow.
func (c *crawler) client(rt http.RoundTripper) *http.Client {
	return &http.Client{
		Transport: rt,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("too many redirects")
			}
			if req.URL.Host != c.ep.host {
				return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
			}
			return nil
		},
	}
}

// Response size bounds: distribution refuses manifests over 4 MiB; a
// catalog or tag page is a JSON list of short names.
const (
	maxManifestBytes = 4 << 20
	maxPageBytes     = 64 << 20
)

// pager walks a paginated listing (catalog or tags/list) by the Link
// header, per the distribution spec.
//
// Hand-written rather than ggcr's Catalogger/Lister because ggcr validates
// each next-page URL against name.Registry.Scheme(), which is "http" for
// loopback and private addresses even when the registry speaks TLS (its
// transport upgrades the request to https after the ping), so paging an
// https registry at such an address fails with a scheme mismatch. Here
// the next page must be on the registry host and is fetched with the
// configured scheme.
type pager struct {
	c      *crawler
	client *http.Client
	url    string
	seen   map[string]bool
}

func (c *crawler) newPager(rt http.RoundTripper, first string) *pager {
	return &pager{c: c, client: c.client(rt), url: first, seen: map[string]bool{}}
}

// next fetches the current page into v and reports whether another page
// follows.
func (p *pager) next(ctx context.Context, v any) (bool, error) {
	if p.url == "" {
		return false, nil
	}
	if p.seen[p.url] {
		return false, fmt.Errorf("pagination loops back to %s", p.url)
	}
	p.seen[p.url] = true
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.url, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return false, classify(err)
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return false, classify(err)
	}
	body, err := readLimited(resp.Body, maxPageBytes)
	if err != nil {
		return false, fmt.Errorf("GET %s: %w", p.url, err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return false, fmt.Errorf("GET %s: decoding listing: %w", p.url, err)
	}
	next, err := nextLink(resp.Header.Values("Link"))
	if err != nil {
		return false, fmt.Errorf("GET %s: %w", p.url, err)
	}
	if next == "" {
		p.url = ""
		return false, nil
	}
	u, err := resp.Request.URL.Parse(next)
	if err != nil {
		return false, fmt.Errorf("GET %s: next page link: %w", p.url, err)
	}
	if u.Host != p.c.ep.host {
		return false, fmt.Errorf("GET %s: next page link points to another host (%s); refused", p.url, u.Host)
	}
	u.Scheme = p.c.ep.scheme
	u.Fragment = ""
	p.url = u.String()
	return true, nil
}

// nextLink returns the target of the rel="next" link among RFC 8288 Link
// header values. A lone link without rel is taken as next, as registries
// that predate the spec's wording send it that way (ggcr does the same).
func nextLink(values []string) (string, error) {
	var links []struct{ target, rel string }
	for _, v := range values {
		for s := strings.TrimSpace(v); s != ""; s = strings.TrimSpace(s) {
			if s[0] != '<' {
				return "", fmt.Errorf("malformed Link header %q", v)
			}
			end := strings.IndexByte(s, '>')
			if end < 0 {
				return "", fmt.Errorf("malformed Link header %q", v)
			}
			l := struct{ target, rel string }{target: s[1:end]}
			s = s[end+1:]
			params := s
			if i := strings.IndexByte(s, ','); i >= 0 {
				params, s = s[:i], s[i+1:]
			} else {
				s = ""
			}
			for p := range strings.SplitSeq(params, ";") {
				k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "rel") {
					l.rel = strings.Trim(strings.TrimSpace(val), `"`)
				}
			}
			links = append(links, l)
		}
	}
	for _, l := range links {
		if slices.Contains(strings.Fields(strings.ToLower(l.rel)), "next") {
			return l.target, nil
		}
	}
	if len(links) == 1 && links[0].rel == "" {
		return links[0].target, nil
	}
	return "", nil
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("reading body: %w", classify(err))
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("response larger than %d bytes", limit)
	}
	return b, nil
}

// manifestAccept lists the manifest types the crawler understands.
var manifestAccept = strings.Join([]string{
	string(types.OCIImageIndex),
	string(types.OCIManifestSchema1),
	string(types.DockerManifestList),
	string(types.DockerManifestSchema2),
}, ", ")

// resolve finds the manifest digest (and, for an index, the platforms) of
// repo:tag. HEAD is tried first: it is cheap and, on Docker Hub, does not
// count against pull limits. GET follows when HEAD gives no usable
// Docker-Content-Digest or when the manifest is an index, whose platforms
// are in its body.
func (c *crawler) resolve(ctx context.Context, rt http.RoundTripper, repo, tag string) (Image, error) {
	img := Image{Registry: c.name, Host: c.ep.host, Repository: repo, Tag: tag}
	u := c.ep.url("/v2/"+repo+"/manifests/"+tag, 0)
	cl := c.client(rt)

	resp, err := manifestRequest(ctx, cl, http.MethodHead, u)
	if err != nil {
		return img, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		mt := contentType(resp.Header)
		d := resp.Header.Get("Docker-Content-Digest")
		if _, err := v1.NewHash(d); err == nil && mt != "" && !types.MediaType(mt).IsIndex() {
			img.Digest, img.MediaType = d, mt
			return img, nil
		}
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		return img, classify(transport.CheckError(resp, http.StatusOK))
	}
	// Anything else (no digest, an index, 405 from a proxy that does not
	// do HEAD, a 5xx) gets one GET.
	resp, err = manifestRequest(ctx, cl, http.MethodGet, u)
	if err != nil {
		return img, err
	}
	defer resp.Body.Close()
	if err := transport.CheckError(resp, http.StatusOK); err != nil {
		return img, classify(err)
	}
	body, err := readLimited(resp.Body, maxManifestBytes)
	if err != nil {
		return img, fmt.Errorf("manifest: %w", err)
	}
	// The digest is that of the bytes served: what a pull by digest gets.
	sum, _, err := v1.SHA256(bytes.NewReader(body))
	if err != nil {
		return img, err
	}
	if h, err := v1.NewHash(resp.Header.Get("Docker-Content-Digest")); err == nil && h.Algorithm == sum.Algorithm && h != sum {
		return img, fmt.Errorf("manifest digest %s does not match Docker-Content-Digest %s", sum, h)
	}
	img.Digest = sum.String()
	var probe struct {
		MediaType string `json:"mediaType"`
	}
	if err := json.Unmarshal(body, &probe); err != nil {
		return img, fmt.Errorf("manifest is not JSON: %w", err)
	}
	img.MediaType = contentType(resp.Header)
	if !isManifestType(img.MediaType) && probe.MediaType != "" {
		img.MediaType = probe.MediaType
	}
	if types.MediaType(img.MediaType).IsIndex() {
		idx, err := v1.ParseIndexManifest(bytes.NewReader(body))
		if err != nil {
			return img, fmt.Errorf("parsing index: %w", err)
		}
		img.Platforms = platforms(idx)
		img.Manifests = platformManifests(idx)
	}
	return img, nil
}

func manifestRequest(ctx context.Context, cl *http.Client, method, u string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", manifestAccept)
	resp, err := cl.Do(req)
	if err != nil {
		return nil, classify(err)
	}
	return resp, nil
}

func contentType(h http.Header) string {
	mt, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.TrimSpace(mt)
}

// platforms lists an index's platforms in index order, without
// duplicates and without the "unknown/unknown" entries BuildKit adds for
// attestation manifests.
func platforms(idx *v1.IndexManifest) []string {
	var out []string
	for _, m := range idx.Manifests {
		if m.Platform == nil || m.Platform.OS == "" || m.Platform.OS == "unknown" {
			continue
		}
		if s := m.Platform.String(); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// platformManifests lists an index's image manifests by platform, as
// platforms does; nested indexes and entries without a platform are left
// out (a scan of the index itself picks from those).
func platformManifests(idx *v1.IndexManifest) []PlatformManifest {
	var out []PlatformManifest
	seen := map[string]bool{}
	for _, m := range idx.Manifests {
		if m.Platform == nil || m.Platform.OS == "" || m.Platform.OS == "unknown" || m.MediaType.IsIndex() {
			continue
		}
		s := m.Platform.String()
		if seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, PlatformManifest{Platform: s, Digest: m.Digest.String(), MediaType: string(m.MediaType)})
	}
	return out
}

// classify marks authentication refusals and network failures with the
// package's sentinels, keeping the original error in the chain.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrUnauthorized) || errors.Is(err, ErrUnreachable) {
		return err
	}
	var te *transport.Error
	if errors.As(err, &te) && (te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden) {
		return fmt.Errorf("%w: %w", ErrUnauthorized, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var (
		urlErr  *url.Error // no HTTP response at all
		opErr   *net.OpError
		dnsErr  *net.DNSError
		netErr  net.Error
		certErr *tls.CertificateVerificationError
		uaErr   x509.UnknownAuthorityError
		hostErr x509.HostnameError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &urlErr), errors.As(err, &opErr), errors.As(err, &dnsErr), errors.As(err, &certErr),
		errors.As(err, &uaErr), errors.As(err, &hostErr), errors.As(err, &invErr),
		errors.As(err, &recErr), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return err
}

// catalogError classifies a failure to read the catalog.
func catalogError(err error) error {
	var te *transport.Error
	if errors.As(err, &te) && !errors.Is(err, ErrUnauthorized) {
		if te.StatusCode == http.StatusNotFound || te.StatusCode == http.StatusMethodNotAllowed {
			return fmt.Errorf("%w: %w", ErrCatalogUnsupported, err)
		}
		for _, d := range te.Errors {
			if d.Code == transport.UnsupportedErrorCode {
				return fmt.Errorf("%w: %w", ErrCatalogUnsupported, err)
			}
		}
	}
	return fmt.Errorf("listing catalog: %w", err)
}

// redact removes the registry's password and token from an error's text.
// The result answers errors.Is for the sentinels but deliberately does not
// unwrap: an unwrapped inner error would print the secret again.
func (c *crawler) redact(err error) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	changed := false
	for _, s := range []string{c.r.Password, c.r.Token, c.r.APIToken} {
		if s != "" && strings.Contains(msg, s) {
			msg = strings.ReplaceAll(msg, s, "***")
			changed = true
		}
	}
	if !changed {
		return err
	}
	return &redactedError{msg: msg, err: err}
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string        { return e.msg }
func (e *redactedError) Is(target error) bool { return errors.Is(e.err, target) }
