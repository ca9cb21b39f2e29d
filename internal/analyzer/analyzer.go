// Package analyzer defines how the layer walker hands files to the parsers
// that turn them into packages and OS facts. An analyzer never sees a
// filesystem: it declares which paths it wants, and is given each wanted
// file's bytes once, per layer, as the layer streams past. Results are kept
// per layer and per path, so that a layer shared by many images is parsed
// once, and the final image view is computed by overlaying per-layer results
// (see package inventory).
package analyzer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Analyzer parses one kind of file.
type Analyzer interface {
	// Name is a short stable identifier, e.g. "dpkg".
	Name() string
	// Version is the analyzer's own version. Bump it whenever what the
	// analyzer produces for some layer changes (a parser fix, a new
	// field, a newly wanted path): layer analyses are cached by the
	// analyzer set's version (SetVersion) and a layer's digest, locally
	// and in the controller's layer store, so an analyzer that changes
	// under the same version keeps serving its old results.
	// TestAnalyzerVersions in analyzer/all fails when an analyzer's source
	// changes without its version.
	Version() string
	// Wants reports whether the file at path (clean, relative to the image
	// root, no leading slash, e.g. "var/lib/dpkg/status") is needed. It is
	// called for every entry of every layer, so it must be cheap.
	Wants(path string, mode fs.FileMode, size int64) bool
	// MaxSize is the largest file the analyzer accepts; larger wanted files
	// are reported as errors rather than read.
	MaxSize() int64
	// Analyze parses one file's full content. Errors name the cause; the
	// caller adds the path and the image.
	Analyze(ctx context.Context, path string, content []byte) (*Result, error)
}

// HeaderMatcher is implemented by analyzers that recognise files by content
// rather than by name (executables by their ELF magic). For a file that
// Wants accepted, the walker first reads at most HeaderSize bytes and reads
// the rest only if MatchHeader says yes, so most candidates cost a few
// hundred bytes, not their whole size.
type HeaderMatcher interface {
	MatchHeader(path string, header []byte) bool
}

// HeaderSize is how many leading bytes MatchHeader is shown (fewer for
// smaller files).
const HeaderSize = 512

// StreamAnalyzer is implemented by analyzers whose files can be large
// while the part they need is small (the build information inside an
// executable). When such an analyzer is the only one that wants a file, the
// walker hands it the file as a stream (header bytes included) instead of
// reading it into memory, so memory does not grow with the file.
type StreamAnalyzer interface {
	AnalyzeStream(ctx context.Context, path string, r io.Reader, size int64) (*Result, error)
}

// ReaderAtAnalyzer is implemented by analyzers that need random access to
// a large file (an ELF section found through the section table at the end
// of the executable). When every analyzer that wants a large file is a
// StreamAnalyzer or a ReaderAtAnalyzer, the walker spools the file to a
// temporary file once and hands it to each, instead of holding it in
// memory.
type ReaderAtAnalyzer interface {
	AnalyzeReaderAt(ctx context.Context, path string, r io.ReaderAt, size int64) (*Result, error)
}

// Result is what one file contributes.
type Result struct {
	OS       *report.OS       `json:"os,omitempty"`
	Packages []report.Package `json:"packages,omitempty"`
	// Owns is set by OS package database analyzers for a file that lists
	// the files one OS package installed (dpkg's info/*.list), so that
	// language packages found in those files can be marked as the OS
	// package's (report.Package.OwnedBy). It is consumed while merging
	// layers and never copied into the report.
	Owns *Ownership `json:"owns,omitempty"`
}

// Ownership is the list of files one OS package installed.
type Ownership struct {
	// Owner names the package as "type:name", e.g.
	// "deb:python3-cryptography".
	Owner string `json:"owner"`
	// Paths are clean and relative to the image root, like the paths
	// analyzers see ("usr/bin/python3").
	Paths []string `json:"paths"`
}

// SetVersion names a set of analyzers for the layer cache: a digest of
// their sorted "name version" pairs, so that it changes when any
// analyzer's version changes, or one is added or removed, whatever the
// order of the list. It is the first part of layer.Key.
func SetVersion(as []Analyzer) string {
	pairs := make([]string, len(as))
	for i, a := range as {
		pairs[i] = a.Name() + " " + a.Version()
	}
	slices.Sort(pairs)
	sum := sha256.Sum256([]byte(strings.Join(pairs, "\n")))
	return "s" + hex.EncodeToString(sum[:8])
}
