package chaos_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// envInt reads a positive integer knob, or def.
func envInt(t *testing.T, key string, def int) int {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n <= 0 {
		t.Fatalf("%s=%q: want a positive integer", key, v)
	}
	return n
}

func envDuration(t *testing.T, key string, def time.Duration) time.Duration {
	t.Helper()
	v := os.Getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		t.Fatalf("%s=%q: want a duration", key, v)
	}
	return d
}

// The binary is built once per test run (every chaos test runs the same
// one), into a directory TestMain removes at the end.
var (
	binDir    string
	buildOnce sync.Once
	builtBin  string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "scanfleet-chaos-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// buildBinary builds cmd/scanfleet once and returns its path.
func buildBinary(t *testing.T, _ string) string {
	t.Helper()
	buildOnce.Do(func() { builtBin = fleettest.Build(t, binDir, "scanfleet") })
	if builtBin == "" {
		t.Fatal("building cmd/scanfleet failed in an earlier test")
	}
	return builtBin
}

func randomNS(t *testing.T, prefix string) string {
	t.Helper()
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + "-" + hex.EncodeToString(b)
}

// createTokens creates one token per role in data with the binary.
func createTokens(t *testing.T, bin, data string, roles ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, role := range roles {
		out[role] = fleettest.Token(t, bin, data, role)
	}
	return out
}

// startController runs the controller on listen (127.0.0.1:0 for any
// port) with extra flags, logging at info (debug would hold every task
// of a long run in memory).
func startController(t *testing.T, bin, data, listen string, logs io.Writer, extra ...string) *fleettest.Controller {
	t.Helper()
	return fleettest.StartController(t, bin, data, listen, logs, append([]string{"--log-level", "info"}, extra...)...)
}

// startScanner runs one scanner process, logging at info.
func startScanner(t *testing.T, bin, base, token, name string, concurrency int, logs io.Writer) *fleettest.Proc {
	t.Helper()
	return fleettest.StartScanner(t, bin, base, token, name, logs, "--log-level", "info", "--concurrency", strconv.Itoa(concurrency))
}

// slowProxy is a reverse proxy in front of a real registry that delays
// every blob GET, as a slow network would: it stretches each scan so that
// processes can be killed while they download.
func slowProxy(t *testing.T, registryHost string, delay time.Duration) string {
	t.Helper()
	return countingSlowProxy(t, registryHost, delay, nil)
}

// countingSlowProxy is slowProxy that also counts, in blobs unless nil,
// the blob GETs it passes on to the registry (those whose client hung up
// during the delay never reach it and are not counted).
func countingSlowProxy(t *testing.T, registryHost string, delay time.Duration, blobs *blobCounter) string {
	t.Helper()
	target := &url.URL{Scheme: "http", Host: registryHost}
	rp := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/blobs/") {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
			if blobs != nil {
				blobs.add(r.URL.Path)
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// testImage is one image pushed to the registry.
type testImage struct {
	repo, digest string
	base         string // which root filesystem it is built on
}

var chaosBases = []string{
	"alpine-minirootfs-3.18.9-x86_64.tar.gz",
	"alpine-minirootfs-3.19.4-x86_64.tar.gz",
	"alpine-minirootfs-3.20.3-x86_64.tar.gz",
}

// pushImages pushes n images to the registry at host under ns, spread over
// chaosBases: a shared base layer plus a small distinct layer each.
func pushImages(t *testing.T, host, ns string, n int) []testImage {
	t.Helper()
	baseLayers := map[string]v1.Layer{}
	for _, b := range chaosBases {
		l, err := imagebuild.FromFile(testutil.Data(t, "rootfs", b))
		if err != nil {
			t.Fatal(err)
		}
		baseLayers[b] = l
	}
	out := make([]testImage, n)
	push := func(i int) error {
		b := chaosBases[i%len(chaosBases)]
		repo := fmt.Sprintf("%s/img-%04d", ns, i)
		extra, err := imagebuild.Files(imagebuild.File{Path: "etc/variant", Content: fmt.Appendf(nil, "%s\n", repo), Mode: 0o644})
		if err != nil {
			return err
		}
		img, err := imagebuild.Image(imagebuild.Layer{Layer: baseLayers[b], CreatedBy: "rootfs " + b}, imagebuild.Layer{Layer: extra, CreatedBy: "variant"})
		if err != nil {
			return err
		}
		ref, err := name.ParseReference(host + "/" + repo + ":1")
		if err != nil {
			return err
		}
		if err := remote.Write(ref, img); err != nil {
			return fmt.Errorf("pushing %s: %w", ref, err)
		}
		d, err := img.Digest()
		if err != nil {
			return err
		}
		out[i] = testImage{repo: repo, digest: d.String(), base: b}
		return nil
	}
	// The first image of each base alone, so the base blobs go up once.
	for i := range min(n, len(chaosBases)) {
		if err := push(i); err != nil {
			t.Fatal(err)
		}
	}
	var g errgroup.Group
	g.SetLimit(8)
	for i := len(chaosBases); i < n; i++ {
		g.Go(func() error { return push(i) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// expectedPackages scans one image of each base standalone, straight from
// the registry (not through the fleet), and returns the package identities
// per base: the oracle the fleet's results are compared with.
func expectedPackages(t *testing.T, host string, images []testImage) map[string][]string {
	t.Helper()
	sc := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
	want := map[string][]string{}
	for _, im := range images {
		if _, ok := want[im.base]; ok {
			continue
		}
		src, err := source.Open(t.Context(), host+"/"+im.repo+"@"+im.digest, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := sc.Scan(context.Background(), scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Packages) == 0 {
			t.Fatalf("standalone scan of %s found no packages", im.repo)
		}
		want[im.base] = pkgIdentity(rep.Packages)
	}
	return want
}

func pkgIdentity(ps []report.Package) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s/%s@%s src=%s@%s", p.Type, p.Name, p.Version, p.SourceName, p.SourceVersion))
	}
	slices.Sort(out)
	return out
}

// imageSummary is the part of api.ImageSummary the tests read.
type imageSummary struct {
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	Digest     string `json:"digest"`
	Reference  string `json:"reference"`
	Scans      int    `json:"scans"`
	ScannedBy  string `json:"scanned_by"`
}

// checkResults asserts that the controller holds exactly one result per
// pushed image, each scanned once to completion, with the packages the
// standalone oracle found for its base.
func checkResults(t *testing.T, base, token, registry string, images []testImage, want map[string][]string) {
	t.Helper()
	var list []imageSummary
	if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry="+registry, token, nil, &list); code != 200 {
		t.Fatalf("list images: %d", code)
	}
	got := map[string]imageSummary{}
	for _, im := range list {
		if _, dup := got[im.Digest]; dup {
			t.Errorf("%s listed twice", im.Digest)
		}
		got[im.Digest] = im
	}
	if len(list) != len(images) {
		t.Errorf("%d results, want %d", len(list), len(images))
	}
	for _, im := range images {
		s, ok := got[im.digest]
		if !ok {
			t.Errorf("%s (%s): no result", im.repo, im.digest)
			continue
		}
		if s.Scans != 1 {
			t.Errorf("%s scanned %d times to completion, want 1", im.repo, s.Scans)
		}
		var rep report.Report
		if code := fleettest.Do(t, "GET", base+"/api/v1/images/"+im.digest, token, nil, &rep); code != 200 {
			t.Errorf("GET result of %s: %d", im.repo, code)
			continue
		}
		if g := pkgIdentity(rep.Packages); !slices.Equal(g, want[im.base]) {
			t.Errorf("%s: %d packages, standalone scan of its base finds %d", im.repo, len(g), len(want[im.base]))
		}
	}
}
