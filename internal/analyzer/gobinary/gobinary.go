// Package gobinary reads the build information that the Go toolchain embeds
// in every executable it links (Go 1.13 and later, stripped or not): the
// main module, every dependency module with its version (after replace
// directives), and the toolchain version, which is what the standard
// library's advisories are keyed by.
//
// Candidates are executable files; the walker shows MatchHeader their first
// bytes, so only ELF files are read whole. Parsing is left to the standard
// library's debug/buildinfo, the same code as `go version -m`.
package gobinary

import (
	"bytes"
	"context"
	"debug/buildinfo"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"runtime/debug"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// StdlibName is the module name the Go vulnerability database uses for the
// standard library.
const StdlibName = "stdlib"

// maxSize bounds the executables read. Larger files are not even wanted
// (see Wants): a scan of an image full of huge native libraries must not
// fill its report with warnings about files that are almost never Go.
const maxSize = 256 << 20

// elfMagic starts every ELF file.
var elfMagic = []byte("\x7fELF")

// buildInfoMagic starts the build information blob of every Go binary
// since Go 1.13 (see debug/buildinfo). A file without it is not a Go
// binary, which lets Analyze tell "not Go" from "Go but damaged".
var buildInfoMagic = []byte("\xff Go buildinf:")

type goAnalyzer struct{}

// New returns the Go binary analyzer.
func New() analyzer.Analyzer { return goAnalyzer{} }

func (goAnalyzer) Name() string { return "gobinary" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (goAnalyzer) Version() string { return "1" }

// Wants accepts executable regular files up to the size limit.
func (goAnalyzer) Wants(_ string, mode fs.FileMode, size int64) bool {
	return mode&0o111 != 0 && size > int64(len(elfMagic)) && size <= maxSize
}

func (goAnalyzer) MaxSize() int64 { return maxSize }

// MatchHeader keeps ELF files only.
func (goAnalyzer) MatchHeader(_ string, header []byte) bool {
	return bytes.HasPrefix(header, elfMagic)
}

func (goAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	if !bytes.HasPrefix(content, elfMagic) || !bytes.Contains(content, buildInfoMagic) {
		return nil, nil
	}
	bi, err := buildinfo.Read(bytes.NewReader(content))
	if err != nil {
		return nil, fmt.Errorf("reading Go build info: %w", err)
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

// Packages turns build information into packages: the standard library
// (named StdlibName, versioned by the toolchain, e.g. "1.21.0"), the main
// module when it carries a real version (not "(devel)", which `go build`
// in a checkout records), and each dependency at the version it was built
// with, which for a replaced module is the replacement's version. A module
// replaced by a local directory has no version and is left out: no
// advisory can be about it.
func Packages(bi *debug.BuildInfo) []report.Package {
	var pkgs []report.Package
	if v := ToolchainVersion(bi.GoVersion); v != "" {
		pkgs = append(pkgs, pkg(StdlibName, v))
	}
	if m := bi.Main; m.Path != "" && realVersion(m.Version) {
		pkgs = append(pkgs, pkg(m.Path, m.Version))
	}
	for _, d := range bi.Deps {
		m := d
		if d.Replace != nil {
			m = d.Replace
			if m.Path == "" || strings.HasPrefix(m.Path, ".") || strings.HasPrefix(m.Path, "/") {
				continue
			}
			// The replacement's code is what was built; its path is what
			// advisories about that code name.
		}
		if m.Path == "" || !realVersion(m.Version) {
			continue
		}
		pkgs = append(pkgs, pkg(m.Path, m.Version))
	}
	return pkgs
}

func realVersion(v string) bool {
	return v != "" && v != "(devel)"
}

func pkg(modPath, version string) report.Package {
	ns, name := path.Split(modPath)
	u := packageurl.NewPackageURL(packageurl.TypeGolang, strings.TrimSuffix(ns, "/"), name, version, nil, "")
	return report.Package{Name: modPath, Version: version, Type: report.TypeGoModule, PURL: u.ToString()}
}

// toolchainRE matches Go release tags without the "go" prefix: "1.21.0",
// "1.20" (releases before 1.21 name the .0 release without a patch
// number), "1.21rc2", "1.9beta1".
var toolchainRE = regexp.MustCompile(`^(\d+)\.(\d+)(?:\.(\d+))?((?:rc|beta)\d+)?$`)

// ToolchainVersion turns the Go version recorded in a binary ("go1.21.0",
// "go1.20", "go1.22.1 X:boringcrypto", "go1.24.0-devel_abc") into the form
// the Go vulnerability database uses for stdlib ranges: "1.21.0", "1.20.0",
// "1.22.1". Pre-releases keep Go's tag spelling ("1.21rc2"), which the Go
// version comparer understands. Development builds, which correspond to no
// release, yield "".
func ToolchainVersion(goVersion string) string {
	f := strings.Fields(goVersion)
	if len(f) == 0 {
		return ""
	}
	v := strings.TrimPrefix(f[0], "go")
	m := toolchainRE.FindStringSubmatch(v)
	if m == nil {
		return ""
	}
	if m[4] != "" {
		return v
	}
	patch := m[3]
	if patch == "" {
		patch = "0"
	}
	return m[1] + "." + m[2] + "." + patch
}
