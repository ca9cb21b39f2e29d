package ecosystem

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Set indexes a list of descriptors. It is built once and never changed,
// so one Set is safely shared (see all.Default).
type Set struct {
	list   []Descriptor
	byName map[string]int // lower-cased Name -> index
	byOSID map[string]int
	byType map[string]int // language package types only
	distro map[string]bool
}

// NewSet indexes ds. When two descriptors claim the same name, os-release
// ID or language package type, the first wins; all's test refuses such a
// list.
func NewSet(ds []Descriptor) *Set {
	s := &Set{
		list:   append([]Descriptor(nil), ds...),
		byName: map[string]int{},
		byOSID: map[string]int{},
		byType: map[string]int{},
		distro: map[string]bool{},
	}
	for i, d := range s.list {
		put(s.byName, strings.ToLower(d.Name), i)
		for _, id := range d.OSIDs {
			put(s.byOSID, id, i)
		}
		for _, t := range d.PackageTypes {
			if d.Distro {
				s.distro[t] = true
			} else {
				put(s.byType, strings.ToLower(t), i)
			}
		}
	}
	return s
}

func put(m map[string]int, k string, i int) {
	if _, ok := m[k]; !ok {
		m[k] = i
	}
}

// Descriptors returns the descriptors in list order.
func (s *Set) Descriptors() []Descriptor { return append([]Descriptor(nil), s.list...) }

// Lookup returns the descriptor of an ecosystem ("Debian:12", "pypi"; the
// base name is compared without regard to case, the release is ignored).
func (s *Set) Lookup(ecosystem string) (Descriptor, bool) {
	base, _, _ := strings.Cut(ecosystem, ":")
	i, ok := s.byName[strings.ToLower(strings.TrimSpace(base))]
	if !ok {
		return Descriptor{}, false
	}
	return s.list[i], true
}

// Normalize returns the key under which advisories of an ecosystem are
// stored and looked up: the base name in the descriptor's spelling and the
// release as the descriptor's NormalizeRelease spells it. Unknown
// ecosystems are returned trimmed but otherwise unchanged.
func (s *Set) Normalize(ecosystem string) string {
	ecosystem = strings.TrimSpace(ecosystem)
	if ecosystem == "" {
		return ""
	}
	d, ok := s.Lookup(ecosystem)
	if !ok {
		return ecosystem
	}
	_, rel, hasRel := strings.Cut(ecosystem, ":")
	if !hasRel {
		return d.Name
	}
	if d.NormalizeRelease != nil {
		rel = d.NormalizeRelease(rel)
	}
	return d.Key(rel)
}

// ForOS maps the distribution found in an image to its descriptor and the
// advisory ecosystem its packages are matched in. ok is false for
// unknown distributions and unknown releases.
func (s *Set) ForOS(os *report.OS) (key string, d Descriptor, ok bool) {
	if os == nil {
		return "", Descriptor{}, false
	}
	i, found := s.byOSID[strings.ToLower(strings.TrimSpace(os.ID))]
	if !found {
		return "", Descriptor{}, false
	}
	d = s.list[i]
	if d.Release == nil {
		return d.Name, d, true
	}
	rel, ok := d.Release(os)
	if !ok {
		return "", d, false
	}
	return d.Key(rel), d, true
}

// ForPackageType returns the language ecosystem of a package type
// ("go-module" → Go). ok is false for distribution types, whose ecosystem
// depends on the image's OS, and for unknown types.
func (s *Set) ForPackageType(pkgType string) (Descriptor, bool) {
	i, ok := s.byType[strings.ToLower(strings.TrimSpace(pkgType))]
	if !ok {
		return Descriptor{}, false
	}
	return s.list[i], true
}

// IsDistroType reports whether a package type is a distribution's (deb,
// apk, rpm), matched in the ecosystem of the image's OS.
func (s *Set) IsDistroType(pkgType string) bool { return s.distro[pkgType] }

// ForPURLType returns the descriptors whose packages have purl type t, in
// list order.
func (s *Set) ForPURLType(t string) []Descriptor {
	var out []Descriptor
	for _, d := range s.list {
		if d.PURLType == t {
			out = append(out, d)
		}
	}
	return out
}
