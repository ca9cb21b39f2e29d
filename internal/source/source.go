// Package source turns a user's image reference into a go-containerregistry
// v1.Image whose layers are read as streams: nothing is extracted to disk
// and no image is held in memory.
//
// References are dispatched on their prefix:
//
//	docker-archive:PATH[:REPO:TAG]  what `docker save` / `podman save` write
//	oci-archive:PATH[:TAG]          a tar of an OCI image layout
//	oci:DIR[:TAG]                   an OCI image layout directory
//	docker:NAME                     an image in a Docker Engine (API socket)
//	registry:REF, or a bare REF     an image in a registry
//
// A bare argument naming an existing file or directory is read by its
// content instead (docker-archive, oci-archive or oci); one that is both an
// existing path and a valid registry reference is refused as ambiguous.
//
// Every error returned by Open names the image, fits on one line and wraps
// one of ErrNotFound, ErrUnauthorized, ErrUnreachable or ErrInvalid, so
// callers can tell the kinds apart with errors.Is.
package source

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Error kinds. Every error from Open wraps exactly one of them.
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

// Options configures how an image is located and fetched. The zero value
// is usable.
type Options struct {
	// Platform selects the image of a multi-arch index: "os/arch[/variant]".
	// Empty means linux/amd64.
	Platform string
	// Username and Password give registry basic auth. When Username is
	// empty, credentials come from a docker config.json keychain.
	Username, Password string
	// RegistryToken is a registry bearer token (an identity or access
	// token issued for the registry), used when Username is empty.
	RegistryToken string
	// DockerConfig is the path of a docker config.json to read credentials
	// from; empty means DOCKER_CONFIG or ~/.docker/config.json.
	DockerConfig string
	// Insecure allows plain HTTP and skips TLS verification. Registries on
	// localhost/127.0.0.1 use plain HTTP regardless (go-containerregistry's
	// name rules).
	Insecure bool
	// CACertFile is an extra PEM CA bundle trusted for registry TLS.
	CACertFile string
	// DockerHost is the engine address for docker: references; empty means
	// SCANNER_DOCKER_URL, then DOCKER_HOST, then unix:///var/run/docker.sock.
	DockerHost string
	// Transport, when set, is the base HTTP transport for registry requests
	// (CACertFile and Insecure then do not apply to it).
	Transport http.RoundTripper
	// Streamer, when set, is handed the layers of docker: images as the
	// engine's save stream passes, so the image is never written to disk;
	// the returned image then cannot reopen its layers. Without it, the
	// stream is spooled to a temporary file.
	Streamer LayerStreamer
	// Retries is how many times a registry request is retried on 429, 5xx
	// and network errors, with exponential backoff honouring Retry-After.
	// 0 means the default of 3; negative means no retries.
	Retries int
	// StallTimeout bounds how long a registry request may go without
	// progress (no response headers, no body bytes) before it fails with
	// a *StallError naming the registry and the manifest or blob. A stall
	// counts against Retries like a network error (a blob is resumed
	// with a Range request), so a registry that stays silent fails the
	// pull after about (Retries+1) × StallTimeout. 0 means
	// DefaultStallTimeout; negative means no bound.
	StallTimeout time.Duration
	// RateLimited, when set, is called with each 429 (Too Many Requests)
	// a registry answers, before the request is retried: host is the
	// registry's host[:port], retryAfter the response's Retry-After
	// header ("" when absent). The scanner worker reports it to the
	// controller, which pauses the registry for the whole fleet. It must
	// not block.
	RateLimited func(host, retryAfter string)
}

// Image is an opened image. Close must be called to release temporary files
// and open archives.
type Image struct {
	v1.Image
	// Reference is the canonical reference as scanned, e.g.
	// "127.0.0.1:5000/team/app:1.2" or "docker-archive:/path/x.tar".
	Reference string
	// StoredUncompressed is true when every layer is stored uncompressed
	// (docker save archives, engine sockets): the layers' Compressed form
	// is then the plain tar and their Digest equals their DiffID, so asking
	// for it costs nothing, but scanners should prefer Uncompressed and the
	// config digest (image ID) to identify the image.
	StoredUncompressed bool
	// Close releases temporary files and open archives; never nil.
	Close func() error
}

const defaultPlatform = "linux/amd64"

// Open resolves ref to an image. See the package documentation for the
// accepted forms.
func Open(ctx context.Context, ref string, opts Options) (*Image, error) {
	if opts.Platform == "" {
		opts.Platform = defaultPlatform
	}
	plat, err := parsePlatform(opts.Platform)
	if err != nil {
		return nil, newError(ref, ErrInvalid, err, opts)
	}
	var img *Image
	switch {
	case strings.HasPrefix(ref, "docker-archive:"):
		img, err = openDockerArchiveRef(strings.TrimPrefix(ref, "docker-archive:"))
	case strings.HasPrefix(ref, "oci-archive:"):
		img, err = openOCIArchiveRef(strings.TrimPrefix(ref, "oci-archive:"), plat)
	case strings.HasPrefix(ref, "oci:"):
		img, err = openOCIDirRef(strings.TrimPrefix(ref, "oci:"), plat)
	case strings.HasPrefix(ref, "docker:"):
		img, err = openDaemon(ctx, strings.TrimPrefix(ref, "docker:"), opts)
	case strings.HasPrefix(ref, "registry:"):
		img, err = openRegistry(ctx, strings.TrimPrefix(ref, "registry:"), plat, opts)
	default:
		// An existing file or directory is read by its content (what
		// Trivy's --input does); anything else is a registry reference.
		var isPath bool
		if img, isPath, err = openPath(ref, plat); !isPath {
			img, err = openRegistry(ctx, ref, plat, opts)
		}
	}
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			// Already classified deeper down; only add the image name.
			return nil, newError(ref, se.Kind, se.Err, opts)
		}
		return nil, newError(ref, classify(err), err, opts)
	}
	return img, nil
}

// Error is the error type returned by Open.
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

// kindError tags err with a kind below Open, which adds the image name.
func kindError(kind error, err error) error { return &Error{Kind: kind, Err: err} }

func kindErrorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Err: fmt.Errorf(format, args...)}
}

var spaces = regexp.MustCompile(`\s*[\r\n]+\s*`)

// newError builds the final one-line error, with any secret scrubbed from
// the text (the wrapped causes stay reachable through Unwrap for callers
// that need them, but are never printed by us).
func newError(image string, kind, err error, opts Options) *Error {
	e := &Error{Image: image, Kind: kind, Err: err}
	msg := registryText(fmt.Sprintf("image %q: %v: %v", redactURL(image), kind, err), err)
	msg = spaces.ReplaceAllString(msg, "; ")
	for _, secret := range []string{opts.Password, opts.RegistryToken} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "****")
		}
	}
	e.msg = msg
	return e
}

// redactURL hides userinfo in something that looks like a URL (e.g. a
// DockerHost of tcp://user:pass@host).
func redactURL(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	return u.Redacted()
}

// fileExists reports whether p names an existing non-directory file.
func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}

func dirExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// splitPathRef splits "PATH[:SUFFIX]" where PATH itself may contain colons:
// the whole string wins when it names an existing path, else the longest
// existing prefix ending before a colon.
func splitPathRef(s string, exists func(string) bool) (path, suffix string) {
	if exists(s) {
		return s, ""
	}
	for i := len(s) - 1; i > 0; i-- {
		if s[i] == ':' && exists(s[:i]) {
			return s[:i], s[i+1:]
		}
	}
	return s, ""
}
