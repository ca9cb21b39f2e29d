// Package redhat describes Red Hat Enterprise Linux: os-release ID
// "rhel", releases by major version ("Red Hat:9"), rpm versions,
// advisories (RHSA) from OSV.
package redhat

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Red Hat"

// FeedCSAF names Red Hat's CSAF 2.0 documents (advisories and VEX, read by
// package internal/ecosystem/redhat/csaf) in a descriptor's feeds: its
// Platforms map a product CPE cut after the version
// ("cpe:/o:redhat:enterprise_linux:8") to the release the fixes are for.
// CentOS, which rebuilds RHEL and publishes no advisories, declares it.
const FeedCSAF ecosystem.FeedFormat = "redhat-csaf"

// Descriptor returns Red Hat's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:             Name,
		Distro:           true,
		OSIDs:            []string{"rhel"},
		Release:          ecosystem.MajorRelease,
		NormalizeRelease: normalize,
		PackageTypes:     []string{report.TypeRPM},
		Scheme:           ecosystem.SchemeRPM,
		Match:            ecosystem.MatchSourceAndBinary,
		PURLType:         "rpm",
		PURLNamespace:    "redhat",
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}

// normalize folds Red Hat's CPE-like OSV ecosystems into one per major
// release: "enterprise_linux:9::appstream" → "9". A container's rpmdb does
// not say which repository a package came from, so all RHEL N
// repositories are one ecosystem. Other Red Hat products (OpenShift, EUS,
// ...) keep their full name and so never match a plain RHEL image.
func normalize(release string) string {
	parts := strings.Split(release, ":")
	if len(parts) >= 2 && parts[0] == "enterprise_linux" {
		major, _, _ := strings.Cut(parts[1], ".")
		return major
	}
	return release
}
