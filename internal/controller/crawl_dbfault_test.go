package controller

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
)

// failingEnqueue is the queue whose first fails EnqueueBatch calls fail as
// a PostgreSQL restart makes them fail (the server ends every session).
type failingEnqueue struct {
	queue.Queue
	fails atomic.Int32
}

func (q *failingEnqueue) EnqueueBatch(ctx context.Context, tasks []queue.Task) (int, error) {
	if q.fails.Add(-1) >= 0 {
		return 0, errors.New("queue: enqueue batch: FATAL: terminating connection due to administrator command (SQLSTATE 57P01)")
	}
	return q.Queue.EnqueueBatch(ctx, tasks)
}

// TestCrawlSurvivesStoreErrors: a crawl whose enqueueing fails because
// the database went away (twice in a row) is run again, not finished as
// failed: every image ends up queued, the crawl request is retired as
// done, and the log names the interruption. On the code before the fix
// the crawl was recorded as failed with nothing queued, and the images
// stayed unscanned until the next crawl (the fleet chaos test's dropped
// database connections showed it).
func TestCrawlSurvivesStoreErrors(t *testing.T) {
	ctx := context.Background()
	host := imagetest.Registry(t)
	for i := range 3 {
		imagetest.Push(t, oneFileImage(t, "etc/d", fmt.Sprint(i)), fmt.Sprintf("%s/dbfault/d%d:1", host, i))
	}
	fq := &failingEnqueue{}
	fq.fails.Store(2)
	f := newFixture(t, Config{wrapQueue: func(q queue.Queue) queue.Queue { fq.Queue = q; return fq }})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://" + host}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.RequestCrawl(ctx, "r", queue.PriorityManual, "test"); err != nil {
		t.Fatal(err)
	}
	var got store.Crawl
	waitFor(t, "the crawl request to be retired", func() bool {
		crs, err := f.c.store.ListCrawls(ctx, store.CrawlFilter{Registry: "r"})
		if err != nil || len(crs) != 1 {
			return false
		}
		got = crs[0]
		return got.State != store.CrawlRequested && got.State != store.CrawlRunning
	})
	if got.State != store.CrawlDone || got.Error != "" {
		t.Errorf("crawl ended %s (%q), want done", got.State, got.Error)
	}
	if n := queuedCount(t, f.c); n != 3 {
		t.Errorf("%d tasks queued, want 3", n)
	}
	for _, want := range []struct {
		line string
		n    int
	}{
		{"crawl interrupted by a store error; crawling again", 2},
		{"crawl of registry stopped", 2}, // not "crawled registry"
		{"crawled registry", 1},
	} {
		if n := strings.Count(f.logs.String(), want.line); n != want.n {
			t.Errorf("log says %q %d times, want %d:\n%s", want.line, n, want.n, f.logs)
		}
	}
}
