package controller

import (
	"net/http"
	"strings"
	"testing"
)

// Issue 15, "also seen": bodies with unknown fields or trailing data, a
// registry URL with a path, and unbounded scanner registrations are
// refused with a 400 naming the cause. On the code before the fix every
// one of these answered 201.
func TestStrictInput(t *testing.T) {
	f := newFixture(t, Config{})
	tests := []struct {
		name, path, token, body string
		want                    int
		wantIn                  string
	}{
		{"misspelt field", "/api/v1/registries", f.admin, `{"name":"a","url":"http://h:5000","pasword":"x"}`, http.StatusBadRequest, `pasword`},
		{"trailing garbage", "/api/v1/registries", f.admin, `{"name":"a","url":"http://h:5000"} xyz`, http.StatusBadRequest, "data after the JSON value"},
		{"second value", "/api/v1/registries", f.admin, `{"name":"a","url":"http://h:5000"}{}`, http.StatusBadRequest, "data after the JSON value"},
		{"url with dot-dot path", "/api/v1/registries", f.admin, `{"name":"a","url":"http://h:5000/../.."}`, http.StatusBadRequest, "nothing more"},
		{"url with a path", "/api/v1/registries", f.admin, `{"name":"a","url":"https://h/v2"}`, http.StatusBadRequest, "nothing more"},
		{"url with user info", "/api/v1/registries", f.admin, `{"name":"a","url":"https://u:p@h"}`, http.StatusBadRequest, "nothing more"},
		{"url with a query", "/api/v1/registries", f.admin, `{"name":"a","url":"https://h?x=1"}`, http.StatusBadRequest, "nothing more"},
		{"plain url", "/api/v1/registries", f.admin, `{"name":"a","url":"http://h:5000/"}`, http.StatusCreated, ""},
		{"scanner: huge concurrency", "/api/v1/scanners", f.scanner, `{"name":"s","concurrency":1000000000}`, http.StatusBadRequest, "concurrency"},
		{"scanner: negative concurrency", "/api/v1/scanners", f.scanner, `{"name":"s","concurrency":-1}`, http.StatusBadRequest, "concurrency"},
		{"scanner: 100 kB name", "/api/v1/scanners", f.scanner, `{"name":"` + strings.Repeat("n", 100<<10) + `"}`, http.StatusBadRequest, "name is"},
		{"scanner: control characters", "/api/v1/scanners", f.scanner, `{"name":"a\u0000b"}`, http.StatusBadRequest, "printable"},
		{"scanner: unknown field", "/api/v1/scanners", f.scanner, `{"name":"s","concurency":2}`, http.StatusBadRequest, "concurency"},
		{"scanner: bounds", "/api/v1/scanners", f.scanner, `{"name":"s","concurrency":256}`, http.StatusCreated, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := f.do(t, "POST", tt.path, tt.token, []byte(tt.body))
			if code != tt.want || !strings.Contains(string(body), tt.wantIn) {
				t.Errorf("%d %.200s, want %d with %q", code, body, tt.want, tt.wantIn)
			}
		})
	}
}
