// Package inventory overlays the per-layer analyses of an image, bottom to
// top, into what the final filesystem holds: the OS and the installed
// packages, each attributed to the layer that introduced it in its current
// version. It applies the OCI whiteout rules to analysis results rather than
// to files, which is what lets layers be analysed independently, in
// parallel, and cached across images.
package inventory

import (
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/report"
)

// OSPriority ranks files that describe the OS; lower wins. The analyzer
// that reads them knows the order (osrelease.Priority), and inventory must
// not import analyzers, so the scan passes it in.
type OSPriority func(path string) int

// Inventory is the merged, final view of an image.
type Inventory struct {
	OS       *report.OS
	Packages []report.Package
	// Problems lists wanted files that could not be parsed, in the final
	// filesystem only: a broken file later deleted does not matter.
	Problems []string
}

type entry struct {
	file  layer.File
	layer int
	// intro maps a package identity to the layer that introduced it with
	// its current version.
	intro map[string]int
}

// Merge overlays analyses[i] (layer i, bottom first) and attributes packages
// to layers[i]. len(layers) must equal len(analyses).
func Merge(analyses []*layer.Analysis, layers []report.Layer, osPriority OSPriority) *Inventory {
	// state maps path -> analyzer -> entry.
	state := map[string]map[string]*entry{}
	removeUnder := func(p string, self bool) {
		for k := range state {
			if (self && k == p) || p == "" || strings.HasPrefix(k, p+"/") {
				delete(state, k)
			}
		}
	}
	for i, a := range analyses {
		for _, d := range a.Opaque {
			removeUnder(d, false)
		}
		for _, w := range a.Whiteouts {
			removeUnder(w, true)
		}
		for _, r := range a.Replaced {
			delete(state, r)
		}
		// Files replace lower versions of the same path. Group by path
		// first: a path rewritten in this layer loses all lower analyzers'
		// results, even those of analyzers that no longer want it.
		seen := map[string]bool{}
		for _, f := range a.Files {
			prev := state[f.Path]
			if !seen[f.Path] {
				seen[f.Path] = true
				state[f.Path] = map[string]*entry{}
			}
			e := &entry{file: f, layer: i, intro: map[string]int{}}
			var prevVersions map[string]string
			var prevIntro map[string]int
			if pe, ok := prev[f.Analyzer]; ok && pe.file.Result != nil {
				prevVersions = versions(pe.file.Result.Packages)
				prevIntro = pe.intro
			}
			if f.Result != nil {
				for _, p := range f.Result.Packages {
					id := identity(p)
					if v, ok := prevVersions[id]; ok && v == p.Version {
						e.intro[id] = prevIntro[id]
					} else {
						e.intro[id] = i
					}
				}
			}
			state[f.Path][f.Analyzer] = e
		}
	}

	inv := &Inventory{}
	paths := make([]string, 0, len(state))
	for p := range state {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	bestOS := -1
	seenPkg := map[string]bool{}
	for _, p := range paths {
		names := make([]string, 0, len(state[p]))
		for n := range state[p] {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			e := state[p][n]
			if e.file.Err != "" {
				inv.Problems = append(inv.Problems, p+": "+e.file.Err)
			}
			res := e.file.Result
			if res == nil {
				continue
			}
			if res.OS != nil && osPriority != nil {
				if pr := osPriority(p); bestOS < 0 || pr < bestOS {
					bestOS = pr
					os := *res.OS
					inv.OS = &os
				}
			}
			for _, pkg := range res.Packages {
				key := pkg.Type + "\x00" + pkg.Name + "\x00" + pkg.Version + "\x00" + pkg.Arch + "\x00" + pkg.Path
				if seenPkg[key] {
					continue
				}
				seenPkg[key] = true
				if pkg.Path == "" {
					pkg.Path = p
				}
				if li, ok := e.intro[identity(pkg)]; ok && li < len(layers) {
					pkg.Layer = layers[li].Digest
					pkg.LayerCreatedBy = layers[li].CreatedBy
				}
				inv.Packages = append(inv.Packages, pkg)
			}
		}
	}
	applyLanguageRules(inv, state)
	sort.SliceStable(inv.Packages, func(i, j int) bool {
		a, b := inv.Packages[i], inv.Packages[j]
		if a.Type != b.Type {
			return a.Type < b.Type
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Version < b.Version
	})
	return inv
}

// identity names a package independently of its version, so that an
// upgrade in a later layer is attributed to that layer.
func identity(p report.Package) string {
	return p.Type + "\x00" + p.Name + "\x00" + p.Arch
}

func versions(pkgs []report.Package) map[string]string {
	m := make(map[string]string, len(pkgs))
	for _, p := range pkgs {
		m[identity(p)] = p.Version
	}
	return m
}
