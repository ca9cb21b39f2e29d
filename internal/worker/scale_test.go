package worker_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/scan"
	"github.com/scanfleet/scanfleet/internal/source"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// scaleImage is one image pushed to the real registry.
type scaleImage struct {
	repo, digest string
	img          v1.Image
}

// pushScaleImages pushes perBase variants of each root filesystem to the
// registry at host under ns: base rootfs layer (one v1.Layer value per
// rootfs, so it is hashed once) plus a small distinct layer. remote.Write
// HEADs each blob first, so the shared bases are uploaded about once.
func pushScaleImages(t *testing.T, host, ns string, perBase int) []scaleImage {
	t.Helper()
	type job struct {
		repo string
		img  v1.Image
	}
	var jobs []job
	for _, b := range []struct{ rootfs, short string }{
		{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "alpine318"},
		{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "alpine319"},
		{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "alpine320"},
		{"debian-bookworm-minbase.tar.gz", "debian"},
	} {
		base, err := imagebuild.FromFile(testutil.Data(t, "rootfs", b.rootfs))
		if err != nil {
			t.Fatal(err)
		}
		for i := range perBase {
			repo := fmt.Sprintf("%s/%s-%d", ns, b.short, i)
			extra, err := imagebuild.Files(imagebuild.File{Path: "etc/variant", Content: fmt.Appendf(nil, "%s\n", repo)})
			if err != nil {
				t.Fatal(err)
			}
			img, err := imagebuild.Image(imagebuild.Layer{Layer: base, CreatedBy: "rootfs " + b.rootfs}, imagebuild.Layer{Layer: extra, CreatedBy: "variant"})
			if err != nil {
				t.Fatal(err)
			}
			jobs = append(jobs, job{repo, img})
		}
	}
	// Push the first variant of each base alone so the big base blobs are
	// uploaded once before the concurrent pushes only HEAD them.
	out := make([]scaleImage, len(jobs))
	push := func(i int) error {
		ref, err := name.ParseReference(host + "/" + jobs[i].repo + ":1")
		if err != nil {
			return err
		}
		if err := remote.Write(ref, jobs[i].img); err != nil {
			return fmt.Errorf("pushing %s: %w", ref, err)
		}
		d, err := jobs[i].img.Digest()
		if err != nil {
			return err
		}
		out[i] = scaleImage{repo: jobs[i].repo, digest: d.String(), img: jobs[i].img}
		return nil
	}
	for i := 0; i < len(jobs); i += perBase {
		if err := push(i); err != nil {
			t.Fatal(err)
		}
	}
	var g errgroup.Group
	g.SetLimit(8)
	for i := range jobs {
		if i%perBase == 0 {
			continue
		}
		g.Go(func() error { return push(i) })
	}
	if err := g.Wait(); err != nil {
		t.Fatal(err)
	}
	return out
}

// startProcController runs a `scanfleet controller` process on any port.
func startProcController(t *testing.T, bin, data string, logs *testutil.SyncBuffer) *fleettest.Controller {
	t.Helper()
	return fleettest.StartController(t, bin, data, "127.0.0.1:0", logs, "--log-level", "info", "--scanner-timeout", "5s", "--lease", "30s")
}

// TestRealRegistryFleet pushes 200 images sharing four base layers to the
// real registry, scans them with a controller and three scanner processes,
// and checks each is scanned exactly once with the packages a standalone
// scan finds. The controller is then SIGKILLed and restarted on the same
// data dir: results must be intact and a re-crawl must enqueue nothing. A
// second registry with a wrong password must report its crawl error
// without touching the first registry's data.
//
// Blob fetches are not counted here: the real registry is a separate
// process we cannot wrap; TestFleetInProcess checks that.
func TestRealRegistryFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and pushes 200 images")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	rnd := make([]byte, 4)
	if _, err := rand.Read(rnd); err != nil {
		t.Fatal(err)
	}
	ns := "fleet-" + hex.EncodeToString(rnd)
	const perBase = 50

	start := time.Now()
	images := pushScaleImages(t, host, ns, perBase)
	t.Logf("pushed %d images in %v", len(images), time.Since(start))

	tmp := t.TempDir()
	bin := fleettest.Build(t, tmp, "scanfleet")
	data := tmp + "/data"
	admin, scannerTok := fleettest.Token(t, bin, data, "admin"), fleettest.Token(t, bin, data, "scanner")
	logs := &testutil.SyncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs:\n%s", logs)
		}
	})
	ctl := startProcController(t, bin, data, logs)

	reg := api.RegistryInput{Registry: api.Registry{Name: "real", URL: "http://" + host, Filters: []string{ns + "/**"}}}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries", admin, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	var scanners []*fleettest.Proc
	for i := range 3 {
		scanners = append(scanners, fleettest.StartScanner(t, bin, ctl.Base, scannerTok, fmt.Sprintf("s%d", i), logs,
			"--log-level", "info", "--concurrency", "2"))
	}
	scanStart := time.Now()
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/real/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}
	counts := fleettest.WaitDrained(t, ctl.Base, admin, len(images), 120*time.Second)
	t.Logf("scanned %d images in %v (%.1f images/s)", len(images), time.Since(scanStart), float64(len(images))/time.Since(scanStart).Seconds())
	if counts["done"] != len(images) || counts["failed"] != 0 {
		t.Fatalf("queue %v, want %d done and 0 failed", counts, len(images))
	}

	listImages := func(base string) map[string]api.ImageSummary {
		var list []api.ImageSummary
		if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry=real", admin, nil, &list); code != 200 {
			t.Fatalf("list images: %d", code)
		}
		m := map[string]api.ImageSummary{}
		for _, im := range list {
			m[im.Digest] = im
		}
		if len(m) != len(list) {
			t.Errorf("image list has %d entries but %d distinct digests", len(list), len(m))
		}
		return m
	}
	got := listImages(ctl.Base)
	if len(got) != len(images) {
		t.Errorf("%d images listed, want %d", len(got), len(images))
	}
	for _, im := range images {
		s, ok := got[im.digest]
		switch {
		case !ok:
			t.Errorf("%s (%s) missing", im.repo, im.digest)
		case s.Scans != 1:
			t.Errorf("%s scanned %d times to completion, want 1", im.repo, s.Scans)
		}
	}

	// A sample, spread over the four bases, equals a standalone scan.
	standalone := &scan.Scanner{Analyzers: all.Analyzers(), AnalyzersVersion: all.Version(), OSPriority: all.OSPriority, Cache: layer.NewMemCache(0)}
	for i := 0; i < len(images); i += len(images) / 10 {
		im := images[i]
		var rep report.Report
		if code := fleettest.Do(t, "GET", ctl.Base+"/api/v1/images/"+im.digest, admin, nil, &rep); code != 200 {
			t.Fatalf("get image %s: %d", im.digest, code)
		}
		ref := host + "/" + im.repo + "@" + im.digest
		src, err := source.Open(context.Background(), ref, source.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want, err := standalone.Scan(context.Background(), scan.Target{Image: src.Image, Reference: src.Reference}, scan.Options{})
		src.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(want.Packages) == 0 {
			t.Fatalf("standalone scan of %s found no packages", ref)
		}
		if g, w := pkgIdentity(rep.Packages), pkgIdentity(want.Packages); !slices.Equal(g, w) {
			t.Errorf("%s: fleet found %d packages, standalone %d", ref, len(g), len(w))
		}
	}

	// SIGKILL the controller, restart it on the same data dir.
	for _, s := range scanners {
		_ = s.Stop(30 * time.Second)
	}
	ctl.Kill()
	ctl = startProcController(t, bin, data, logs)
	after := listImages(ctl.Base)
	if len(after) != len(got) {
		t.Errorf("after restart %d images, want %d", len(after), len(got))
	}
	for d, s := range got {
		a, ok := after[d]
		if !ok {
			t.Errorf("after restart %s missing", s.Reference)
			continue
		}
		if a.Scans != s.Scans || a.Reference != s.Reference {
			t.Errorf("after restart %s: %+v, before %+v", d, a, s)
		}
	}
	var before map[string]int
	fleettest.Do(t, "GET", ctl.Base+"/api/v1/queue", admin, nil, &before)
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/real/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("rescan: %d", code)
	}
	waitCrawled(t, ctl.Base, admin, "real")
	var q map[string]int
	fleettest.Do(t, "GET", ctl.Base+"/api/v1/queue", admin, nil, &q)
	if q["queued"] != 0 || q["leased"] != 0 || !maps.Equal(q, before) {
		t.Errorf("re-crawl after restart changed the queue: %v, before %v", q, before)
	}
	var rv api.RegistryView
	fleettest.Do(t, "GET", ctl.Base+"/api/v1/registries/real", admin, nil, &rv)
	if rv.LastError != "" {
		t.Errorf("real registry last error %q", rv.LastError)
	}

	// Bad input: wrong password on the TLS registry.
	tlsHost := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	ca := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user := os.Getenv("SCANFLEET_TEST_REGISTRY_USER")
	if user == "" {
		user = "scanfleet"
	}
	bad := api.RegistryInput{
		Registry: api.Registry{Name: "bad", URL: "https://" + tlsHost, Username: user, CACertFile: ca},
		Password: "definitely-" + secretPassword,
	}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries", admin, bad, nil); code != http.StatusCreated {
		t.Fatalf("create bad registry: %d", code)
	}
	if code := fleettest.Do(t, "POST", ctl.Base+"/api/v1/registries/bad/scan", admin, nil, nil); code == http.StatusAccepted {
		var v api.RegistryView
		// A bound against a hang, generous for a loaded CI machine.
		for deadline := time.Now().Add(time.Minute); v.LastError == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			fleettest.Do(t, "GET", ctl.Base+"/api/v1/registries/bad", admin, nil, &v)
		}
		if v.LastError == "" {
			t.Error("crawl with a wrong password left no error on the registry view")
		} else {
			t.Logf("bad registry error: %s", v.LastError)
		}
	} else if code/100 == 2 {
		t.Errorf("scan of a registry with a wrong password answered %d", code)
	}
	final := listImages(ctl.Base)
	if len(final) != len(got) {
		t.Errorf("after the bad crawl %d images, want %d", len(final), len(got))
	}
	for d := range got {
		if _, ok := final[d]; !ok {
			t.Errorf("after the bad crawl %s missing", d)
		}
	}
	if strings.Contains(logs.String(), secretPassword) {
		t.Error("registry password appears in a log")
	}
}

// pkgIdentity is a package's name, version, type and source (the layer
// digest is left out: the fleet and the standalone scan read the same
// image, but we compare what was found, not where).
func pkgIdentity(ps []report.Package) []string {
	out := make([]string, 0, len(ps))
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%s/%s@%s src=%s@%s", p.Type, p.Name, p.Version, p.SourceName, p.SourceVersion))
	}
	slices.Sort(out)
	return out
}
