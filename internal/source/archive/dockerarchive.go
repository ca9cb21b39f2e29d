package archive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// ManifestEntry is one image of a docker-archive's manifest.json.
type ManifestEntry struct {
	Config   string
	RepoTags []string
	Layers   []string
}

// OpenDockerArchive opens "PATH[:REPO:TAG]" of a docker-archive
// reference.
func OpenDockerArchive(ref string) (*core.Image, error) {
	// The image name itself holds a colon (REPO:TAG), and REPO may hold a
	// registry port, so try every split whose prefix is an existing file.
	// A REPO without a tag means REPO:latest, as docker load does.
	p, tag := splitPathRef(ref, fileExists)
	f, err := os.Open(p)
	if err != nil {
		return nil, fileOpenError(err)
	}
	img, uncompressed, err := DockerArchiveImage(f, tag)
	if err != nil {
		f.Close()
		return nil, err
	}
	return &core.Image{Image: img, Reference: "docker-archive:" + ref, StoredUncompressed: uncompressed, Close: f.Close}, nil
}

// DockerArchiveImage reads the image named tag (or the only one) from an
// open docker-archive file; the bool says whether its layers are stored
// uncompressed.
func DockerArchiveImage(f *os.File, tag string) (v1.Image, bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return nil, false, core.KindError(core.ErrInvalid, err)
	}
	if fi.IsDir() {
		return nil, false, core.KindErrorf(core.ErrInvalid, "%s is a directory, not a docker-archive tar", f.Name())
	}
	t, err := indexTar(f, fi.Size())
	if err != nil {
		return nil, false, err
	}
	return dockerArchiveFromIndex(t, tag)
}

func dockerArchiveFromIndex(t *tarIndex, tag string) (v1.Image, bool, error) {
	if !t.has("manifest.json") {
		if t.has("index.json") {
			// Not written by docker save, but an OCI layout: read it as one.
			img, err := layoutImage(tarStore{t}, tag, v1.Platform{OS: "linux", Architecture: "amd64"})
			return img, false, err
		}
		return nil, false, core.KindErrorf(core.ErrInvalid, "archive has no manifest.json (not a docker save archive, or from a Docker older than 1.10)")
	}
	raw, err := t.readSmall("manifest.json")
	if err != nil {
		return nil, false, err
	}
	var entries []ManifestEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, false, core.KindErrorf(core.ErrInvalid, "parsing manifest.json: %w", err)
	}
	if len(entries) == 0 {
		return nil, false, core.KindErrorf(core.ErrInvalid, "manifest.json is null or lists no images")
	}
	e, err := PickManifestEntry(entries, tag)
	if err != nil {
		return nil, false, err
	}
	return dockerEntryImage(t, e)
}

// PickManifestEntry chooses the image named tag ("REPO:TAG", compared as
// image names) among a manifest.json's entries, or the only one when tag
// is empty; the error lists the choices.
func PickManifestEntry(entries []ManifestEntry, tag string) (ManifestEntry, error) {
	if tag == "" {
		if len(entries) == 1 {
			return entries[0], nil
		}
		return ManifestEntry{}, core.KindErrorf(core.ErrInvalid, "archive holds %d images; name one as docker-archive:PATH:REPO:TAG (choices: %s)", len(entries), strings.Join(dockerChoices(entries), ", "))
	}
	want, err := name.NewTag(tag)
	if err != nil {
		return ManifestEntry{}, core.KindErrorf(core.ErrInvalid, "bad image name %q: %w", tag, err)
	}
	for _, e := range entries {
		for _, rt := range e.RepoTags {
			if rt == tag {
				return e, nil
			}
			if have, err := name.NewTag(rt); err == nil && have.Name() == want.Name() {
				return e, nil
			}
		}
	}
	return ManifestEntry{}, core.KindErrorf(core.ErrNotFound, "archive has no image %s (choices: %s)", tag, strings.Join(dockerChoices(entries), ", "))
}

func dockerChoices(entries []ManifestEntry) []string {
	var out []string
	for i, e := range entries {
		if len(e.RepoTags) == 0 {
			out = append(out, "#"+strconv.Itoa(i+1)+" (untagged, config "+e.Config+")")
			continue
		}
		out = append(out, e.RepoTags...)
	}
	return out
}

var blobPathRE = regexp.MustCompile(`^blobs/(sha256)/([0-9a-f]{64})$`)

// dockerEntryImage builds the image of one manifest.json entry. Layers
// stay where they are in the archive; the manifest is synthesised. A layer
// stored uncompressed (the usual case) is described as an uncompressed
// layer whose digest is its diff ID, so nothing is gzipped just to name it.
func dockerEntryImage(t *tarIndex, e ManifestEntry) (v1.Image, bool, error) {
	if e.Config == "" {
		return nil, false, core.KindErrorf(core.ErrInvalid, "manifest.json entry has no Config")
	}
	rawCfg, err := t.readSmall(e.Config)
	if err != nil {
		return nil, false, err
	}
	var cfg *v1.ConfigFile
	if err := json.Unmarshal(rawCfg, &cfg); err != nil {
		return nil, false, core.KindErrorf(core.ErrInvalid, "parsing config %s: %w", e.Config, err)
	}
	if cfg == nil {
		return nil, false, core.KindErrorf(core.ErrInvalid, "config %s is null", e.Config)
	}
	if len(cfg.RootFS.DiffIDs) != len(e.Layers) {
		return nil, false, core.KindErrorf(core.ErrInvalid, "config lists %d diff IDs but manifest.json %d layers", len(cfg.RootFS.DiffIDs), len(e.Layers))
	}
	m := v1.Manifest{
		SchemaVersion: 2,
		MediaType:     types.DockerManifestSchema2,
		Config: v1.Descriptor{
			MediaType: types.DockerConfigJSON,
			Size:      int64(len(rawCfg)),
			Digest:    sha256Hash(rawCfg),
		},
	}
	img := &storedImage{rawConfig: rawCfg, mediaType: types.DockerManifestSchema2, layers: map[v1.Hash]partial.CompressedLayer{}}
	allUncompressed := true
	for i, lp := range e.Layers {
		sr, err := t.open(lp)
		if err != nil {
			return nil, false, err
		}
		diffID := cfg.RootFS.DiffIDs[i]
		mt, err := sniffMediaType(sr)
		if err != nil {
			return nil, false, core.KindErrorf(core.ErrInvalid, "layer %s: %w", lp, err)
		}
		var digest v1.Hash
		switch {
		case mt == types.DockerUncompressedLayer:
			digest = diffID
		case blobPathRE.MatchString(cleanTarName(lp)):
			sm := blobPathRE.FindStringSubmatch(cleanTarName(lp))
			digest = v1.Hash{Algorithm: sm[1], Hex: sm[2]}
		default:
			// A compressed layer under a name that is not its digest: its
			// digest costs one streaming pass.
			h := sha256.New()
			if _, err := io.Copy(h, io.NewSectionReader(sr, 0, sr.Size())); err != nil {
				return nil, false, core.KindErrorf(core.ErrInvalid, "hashing layer %s: %w", lp, err)
			}
			digest = v1.Hash{Algorithm: "sha256", Hex: hex.EncodeToString(h.Sum(nil))}
		}
		if mt != types.DockerUncompressedLayer {
			allUncompressed = false
		}
		section := sr
		img.layers[digest] = &storedLayerWithDiffID{
			storedLayer: storedLayer{
				digest:    digest,
				size:      sr.Size(),
				mediaType: mt,
				open: func() (io.ReadCloser, error) {
					return io.NopCloser(io.NewSectionReader(section, 0, section.Size())), nil
				},
			},
			diffID: diffID,
		}
		m.Layers = append(m.Layers, v1.Descriptor{MediaType: mt, Size: sr.Size(), Digest: digest})
	}
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, false, core.KindError(core.ErrInvalid, err)
	}
	img.rawManifest = raw
	out, err := partial.CompressedToImage(img)
	if err != nil {
		return nil, false, core.KindError(core.ErrInvalid, err)
	}
	return out, allUncompressed, nil
}

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// sniffMediaType tells a layer's compression from its first bytes, which
// is what docker itself does on load.
func sniffMediaType(sr *io.SectionReader) (types.MediaType, error) {
	var head [4]byte
	n, err := sr.ReadAt(head[:], 0)
	if err != nil && err != io.EOF {
		return "", err
	}
	switch {
	case bytes.HasPrefix(head[:n], gzipMagic):
		return types.DockerLayer, nil
	case bytes.HasPrefix(head[:n], zstdMagic):
		return types.OCILayerZStd, nil
	}
	return types.DockerUncompressedLayer, nil
}
