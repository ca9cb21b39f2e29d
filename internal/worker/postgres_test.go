package worker_test

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// The controller with its task queue in a real PostgreSQL server (the
// shared-state configuration): a fleet scan completes, every image once.
func TestFleetPostgresQueue(t *testing.T) {
	// A schema of its own keeps this run's queue apart from others.
	dsn := testutil.PostgresSchema(t, "fleet")

	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine", 6)
	logs := &testutil.SyncBuffer{}
	base, tok := newControllerQueue(t, logs, 10*time.Second, dsn)
	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host, Filters: []string{"team/**"}}}
	addAndScan(t, base, tok, reg)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = worker.Run(ctx, worker.Config{ControllerURL: base, Token: tok, Name: "pg" + string(rune('a'+i)), Concurrency: 2,
				PollInterval: 50 * time.Millisecond, Logger: slog.New(slog.NewTextHandler(logs, nil))})
		}()
	}
	counts := fleettest.WaitDrained(t, base, tok, len(images), 120*time.Second)
	cancel()
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
	if counts["done"] != len(images) || counts["failed"] != 0 {
		t.Fatalf("queue counts %v, want %d done\n%s", counts, len(images), logs)
	}
	// The tasks really are in PostgreSQL.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM queue_tasks").Scan(&n); err != nil {
		t.Fatalf("reading the queue table: %v", err)
	}
	if n != len(images) {
		t.Fatalf("%d tasks in PostgreSQL, want %d", n, len(images))
	}
	var list []api.ImageSummary
	if code := fleettest.Do(t, "GET", base+"/api/v1/images?registry=local", tok, nil, &list); code != 200 || len(list) != len(images) {
		t.Fatalf("list images: %d, %d listed, want %d", code, len(list), len(images))
	}
	for _, im := range list {
		if im.Scans != 1 {
			t.Errorf("%s scanned %d times, want 1", im.Reference, im.Scans)
		}
	}
}
