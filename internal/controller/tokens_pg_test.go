package controller

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestTokenRevokeAcrossReplicas: two controllers sharing a real
// PostgreSQL store. A token made on one works on the other; revoked on
// one, it is refused on the other by its very next request, with no wait
// (tokens are read from the store on every request, never cached).
func TestTokenRevokeAcrossReplicas(t *testing.T) {
	shared := testutil.PostgresSchema(t, "tokens")

	ctx := context.Background()
	root, _, err := CreateNamedToken(ctx, Config{StoreDSN: shared}, TokenSpec{Name: "root", Role: RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	replicas := make([]*fixture, 2)
	for i := range replicas {
		f := &fixture{dir: t.TempDir(), logs: &testutil.SyncBuffer{}, admin: root}
		c, err := New(ctx, Config{DataDir: f.dir, StoreDSN: shared, QueueDSN: shared, Identity: "replica-" + string(rune('a'+i)),
			Logger: slog.New(slog.NewJSONHandler(f.logs, nil))})
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
		f.c, f.url = c, srv.URL
		replicas[i] = f
	}
	a, b2 := replicas[0], replicas[1]

	code, ci, body := createTokenAPI(t, a, root, api.TokenRequest{Name: "ci", Role: RoleReader, ExpiresIn: "30d"})
	if code != http.StatusCreated {
		t.Fatalf("create on a: %d %s", code, body)
	}
	var who api.WhoAmI
	getJSON(t, b2, "/api/v1/whoami", ci.Secret, http.StatusOK, &who)
	if who.Name != "ci" || who.Role != RoleReader {
		t.Fatalf("whoami on b: %+v", who)
	}
	if code, body := b2.do(t, http.MethodPost, "/api/v1/tokens/ci/revoke", root, nil); code != http.StatusOK {
		t.Fatalf("revoke on b: %d %s", code, body)
	}
	for _, f := range []*fixture{a, b2} {
		code, body := f.do(t, http.MethodGet, "/api/v1/registries", ci.Secret, nil)
		var e struct{ Error string }
		_ = json.Unmarshal(body, &e)
		if code != http.StatusUnauthorized || e.Error != "token revoked" {
			t.Errorf("%s after the revoke on b: %d %s, want 401 token revoked", f.url, code, body)
		}
	}
	// Both replicas list the same tokens and the revocation's author.
	for _, f := range []*fixture{a, b2} {
		var list []api.Token
		getJSON(t, f, "/api/v1/tokens", root, http.StatusOK, &list)
		if len(list) != 2 || list[0].Name != "ci" || !list[0].Revoked || list[0].RevokedBy != "root" {
			t.Errorf("%s lists %+v", f.url, list)
		}
	}
}
