package source

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// Permanent reports whether err, from Open or from reading an opened
// image (its config and layers), is one that trying again later cannot
// change: the image or tag does not exist (404, MANIFEST_UNKNOWN), the
// credentials are refused (401, 403, DENIED), the reference is malformed,
// or the registry serves bytes that do not match their digest or do not
// parse (a manifest or config that is not valid JSON). A fleet fails such
// a task at once with this reason instead of retrying it for minutes.
//
// Everything else is transient, including errors it does not recognise:
// network faults, stalls (*StallError), 5xx and 429, truncated bodies and
// cancellations. Retrying a permanent error only costs time; failing a
// transient one loses a scan, so the doubt goes to retrying.
func Permanent(err error) bool {
	if err == nil || transient(err) {
		return false
	}
	var se *Error
	if errors.As(err, &se) && se.Kind != nil {
		return se.Kind != ErrUnreachable
	}
	var te *transport.Error
	if errors.As(err, &te) {
		switch core.Classify(te) {
		case ErrNotFound, ErrUnauthorized:
			return true
		case ErrInvalid:
			// 408 is a timeout; other 4xx answers are the request's fault.
			return te.StatusCode/100 == 4 && te.StatusCode != http.StatusRequestTimeout
		}
		return false
	}
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	if errors.As(err, &syn) || errors.As(err, &typ) {
		return true // a config or manifest that is not what it claims
	}
	// go-containerregistry verifies every blob against its digest and
	// size, with an error type of an internal package: its text is all
	// there is to go by ("error verifying sha256 checksum after reading
	// …", "error verifying size", "Content-Length header … does not match
	// expected size"). The bytes came through intact (a truncated body is
	// an unexpected EOF, a transient error), so the registry serves
	// content other than its manifest promises.
	msg := err.Error()
	return strings.Contains(msg, "error verifying sha256 checksum") ||
		strings.Contains(msg, "error verifying size") ||
		strings.Contains(msg, "does not match expected size")
}

// transient says whether err has a cause that may pass: a stall, a cut
// connection, a network error or a cancellation.
func transient(err error) bool {
	var (
		stall  *StallError
		netErr net.Error
	)
	return errors.As(err, &stall) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) ||
		errors.As(err, &netErr)
}
