// Package rpm reads the RPM package database in its three on-disk forms:
// Berkeley DB (var/lib/rpm/Packages: RHEL/CentOS ≤ 8, Amazon Linux 2),
// SQLite (rpmdb.sqlite: RHEL/Alma/Rocky 9+, Fedora 33+) and rpm's own "ndb"
// (Packages.db: SUSE), under var/lib/rpm/ or usr/lib/sysimage/rpm/, and
// the rpm manifest of Azure Linux / CBL-Mariner distroless images
// (var/lib/rpmmanifest/container-manifest-2), which lists the same fields
// as text.
//
// All three store the same thing: one rpm header blob per installed
// package. The containers differ; the blob is parsed by parseHeader.
package rpm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// maxSize is generous: a large RHEL host's Packages file exceeds 100 MiB.
const maxSize = 512 << 20

// Database file names, by format.
const (
	fileBDB    = "Packages"
	fileSQLite = "rpmdb.sqlite"
	fileNDB    = "Packages.db"
)

var dbDirs = []string{"var/lib/rpm/", "usr/lib/sysimage/rpm/"}

type rpmAnalyzer struct{}

// New returns the rpm database analyzer.
func New() analyzer.Analyzer { return rpmAnalyzer{} }

func (rpmAnalyzer) Name() string { return "rpm" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (rpmAnalyzer) Version() string { return "1" }

func (rpmAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	if p == manifestPath {
		return true
	}
	for _, d := range dbDirs {
		if name, ok := strings.CutPrefix(p, d); ok {
			return name == fileBDB || name == fileSQLite || name == fileNDB
		}
	}
	return false
}

func (rpmAnalyzer) MaxSize() int64 { return maxSize }

// ErrMalformed is wrapped by errors about content that is not a valid
// database or header.
var ErrMalformed = errors.New("malformed rpm database")

func (rpmAnalyzer) Analyze(ctx context.Context, p string, content []byte) (*analyzer.Result, error) {
	if p == manifestPath {
		pkgs, err := manifestPackages(content, p)
		if len(pkgs) == 0 && err != nil {
			return nil, err
		}
		return &analyzer.Result{Packages: pkgs}, err
	}
	var (
		blobs [][]byte
		err   error
	)
	switch path.Base(p) {
	case fileBDB:
		blobs, err = bdbBlobs(ctx, content)
	case fileSQLite:
		blobs, err = sqliteBlobs(ctx, content)
	case fileNDB:
		blobs, err = ndbBlobs(ctx, content)
	default:
		return nil, fmt.Errorf("rpm: unexpected path %q", p)
	}
	// A damaged database may still have yielded blobs: report them with
	// the error.
	pkgs, perr := packages(blobs, p)
	err = errors.Join(err, perr)
	if len(pkgs) == 0 && err != nil {
		return nil, err
	}
	return &analyzer.Result{Packages: pkgs}, err
}

// packages turns header blobs into packages, skipping the pseudo-packages
// that hold imported GPG keys. Bad blobs are skipped and counted in the
// error.
func packages(blobs [][]byte, p string) ([]report.Package, error) {
	var (
		pkgs  []report.Package
		bad   int
		first error
	)
	for _, b := range blobs {
		h, err := parseHeader(b)
		if err != nil {
			if bad == 0 {
				first = err
			}
			bad++
			continue
		}
		if h.name == "gpg-pubkey" {
			continue
		}
		pkgs = append(pkgs, h.toPackage(p))
	}
	if bad > 0 {
		return pkgs, fmt.Errorf("%d of %d package headers unreadable, the first: %w", bad, len(blobs), first)
	}
	return pkgs, nil
}

func (h *header) toPackage(p string) report.Package {
	evr := h.version
	if h.release != "" {
		evr += "-" + h.release
	}
	if h.epoch > 0 {
		evr = strconv.Itoa(h.epoch) + ":" + evr
	}
	pkg := report.Package{
		Name:          h.name,
		Version:       evr,
		Type:          report.TypeRPM,
		Arch:          h.arch,
		SourceName:    h.name,
		SourceVersion: evr,
		Path:          p,
	}
	if name, ver, rel, ok := SplitSourceRPM(h.sourceRPM); ok {
		// A source RPM's file name carries no epoch; the binaries built
		// from it share the source's, and advisories compare full EVRs.
		pkg.SourceName, pkg.SourceVersion = name, ver+"-"+rel
		if h.epoch > 0 {
			pkg.SourceVersion = strconv.Itoa(h.epoch) + ":" + pkg.SourceVersion
		}
	}
	return pkg
}

// SplitSourceRPM splits a SOURCERPM value, "name-version-release.src.rpm",
// into its parts. Names may contain dashes; version and release may not,
// so the last two dashes delimit them.
func SplitSourceRPM(s string) (name, version, release string, ok bool) {
	base, found := strings.CutSuffix(s, ".src.rpm")
	if !found {
		if base, found = strings.CutSuffix(s, ".nosrc.rpm"); !found {
			return "", "", "", false
		}
	}
	r := strings.LastIndexByte(base, '-')
	if r <= 0 {
		return "", "", "", false
	}
	v := strings.LastIndexByte(base[:r], '-')
	if v <= 0 || v+1 == r || r+1 == len(base) {
		return "", "", "", false
	}
	return base[:v], base[v+1 : r], base[r+1:], true
}
