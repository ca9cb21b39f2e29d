// Package rubygems describes the RubyGems ecosystem: Ruby gems, matched by name
// in OSV's "RubyGems" ecosystem.
package rubygems

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "RubyGems"

// Descriptor returns the RubyGems descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		PackageTypes: []string{report.TypeGem},
		Scheme:       ecosystem.SchemeGem,
		Match:        ecosystem.MatchName,
		PURLType:     "gem",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
