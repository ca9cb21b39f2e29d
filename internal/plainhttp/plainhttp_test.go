package plainhttp

import (
	"net/http"
	"testing"
)

// Plain HTTP is refused, before any connection, for a registry that is not
// on loopback unless insecure is set: go-containerregistry would otherwise
// fall back to it for private addresses, credentials and all.
func TestPlainHTTPOnlyLoopbackOrInsecure(t *testing.T) {
	reached := 0
	base := roundTripFunc(func(*http.Request) (*http.Response, error) {
		reached++
		return &http.Response{StatusCode: http.StatusOK, Body: http.NoBody, Header: http.Header{}}, nil
	})
	tests := []struct {
		url      string
		insecure bool
		allowed  bool
	}{
		{"http://10.0.0.5:5000/v2/", false, false},
		{"http://registry.example/v2/", false, false},
		{"http://10.0.0.5:5000/v2/", true, true},
		{"https://10.0.0.5:5000/v2/", false, true},
		{"http://127.0.0.1:5000/v2/", false, true},
		{"http://[::1]:5000/v2/", false, true},
		{"http://localhost:5000/v2/", false, true},
	}
	for _, tc := range tests {
		reached = 0
		req, _ := http.NewRequest(http.MethodGet, tc.url, nil)
		_, err := Guard(base, tc.insecure).RoundTrip(req)
		if got := err == nil && reached == 1; got != tc.allowed {
			t.Errorf("%s insecure=%v: allowed=%v (err %v), want %v", tc.url, tc.insecure, got, err, tc.allowed)
		}
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
