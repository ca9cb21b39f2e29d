// Package npm describes the npm ecosystem: npm packages, matched by name
// in OSV's "npm" ecosystem.
package npm

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "npm"

// Descriptor returns the npm descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		PackageTypes: []string{report.TypeNPM, "node"},
		Scheme:       ecosystem.SchemeNPM,
		Match:        ecosystem.MatchName,
		PURLType:     "npm",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
