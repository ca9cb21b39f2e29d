package source

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// fault is what the fault proxy does to one blob request.
type fault struct {
	status     int           // answer with this status instead
	retryAfter string        // Retry-After of that answer
	delay      time.Duration // before the response headers
	trickle    time.Duration // pause between 32 KiB chunks of the body
	truncate   bool          // send half the body, then drop the connection
	corrupt    bool          // flip one byte in the middle of the body
	// mtime changes the gzip header's timestamp: the layer decompresses to
	// the very same tar, so only the blob digest can tell.
	mtime bool
	// stall sends the headers and stallAfter bytes of the body, then
	// nothing more, holding the connection open until the client leaves.
	stall      bool
	stallAfter int
	hang       bool   // never answer at all, until the client leaves
	body       []byte // serve this instead of the real body
}

// faultProxy is a reverse proxy in front of a registry that applies a
// script of faults to successive GETs of one blob, the way a flaky
// network, an overloaded or rate-limiting registry or a corrupting cache
// would.
type faultProxy struct {
	host string

	mu     sync.Mutex
	digest string  // the blob (or manifest reference) the script applies to
	script []fault // one per GET of that blob, in order; then it repeats the last if sticky
	sticky bool
	gets   []time.Time
}

func newFaultProxy(t *testing.T, registryHost string) *faultProxy {
	t.Helper()
	fp := &faultProxy{}
	rp := httputil.NewSingleHostReverseProxy(&url.URL{Scheme: "http", Host: registryHost})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var f fault
		// The target is read under the lock too: set changes it between
		// cases while handlers of the last case may still be running.
		fp.mu.Lock()
		if r.Method == http.MethodGet && fp.digest != "" &&
			(strings.HasSuffix(r.URL.Path, "/blobs/"+fp.digest) || strings.HasSuffix(r.URL.Path, "/manifests/"+fp.digest)) {
			fp.gets = append(fp.gets, time.Now())
			switch {
			case len(fp.script) > 1 || (len(fp.script) == 1 && !fp.sticky):
				f, fp.script = fp.script[0], fp.script[1:]
			case len(fp.script) == 1:
				f = fp.script[0]
			}
		}
		fp.mu.Unlock()
		if f.delay > 0 {
			time.Sleep(f.delay)
		}
		if f.hang {
			<-r.Context().Done()
			return
		}
		if f.status != 0 {
			if f.retryAfter != "" {
				w.Header().Set("Retry-After", f.retryAfter)
			}
			// A plain-text body, as load balancers in front of registries send.
			http.Error(w, "injected fault", f.status)
			return
		}
		if !f.truncate && !f.corrupt && !f.mtime && f.trickle == 0 && !f.stall && f.body == nil {
			rp.ServeHTTP(w, r)
			return
		}
		// Body faults: fetch the real blob (or the range asked for), then
		// serve it damaged.
		up, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "http://"+registryHost+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		for _, h := range []string{"Range", "Accept"} {
			for _, v := range r.Header.Values(h) {
				up.Header.Add(h, v)
			}
		}
		resp, err := http.DefaultClient.Do(up)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		switch {
		case f.mtime && resp.StatusCode == http.StatusOK && len(body) > 8:
			body[4]++
		case f.corrupt:
			body[len(body)/2] ^= 0xff
		case f.body != nil:
			body = f.body
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if cr := resp.Header.Get("Content-Range"); cr != "" {
			w.Header().Set("Content-Range", cr)
		}
		w.WriteHeader(resp.StatusCode)
		if f.stall {
			_, _ = w.Write(body[:min(f.stallAfter, len(body))])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		if f.truncate {
			_, _ = w.Write(body[:len(body)/2])
			w.(http.Flusher).Flush()
			// Drop the connection mid-body, as a reset would.
			if conn, _, err := w.(http.Hijacker).Hijack(); err == nil {
				conn.Close()
			}
			return
		}
		for off := 0; off < len(body); off += 32 << 10 {
			_, _ = w.Write(body[off:min(off+32<<10, len(body))])
			if f.trickle > 0 {
				w.(http.Flusher).Flush()
				time.Sleep(f.trickle)
			}
		}
	}))
	t.Cleanup(srv.Close)
	fp.host = strings.TrimPrefix(srv.URL, "http://")
	return fp
}

func (fp *faultProxy) set(digest string, sticky bool, script ...fault) {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	fp.digest, fp.script, fp.sticky, fp.gets = digest, script, sticky, nil
}

func (fp *faultProxy) blobGets() []time.Time {
	fp.mu.Lock()
	defer fp.mu.Unlock()
	return slices.Clone(fp.gets)
}

// faultRegistry is the real registry of SCANFLEET_TEST_REGISTRY when the
// test services run, else go-containerregistry's in-process one.
func faultRegistry(t *testing.T) string {
	t.Helper()
	if h := os.Getenv("SCANFLEET_TEST_REGISTRY"); h != "" {
		return h
	}
	if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
		t.Fatal("SCANFLEET_TEST_REGISTRY not set")
	}
	return imagetest.Registry(t)
}

// TestRegistryFaults scans an image through a proxy that damages the
// requests for its layer blob. Transient faults (5xx, 429 with
// Retry-After, slow headers or body) are retried or waited out and the
// report equals a clean scan's; corrupt or substituted bytes are caught by
// digest verification and never produce a report; a fault that outlasts
// the retry budget gives an error naming the image, the layer and the
// cause.
func TestRegistryFaults(t *testing.T) {
	reg := faultRegistry(t)
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	repo := "faults-" + hex.EncodeToString(b) + "/app"
	img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	imagetest.Push(t, img, reg+"/"+repo+":1")
	ls, err := img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	ld, err := ls[0].Digest()
	if err != nil {
		t.Fatal(err)
	}
	cd, err := img.ConfigName()
	if err != nil {
		t.Fatal(err)
	}
	fp := newFaultProxy(t, reg)

	// Short enough to keep the test quick, long enough that a loaded CI
	// machine never takes its own slowness for a registry's silence.
	const stall = 3 * time.Second
	scanOnce := func(ctx context.Context) (*report.Report, error) {
		src, err := Open(ctx, fp.host+"/"+repo+":1", Options{StallTimeout: stall})
		if err != nil {
			return nil, err
		}
		defer src.Close()
		sc := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
		return sc.Scan(ctx, scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{})
	}
	fp.set("", false)
	clean, err := scanOnce(t.Context())
	if err != nil {
		t.Fatalf("clean scan: %v", err)
	}
	if len(clean.Packages) == 0 {
		t.Fatal("clean scan found no packages")
	}

	slow := 300 * time.Millisecond
	for _, tc := range []struct {
		name   string
		target string // the layer blob when empty
		sticky bool
		script []fault
		// wantErr lists substrings the error must hold; empty: success.
		wantErr  []string
		wantGets int           // blob GETs, when exact
		minGap   time.Duration // between the first two GETs
		// permanent is whether Permanent must call the error one (a
		// fleet fails the task at once), when the case has an error.
		permanent bool
	}{
		{name: "500 twice then served", script: []fault{{status: 500}, {status: 502}}, wantGets: 3},
		{name: "429 with Retry-After then served", script: []fault{{status: 429, retryAfter: "1"}}, wantGets: 2, minGap: time.Second},
		{name: "slow response headers", script: []fault{{delay: 2 * slow}}, wantGets: 1},
		{name: "slow body", script: []fault{{trickle: 20 * time.Millisecond}}, wantGets: 1},
		// Resumed with a Range request from where it broke off.
		{name: "truncated body once", script: []fault{{truncate: true}}, wantGets: 2},
		{name: "truncated twice", script: []fault{{truncate: true}, {truncate: true}}, wantGets: 3},
		{name: "503 past the retry budget", sticky: true, script: []fault{{status: 503}},
			wantErr: []string{repo, ld.String(), "503"}, wantGets: 1 + defaultRetries},
		{name: "429 past the retry budget", sticky: true, script: []fault{{status: 429, retryAfter: "0"}},
			wantErr: []string{repo, ld.String(), "429"}, wantGets: 1 + defaultRetries},
		{name: "truncated past the resume budget", sticky: true, script: []fault{{truncate: true}},
			wantErr: []string{repo, ld.String(), "unexpected EOF"}, wantGets: 1 + defaultRetries},
		{name: "corrupted byte", sticky: true, script: []fault{{corrupt: true}},
			wantErr: []string{repo, ld.String()}},
		{name: "same content, other bytes (digest mismatch)", sticky: true, script: []fault{{mtime: true}},
			wantErr: []string{repo, ld.String(), "sha256"}, permanent: true},
		// Stalls: the connection stays open and silent. Each is cut off
		// after the stall bound and retried (a blob resumed from the
		// first missing byte) within the retry budget.
		{name: "stall mid-blob once", script: []fault{{stall: true, stallAfter: 10}}, wantGets: 2},
		{name: "stall before the headers once", script: []fault{{hang: true}}, wantGets: 2},
		{name: "stall mid-blob past the budget", sticky: true, script: []fault{{stall: true, stallAfter: 10}},
			wantErr: []string{repo, ld.String(), fp.host, "stalled", fmt.Sprintf("after %d of", 10*(1+defaultRetries))}, wantGets: 1 + defaultRetries},
		{name: "config blob stalls", target: "config", sticky: true, script: []fault{{stall: true, stallAfter: 10}},
			wantErr: []string{repo, cd.String(), fp.host, "stalled"}},
		{name: "manifest never answered", target: "manifest", sticky: true, script: []fault{{hang: true}},
			wantErr: []string{repo, "manifest", fp.host, "stalled"}, wantGets: 1 + defaultRetries},
		{name: "manifest stalls mid-body", target: "manifest", sticky: true, script: []fault{{stall: true, stallAfter: 10}},
			wantErr: []string{repo, "manifest", fp.host, "stalled"}},
		// Permanent errors: retrying them cannot help.
		{name: "manifest unknown (404)", target: "manifest", sticky: true, script: []fault{{status: 404}},
			wantErr: []string{repo, "not found"}, wantGets: 1, permanent: true},
		{name: "blob unauthorized (401)", sticky: true, script: []fault{{status: 401}},
			wantErr: []string{repo, ld.String(), "401"}, wantGets: 1, permanent: true},
		{name: "manifest not JSON", target: "manifest", sticky: true, script: []fault{{body: []byte("<html>sorry</html>")}},
			wantErr: []string{repo, "invalid"}, wantGets: 1, permanent: true},
		{name: "config blob of another size", target: "config", sticky: true, script: []fault{{body: []byte("{not json")}},
			wantErr: []string{repo, cd.String(), "size"}, permanent: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := ld.String()
			switch tc.target {
			case "config":
				target = cd.String()
			case "manifest":
				target = "1"
			}
			fp.set(target, tc.sticky, tc.script...)
			defer fp.set("", false)
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			rep, err := scanOnce(ctx)
			gets := fp.blobGets()
			if tc.wantGets > 0 && len(gets) != tc.wantGets {
				t.Errorf("layer blob fetched %d times, want %d", len(gets), tc.wantGets)
			}
			if tc.minGap > 0 && len(gets) >= 2 && gets[1].Sub(gets[0]) < tc.minGap {
				t.Errorf("retried after %v, want at least %v (Retry-After)", gets[1].Sub(gets[0]), tc.minGap)
			}
			if len(tc.wantErr) == 0 {
				if err != nil {
					t.Fatalf("scan failed: %v", err)
				}
				if g, w := pkgSet(rep.Packages), pkgSet(clean.Packages); !slices.Equal(g, w) {
					t.Errorf("%d packages, clean scan %d", len(g), len(w))
				}
				return
			}
			if err == nil {
				t.Fatalf("scan succeeded with %d packages, want an error", len(rep.Packages))
			}
			if rep != nil {
				t.Errorf("a report came with the error")
			}
			if errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("scan hung until the deadline: %v", err)
			}
			for _, s := range tc.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			if got := Permanent(err); got != tc.permanent {
				t.Errorf("Permanent(%q) = %v, want %v", err, got, tc.permanent)
			}
			t.Logf("error: %v", err)
		})
	}
}

func pkgSet(ps []report.Package) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s/%s@%s", p.Type, p.Name, p.Version))
	}
	slices.Sort(out)
	return out
}
