// Package node finds npm packages: those installed in node_modules trees
// (each package's own package.json) and those pinned by lockfiles
// (package-lock.json and npm-shrinkwrap.json, lockfileVersion 1, 2 and 3).
//
// An installed package.json is the truth about what is on disk; a lockfile
// only says what an install would put there. The analyzer sees one file at
// a time and so cannot tell whether a lockfile's tree was installed: it
// reports lockfile packages with Path set to the lockfile, and package
// inventory drops them when an installed tree exists beside the lockfile
// (see inventory's language rules).
package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/analyzer"
	"github.com/scanfleet/scanfleet/internal/report"
)

const (
	// maxSize bounds package.json and lockfiles. Old npm versions wrote
	// whole READMEs into installed package.json files, and monorepo
	// lockfiles reach tens of megabytes.
	maxSize = 64 << 20

	manifestName   = "package.json"
	lockName       = "package-lock.json"
	shrinkwrapName = "npm-shrinkwrap.json"
	nodeModules    = "node_modules"
)

type nodeAnalyzer struct{}

// New returns the npm analyzer.
func New() analyzer.Analyzer { return nodeAnalyzer{} }

func (nodeAnalyzer) Name() string { return "node" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (nodeAnalyzer) Version() string { return "1" }

func (nodeAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	switch path.Base(p) {
	case manifestName:
		return IsPackageRoot(p)
	case lockName, shrinkwrapName:
		return IsLockfile(p)
	}
	return false
}

func (nodeAnalyzer) MaxSize() int64 { return maxSize }

func (nodeAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	var pkgs []report.Package
	if path.Base(p) == manifestName {
		pkg, ok, err := ParsePackageJSON(content)
		if err != nil {
			return nil, err
		}
		if ok {
			pkgs = []report.Package{pkg}
		}
	} else {
		var err error
		if pkgs, err = ParseLockfile(content); err != nil {
			return nil, err
		}
	}
	if len(pkgs) == 0 {
		return nil, nil
	}
	for i := range pkgs {
		pkgs[i].Path = p
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// IsPackageRoot reports whether p is the package.json at the root of an
// installed package: node_modules/NAME/package.json or
// node_modules/@SCOPE/NAME/package.json, at any nesting depth. Other
// package.json files inside packages (test fixtures, "exports" markers
// such as lib/esm/package.json) do not describe an installed package.
func IsPackageRoot(p string) bool {
	dir, ok := strings.CutSuffix(p, "/"+manifestName)
	if !ok {
		return false
	}
	parent, name := path.Split(dir)
	if name == "" || name[0] == '.' || name[0] == '@' {
		return false
	}
	parent = strings.TrimSuffix(parent, "/")
	if pp, scope := path.Split(parent); strings.HasPrefix(scope, "@") && len(scope) > 1 {
		parent = strings.TrimSuffix(pp, "/")
	}
	return parent == nodeModules || strings.HasSuffix(parent, "/"+nodeModules)
}

// IsLockfile reports whether p is a project lockfile: a package-lock.json
// or npm-shrinkwrap.json outside node_modules (lockfiles shipped inside
// published packages describe their authors' development trees, not what
// is installed).
func IsLockfile(p string) bool {
	b := path.Base(p)
	if b != lockName && b != shrinkwrapName {
		return false
	}
	return !strings.HasPrefix(p, nodeModules+"/") && !strings.Contains(p, "/"+nodeModules+"/")
}

// ErrMalformed is wrapped by errors about content that is not the JSON
// document it should be.
var ErrMalformed = errors.New("malformed npm file")

// ParsePackageJSON reads the name and version of an installed package.
// ok is false, with no error, for a valid JSON object that lacks either:
// some packages ship package.json files that are not package roots.
func ParsePackageJSON(content []byte) (pkg report.Package, ok bool, err error) {
	// Name and version are decoded as raw JSON so that a package.json with
	// an odd type in some other field, or a non-string version, is read
	// rather than rejected.
	var doc struct {
		Name    json.RawMessage `json:"name"`
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(content, &doc); err != nil {
		return pkg, false, fmt.Errorf("%w: package.json: %w", ErrMalformed, err)
	}
	name, version := jsonString(doc.Name), jsonString(doc.Version)
	if name == "" || version == "" {
		return pkg, false, nil
	}
	return newPackage(name, version), true, nil
}

func jsonString(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return strings.TrimSpace(s)
}

// lockEntry is a "packages" entry of lockfileVersion 2 and 3.
type lockEntry struct {
	Version string `json:"version"`
	// Name is set for aliased dependencies ("alias": "npm:real@1.0.0").
	Name string `json:"name"`
	Dev  bool   `json:"dev"`
	Link bool   `json:"link"`
}

// v1Entry is a "dependencies" entry of lockfileVersion 1, which nests the
// entries installed below it.
type v1Entry struct {
	Version      string              `json:"version"`
	Dev          bool                `json:"dev"`
	Dependencies map[string]*v1Entry `json:"dependencies"`
}

type lockfile struct {
	LockfileVersion int                   `json:"lockfileVersion"`
	Packages        map[string]*lockEntry `json:"packages"`
	Dependencies    map[string]*v1Entry   `json:"dependencies"`
}

// ParseLockfile returns the packages an npm lockfile pins, sorted and
// without duplicates. Development dependencies ("dev": true) are left out:
// production images are installed without them (`npm ci --omit=dev`), and
// reporting them from a lockfile would flag software the image does not
// hold. Links (workspace packages) and dependencies fetched from
// somewhere other than a registry (git, file, tarball URLs), whose
// versions no advisory can name, are left out too.
//
// lockfileVersion 2 and 3 list packages under "packages", keyed by their
// install path; version 1 nests them under "dependencies". Version 2 has
// both, and "packages" is read.
func ParseLockfile(content []byte) ([]report.Package, error) {
	var lf lockfile
	if err := json.Unmarshal(content, &lf); err != nil {
		return nil, fmt.Errorf("%w: package-lock.json: %w", ErrMalformed, err)
	}
	seen := map[string]bool{}
	var pkgs []report.Package
	add := func(name, version string) {
		if alias, ok := strings.CutPrefix(version, "npm:"); ok {
			// "npm:real-name@1.2.3": an aliased registry package.
			if i := strings.LastIndexByte(alias, '@'); i > 0 {
				name, version = alias[:i], alias[i+1:]
			}
		}
		if name == "" || version == "" || strings.ContainsAny(version, ":/") {
			return
		}
		if key := name + "@" + version; !seen[key] {
			seen[key] = true
			pkgs = append(pkgs, newPackage(name, version))
		}
	}
	switch {
	case lf.Packages != nil:
		for key, e := range lf.Packages {
			if e == nil || e.Dev || e.Link {
				continue
			}
			i := strings.LastIndex(key, nodeModules+"/")
			if i < 0 || (i > 0 && key[i-1] != '/') {
				// "" is the project itself; other keys without
				// node_modules are workspace folders.
				continue
			}
			name := key[i+len(nodeModules)+1:]
			if e.Name != "" {
				name = e.Name
			}
			add(name, e.Version)
		}
	case lf.Dependencies != nil:
		// Iterative walk: a hostile file can nest deeply, and JSON
		// decoding already bounded the depth it accepts.
		type item struct {
			name string
			e    *v1Entry
		}
		stack := make([]item, 0, len(lf.Dependencies))
		for n, e := range lf.Dependencies {
			stack = append(stack, item{n, e})
		}
		for len(stack) > 0 {
			it := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if it.e == nil || it.e.Dev {
				continue
			}
			add(it.name, it.e.Version)
			for n, e := range it.e.Dependencies {
				stack = append(stack, item{n, e})
			}
		}
	case lf.LockfileVersion == 0 && !bytes.Contains(content, []byte(`"lockfileVersion"`)):
		return nil, fmt.Errorf("%w: package-lock.json has no lockfileVersion, packages or dependencies", ErrMalformed)
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	return pkgs, nil
}

func newPackage(name, version string) report.Package {
	ns, n := "", name
	if strings.HasPrefix(name, "@") {
		if s, rest, ok := strings.Cut(name, "/"); ok {
			ns, n = s, rest
		}
	}
	u := packageurl.NewPackageURL(packageurl.TypeNPM, ns, n, version, nil, "")
	return report.Package{Name: name, Version: version, Type: report.TypeNPM, PURL: u.ToString()}
}
