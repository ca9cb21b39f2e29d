package source

import (
	"github.com/scanfleet/scanfleet/internal/source/archive"
	"github.com/scanfleet/scanfleet/internal/source/core"
	"github.com/scanfleet/scanfleet/internal/source/daemon"
)

// The types and error kinds callers use, defined by the packages every
// transport shares (core) or by the transport they belong to; these are
// the same types and values, so errors.Is and errors.As work with either
// name.
type (
	// Image is an opened image; see core.Image.
	Image = core.Image
	// Error is the error type returned by Open; see core.Error.
	Error = core.Error
	// StallError is a registry request that made no progress; see
	// core.StallError.
	StallError = core.StallError
	// LayerStreamer analyses the layers of docker: images as they stream
	// past; see daemon.LayerStreamer.
	LayerStreamer = daemon.LayerStreamer
)

// Error kinds. Every error from Open wraps exactly one of them.
var (
	ErrNotFound     = core.ErrNotFound
	ErrUnauthorized = core.ErrUnauthorized
	ErrUnreachable  = core.ErrUnreachable
	ErrInvalid      = core.ErrInvalid
	// ErrAmbiguous is wrapped when a bare argument is both an existing
	// path and a registry reference.
	ErrAmbiguous = archive.ErrAmbiguous
	// ErrLayerStreamed is returned when a layer of a streamed docker:
	// image is opened again.
	ErrLayerStreamed = daemon.ErrLayerStreamed
)
