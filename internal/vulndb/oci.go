package vulndb

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/plainhttp"
)

// OCI artifact media types and annotations. The database file is the one
// layer, uncompressed (its records are already zstd-compressed).
const (
	ArtifactType    = "application/vnd.scanfleet.db.v1"
	ConfigMediaType = "application/vnd.scanfleet.db.config.v1+json"
	LayerMediaType  = "application/vnd.scanfleet.db.layer.v1"

	AnnotationSchema  = "io.scanfleet.db.schema-version"
	AnnotationBuiltAt = "io.scanfleet.db.built-at"
	AnnotationDigest  = "io.scanfleet.db.digest"
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
// artifact and returns the pushed reference with its manifest digest.
func Push(ctx context.Context, dbPath, ref string, opts RegistryOptions) (string, error) {
	b, err := os.ReadFile(dbPath)
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	db, err := openBytes(b)
	if err != nil {
		return "", fmt.Errorf("push: %s: %w", dbPath, err)
	}
	info := db.Info()
	db.Close()
	r, ropts, err := opts.parse(ref)
	if err != nil {
		return "", fmt.Errorf("push: %w", err)
	}
	anns := map[string]string{
		AnnotationSchema:  strconv.Itoa(info.SchemaVersion),
		AnnotationBuiltAt: info.BuiltAt.Format(time.RFC3339),
		AnnotationDigest:  info.Digest,
		annotationCreated: info.BuiltAt.Format(time.RFC3339),
	}
	img, err := mutate.Append(empty.Image, mutate.Addendum{
		Layer:       static.NewLayer(b, LayerMediaType),
		Annotations: map[string]string{annotationTitle: "scanfleet.db"},
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

// Pull downloads the artifact at ref, checks its media types, schema and
// digests, and renames the database over dest. On any error dest is
// untouched.
func Pull(ctx context.Context, ref, dest string, opts RegistryOptions) (Info, error) {
	r, ropts, err := opts.parse(ref)
	if err != nil {
		return Info{}, fmt.Errorf("pull: %w", err)
	}
	desc, err := remote.Get(r, append(ropts, remote.WithContext(ctx))...)
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	img, err := desc.Image()
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	m, err := img.Manifest()
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	if m.Config.MediaType != ConfigMediaType || len(m.Layers) != 1 || m.Layers[0].MediaType != LayerMediaType {
		return Info{}, fmt.Errorf("pull %s: not a scanfleet database artifact (config %s, %d layers)", ref, m.Config.MediaType, len(m.Layers))
	}
	if s := m.Annotations[AnnotationSchema]; s != strconv.Itoa(SchemaVersion) {
		return Info{}, fmt.Errorf("pull %s: %w: artifact has schema %q, this scanfleet reads %d", ref, ErrSchema, s, SchemaVersion)
	}
	ld := m.Layers[0]
	want, err := hex.DecodeString(ld.Digest.Hex)
	if err != nil || ld.Digest.Algorithm != "sha256" {
		return Info{}, fmt.Errorf("pull %s: unsupported layer digest %s", ref, ld.Digest)
	}
	layer, err := img.LayerByDigest(ld.Digest)
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	rc, err := layer.Compressed()
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	defer rc.Close()
	info, err := installFrom(rc, ld.Size, want, m.Annotations[AnnotationDigest], dest)
	if err != nil {
		return Info{}, fmt.Errorf("pull %s: %w", ref, err)
	}
	return info, nil
}
