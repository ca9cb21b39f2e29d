// Package nuget describes the NuGet ecosystem: .NET packages (names are case-insensitive), matched by name
// in OSV's "NuGet" ecosystem.
package nuget

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "NuGet"

// Descriptor returns the NuGet descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:             Name,
		PackageTypes:     []string{report.TypeNuGet},
		Scheme:           ecosystem.SchemeGeneric,
		Match:            ecosystem.MatchName,
		PURLType:         "nuget",
		NormalizePackage: strings.ToLower,
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
