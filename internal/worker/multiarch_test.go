package worker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// platformImage is one platform of a test index.
type platformImage struct {
	platform v1.Platform
	digest   string
	img      v1.Image
}

// multiPlatformIndex builds, from the shared fixtures' root filesystems,
// an image index of three platforms (Debian as linux/amd64, Alpine 3.20
// as linux/arm64, Alpine 3.19 as linux/arm/v7: the layers are the
// fixtures', the configs name the platform), plus a BuildKit-style
// attestation manifest listed as unknown/unknown, with go-containerregistry's
// mutate.AppendManifests.
func multiPlatformIndex(t *testing.T) (v1.ImageIndex, []platformImage) {
	t.Helper()
	specs := []struct {
		rootfs string
		plat   v1.Platform
	}{
		{"debian-bookworm-minbase.tar.gz", v1.Platform{OS: "linux", Architecture: "amd64"}},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", v1.Platform{OS: "linux", Architecture: "arm64"}},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", v1.Platform{OS: "linux", Architecture: "arm", Variant: "v7"}},
	}
	var (
		out  []platformImage
		adds []mutate.IndexAddendum
	)
	for _, s := range specs {
		img := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", s.rootfs))
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture, cf.Variant = s.plat.OS, s.plat.Architecture, s.plat.Variant
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		p := s.plat
		out = append(out, platformImage{platform: p, digest: d.String(), img: img})
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{MediaType: types.OCIManifestSchema1, Platform: &p}})
	}
	att, err := random.Image(256, 1)
	if err != nil {
		t.Fatal(err)
	}
	adds = append(adds, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{MediaType: types.OCIManifestSchema1,
		Platform:    &v1.Platform{OS: "unknown", Architecture: "unknown"},
		Annotations: map[string]string{"vnd.docker.reference.type": "attestation-manifest", "vnd.docker.reference.digest": out[0].digest}}})
	idx := mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex)
	return idx, out
}

// TestMultiPlatformFleet pushes a three-platform index with an
// attestation manifest to the real registry and lets a controller and a
// scanner crawl and scan it: exactly one result per real platform (all
// of them, or the registry's configured platforms), none for the
// attestation, each stored under its platform manifest digest with the
// index digest and its platform, its report naming that platform; the
// image view (GET /api/v1/images/{index}/platforms) shows them together
// with the tag; and admission by tag or index digest judges the worst
// platform.
func TestMultiPlatformFleet(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	idx, plats := multiPlatformIndex(t)
	rnd := make([]byte, 4)
	_, _ = rand.Read(rnd)
	repo := "multiarch-" + hex.EncodeToString(rnd) + "/app"
	imagetest.PushIndex(t, idx, host+"/"+repo+":v1")
	id, err := idx.Digest()
	if err != nil {
		t.Fatal(err)
	}
	index := id.String()

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		_ = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "s", Concurrency: 2, PollInterval: 50 * time.Millisecond,
			Logger: slog.New(slog.NewTextHandler(logs, nil))})
	})
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	all := []string{"linux/amd64", "linux/arm/v7", "linux/arm64"}
	scanned := 0
	for _, c := range []struct {
		name      string
		platforms []string
		want      []string
	}{
		{"all", nil, all},
		{"configured", []string{"linux/arm64/v8", "linux/amd64", "windows/amd64"}, []string{"linux/amd64", "linux/arm64"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			reg := api.RegistryInput{Registry: api.Registry{Name: c.name, URL: "http://" + host, Repositories: []string{repo}, Platforms: c.platforms}}
			if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
				t.Fatalf("create registry: %d", code)
			}
			if code := fleettest.Do(t, "POST", base+"/api/v1/registries/"+c.name+"/scan", tok, nil, nil); code/100 != 2 {
				t.Fatalf("scan registry: %d", code)
			}
			scanned += len(c.want)
			counts := fleettest.WaitDrained(t, base, tok, scanned, 5*time.Minute)
			if counts["failed"] != 0 {
				t.Fatalf("queue %v: failures", counts)
			}
			var ims []api.ImageSummary
			if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry="+c.name, tok, nil, &ims); code != 200 {
				t.Fatalf("list images: %d", code)
			}
			var got []string
			for _, im := range ims {
				got = append(got, im.Platform)
				want := plats[slices.IndexFunc(plats, func(p platformImage) bool { return p.platform.String() == im.Platform })]
				if im.IndexDigest != index || im.Digest != want.digest || im.Tag != "v1" {
					t.Errorf("stored %+v, want digest %s of index %s, tag v1", im, want.digest, index)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Fatalf("stored platforms %v, want %v (one result each, no attestation)", got, c.want)
			}
		})
	}
	if t.Failed() {
		return
	}

	// Scan on push: a distribution notification of the index queues one
	// task per platform, as a crawl does.
	t.Run("push", func(t *testing.T) {
		reg := api.RegistryInput{Registry: api.Registry{Name: "pushed", URL: "http://" + host, Repositories: []string{repo}}}
		if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
			t.Fatalf("create registry: %d", code)
		}
		env := map[string]any{"events": []any{map[string]any{"id": "e1", "action": "push",
			"target":  map[string]any{"mediaType": string(types.OCIImageIndex), "digest": index, "repository": repo, "tag": "v1"},
			"request": map[string]any{"host": host}}}}
		var res api.NotifyResponse
		if code := fleettest.Do(t, "POST", base+"/api/v1/registries/pushed/notify", tok, env, &res); code != http.StatusAccepted || res.Enqueued != 3 {
			t.Fatalf("notify: %d, %+v; want 202 and 3 enqueued (one per platform)", code, res)
		}
		scanned += 3
		if counts := fleettest.WaitDrained(t, base, tok, scanned, 5*time.Minute); counts["failed"] != 0 {
			t.Fatalf("queue %v: failures", counts)
		}
		var ims []api.ImageSummary
		fleettest.Do(t, "GET", base+"/api/v1/images?registry=pushed", tok, nil, &ims)
		var got []string
		for _, im := range ims {
			if im.IndexDigest == index {
				got = append(got, im.Platform)
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, all) {
			t.Errorf("pushed index stored platforms %v, want %v", got, all)
		}
	})
	if t.Failed() {
		return
	}

	// The image view: every platform of the index together, by the
	// index digest, a prefix of it, or one platform's digest.
	for _, arg := range []string{index, index[:16], plats[1].digest} {
		var v api.IndexView
		if code := fleettest.Do(t, "GET", base+"/api/v1/images/"+arg+"/platforms", tok, nil, &v); code != 200 {
			t.Fatalf("GET platforms of %s: %d", arg, code)
		}
		var got []string
		for _, p := range v.Platforms {
			var rep report.Report
			if err := json.Unmarshal(p.Report, &rep); err != nil {
				t.Fatal(err)
			}
			if rep.Image == nil || rep.Image.Platform != p.Platform || rep.Image.Digest != p.Digest || p.Packages == 0 {
				t.Errorf("platform %s (%s): report image %+v, %d packages", p.Platform, p.Digest, rep.Image, p.Packages)
			}
			got = append(got, p.Platform)
		}
		if v.IndexDigest != index || !slices.Equal(v.Tags, []string{"v1"}) || len(v.Platforms) != 8 {
			t.Errorf("view of %s: index %s tags %v, %d platform results (%v), want %s [v1] 8 (3 + 2 + 3 in three registries)", arg, v.IndexDigest, v.Tags, len(v.Platforms), got, index)
		}
	}
	var single api.IndexView
	if code := fleettest.Do(t, "GET", base+"/api/v1/images/sha256:"+hex.EncodeToString(make([]byte, 32))+"/platforms", tok, nil, &single); code != http.StatusNotFound {
		t.Errorf("platforms of an unknown digest: %d, want 404", code)
	}
}

// TestMultiPlatformScannerLostMidScan: a scanner that takes every
// platform of an index and is cut off from the controller (no more
// heartbeats, no release, no result: as a SIGKILL looks to the
// controller) while it downloads one platform's layer loses nothing: the
// controller reaps it, another scanner scans that platform, and each
// platform ends with exactly one stored scan.
func TestMultiPlatformScannerLostMidScan(t *testing.T) {
	br := newBlobRegistry(t)
	idx, plats := multiPlatformIndex(t)
	imagetest.PushIndex(t, idx, br.host+"/team/multi:v1")
	ls, err := plats[1].img.Layers()
	if err != nil {
		t.Fatal(err)
	}
	slow, err := ls[0].Digest()
	if err != nil {
		t.Fatal(err)
	}
	br.mu.Lock()
	br.slow, br.delay = slow.String(), 2*time.Minute
	br.mu.Unlock()

	logs := &testutil.SyncBuffer{}
	base, tok := newController(t, logs, 2*time.Second)
	target, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	// Scanner a reaches the controller through a proxy the test cuts:
	// from then on nothing of a's reaches the controller (answered 410
	// here, so that a gives up at once instead of retrying its posts
	// for minutes).
	var cutOff atomic.Bool
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cutOff.Load() {
			http.Error(w, "cut off", http.StatusGone)
			return
		}
		rp.ServeHTTP(w, r)
	}))
	defer proxy.Close()
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Repositories: []string{"team/multi"}}}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", tok, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	}()
	run := func(name, url string) {
		wg.Go(func() {
			_ = worker.Run(ctx, worker.Config{ControllerURL: url, Token: tok, Name: name, Concurrency: 3, PollInterval: 50 * time.Millisecond,
				Logger: slog.New(slog.NewTextHandler(logs, nil))})
		})
	}
	run("a", proxy.URL)
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/local/scan", tok, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	select {
	case <-br.slowed:
	case <-time.After(2 * time.Minute):
		t.Fatal("scanner a never started downloading the arm64 layer")
	}
	cutOff.Store(true)
	proxy.CloseClientConnections()
	run("b", base)

	cut := time.Now()
	counts := fleettest.WaitDrained(t, base, tok, len(plats), 3*time.Minute)
	t.Logf("queue drained %v after the cut", time.Since(cut).Round(time.Millisecond))
	if counts["done"] != len(plats) || counts["failed"] != 0 {
		t.Fatalf("queue %v, want %d done, 0 failed", counts, len(plats))
	}
	var ims []api.ImageSummary
	if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &ims); code != 200 {
		t.Fatalf("list images: %d", code)
	}
	var got []string
	for _, im := range ims {
		got = append(got, im.Platform)
		if im.Scans != 1 {
			t.Errorf("platform %s stored %d scans, want 1", im.Platform, im.Scans)
		}
		if im.Platform == "linux/arm64" && im.ScannedBy == "" {
			t.Errorf("arm64 result without a scanner")
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []string{"linux/amd64", "linux/arm/v7", "linux/arm64"}) {
		t.Errorf("stored platforms %v", got)
	}
	if n := br.blobGets(slow.String()); n < 2 {
		t.Errorf("the arm64 layer was fetched %d times: the cut scanner's platform was not scanned again", n)
	}
}
