package controller

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
)

// createTokenAPI posts a token request as token and returns the status
// and the created token (when 201).
func createTokenAPI(t *testing.T, f *fixture, token string, in api.TokenRequest) (int, api.CreatedToken, []byte) {
	t.Helper()
	code, body := f.do(t, http.MethodPost, "/api/v1/tokens", token, mustJSON(t, in))
	var out api.CreatedToken
	if code == http.StatusCreated {
		if err := json.Unmarshal(body, &out); err != nil {
			t.Fatalf("created token: %v in %s", err, body)
		}
	}
	return code, out, body
}

// TestTokensAPI: named tokens through the API: who may create what,
// refusals of unknown, expired and revoked tokens with their reason,
// listing without secrets, revocation, last use, and the token's name as
// the author of exceptions and audit entries (issue #20).
func TestTokensAPI(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	ctx := context.Background()

	// An admin names a token; its secret works at once and whoami says
	// who it is.
	code, alice, body := createTokenAPI(t, f, f.admin, api.TokenRequest{Name: "alice", Role: RoleAdmin})
	if code != http.StatusCreated || !strings.HasPrefix(alice.Secret, "sf_") || alice.Name != "alice" || alice.CreatedBy == "" || alice.ExpiresAt != nil {
		t.Fatalf("create alice: %d %s", code, body)
	}
	checkAnswer(t, doc, http.MethodPost, "/api/v1/tokens", code, body)
	code, ci, body := createTokenAPI(t, f, alice.Secret, api.TokenRequest{Name: "ci", Role: RoleReader, ExpiresIn: "1h"})
	if code != http.StatusCreated {
		t.Fatalf("create ci: %d %s", code, body)
	}
	code, temp, body := createTokenAPI(t, f, alice.Secret, api.TokenRequest{Name: "temp-admin", Role: RoleAdmin, ExpiresIn: "1h"})
	if code != http.StatusCreated || ci.CreatedBy != "alice" || ci.ExpiresAt == nil || time.Until(*ci.ExpiresAt) > time.Hour {
		t.Fatalf("create temp-admin: %d %s", code, body)
	}
	var who api.WhoAmI
	body = getJSON(t, f, "/api/v1/whoami", ci.Secret, http.StatusOK, &who)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/whoami", http.StatusOK, body)
	if who.Name != "ci" || who.Role != RoleReader || who.ExpiresAt == nil || !who.ExpiresAt.Equal(*ci.ExpiresAt) {
		t.Errorf("whoami of ci = %+v", who)
	}

	// An expired token (made in the store: the API refuses a past expiry)
	// and a revoked one.
	now := time.Now()
	past := now.Add(-time.Hour)
	expiredSecret := "sf_expired-for-the-test"
	if _, err := f.c.store.CreateToken(ctx, hashToken(expiredSecret), store.Token{Name: "old", Role: store.RoleAdmin, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: &past}); err != nil {
		t.Fatal(err)
	}
	code, gone, _ := createTokenAPI(t, f, f.admin, api.TokenRequest{Name: "gone", Role: RoleAdmin})
	if code != http.StatusCreated {
		t.Fatal(code)
	}
	code, body = f.do(t, http.MethodPost, "/api/v1/tokens/gone/revoke", alice.Secret, nil)
	if code != http.StatusOK {
		t.Fatalf("revoke gone: %d %s", code, body)
	}
	checkAnswer(t, doc, http.MethodPost, "/api/v1/tokens/{name}/revoke", code, body)

	t.Run("authentication", func(t *testing.T) {
		for _, tc := range []struct {
			name, token, method, path string
			status                    int
			err                       string
		}{
			{"missing", "", http.MethodGet, "/api/v1/whoami", 401, "missing bearer token"},
			{"unknown", "sf_nope", http.MethodGet, "/api/v1/whoami", 401, "invalid token"},
			{"expired", expiredSecret, http.MethodGet, "/api/v1/registries", 401, "token expired"},
			{"revoked", gone.Secret, http.MethodGet, "/api/v1/registries", 401, "token revoked"},
			{"revoked admin route", gone.Secret, http.MethodDelete, "/api/v1/registries/x", 401, "token revoked"},
			{"wrong role", ci.Secret, http.MethodDelete, "/api/v1/registries/x", 403, "role reader may not do this: DELETE /api/v1/registries/x needs a token of role admin"},
			{"named reader reads", ci.Secret, http.MethodGet, "/api/v1/registries", 200, ""},
			{"named admin", alice.Secret, http.MethodGet, "/api/v1/tokens", 200, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, body := f.do(t, tc.method, tc.path, tc.token, nil)
				if code != tc.status {
					t.Fatalf("%s %s: %d %s, want %d", tc.method, tc.path, code, body, tc.status)
				}
				if tc.err != "" {
					var e struct{ Error string }
					if err := json.Unmarshal(body, &e); err != nil || e.Error != tc.err {
						t.Errorf("error %q (%v), want %q", e.Error, err, tc.err)
					}
				}
			})
		}
	})

	t.Run("create", func(t *testing.T) {
		future := now.Add(24 * time.Hour)
		for _, tc := range []struct {
			name, token string
			in          api.TokenRequest
			status      int
			err         string
		}{
			{"reader may not make an admin", f.reader, api.TokenRequest{Name: "r-admin", Role: RoleAdmin}, 403, "role reader may not do this"},
			{"reader may not make a reader", ci.Secret, api.TokenRequest{Name: "r-reader", Role: RoleReader}, 403, "role reader may not do this"},
			{"submitter may not make a submitter", f.submitter, api.TokenRequest{Name: "s-sub", Role: RoleSubmitter}, 403, "role submitter may not do this"},
			{"scanner may not make a scanner", f.scanner, api.TokenRequest{Name: "s-scanner", Role: RoleScanner}, 403, "role scanner may not do this"},
			{"admin may make a submitter", f.admin, api.TokenRequest{Name: "pipeline", Role: RoleSubmitter}, 201, ""},
			{"admin may make a reader", f.admin, api.TokenRequest{Name: "dashboard", Role: RoleReader}, 201, ""},
			{"expiring admin: no unbounded token", temp.Secret, api.TokenRequest{Name: "temp-child", Role: RoleReader}, 403, "must expire by then"},
			{"expiring admin: no later token", temp.Secret, api.TokenRequest{Name: "temp-child", Role: RoleAdmin, ExpiresIn: "30d"}, 403, "must expire by then"},
			{"expiring admin: an earlier token", temp.Secret, api.TokenRequest{Name: "temp-child", Role: RoleAdmin, ExpiresIn: "30m"}, 201, ""},
			{"name taken", f.admin, api.TokenRequest{Name: "alice", Role: RoleReader}, 409, "already taken"},
			{"revoked name stays taken", f.admin, api.TokenRequest{Name: "gone", Role: RoleReader}, 409, "already taken"},
			{"bad name", f.admin, api.TokenRequest{Name: "a b", Role: RoleReader}, 400, "token name"},
			{"no role", f.admin, api.TokenRequest{Name: "x"}, 400, "role is required"},
			{"unknown role", f.admin, api.TokenRequest{Name: "x", Role: "root"}, 400, "unknown role"},
			{"bad lifetime", f.admin, api.TokenRequest{Name: "x", Role: RoleReader, ExpiresIn: "soon"}, 400, "want a number of days"},
			{"negative lifetime", f.admin, api.TokenRequest{Name: "x", Role: RoleReader, ExpiresIn: "-1d"}, 400, "must be positive"},
			{"past expiry", f.admin, api.TokenRequest{Name: "x", Role: RoleReader, ExpiresAt: &past}, 400, "in the past"},
			{"both expiries", f.admin, api.TokenRequest{Name: "x", Role: RoleReader, ExpiresAt: &future, ExpiresIn: "1d"}, 400, "not both"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, _, body := createTokenAPI(t, f, tc.token, tc.in)
				if code != tc.status || !strings.Contains(string(body), tc.err) {
					t.Fatalf("%d %s, want %d with %q", code, body, tc.status, tc.err)
				}
				checkAnswer(t, doc, http.MethodPost, "/api/v1/tokens", code, body)
			})
		}
	})

	t.Run("list and revoke", func(t *testing.T) {
		var all []api.Token
		body := getJSON(t, f, "/api/v1/tokens", f.admin, http.StatusOK, &all)
		checkAnswer(t, doc, http.MethodGet, "/api/v1/tokens", http.StatusOK, body)
		for _, secret := range []string{alice.Secret, ci.Secret, gone.Secret, temp.Secret, f.admin, f.reader} {
			if strings.Contains(string(body), secret) || strings.Contains(string(body), hashToken(secret)) {
				t.Fatalf("the listing discloses a secret or its hash: %s", body)
			}
		}
		byName := map[string]api.Token{}
		for _, tk := range all {
			byName[tk.Name] = tk
		}
		if !byName["gone"].Revoked || byName["gone"].RevokedBy != "alice" || !byName["old"].Expired(time.Now()) || byName["ci"].CreatedBy != "alice" ||
			byName["temp-child"].CreatedBy != "temp-admin" {
			t.Errorf("listing: %s", body)
		}
		// Each authenticated request records a use (at most once a minute).
		if byName["ci"].LastUsed == nil || byName["alice"].LastUsed == nil || byName["dashboard"].LastUsed != nil {
			t.Errorf("last use: ci %v, alice %v, dashboard %v", byName["ci"].LastUsed, byName["alice"].LastUsed, byName["dashboard"].LastUsed)
		}
		// A non-admin sees only itself.
		var mine []api.Token
		getJSON(t, f, "/api/v1/tokens", ci.Secret, http.StatusOK, &mine)
		var names []string
		for _, tk := range mine {
			names = append(names, tk.Name)
		}
		if strings.Join(names, ",") != "ci" {
			t.Errorf("ci lists %v, want only ci", names)
		}
		// ... and may revoke nothing.
		if code, body := f.do(t, http.MethodPost, "/api/v1/tokens/ci/revoke", ci.Secret, nil); code != http.StatusForbidden {
			t.Errorf("ci revoking itself: %d %s", code, body)
		}
		if code, body := f.do(t, http.MethodPost, "/api/v1/tokens/nobody/revoke", f.admin, nil); code != http.StatusNotFound {
			t.Errorf("revoking an unknown token: %d %s", code, body)
		}
		// Revoking twice changes nothing.
		var again api.Token
		code, body := f.do(t, http.MethodPost, "/api/v1/tokens/gone/revoke", f.admin, nil)
		if err := json.Unmarshal(body, &again); code != http.StatusOK || err != nil || again.RevokedBy != "alice" {
			t.Errorf("second revoke: %d %s", code, body)
		}
	})

	t.Run("the token's name is the author", func(t *testing.T) {
		code, body := f.do(t, http.MethodPost, "/api/v1/exceptions", alice.Secret,
			mustJSON(t, api.ExceptionRequest{Vulnerability: "CVE-2024-9143", Repositories: []string{"team/*"}, Reason: "not used"}))
		var ch api.ExceptionChange
		if err := json.Unmarshal(body, &ch); code != http.StatusCreated || err != nil || ch.Exception.Author != "alice" {
			t.Fatalf("exception by alice: %d %s", code, body)
		}
		var log []api.AuditEntry
		getJSON(t, f, "/api/v1/audit", f.admin, http.StatusOK, &log)
		got := map[string]bool{}
		for _, a := range log {
			got[a.Kind+" "+a.Action+" "+a.Object+" by "+a.Actor] = true
		}
		for _, want := range []string{"exception create " + ch.Exception.ID + " by alice", "token create ci by alice", "token update gone by alice"} {
			if !got[want] {
				t.Errorf("audit log lacks %q: %v", want, got)
			}
		}
	})
}

// TestOpenAPITokenSchemas keeps the token schemas in step with the types.
func TestOpenAPITokenSchemas(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	for name, v := range map[string]any{
		"Token": api.Token{}, "TokenRequest": api.TokenRequest{}, "CreatedToken": api.CreatedToken{}, "WhoAmI": api.WhoAmI{},
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		slices.Sort(props)
		if want := jsonFields(reflect.TypeOf(v)); !slices.Equal(props, want) {
			t.Errorf("schema %s has properties %v; the Go type encodes %v", name, props, want)
		}
	}
}

// BenchmarkAuthenticatedRequest measures a GET /api/v1/whoami through the
// whole authentication (a token read from the store per request, the last
// use written at most once a minute) on the SQLite store.
func BenchmarkAuthenticatedRequest(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	tok, err := CreateToken(ctx, dir, RoleReader)
	if err != nil {
		b.Fatal(err)
	}
	c, err := New(ctx, Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	h := c.Handler()
	b.ResetTimer()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/v1/whoami", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("whoami: %d %s", w.Code, w.Body)
		}
	}
}
