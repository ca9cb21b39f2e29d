package controller

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
)

// TestAuditLogAdminOnly: the audit log names every token and what each
// changed, so only admin tokens read it (as Harbor shows its audit log to
// admins only); every other role is refused with a 403 naming the role
// the route needs. Through the controller's own authentication.
func TestAuditLogAdminOnly(t *testing.T) {
	f := newFixture(t, Config{})
	// Something to read: an exception made by the admin.
	if code, body := f.do(t, http.MethodPost, "/api/v1/exceptions", f.admin,
		mustJSON(t, api.ExceptionRequest{Vulnerability: "CVE-2024-9143", Reason: "audit test"})); code != http.StatusCreated {
		t.Fatalf("exception: %d %s", code, body)
	}
	for _, c := range []struct {
		role, token string
		code        int
	}{
		{"reader", f.reader, http.StatusForbidden},
		{"scanner", f.scanner, http.StatusForbidden},
		{"submitter", f.submitter, http.StatusForbidden},
		{"admin", f.admin, http.StatusOK},
	} {
		t.Run(c.role, func(t *testing.T) {
			code, body := f.do(t, http.MethodGet, "/api/v1/audit?kind=exception", c.token, nil)
			if code != c.code {
				t.Fatalf("%d %s; want %d", code, body, c.code)
			}
			if c.code == http.StatusForbidden {
				var e map[string]string
				if err := json.Unmarshal(body, &e); err != nil || !strings.Contains(e["error"], "role "+c.role+" may not do this") ||
					!strings.Contains(e["error"], "GET /api/v1/audit needs a token of role admin") {
					t.Errorf("refusal %s: want it to name the role needed (admin)", body)
				}
				return
			}
			var log []api.AuditEntry
			if err := json.Unmarshal(body, &log); err != nil || len(log) != 1 || log[0].Action != "create" {
				t.Errorf("audit log: %v %s", err, body)
			}
		})
	}
}
