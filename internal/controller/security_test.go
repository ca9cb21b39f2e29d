package controller

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/scanfleet/scanfleet/internal/controller/web"
)

// docRoles reads the roles an operation admits from its description's
// "Roles: ..." sentence, which every authenticated operation of
// openapi.json carries.
func docRoles(op *openapi3.Operation) ([]Role, bool) {
	m := regexp.MustCompile(`Roles: ([^.]*)\.`).FindStringSubmatch(op.Description)
	if m == nil {
		return nil, false
	}
	var roles []Role
	for _, r := range []Role{RoleAdmin, RoleScanner, RoleSubmitter, RoleReader} {
		if strings.Contains(m[1], string(r)) || strings.HasPrefix(m[1], "any") {
			roles = append(roles, r)
		}
	}
	return roles, true
}

// documentedOps lists every operation of the served document, with its
// path made concrete.
type docOp struct {
	method, path, concrete string
	op                     *openapi3.Operation
}

func documentedOps(t *testing.T, f *fixture) []docOp {
	t.Helper()
	code, body := f.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET openapi.json: %d", code)
	}
	doc := loadDoc(t, body)
	var ops []docOp
	for p, item := range doc.Paths.Map() {
		concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(p, "x")
		for method, op := range item.Operations() {
			ops = append(ops, docOp{method, p, concrete, op})
		}
	}
	slices.SortFunc(ops, func(a, b docOp) int { return strings.Compare(a.method+a.path, b.method+b.path) })
	if len(ops) < 20 {
		t.Fatalf("only %d documented operations", len(ops))
	}
	return ops
}

// TestAuthEveryRoute walks every operation openapi.json documents (so a
// new route is covered the day it is documented, which
// TestOpenAPIDocumentsEveryRoute enforces) and checks the token rules
// against the server: no token, a malformed header and an unknown token
// are 401 with a WWW-Authenticate challenge; each role the document does
// not admit is 403; each role it admits gets past authentication. Public
// operations are those with an empty security list.
func TestAuthEveryRoute(t *testing.T) {
	f := newFixture(t, Config{})
	tokens := map[Role]string{RoleAdmin: f.admin, RoleScanner: f.scanner, RoleSubmitter: f.submitter, RoleReader: f.reader}
	send := func(method, path, authz string) (int, http.Header) {
		req, err := http.NewRequest(method, f.url+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp.StatusCode, resp.Header
	}
	checked := 0
	for _, o := range documentedOps(t, f) {
		if o.op.Security != nil && len(*o.op.Security) == 0 {
			continue // public: the document, metrics, console assets, the webhook
		}
		if ws, _ := o.op.Extensions["x-webhook-secret"].(bool); ws {
			continue // a registry's push webhook: its own secret, TestRegistryWebhookSecret
		}
		t.Run(o.method+" "+o.path, func(t *testing.T) {
			for _, bad := range []string{"", "Bearer", "Bearer ", "Basic " + f.admin, f.admin, "Bearer not-a-token", "Bearer " + f.admin + "x"} {
				code, h := send(o.method, o.concrete, bad)
				if code != http.StatusUnauthorized {
					t.Errorf("Authorization %q: %d, want 401", redact(bad, f), code)
				}
				if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
					t.Errorf("Authorization %q: no Bearer challenge", redact(bad, f))
				}
			}
			roles, ok := docRoles(o.op)
			if !ok {
				t.Fatalf("the description has no \"Roles: ...\" sentence: document who may call it")
			}
			for _, r := range []Role{RoleReader, RoleSubmitter, RoleScanner, RoleAdmin} {
				code, _ := send(o.method, o.concrete, "Bearer "+tokens[r])
				switch allowed := slices.Contains(roles, r); {
				case allowed && (code == http.StatusUnauthorized || code == http.StatusForbidden):
					t.Errorf("%s token: %d, but the document admits %v", r, code, roles)
				case !allowed && code != http.StatusForbidden:
					t.Errorf("%s token: %d, want 403 (the document admits %v)", r, code, roles)
				}
			}
			// Reading never needs more than the reader role, and only
			// reads are open to it.
			if o.method != http.MethodGet && slices.Contains(roles, RoleReader) {
				t.Errorf("a write operation admits the reader role")
			}
		})
		checked++
	}
	if checked < 20 {
		t.Fatalf("checked only %d authenticated operations", checked)
	}
}

func redact(s string, f *fixture) string {
	return strings.ReplaceAll(s, f.admin, "<admin token>")
}

type countReader struct {
	r io.Reader
	n int64
}

func (c *countReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// bigBody streams n bytes of a JSON string body without holding them.
type bigBody struct{ left int64 }

func (b *bigBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), b.left)
	for i := range p[:n] {
		p[i] = 'a'
	}
	if b.left == web.MaxResultBody+2<<20 { // the first chunk opens a JSON string
		copy(p, `{"report":"`)
	}
	b.left -= n
	return int(n), nil
}

// TestBodyLimitEveryRoute sends every documented write operation a body
// larger than any limit the API has, with an admin token, both with a
// Content-Length (refused before reading) and chunked (refused when the
// read passes the limit): each must answer 413, whatever the route does
// with its body, so no route can be made to buffer or parse an unbounded
// request.
func TestBodyLimitEveryRoute(t *testing.T) {
	f := newFixture(t, Config{})
	size := int64(web.MaxResultBody + 2<<20)
	for _, o := range documentedOps(t, f) {
		if o.method == http.MethodGet || o.method == http.MethodHead {
			continue
		}
		if o.path == "/admission" {
			continue // the webhook is served over TLS only; internal/controller/admission_test.go covers its limit
		}
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s %s chunked=%v", o.method, o.path, chunked), func(t *testing.T) {
				counted := &countReader{r: &bigBody{left: size}}
				var body io.Reader = counted
				if chunked {
					body = io.MultiReader(body) // hides the length from NewRequest
				}
				req, err := http.NewRequest(o.method, f.url+o.concrete, body)
				if err != nil {
					t.Fatal(err)
				}
				if !chunked {
					req.ContentLength = size
				}
				req.Header.Set("Authorization", "Bearer "+f.admin)
				req.Header.Set("Content-Type", "application/json")
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatalf("request failed before an answer: %v", err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				switch {
				case resp.StatusCode == http.StatusRequestEntityTooLarge:
				case chunked && counted.n < size/2 && resp.StatusCode != http.StatusInternalServerError:
					// A route with a body limit whose handler answered
					// without reading its body (an unknown registry, no
					// auto-scaler): the server stopped reading, which is
					// what the limit is for.
					t.Logf("answered %d after reading %d bytes of %d", resp.StatusCode, counted.n, size)
				default:
					t.Errorf("%d-byte body (%d sent): %d, want 413", size, counted.n, resp.StatusCode)
				}
			})
		}
	}
}
