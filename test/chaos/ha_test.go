package chaos_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/consoleview"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// TestHAControllers runs three controller processes on one PostgreSQL
// (queue and store, --postgres) with one sealing key file, and a client
// and scanners whose requests a round-robin proxy spreads over all three.
// With a real registry holding SCANFLEET_HA_IMAGES (default 200) images on
// three shared bases:
//   - a token created once works on every controller;
//   - a registry added through one controller is crawled on schedule
//     (its interval; nobody asks for a scan) by whichever controller
//     takes the request;
//   - the controller running the crawl is SIGKILLed mid-crawl, and
//     another SIGKILLed while results are being posted; both come back;
//   - at the end every image has exactly one result, equal to a
//     standalone scan, and the image list, a CVE search and the console's
//     image list answer byte for byte the same on all three;
//   - each shared base layer blob was fetched from the registry exactly
//     once, as with a single controller.
func TestHAControllers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, pushes images and runs three controllers")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	dsn := postgresSchema(t)
	nImages := envInt(t, "SCANFLEET_HA_IMAGES", 200)
	ns := randomNS(t, "ha")
	images := pushImages(t, host, ns, nImages)
	want := expectedPackages(t, host, images)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)

	// A vulnerability database, so that results have CVEs to search.
	dbPath := filepath.Join(tmp, "vuln.db")
	if _, err := vulndbbuild.Build(context.Background(), dbPath, []string{testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")}, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}
	// The registry behind a counting proxy that slows manifest reads a
	// little, so that the crawl lasts long enough to be killed in.
	reg := newCountingRegistry(t, host, 150*time.Millisecond)
	bases := baseLayerDigests(t)

	// One key file for all, and tokens created once.
	keyFile, tok := sharedState(t, tmp, bin, dsn, "admin", "scanner", "reader")
	admin := tok["admin"]

	logs := make([]*testutil.SyncBuffer, 3)
	ctls := make([]*fleettest.Controller, 3)
	flags := []string{"--postgres", dsn, "--secret-key-file", keyFile, "--db", dbPath,
		"--scanner-timeout", "4s", "--lease", "20s", "--crawl-takeover", "3s"}
	start := func(i int, listen string) {
		ctls[i] = startController(t, bin, filepath.Join(tmp, fmt.Sprintf("data%d", i)), listen, logs[i], flags...)
	}
	for i := range ctls {
		logs[i] = &testutil.SyncBuffer{}
		start(i, "127.0.0.1:0")
	}
	t.Cleanup(func() {
		if t.Failed() {
			for i, l := range logs {
				t.Logf("controller %d logs:\n%s", i, l)
			}
		}
	})
	lb := newRoundRobin(t, ctls)

	// A token created once works on every replica.
	for i, c := range ctls {
		for role, tk := range tok {
			var who api.WhoAmI
			if code := fleettest.Do(t, "GET", c.Base+"/api/v1/whoami", tk, nil, &who); code != http.StatusOK || string(who.Role) != role {
				t.Fatalf("controller %d: %s token: %d %q", i, role, code, who.Role)
			}
		}
	}

	// Scanners through the proxy, so every request may land anywhere.
	scanLogs := &testutil.SyncBuffer{}
	for i := range 3 {
		fleettest.StartScanner(t, bin, lb.url, tok["scanner"], fmt.Sprintf("ha-%d", i), scanLogs,
			"--log-level", "info", "--concurrency", "2", "--db", dbPath)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("scanner logs:\n%s", scanLogs)
		}
	})

	// The registry is added through controller 1 with an interval and
	// never scanned by hand: the leader's schedule requests the crawl.
	in := api.RegistryInput{Registry: api.Registry{Name: "ha", URL: "http://" + reg.host, Filters: []string{ns + "/**"},
		Interval: api.Duration(time.Hour)}}
	if code := fleettest.Do(t, "POST", ctls[1].Base+"/api/v1/registries", admin, in, nil); code != http.StatusCreated {
		t.Fatalf("create registry on controller 1: %d", code)
	}

	// Kill whichever controller started the crawl, once it has begun
	// listing the registry, and bring it back on its address.
	crawler := waitLog(t, logs, `"crawl started"`, 2*time.Minute)
	waitUntil(t, "the crawl to read manifests", time.Minute, func() bool { return reg.manifests.Load() > 5 })
	ctls[crawler].Kill()
	killedCrawlAt := reg.manifests.Load()
	t.Logf("killed controller %d mid-crawl after %d manifest reads", crawler, killedCrawlAt)
	time.Sleep(time.Second)
	start(crawler, ctls[crawler].Addr)
	if killedCrawlAt >= int64(nImages) {
		t.Errorf("the crawl had read all %d manifests when its controller was killed: not mid-crawl", killedCrawlAt)
	}

	// Kill another controller while results are being posted.
	victim := (crawler + 1) % 3
	waitUntil(t, "a third of the results", 5*time.Minute, func() bool {
		var counts map[string]int
		code, err := fleettest.Call("GET", lb.url+"/api/v1/queue", admin, nil, &counts)
		return err == nil && code == 200 && counts["done"] >= nImages/3
	})
	ctls[victim].Kill()
	t.Logf("killed controller %d mid-results", victim)
	time.Sleep(time.Second)
	start(victim, ctls[victim].Addr)

	counts := fleettest.WaitDrained(t, lb.url, admin, nImages, 10*time.Minute)
	if counts["failed"] != 0 || counts["done"] != nImages {
		t.Errorf("queue %v, want %d done and none failed", counts, nImages)
	}
	for i, c := range ctls {
		t.Run(fmt.Sprintf("controller%d", i), func(t *testing.T) {
			checkResults(t, c.Base, admin, "ha", images, want)
		})
	}

	// Every replica answers the same pages the same.
	var vulns []consoleview.VulnerabilitySummary
	if code := fleettest.Do(t, "GET", ctls[0].Base+"/api/v1/vulnerabilities?limit=500", admin, nil, &vulns); code != 200 || len(vulns) == 0 {
		t.Fatalf("vulnerability search: %d, %d ids (the 3.20 images should have some)", code, len(vulns))
	}
	pages := []string{
		"/api/v1/images?registry=ha",
		"/api/v1/images?registry=ha&cve=" + url.QueryEscape(vulns[0].ID),
		"/api/v1/vulnerabilities?limit=500",
		"/api/v1/vulnerabilities/" + url.PathEscape(vulns[0].ID),
		"/api/v1/console/images?registry=ha&limit=500",
		"/api/v1/console/registries",
		"/api/v1/registries",
	}
	for _, p := range pages {
		var first []byte
		for i, c := range ctls {
			body := getRaw(t, c.Base+p, admin)
			if i == 0 {
				first = body
				continue
			}
			if !bytes.Equal(body, first) {
				t.Errorf("GET %s: controller %d answers differently from controller 0:\n%.400s\nvs\n%.400s", p, i, body, first)
			}
		}
	}

	// Layer dedup: each shared base layer went over the wire once.
	for _, d := range bases {
		if n := reg.blobGets(d); n != 1 {
			t.Errorf("base layer %s fetched %d times, want 1", d, n)
		}
	}
	served := lb.served()
	for i, n := range served {
		if n == 0 {
			t.Errorf("controller %d served no proxied request: %v", i, served)
		}
	}
	t.Logf("requests served per controller through the proxy: %v; manifest reads %d", served, reg.manifests.Load())
}

// runBin runs the binary and returns its trimmed standard output.
func runBin(bin string, args ...string) (string, error) {
	var stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, stderr.String())
	}
	return strings.TrimSpace(string(out)), nil
}

// waitLog waits until one of logs has a line containing s and returns
// its index.
func waitLog(t *testing.T, logs []*testutil.SyncBuffer, s string, timeout time.Duration) int {
	t.Helper()
	found := -1
	waitUntil(t, "log line "+s, timeout, func() bool {
		for i, l := range logs {
			if strings.Contains(l.String(), s) {
				found = i
				return true
			}
		}
		return false
	})
	return found
}

func waitUntil(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func getRaw(t *testing.T, u, token string) []byte {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", u, resp.StatusCode, b)
	}
	return b
}

// baseLayerDigests are the registry digests of the chaos images' shared
// base layers.
func baseLayerDigests(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, b := range chaosBases {
		l, err := imagebuild.FromFile(testutil.Data(t, "rootfs", b))
		if err != nil {
			t.Fatal(err)
		}
		d, err := l.Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, d.String())
	}
	return out
}

// countingRegistry is a reverse proxy in front of the real registry that
// counts blob GETs per digest and manifest reads, and delays manifest
// reads by delay.
type countingRegistry struct {
	host      string
	manifests atomic.Int64
	mu        sync.Mutex
	blobs     map[string]int
}

func newCountingRegistry(t *testing.T, registryHost string, delay time.Duration) *countingRegistry {
	t.Helper()
	cr := &countingRegistry{blobs: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: registryHost})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "/manifests/"):
			cr.manifests.Add(1)
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/"):
			_, d, _ := strings.Cut(r.URL.Path, "/blobs/")
			cr.mu.Lock()
			cr.blobs[d]++
			cr.mu.Unlock()
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	cr.host = strings.TrimPrefix(srv.URL, "http://")
	return cr
}

func (cr *countingRegistry) blobGets(digest string) int {
	cr.mu.Lock()
	defer cr.mu.Unlock()
	return cr.blobs[digest]
}

// roundRobin spreads requests over the controllers in turn. A request
// whose controller cannot be reached (killed, or restarting) is sent to
// the next one, body and all, as a load balancer retrying on connection
// errors does; an answer, whatever its status, is passed back.
type roundRobin struct {
	url   string
	addrs []string
	next  atomic.Uint64
	mu    sync.Mutex
	count []int
}

func newRoundRobin(t *testing.T, ctls []*fleettest.Controller) *roundRobin {
	t.Helper()
	lb := &roundRobin{count: make([]int, len(ctls))}
	for _, c := range ctls {
		lb.addrs = append(lb.addrs, c.Addr)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 5 * time.Second}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var last error
		for range 6 * len(lb.addrs) {
			i := int(lb.next.Add(1) % uint64(len(lb.addrs)))
			// A restarted controller listens where it did.
			req, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+lb.addrs[i]+r.URL.RequestURI(), bytes.NewReader(body))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			req.Header = r.Header.Clone()
			resp, err := client.Do(req)
			if err != nil {
				last = err
				if r.Context().Err() != nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
				continue
			}
			lb.mu.Lock()
			lb.count[i]++
			lb.mu.Unlock()
			for k, v := range resp.Header {
				w.Header()[k] = v
			}
			w.WriteHeader(resp.StatusCode)
			_, _ = io.Copy(w, resp.Body)
			resp.Body.Close()
			return
		}
		http.Error(w, fmt.Sprintf("no controller answered: %v", errors.Unwrap(last)), http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	lb.url = srv.URL
	return lb
}

func (lb *roundRobin) served() []int {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	return append([]int(nil), lb.count...)
}
