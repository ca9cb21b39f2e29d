// Package dotnet finds NuGet packages in the APP.deps.json files that
// `dotnet publish` writes beside an application: its "libraries" object
// names every assembly the application loads, as "Name/Version" keys, and
// those of type "package" came from NuGet ("project" entries are the
// application's own projects, "reference" entries plain assemblies).
package dotnet

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const maxSize = 64 << 20

type dotnetAnalyzer struct{}

// New returns the .NET deps.json analyzer.
func New() analyzer.Analyzer { return dotnetAnalyzer{} }

func (dotnetAnalyzer) Name() string { return "dotnet" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (dotnetAnalyzer) Version() string { return "1" }

func (dotnetAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return strings.HasSuffix(p, ".deps.json")
}

func (dotnetAnalyzer) MaxSize() int64 { return maxSize }

func (dotnetAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	pkgs, err := ParseDepsJSON(content)
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	for i := range pkgs {
		pkgs[i].Path = p
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// ErrMalformed is wrapped by errors about unreadable deps.json files.
var ErrMalformed = errors.New("malformed .deps.json")

// ParseDepsJSON returns the NuGet packages of a deps.json file, sorted.
func ParseDepsJSON(content []byte) ([]report.Package, error) {
	var doc struct {
		Libraries *map[string]struct {
			Type string `json:"type"`
		} `json:"libraries"`
	}
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	if doc.Libraries == nil {
		return nil, fmt.Errorf("%w: no libraries object", ErrMalformed)
	}
	var pkgs []report.Package
	for key, lib := range *doc.Libraries {
		if !strings.EqualFold(lib.Type, "package") {
			continue
		}
		i := strings.LastIndexByte(key, '/')
		if i <= 0 || i == len(key)-1 {
			continue
		}
		name, version := key[:i], key[i+1:]
		u := packageurl.NewPackageURL(packageurl.TypeNuget, "", name, version, nil, "")
		pkgs = append(pkgs, report.Package{Name: name, Version: version, Type: report.TypeNuGet, PURL: u.ToString()})
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	return pkgs, nil
}
