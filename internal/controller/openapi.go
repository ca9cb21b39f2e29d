package controller

import (
	_ "embed"
	"net/http"
)

// openAPIDoc describes the REST API. It is hand-maintained JSON rather than
// generated from the Go types because the handlers decode by hand; the
// test keeps it honest by checking every registered route appears in it.
//
//go:embed openapi.json
var openAPIDoc []byte

// serveOpenAPI answers GET /api/v1/openapi.json without authentication:
// the document holds no secrets and clients need it before they have a
// token.
func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(openAPIDoc)
}
