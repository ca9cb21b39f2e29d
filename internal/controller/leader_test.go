package controller

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// A lone controller (no Elector) leads: the API and the metric say so.
func TestLeaderAloneAPI(t *testing.T) {
	f := newFixture(t, Config{})
	code, body := f.do(t, "GET", "/api/v1/leader", f.reader, nil)
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/leader: %d %s", code, body)
	}
	var v api.LeaderView
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if !v.Leader || v.Election != "none" || v.Holder != v.Identity {
		t.Fatalf("lone controller: %+v", v)
	}
	if code, _ := f.do(t, "GET", "/api/v1/leader", "", nil); code != http.StatusUnauthorized {
		t.Fatalf("without a token: %d, want 401", code)
	}
	if m := metricLine(t, f, "scanfleet_leader"); m != "scanfleet_leader 1" {
		t.Fatalf("metric: %q", m)
	}
}

func metricLine(t *testing.T, f *fixture, name string) string {
	t.Helper()
	code, body := f.do(t, "GET", "/metrics", f.reader, nil)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d", code)
	}
	for l := range strings.SplitSeq(string(body), "\n") {
		if strings.HasPrefix(l, name+" ") {
			return l
		}
	}
	return ""
}

// The LeaderView schema in openapi.json lists exactly the type's fields.
func TestLeaderViewSchema(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	ref := doc.Components.Schemas["LeaderView"]
	if ref == nil || ref.Value == nil {
		t.Fatal("no LeaderView schema")
	}
	var props []string
	for p := range ref.Value.Properties {
		props = append(props, p)
	}
	slices.Sort(props)
	if want := jsonFields(reflect.TypeFor[api.LeaderView]()); !slices.Equal(props, want) {
		t.Fatalf("schema properties %v, type fields %v", props, want)
	}
}

// TestOnlyLeaderSchedulesAndScales uses a real PostgreSQL election whose
// lock the test holds, so the controller is a follower: a due periodic
// crawl is not started and the auto-scaler does not scale; once the test
// lets go, the controller leads and does both.
func TestOnlyLeaderSchedulesAndScales(t *testing.T) {
	dsn := testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	q := u.Query()
	q.Set("search_path", "ctl_leader_"+hex.EncodeToString(b))
	u.RawQuery = q.Encode()
	dsn = u.String()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// The test takes the election's lock first.
	hcfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	hcfg.RuntimeParams["application_name"] = "scanfleet-leader:test-holder"
	hold, err := pgx.ConnectConfig(ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer hold.Close(context.Background())
	key := leader.LockKey("scanfleet-controller", "ctl_leader_"+hex.EncodeToString(b))
	if _, err := hold.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		t.Fatal(err)
	}

	var catalog atomic.Int32
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/v2/_catalog") {
			catalog.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"repositories":[]}`))
	}))
	defer reg.Close()

	el, err := leader.NewPostgres(leader.PostgresOptions{DSN: dsn, Identity: "ctl", RetryPeriod: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	sc := &fakeScaler{replicas: 1}
	f := newFixture(t, Config{Elector: el, Scaler: sc, Autoscale: autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: 0, MaxScannerPods: 3}})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "periodic", URL: reg.URL, Interval: api.Duration(time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.c.queue.Enqueue(ctx, queue.Task{Key: "leader-test-task", Payload: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	elCtx, stopEl := context.WithCancel(context.Background())
	elDone := make(chan struct{})
	go func() { defer close(elDone); f.c.leadership.Run(elCtx, elCtx) }()
	defer func() { stopEl(); <-elDone }()

	view := func() api.LeaderView {
		code, body := f.do(t, "GET", "/api/v1/leader", f.reader, nil)
		if code != http.StatusOK {
			t.Fatalf("GET /api/v1/leader: %d", code)
		}
		var v api.LeaderView
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Once the controller names the test's session as the holder, it has
	// tried the lock and failed.
	waitUntil(t, "the follower sees the test's lock", func() bool { return view().Holder == "test-holder" })
	if v := view(); v.Leader || v.Election != "postgres" || v.Identity != "ctl" {
		t.Fatalf("follower view %+v", v)
	}
	if m := metricLine(t, f, "scanfleet_leader"); m != "scanfleet_leader 0" {
		t.Fatalf("follower metric %q", m)
	}
	// A scheduled crawl is a request in the store until it has run, so
	// waiting for none to be live waits for any crawl it asked for.
	crawled := func() time.Time {
		waitUntil(t, "no crawl runs", func() bool {
			live, err := f.c.store.ListCrawls(ctx, store.CrawlFilter{Registry: "periodic", Live: true})
			return err == nil && len(live) == 0
		})
		r, _, err := f.c.store.GetRegistry(ctx, "periodic")
		if err != nil {
			t.Fatal(err)
		}
		return r.LastCrawl
	}
	f.c.scheduleIfLeader(ctx)
	if last := crawled(); !last.IsZero() || catalog.Load() != 0 {
		t.Fatalf("a follower crawled the registry (last crawl %v, %d catalog requests)", last, catalog.Load())
	}
	if err := f.c.autoscaler.Engine().Step(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, _ := sc.Replicas(ctx); n != 1 {
		t.Fatalf("a follower scaled to %d", n)
	}

	if _, err := hold.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "the controller leads", func() bool { return view().Leader })
	if v := view(); v.Holder != "ctl" {
		t.Fatalf("leader view %+v", v)
	}
	if m := metricLine(t, f, "scanfleet_leader"); m != "scanfleet_leader 1" {
		t.Fatalf("leader metric %q", m)
	}
	f.c.scheduleIfLeader(ctx)
	if last := crawled(); last.IsZero() || catalog.Load() == 0 {
		t.Fatalf("the leader did not crawl the due registry (last crawl %v, %d catalog requests)", last, catalog.Load())
	}
	if err := f.c.autoscaler.Engine().Step(ctx, time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, _ := sc.Replicas(ctx); n != 2 {
		t.Fatalf("the leader's immediate strategy scaled to %d, want 2", n)
	}
}

func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
