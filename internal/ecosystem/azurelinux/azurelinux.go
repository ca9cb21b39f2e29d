// Package azurelinux describes Azure Linux 3 and its predecessor
// CBL-Mariner 1 and 2: os-release IDs "azurelinux" and "mariner", releases
// by VERSION_ID ("Azure Linux:3.0", "CBL-Mariner:2.0"), rpm versions (an
// SQLite rpm database, or in distroless images the rpm manifest
// var/lib/rpmmanifest/container-manifest-2), advisories from Microsoft's
// OVAL files, one per release, whose definitions name binary packages.
package azurelinux

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Names of the two ecosystems.
const (
	AzureLinuxName = "Azure Linux"
	MarinerName    = "CBL-Mariner"
)

// OVALBase is where Microsoft publishes the OVAL files.
const OVALBase = "https://raw.githubusercontent.com/microsoft/AzureLinuxVulnerabilityData/main/"

func versionID(os *report.OS) (string, bool) {
	mm := ecosystem.MajorMinor(os.VersionID)
	return mm, mm != ""
}

// AzureLinux returns Azure Linux's descriptor.
func AzureLinux() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         AzureLinuxName,
		Distro:       true,
		OSIDs:        []string{"azurelinux"},
		Release:      versionID,
		PackageTypes: []string{report.TypeRPM},
		Scheme:       ecosystem.SchemeRPM,
		Match:        ecosystem.MatchBinary,
		PURLType:     "rpm",
		Feeds: []ecosystem.Feed{{
			Format:    ecosystem.FeedOVAL,
			Documents: map[string]string{"azurelinux-3.0-oval.xml": "3.0"},
			URLs:      []string{OVALBase + "azurelinux-3.0-oval.xml"},
		}},
	}
}

// Mariner returns CBL-Mariner's descriptor.
func Mariner() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:    MarinerName,
		Distro:  true,
		OSIDs:   []string{"mariner"},
		Release: versionID,
		EndOfLife: func(release string) string {
			switch strings.TrimSpace(release) {
			case "1.0":
				return "reached end of life on 2023-07-31: no advisories are published for it any more"
			case "2.0":
				return "reached end of life on 2025-07-31: no advisories are published for it any more (Azure Linux 3.0 follows)"
			}
			return ""
		},
		PackageTypes: []string{report.TypeRPM},
		Scheme:       ecosystem.SchemeRPM,
		Match:        ecosystem.MatchBinary,
		PURLType:     "rpm",
		Feeds: []ecosystem.Feed{{
			Format: ecosystem.FeedOVAL,
			Documents: map[string]string{
				"cbl-mariner-1.0-oval.xml": "1.0",
				"cbl-mariner-2.0-oval.xml": "2.0",
			},
			URLs: []string{OVALBase + "cbl-mariner-2.0-oval.xml"},
		}},
	}
}
