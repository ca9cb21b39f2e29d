package controller

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestNewWithoutDataDir: a controller whose queue and store are in
// PostgreSQL and whose sealing keys are files keeps nothing on disk, so
// it starts without a data directory (README's "One site or HA" command,
// `scanfleet controller --postgres DSN --secret-key-file FILE`) and
// writes nothing to its working directory; any other controller still
// needs one, and says why.
func TestNewWithoutDataDir(t *testing.T) {
	const unreachable = "postgres://u@127.0.0.1:1/db"
	key := filepath.Join(t.TempDir(), "secret.key")
	if err := os.WriteFile(key, []byte((rand.Text() + rand.Text())[:32]), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		cfg      Config
		postgres bool // the store and queue DSNs are the test server's
		wantErr  string
	}{
		{name: "SQLite needs a directory", cfg: Config{SecretKeyFiles: []string{key}}, wantErr: "no data directory"},
		{name: "a key created on first start needs a directory", cfg: Config{StoreDSN: unreachable, QueueDSN: unreachable}, wantErr: "no data directory"},
		{name: "a queue in queue.db needs a directory", cfg: Config{StoreDSN: unreachable, SecretKeyFiles: []string{key}}, wantErr: "no data directory"},
		{name: "PostgreSQL and key files need none", cfg: Config{SecretKeyFiles: []string{key}}, postgres: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			if tc.postgres {
				dsn := testutil.PostgresSchema(t, "datadir")
				tc.cfg.StoreDSN, tc.cfg.QueueDSN = dsn, dsn
			}
			cwd := t.TempDir()
			t.Chdir(cwd)
			c, err := New(ctx, tc.cfg)
			if tc.wantErr != "" {
				if err == nil {
					c.Close()
					t.Fatalf("New started without a data directory; want an error naming %q", tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %q, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			tok, _, err := CreateNamedToken(ctx, Config{StoreDSN: tc.cfg.StoreDSN}, TokenSpec{Role: RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodGet, "/api/v1/whoami", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			rec := httptest.NewRecorder()
			c.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET /api/v1/whoami: %d %s", rec.Code, rec.Body)
			}
			if left, err := os.ReadDir(cwd); err != nil || len(left) > 0 {
				t.Errorf("the working directory holds %v (err %v); a diskless controller writes nothing", left, err)
			}
		})
	}
}
