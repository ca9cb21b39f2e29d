package gobinary

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer"
)

// Streaming build-info reading.
//
// debug/buildinfo needs the whole executable (an io.ReaderAt) to find the
// .go.buildinfo section through the ELF headers. Since Go 1.18 that section
// holds the version and module strings inline, right after a 32-byte header
// that starts with buildInfoMagic, so one forward pass over the file can
// find and decode them while holding only a small window: memory stays flat
// however large the executable. This is hand-written because no library
// reads build information from a stream; the decoding follows the format
// that debug/buildinfo documents and decodes (header: magic, pointer size,
// flags; flag 2 = inline varint-prefixed strings), and the module text is
// parsed with runtime/debug.ParseBuildInfo, the standard library's own
// parser.
//
// Binaries from before Go 1.18 store pointers instead of inline strings;
// following them needs random access, so the first legacyMax bytes are kept
// while streaming and handed to debug/buildinfo when no inline header turns
// up. Larger pre-1.18 binaries are reported as not understood.

const (
	headerSize = 32
	flagInline = 0x2
	// maxInline bounds the inline strings (a module list of thousands of
	// dependencies is well under 1 MiB).
	maxInline = 4 << 20
	legacyMax = 32 << 20
	chunk     = 256 << 10
)

var errLegacyTooLarge = errors.New("build info of a pre-Go-1.18 binary over 32 MiB is not read")

// modinfo sentinels: the module text is wrapped in 16 bytes on each side.
const sentinelLen = 16

// AnalyzeStream implements analyzer.StreamAnalyzer.
func (g goAnalyzer) AnalyzeStream(ctx context.Context, p string, r io.Reader, size int64) (*analyzer.Result, error) {
	bi, err := readBuildInfo(ctx, r, size, nil)
	return result(p, bi, err)
}

// AnalyzeReaderAt implements analyzer.ReaderAtAnalyzer, for executables
// with random access (a host's files, or executables the layer walker
// spooled to disk). An ELF file with a section table is read the way
// debug/buildinfo reads it, through the table: a Go executable is one with
// a .go.buildinfo section (every Go linker since 1.13 writes it), so only
// the headers and that section are read, and any other executable costs
// its headers alone. Without a section table (stripped by sstrip, not ELF)
// the whole file is searched as AnalyzeStream does.
func (g goAnalyzer) AnalyzeReaderAt(ctx context.Context, p string, r io.ReaderAt, size int64) (*analyzer.Result, error) {
	sr := io.NewSectionReader(r, 0, size)
	if f, err := elf.NewFile(sr); err == nil && len(f.Sections) > 0 {
		if f.Section(".go.buildinfo") == nil {
			return nil, nil
		}
		bi, err := buildinfo.Read(sr)
		if err != nil {
			return nil, fmt.Errorf("reading Go build info: %w", err)
		}
		return result(p, bi, nil)
	}
	bi, err := readBuildInfo(ctx, sr, size, r)
	return result(p, bi, err)
}

// result turns the build info of the executable at p into its packages.
func result(p string, bi *debug.BuildInfo, err error) (*analyzer.Result, error) {
	if err != nil || bi == nil {
		return nil, err
	}
	pkgs := Packages(bi)
	for i := range pkgs {
		pkgs[i].Path = p
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// readBuildInfo returns nil, nil for an ELF file that is not a Go binary.
// With at, random access to the same file, pre-1.18 binaries are read
// through it; without, from a copy of the first legacyMax bytes kept while
// streaming.
func readBuildInfo(ctx context.Context, r io.Reader, size int64, at io.ReaderAt) (*debug.BuildInfo, error) {
	var legacy *bytes.Buffer
	if at == nil && size <= legacyMax {
		legacy = &bytes.Buffer{}
		r = io.TeeReader(r, legacy)
	}
	var (
		buf      []byte // unsearched tail of what was read
		sawMagic bool
		eof      bool
	)
	fill := func(n int) error {
		for len(buf) < n && !eof {
			if err := ctx.Err(); err != nil {
				return err
			}
			tmp := make([]byte, chunk)
			m, err := io.ReadFull(r, tmp)
			buf = append(buf, tmp[:m]...)
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				eof = true
			} else if err != nil {
				return err
			}
		}
		return nil
	}
	for {
		if err := fill(chunk + len(buildInfoMagic)); err != nil {
			return nil, err
		}
		i := bytes.Index(buf, buildInfoMagic)
		if i < 0 {
			if eof {
				break
			}
			// Keep the last bytes: the magic may straddle two chunks.
			if keep := len(buildInfoMagic) - 1; len(buf) > keep {
				buf = append(buf[:0], buf[len(buf)-keep:]...)
			}
			continue
		}
		sawMagic = true
		buf = buf[i:]
		if err := fill(headerSize + maxInline); err != nil {
			return nil, err
		}
		if bi, ok := decodeInline(buf); ok {
			// Drain: the walker's source verifies digests at EOF. (A
			// file read through at was already read whole.)
			if at == nil {
				if _, err := io.Copy(io.Discard, r); err != nil {
					return nil, err
				}
			}
			return bi, nil
		}
		// Not a build-info header (the magic also appears as a string in
		// programs that use debug/buildinfo, or this is the pre-1.18
		// layout): search on after it.
		buf = buf[1:]
	}
	if !sawMagic {
		return nil, nil
	}
	if at == nil && legacy == nil {
		return nil, errLegacyTooLarge
	}
	if at == nil {
		at = bytes.NewReader(legacy.Bytes())
	}
	bi, err := buildinfo.Read(at)
	if err != nil {
		return nil, fmt.Errorf("reading Go build info: %w", err)
	}
	return bi, nil
}

// decodeInline decodes a Go 1.18+ build-info header with inline strings at
// the start of b.
func decodeInline(b []byte) (*debug.BuildInfo, bool) {
	if len(b) < headerSize || !bytes.HasPrefix(b, buildInfoMagic) {
		return nil, false
	}
	ptrSize, flags := b[len(buildInfoMagic)], b[len(buildInfoMagic)+1]
	if (ptrSize != 4 && ptrSize != 8) || flags&flagInline == 0 {
		return nil, false
	}
	rest := b[headerSize:]
	version, rest, ok := varintString(rest)
	if !ok || !strings.HasPrefix(version, "go") {
		return nil, false
	}
	mod, _, ok := varintString(rest)
	if !ok {
		return nil, false
	}
	if len(mod) > 2*sentinelLen && mod[len(mod)-sentinelLen-1] == '\n' {
		mod = mod[sentinelLen : len(mod)-sentinelLen]
	} else {
		mod = ""
	}
	bi, err := debug.ParseBuildInfo(mod)
	if err != nil {
		return nil, false
	}
	bi.GoVersion = version
	return bi, true
}

func varintString(b []byte) (string, []byte, bool) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)-k) {
		return "", nil, false
	}
	return string(b[k : k+int(n)]), b[k+int(n):], true
}
