package archive

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// blobStore is where an OCI layout's files live: a directory or the tar
// index of an archive. Names are slash-separated and relative to the root.
type blobStore interface {
	openFile(name string) (io.ReadCloser, int64, error)
}

type tarStore struct{ t *tarIndex }

func (s tarStore) openFile(name string) (io.ReadCloser, int64, error) {
	sr, err := s.t.open(name)
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(sr), sr.Size(), nil
}

type dirStore struct{ root string }

func (s dirStore) openFile(name string) (io.ReadCloser, int64, error) {
	f, err := os.Open(filepath.Join(s.root, filepath.FromSlash(name)))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, 0, core.KindErrorf(core.ErrInvalid, "layout has no %s", name)
		}
		return nil, 0, core.KindError(core.ErrInvalid, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, core.KindError(core.ErrInvalid, err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, 0, core.KindErrorf(core.ErrInvalid, "layout entry %s is not a regular file", name)
	}
	return f, fi.Size(), nil
}

func readStoreFile(s blobStore, name string) ([]byte, error) {
	rc, size, err := s.openFile(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return readLimited(rc, size, name)
}

// readBlob reads a metadata blob (manifest, index, config) and verifies it.
func readBlob(s blobStore, h v1.Hash, what string) ([]byte, error) {
	p, err := blobPath(h)
	if err != nil {
		return nil, err
	}
	b, err := readStoreFile(s, p)
	if err != nil {
		return nil, err
	}
	if err := checkDigest(b, h, what); err != nil {
		return nil, err
	}
	return b, nil
}

// layoutIndex is a v1.ImageIndex over an OCI layout: index.json itself or a
// nested index blob.
type layoutIndex struct {
	store    blobStore
	raw      []byte
	manifest *v1.IndexManifest
}

func openLayout(s blobStore) (*layoutIndex, error) {
	b, err := readStoreFile(s, "index.json")
	if err != nil {
		return nil, err
	}
	return newLayoutIndex(s, b, "index.json")
}

func newLayoutIndex(s blobStore, raw []byte, what string) (*layoutIndex, error) {
	var m *v1.IndexManifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "parsing %s: %w", what, err)
	}
	if m == nil {
		return nil, core.KindErrorf(core.ErrInvalid, "%s is null", what)
	}
	return &layoutIndex{store: s, raw: raw, manifest: m}, nil
}

func (l *layoutIndex) MediaType() (types.MediaType, error) {
	if l.manifest.MediaType != "" {
		return l.manifest.MediaType, nil
	}
	return types.OCIImageIndex, nil
}
func (l *layoutIndex) Digest() (v1.Hash, error)                    { return sha256Hash(l.raw), nil }
func (l *layoutIndex) Size() (int64, error)                        { return int64(len(l.raw)), nil }
func (l *layoutIndex) IndexManifest() (*v1.IndexManifest, error)   { return l.manifest.DeepCopy(), nil }
func (l *layoutIndex) RawManifest() ([]byte, error)                { return l.raw, nil }
func (l *layoutIndex) ImageIndex(h v1.Hash) (v1.ImageIndex, error) { return l.childIndex(h) }

func (l *layoutIndex) childIndex(h v1.Hash) (*layoutIndex, error) {
	b, err := readBlob(l.store, h, "index")
	if err != nil {
		return nil, err
	}
	return newLayoutIndex(l.store, b, "index "+h.String())
}

func (l *layoutIndex) Image(h v1.Hash) (v1.Image, error) {
	raw, err := readBlob(l.store, h, "manifest")
	if err != nil {
		return nil, err
	}
	var m *v1.Manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "parsing manifest %s: %w", h, err)
	}
	if m == nil {
		return nil, core.KindErrorf(core.ErrInvalid, "manifest %s is null", h)
	}
	if m.Config.Digest == (v1.Hash{}) {
		return nil, core.KindErrorf(core.ErrInvalid, "manifest %s has no config", h)
	}
	cfg, err := readBlob(l.store, m.Config.Digest, "config")
	if err != nil {
		return nil, err
	}
	mt := m.MediaType
	if mt == "" {
		mt = types.OCIManifestSchema1
	}
	img := &storedImage{rawManifest: raw, rawConfig: cfg, mediaType: mt, layers: map[v1.Hash]partial.CompressedLayer{}}
	for _, d := range m.Layers {
		p, err := blobPath(d.Digest)
		if err != nil {
			return nil, err
		}
		store := l.store
		img.layers[d.Digest] = &storedLayer{
			digest:    d.Digest,
			size:      d.Size,
			mediaType: d.MediaType,
			open: func() (io.ReadCloser, error) {
				rc, _, err := store.openFile(p)
				return rc, err
			},
		}
	}
	return partial.CompressedToImage(img)
}

// OpenOCIArchive opens "PATH[:TAG]" of an oci-archive reference.
func OpenOCIArchive(ref string, plat v1.Platform) (*core.Image, error) {
	p, tag := splitPathRef(ref, fileExists)
	f, err := os.Open(p)
	if err != nil {
		return nil, fileOpenError(err)
	}
	img, err := ociArchiveImage(f, tag, plat)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &core.Image{Image: img, Reference: "oci-archive:" + ref, Close: f.Close}, nil
}

func ociArchiveImage(f *os.File, tag string, plat v1.Platform) (v1.Image, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, core.KindError(core.ErrInvalid, err)
	}
	if fi.IsDir() {
		return nil, core.KindErrorf(core.ErrInvalid, "%s is a directory (use oci:DIR)", f.Name())
	}
	t, err := indexTar(f, fi.Size())
	if err != nil {
		return nil, err
	}
	return layoutImage(tarStore{t}, tag, plat)
}

func layoutImage(s blobStore, tag string, plat v1.Platform) (v1.Image, error) {
	idx, err := openLayout(s)
	if err != nil {
		return nil, err
	}
	return pickFromLayout(idx, tag, plat)
}

// OpenOCIDir opens "DIR[:TAG]" of an oci: reference.
func OpenOCIDir(ref string, plat v1.Platform) (*core.Image, error) {
	dir, tag := splitPathRef(ref, dirExists)
	if !dirExists(dir) {
		if _, err := os.Stat(dir); err != nil {
			return nil, fileOpenError(err)
		}
		return nil, core.KindErrorf(core.ErrInvalid, "%s is not a directory", dir)
	}
	img, err := layoutImage(dirStore{dir}, tag, plat)
	if err != nil {
		return nil, err
	}
	return &core.Image{Image: img, Reference: "oci:" + ref, Close: func() error { return nil }}, nil
}

func fileOpenError(err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return core.KindError(core.ErrNotFound, err)
	}
	return core.KindError(core.ErrInvalid, err)
}

// pickFromLayout chooses the image of a layout: the one whose
// org.opencontainers.image.ref.name matches tag, else the only image, else
// the one for the platform.
func pickFromLayout(idx *layoutIndex, tag string, plat v1.Platform) (v1.Image, error) {
	m := idx.manifest
	if tag != "" {
		var names []string
		for _, d := range m.Manifests {
			rn := d.Annotations[core.RefNameAnnotation]
			if rn == "" {
				continue
			}
			names = append(names, rn)
			if core.RefNameMatches(rn, tag) {
				return imageFromDescriptor(idx, d, plat)
			}
		}
		return nil, core.KindErrorf(core.ErrNotFound, "no manifest named %q in layout (names: %s)", tag, listOrNone(names))
	}
	if len(m.Manifests) == 0 {
		return nil, core.KindErrorf(core.ErrInvalid, "layout index lists no manifests")
	}
	if len(m.Manifests) == 1 {
		return imageFromDescriptor(idx, m.Manifests[0], plat)
	}
	return core.PickPlatform(idx, plat)
}

func imageFromDescriptor(idx v1.ImageIndex, d v1.Descriptor, plat v1.Platform) (v1.Image, error) {
	switch {
	case d.MediaType.IsIndex():
		child, err := idx.ImageIndex(d.Digest)
		if err != nil {
			return nil, err
		}
		return core.PickPlatform(child, plat)
	case d.MediaType.IsImage(), d.MediaType == "":
		return idx.Image(d.Digest)
	default:
		return nil, core.KindErrorf(core.ErrInvalid, "manifest %s has unsupported media type %q", d.Digest, d.MediaType)
	}
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return fmt.Sprintf("%q", s)
}
