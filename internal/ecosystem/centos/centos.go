// Package centos describes CentOS Linux and CentOS Stream: os-release ID
// "centos", releases by major version ("CentOS:7"), rpm versions,
// advisories from Red Hat's OVAL files of the matching RHEL release
// (CentOS rebuilds RHEL's sources, and publishes no advisories of its
// own), whose definitions name binary packages, or from Red Hat's CSAF
// documents (redhat.FeedCSAF, the alternative source).
package centos

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "CentOS"

// OVALBase is where Red Hat publishes its OVAL (v2) files.
const OVALBase = "https://security.access.redhat.com/data/oval/v2/"

// Descriptor returns CentOS's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:    Name,
		Distro:  true,
		OSIDs:   []string{"centos"},
		Release: ecosystem.MajorRelease,
		EndOfLife: func(release string) string {
			switch release {
			case "5":
				return "reached end of life on 2017-03-31"
			case "6":
				return "reached end of life on 2020-11-30"
			case "7":
				return "reached end of life on 2024-06-30: its packages are matched against RHEL 7's advisories, which no CentOS build follows any more"
			case "8":
				return "reached end of life (CentOS Linux 8 on 2021-12-31, CentOS Stream 8 on 2024-05-31): its packages are matched against RHEL 8's advisories"
			}
			return ""
		},
		PackageTypes:  []string{report.TypeRPM},
		Scheme:        ecosystem.SchemeRPM,
		Match:         ecosystem.MatchBinary,
		PURLType:      "rpm",
		PURLNamespace: "centos",
		Feeds: []ecosystem.Feed{{
			Format: ecosystem.FeedOVAL,
			Platforms: map[string]string{
				"Red Hat Enterprise Linux 7": "7", "Red Hat Enterprise Linux 8": "8", "Red Hat Enterprise Linux 9": "9",
			},
			URLs: []string{
				OVALBase + "RHEL7/rhel-7.oval.xml.bz2",
				OVALBase + "RHEL8/rhel-8.oval.xml.bz2",
				OVALBase + "RHEL9/rhel-9.oval.xml.bz2",
			},
		}, {
			// The alternative: Red Hat's CSAF advisories and VEX documents,
			// read wherever a configured source holds them (no URL: not
			// fetched by default). Only the main stream's CPEs are
			// CentOS's; EUS, AUS and E4S fixes are for other builds.
			Format: redhat.FeedCSAF,
			Platforms: map[string]string{
				"cpe:/o:redhat:enterprise_linux:7": "7", "cpe:/a:redhat:enterprise_linux:7": "7",
				"cpe:/o:redhat:enterprise_linux:8": "8", "cpe:/a:redhat:enterprise_linux:8": "8",
				"cpe:/o:redhat:enterprise_linux:9": "9", "cpe:/a:redhat:enterprise_linux:9": "9",
			},
		}},
	}
}
