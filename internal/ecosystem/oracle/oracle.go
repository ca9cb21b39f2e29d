// Package oracle describes Oracle Linux: os-release ID "ol", releases by
// major version ("Oracle Linux:8"), rpm versions, advisories (ELSA) from
// Oracle's OVAL file, whose definitions name binary packages and say
// their release as the affected platform ("Oracle Linux 8").
package oracle

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Oracle Linux"

// OVALURL is Oracle's OVAL file of every ELSA.
const OVALURL = "https://linux.oracle.com/security/oval/com.oracle.elsa-all.xml.bz2"

// Descriptor returns Oracle Linux's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:    Name,
		Distro:  true,
		OSIDs:   []string{"ol"},
		Release: ecosystem.MajorRelease,
		EndOfLife: func(release string) string {
			switch release {
			case "5", "6":
				return "is past its extended support: Oracle publishes no more errata for it"
			}
			return ""
		},
		PackageTypes:  []string{report.TypeRPM},
		Scheme:        ecosystem.SchemeRPM,
		Match:         ecosystem.MatchBinary,
		PURLType:      "rpm",
		PURLNamespace: "oracle",
		Feeds: []ecosystem.Feed{{
			Format: ecosystem.FeedOVAL,
			Platforms: map[string]string{
				"Oracle Linux 5": "5", "Oracle Linux 6": "6", "Oracle Linux 7": "7",
				"Oracle Linux 8": "8", "Oracle Linux 9": "9", "Oracle Linux 10": "10",
			},
			URLs: []string{OVALURL},
		}},
	}
}
