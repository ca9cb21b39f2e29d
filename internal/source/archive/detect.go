// Package archive opens images stored as files, without extracting them:
// docker-archive (what `docker save` and `podman save` write), oci-archive
// (a tar of an OCI image layout) and an OCI layout directory. A tar is
// indexed once and each blob is served as a section of the file, its
// digest verified as it is read. A bare argument naming an existing path
// is recognised by its content (DetectPath, OpenPath).
package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/scanfleet/scanfleet/internal/source/core"
)

// Path kinds a bare argument can be recognised as, by content.
const (
	KindDockerArchive = "docker-archive"
	KindOCIArchive    = "oci-archive"
	KindOCILayout     = "oci"
)

// ErrAmbiguous is wrapped (with core.ErrInvalid) when a bare argument names
// both an existing file or directory and a valid registry reference.
var ErrAmbiguous = errors.New("ambiguous image argument")

// DetectPath tells what the existing file or directory p holds, from its
// content as Trivy's --input does: a docker save archive (manifest.json),
// a tar of an OCI image layout (index.json), or an OCI layout directory
// (oci-layout or index.json). It reads tar headers only. The error wraps
// core.ErrInvalid when p exists but holds none of these, and fs.ErrNotExist
// when p does not exist.
func DetectPath(p string) (string, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return "", err
	}
	if fi.IsDir() {
		for _, marker := range []string{"oci-layout", "index.json"} {
			if fileExists(filepath.Join(p, marker)) {
				return KindOCILayout, nil
			}
		}
		return "", core.KindErrorf(core.ErrInvalid, "%s is a directory but not an OCI image layout (no oci-layout or index.json); for an unpacked root filesystem use 'scanfleet host --root %s'", p, p)
	}
	f, err := os.Open(p)
	if err != nil {
		return "", core.KindError(core.ErrInvalid, err)
	}
	defer f.Close()
	var head [4]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", core.KindError(core.ErrInvalid, err)
	}
	if bytes.HasPrefix(head[:n], gzipMagic) {
		return "", core.KindErrorf(core.ErrInvalid, "%s is gzip-compressed: archives are read in place, so decompress it first (gunzip)", p)
	}
	t, err := indexTar(f, fi.Size())
	if err != nil {
		return "", core.KindErrorf(core.ErrInvalid, "%s is a file but not an image archive: %w", p, err)
	}
	switch {
	case t.has("manifest.json"):
		return KindDockerArchive, nil
	case t.has("index.json"):
		return KindOCIArchive, nil
	}
	return "", core.KindErrorf(core.ErrInvalid, "%s is a tar archive but not an image: neither a docker save archive (manifest.json) nor an OCI layout (index.json)", p)
}

// OpenPath opens a bare argument that names an existing file or
// directory, by its content. It reports false when ref names nothing on
// disk, so the caller reads it as a registry reference. An argument that
// is also a valid registry reference ("app:1.0" beside a file of that
// name) is refused with both readings spelled out, rather than guessed.
func OpenPath(ref string, plat v1.Platform) (*core.Image, bool, error) {
	if _, err := os.Stat(ref); errors.Is(err, fs.ErrNotExist) || ref == "" {
		if looksLikePath(ref) {
			// No registry reference starts so; the user meant a file.
			return nil, true, core.KindError(core.ErrNotFound, err)
		}
		return nil, false, nil
	}
	kind, err := DetectPath(ref)
	if err != nil {
		return nil, true, err
	}
	// go-containerregistry's parser accepts "./x" and "/x" too, but no one
	// means a registry by them.
	if r, perr := name.ParseReference(ref); perr == nil && !looksLikePath(ref) {
		return nil, true, &core.Error{Kind: core.ErrInvalid, Err: fmt.Errorf("%w: %q is both a local %s and the registry image %s; write %s:%s (or ./%s) for the file, registry:%s for the registry",
			ErrAmbiguous, ref, kind, r.Name(), kind, ref, ref, ref)}
	}
	var img *core.Image
	switch kind {
	case KindDockerArchive:
		img, err = OpenDockerArchive(ref)
	case KindOCIArchive:
		img, err = OpenOCIArchive(ref, plat)
	default:
		img, err = OpenOCIDir(ref, plat)
	}
	return img, true, err
}

// looksLikePath reports whether ref can only be a file system path.
func looksLikePath(ref string) bool {
	for _, prefix := range []string{"/", "./", "../", "~/"} {
		if strings.HasPrefix(ref, prefix) {
			return true
		}
	}
	return ref == "." || ref == ".."
}
