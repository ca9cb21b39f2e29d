// Package apk reads Alpine's package database, lib/apk/db/installed.
//
// The database is a sequence of blank-line-separated stanzas of
// "X:value" lines, X a single letter (P name, V version, A architecture,
// o origin, F/R file lists, ...). It is parsed in place, copying only the
// fields kept, because the file lists make up nearly all of the file. It is
// hand-written: the format is a few lines of code and no maintained Go
// library for it exists among our dependencies (go-apk-version only
// compares versions).
package apk

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	installedPath = "lib/apk/db/installed"
	maxSize       = 256 << 20
)

type apkAnalyzer struct{}

// New returns the apk database analyzer.
func New() analyzer.Analyzer { return apkAnalyzer{} }

func (apkAnalyzer) Name() string { return "apk" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (apkAnalyzer) Version() string { return "1" }

func (apkAnalyzer) Wants(path string, _ fs.FileMode, _ int64) bool { return path == installedPath }

func (apkAnalyzer) MaxSize() int64 { return maxSize }

// ErrMalformed is returned for content that is not an apk database.
var ErrMalformed = errors.New("not an apk installed database")

func (apkAnalyzer) Analyze(ctx context.Context, path string, content []byte) (*analyzer.Result, error) {
	pkgs, err := Parse(ctx, content)
	for i := range pkgs {
		pkgs[i].Path = path
	}
	if len(pkgs) == 0 && err != nil {
		return nil, err
	}
	return &analyzer.Result{Packages: pkgs}, err
}

// Parse returns the packages of an apk installed database. Stanzas
// without a name or version are dropped; lines that are not "X:value" are
// skipped, and if nothing usable remains while such lines were seen the
// error wraps ErrMalformed. The context is checked between stanzas.
func Parse(ctx context.Context, content []byte) ([]report.Package, error) {
	var (
		pkgs                       []report.Package
		name, version, arch, orig  []byte
		malformed, firstBad, lines int
	)
	flush := func() {
		if len(name) > 0 && len(version) > 0 {
			p := report.Package{
				Name:    string(name),
				Version: string(version),
				Type:    report.TypeAPK,
				Arch:    string(arch),
			}
			// Alpine advisories (secdb) are keyed by origin, the aport
			// the binary was built from, which shares its version.
			p.SourceName, p.SourceVersion = p.Name, p.Version
			if len(orig) > 0 {
				p.SourceName = string(orig)
			}
			pkgs = append(pkgs, p)
		}
		name, version, arch, orig = nil, nil, nil, nil
	}
	for len(content) > 0 {
		lines++
		var line []byte
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			line, content = content, nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 {
			flush()
			if err := ctx.Err(); err != nil {
				return pkgs, fmt.Errorf("parsing apk database: %w", err)
			}
			continue
		}
		if len(line) < 2 || line[1] != ':' {
			if malformed == 0 {
				firstBad = lines
			}
			malformed++
			continue
		}
		value := bytes.TrimSpace(line[2:])
		switch line[0] {
		case 'P':
			if len(name) > 0 {
				// A new package without the blank line: keep both.
				flush()
			}
			name = value
		case 'V':
			version = value
		case 'A':
			arch = value
		case 'o':
			orig = value
		}
	}
	flush()
	if len(pkgs) == 0 && malformed > 0 {
		return nil, fmt.Errorf("%d malformed lines, the first at line %d: %w", malformed, firstBad, ErrMalformed)
	}
	return pkgs, nil
}
