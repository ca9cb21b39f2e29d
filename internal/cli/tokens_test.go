package cli

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
)

// TestTokenCommands drives the token life cycle through the CLI against
// a controller serving the store the bootstrap token was written to:
// `controller token create --name`, then `token create/list/revoke`
// over the API, with the refusals a person meets (issue #20).
func TestTokenCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	boot := runCLIIn(t, nil, "", "controller", "token", "create", "--name", "root", "--role", "admin", "--data-dir", dir)
	root := strings.TrimSpace(boot.stdout)
	if boot.code != 0 || !strings.HasPrefix(root, "sf_") || !strings.Contains(boot.stderr, "token root (admin) created") {
		t.Fatalf("controller token create: %+v", boot)
	}
	if r := runCLIIn(t, nil, "", "controller", "token", "create", "--name", "root", "--data-dir", dir); r.code == 0 || !strings.Contains(r.stderr, "already taken") {
		t.Errorf("a second root: %+v", r)
	}
	c, err := controller.New(ctx, controller.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
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
	as := func(tok string, args ...string) result {
		t.Helper()
		return runCLIIn(t, map[string]string{"SCANFLEET_CONTROLLER": srv.URL, "SCANFLEET_TOKEN": tok}, "", args...)
	}

	r := as(root, "token", "create", "--name", "ci", "--role", "reader", "--expires", "30d")
	ci := strings.TrimSpace(r.stdout)
	if r.code != 0 || !strings.HasPrefix(ci, "sf_") || !strings.Contains(r.stderr, "token ci (reader, expires ") {
		t.Fatalf("token create ci: %+v", r)
	}
	r = as(root, "token", "create", "--name", "temp", "--role", "admin", "--expires", "1h", "-q")
	temp := strings.TrimSpace(r.stdout)
	if r.code != 0 || r.stderr != "" {
		t.Fatalf("token create temp -q: %+v", r)
	}

	if r := as(root, "token", "create", "--name", "dated", "--role", "reader", "--expires", "2099-01-31", "-q"); r.code != 0 {
		t.Fatalf("token create --expires DATE: %+v", r)
	}

	for _, tc := range []struct {
		name, token string
		args        []string
		code        int
		stderr      string
	}{
		{"name required", root, []string{"token", "create", "--role", "reader"}, 2, "--name is required"},
		{"bad lifetime", root, []string{"token", "create", "--name", "x", "--expires", "soon"}, 2, "want a lifetime"},
		{"name taken", root, []string{"token", "create", "--name", "ci"}, 1, "already taken"},
		{"reader may not create", ci, []string{"token", "create", "--name", "x"}, 1, "token lacks the admin role"},
		{"expiring admin: no unbounded token", temp, []string{"token", "create", "--name", "x"}, 1, "must expire by then"},
		{"unknown token", "sf_nope", []string{"token", "list"}, 1, "token missing/invalid"},
		{"revoke unknown", root, []string{"token", "revoke", "nobody"}, 1, `token "nobody" not found`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := as(tc.token, tc.args...)
			if r.code != tc.code || !strings.Contains(r.stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d with %q", r.code, r.stderr, tc.code, tc.stderr)
			}
		})
	}

	// ci works, and its use shows in the listing; no secret is listed.
	if r := as(ci, "images"); r.code != 0 {
		t.Fatalf("images as ci: %+v", r)
	}
	r = as(root, "token", "list")
	if r.code != 0 || strings.Contains(r.stdout, ci) || strings.Contains(r.stdout, root) {
		t.Fatalf("token list: %+v", r)
	}
	for _, want := range []string{"NAME", "ci  ", "reader", "expires ", "root", "never expires", "bootstrap", "temp"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("token list lacks %q:\n%s", want, r.stdout)
		}
	}
	r = as(root, "token", "list", "--format", "json")
	var list []api.Token
	if err := json.Unmarshal([]byte(r.stdout), &list); err != nil || len(list) != 4 {
		t.Fatalf("token list --format json: %v\n%s", err, r.stdout)
	}
	for _, tk := range list {
		if tk.Name == "ci" && (tk.CreatedBy != "root" || tk.LastUsed == nil || tk.ExpiresAt == nil ||
			tk.ExpiresAt.Sub(tk.CreatedAt) != 30*24*time.Hour) {
			t.Errorf("ci listed as %+v", tk)
		}
		if tk.Name == "dated" && (tk.ExpiresAt == nil || !tk.ExpiresAt.Equal(time.Date(2099, 1, 31, 0, 0, 0, 0, time.UTC))) {
			t.Errorf("dated listed as %+v, want expiry 2099-01-31 UTC midnight", tk)
		}
	}
	// A reader lists only itself.
	if r := as(ci, "token", "list"); r.code != 0 || strings.Contains(r.stdout, "\nroot ") || !strings.Contains(r.stdout, "\nci ") {
		t.Errorf("token list as ci: %+v", r)
	}

	// Revoked: refused at once, with the reason.
	if r := as(root, "token", "revoke", "ci"); r.code != 0 || !strings.Contains(r.stdout, "token ci revoked (by root at ") {
		t.Fatalf("token revoke ci: %+v", r)
	}
	if r := as(ci, "images"); r.code == 0 || !strings.Contains(r.stderr, "HTTP 401: token revoked") {
		t.Errorf("images with a revoked token: %+v", r)
	}
	if r := as(root, "token", "list"); !strings.Contains(r.stdout, "REVOKED") {
		t.Errorf("token list after revoke:\n%s", r.stdout)
	}
}
