package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// TestPermanent classifies the errors a pull can end with: those that a
// retry cannot change fail a task at once, everything else (including
// what is not recognised) is retried.
func TestPermanent(t *testing.T) {
	var syn error
	if err := json.Unmarshal([]byte("{not json"), new(map[string]any)); err != nil {
		syn = err
	}
	status := func(code int, codes ...transport.ErrorCode) error {
		te := &transport.Error{StatusCode: code}
		for _, c := range codes {
			te.Errors = append(te.Errors, transport.Diagnostic{Code: c})
		}
		return te
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"manifest unknown", status(404, transport.ManifestUnknownErrorCode), true},
		{"plain 404", fmt.Errorf("opening layer: %w", status(404)), true},
		{"unauthorized", status(401, transport.UnauthorizedErrorCode), true},
		{"denied", status(403, transport.DeniedErrorCode), true},
		{"bad request", status(400), true},
		{"request timeout", status(408), false},
		{"rate limited", status(429), false},
		{"server error", status(503), false},
		{"config not JSON", fmt.Errorf("reading image config: %w", syn), true},
		{"digest mismatch", errors.New(`layer 1: error verifying sha256 checksum after reading 10 bytes; got "sha256:aa", want "sha256:bb"`), true},
		{"size mismatch", errors.New("GET http://r/v2/x/blobs/sha256:aa: Content-Length header 9 does not match expected size 304"), true},
		{"stall", fmt.Errorf("layer 1: %w", &StallError{Registry: "r:5000", Object: "blob sha256:aa of x", Headers: true}), false},
		{"truncated", fmt.Errorf("reading tar entry 3: %w", io.ErrUnexpectedEOF), false},
		{"connection refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, false},
		{"cancelled", fmt.Errorf("scan: %w", context.Canceled), false},
		{"unknown", errors.New("gzip: invalid header"), false},
		{"open: not found", newError("r/x:1", ErrNotFound, status(404), Options{}), true},
		{"open: unauthorized", newError("r/x:1", ErrUnauthorized, status(401), Options{}), true},
		{"open: invalid", newError("r/x:1", ErrInvalid, errors.New("bad reference"), Options{}), true},
		{"open: unreachable", newError("r/x:1", ErrUnreachable, status(503), Options{}), false},
		{"open: stalled", newError("r/x:1", ErrUnreachable, &StallError{Registry: "r"}, Options{}), false},
		{"open: invalid but cut short", newError("r/x:1", ErrInvalid, io.ErrUnexpectedEOF, Options{}), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Permanent(tc.err); got != tc.want {
				t.Errorf("Permanent(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

// An image that is not in a real registry is a permanent error.
func TestPermanentUnknownImage(t *testing.T) {
	reg := faultRegistry(t)
	_, err := Open(t.Context(), reg+"/no-such-repo-scanfleet/app:1", Options{})
	if err == nil {
		t.Fatal("opened an image that does not exist")
	}
	if !errors.Is(err, ErrNotFound) || !Permanent(err) {
		t.Errorf("error %q: want ErrNotFound and permanent", err)
	}
}
