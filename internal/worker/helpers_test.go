package worker_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// blobRegistry is go-containerregistry's in-memory registry behind a
// handler that counts blob GETs per digest and can slow the first GET of
// one blob, so a test can kill a scanner while it downloads.
type blobRegistry struct {
	host string

	mu     sync.Mutex
	gets   map[string]int
	slow   string        // digest whose first GET is slowed
	slowed chan struct{} // closed when the slow GET starts
	delay  time.Duration
}

func newBlobRegistry(t *testing.T) *blobRegistry {
	t.Helper()
	br := &blobRegistry{gets: map[string]int{}, slowed: make(chan struct{})}
	inner := registry.New(registry.Logger(log.New(io.Discard, "", 0)))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, d, ok := strings.Cut(r.URL.Path, "/blobs/"); ok && r.Method == http.MethodGet {
			br.mu.Lock()
			br.gets[d]++
			first := br.gets[d] == 1 && d == br.slow
			br.mu.Unlock()
			if first {
				close(br.slowed)
				select {
				case <-time.After(br.delay):
				case <-r.Context().Done():
					return
				}
			}
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	br.host = strings.TrimPrefix(srv.URL, "http://")
	return br
}

func (br *blobRegistry) blobGets(digest string) int {
	br.mu.Lock()
	defer br.mu.Unlock()
	return br.gets[digest]
}

func (br *blobRegistry) reset() {
	br.mu.Lock()
	defer br.mu.Unlock()
	br.gets = map[string]int{}
}

// pushed is one test image in the registry.
type pushed struct {
	repo, tag, digest string
	base              string // digest of the shared base layer blob
	extra             string // digest of the variant's own layer blob
	img               v1.Image
}

// pushVariants pushes n variants of the root filesystem tarball: each is
// the tarball as base layer plus a small layer with a distinct file.
func pushVariants(t *testing.T, br *blobRegistry, rootfs, repo string, n int) []pushed {
	t.Helper()
	path := testutil.Data(t, "rootfs", rootfs)
	var out []pushed
	for i := range n {
		extra, err := imagebuild.Files(imagebuild.File{Path: "etc/variant", Content: fmt.Appendf(nil, "%s variant %d\n", repo, i), Mode: 0o644})
		if err != nil {
			t.Fatal(err)
		}
		img := imagetest.FromRootFS(t, path, extra)
		tag := fmt.Sprintf("v%d", i)
		imagetest.Push(t, img, br.host+"/"+repo+":"+tag)
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		ls, err := img.Layers()
		if err != nil {
			t.Fatal(err)
		}
		bd, err := ls[0].Digest()
		if err != nil {
			t.Fatal(err)
		}
		ed, err := ls[1].Digest()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, pushed{repo: repo, tag: tag, digest: d.String(), base: bd.String(), extra: ed.String(), img: img})
	}
	return out
}

// newController starts an in-process controller and returns its URL and an
// admin token.
func newController(t *testing.T, logs io.Writer, timeout time.Duration) (string, string) {
	t.Helper()
	return newControllerQueue(t, logs, timeout, "")
}

// newControllerQueue is newController with the task queue in the
// PostgreSQL database queueDSN ("" for the embedded SQLite queue).
func newControllerQueue(t *testing.T, logs io.Writer, timeout time.Duration, queueDSN string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	tok, err := controller.CreateToken(ctx, dir, controller.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	c, err := controller.New(ctx, controller.Config{
		DataDir: filepath.Join(dir), QueueDSN: queueDSN, LeaseDuration: 30 * time.Second, ScannerTimeout: timeout,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	done := make(chan struct{})
	go func() { defer close(done); _ = c.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		srv.Close()
		if err := c.Close(); err != nil {
			t.Errorf("closing controller: %v", err)
		}
	})
	return srv.URL, tok
}

// addAndScan adds reg on the controller at base and asks for its crawl.
func addAndScan(t *testing.T, base, token string, reg api.RegistryInput) {
	t.Helper()
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", token, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry %s: %d", reg.Name, code)
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/"+reg.Name+"/scan", token, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan registry %s: %d", reg.Name, code)
	}
}
