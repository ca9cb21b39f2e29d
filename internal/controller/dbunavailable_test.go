package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/testutil/faultproxy"
)

// viaProxy is dsn (a URL or key=value pairs) with its server's address
// replaced by addr.
func viaProxy(t *testing.T, dsn, addr string) string {
	t.Helper()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dsn, "://") {
		return dsn + " host=" + host + " port=" + port // the last value of a key wins
	}
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parsing SCANFLEET_TEST_POSTGRES: %v", err)
	}
	u.Host = addr
	return u.String()
}

// TestDatabaseUnavailableAnswers503: a request that meets the
// control-plane database unreachable is answered 503 Service Unavailable
// with a Retry-After and a message naming the class of failure, not a
// 500 "internal error", and the message leaks neither the DSN nor SQL;
// the typed client carries the cause and the Retry-After. The failure is
// real: a PostgreSQL store and queue behind a TCP proxy that is then shut
// (the pooled connections are cut and new ones refused), read and write
// routes alike (both meet it in the token lookup, which shares the
// handlers' error mapping). On the code before the change both were 500
// "internal error".
// (SQLite's busy database is classified in package web's test: through
// a controller every request would first wait out its background
// loops' 10 s busy timeouts on the single writer connection.)
func TestDatabaseUnavailableAnswers503(t *testing.T) {
	dsn := testutil.PostgresSchema(t, "dbdown")
	target, err := url.Parse(dsn)
	if err != nil || target.Host == "" {
		t.Skipf("SCANFLEET_TEST_POSTGRES is not a URL with a host: %q", dsn)
	}
	p := faultproxy.Start(t, target.Host)
	shared := viaProxy(t, dsn, p.Addr())
	root, _, err := CreateNamedToken(context.Background(), Config{StoreDSN: shared}, TokenSpec{Name: "root", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	f := startFixture(t, Config{StoreDSN: shared, QueueDSN: shared}, root)
	getJSON(t, f, "/api/v1/registries", f.admin, http.StatusOK, nil)
	p.Close()

	doc := loadDoc(t, openAPIDoc)
	for _, tc := range []struct {
		method, path, docPath string
		body                  any
	}{
		{method: http.MethodGet, path: "/api/v1/registries", docPath: "/api/v1/registries"},
		{method: http.MethodPut, path: "/api/v1/registries/r", docPath: "/api/v1/registries/{name}",
			body: api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://127.0.0.1:1"}}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			var body []byte
			if tc.body != nil {
				body = mustJSON(t, tc.body)
			}
			req, err := http.NewRequest(tc.method, f.url+tc.path, bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+f.admin)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			var e struct{ Error string }
			if err := json.Unmarshal(raw, &e); err != nil {
				t.Fatalf("%v in %s", err, raw)
			}
			if resp.StatusCode != http.StatusServiceUnavailable {
				t.Fatalf("%s %s with the database down: %d %q, want 503\n%s", tc.method, tc.path, resp.StatusCode, e.Error, f.logs)
			}
			if ra := resp.Header.Get("Retry-After"); ra != "2" {
				t.Errorf("Retry-After %q, want 2", ra)
			}
			checkAnswer(t, doc, tc.method, tc.docPath, resp.StatusCode, raw)
			// Which of the two the request meets depends on whether the
			// pool still held a connection the cut ended.
			if cause, ok := strings.CutPrefix(e.Error, web.UnavailablePrefix); !ok || !slices.Contains([]string{"connection refused", "connection lost"}, cause) {
				t.Errorf("error %q, want %q followed by connection refused or lost", e.Error, web.UnavailablePrefix)
			}
			for _, leak := range []string{"postgres", "127.0.0.1", target.Port(), "search_path", "SELECT", "INSERT", "password"} {
				if strings.Contains(e.Error, leak) {
					t.Errorf("error %q shows %q", e.Error, leak)
				}
			}
			if !strings.Contains(f.logs.String(), `"database_unavailable":"connection`) {
				t.Errorf("the controller's log does not name the outage:\n%s", f.logs)
			}

			// The typed client carries the cause and the Retry-After.
			err = api.NewClient(f.url, f.admin, nil).Do(context.Background(), tc.method, tc.path, tc.body, nil)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status != http.StatusServiceUnavailable || ae.RetryAfter != web.DatabaseRetryAfter ||
				!strings.Contains(err.Error(), web.UnavailablePrefix) {
				t.Errorf("client: %v (%+v), want a 503 naming the cause with Retry-After 2s", err, ae)
			}
		})
	}
}

// startFixture starts a controller with cfg (its store holding the admin
// token root) behind a test server.
func startFixture(t *testing.T, cfg Config, root string) *fixture {
	t.Helper()
	f := &fixture{dir: t.TempDir(), logs: &testutil.SyncBuffer{}, admin: root}
	cfg.DataDir = f.dir
	cfg.Logger = slog.New(slog.NewJSONHandler(f.logs, nil))
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(func() {
		srv.Close()
		_ = c.Close() // the database is gone: closing may fail
	})
	f.c, f.url = c, srv.URL
	return f
}
