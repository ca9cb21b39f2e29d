// Package cratesio describes the crates.io ecosystem: Rust crates, matched by name
// in OSV's "crates.io" ecosystem.
package cratesio

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "crates.io"

// Descriptor returns the crates.io descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		PackageTypes: []string{report.TypeCargo, "crates.io"},
		Scheme:       ecosystem.SchemeSemver,
		Match:        ecosystem.MatchName,
		PURLType:     "cargo",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
