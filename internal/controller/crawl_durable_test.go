package controller

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// gate is a crawl transport that holds every request whose path contains
// hold until the request is cancelled or the gate opens.
type gate struct {
	hold string
	open chan struct{}
	held chan struct{} // receives one value per held request
}

func newGate(hold string) *gate {
	return &gate{hold: hold, open: make(chan struct{}), held: make(chan struct{}, 64)}
}

func (g *gate) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, g.hold) {
		select {
		case g.held <- struct{}{}:
		default:
		}
		select {
		case <-g.open:
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

// waitFor polls cond for up to a minute (generous: loaded CI machines).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func queuedCount(t *testing.T, c *Controller) int {
	t.Helper()
	n, err := c.queue.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n[queue.StateQueued] + n[queue.StateLeased]
}

// Issue 15, window 2: a crawl the API accepted survives the controller's
// death. The first controller answers "started" and dies while the crawl
// is held up in the registry; the second, on the same data directory,
// runs the crawl to its end. On the code before the fix nothing
// remembered the request and the second controller queued nothing.
func TestCrawlRequestSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	for i := range 3 {
		imagetest.Push(t, oneFileImage(t, "etc/c", fmt.Sprint(i)), fmt.Sprintf("%s/durable/c%d:1", host, i))
	}
	dir := t.TempDir()
	admin, err := CreateToken(ctx, dir, RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	g := newGate("/v2/")
	c1, err := New(ctx, Config{DataDir: dir, CrawlTransport: g, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if err := c1.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c1.Handler())
	req, _ := http.NewRequest("POST", srv.URL+"/api/v1/registries/r/scan", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("scan: %d", resp.StatusCode)
	}
	select {
	case <-g.held:
	case <-time.After(time.Minute):
		t.Fatal("the crawl never reached the registry")
	}
	// The controller dies mid-crawl (Close cancels the crawl as a kill
	// would end it; nothing was enqueued).
	srv.Close()
	if err := c1.Close(); err != nil {
		t.Fatal(err)
	}

	c2, err := New(ctx, Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if n := queuedCount(t, c2); n != 0 {
		t.Fatalf("%d tasks queued before the restart resumed anything", n)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- c2.Run(runCtx) }()
	defer func() { stop(); <-done }()
	waitFor(t, "the resumed crawl to queue 3 images", func() bool { return queuedCount(t, c2) == 3 })
	waitFor(t, "the crawl request to be retired", func() bool {
		reqs, err := c2.store.ListCrawls(ctx, store.CrawlFilter{Live: true})
		return err == nil && len(reqs) == 0
	})
}

// A long crawl enqueues as it goes: with a batch of 2, images of the
// repositories crawled so far are queued while the crawl is still held
// up on the last repository. On the code before the fix the crawl
// enqueued once, at its end.
func TestCrawlEnqueuesInBatches(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	for _, repo := range []string{"batch/a", "batch/b", "batch/c", "batch/zz-last"} {
		imagetest.Push(t, oneFileImage(t, "etc/b", repo), host+"/"+repo+":1")
	}
	g := newGate("zz-last")
	f := newFixture(t, Config{CrawlTransport: g, CrawlBatch: 2})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.RequestCrawl(ctx, "r", queue.PriorityManual, "test"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-g.held:
	case <-time.After(time.Minute):
		t.Fatal("the crawl never reached the last repository")
	}
	// Repositories are crawled concurrently: the three others go on
	// while the last is held, and their first batch must be queued.
	waitFor(t, "a batch queued while the crawl is held up", func() bool { return queuedCount(t, f.c) >= 2 })
	close(g.open)
	waitFor(t, "all 4 images queued", func() bool { return queuedCount(t, f.c) == 4 })
}
