package dist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/plainhttp"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// OCI artifact media types and annotations. The database file is the one
// layer, zstd-compressed as a whole (LayerMediaTypeZstd): its records are
// compressed one by one, so a lookup decodes only what it reads, and
// compressing the file again still takes a third off what a pull moves.
// Pull also takes the uncompressed layers (LayerMediaType) that earlier
// versions pushed.
const (
	ArtifactType       = "application/vnd.scanfleet.db.v1"
	ConfigMediaType    = "application/vnd.scanfleet.db.config.v1+json"
	LayerMediaType     = "application/vnd.scanfleet.db.layer.v1"
	LayerMediaTypeZstd = LayerMediaType + "+zstd"

	AnnotationSchema  = "io.scanfleet.db.schema-version"
	AnnotationBuiltAt = "io.scanfleet.db.built-at"
	AnnotationDigest  = "io.scanfleet.db.digest"
	// AnnotationSize and AnnotationSHA256, on a compressed layer, give
	// the database file's size and sha256: a pull stops decompressing at
	// that size and checks the file before installing it.
	AnnotationSize    = "io.scanfleet.db.size"
	AnnotationSHA256  = "io.scanfleet.db.sha256"
	annotationCreated = "org.opencontainers.image.created"
	annotationTitle   = "org.opencontainers.image.title"
)

// RegistryOptions are the credentials and transport for Push and Pull.
type RegistryOptions struct {
	// Username and Password authenticate with basic auth; empty means the
	// Docker config credentials (~/.docker/config.json), else anonymous.
	Username, Password string
	// Insecure allows plain HTTP and unverified TLS certificates.
	Insecure bool
	// Transport overrides the HTTP transport (tests).
	Transport http.RoundTripper
}

func (o RegistryOptions) parse(ref string) (name.Reference, []remote.Option, error) {
	var nopts []name.Option
	if o.Insecure {
		nopts = append(nopts, name.Insecure)
	}
	r, err := name.ParseReference(ref, nopts...)
	if err != nil {
		return nil, nil, fmt.Errorf("invalid reference %q: %w", ref, err)
	}
	var ropts []remote.Option
	if o.Username != "" || o.Password != "" {
		ropts = append(ropts, remote.WithAuth(&authn.Basic{Username: o.Username, Password: o.Password}))
	} else {
		ropts = append(ropts, remote.WithAuthFromKeychain(authn.DefaultKeychain))
	}
	var tr http.RoundTripper = remote.DefaultTransport
	switch {
	case o.Transport != nil:
		tr = o.Transport
	case o.Insecure:
		t := remote.DefaultTransport.(*http.Transport).Clone()
		t.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} // #nosec G402 -- asked for with --insecure
		tr = t
	}
	// go-containerregistry would fall back to plain HTTP for registries at
	// private addresses, credentials and all; only loopback or --insecure
	// may use it.
	ropts = append(ropts, remote.WithTransport(plainhttp.Guard(tr, o.Insecure)))
	return r, ropts, nil
}

// Push uploads the database at dbPath (verified first) to ref as an OCI
// artifact, its one layer the file zstd-compressed, and returns the pushed
// reference with its manifest digest. The compressed layer is written to a
// temporary file beside dbPath (removed at the end), so memory does not
// grow with the file.
func Push(ctx context.Context, dbPath, ref string, opts RegistryOptions) (string, error) {
	f, err := os.Open(dbPath)
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	defer f.Close()
	db, err := vulndb.OpenFD(f, true)
	if err != nil {
		return "", fmt.Errorf("push: %s: %w", dbPath, err)
	}
	info := db.Info()
	db.Close()
	r, ropts, err := opts.parse(ref)
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	layer, err := compressLayer(ctx, f, filepath.Dir(dbPath))
	if err != nil {
		return "", fmt.Errorf("push: compressing %s: %w", dbPath, err)
	}
	defer os.Remove(layer.path)
	anns := map[string]string{
		AnnotationSchema:  strconv.Itoa(info.SchemaVersion),
		AnnotationBuiltAt: info.BuiltAt.Format(time.RFC3339),
		AnnotationDigest:  info.Digest,
		annotationCreated: info.BuiltAt.Format(time.RFC3339),
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer: layer,
		Annotations: map[string]string{
			annotationTitle:  "scanfleet.db.zst",
			AnnotationSize:   strconv.FormatInt(layer.rawSize, 10),
			AnnotationSHA256: layer.diffID.Hex,
		},
	})
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	img = mutate.MediaType(img, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, ConfigMediaType)
	img = mutate.Annotations(img, anns).(v1.Image)
	if err := remote.Write(r, img, append(ropts, remote.WithContext(ctx))...); err != nil {
		return "", fmt.Errorf("push %s: %w", ref, err)
	}
	d, err := img.Digest()
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	return r.Context().Digest(d.String()).String(), nil
}

// zstdLayer is a database file compressed into a temporary file: the
// layer Push uploads.
type zstdLayer struct {
	path           string
	digest, diffID v1.Hash
	size, rawSize  int64
}

// compressLayer compresses f whole into a temporary file in dir (else in
// $TMPDIR), hashing both sides as it goes.
func compressLayer(ctx context.Context, f *os.File, dir string) (l *zstdLayer, err error) {
	tmp, err := os.CreateTemp(dir, ".scanfleet-db-push-*.zst")
	if err != nil {
		// A database on a read-only volume can still be pushed.
		if tmp, err = os.CreateTemp("", "scanfleet-db-push-*.zst"); err != nil {
			return nil, err
		}
	}
	defer func() {
		if cerr := tmp.Close(); err == nil && cerr != nil {
			err = cerr
		}
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	zh, rh := sha256.New(), sha256.New()
	zc := &countingWriter{w: io.MultiWriter(tmp, zh)}
	enc, err := zstd.NewWriter(zc, zstd.WithEncoderLevel(zstd.SpeedBetterCompression))
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(enc, io.TeeReader(&ctxReader{ctx: ctx, r: io.NewSectionReader(f, 0, math.MaxInt64)}, rh))
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	return &zstdLayer{
		path:    tmp.Name(),
		digest:  v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(zh.Sum(nil))},
		diffID:  v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(rh.Sum(nil))},
		size:    zc.n,
		rawSize: n,
	}, nil
}

func (l *zstdLayer) Digest() (v1.Hash, error)            { return l.digest, nil }
func (l *zstdLayer) DiffID() (v1.Hash, error)            { return l.diffID, nil }
func (l *zstdLayer) Size() (int64, error)                { return l.size, nil }
func (l *zstdLayer) MediaType() (types.MediaType, error) { return LayerMediaTypeZstd, nil }
func (l *zstdLayer) Compressed() (io.ReadCloser, error)  { return os.Open(l.path) }
func (l *zstdLayer) Uncompressed() (io.ReadCloser, error) {
	f, err := os.Open(l.path)
	if err != nil {
		return nil, err
	}
	d, err := zstd.NewReader(f, zstd.WithDecoderConcurrency(1))
	if err != nil {
		f.Close()
		return nil, err
	}
	return readCloser{Reader: d, close: func() error { d.Close(); return f.Close() }}, nil
}

type readCloser struct {
	io.Reader
	close func() error
}

func (r readCloser) Close() error { return r.close() }

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ctxReader stops a long copy when ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// maxDBSize bounds what a pull decompresses (the annotation could claim
// anything): a hundred times today's real-volume file.
const maxDBSize = 32 << 30

// Pull downloads the artifact at ref, checks its media types, schema and
// digests, and renames the database over dest. On any error dest is
// untouched.
func Pull(ctx context.Context, ref, dest string, opts RegistryOptions) (vulndb.Info, error) {
	r, ropts, err := opts.parse(ref)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull: %w", err)
	}
	desc, err := remote.Get(r, append(ropts, remote.WithContext(ctx))...)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	img, err := desc.Image()
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	if m.Config.MediaType != ConfigMediaType || len(m.Layers) != 1 || (m.Layers[0].MediaType != LayerMediaType && m.Layers[0].MediaType != LayerMediaTypeZstd) {
		return vulndb.Info{}, fmt.Errorf("pull %s: not a scanfleet database artifact (config %s, %d layers)", ref, m.Config.MediaType, len(m.Layers))
	}
	if s := m.Annotations[AnnotationSchema]; s != strconv.Itoa(vulndb.SchemaVersion) {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w: artifact has schema %q, this scanfleet reads %d: push a database built by this version, or build or update one here (scanfleet db build, db update)", ref, vulndb.ErrSchema, s, vulndb.SchemaVersion)
	}
	ld := m.Layers[0]
	want, err := hex.DecodeString(ld.Digest.Hex)
	if err != nil || ld.Digest.Algorithm != "sha256" {
		return vulndb.Info{}, fmt.Errorf("pull %s: unsupported layer digest %s", ref, ld.Digest)
	}
	layer, err := img.LayerByDigest(ld.Digest)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	rc, err := layer.Compressed()
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	defer rc.Close()
	if ld.MediaType == LayerMediaType {
		// As earlier versions pushed it: the file itself.
		info, err := installFrom(rc, ld.Size, want, m.Annotations[AnnotationDigest], dest, nil)
		if err != nil {
			return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
		}
		return info, nil
	}
	size, err := strconv.ParseInt(ld.Annotations[AnnotationSize], 10, 64)
	if err != nil || size < vulndb.HeaderSize || size > maxDBSize {
		return vulndb.Info{}, fmt.Errorf("pull %s: compressed layer with a bad %s annotation %q", ref, AnnotationSize, ld.Annotations[AnnotationSize])
	}
	rawSum, err := hex.DecodeString(ld.Annotations[AnnotationSHA256])
	if err != nil || len(rawSum) != sha256.Size {
		return vulndb.Info{}, fmt.Errorf("pull %s: compressed layer with a bad %s annotation %q", ref, AnnotationSHA256, ld.Annotations[AnnotationSHA256])
	}
	// Decompressed as it downloads, straight into the temporary file
	// beside dest; the compressed bytes are hashed on the way and must
	// match the layer digest before the file is installed.
	zh := sha256.New()
	cr := io.TeeReader(io.LimitReader(rc, ld.Size+1), zh)
	dec, err := zstd.NewReader(cr, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(64<<20))
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	defer dec.Close()
	layerOK := func() error {
		// Whatever follows the last frame is part of the layer too.
		n, err := io.Copy(io.Discard, cr)
		if err != nil {
			return fmt.Errorf("reading layer: %w", err)
		}
		if n > 0 || !bytes.Equal(zh.Sum(nil), want) {
			return fmt.Errorf("%w: the compressed layer's sha256 is %x, the manifest says %s", ErrTampered, zh.Sum(nil), ld.Digest)
		}
		return nil
	}
	info, err := installFrom(&zstdErrReader{dec}, size, rawSum, m.Annotations[AnnotationDigest], dest, layerOK)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	return info, nil
}

// zstdErrReader names decompression errors: a damaged compressed layer.
type zstdErrReader struct{ d *zstd.Decoder }

func (z *zstdErrReader) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("%w: decompressing the layer: %w", ErrTampered, err)
	}
	return n, err
}
