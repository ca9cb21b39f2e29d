package core

import v1 "github.com/google/go-containerregistry/pkg/v1"

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
