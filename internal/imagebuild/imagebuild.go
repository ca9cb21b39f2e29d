// Package imagebuild assembles OCI images from root filesystem tarballs and
// loose files without a container engine, for the demo and for tests that
// need realistic images (variants sharing base layers, many tags). Layers
// are streamed from their files; nothing is held whole in memory.
package imagebuild

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Layer is one layer to add and the history line that made it.
type Layer struct {
	Layer     v1.Layer
	CreatedBy string
}

// FromFile makes a layer of a tar or tar.gz file, streamed from disk.
func FromFile(path string) (v1.Layer, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("layer file: %w", err)
	}
	l, err := tarball.LayerFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("layer from %s: %w", path, err)
	}
	return l, nil
}

// File is a file to place in a layer made by Files.
type File struct {
	Path    string // inside the image, e.g. "usr/local/bin/app"
	Content []byte
	Mode    int64
}

// Files makes a small layer holding the given files (and their parent
// directories). It is meant for small additions, built in memory.
func Files(files ...File) (v1.Layer, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	for _, f := range files {
		for d := parentDirs(f.Path); len(d) > 0; d = d[1:] {
			if dirs[d[0]] {
				continue
			}
			dirs[d[0]] = true
			if err := tw.WriteHeader(&tar.Header{Name: d[0] + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: epoch}); err != nil {
				return nil, err
			}
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := tw.WriteHeader(&tar.Header{Name: f.Path, Typeflag: tar.TypeReg, Mode: mode, Size: int64(len(f.Content)), ModTime: epoch}); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Content); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	})
}

// epoch keeps built layers reproducible: same files, same digest.
var epoch = time.Unix(0, 0)

func parentDirs(p string) []string {
	var out []string
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 {
			out = append(out, p[:i])
		}
	}
	return out
}

// Image stacks layers, bottom first, into a linux/amd64 image whose history
// records each layer's CreatedBy.
func Image(layers ...Layer) (v1.Image, error) {
	img, err := mutate.ConfigFile(empty.Image, &v1.ConfigFile{
		Architecture: "amd64",
		OS:           "linux",
		Config:       v1.Config{Env: []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}},
	})
	if err != nil {
		return nil, err
	}
	for _, l := range layers {
		img, err = mutate.Append(img, mutate.Addendum{
			Layer:   l.Layer,
			History: v1.History{CreatedBy: l.CreatedBy, Created: v1.Time{Time: epoch}},
		})
		if err != nil {
			return nil, fmt.Errorf("adding layer %q: %w", l.CreatedBy, err)
		}
	}
	return img, nil
}
