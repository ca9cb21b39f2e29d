package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestPullsPerSecondAcrossReplicas: two controllers on one PostgreSQL
// store and queue, a registry limited to 2 pulls per second, 200 of its
// tasks queued and scanners on both replicas leasing as fast as they can
// for 3 s. The starts stay within the one shared bucket's arithmetic: at
// most burst (2) + rate × window in every window (each replica with its
// own bucket could start twice that: 8 in a second). A lease reserves its
// tokens somewhere between the moment its request is sent and the moment
// its answer arrives, so the starts of the leases sent and answered
// within one second took their tokens within that second: that count is
// checked, not the queue's lease times, which a loaded machine may write
// long after the reservation (a fixed allowance for that delay failed
// under load). Only upper bounds: a slow machine starts fewer.
func TestPullsPerSecondAcrossReplicas(t *testing.T) {
	shared := testutil.PostgresSchema(t, "rate")
	ctx := context.Background()
	root, _, err := CreateNamedToken(ctx, Config{StoreDSN: shared}, TokenSpec{Name: "root", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	var first *Controller
	for i := range 2 {
		c, err := New(ctx, Config{DataDir: t.TempDir(), StoreDSN: shared, QueueDSN: shared, Identity: fmt.Sprintf("replica-%d", i),
			Logger: slog.New(slog.NewJSONHandler(&testutil.SyncBuffer{}, nil))})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(c.Handler())
		t.Cleanup(func() {
			srv.Close()
			if err := c.Close(); err != nil {
				t.Error(err)
			}
		})
		urls = append(urls, srv.URL)
		if first == nil {
			first = c
		}
	}
	const rate, burst = 2.0, 2
	if err := first.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "hub", URL: "http://127.0.0.1:1", PullsPerSecond: rate}}); err != nil {
		t.Fatal(err)
	}
	var tasks []queue.Task
	for i := range 200 {
		d := fmt.Sprintf("sha256:%064x", i)
		p, _ := json.Marshal(web.TaskPayload{Registry: "hub", Repository: "app", Digest: d, Reference: "127.0.0.1:1/app@" + d, DBDigest: "db"})
		tasks = append(tasks, queue.Task{Key: "hub/app@" + d + "|db", Payload: p})
	}
	if _, err := first.queue.EnqueueBatch(ctx, tasks); err != nil {
		t.Fatal(err)
	}

	post := func(url, path string, in, out any) error {
		b, _ := json.Marshal(in)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url+path, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+root)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode/100 != 2 {
			return fmt.Errorf("POST %s: %s", path, resp.Status)
		}
		return json.NewDecoder(resp.Body).Decode(out)
	}
	// leaseCall is one lease request: when it was sent, when its answer
	// came, and how many tasks it started.
	type leaseCall struct {
		sent, answered time.Time
		tasks          int
	}
	var (
		mu    sync.Mutex
		calls []leaseCall
	)
	start := time.Now()
	var wg sync.WaitGroup
	for i, url := range urls {
		for j := range 3 {
			wg.Go(func() {
				var reg api.RegisterResponse
				if err := post(url, "/api/v1/scanners", api.RegisterRequest{Name: fmt.Sprintf("s%d-%d", i, j), Concurrency: 4}, &reg); err != nil {
					t.Error(err)
					return
				}
				for time.Since(start) < 3*time.Second {
					var res api.LeaseResponse
					sent := time.Now()
					if err := post(url, "/api/v1/scanners/"+reg.ID+"/lease", api.LeaseRequest{Max: 4}, &res); err != nil {
						t.Error(err)
						return
					}
					if len(res.Tasks) > 0 {
						mu.Lock()
						calls = append(calls, leaseCall{sent: sent, answered: time.Now(), tasks: len(res.Tasks)})
						mu.Unlock()
					}
				}
			})
		}
	}
	wg.Wait()

	leased, err := first.queue.List(ctx, queue.ListFilter{States: []queue.State{queue.StateLeased}})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	started := 0
	for _, c := range calls {
		started += c.tasks
	}
	if started != len(leased) {
		t.Errorf("the lease answers started %d tasks, the queue holds %d leased", started, len(leased))
	}
	slices.SortFunc(calls, func(a, b leaseCall) int { return a.sent.Compare(b.sent) })
	most := 0
	for i, first := range calls {
		n := 0
		for _, c := range calls[i:] {
			if c.answered.Sub(first.sent) <= time.Second {
				n += c.tasks
			}
		}
		most = max(most, n)
	}
	if limit := burst + int(rate); most > limit {
		t.Errorf("%d starts within one second across both replicas, want at most %d (burst %d + %g/s)", most, limit, burst, rate)
	}
	if limit := burst + int(rate*elapsed.Seconds()); len(leased) > limit {
		t.Errorf("%d starts in %v, want at most %d", len(leased), elapsed.Round(time.Millisecond), limit)
	}
	if len(leased) == 0 {
		t.Error("no task started at all")
	}
	t.Logf("%d starts in %v across 2 replicas, at most %d in one second", len(leased), elapsed.Round(time.Millisecond), most)
}
