package core

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// StallError is a registry request that made no progress for Timeout:
// the server accepted it and then went silent, before the response
// headers or in the middle of the body. Heartbeats keep a scanner's lease
// alive however long a read blocks, so without this bound one silent
// registry would hold a task, and the claim on every layer it shares with
// other images, indefinitely.
type StallError struct {
	Registry string        // host[:port] of the registry
	Object   string        // "blob sha256:… of REPO", "manifest REPO:REF", or the path
	Timeout  time.Duration // the silence that was allowed
	// Received is how many bytes of the object had arrived (counted from
	// its start, also when a Range request resumed it); Size is its
	// announced length (-1 when unknown). Both are 0 when the response
	// headers never came.
	Received, Size int64
	Headers        bool // whether the response headers had arrived
}

func (e *StallError) Error() string {
	if !e.Headers {
		return fmt.Sprintf("registry %s stalled: no response to the request for %s within %v", e.Registry, e.Object, e.Timeout)
	}
	size := "?"
	if e.Size >= 0 {
		size = fmt.Sprint(e.Size)
	}
	return fmt.Sprintf("registry %s stalled: no data for %v after %d of %s bytes of %s", e.Registry, e.Timeout, e.Received, size, e.Object)
}

// Classify maps an error from go-containerregistry, the network or the
// Docker client to one of the error kinds.
func Classify(err error) error {
	var se *Error
	if errors.As(err, &se) && se.Kind != nil {
		return se.Kind
	}
	var (
		netErr   net.Error
		opErr    *net.OpError
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		unkAuth  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		recHdErr tls.RecordHeaderError
		te       *transport.Error
		stallErr *StallError
	)
	// A registry that went silent, or a body cut short, is a network
	// fault, whatever the layer above made of the missing bytes.
	if errors.As(err, &stallErr) || errors.Is(err, io.ErrUnexpectedEOF) {
		return ErrUnreachable
	}
	// TLS failures first: for loopback registries go-containerregistry
	// falls back to plain HTTP after a failed handshake and reports both,
	// and the HTTPS server's "400 plain HTTP to HTTPS port" is not the cause.
	if errors.As(err, &certErr) || errors.As(err, &unkAuth) || errors.As(err, &hostErr) || errors.As(err, &recHdErr) {
		return ErrUnreachable
	}
	if errors.As(err, &te) {
		for _, d := range te.Errors {
			switch d.Code {
			case transport.UnauthorizedErrorCode, transport.DeniedErrorCode:
				return ErrUnauthorized
			case transport.ManifestUnknownErrorCode, transport.NameUnknownErrorCode, transport.BlobUnknownErrorCode:
				return ErrNotFound
			case transport.NameInvalidErrorCode, transport.TagInvalidErrorCode, transport.ManifestInvalidErrorCode, transport.DigestInvalidErrorCode:
				return ErrInvalid
			}
		}
		switch {
		case te.StatusCode == http.StatusUnauthorized || te.StatusCode == http.StatusForbidden:
			return ErrUnauthorized
		case te.StatusCode == http.StatusNotFound:
			return ErrNotFound
		case te.StatusCode == http.StatusTooManyRequests || te.StatusCode >= 500:
			return ErrUnreachable
		}
		return ErrInvalid
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.As(err, &netErr) {
		return ErrUnreachable
	}
	return ErrInvalid
}
