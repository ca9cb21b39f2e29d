package inventory

import (
	"path"
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Language package rules, applied once the final filesystem is known.
// Analyzers see one file at a time, so facts that relate two files are
// settled here:
//
//  1. Lockfiles give way to installed trees. An npm lockfile
//     (DIR/package-lock.json, DIR/npm-shrinkwrap.json) says what an
//     install would hold; when the image holds an installed tree for it
//     (at least one package read from DIR/node_modules/**/package.json),
//     that tree is the truth, and every package reported from the lockfile
//     is dropped, including lockfile entries that were not installed
//     (pruned dev or optional dependencies are not in the image). Likewise
//     a DIR/composer.lock gives way to DIR/vendor/composer/installed.json.
//     A lockfile without an installed tree beside it (an application
//     bundled at build time) keeps its packages.
//
//  2. Files installed by OS packages are marked. A language package whose
//     file (Path; for a file nested in an archive, the archive's path
//     before "!/") is listed in an OS package's file list
//     (analyzer.Ownership, e.g. from dpkg's info/*.list) gets OwnedBy set
//     to that package ("deb:python3-cryptography"): the package is
//     reported once, carrying both facts. The file lists themselves are
//     only scanned here and never kept.
//
// Inventory must not import analyzers, so the file names below repeat
// those of packages node and php.

// lockfileRule describes a lockfile format and the installed tree that
// supersedes it.
type lockfileRule struct {
	pkgType   string
	lockfiles []string
	// installed reports whether a package of pkgType read from file p is
	// part of the installed tree rooted at dir ("" for the image root).
	installed func(dir, p string) bool
}

var lockfileRules = []lockfileRule{
	{
		pkgType:   report.TypeNPM,
		lockfiles: []string{"package-lock.json", "npm-shrinkwrap.json"},
		installed: func(dir, p string) bool {
			return strings.HasPrefix(p, join(dir, "node_modules/")) && strings.HasSuffix(p, "/package.json")
		},
	},
	{
		pkgType:   report.TypeComposer,
		lockfiles: []string{"composer.lock"},
		installed: func(dir, p string) bool {
			return p == join(dir, "vendor/composer/installed.json")
		},
	},
}

func join(dir, rel string) string {
	if dir == "" || dir == "." {
		return rel
	}
	return dir + "/" + rel
}

// applyLanguageRules applies the rules above to inv.Packages, given the
// merged per-path state.
func applyLanguageRules(inv *Inventory, state map[string]map[string]*entry) {
	inv.Packages = dropSupersededLockfiles(inv.Packages)
	markOwned(inv.Packages, state)
}

func lockfileOf(p report.Package) (rule *lockfileRule, dir string, ok bool) {
	for i := range lockfileRules {
		r := &lockfileRules[i]
		if p.Type != r.pkgType {
			continue
		}
		base := path.Base(p.Path)
		for _, lf := range r.lockfiles {
			if base == lf {
				return r, path.Dir(p.Path), true
			}
		}
	}
	return nil, "", false
}

func dropSupersededLockfiles(pkgs []report.Package) []report.Package {
	// Lockfile folders per rule, then which of them have an installed tree.
	type key struct {
		rule *lockfileRule
		dir  string
	}
	superseded := map[key]bool{}
	for _, p := range pkgs {
		if r, dir, ok := lockfileOf(p); ok {
			superseded[key{r, dir}] = false
		}
	}
	if len(superseded) == 0 {
		return pkgs
	}
	for _, p := range pkgs {
		for k := range superseded {
			if p.Type == k.rule.pkgType && k.rule.installed(k.dir, p.Path) {
				superseded[k] = true
			}
		}
	}
	out := pkgs[:0]
	for _, p := range pkgs {
		if r, dir, ok := lockfileOf(p); ok && superseded[key{r, dir}] {
			continue
		}
		out = append(out, p)
	}
	return out
}

// markOwned sets OwnedBy on language packages whose file an OS package
// installed. It indexes only the language packages' paths (few) and
// streams the ownership lists (many) past that index, so no index of the
// whole OS file list is built.
func markOwned(pkgs []report.Package, state map[string]map[string]*entry) {
	want := map[string][]int{}
	for i, p := range pkgs {
		if report.IsOSType(p.Type) {
			continue
		}
		file, _, _ := strings.Cut(p.Path, "!/")
		if file != "" {
			want[file] = append(want[file], i)
		}
	}
	if len(want) == 0 {
		return
	}
	for _, byAnalyzer := range state {
		for _, e := range byAnalyzer {
			res := e.file.Result
			if res == nil || res.Owns == nil {
				continue
			}
			for _, owned := range res.Owns.Paths {
				for _, i := range want[owned] {
					if pkgs[i].OwnedBy == "" || res.Owns.Owner < pkgs[i].OwnedBy {
						// Two packages claiming one file (dpkg diversions)
						// resolve to the same owner whatever map order.
						pkgs[i].OwnedBy = res.Owns.Owner
					}
				}
			}
		}
	}
}
