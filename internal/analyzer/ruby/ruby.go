// Package ruby finds installed gems by the specifications RubyGems writes
// for them: GEM_HOME/specifications/NAME-VERSION.gemspec, and
// specifications/default/ for the default gems that ship with Ruby.
//
// Those files are Ruby code. They are never evaluated: the name and version
// are read from the `s.name = "..."` and `s.version = "..."` assignments
// RubyGems generates, or from the "# stub: NAME VERSION" line it writes at
// the top. No Go library parses gemspecs without a Ruby interpreter, hence
// this small hand-written reader.
package ruby

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// maxSize bounds gemspecs; generated ones are a few KiB.
const maxSize = 4 << 20

type rubyAnalyzer struct{}

// New returns the RubyGems analyzer.
func New() analyzer.Analyzer { return rubyAnalyzer{} }

func (rubyAnalyzer) Name() string { return "ruby" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (rubyAnalyzer) Version() string { return "1" }

func (rubyAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	if !strings.HasSuffix(p, ".gemspec") {
		return false
	}
	dir := path.Dir(p)
	dir = strings.TrimSuffix(dir, "/default")
	return dir == "specifications" || strings.HasSuffix(dir, "/specifications")
}

func (rubyAnalyzer) MaxSize() int64 { return maxSize }

func (rubyAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	pkg, err := ParseGemspec(content)
	if err != nil {
		return nil, err
	}
	pkg.Path = p
	return &analyzer.Result{Packages: []report.Package{pkg}}, nil
}

// ErrMalformed is wrapped when a gemspec names no gem.
var ErrMalformed = errors.New("malformed gemspec")

var (
	// rubyString matches the literal forms RubyGems has generated over the
	// years: "x", 'x' and %q{x}, with an optional .freeze.
	assignRE = regexp.MustCompile(`(?m)^\s*\w+\.(name|version)\s*=\s*(?:"([^"\n]*)"|'([^'\n]*)'|%q\{([^}\n]*)\}|Gem::Version\.new\(\s*"([^"\n]*)"\s*\))`)
	stubRE   = regexp.MustCompile(`(?m)^# stub: (\S+) (\S+)`)
)

// ParseGemspec returns the gem a generated gemspec describes.
func ParseGemspec(content []byte) (report.Package, error) {
	var name, version string
	for _, m := range assignRE.FindAllSubmatch(content, -1) {
		v := ""
		for _, g := range m[2:] {
			if g != nil {
				v = string(g)
				break
			}
		}
		switch string(m[1]) {
		case "name":
			if name == "" {
				name = v
			}
		case "version":
			if version == "" {
				version = v
			}
		}
	}
	if name == "" || version == "" {
		if m := stubRE.FindSubmatch(content); m != nil {
			if name == "" {
				name = string(m[1])
			}
			if version == "" {
				version = string(m[2])
			}
		}
	}
	name, version = strings.TrimSpace(name), strings.TrimSpace(version)
	if name == "" || version == "" {
		return report.Package{}, fmt.Errorf("%w: no name and version assignments", ErrMalformed)
	}
	u := packageurl.NewPackageURL(packageurl.TypeGem, "", name, version, nil, "")
	return report.Package{Name: name, Version: version, Type: report.TypeGem, PURL: u.ToString()}, nil
}
