// Package rocky describes Rocky Linux: os-release ID "rocky",
// releases by major version ("Rocky Linux:9"), rpm versions, advisories
// (RLSA) from OSV, which lists binary packages.
package rocky

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Rocky Linux"

// Descriptor returns Rocky Linux's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		Distro:       true,
		OSIDs:        []string{"rocky"},
		Release:      ecosystem.MajorRelease,
		PackageTypes: []string{report.TypeRPM},
		Scheme:       ecosystem.SchemeRPM,
		Match:        ecosystem.MatchSourceAndBinary,
		PURLType:     "rpm",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
