// Package maven describes the Maven ecosystem: Maven artifacts (group:artifact), matched by name
// in OSV's "Maven" ecosystem.
package maven

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Maven"

// Descriptor returns the Maven descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		PackageTypes: []string{report.TypeMaven, "jar"},
		Scheme:       ecosystem.SchemeMaven,
		Match:        ecosystem.MatchName,
		PURLType:     "maven",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
