package crawl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestVendorListingCrawlsRealRegistry: kinds whose repositories come from
// a vendor API crawl the real registry (behind a proxy whose catalog
// answers 404) end to end: the API lists the repositories, the v2 API
// gives tags and digests. Harbor's API is served by the registry's own
// host (its default); Docker Hub's by another server, as hub.docker.com
// is. The API shapes are those of provider's tests (Harbor swagger
// listRepositories; https://docs.docker.com/reference/api/hub/latest/).
func TestVendorListingCrawlsRealRegistry(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	ns := "kind-" + randomSuffix(t)
	p := newPushed()
	pushImage(t, p, host, ns+"/app", []string{"v1", "v2"})
	pushImage(t, p, host, ns+"/db", []string{"16"})
	reg, _ := noCatalogProxy(t, host, http.StatusNotFound)

	// The Harbor API in front of the same proxy: one project, ns.
	harbor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v2.0/projects/"+ns+"/repositories" {
			if u, pw, _ := r.BasicAuth(); u != "robot$scan" || pw != "harbor-secret" {
				http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"unauthorized"}]}`, http.StatusUnauthorized)
				return
			}
			fmt.Fprintf(w, `[{"id":1,"name":"%s/app"},{"id":2,"name":"%s/db"}]`, ns, ns)
			return
		}
		reg.Config.Handler.ServeHTTP(w, r)
	}))
	defer harbor.Close()
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v2/namespaces/"+ns+"/repositories" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, `{"count":2,"next":null,"results":[{"name":"app","namespace":"%s"},{"name":"db","namespace":"%s"}]}`, ns, ns)
	}))
	defer hub.Close()

	for _, tc := range []struct {
		name string
		r    Registry
	}{
		{"harbor", Registry{Kind: provider.Harbor, URL: harbor.URL, Namespace: ns, Username: "robot$scan", Password: "harbor-secret"}},
		{"dockerhub", Registry{Kind: provider.DockerHub, URL: reg.URL, Namespace: ns, API: hub.URL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.r.Name = tc.name
			res := crawl(t, tc.r, Options{})
			if res.err != nil || len(res.errs) > 0 {
				t.Fatal(res.err, res.errs)
			}
			if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
				t.Errorf("crawl found %v\nwant %v", got, want)
			}
		})
	}

	// Refused API credentials fail the crawl as ErrUnauthorized, without
	// the secret in the message.
	res := crawl(t, Registry{Name: "h", Kind: provider.Harbor, URL: harbor.URL, Namespace: ns, Username: "robot$scan", Password: "wrong-pass"}, Options{})
	if !errors.Is(res.err, ErrUnauthorized) || strings.Contains(res.err.Error(), "wrong-pass") || !strings.Contains(res.err.Error(), "kind harbor") {
		t.Errorf("wrong password: %v; want ErrUnauthorized naming kind harbor, no secret", res.err)
	}
	// A Docker Hub namespace that does not exist is ErrNotFound.
	res = crawl(t, Registry{Name: "h", Kind: provider.DockerHub, URL: reg.URL, Namespace: "nobody", API: hub.URL}, Options{})
	if !errors.Is(res.err, ErrNotFound) {
		t.Errorf("unknown namespace: %v; want ErrNotFound", res.err)
	}
}

// listerFunc adapts a function to provider.Lister.
type listerFunc func(yield func(string) error) error

func (f listerFunc) Repositories(_ context.Context, yield func(string) error) error { return f(yield) }

// TestOptionsListerDedupAndStop: a handed-in Lister (as cloudcreds' ECR
// one is) is deduplicated, capped by MaxRepositories (the listing stops
// at once), and its failure is fatal and named.
func TestOptionsListerDedupAndStop(t *testing.T) {
	d := &distributionPaging{}
	_, host := newInProcess(t, d)
	p := newPushed()
	for _, r := range []string{"a", "b", "c"} {
		pushImage(t, p, host, "team/"+r, []string{"v1"})
	}
	calls := 0
	l := listerFunc(func(yield func(string) error) error {
		for _, r := range []string{"team/a", "team/a", "team/b", "team/c"} {
			calls++
			if err := yield(r); err != nil {
				return err
			}
		}
		return nil
	})
	res := crawl(t, Registry{Name: "x", URL: "http://" + host, Kind: provider.ECR, MaxRepositories: 2}, Options{Lister: l})
	if res.err != nil || len(res.images) != 2 || !res.stats.Truncated || calls != 4 {
		t.Errorf("err %v, %d images, stats %+v, %d yields; want 2 images, truncated, stopped at the 4th yield", res.err, len(res.images), res.stats, calls)
	}
	if d.catalogRequests.Load() != 0 {
		t.Error("the catalog was read although a Lister was given")
	}
	boom := listerFunc(func(yield func(string) error) error {
		_ = yield("team/a")
		return io.ErrUnexpectedEOF
	})
	res = crawl(t, Registry{Name: "x", URL: "http://" + host}, Options{Lister: boom})
	if !errors.Is(res.err, io.ErrUnexpectedEOF) || !strings.Contains(res.err.Error(), "listing repositories") {
		t.Errorf("failing lister: %v", res.err)
	}
}
