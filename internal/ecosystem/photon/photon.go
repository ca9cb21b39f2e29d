// Package photon describes VMware Photon OS: os-release ID "photon",
// releases by VERSION_ID ("Photon OS:3.0"), rpm versions, advisories
// (PHSA) from VMware's OVAL file of each release, whose definitions name
// binary packages and say their release as the affected platform
// ("Photon 3").
package photon

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Photon OS"

// OVALBase is where VMware publishes the OVAL files.
const OVALBase = "https://packages.vmware.com/photon/photon_oval_definitions/"

// Descriptor returns Photon OS's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:   Name,
		Distro: true,
		OSIDs:  []string{"photon"},
		Release: func(os *report.OS) (string, bool) {
			mm := ecosystem.MajorMinor(os.VersionID)
			return mm, mm != ""
		},
		EndOfLife: func(release string) string {
			if release == "3.0" {
				return "reached end of life on 2024-03-01: no advisories are published for it any more"
			}
			return ""
		},
		PackageTypes:  []string{report.TypeRPM},
		Scheme:        ecosystem.SchemeRPM,
		Match:         ecosystem.MatchBinary,
		PURLType:      "rpm",
		PURLNamespace: "photon",
		Feeds: []ecosystem.Feed{{
			Format: ecosystem.FeedOVAL,
			Platforms: map[string]string{
				"Photon 1": "1.0", "Photon 2": "2.0", "Photon 3": "3.0", "Photon 4": "4.0", "Photon 5": "5.0",
			},
			URLs: []string{
				OVALBase + "com.vmware.phsa-photon4.xml.gz",
				OVALBase + "com.vmware.phsa-photon5.xml.gz",
			},
		}},
	}
}
