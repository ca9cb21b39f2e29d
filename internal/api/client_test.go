package api_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// fixture is a real controller (SQLite store and queue in a temporary
// directory) behind an HTTP server, with a token per role.
type fixture struct {
	url                    string
	admin, scanner, reader string
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	c, err := controller.New(ctx, controller.Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	f := fixture{url: srv.URL}
	for _, tc := range []struct {
		role api.Role
		tok  *string
	}{{api.RoleAdmin, &f.admin}, {api.RoleScanner, &f.scanner}, {api.RoleReader, &f.reader}} {
		if *tc.tok, err = controller.CreateToken(ctx, dir, tc.role); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// TestClientRoundTrip drives every typed method of the scanner protocol
// and the registry routes against a real controller.
func TestClientRoundTrip(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := api.NewClient(f.url+"/", f.admin, nil)
	if admin.BaseURL() != f.url {
		t.Errorf("BaseURL %q, want %q (trailing slash dropped)", admin.BaseURL(), f.url)
	}
	in := api.RegistryInput{Registry: api.Registry{Name: "r1", URL: "http://127.0.0.1:1", Filters: []string{"a/**"}, Interval: api.Duration(3600e9)}, Password: "secret"}
	v, err := admin.PutRegistry(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "r1" || !v.PasswordSet || v.Interval != in.Interval {
		t.Errorf("PutRegistry answered %+v", v)
	}
	regs, err := admin.Registries(ctx)
	if err != nil || len(regs) != 1 || regs[0].Name != "r1" {
		t.Fatalf("Registries: %+v, %v", regs, err)
	}
	if got, err := admin.Registry(ctx, "r1"); err != nil || got.URL != in.URL {
		t.Fatalf("Registry: %+v, %v", got, err)
	}

	sc := api.NewClient(f.url, f.scanner, nil)
	reg, err := sc.Register(ctx, api.RegisterRequest{Name: "s1", Concurrency: 2})
	if err != nil {
		t.Fatal(err)
	}
	if reg.ID == "" || reg.HeartbeatSeconds <= 0 {
		t.Fatalf("Register answered %+v", reg)
	}
	tasks, err := sc.Lease(ctx, reg.ID, 2)
	if err != nil || len(tasks) != 0 {
		t.Fatalf("Lease on an empty queue: %+v, %v", tasks, err)
	}
	lost, err := sc.Heartbeat(ctx, reg.ID, []string{"no-such-task"})
	if err != nil || len(lost) != 1 || lost[0] != "no-such-task" {
		t.Fatalf("Heartbeat of a task not held: lost %v, %v", lost, err)
	}
	// The layer store: a miss claims the layer, a second claimant is
	// told to wait, the holder's analysis is then served to anyone.
	key := all.Version() + "/sha256:" + strings.Repeat("ab", 32)
	a, pending, err := sc.GetLayer(ctx, key, reg.ID+"/one")
	if err != nil || a != nil || pending {
		t.Fatalf("first GetLayer: %v %v %v, want a claimed miss", a, pending, err)
	}
	if _, pending, err = sc.GetLayer(ctx, key, reg.ID+"/two"); err != nil || !pending {
		t.Fatalf("second GetLayer: pending %v, %v; want pending", pending, err)
	}
	if err := sc.PutLayer(ctx, key, reg.ID+"/one", &layer.Analysis{}); err != nil {
		t.Fatalf("PutLayer by the claim holder: %v", err)
	}
	if a, _, err = sc.GetLayer(ctx, key, reg.ID+"/two"); err != nil || a == nil {
		t.Fatalf("GetLayer after the put: %v, %v", a, err)
	}
	if err := sc.Release(ctx, reg.ID, nil); err != nil {
		t.Fatal(err)
	}
	scs, err := sc.Scanners(ctx)
	if err != nil || len(scs) != 1 || scs[0].State != api.ScannerStopped {
		t.Fatalf("Scanners after release: %+v, %v", scs, err)
	}

	rd := api.NewClient(f.url, f.reader, nil)
	counts, err := rd.QueueCounts(ctx)
	if err != nil || counts[queue.StateQueued] != 0 {
		t.Fatalf("QueueCounts: %v, %v", counts, err)
	}
	if ts, err := rd.Tasks(ctx, queue.StateFailed, 10); err != nil || len(ts) != 0 {
		t.Fatalf("Tasks: %v, %v", ts, err)
	}
	if ims, err := rd.Images(ctx, api.ImageQuery{Registry: "r1", Coverage: api.CoverageCovered}); err != nil || len(ims) != 0 {
		t.Fatalf("Images: %v, %v", ims, err)
	}
	if who, err := rd.WhoAmI(ctx); err != nil || who.Role != api.RoleReader {
		t.Fatalf("WhoAmI: %+v, %v", who, err)
	}
	if lv, err := rd.Leader(ctx); err != nil || !lv.Leader {
		t.Fatalf("Leader of a lone controller: %+v, %v", lv, err)
	}
	if err := admin.DeleteRegistry(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
}

// TestClientErrors checks that refusals come back as *api.Error with the
// status and the controller's own message, and transport failures as
// plain errors naming the controller.
func TestClientErrors(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		call   func(*api.Client) error
		token  string
		status int
		msg    string
	}{
		{"no token", func(c *api.Client) error { _, err := c.Registries(ctx); return err }, "", http.StatusUnauthorized, "missing bearer token"},
		{"bad token", func(c *api.Client) error { _, err := c.Registries(ctx); return err }, "sf_nope", http.StatusUnauthorized, "invalid token"},
		{"reader writes", func(c *api.Client) error { return c.DeleteRegistry(ctx, "x") }, f.reader, http.StatusForbidden, "role reader may not do this"},
		{"unknown registry", func(c *api.Client) error { _, err := c.Registry(ctx, "nope"); return err }, f.reader, http.StatusNotFound, `registry "nope" not found`},
		{"bad registry", func(c *api.Client) error {
			_, err := c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "x", URL: "ftp://h"}})
			return err
		}, f.admin, http.StatusBadRequest, "must be http(s)://host[:port]"},
		{"unknown task", func(c *api.Client) error { return c.Fail(ctx, "nope", api.FailRequest{Scanner: "s"}) }, f.scanner, http.StatusNotFound, `task "nope" not found`},
		{"unscanned image", func(c *api.Client) error { _, err := c.ImageReport(ctx, "sha256:"+strings.Repeat("0", 64)); return err }, f.reader, http.StatusNotFound, "not scanned"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call(api.NewClient(f.url, tc.token, nil))
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v (%T), want *api.Error", err, err)
			}
			if e.Status != tc.status || api.StatusOf(err) != tc.status || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("got status %d message %q, want %d containing %q", e.Status, e.Message, tc.status, tc.msg)
			}
			if !strings.Contains(err.Error(), f.url) {
				t.Errorf("error %q does not name the controller", err)
			}
		})
	}

	// Nothing listens: a transport error, not an *api.Error.
	srv := httptest.NewServer(http.NotFoundHandler())
	dead := srv.URL
	srv.Close()
	_, err := api.NewClient(dead, f.admin, nil).Registries(ctx)
	if err == nil || api.StatusOf(err) != 0 || !strings.Contains(err.Error(), dead) {
		t.Errorf("unreachable controller: %v (status %d)", err, api.StatusOf(err))
	}
}
