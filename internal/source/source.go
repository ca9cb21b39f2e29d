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
	"regexp"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/source/archive"
	"github.com/scanfleet/scanfleet/internal/source/core"
	"github.com/scanfleet/scanfleet/internal/source/daemon"
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

const defaultPlatform = "linux/amd64"

// Open resolves ref to an image. See the package documentation for the
// accepted forms.
func Open(ctx context.Context, ref string, opts Options) (*Image, error) {
	if opts.Platform == "" {
		opts.Platform = defaultPlatform
	}
	plat, err := core.ParsePlatform(opts.Platform)
	if err != nil {
		return nil, newError(ref, ErrInvalid, err, opts)
	}
	var img *Image
	switch {
	case strings.HasPrefix(ref, "docker-archive:"):
		img, err = archive.OpenDockerArchive(strings.TrimPrefix(ref, "docker-archive:"))
	case strings.HasPrefix(ref, "oci-archive:"):
		img, err = archive.OpenOCIArchive(strings.TrimPrefix(ref, "oci-archive:"), plat)
	case strings.HasPrefix(ref, "oci:"):
		img, err = archive.OpenOCIDir(strings.TrimPrefix(ref, "oci:"), plat)
	case strings.HasPrefix(ref, "docker:"):
		img, err = daemon.Open(ctx, strings.TrimPrefix(ref, "docker:"), daemon.Options{Host: opts.DockerHost, Streamer: opts.Streamer})
	case strings.HasPrefix(ref, "registry:"):
		img, err = openRegistry(ctx, strings.TrimPrefix(ref, "registry:"), plat, opts)
	default:
		// An existing file or directory is read by its content (what
		// Trivy's --input does); anything else is a registry reference.
		var isPath bool
		if img, isPath, err = archive.OpenPath(ref, plat); !isPath {
			img, err = openRegistry(ctx, ref, plat, opts)
		}
	}
	if err != nil {
		var se *Error
		if errors.As(err, &se) {
			// Already classified deeper down; only add the image name.
			return nil, newError(ref, se.Kind, se.Err, opts)
		}
		return nil, newError(ref, core.Classify(err), err, opts)
	}
	return img, nil
}

var spaces = regexp.MustCompile(`\s*[\r\n]+\s*`)

// newError builds the final one-line error, with any secret scrubbed from
// the text (the wrapped causes stay reachable through Unwrap for callers
// that need them, but are never printed by us).
func newError(image string, kind, err error, opts Options) *Error {
	msg := registryText(fmt.Sprintf("image %q: %v: %v", core.RedactURL(image), kind, err), err)
	msg = spaces.ReplaceAllString(msg, "; ")
	for _, secret := range []string{opts.Password, opts.RegistryToken} {
		if secret != "" {
			msg = strings.ReplaceAll(msg, secret, "****")
		}
	}
	return core.NewError(image, kind, err, msg)
}
