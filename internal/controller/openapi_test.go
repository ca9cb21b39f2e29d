package controller

import (
	"bytes"
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

// routePattern is a net/http ServeMux pattern with a method.
var routePattern = regexp.MustCompile(`^(GET|HEAD|POST|PUT|PATCH|DELETE) (/\S*)$`)

// registeredRoutes finds every "METHOD /path" string literal passed as the
// first argument of a call in the non-test sources of the package and its handler packages: that is how
// routes() registers them (h(...), mux.Handle(...), mux.HandleFunc(...)),
// so a route added in any file without documenting it fails the test.
func registeredRoutes(t *testing.T) []string {
	t.Helper()
	// The controller's own files and its handler packages' (one level
	// down: consoleview, ...).
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	sub, err := filepath.Glob("*/*.go")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, sub...)
	fset := token.NewFileSet()
	var routes []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err == nil && routePattern.MatchString(s) {
				routes = append(routes, s)
			}
			return true
		})
	}
	if len(routes) < 10 {
		t.Fatalf("found only %d routes in the sources: is the scan broken?", len(routes))
	}
	return routes
}

// docPath turns a mux path into an OpenAPI one ({key...} -> {key}).
func docPath(p string) string { return strings.ReplaceAll(p, "...}", "}") }

func loadDoc(t *testing.T, raw []byte) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	raw, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(raw, openAPIDoc) {
		t.Fatal("embedded document differs from openapi.json")
	}
	doc := loadDoc(t, raw)
	routes := registeredRoutes(t)
	for _, r := range routes {
		m := routePattern.FindStringSubmatch(r)
		item := doc.Paths.Find(docPath(m[2]))
		if item == nil || item.GetOperation(m[1]) == nil {
			t.Errorf("route %q is registered but not documented in openapi.json", r)
		}
	}
	// And the other way: the document advertises nothing the server lacks.
	for p, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			found := slices.ContainsFunc(routes, func(r string) bool {
				m := routePattern.FindStringSubmatch(r)
				return m[1] == method && docPath(m[2]) == p
			})
			if !found {
				t.Errorf("openapi.json documents %s %s, which is not registered", method, p)
			}
		}
	}
}

// TestOpenAPIServed checks the document is served without a token and that
// each documented route is live: without a token it answers 401 when the
// document requires one, and never 404/405.
func TestOpenAPIServed(t *testing.T) {
	f := newFixture(t, Config{})
	code, body := f.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if code != http.StatusOK {
		t.Fatalf("GET /api/v1/openapi.json: %d %s", code, body)
	}
	doc := loadDoc(t, body)
	for p, item := range doc.Paths.Map() {
		concrete := regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(p, "x")
		for method, op := range item.Operations() {
			req, err := http.NewRequest(method, f.url+concrete, strings.NewReader("{}"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			public := op.Security != nil && len(*op.Security) == 0
			// x-tls-only routes (the admission webhook) refuse plain HTTP.
			tlsOnly, _ := op.Extensions["x-tls-only"].(bool)
			// x-webhook-secret routes (registries' push webhooks) take
			// the registry's secret, not a token: 401 without it.
			if ws, _ := op.Extensions["x-webhook-secret"].(bool); ws {
				tlsOnly, public = false, false
			}
			switch {
			case tlsOnly && resp.StatusCode != http.StatusForbidden:
				t.Errorf("%s %s (TLS only) over plain HTTP: %d, want 403", method, p, resp.StatusCode)
			case tlsOnly:
			case public && resp.StatusCode != http.StatusOK:
				t.Errorf("%s %s (public): %d", method, p, resp.StatusCode)
			case !public && resp.StatusCode != http.StatusUnauthorized:
				t.Errorf("%s %s without a token: %d, want 401", method, p, resp.StatusCode)
			}
		}
	}
}

// jsonFields lists the JSON names of t's fields as encoding/json sees
// them, embedded structs flattened.
func jsonFields(t reflect.Type) []string {
	var out []string
	for f := range t.Fields() {
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if f.Anonymous && tag == "" && f.Type.Kind() == reflect.Struct {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		out = append(out, tag)
	}
	slices.Sort(out)
	return out
}

// TestOpenAPISchemasMatchTypes keeps the schemas' properties in step with
// the Go types the handlers encode and decode.
func TestOpenAPISchemasMatchTypes(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	for name, v := range map[string]any{
		"RegistryInput":     api.RegistryInput{},
		"RegistryView":      api.RegistryView{},
		"RegisterRequest":   api.RegisterRequest{},
		"RegisterResponse":  api.RegisterResponse{},
		"LeaseRequest":      api.LeaseRequest{},
		"LeasedTask":        api.LeasedTask{},
		"LeaseResponse":     api.LeaseResponse{},
		"TaskIDs":           api.TaskIDs{},
		"HeartbeatResponse": api.HeartbeatResponse{},
		"ResultRequest":     api.ResultRequest{},
		"FailRequest":       api.FailRequest{},
		"Scanner":           store.Scanner{},
		"ImageSummary":      store.ImageSummary{},
		"TaskView":          api.TaskView{},
		"NotifyResponse":    api.NotifyResponse{},
		"ImageChanges":      store.ImageChanges{},
		"AutoscalerView":    api.AutoscalerView{},
		"AutoscalerConfig":  autoscale.Config{},
		"AutoscalerEvent":   autoscale.Event{},
		// issue #20 (package triageapi)
		"Exception":           api.Exception{},
		"ExceptionView":       api.ExceptionView{},
		"ExceptionRequest":    api.ExceptionRequest{},
		"ExceptionChange":     api.ExceptionChange{},
		"VEXImport":           api.VEXImport{},
		"SkippedStatement":    api.SkippedStatement{},
		"AuditEntry":          api.AuditEntry{},
		"SubscriptionRequest": api.SubscriptionRequest{},
		"Subscription":        api.Subscription{},
		"Delivery":            api.Delivery{},
		"RunningWorkload":     api.RunningWorkload{},
		// the batch layer lookup
		"LayerLookupRequest":  api.LayerLookupRequest{},
		"LayerLookupResponse": api.LayerLookupResponse{},
		"LayerLookup":         api.LayerLookup{},
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
	// QueueCounts is a map keyed by queue state.
	qc := doc.Components.Schemas["QueueCounts"].Value
	for _, s := range queue.States {
		if qc.Properties[string(s)] == nil {
			t.Errorf("QueueCounts lacks state %q", s)
		}
	}
}

// TestOpenAPIResponsesMatch validates live answers against the schemas the
// document gives for them.
func TestOpenAPIResponsesMatch(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	f := newFixture(t, Config{})
	ctx := context.Background()
	layerKey := layer.Key(all.Version(), "sha256:"+strings.Repeat("5", 64))
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "r", URL: "http://127.0.0.1:1", Username: "u", Filters: []string{"a/**"}},
		Password: testPassword}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		method, path, docPath, token string
		body                         string
		status                       int
	}{
		{"POST", "/api/v1/scanners", "/api/v1/scanners", f.scanner, `{"name":"s","concurrency":2}`, 201},
		{"GET", "/api/v1/scanners", "/api/v1/scanners", f.reader, "", 200},
		{"GET", "/api/v1/registries", "/api/v1/registries", f.reader, "", 200},
		{"GET", "/api/v1/registries/r", "/api/v1/registries/{name}", f.reader, "", 200},
		{"PUT", "/api/v1/registries/q", "/api/v1/registries/{name}", f.admin, `{"url":"https://example.test","interval":"1h"}`, 201},
		{"GET", "/api/v1/registries/nope", "/api/v1/registries/{name}", f.reader, "", 404},
		{"GET", "/api/v1/queue", "/api/v1/queue", f.reader, "", 200},
		{"GET", "/api/v1/tasks", "/api/v1/tasks", f.reader, "", 200},
		{"GET", "/api/v1/images", "/api/v1/images", f.reader, "", 200},
		{"GET", "/api/v1/autoscaler", "/api/v1/autoscaler", f.reader, "", 200},
		{"DELETE", "/api/v1/registries/q", "/api/v1/registries/{name}", f.reader, "", 403},
		{"POST", "/api/v1/layers/lookup", "/api/v1/layers/lookup", f.scanner, `{"claim":"s/1","keys":["` + layerKey + `","` + layerKey + `"]}`, 200},
		{"PUT", "/api/v1/layers/" + layerKey + "?claim=s/1", "/api/v1/layers/{key}", f.scanner, `{"entries":3}`, 204},
		{"POST", "/api/v1/layers/lookup", "/api/v1/layers/lookup", f.scanner, `{"claim":"s/2","keys":["` + layerKey + `"]}`, 200},
		{"POST", "/api/v1/layers/lookup", "/api/v1/layers/lookup", f.scanner, `{"claim":"s/1","keys":["nope"]}`, 400},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			code, body := f.do(t, tc.method, tc.path, tc.token, []byte(tc.body))
			if code != tc.status {
				t.Fatalf("status %d, want %d: %s", code, tc.status, body)
			}
			checkAnswer(t, doc, tc.method, tc.docPath, code, body)
		})
	}
}

// checkAnswer checks an answer against the served document: the
// operation lists its status, and the body matches the status's JSON
// schema, or is empty when the status is documented without one.
func checkAnswer(t *testing.T, doc *openapi3.T, method, docPath string, code int, body []byte) {
	t.Helper()
	op := doc.Paths.Find(docPath).GetOperation(method)
	resp := op.Responses.Status(code)
	if resp == nil {
		t.Fatalf("%s %s: status %d not documented", method, docPath, code)
	}
	mt := resp.Value.Content.Get("application/json")
	if mt == nil {
		if len(bytes.TrimSpace(body)) != 0 {
			t.Fatalf("%s %s: %d documented without a body, got %s", method, docPath, code, body)
		}
		return
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if err := mt.Schema.Value.VisitJSON(v); err != nil {
		t.Errorf("%s %s: answer does not match the documented schema: %v\n%.500s", method, docPath, err, body)
	}
}
