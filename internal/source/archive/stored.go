package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// storedLayer is a layer blob kept in an archive or a directory, served as
// a stream whose bytes are checked against the digest as they are read.
type storedLayer struct {
	digest    v1.Hash
	size      int64
	mediaType types.MediaType
	open      func() (io.ReadCloser, error)
}

func (l *storedLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *storedLayer) Size() (int64, error)                { return l.size, nil }
func (l *storedLayer) MediaType() (types.MediaType, error) { return l.mediaType, nil }

func (l *storedLayer) Compressed() (io.ReadCloser, error) {
	rc, err := l.open()
	if err != nil {
		return nil, err
	}
	return newVerifyReader(rc, l.digest, l.size), nil
}

// storedLayerWithDiffID also knows its diff ID (docker archives list them
// in the config by position), so go-containerregistry need not hash the
// uncompressed stream to find it.
type storedLayerWithDiffID struct {
	storedLayer
	diffID v1.Hash
}

func (l *storedLayerWithDiffID) DiffID() (v1.Hash, error) { return l.diffID, nil }

// storedImage is a partial.CompressedImageCore over stored blobs;
// partial.CompressedToImage supplies the rest of v1.Image.
type storedImage struct {
	rawManifest []byte
	rawConfig   []byte
	mediaType   types.MediaType
	layers      map[v1.Hash]partial.CompressedLayer
}

func (i *storedImage) RawConfigFile() ([]byte, error)      { return i.rawConfig, nil }
func (i *storedImage) MediaType() (types.MediaType, error) { return i.mediaType, nil }
func (i *storedImage) RawManifest() ([]byte, error)        { return i.rawManifest, nil }

func (i *storedImage) LayerByDigest(h v1.Hash) (partial.CompressedLayer, error) {
	l, ok := i.layers[h]
	if !ok {
		return nil, core.KindErrorf(core.ErrInvalid, "image has no layer %s", h)
	}
	return l, nil
}

// verifyReader fails the read that reaches the end of a blob whose length
// or sha256 differs from what the manifest promised, so corrupt data is an
// core.ErrInvalid error and never silently scanned.
type verifyReader struct {
	rc   io.ReadCloser
	h    hash.Hash // nil when the algorithm is not sha256: length only
	want v1.Hash
	size int64
	n    int64
}

func newVerifyReader(rc io.ReadCloser, want v1.Hash, size int64) io.ReadCloser {
	v := &verifyReader{rc: rc, want: want, size: size}
	if want.Algorithm == "sha256" {
		v.h = sha256.New()
	}
	return v
}

func (v *verifyReader) Read(p []byte) (int, error) {
	n, err := v.rc.Read(p)
	if n > 0 {
		v.n += int64(n)
		if v.h != nil {
			v.h.Write(p[:n])
		}
		if v.size >= 0 && v.n > v.size {
			return n, core.KindErrorf(core.ErrInvalid, "blob %s is longer than its stated %d bytes", v.want, v.size)
		}
	}
	if err == io.EOF {
		if v.size >= 0 && v.n != v.size {
			return n, core.KindErrorf(core.ErrInvalid, "blob %s: got %d bytes, want %d (truncated?)", v.want, v.n, v.size)
		}
		if v.h != nil {
			if got := hex.EncodeToString(v.h.Sum(nil)); got != v.want.Hex {
				return n, core.KindErrorf(core.ErrInvalid, "blob %s: content has digest sha256:%s", v.want, got)
			}
		}
	}
	return n, err
}

func (v *verifyReader) Close() error { return v.rc.Close() }

// checkDigest verifies a metadata blob read whole.
func checkDigest(b []byte, want v1.Hash, what string) error {
	if want.Algorithm != "sha256" {
		return nil
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want.Hex {
		return core.KindErrorf(core.ErrInvalid, "%s %s: content has digest sha256:%s", what, want, got)
	}
	return nil
}

func sha256Hash(b []byte) v1.Hash {
	sum := sha256.Sum256(b)
	return v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(sum[:])}
}

// blobPath is where an OCI layout keeps a blob. Only well-known algorithms
// are accepted, so a crafted digest cannot name a path outside blobs/.
func blobPath(h v1.Hash) (string, error) {
	switch h.Algorithm {
	case "sha256", "sha384", "sha512":
	default:
		return "", core.KindErrorf(core.ErrInvalid, "unsupported digest algorithm %q", h.Algorithm)
	}
	for _, c := range h.Hex {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", core.KindErrorf(core.ErrInvalid, "malformed digest %q", h)
		}
	}
	if h.Hex == "" {
		return "", core.KindErrorf(core.ErrInvalid, "empty digest")
	}
	return fmt.Sprintf("blobs/%s/%s", h.Algorithm, h.Hex), nil
}
