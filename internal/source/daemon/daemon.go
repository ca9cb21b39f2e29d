// Package daemon opens images held by a Docker Engine (dockerd, or
// podman's compatible service) through its API socket. The engine's only
// export is one sequential `docker save` stream: with a LayerStreamer each
// layer is analysed as it passes; without one the stream is spooled to a
// temporary file and read as a docker-archive.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/scanfleet/scanfleet/internal/source/archive"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// Open reads an image from a Docker Engine API (dockerd, or podman's
// compatible service).
//
// The engine has no API to stream one layer at a time, so the image is
// fetched with ImageSave (the `docker save` stream, a docker-archive). With
// Options.Streamer the stream is analysed as it passes (see LayerStreamer);
// otherwise it is spooled to one temporary file and read like a
// docker-archive: memory stays flat whatever the image size, and the file
// is removed by Close.
// We use the moby client (which negotiates the API version, so old engines
// such as Debian's 20.10 work) rather than go-containerregistry's daemon
// package, which buffers the saved image in memory by default.
func Open(ctx context.Context, ref string, opts Options) (_ *core.Image, err error) {
	if ref == "" {
		return nil, core.KindErrorf(core.ErrInvalid, "empty image name")
	}
	host := dockerHost(opts)
	// API version negotiation is on by default in this client.
	cli, err := client.New(client.WithHost(host))
	if err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "docker host %s: %w", core.RedactURL(host), err)
	}
	defer cli.Close()

	// Inspect first: it tells a missing image from a missing engine with a
	// cheap call, before a save stream is started.
	if _, err := cli.ImageInspect(ctx, ref); err != nil {
		return nil, daemonError(host, "inspecting image", err)
	}
	rc, err := cli.ImageSave(ctx, []string{ref})
	if err != nil {
		return nil, daemonError(host, "saving image", err)
	}
	defer rc.Close()
	if opts.Streamer != nil {
		img, err := streamDockerSave(ctx, rc, ref, opts.Streamer)
		if err != nil {
			var se *core.Error
			if errors.As(err, &se) {
				return nil, err
			}
			return nil, daemonError(host, "reading saved image", err)
		}
		return &core.Image{Image: img, Reference: "docker:" + ref, StoredUncompressed: true, Close: func() error { return nil }}, nil
	}

	f, err := os.CreateTemp("", "scanfleet-docker-*.tar")
	if err != nil {
		return nil, fmt.Errorf("spooling image: %w", err)
	}
	remove := func() error {
		cerr := f.Close()
		if rerr := os.Remove(f.Name()); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return rerr
		}
		return cerr
	}
	defer func() {
		if err != nil {
			_ = remove()
		}
	}()
	if _, err := io.Copy(f, rc); err != nil {
		return nil, daemonError(host, "reading saved image", err)
	}
	img, uncompressed, err := archive.DockerArchiveImage(f, "")
	if err != nil {
		var se *core.Error
		if errors.As(err, &se) && errors.Is(se.Kind, core.ErrInvalid) {
			// A save of one name lists one image; if an engine ever lists
			// more, select by the name asked for.
			img, uncompressed, err = archive.DockerArchiveImage(f, ref)
		}
		if err != nil {
			return nil, err
		}
	}
	return &core.Image{Image: img, Reference: "docker:" + ref, StoredUncompressed: uncompressed, Close: remove}, nil
}

// dockerHost picks the engine address: the option, then SCANNER_DOCKER_URL,
// then DOCKER_HOST, then the default socket.
func dockerHost(opts Options) string {
	for _, h := range []string{opts.Host, os.Getenv("SCANNER_DOCKER_URL"), os.Getenv("DOCKER_HOST")} {
		if h != "" {
			return h
		}
	}
	return client.DefaultDockerHost
}

func daemonError(host, what string, err error) error {
	kind := core.ErrInvalid
	switch {
	case cerrdefs.IsNotFound(err):
		kind = core.ErrNotFound
	case cerrdefs.IsUnauthorized(err), cerrdefs.IsPermissionDenied(err):
		kind = core.ErrUnauthorized
	case client.IsErrConnectionFailed(err), errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		kind = core.ErrUnreachable
	default:
		if k := core.Classify(err); k == core.ErrUnreachable {
			kind = k
		}
	}
	return core.KindErrorf(kind, "docker engine %s: %s: %w", core.RedactURL(host), what, err)
}

// Options says which engine to ask and how to read its save stream.
type Options struct {
	// Host is the engine address; empty means SCANNER_DOCKER_URL, then
	// DOCKER_HOST, then unix:///var/run/docker.sock.
	Host string
	// Streamer, when set, is handed the layers as the engine's save stream
	// passes (see LayerStreamer); without it the stream is spooled to a
	// temporary file.
	Streamer LayerStreamer
}
