// Package php finds Composer packages: those installed in a vendor tree
// (vendor/composer/installed.json, in Composer 1's array format and
// Composer 2's {"packages": [...]} format) and those pinned by composer.lock.
//
// As for npm, a lockfile's packages are dropped by package inventory when
// the installed tree beside it was found (vendor/composer/installed.json in
// the lockfile's folder): what is installed is the truth.
package php

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
	lockName      = "composer.lock"
	installedPath = "vendor/composer/installed.json"
	maxSize       = 64 << 20
)

type phpAnalyzer struct{}

// New returns the Composer analyzer.
func New() analyzer.Analyzer { return phpAnalyzer{} }

func (phpAnalyzer) Name() string { return "php" }

// Version is bumped whenever the analyzer's results for some input change
// (analyzer.Analyzer.Version; analyzer/all's versions.txt records it).
func (phpAnalyzer) Version() string { return "1" }

func (phpAnalyzer) Wants(p string, _ fs.FileMode, _ int64) bool {
	return IsInstalled(p) || IsLockfile(p)
}

// IsLockfile reports whether p is a project's composer.lock. Lockfiles
// inside a vendor tree belong to the installed packages' own development
// and say nothing about this installation.
func IsLockfile(p string) bool {
	return path.Base(p) == lockName && !strings.HasPrefix(p, "vendor/") && !strings.Contains(p, "/vendor/")
}

// IsInstalled reports whether p is the installed-packages file of a
// Composer vendor tree.
func IsInstalled(p string) bool {
	return p == installedPath || strings.HasSuffix(p, "/"+installedPath)
}

func (phpAnalyzer) MaxSize() int64 { return maxSize }

func (phpAnalyzer) Analyze(_ context.Context, p string, content []byte) (*analyzer.Result, error) {
	var (
		pkgs []report.Package
		err  error
	)
	if IsInstalled(p) {
		pkgs, err = ParseInstalled(content)
	} else {
		pkgs, err = ParseLock(content)
	}
	if err != nil || len(pkgs) == 0 {
		return nil, err
	}
	for i := range pkgs {
		pkgs[i].Path = p
	}
	return &analyzer.Result{Packages: pkgs}, nil
}

// ErrMalformed is wrapped by errors about unreadable Composer files.
var ErrMalformed = errors.New("malformed Composer file")

type composerPackage struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// ParseLock returns the packages of a composer.lock's "packages" list.
// "packages-dev" is left out: production installs (composer install
// --no-dev) do not hold them, and when they are installed,
// installed.json reports them.
func ParseLock(content []byte) ([]report.Package, error) {
	var doc struct {
		Packages *[]composerPackage `json:"packages"`
	}
	if err := json.Unmarshal(content, &doc); err != nil {
		return nil, fmt.Errorf("%w: composer.lock: %w", ErrMalformed, err)
	}
	if doc.Packages == nil {
		return nil, fmt.Errorf("%w: composer.lock has no packages list", ErrMalformed)
	}
	return convert(*doc.Packages), nil
}

// ParseInstalled returns the packages of vendor/composer/installed.json:
// a bare array (Composer 1) or {"packages": [...], "dev": ...}
// (Composer 2). Everything listed is installed, dev packages included.
func ParseInstalled(content []byte) ([]report.Package, error) {
	trimmed := bytes.TrimLeft(content, " \t\r\n\ufeff")
	var list []composerPackage
	if len(trimmed) > 0 && trimmed[0] == '[' {
		if err := json.Unmarshal(trimmed, &list); err != nil {
			return nil, fmt.Errorf("%w: installed.json (Composer 1): %w", ErrMalformed, err)
		}
		return convert(list), nil
	}
	var doc struct {
		Packages *[]composerPackage `json:"packages"`
	}
	if err := json.Unmarshal(trimmed, &doc); err != nil {
		return nil, fmt.Errorf("%w: installed.json: %w", ErrMalformed, err)
	}
	if doc.Packages == nil {
		return nil, fmt.Errorf("%w: installed.json has no packages list", ErrMalformed)
	}
	return convert(*doc.Packages), nil
}

func convert(list []composerPackage) []report.Package {
	var pkgs []report.Package
	seen := map[string]bool{}
	for _, c := range list {
		name, version := strings.TrimSpace(c.Name), strings.TrimSpace(c.Version)
		// Branch aliases ("dev-main") name no release an advisory could.
		if name == "" || version == "" || strings.HasPrefix(version, "dev-") {
			continue
		}
		if seen[name+"@"+version] {
			continue
		}
		seen[name+"@"+version] = true
		ns, n, ok := strings.Cut(name, "/")
		if !ok {
			ns, n = "", name
		}
		u := packageurl.NewPackageURL(packageurl.TypeComposer, ns, n, version, nil, "")
		pkgs = append(pkgs, report.Package{Name: name, Version: version, Type: report.TypeComposer, PURL: u.ToString()})
	}
	sort.Slice(pkgs, func(i, j int) bool {
		if pkgs[i].Name != pkgs[j].Name {
			return pkgs[i].Name < pkgs[j].Name
		}
		return pkgs[i].Version < pkgs[j].Version
	})
	return pkgs
}
