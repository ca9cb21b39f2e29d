// Package plainhttp keeps registry traffic off plain HTTP unless the user
// asked for it.
//
// go-containerregistry treats registries at private (RFC 1918) addresses like
// localhost: when HTTPS fails it retries over plain HTTP, which would send
// credentials in clear to whatever answers on that port. Every registry
// client in Scanfleet (image pulls, database push and pull) wraps its
// transport with Guard so that fall-back happens only for loopback
// registries, where it is documented and harmless, or with --insecure.
package plainhttp

import (
	"fmt"
	"net"
	"net/http"
)

// Guard returns a transport that refuses plain-HTTP requests to hosts other
// than loopback ones unless insecure is set.
func Guard(base http.RoundTripper, insecure bool) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return guard{base: base, insecure: insecure}
}

type guard struct {
	base     http.RoundTripper
	insecure bool
}

func (g guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.URL.Scheme == "http" && !g.insecure && !IsLoopback(req.URL.Hostname()) {
		return nil, fmt.Errorf("refusing plain HTTP to registry %s (use --insecure to allow it)", req.URL.Host)
	}
	return g.base.RoundTrip(req)
}

// IsLoopback reports whether host names this machine.
func IsLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
