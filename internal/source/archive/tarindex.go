package archive

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/scanfleet/scanfleet/internal/source/core"
)

// tarIndex maps the names in a tar archive to the byte ranges of their
// contents, so that each blob can then be served as an io.SectionReader of
// the archive file: the archive is scanned once (headers only; contents are
// skipped with Seek) and never extracted.
//
// Hand-written because neither go-containerregistry (tarball rescans the
// whole archive for every file it opens; layout wants a directory) nor the
// standard library offers random access into a tar.
type tarIndex struct {
	r       io.ReaderAt
	size    int64
	entries map[string]tarEntry
}

type tarEntry struct {
	off, size int64
	typ       byte
	link      string
}

// Limits that keep a hostile archive from exhausting memory.
const (
	maxTarEntries = 1 << 20
	maxLinkHops   = 16
	// maxMetaSize bounds manifests, configs and indexes read into memory.
	maxMetaSize = 32 << 20
)

// indexTar scans the archive r of the given size.
func indexTar(r io.ReaderAt, size int64) (*tarIndex, error) {
	sr := io.NewSectionReader(r, 0, size)
	tr := tar.NewReader(sr)
	idx := &tarIndex{r: r, size: size, entries: map[string]tarEntry{}}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, core.KindErrorf(core.ErrInvalid, "reading tar archive: %w", err)
		}
		if len(idx.entries) >= maxTarEntries {
			return nil, core.KindErrorf(core.ErrInvalid, "tar archive has more than %d entries", maxTarEntries)
		}
		// archive/tar reads headers with io.ReadFull and no read-ahead, so
		// after Next the section reader sits at the first content byte.
		off, err := sr.Seek(0, io.SeekCurrent)
		if err != nil {
			return nil, core.KindErrorf(core.ErrInvalid, "reading tar archive: %w", err)
		}
		name := cleanTarName(hdr.Name)
		if name == "" {
			continue
		}
		e := tarEntry{off: off, typ: hdr.Typeflag}
		switch hdr.Typeflag {
		case tar.TypeReg, '\x00', tar.TypeCont: // '\x00' is the pre-POSIX regular file flag
			e.typ = tar.TypeReg
			e.size = hdr.Size
			if hdr.Size < 0 || off+hdr.Size > size {
				return nil, core.KindErrorf(core.ErrInvalid, "tar entry %s: truncated archive (%d bytes at offset %d past end %d)", name, hdr.Size, off, size)
			}
		case tar.TypeSymlink, tar.TypeLink:
			e.link = hdr.Linkname
		case tar.TypeGNUSparse:
			// Sparse contents are not a contiguous byte range.
			e.typ = tar.TypeGNUSparse
		}
		idx.entries[name] = e
	}
	return idx, nil
}

func cleanTarName(n string) string {
	n = path.Clean("/" + n)
	return strings.TrimPrefix(n, "/")
}

// lookup resolves name, following symbolic and hard links within the
// archive, to a regular file entry.
func (t *tarIndex) lookup(name string) (tarEntry, error) {
	cur := cleanTarName(name)
	for hop := 0; hop <= maxLinkHops; hop++ {
		e, ok := t.entries[cur]
		if !ok {
			return tarEntry{}, core.KindErrorf(core.ErrInvalid, "archive has no file %s", cur)
		}
		switch e.typ {
		case tar.TypeReg:
			return e, nil
		case tar.TypeSymlink:
			if strings.HasPrefix(e.link, "/") {
				cur = cleanTarName(e.link)
			} else {
				cur = cleanTarName(path.Join(path.Dir(cur), e.link))
			}
		case tar.TypeLink:
			// Hard link names are archive paths, not relative to the link.
			cur = cleanTarName(e.link)
		default:
			return tarEntry{}, core.KindErrorf(core.ErrInvalid, "archive entry %s is not a regular file (type %q)", cur, e.typ)
		}
	}
	return tarEntry{}, core.KindErrorf(core.ErrInvalid, "archive entry %s: too many links", name)
}

// has reports whether name resolves to a regular file.
func (t *tarIndex) has(name string) bool {
	_, err := t.lookup(name)
	return err == nil
}

// open returns the content of name as a section of the archive.
func (t *tarIndex) open(name string) (*io.SectionReader, error) {
	e, err := t.lookup(name)
	if err != nil {
		return nil, err
	}
	return io.NewSectionReader(t.r, e.off, e.size), nil
}

// readSmall reads a metadata file whole, refusing anything over maxMetaSize.
func (t *tarIndex) readSmall(name string) ([]byte, error) {
	sr, err := t.open(name)
	if err != nil {
		return nil, err
	}
	return readLimited(sr, sr.Size(), name)
}

func readLimited(r io.Reader, size int64, what string) ([]byte, error) {
	if size > maxMetaSize {
		return nil, core.KindErrorf(core.ErrInvalid, "%s is %d bytes, more than the %d allowed for metadata", what, size, maxMetaSize)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxMetaSize+1))
	if err != nil {
		return nil, core.KindErrorf(core.ErrInvalid, "reading %s: %w", what, err)
	}
	if len(b) > maxMetaSize {
		return nil, core.KindErrorf(core.ErrInvalid, "%s is more than the %d bytes allowed for metadata", what, maxMetaSize)
	}
	return b, nil
}

// String is for diagnostics.
func (e tarEntry) String() string { return fmt.Sprintf("%c@%d+%d", e.typ, e.off, e.size) }
