// Package core holds what every image transport of package source
// shares and what callers see of them: the opened Image, the error kinds
// and the Error type, and the choice of a platform in an image index. It
// imports no transport, so source and its transports (source/archive,
// source/daemon) can all depend on it.
package core

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// Error kinds. Every error from source.Open wraps exactly one of them.
var (
	// ErrNotFound: the repository, tag, digest, archive entry or platform
	// does not exist.
	ErrNotFound = errors.New("not found")
	// ErrUnauthorized: credentials are missing or wrong.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnreachable: the registry or engine cannot be reached (connection
	// refused, DNS, timeout, TLS handshake, persistent 5xx/429).
	ErrUnreachable = errors.New("unreachable")
	// ErrInvalid: the reference is malformed or the image data is corrupt
	// (truncated archive, missing or null manifest, digest mismatch).
	ErrInvalid = errors.New("invalid image")
)

// Error is the error type returned by source.Open.
type Error struct {
	// Image is the reference as the user gave it.
	Image string
	// Kind is one of ErrNotFound, ErrUnauthorized, ErrUnreachable, ErrInvalid.
	Kind error
	// Err is the underlying cause.
	Err error

	msg string
}

func (e *Error) Error() string {
	if e.msg != "" {
		return e.msg
	}
	if e.Image == "" {
		// Raised while streaming a layer after Open: the caller names the
		// image and the layer.
		return fmt.Sprintf("%v: %v", e.Kind, e.Err)
	}
	return fmt.Sprintf("image %q: %v: %v", e.Image, e.Kind, e.Err)
}

// Unwrap exposes both the kind and the cause to errors.Is/As.
func (e *Error) Unwrap() []error { return []error{e.Kind, e.Err} }

// KindError tags err with a kind below source.Open, which adds the image
// name.
func KindError(kind error, err error) error { return &Error{Kind: kind, Err: err} }

// KindErrorf is KindError of a formatted error.
func KindErrorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

// RedactURL hides userinfo in something that looks like a URL (e.g. a
// DockerHost of tcp://user:pass@host).
func RedactURL(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// NewError is the error source.Open returns: image is the reference as the user
// gave it, and msg, when not empty, the one line printed for it (already
// scrubbed of secrets by the caller).
func NewError(image string, kind, err error, msg string) *Error {
	return &Error{Image: image, Kind: kind, Err: err, msg: msg}
}
