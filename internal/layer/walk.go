// Package layer reads one image layer as a stream, once, and keeps only what
// analyzers asked for: the parsed results of the few files they want, and the
// layer's deletions (whiteouts, opaque directories, and wanted paths replaced
// by something that is not a regular file). Nothing is extracted; the rest of
// the layer is decompressed and skipped.
//
// An Analysis depends on nothing but the layer's bytes and the analyzer set,
// so it can be cached by layer digest and shared by every image that
// contains the layer (see Cache). Overlaying the analyses of an image's
// layers into the final view is package inventory's job.
package layer

import (
	"archive/tar"
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/klauspost/pgzip"
	"github.com/klauspost/readahead"

	"github.com/scanfleet/scanfleet/internal/analyzer"
)

// Whiteout markers, as the OCI image spec defines them.
const (
	whiteoutPrefix = ".wh."
	whiteoutOpaque = ".wh..wh..opq"
)

// DefaultMaxBytes bounds how many uncompressed bytes one layer may expand to
// before the walk is abandoned: a defence against decompression bombs that
// still admits any real layer.
const DefaultMaxBytes = 64 << 30

// ErrTooLarge is wrapped when a layer expands past the walker's limit.
var ErrTooLarge = errors.New("layer expands past the size limit")

// File is the outcome of one analyzer on one wanted file.
type File struct {
	Path     string           `json:"path"`
	Analyzer string           `json:"analyzer"`
	Result   *analyzer.Result `json:"result,omitempty"`
	// Err is set when the file was wanted but could not be parsed (too
	// large, malformed). It is kept rather than dropped so the report can
	// say that part of the image was not understood.
	Err string `json:"error,omitempty"`
}

// Analysis is what one layer contributes, independently of other layers.
type Analysis struct {
	// Files are sorted by path, then analyzer.
	Files []File `json:"files,omitempty"`
	// Whiteouts are paths this layer deletes from the layers below it,
	// together with everything under them.
	Whiteouts []string `json:"whiteouts,omitempty"`
	// Opaque are directories whose lower-layer contents this layer hides.
	Opaque []string `json:"opaque,omitempty"`
	// Replaced are wanted paths that this layer turns into something other
	// than a regular file (a symlink, a directory), hiding the lower file.
	Replaced []string `json:"replaced,omitempty"`
	// Entries and Bytes count the tar entries and uncompressed bytes seen.
	Entries int   `json:"entries"`
	Bytes   int64 `json:"bytes"`
}

// Walker analyses layers with a fixed set of analyzers.
type Walker struct {
	Analyzers []analyzer.Analyzer
	// MaxBytes bounds the uncompressed size of a layer; 0 means
	// DefaultMaxBytes.
	MaxBytes int64
}

// Analyze reads a layer stream, compressed (gzip, zstd) or not, to its end.
// Reading to the end matters: sources verify the layer digest at EOF.
func (w *Walker) Analyze(ctx context.Context, r io.Reader) (*Analysis, error) {
	// Reading the source (file or network, and its digest check) runs
	// ahead in its own goroutine too.
	ra, err := readahead.NewReaderSize(r, 4, 256<<10)
	if err != nil {
		return nil, fmt.Errorf("reading layer: %w", err)
	}
	defer ra.Close()
	br := bufio.NewReaderSize(ra, 64<<10)
	plain, closeFn, err := decompress(br)
	if err != nil {
		return nil, err
	}
	defer closeFn()

	limit := w.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	counted := &countingReader{r: plain, limit: limit}
	a, err := w.walk(ctx, tar.NewReader(counted))
	if err != nil {
		return nil, err
	}
	// Drain what follows the end-of-archive marker so the source sees EOF
	// and can verify the digest of everything it served.
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return nil, fmt.Errorf("reading past end of tar: %w", err)
	}
	// Hide WriteTo: readahead's returns io.EOF as an error.
	if _, err := io.Copy(io.Discard, struct{ io.Reader }{br}); err != nil {
		return nil, fmt.Errorf("reading layer: %w", err)
	}
	a.Bytes = counted.n
	return a, nil
}

func (w *Walker) walk(ctx context.Context, tr *tar.Reader) (*Analysis, error) {
	a := &Analysis{}
	// A path may occur twice in one tar; the last entry wins, as on
	// extraction.
	files := map[string][]File{}
	// Hard links may point at a file read earlier in the same layer.
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading tar entry %d: %w", a.Entries+1, err)
		}
		a.Entries++
		p := Clean(hdr.Name)
		if p == "" {
			continue
		}
		dir, base := path.Split(p)
		if strings.HasPrefix(base, whiteoutPrefix) {
			switch {
			case base == whiteoutOpaque:
				a.Opaque = append(a.Opaque, strings.TrimSuffix(dir, "/"))
			case strings.HasPrefix(base, whiteoutPrefix+whiteoutPrefix):
				// Other AUFS metadata (.wh..wh.plnk, .wh..wh.aufs): not
				// part of the image's filesystem.
			default:
				a.Whiteouts = append(a.Whiteouts, dir+strings.TrimPrefix(base, whiteoutPrefix))
			}
			continue
		}
		switch hdr.Typeflag {
		case tar.TypeReg, tar.TypeGNUSparse:
			fr, _, err := AnalyzeFile(ctx, w.Analyzers, p, fs.FileMode(hdr.Mode)&fs.ModePerm, hdr.Size, tr)
			if err != nil {
				return nil, err
			}
			if fr != nil {
				files[p] = fr
			} else {
				delete(files, p)
			}
		case tar.TypeLink:
			target := Clean(hdr.Linkname)
			if prior, ok := files[target]; ok && w.wanted(p, hdr) {
				linked := make([]File, len(prior))
				for i, f := range prior {
					f.Path = p
					linked[i] = f
				}
				files[p] = linked
				continue
			}
			// A link to a file of a lower layer: rare for the files we
			// read, and resolving it would need other layers. Treat it like
			// any non-regular entry.
			fallthrough
		default:
			if w.wanted(p, hdr) {
				delete(files, p)
				a.Replaced = append(a.Replaced, p)
			}
		}
	}
	for _, fs := range files {
		a.Files = append(a.Files, fs...)
	}
	sort.Slice(a.Files, func(i, j int) bool {
		if a.Files[i].Path != a.Files[j].Path {
			return a.Files[i].Path < a.Files[j].Path
		}
		return a.Files[i].Analyzer < a.Files[j].Analyzer
	})
	return a, nil
}

func (w *Walker) wanted(p string, hdr *tar.Header) bool {
	for _, an := range w.Analyzers {
		if an.Wants(p, fs.FileMode(hdr.Mode)&fs.ModePerm, hdr.Size) {
			return true
		}
	}
	return false
}

// AnalyzeFile reads one regular file from r, once, and hands it to every
// analyzer that wants it: analyzers that pick files by content see the
// first bytes first (HeaderMatcher); a file only a StreamAnalyzer wants is
// streamed to it; otherwise the file is read into memory up to the largest
// MaxSize of the analyzers that want it. It returns nil when no analyzer
// wants the file, and n, the bytes read from r. It is shared by the layer
// walker and host scanning so that both bound and parse files alike. An
// error is a read error or the context's; analyzer failures are recorded in
// the returned Files.
func AnalyzeFile(ctx context.Context, ans []analyzer.Analyzer, p string, mode fs.FileMode, size int64, r io.Reader) (files []File, n int64, err error) {
	return analyzeFile(ctx, ans, p, mode, size, r, spoolSize)
}

// AnalyzeFileAt is AnalyzeFile for a file that offers random access (a
// file on a live filesystem): nothing is copied or spooled. Analyzers that
// take random access (ReaderAtAnalyzer) read only the parts they need (an
// executable's section table and one section, a zip's central directory),
// stream analyzers get a stream, and the file is read into memory, once and
// bounded like AnalyzeFile, only for the analyzers that need its bytes.
// size is the file's size when it was opened: a live file that grows is
// read only that far. n counts the bytes read.
func AnalyzeFileAt(ctx context.Context, ans []analyzer.Analyzer, p string, mode fs.FileMode, size int64, r io.ReaderAt) (files []File, n int64, err error) {
	var wanting []analyzer.Analyzer
	for _, an := range ans {
		if an.Wants(p, mode, size) {
			wanting = append(wanting, an)
		}
	}
	if len(wanting) == 0 {
		return nil, 0, nil
	}
	cr := &countingReaderAt{r: r}
	if needsHeader(wanting) {
		header := make([]byte, min(size, analyzer.HeaderSize))
		m, err := cr.ReadAt(header, 0)
		if err != nil && err != io.EOF {
			return nil, cr.n, fmt.Errorf("reading %s: %w", p, err)
		}
		header = header[:m]
		kept := wanting[:0]
		for _, an := range wanting {
			if hm, ok := an.(analyzer.HeaderMatcher); !ok || hm.MatchHeader(p, header) {
				kept = append(kept, an)
			}
		}
		if wanting = kept; len(wanting) == 0 {
			return nil, cr.n, nil
		}
	}
	record := func(f *File, res *analyzer.Result, err error) error {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			f.Err = err.Error()
		}
		f.Result = res
		return nil
	}
	var content []byte
	files, err = analyzeEach(wanting, p, size, record, func(an analyzer.Analyzer) (*analyzer.Result, error) {
		switch a := an.(type) {
		case analyzer.ReaderAtAnalyzer:
			return analyzeReaderAt(ctx, a, p, cr, size)
		case analyzer.StreamAnalyzer:
			return analyzeStream(ctx, a, p, io.NewSectionReader(cr, 0, size), size)
		}
		if content == nil {
			// analyzeEach has checked size against this analyzer's limit.
			content = make([]byte, size)
			m, err := cr.ReadAt(content, 0)
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("reading: %w", err)
			}
			content = content[:m]
		}
		return analyze(ctx, an, p, content)
	})
	return files, cr.n, err
}

// countingReaderAt counts the bytes read through it; analyzers run one at a
// time, so no synchronisation is needed.
type countingReaderAt struct {
	r io.ReaderAt
	n int64
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	m, err := c.r.ReadAt(p, off)
	c.n += int64(m)
	return m, err
}

// spoolSize is the file size from which a file several analyzers want is
// spooled to a temporary file rather than held in memory, when they all
// can read it that way: memory then stays flat whatever the executables
// in an image weigh.
const spoolSize = 4 << 20

func analyzeFile(ctx context.Context, ans []analyzer.Analyzer, p string, mode fs.FileMode, size int64, r io.Reader, spoolAt int64) (files []File, n int64, err error) {
	var wanting []analyzer.Analyzer
	var maxSize int64
	for _, an := range ans {
		if an.Wants(p, mode, size) {
			wanting = append(wanting, an)
			maxSize = max(maxSize, an.MaxSize())
		}
	}
	if len(wanting) == 0 {
		return nil, 0, nil
	}
	var header []byte
	if needsHeader(wanting) {
		header = make([]byte, min(size, analyzer.HeaderSize))
		m, err := io.ReadFull(r, header)
		n += int64(m)
		if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
			return nil, n, fmt.Errorf("reading %s: %w", p, err)
		}
		header = header[:m]
		kept := wanting[:0]
		maxSize = 0
		for _, an := range wanting {
			if hm, ok := an.(analyzer.HeaderMatcher); !ok || hm.MatchHeader(p, header) {
				kept = append(kept, an)
				maxSize = max(maxSize, an.MaxSize())
			}
		}
		if wanting = kept; len(wanting) == 0 {
			return nil, n, nil
		}
	}
	if size > maxSize {
		for _, an := range wanting {
			files = append(files, File{Path: p, Analyzer: an.Name(),
				Err: fmt.Sprintf("file is %d bytes, over the %d-byte limit", size, an.MaxSize())})
		}
		return files, n, nil
	}
	record := func(f *File, res *analyzer.Result, err error) error {
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return ctxErr
			}
			f.Err = err.Error()
		}
		f.Result = res
		return nil
	}
	if sa, ok := wanting[0].(analyzer.StreamAnalyzer); ok && len(wanting) == 1 {
		f := File{Path: p, Analyzer: wanting[0].Name()}
		cr := &countingReader{r: r, limit: maxSize + 1}
		res, err := analyzeStream(ctx, sa, p, io.MultiReader(bytes.NewReader(header), cr), size)
		n += cr.n
		if err := record(&f, res, err); err != nil {
			return nil, n, err
		}
		return []File{f}, n, nil
	}
	if size >= spoolAt && randomAccess(wanting) {
		if spool, err := os.CreateTemp("", "scanfleet-spool-*"); err == nil {
			// Unlinked at once: the open file is all we need, and a
			// killed process leaves nothing behind.
			_ = os.Remove(spool.Name())
			defer spool.Close()
			return analyzeSpooled(ctx, wanting, p, header, r, n, maxSize, spool, record)
		}
		// No temporary directory: memory, as for small files.
	}
	// The size given is trusted only as far as the limit (a tar header can
	// lie, a live file can grow): read one byte more to notice, never
	// unbounded.
	var buf bytes.Buffer
	buf.Grow(int(size))
	buf.Write(header)
	m, err := io.Copy(&buf, io.LimitReader(r, maxSize+1-int64(len(header))))
	n += m
	if err != nil {
		return nil, n, fmt.Errorf("reading %s: %w", p, err)
	}
	content := buf.Bytes()
	files, err = analyzeEach(wanting, p, int64(len(content)), record, func(an analyzer.Analyzer) (*analyzer.Result, error) {
		return analyze(ctx, an, p, content)
	})
	return files, n, err
}

// analyzeEach hands a file of size bytes, already read, to each analyzer
// through run, recording what each found or that the file is over its
// limit.
func analyzeEach(wanting []analyzer.Analyzer, p string, size int64, record func(*File, *analyzer.Result, error) error,
	run func(analyzer.Analyzer) (*analyzer.Result, error)) ([]File, error) {
	var files []File
	for _, an := range wanting {
		f := File{Path: p, Analyzer: an.Name()}
		if size > an.MaxSize() {
			f.Err = fmt.Sprintf("file is over the %d-byte limit", an.MaxSize())
		} else {
			res, err := run(an)
			if err := record(&f, res, err); err != nil {
				return nil, err
			}
		}
		files = append(files, f)
	}
	return files, nil
}

// randomAccess reports whether every analyzer can read a spooled file.
func randomAccess(ans []analyzer.Analyzer) bool {
	for _, an := range ans {
		_, ra := an.(analyzer.ReaderAtAnalyzer)
		_, st := an.(analyzer.StreamAnalyzer)
		if !ra && !st {
			return false
		}
	}
	return true
}

// analyzeSpooled copies the file (header already read, n bytes so far) to
// spool, bounded like the in-memory path, and hands the copy to each
// analyzer: random access where it can take it, else as a stream.
func analyzeSpooled(ctx context.Context, wanting []analyzer.Analyzer, p string, header []byte, r io.Reader, n, maxSize int64,
	spool *os.File, record func(*File, *analyzer.Result, error) error) ([]File, int64, error) {
	if _, err := spool.Write(header); err != nil {
		return nil, n, fmt.Errorf("spooling %s: %w", p, err)
	}
	m, err := io.Copy(spool, io.LimitReader(r, maxSize+1-int64(len(header))))
	n += m
	if err != nil {
		return nil, n, fmt.Errorf("spooling %s: %w", p, err)
	}
	total := int64(len(header)) + m
	files, err := analyzeEach(wanting, p, total, record, func(an analyzer.Analyzer) (*analyzer.Result, error) {
		if ra, ok := an.(analyzer.ReaderAtAnalyzer); ok {
			return analyzeReaderAt(ctx, ra, p, spool, total)
		}
		return analyzeStream(ctx, an.(analyzer.StreamAnalyzer), p, io.NewSectionReader(spool, 0, total), total)
	})
	return files, n, err
}

// analyzeReaderAt is analyze for random-access analyzers.
func analyzeReaderAt(ctx context.Context, ra analyzer.ReaderAtAnalyzer, p string, r io.ReaderAt, size int64) (res *analyzer.Result, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			res, err = nil, fmt.Errorf("analyzer panicked on %s: %v", p, rec)
		}
	}()
	return ra.AnalyzeReaderAt(ctx, p, r, size)
}

func needsHeader(ans []analyzer.Analyzer) bool {
	for _, an := range ans {
		if _, ok := an.(analyzer.HeaderMatcher); ok {
			return true
		}
	}
	return false
}

// analyze runs one analyzer, turning a panic into an error: a parser bug on
// one hostile file must not take down a scanner serving many images.
func analyze(ctx context.Context, an analyzer.Analyzer, p string, content []byte) (res *analyzer.Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, fmt.Errorf("analyzer %s panicked on %s: %v", an.Name(), p, r)
		}
	}()
	return an.Analyze(ctx, p, content)
}

// analyzeStream is analyze for stream analyzers.
func analyzeStream(ctx context.Context, sa analyzer.StreamAnalyzer, p string, r io.Reader, size int64) (res *analyzer.Result, err error) {
	defer func() {
		if rec := recover(); rec != nil {
			res, err = nil, fmt.Errorf("analyzer panicked on %s: %v", p, rec)
		}
	}()
	return sa.AnalyzeStream(ctx, p, r, size)
}

// Clean turns a tar entry name into the path analyzers see: relative to the
// root, no leading "/" or "./", and never above the root ("../../etc/x"
// becomes "etc/x", as a safe extractor would place it). The root itself
// becomes "".
func Clean(name string) string {
	p := path.Clean("/" + name)
	return strings.TrimPrefix(p, "/")
}

// decompress sniffs the stream's first bytes for gzip or zstd magic.
func decompress(br *bufio.Reader) (io.Reader, func(), error) {
	magic, err := br.Peek(4)
	if err != nil && err != io.EOF {
		return nil, nil, fmt.Errorf("reading layer header: %w", err)
	}
	switch {
	case len(magic) >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		// pgzip inflates in a goroutine of its own, ahead of the reader, so
		// decompression (most of a scan's CPU) overlaps with walking the
		// tar and with hashing the compressed stream: on two cores that is
		// most of a core back. Memory stays bounded: blocks × block size.
		zr, err := pgzip.NewReaderN(br, 256<<10, 2)
		if err != nil {
			return nil, nil, fmt.Errorf("opening gzip layer: %w", err)
		}
		return zr, func() { _ = zr.Close() }, nil
	case len(magic) == 4 && bytes.Equal(magic, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true))
		if err != nil {
			return nil, nil, fmt.Errorf("opening zstd layer: %w", err)
		}
		return zr, zr.Close, nil
	default:
		return br, func() {}, nil
	}
}

type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, fmt.Errorf("%w (%d bytes)", ErrTooLarge, c.limit)
	}
	return n, err
}
