// Package golang describes the Go ecosystem: Go modules and the Go toolchain (stdlib), matched by name
// in OSV's "Go" ecosystem.
package golang

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Go"

// Descriptor returns the Go descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		PackageTypes: []string{report.TypeGoModule, "gomod", "golang", "go"},
		Scheme:       ecosystem.SchemeGo,
		Match:        ecosystem.MatchName,
		PURLType:     "golang",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
