// Package packagist describes the Packagist ecosystem: PHP Composer packages (names are case-insensitive), matched by name
// in OSV's "Packagist" ecosystem.
package packagist

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Packagist"

// Descriptor returns the Packagist descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:             Name,
		PackageTypes:     []string{report.TypeComposer},
		Scheme:           ecosystem.SchemeGeneric,
		Match:            ecosystem.MatchName,
		PURLType:         "composer",
		NormalizePackage: strings.ToLower,
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
