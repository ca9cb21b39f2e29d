// Package python finds installed Python distributions by their core
// metadata files: wheel installs' NAME-VERSION.dist-info/METADATA, setuptools'
// NAME.egg-info/PKG-INFO directories and single-file NAME.egg-info (which
// Debian's python3-* packages ship), and EGG-INFO/PKG-INFO inside eggs.
//
// Core metadata is an RFC 822 style header block followed by the long
// description; only the Name and Version headers of the block are read,
// with net/textproto, which copes with folded lines and stops at the first
// empty line, so the description is never parsed.
package python

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/textproto"
	"path"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// maxSize bounds metadata files: a long description can be large, but not
// this large.
const maxSize = 16 << 20

type pythonAnalyzer struct{}

// New returns the Python metadata analyzer.
func New() analyzer.Analyzer { return pythonAnalyzer{} }

func (pythonAnalyzer) Name() string { return "python" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (pythonAnalyzer) Version() string { return "1" }

func (pythonAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	dir, base := path.Split(p)
	dir = strings.TrimSuffix(dir, "/")
	switch base {
	case "METADATA":
		return strings.HasSuffix(dir, ".dist-info")
	case "PKG-INFO":
		return strings.HasSuffix(dir, ".egg-info") || path.Base(dir) == "EGG-INFO"
	}
	return strings.HasSuffix(base, ".egg-info") && len(base) > len(".egg-info")
}

func (pythonAnalyzer) MaxSize() int64 { return maxSize }

func (pythonAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	pkg, err := ParseMetadata(content)
	if err != nil {
		return nil, err
	}
	pkg.Path = p
	return &analyzer.Result{Packages: []report.Package{pkg}}, nil
}

// ErrMalformed is wrapped when a metadata file lacks a name or version.
var ErrMalformed = errors.New("malformed Python package metadata")

// ParseMetadata reads the Name and Version of a core metadata file
// (METADATA, PKG-INFO). A header block that breaks off in a malformed line
// is still used if Name and Version came before it.
func ParseMetadata(content []byte) (report.Package, error) {
	r := textproto.NewReader(bufio.NewReader(bytes.NewReader(content)))
	h, herr := r.ReadMIMEHeader()
	name := strings.TrimSpace(h.Get("Name"))
	version := strings.TrimSpace(h.Get("Version"))
	if name == "" || version == "" {
		if herr != nil {
			return report.Package{}, fmt.Errorf("%w: no Name and Version before: %w", ErrMalformed, herr)
		}
		return report.Package{}, fmt.Errorf("%w: no Name or Version header", ErrMalformed)
	}
	u := packageurl.NewPackageURL(packageurl.TypePyPi, "", name, version, nil, "")
	if err := u.Normalize(); err != nil {
		return report.Package{}, fmt.Errorf("%w: name %q: %w", ErrMalformed, name, err)
	}
	return report.Package{Name: name, Version: version, Type: report.TypePyPI, PURL: u.ToString()}, nil
}
