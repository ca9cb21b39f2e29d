package daemon

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/partial"
	"github.com/google/go-containerregistry/pkg/v1/types"
	"github.com/scanfleet/scanfleet/internal/source/archive"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// LayerStreamer analyses layers as they stream past, for sources that can
// produce an image only as one sequential stream (an engine's save stream):
// instead of spooling the whole image to disk to reread it, the source hands
// each layer to StreamLayer once, in stream order, and when the stream's
// manifest (which comes last) has told which entry is which layer, calls
// BindLayer with the layer's diff ID. The image the source then returns
// describes the layers (diff IDs, history) but cannot open them: the
// streamer must have kept what it needs (scan.Scanner caches the analyses
// by diff ID, so the scan that follows finds every layer there).
type LayerStreamer interface {
	StreamLayer(ctx context.Context, r io.Reader) (handle any, err error)
	BindLayer(ctx context.Context, handle any, diffID v1.Hash)
}

// maxMetadata bounds the JSON documents (manifest.json, configs, index)
// read into memory from a save stream.
const maxMetadata = 16 << 20

// ErrLayerStreamed is returned when a layer of a streamed image is opened:
// its bytes have gone by.
var ErrLayerStreamed = errors.New("layer was analysed from the engine's stream and cannot be reread")

// streamDockerSave reads a `docker save` stream once. Entries that look
// like JSON are kept (bounded); every other regular entry is a candidate
// layer and goes to the streamer while its sha256 is computed. At the end,
// manifest.json maps layers to entries and the config gives their diff IDs;
// an uncompressed layer's sha256 must equal its diff ID.
func streamDockerSave(ctx context.Context, r io.Reader, ref string, st LayerStreamer) (v1.Image, error) {
	tr := tar.NewReader(r)
	meta := map[string][]byte{}
	links := map[string]string{}
	type streamed struct {
		handle     any
		sha256     string
		compressed bool
	}
	layers := map[string]streamed{}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, core.KindErrorf(core.ErrInvalid, "reading save stream: %w", err)
		}
		name := cleanEntry(hdr.Name)
		switch hdr.Typeflag {
		case tar.TypeSymlink:
			links[name] = cleanEntry(path.Join(path.Dir(name), hdr.Linkname)) // #nosec G305 -- names are map keys of a stream index; nothing is written to disk
			continue
		case tar.TypeLink:
			links[name] = cleanEntry(hdr.Linkname)
			continue
		case tar.TypeReg:
		default:
			continue
		}
		br := bufio.NewReaderSize(tr, 4096)
		head, _ := br.Peek(1)
		if len(head) == 1 && (head[0] == '{' || head[0] == '[') || path.Base(name) == "VERSION" || name == "repositories" || name == "oci-layout" {
			b, err := io.ReadAll(io.LimitReader(br, maxMetadata+1))
			if err != nil {
				return nil, core.KindErrorf(core.ErrInvalid, "reading %s: %w", name, err)
			}
			if len(b) > maxMetadata {
				return nil, core.KindErrorf(core.ErrInvalid, "%s is over %d bytes", name, maxMetadata)
			}
			meta[name] = b
			continue
		}
		magic, _ := br.Peek(4)
		h := sha256.New()
		handle, err := st.StreamLayer(ctx, io.TeeReader(br, h))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			// A layer the walker cannot read is a truncated or corrupt stream.
			return nil, core.KindErrorf(core.ErrInvalid, "layer %s: %w", name, err)
		}
		// The streamer reads to the end; make sure, so the hash is whole.
		if _, err := io.Copy(h, br); err != nil {
			return nil, core.KindErrorf(core.ErrInvalid, "reading %s: %w", name, err)
		}
		layers[name] = streamed{handle: handle, sha256: hex.EncodeToString(h.Sum(nil)),
			compressed: bytes.HasPrefix(magic, []byte{0x1f, 0x8b}) || bytes.HasPrefix(magic, []byte{0x28, 0xb5, 0x2f, 0xfd})}
	}
	resolve := func(p string) string {
		p = cleanEntry(p)
		for i := 0; i < 16; i++ {
			t, ok := links[p]
			if !ok {
				break
			}
			p = t
		}
		return p
	}

	raw, ok := meta["manifest.json"]
	if !ok {
		return nil, core.KindErrorf(core.ErrInvalid, "save stream has no manifest.json")
	}
	var entries []archive.ManifestEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "parsing manifest.json: %w", err)
	}
	if len(entries) == 0 {
		return nil, core.KindErrorf(core.ErrInvalid, "manifest.json lists no images")
	}
	e := entries[0]
	if len(entries) > 1 {
		// A save of one name lists one image; should an engine list more,
		// select by the name asked for.
		var err error
		if e, err = archive.PickManifestEntry(entries, ref); err != nil {
			return nil, err
		}
	}
	rawCfg, ok := meta[resolve(e.Config)]
	if !ok {
		return nil, core.KindErrorf(core.ErrInvalid, "save stream lacks the config %s", e.Config)
	}
	cfg, err := v1.ParseConfigFile(bytes.NewReader(rawCfg))
	if err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "parsing config %s: %w", e.Config, err)
	}
	if len(cfg.RootFS.DiffIDs) != len(e.Layers) {
		return nil, core.KindErrorf(core.ErrInvalid, "config lists %d layers, manifest.json %d", len(cfg.RootFS.DiffIDs), len(e.Layers))
	}
	for i, lp := range e.Layers {
		s, ok := layers[resolve(lp)]
		if !ok {
			return nil, core.KindErrorf(core.ErrInvalid, "save stream lacks layer %s", lp)
		}
		diffID := cfg.RootFS.DiffIDs[i]
		if !s.compressed && s.sha256 != diffID.Hex {
			return nil, core.KindErrorf(core.ErrInvalid, "layer %s: content is sha256:%s, config says %s", lp, s.sha256, diffID)
		}
		st.BindLayer(ctx, s.handle, diffID)
	}
	img, err := partial.UncompressedToImage(&streamedImage{rawConfig: rawCfg, diffIDs: cfg.RootFS.DiffIDs})
	if err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "%w", err)
	}
	return img, nil
}

func cleanEntry(p string) string {
	return path.Clean("/" + p)[1:]
}

// streamedImage describes an image whose layers were consumed from a
// stream.
type streamedImage struct {
	rawConfig []byte
	diffIDs   []v1.Hash
}

func (s *streamedImage) RawConfigFile() ([]byte, error) { return s.rawConfig, nil }
func (s *streamedImage) MediaType() (types.MediaType, error) {
	return types.DockerManifestSchema2, nil
}
func (s *streamedImage) LayerByDiffID(h v1.Hash) (partial.UncompressedLayer, error) {
	for _, d := range s.diffIDs {
		if d == h {
			return streamedLayer{diffID: h}, nil
		}
	}
	return nil, fmt.Errorf("no layer with diff ID %s", h)
}

type streamedLayer struct{ diffID v1.Hash }

func (l streamedLayer) DiffID() (v1.Hash, error)             { return l.diffID, nil }
func (l streamedLayer) Uncompressed() (io.ReadCloser, error) { return nil, ErrLayerStreamed }
func (l streamedLayer) MediaType() (types.MediaType, error)  { return types.DockerLayer, nil }
