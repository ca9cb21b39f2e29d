// Package dpkg reads Debian's package database: var/lib/dpkg/status on
// Debian and Ubuntu, and the one-file-per-package var/lib/dpkg/status.d/
// directory that distroless images ship instead. It also reads the
// per-package file lists, var/lib/dpkg/info/PACKAGE[:ARCH].list, so that
// language packages found in files a Debian package installed can be
// attributed to it (see analyzer.Ownership).
//
// The database is a sequence of deb822 stanzas. The parser walks the bytes
// it is given in place and copies only the few short fields a scan needs,
// so multi-megabyte Description or Conffiles fields cost nothing beyond the
// file itself. It is hand-written because the deb822 libraries available
// (pault.ag/go/debian and friends) decode whole stanzas into maps, copying
// every field, which is what this package must avoid on large databases.
package dpkg

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	statusPath = "var/lib/dpkg/status"
	statusDir  = "var/lib/dpkg/status.d/"
	// maxSize is generous: a desktop system's status file is ~5 MiB.
	maxSize = 256 << 20
)

type dpkgAnalyzer struct{}

// New returns the dpkg database analyzer.
func New() analyzer.Analyzer { return dpkgAnalyzer{} }

func (dpkgAnalyzer) Name() string { return "dpkg" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (dpkgAnalyzer) Version() string { return "1" }

func (dpkgAnalyzer) Wants(path string, _ fs.FileMode, _ int64) bool {
	if path == statusPath || isFileList(path) {
		return true
	}
	name, ok := strings.CutPrefix(path, statusDir)
	return ok && name != "" && !strings.Contains(name, "/") &&
		!strings.HasSuffix(name, ".md5sums") && !strings.HasSuffix(name, ".list")
}

func (dpkgAnalyzer) MaxSize() int64 { return maxSize }

// ErrMalformed is returned for content that is not a dpkg database.
var ErrMalformed = errors.New("not a dpkg status database")

func (dpkgAnalyzer) Analyze(ctx context.Context, path string, content []byte) (*analyzer.Result, error) {
	if isFileList(path) {
		return analyzeFileList(ctx, path, content)
	}
	// status.d files written by distroless tooling carry no Status field:
	// their presence means the package is installed.
	pkgs, err := Parse(ctx, content, path != statusPath)
	for i := range pkgs {
		pkgs[i].Path = path
	}
	if len(pkgs) == 0 && err != nil {
		return nil, err
	}
	return &analyzer.Result{Packages: pkgs}, err
}

// stanza holds the fields of one paragraph that a scan needs, as slices of
// the input.
type stanza struct {
	pkg, version, arch, source, status []byte
	hasStatus                          bool
}

// Parse returns the installed packages of a dpkg status database.
// assumeInstalled applies to stanzas without a Status field.
//
// A package counts as installed when the last word of Status (the current
// state) says its files are on disk, all or some: "installed", the trigger
// states, and the unfinished states "unpacked", "half-configured" and
// "half-installed" (an interrupted install or upgrade leaves the files, so
// their vulnerabilities are there too; syft and Trivy count them as well).
// "hold ok installed" and "deinstall ok installed" packages still have
// their files on disk; "config-files" and "not-installed" ones do not.
//
// Lines that are neither "Field: value" nor continuations are skipped; if
// the content yields no package and had such lines, the error wraps
// ErrMalformed. The context is checked between stanzas.
func Parse(ctx context.Context, content []byte, assumeInstalled bool) ([]report.Package, error) {
	var (
		pkgs      []report.Package
		cur       stanza
		inStanza  bool
		malformed int
		firstBad  int
		lineNo    int
	)
	flush := func() {
		if inStanza {
			if p, ok := cur.toPackage(assumeInstalled); ok {
				pkgs = append(pkgs, p)
			}
		}
		cur, inStanza = stanza{}, false
	}
	for len(content) > 0 {
		lineNo++
		var line []byte
		if i := bytes.IndexByte(content, '\n'); i >= 0 {
			line, content = content[:i], content[i+1:]
		} else {
			line, content = content, nil
		}
		if len(bytes.TrimSpace(line)) == 0 {
			// Policy §5.1 lets parsers take whitespace-only lines as
			// separators, as dpkg does.
			flush()
			if err := ctx.Err(); err != nil {
				return pkgs, fmt.Errorf("parsing dpkg database: %w", err)
			}
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			// Continuation of a multi-line field (Description, Conffiles):
			// none of the fields we keep spans lines.
			continue
		}
		if line[0] == '#' && !inStanza {
			// Comments are allowed between stanzas in deb822 files.
			continue
		}
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 || bytes.ContainsAny(line[:colon], " \t\x00") {
			if malformed == 0 {
				firstBad = lineNo
			}
			malformed++
			continue
		}
		inStanza = true
		name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
		switch {
		case bytes.EqualFold(name, []byte("Package")):
			cur.pkg = value
		case bytes.EqualFold(name, []byte("Version")):
			cur.version = value
		case bytes.EqualFold(name, []byte("Architecture")):
			cur.arch = value
		case bytes.EqualFold(name, []byte("Source")):
			cur.source = value
		case bytes.EqualFold(name, []byte("Status")):
			cur.status, cur.hasStatus = value, true
		}
	}
	flush()
	if len(pkgs) == 0 && malformed > 0 {
		return nil, fmt.Errorf("%d malformed lines, the first at line %d: %w", malformed, firstBad, ErrMalformed)
	}
	return pkgs, nil
}

func (s *stanza) installed(assumeInstalled bool) bool {
	if !s.hasStatus {
		return assumeInstalled
	}
	f := bytes.Fields(s.status)
	if len(f) != 3 {
		return false
	}
	switch string(f[2]) {
	case "installed", "triggers-pending", "triggers-awaited",
		"unpacked", "half-configured", "half-installed":
		return true
	}
	return false
}

func (s *stanza) toPackage(assumeInstalled bool) (report.Package, bool) {
	if len(s.pkg) == 0 || len(s.version) == 0 || !s.installed(assumeInstalled) {
		return report.Package{}, false
	}
	p := report.Package{
		Name:    string(s.pkg),
		Version: string(s.version),
		Type:    report.TypeDeb,
		Arch:    string(s.arch),
	}
	p.SourceName, p.SourceVersion = p.Name, p.Version
	// "Source: name" or "Source: name (version)" when the binary's version
	// differs from its source's (binNMUs, versioned binaries).
	if len(s.source) > 0 {
		name, rest, _ := bytes.Cut(s.source, []byte(" "))
		p.SourceName = string(name)
		rest = bytes.TrimSpace(rest)
		if len(rest) > 2 && rest[0] == '(' && rest[len(rest)-1] == ')' {
			if v := bytes.TrimSpace(rest[1 : len(rest)-1]); len(v) > 0 {
				p.SourceVersion = string(v)
			}
		}
	}
	return p, true
}
