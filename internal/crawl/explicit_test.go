package crawl

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// noCatalogProxy stands in front of the real registry and refuses the
// catalog the way Docker Hub (404 UNSUPPORTED) or a registry that keeps
// the catalog to administrators (401) does; everything else is proxied.
func noCatalogProxy(t *testing.T, host string, status int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	target, err := url.Parse("http://" + host)
	if err != nil {
		t.Fatal(err)
	}
	rp := httputil.NewSingleHostReverseProxy(target)
	var catalog atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v2/_catalog" {
			catalog.Add(1)
			if status == http.StatusUnauthorized {
				writeRegistryError(w, status, "UNAUTHORIZED", "catalog is for administrators")
			} else {
				writeRegistryError(w, status, "UNSUPPORTED", "the catalog is not served here")
			}
			return
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &catalog
}

// TestExplicitRepositoriesWithoutCatalog: a registry whose catalog answers
// 404 or 401 cannot be crawled by listing (the old code's only way:
// ErrCatalogUnsupported / ErrUnauthorized), but with an explicit
// repository list it crawls fully, tag globs applied, without asking for
// the catalog at all. The images are real pushes to the real registry.
func TestExplicitRepositoriesWithoutCatalog(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	ns := "explicit-" + randomSuffix(t)
	p := newPushed()
	pushImage(t, p, host, ns+"/app", []string{"v1", "v1.1", "v2", "latest"})
	pushImage(t, p, host, ns+"/db", []string{"15", "16"})
	pushIndex(t, p, host, ns+"/multi", "1", testPlatforms)
	pushImage(t, p, host, ns+"/unlisted", []string{"v1"})

	for _, tc := range []struct {
		name    string
		status  int
		wantErr error
	}{
		{"catalog 404", http.StatusNotFound, ErrCatalogUnsupported},
		{"catalog 401", http.StatusUnauthorized, ErrUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, catalog := noCatalogProxy(t, host, tc.status)
			// Without a list the crawl cannot start: what users had before.
			res := crawl(t, Registry{Name: "nocat", URL: srv.URL}, Options{})
			if !errors.Is(res.err, tc.wantErr) {
				t.Fatalf("crawl without a list: %v; want %v", res.err, tc.wantErr)
			}
			catalog.Store(0)

			res = crawl(t, Registry{Name: "nocat", URL: srv.URL, Repositories: []string{
				ns + "/app:v1*", ns + "/app:latest", ns + "/db", ns + "/multi", ns + "/missing",
			}}, Options{Concurrency: 3})
			if res.err != nil {
				t.Fatal(res.err)
			}
			if n := catalog.Load(); n != 0 {
				t.Errorf("%d catalog requests with an explicit list; want 0", n)
			}
			var want []string
			for k := range p.images {
				switch {
				case k.Repo == ns+"/app" && k.Tag != "v2", k.Repo == ns+"/db", k.Repo == ns+"/multi":
					want = append(want, k.String())
				}
			}
			slices.Sort(want)
			if got := res.keys(""); !slices.Equal(got, want) || len(want) != 6 {
				t.Errorf("crawl found\n%v\nwant (6)\n%v", got, want)
			}
			// The listed repository that does not exist is a named
			// per-repository error, not a silent omission.
			if len(res.errs) != 1 || !strings.Contains(res.errs[0], ns+"/missing") {
				t.Errorf("errors %v; want one naming %s/missing", res.errs, ns)
			}
			img := res.images[key{ns + "/multi", "1", firstDigest(p, ns+"/multi")}]
			if want := p.platforms[ns+"/multi:1"]; !slices.Equal(img.Platforms, want) {
				t.Errorf("index platforms %v, want %v", img.Platforms, want)
			}
			if res.stats.Repositories != 4 {
				t.Errorf("stats %+v; want 4 repositories", res.stats)
			}
		})
	}
}

func TestParseRepositories(t *testing.T) {
	for _, tc := range []struct {
		name    string
		kind    string
		in      []string
		want    map[string][]string
		wantErr string
	}{
		{name: "plain and globs", in: []string{"a/b", "c:v*", "c:1.*", "c:v*"}, want: map[string][]string{"a/b": nil, "c": {"v*", "1.*"}}},
		{name: "all tags wins", in: []string{"c:v*", "c"}, want: map[string][]string{"c": nil}},
		{name: "star is all", in: []string{"c:*"}, want: map[string][]string{"c": nil}},
		{name: "docker hub library", kind: provider.DockerHub, in: []string{"alpine:3.*", "bitnami/redis"}, want: map[string][]string{"library/alpine": {"3.*"}, "bitnami/redis": nil}},
		{name: "generic keeps one segment", in: []string{"alpine"}, want: map[string][]string{"alpine": nil}},
		{name: "glob in repo", in: []string{"team/*"}, wantErr: "globs belong in Filters"},
		{name: "leading dash", in: []string{"team/-app"}, wantErr: "not a repository name"},
		{name: "empty tag", in: []string{"a:"}, wantErr: "empty tag pattern"},
		{name: "bad glob", in: []string{"a:[x"}, wantErr: "tag pattern"},
		{name: "empty", in: []string{""}, wantErr: "not a repository name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseRepositories(tc.kind, tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v; want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for k, v := range tc.want {
				if g, ok := got[k]; !ok || !slices.Equal(g, v) {
					t.Errorf("%s: %v, want %v", k, g, v)
				}
			}
		})
	}
}

// TestKindConfigErrors: a kind the crawler does not know, a vendor kind
// without the namespace its API needs, and ECR without the SDK lister are
// configuration errors naming the cause, before any request.
func TestKindConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		r    Registry
		want string
	}{
		{Registry{URL: "https://r.example", Kind: "dockerhubb"}, `unknown kind "dockerhubb"`},
		{Registry{URL: "https://r.example", Kind: provider.DockerHub}, "needs a namespace"},
		{Registry{URL: "https://r.example", Kind: provider.ECR}, "AWS SDK"},
		{Registry{URL: "https://r.example", Kind: provider.GAR, Namespace: "projects/p"}, "projects/PROJECT/locations"},
		{Registry{URL: "https://r.example", Kind: provider.Quay, Namespace: "org", API: "ftp://x"}, "API URL"},
	} {
		res := crawl(t, tc.r, Options{})
		if !errors.Is(res.err, ErrInvalidConfig) || !strings.Contains(res.err.Error(), tc.want) {
			t.Errorf("%+v: %v; want ErrInvalidConfig with %q", tc.r, res.err, tc.want)
		}
	}
}
