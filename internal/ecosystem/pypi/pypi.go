// Package pypi describes the PyPI ecosystem: Python distributions, matched
// by their PEP 503 normalised name in OSV's "PyPI" ecosystem.
package pypi

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "PyPI"

// Descriptor returns the PyPI descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:             Name,
		PackageTypes:     []string{report.TypePyPI, "python"},
		Scheme:           ecosystem.SchemePEP440,
		Match:            ecosystem.MatchName,
		PURLType:         "pypi",
		NormalizePackage: Normalize,
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}

// Normalize applies PEP 503: lower case, and runs of "-", "_" and "."
// become one "-".
func Normalize(name string) string {
	var b strings.Builder
	b.Grow(len(name))
	sep := false
	for _, r := range strings.ToLower(name) {
		if r == '-' || r == '_' || r == '.' {
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}
