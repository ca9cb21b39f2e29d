package crawl

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// countingTransport counts catalog requests that reach the network.
type countingTransport struct {
	inner   http.RoundTripper
	catalog atomic.Int64
}

func (c *countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Path == "/v2/_catalog" {
		c.catalog.Add(1)
	}
	return c.inner.RoundTrip(r)
}

var testPlatforms = []v1.Platform{
	{OS: "linux", Architecture: "amd64"},
	{OS: "linux", Architecture: "arm64", Variant: "v8"},
	{OS: "linux", Architecture: "s390x"},
}

// TestRealRegistryCrawl pushes 60 repositories and a multi-platform index
// into a namespace of its own on the real distribution registry, then
// crawls it with a page size small enough to need several catalog pages.
func TestRealRegistryCrawl(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	ns := "crawltest-" + randomSuffix(t)
	p := newPushed()
	const repos = 60
	pushMany(t, p, host, ns, repos)
	pushIndex(t, p, host, ns+"/multi", "1", testPlatforms)

	ct := &countingTransport{inner: http.DefaultTransport.(*http.Transport).Clone()}
	const pageSize = 25
	res := crawl(t, Registry{Name: "real-plain", URL: "http://" + host, Filters: []string{ns + "/**"}},
		Options{PageSize: pageSize, Transport: ct, Concurrency: 4})
	if res.err != nil {
		t.Fatal(res.err)
	}
	if len(res.errs) > 0 {
		t.Errorf("per-item errors: %v", res.errs)
	}
	if got, want := res.keys(ns+"/"), p.keys(); !slices.Equal(got, want) {
		t.Errorf("crawl found %d images\n%v\nwant %d\n%v", len(got), got, len(want), want)
	}
	if got := len(res.images); got != len(p.images) {
		t.Errorf("%d images emitted, want only the %d of namespace %s", got, len(p.images), ns)
	}
	// Our repositories alone fill ceil(61/25) pages; others' add more.
	if got, min := ct.catalog.Load(), int64((repos+1+pageSize-1)/pageSize); got < min {
		t.Errorf("%d catalog requests; want >= %d (pagination not followed?)", got, min)
	}
	img := res.images[key{ns + "/multi", "1", firstDigest(p, ns+"/multi")}]
	if want := p.platforms[ns+"/multi:1"]; !slices.Equal(img.Platforms, want) {
		t.Errorf("index platforms %v, want %v", img.Platforms, want)
	}

	// A narrower filter, with the expectation computed from what was
	// pushed: repositories app-00..app-09, tag v1 only.
	res = crawl(t, Registry{Name: "real-plain", URL: "http://" + host, Filters: []string{ns + "/app-0?:v1"}}, Options{PageSize: pageSize})
	if res.err != nil || len(res.errs) > 0 {
		t.Fatal(res.err, res.errs)
	}
	var want []string
	for k := range p.images {
		if strings.HasPrefix(k.Repo, ns+"/app-0") && k.Tag == "v1" {
			want = append(want, k.String())
		}
	}
	slices.Sort(want)
	if got := res.keys(""); !slices.Equal(got, want) || len(want) != 10 {
		t.Errorf("filtered crawl found %v\nwant (10) %v", got, want)
	}
}

func firstDigest(p *pushed, repo string) string {
	for k := range p.images {
		if k.Repo == repo {
			return k.Digest
		}
	}
	return ""
}

// TestRealRegistryTLSAuth crawls the TLS + htpasswd registry and checks
// credential and certificate failures.
func TestRealRegistryTLSAuth(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	caFile := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_USER")
	pass := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_PASSWORD")

	tr := imagetest.TLSTransport(t, caFile)
	push := []remote.Option{remote.WithTransport(tr), remote.WithAuth(&authn.Basic{Username: user, Password: pass})}

	ns := "crawltest-" + randomSuffix(t)
	p := newPushed()
	pushMany(t, p, host, ns, 12, push...)
	pushIndex(t, p, host, ns+"/multi", "1", testPlatforms, push...)

	url := "https://" + host
	filters := []string{ns + "/**"}
	good := []struct {
		name string
		r    Registry
	}{
		{"CA file", Registry{Name: "real-tls", URL: url, Username: user, Password: pass, CACertFile: caFile, Filters: filters}},
		{"insecure", Registry{Name: "real-tls", URL: url, Username: user, Password: pass, Insecure: true, Filters: filters}},
	}
	for _, tt := range good {
		t.Run(tt.name, func(t *testing.T) {
			res := crawl(t, tt.r, Options{PageSize: 5})
			if res.err != nil || len(res.errs) > 0 {
				t.Fatal(res.err, res.errs)
			}
			if got, want := res.keys(""), p.keys(); !slices.Equal(got, want) {
				t.Errorf("crawl found\n%v\nwant\n%v", got, want)
			}
		})
	}

	const wrong = "wrong-Pa55word-xyz"
	t.Run("wrong password", func(t *testing.T) {
		res := crawl(t, Registry{Name: "real-tls", URL: url, Username: user, Password: wrong, CACertFile: caFile}, Options{})
		assertUnauthorized(t, res, "real-tls", wrong)
	})
	t.Run("anonymous", func(t *testing.T) {
		res := crawl(t, Registry{Name: "real-tls", URL: url, CACertFile: caFile}, Options{})
		assertUnauthorized(t, res, "real-tls", "")
	})
	t.Run("unknown CA", func(t *testing.T) {
		res := crawl(t, Registry{Name: "real-tls", URL: url, Username: user, Password: pass}, Options{})
		if !errors.Is(res.err, ErrUnreachable) {
			t.Fatalf("error %v; want ErrUnreachable", res.err)
		}
		if strings.Contains(res.err.Error(), pass) {
			t.Errorf("error %q reveals the password", res.err)
		}
	})
}

// TestRealRegistryNotifications runs a private docker-registry whose
// notification endpoint is this test, pushes images, an index and a
// pull, and checks that ParseNotification returns exactly the tagged
// manifest pushes from the real webhook bodies.
func TestRealRegistryNotifications(t *testing.T) {
	bin, err := exec.LookPath("docker-registry")
	if err != nil {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatal("docker-registry not installed (Debian package docker-registry)")
		}
		t.Skip("docker-registry not installed (Debian package docker-registry)")
	}
	var (
		mu     sync.Mutex
		events []PushEvent
		bodies [][]byte
	)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ev, err := ParseNotification(b)
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			t.Errorf("ParseNotification of a real notification: %v\n%s", err, b)
		}
		bodies = append(bodies, b)
		events = append(events, ev...)
	}))
	defer hook.Close()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: %s}
http: {addr: %s}
notifications:
  endpoints:
    - name: crawltest
      url: %s/hook
      timeout: 2s
      threshold: 3
      backoff: 100ms
`, filepath.Join(dir, "data"), addr, hook.URL)
	if err := os.WriteFile(filepath.Join(dir, "config.yml"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", filepath.Join(dir, "config.yml"))
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	waitFor(t, "docker-registry to answer", func() bool {
		resp, err := http.Get("http://" + addr + "/v2/")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	p := newPushed()
	pushImage(t, p, addr, "notif/app", []string{"1", "2"})
	pushIndex(t, p, addr, "notif/multi", "latest", testPlatforms[:2])
	// A pull, which must not be reported.
	ref, _ := name.ParseReference(addr + "/notif/app:1")
	if _, err := remote.Get(ref); err != nil {
		t.Fatal(err)
	}

	got := func() []string {
		mu.Lock()
		defer mu.Unlock()
		var out []string
		for _, e := range events {
			out = append(out, key{e.Repository, e.Tag, e.Digest}.String())
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	want := p.keys()
	waitFor(t, "push notifications", func() bool { return slices.Equal(got(), want) })
	mu.Lock()
	defer mu.Unlock()
	for _, e := range events {
		if e.Host != addr || e.ID == "" || e.Timestamp.IsZero() || !isManifestType(e.MediaType) {
			t.Errorf("event %+v: want host %s, an id, a timestamp and a manifest media type", e, addr)
		}
	}
	if dump := os.Getenv("CRAWL_DUMP_NOTIFICATIONS"); dump != "" {
		for i, b := range bodies {
			_ = os.WriteFile(fmt.Sprintf("%s-%d.json", dump, i), b, 0o644)
		}
	}
}

// waitFor polls cond for up to a minute; the registry delivers
// notifications asynchronously (the bound only stops a hung test: a
// loaded CI machine may take many times what an idle one does).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
