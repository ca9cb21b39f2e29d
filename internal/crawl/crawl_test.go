package crawl

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// TestCrawlInProcessPaginated crawls repositories and tags spread over
// many pages and checks the crawl finds exactly what was pushed, with the
// pushed digests, and that it really paged.
func TestCrawlInProcessPaginated(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	p := newPushed()
	const repos = 23
	pushMany(t, p, host, "ns", repos)
	// A repository with more tags than a page holds.
	var manyTags []string
	for i := range 11 {
		manyTags = append(manyTags, fmt.Sprintf("t%02d", i))
	}
	pushImage(t, p, host, "ns/many-tags", manyTags)
	pushIndex(t, p, host, "ns/multi", "1", []v1.Platform{
		{OS: "linux", Architecture: "amd64"},
		{OS: "linux", Architecture: "arm", Variant: "v7"},
	})

	const pageSize = 4
	res := crawl(t, Registry{Name: "inproc", URL: srv.URL}, Options{PageSize: pageSize, Concurrency: 4})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.errs) > 0 {
		t.Errorf("unexpected per-item errors: %v", res.errs)
	}
	if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	totalRepos := repos + 2
	if got, min := d.catalogRequests.Load(), int64((totalRepos+pageSize-1)/pageSize); got < min {
		t.Errorf("%d catalog requests for %d repositories with page size %d; want >= %d", got, totalRepos, pageSize, min)
	}
	// ns/many-tags alone needs ceil(11/4) tag pages.
	if got, min := d.tagRequests.Load(), int64(totalRepos-1+(len(manyTags)+pageSize-1)/pageSize); got < min {
		t.Errorf("%d tag list requests; want >= %d", got, min)
	}
	if res.stats.Repositories != totalRepos || res.stats.Images != len(p.images) || res.stats.Tags != len(p.images) || res.stats.Errors != 0 {
		t.Errorf("stats %+v; want %d repositories, %d tags and images, 0 errors", res.stats, totalRepos, len(p.images))
	}
	for k, img := range res.images {
		if img.Registry != "inproc" {
			t.Errorf("%s: Registry %q", k, img.Registry)
		}
		want := p.platforms[k.Repo+":"+k.Tag]
		if !slices.Equal(img.Platforms, want) {
			t.Errorf("%s: platforms %v, want %v", k, img.Platforms, want)
		}
		if k.Repo == "ns/multi" && img.MediaType != "application/vnd.oci.image.index.v1+json" {
			t.Errorf("%s: media type %q", k, img.MediaType)
		}
	}
}

// TestCrawlHeadWithoutDigest: a registry (or proxy) whose HEAD answers
// lack Docker-Content-Digest still yields the right digests, by GET.
func TestCrawlHeadWithoutDigest(t *testing.T) {
	d := &distributionPaging{noHeadDigest: true}
	srv, host := newInProcess(t, d)
	p := newPushed()
	pushMany(t, p, host, "nohead", 5)
	gets := d.manifestGets.Load()
	res := crawl(t, Registry{Name: "r", URL: srv.URL}, Options{})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	if got := d.manifestGets.Load() - gets; got != int64(len(p.images)) {
		t.Errorf("%d manifest GETs, want one per tag (%d)", got, len(p.images))
	}
}

// TestCrawlHeadSuffices: with a proper HEAD answer, single-platform
// manifests are never downloaded.
func TestCrawlHeadSuffices(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	p := newPushed()
	pushMany(t, p, host, "head", 4)
	gets := d.manifestGets.Load()
	res := crawl(t, Registry{Name: "r", URL: srv.URL}, Options{})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	if got := len(res.images); got != len(p.images) {
		t.Errorf("%d images, want %d", got, len(p.images))
	}
	if got := d.manifestGets.Load() - gets; got != 0 {
		t.Errorf("%d manifest GETs; HEAD gave the digest, want 0", got)
	}
}

// TestCrawlTagListFailure: one repository's failing tag list is reported
// through emitErr and every other repository is still crawled.
func TestCrawlTagListFailure(t *testing.T) {
	d := &distributionPaging{failTags: map[string]bool{"fail/app-03": true}}
	srv, host := newInProcess(t, d)
	p := newPushed()
	pushMany(t, p, host, "fail", 8)
	res := crawl(t, Registry{Name: "r", URL: srv.URL}, Options{PageSize: 3})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.errs) != 1 || !strings.HasPrefix(res.errs[0], "fail/app-03:: ") || !strings.Contains(res.errs[0], "injected failure") {
		t.Errorf("errors reported: %v; want exactly one for fail/app-03 naming the injected failure", res.errs)
	}
	var want []string
	for k := range p.images {
		if k.Repo != "fail/app-03" {
			want = append(want, k.String())
		}
	}
	slices.Sort(want)
	if got := res.keys(""); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	if res.stats.Errors != 1 {
		t.Errorf("stats.Errors = %d, want 1", res.stats.Errors)
	}
}

// TestCrawlFilters checks that filters select exactly what the globs say.
// The expected sets are worked out by hand from the documented glob rules.
func TestCrawlFilters(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	p := newPushed()
	for _, repo := range []string{"team/app", "team/web", "team/sub/deep", "library/alpine", "library/debian", "other"} {
		pushImage(t, p, host, repo, []string{"v1", "v2", "latest"})
	}
	tests := []struct {
		filters []string
		want    []string // repo:tag
	}{
		{nil, []string{
			"library/alpine:latest", "library/alpine:v1", "library/alpine:v2",
			"library/debian:latest", "library/debian:v1", "library/debian:v2",
			"other:latest", "other:v1", "other:v2",
			"team/app:latest", "team/app:v1", "team/app:v2",
			"team/sub/deep:latest", "team/sub/deep:v1", "team/sub/deep:v2",
			"team/web:latest", "team/web:v1", "team/web:v2"}},
		{[]string{"team/*:v*"}, []string{"team/app:v1", "team/app:v2", "team/web:v1", "team/web:v2"}},
		{[]string{"team/**:v1"}, []string{"team/app:v1", "team/sub/deep:v1", "team/web:v1"}},
		{[]string{"library/alpine:*"}, []string{"library/alpine:latest", "library/alpine:v1", "library/alpine:v2"}},
		{[]string{"library/alpine"}, []string{"library/alpine:latest", "library/alpine:v1", "library/alpine:v2"}},
		{[]string{"*:latest"}, []string{"library/alpine:latest", "library/debian:latest", "other:latest", "team/app:latest", "team/sub/deep:latest", "team/web:latest"}},
		{[]string{"*/*:v2", "other:v1"}, []string{"library/alpine:v2", "library/debian:v2", "other:v1", "team/app:v2", "team/web:v2"}},
		{[]string{"**/deep:v[2-9]"}, []string{"team/sub/deep:v2"}},
		{[]string{"library/?lpine:latest", "team/app:latest"}, []string{"library/alpine:latest", "team/app:latest"}},
		{[]string{"nomatch/**"}, nil},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.filters, ","), func(t *testing.T) {
			res := crawl(t, Registry{Name: "r", URL: srv.URL, Filters: tt.filters}, Options{PageSize: 2})
			if res.err != nil || len(res.errs) > 0 {
				t.Fatal(res.err, res.errs)
			}
			var got []string
			for k := range res.images {
				got = append(got, k.Repo+":"+k.Tag)
				if !p.images[k] {
					t.Errorf("%s: digest not among those pushed", k)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
		})
	}
}

func TestCrawlLimits(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	p := newPushed()
	for i := range 5 {
		pushImage(t, p, host, fmt.Sprintf("lim/r%d", i), []string{"a", "b", "c", "d"})
	}
	tests := []struct {
		name              string
		maxRepos, maxTags int
		wantRepos         int
		wantImages        int
		truncated         bool
	}{
		{"none", 0, 0, 5, 20, false},
		{"repos", 2, 0, 2, 8, true},
		{"tags", 0, 3, 5, 15, true},
		{"both", 3, 1, 3, 3, true},
		{"exact", 5, 4, 5, 20, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := crawl(t, Registry{Name: "r", URL: srv.URL, MaxRepositories: tt.maxRepos, MaxTags: tt.maxTags}, Options{PageSize: 2})
			if res.err != nil || len(res.errs) > 0 {
				t.Fatal(res.err, res.errs)
			}
			repos := map[string]bool{}
			for k := range res.images {
				repos[k.Repo] = true
			}
			if len(repos) != tt.wantRepos || len(res.images) != tt.wantImages || res.stats.Truncated != tt.truncated {
				t.Errorf("%d repositories, %d images, truncated %v; want %d, %d, %v",
					len(repos), len(res.images), res.stats.Truncated, tt.wantRepos, tt.wantImages, tt.truncated)
			}
			if tt.maxTags > 0 {
				// Tags are taken in tag-list (lexical) order.
				for k := range res.images {
					if k.Tag > string(rune('a'+tt.maxTags-1)) {
						t.Errorf("%s: beyond the first %d tags", k, tt.maxTags)
					}
				}
			}
		})
	}
}

func TestCrawlBasicAuthInProcess(t *testing.T) {
	const user, pass = "crawler", "s3cret-Pa55-inproc"
	d := &distributionPaging{user: user, pass: pass}
	srv, host := newInProcess(t, d)
	p := newPushed()
	pushMany(t, p, host, "auth", 3)
	d.authOn.Store(true)

	res := crawl(t, Registry{Name: "authreg", URL: srv.URL, Username: user, Password: pass}, Options{})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	for _, tt := range []struct{ name, user, pass string }{
		{"wrong password", user, "wrong-Pa55word-xyz"},
		{"anonymous", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := crawl(t, Registry{Name: "authreg", URL: srv.URL, Username: tt.user, Password: tt.pass}, Options{})
			assertUnauthorized(t, res, "authreg", tt.pass)
		})
	}
}

// TestCrawlTokenAuthInProcess: on a token-auth registry each repository
// needs its own scoped token, which the crawler obtains.
func TestCrawlTokenAuthInProcess(t *testing.T) {
	const user, pass, static = "crawler", "tok-Pa55-inproc", "static-Tok3n-value"
	d := &distributionPaging{user: user, pass: pass, bearer: true, staticToken: static}
	srv, host := newInProcess(t, d)
	p := newPushed()
	pushMany(t, p, host, "tok", 6)
	d.authOn.Store(true)

	res := crawl(t, Registry{Name: "tokreg", URL: srv.URL, Username: user, Password: pass}, Options{PageSize: 2})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	// One token for the catalog and one per repository, at least.
	if got := d.tokenRequests.Load(); got < 7 {
		t.Errorf("%d token requests; want >= 7 (catalog + 6 repositories)", got)
	}

	res = crawl(t, Registry{Name: "tokreg", URL: srv.URL, Token: static}, Options{})
	if res.err != nil || len(res.errs) > 0 || len(res.images) != len(p.images) {
		t.Errorf("static token: %v %v, %d images; want %d", res.err, res.errs, len(res.images), len(p.images))
	}

	for _, tt := range []struct{ name, user, pass, token string }{
		{"wrong password", user, "wrong-Pa55word-xyz", ""},
		{"wrong token", "", "", "wrong-Tok3n-xyz"},
		{"anonymous", "", "", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := crawl(t, Registry{Name: "tokreg", URL: srv.URL, Username: tt.user, Password: tt.pass, Token: tt.token}, Options{})
			assertUnauthorized(t, res, "tokreg", tt.pass+tt.token)
		})
	}
}

func assertUnauthorized(t *testing.T, res result, regName, secret string) {
	t.Helper()
	if !errors.Is(res.err, ErrUnauthorized) {
		t.Fatalf("error %v; want ErrUnauthorized", res.err)
	}
	msg := res.err.Error()
	if !strings.Contains(msg, `"`+regName+`"`) {
		t.Errorf("error %q does not name registry %q", msg, regName)
	}
	if secret != "" && strings.Contains(msg, secret) {
		t.Errorf("error %q reveals the password", msg)
	}
	if len(res.images) > 0 {
		t.Errorf("%d images emitted by an unauthorized crawl", len(res.images))
	}
}

func TestCrawlUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	for _, scheme := range []string{"http", "https"} {
		t.Run(scheme, func(t *testing.T) {
			res := crawl(t, Registry{Name: "gone", URL: scheme + "://" + addr, Password: "pw-not-shown"}, Options{})
			if !errors.Is(res.err, ErrUnreachable) {
				t.Fatalf("error %v; want ErrUnreachable", res.err)
			}
			if !strings.Contains(res.err.Error(), `"gone"`) {
				t.Errorf("error %q does not name the registry", res.err)
			}
			t.Log(res.err)
		})
	}
}

// TestCrawlHTTPSNotDowngraded: an https registry at a loopback address
// whose TLS fails must not be retried over plain HTTP (go-containerregistry
// would, for loopback and private addresses).
func TestCrawlHTTPSNotDowngraded(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d) // plain HTTP server
	pushMany(t, newPushed(), host, "down", 1)
	https := "https://" + strings.TrimPrefix(srv.URL, "http://")
	res := crawl(t, Registry{Name: "tls", URL: https}, Options{})
	if !errors.Is(res.err, ErrUnreachable) {
		t.Fatalf("error %v; want ErrUnreachable (TLS to a plain HTTP server)", res.err)
	}
	if len(res.images) > 0 {
		t.Errorf("crawl fell back to plain HTTP and found %d images", len(res.images))
	}
}

func TestCrawlTLSInProcess(t *testing.T) {
	d := &distributionPaging{}
	srv := httptest.NewUnstartedServer(d)
	srv.Config.ErrorLog = discardLogger() // handshake failures are expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	d.inner = newInnerRegistry()
	host := strings.TrimPrefix(srv.URL, "https://")
	p := newPushed()
	pushMany(t, p, host, "tls", 3, remoteTransport(srv.Client().Transport))
	res := crawl(t, Registry{Name: "tls", URL: srv.URL}, Options{Transport: srv.Client().Transport, PageSize: 2})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found\n%v\nwant\n%v", got, want)
	}
	// Without the test server's CA, verification fails.
	res = crawl(t, Registry{Name: "tls", URL: srv.URL}, Options{})
	if !errors.Is(res.err, ErrUnreachable) {
		t.Errorf("error %v; want ErrUnreachable for an unknown CA", res.err)
	}
	res = crawl(t, Registry{Name: "tls", URL: srv.URL, Insecure: true}, Options{})
	if res.err != nil || len(res.images) != len(p.images) {
		t.Errorf("Insecure crawl: %v, %d images; want %d", res.err, len(res.images), len(p.images))
	}
}

func TestCrawlCatalogUnsupported(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/" {
			w.WriteHeader(http.StatusOK)
			return
		}
		writeRegistryError(w, http.StatusNotFound, "UNSUPPORTED", "catalog disabled")
	}))
	defer srv.Close()
	res := crawl(t, Registry{Name: "hub", URL: srv.URL}, Options{})
	if !errors.Is(res.err, ErrCatalogUnsupported) {
		t.Fatalf("error %v; want ErrCatalogUnsupported", res.err)
	}
}

// TestCrawlHostilePagination: next-page links to another host or back to
// a page already read end the crawl with an error instead of leaking
// credentials or looping.
func TestCrawlHostilePagination(t *testing.T) {
	tests := []struct {
		name, link, want string
	}{
		{"other host", `<http://evil.example/v2/_catalog?last=a>; rel="next"`, "another host"},
		{"loop", `</v2/_catalog?n=1>; rel="next"`, "loops"},
		{"malformed", `/v2/_catalog?last=a; rel="next"`, "malformed Link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path == "/v2/_catalog" {
					w.Header().Set("Link", tt.link)
					_, _ = w.Write([]byte(`{"repositories":[]}`))
					return
				}
				w.WriteHeader(http.StatusOK)
			}))
			defer srv.Close()
			res := crawl(t, Registry{Name: "h", URL: srv.URL}, Options{PageSize: 1})
			if res.err == nil || !strings.Contains(res.err.Error(), tt.want) {
				t.Errorf("error %v; want one mentioning %q", res.err, tt.want)
			}
		})
	}
}

// TestCrawlInvalidNames: names a broken registry lists that do not fit
// distribution's grammar are reported, never requested.
func TestCrawlInvalidNames(t *testing.T) {
	var (
		mu        sync.Mutex
		requested []string
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		requested = append(requested, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/v2/_catalog":
			_, _ = w.Write([]byte(`{"repositories":["../../etc","UPPER","ok"]}`))
		case "/v2/ok/tags/list":
			_, _ = w.Write([]byte(`{"name":"ok","tags":["../x"]}`))
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	defer srv.Close()
	res := crawl(t, Registry{Name: "h", URL: srv.URL}, Options{Concurrency: 1})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.errs) != 3 {
		t.Errorf("reported %v; want 3 invalid-name errors", res.errs)
	}
	for _, p := range requested {
		if strings.Contains(p, "..") || strings.Contains(p, "UPPER") {
			t.Errorf("requested %s", p)
		}
	}
}

func TestCrawlEmitErrorStops(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	pushMany(t, newPushed(), host, "stop", 10)
	boom := errors.New("queue full")
	n := 0
	_, err := Crawl(t.Context(), Registry{Name: "r", URL: srv.URL}, Options{Concurrency: 2}, func(Image) error {
		n++
		if n == 3 {
			return boom
		}
		return nil
	}, nil)
	if !errors.Is(err, boom) {
		t.Fatalf("error %v; want the emit error", err)
	}
}

func TestCrawlCancel(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	pushMany(t, newPushed(), host, "cancel", 10)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	_, err := Crawl(ctx, Registry{Name: "r", URL: srv.URL}, Options{Concurrency: 2}, func(Image) error {
		cancel()
		return nil
	}, func(repo, tag string, err error) {
		t.Errorf("%s:%s: %v reported; errors caused by cancellation are noise", repo, tag, err)
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v; want context.Canceled", err)
	}
}

func TestCrawlProgress(t *testing.T) {
	d := &distributionPaging{}
	srv, host := newInProcess(t, d)
	pushMany(t, newPushed(), host, "prog", 5)
	var calls []Stats
	st, err := Crawl(t.Context(), Registry{Name: "r", URL: srv.URL}, Options{Progress: func(s Stats) { calls = append(calls, s) }},
		func(Image) error { return nil }, nil)
	if err != nil {
		t.Fatal(err)
	}
	// One call per repository, then the final totals.
	if len(calls) != 6 || calls[len(calls)-1] != st {
		t.Fatalf("progress calls %+v; want 6 ending with %+v", calls, st)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i].Images < calls[i-1].Images {
			t.Errorf("progress went backwards: %+v then %+v", calls[i-1], calls[i])
		}
	}
}

func TestCrawlConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		r    Registry
		opts Options
	}{
		{"no scheme", Registry{URL: "127.0.0.1:5000"}, Options{}},
		{"ftp", Registry{URL: "ftp://h"}, Options{}},
		{"path", Registry{URL: "https://h/team"}, Options{}},
		{"userinfo", Registry{URL: "https://u:topsecret@h"}, Options{}},
		{"bad filter", Registry{URL: "https://h", Filters: []string{"a/["}}, Options{}},
		{"negative", Registry{URL: "https://h", MaxTags: -1}, Options{}},
		{"missing CA", Registry{URL: "https://h", CACertFile: "/nonexistent/ca.pem"}, Options{}},
		{"CA with custom transport", Registry{URL: "https://h", Insecure: true}, Options{Transport: roundTripperFunc(nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Crawl(t.Context(), tt.r, tt.opts, func(Image) error { return nil }, nil)
			if !errors.Is(err, ErrInvalidConfig) {
				t.Fatalf("error %v; want ErrInvalidConfig", err)
			}
			if strings.Contains(err.Error(), "topsecret") {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}
}

type roundTripperFunc func(*http.Request) (*http.Response, error)

func (f roundTripperFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestNextLink(t *testing.T) {
	tests := []struct {
		values []string
		want   string
		err    bool
	}{
		{nil, "", false},
		{[]string{`</v2/_catalog?last=b&n=2>; rel="next"`}, "/v2/_catalog?last=b&n=2", false},
		{[]string{`</a>; rel="prev", </b>; rel="next"`}, "/b", false},
		{[]string{`</a>; rel="prev"`, `</b>; rel=next`}, "/b", false},
		{[]string{`</only>`}, "/only", false},
		{[]string{`</a>; rel="prev"`}, "", false},
		{[]string{`<https://h/x>; title="t"; REL="Next"`}, "https://h/x", false},
		{[]string{`</a`}, "", true},
		{[]string{`garbage`}, "", true},
	}
	for _, tt := range tests {
		got, err := nextLink(tt.values)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("nextLink(%q) = %q, %v; want %q, error %v", tt.values, got, err, tt.want, tt.err)
		}
	}
}
