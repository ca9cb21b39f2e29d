// Package almalinux describes AlmaLinux: os-release ID "almalinux",
// releases by major version ("AlmaLinux:9"), rpm versions, advisories
// (ALSA) from OSV, which lists binary packages.
package almalinux

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "AlmaLinux"

// Descriptor returns AlmaLinux's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		Distro:       true,
		OSIDs:        []string{"almalinux"},
		Release:      ecosystem.MajorRelease,
		PackageTypes: []string{report.TypeRPM},
		Scheme:       ecosystem.SchemeRPM,
		Match:        ecosystem.MatchSourceAndBinary,
		PURLType:     "rpm",
		Feeds:        []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}
