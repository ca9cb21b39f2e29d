// Package wolfi describes Wolfi, the rolling apk distribution Chainguard
// images are built from: os-release ID "wolfi", no releases (advisories
// are for "Wolfi" as a whole), apk versions, advisories per origin package
// from the secdb at packages.wolfi.dev/os/security.json (same shape as
// Alpine's, reponame "os") and OSV's "Wolfi" ecosystem.
package wolfi

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Wolfi"

// SecDBURL is Wolfi's security database.
const SecDBURL = "https://packages.wolfi.dev/os/security.json"

// Descriptor returns Wolfi's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:   Name,
		Distro: true,
		OSIDs:  []string{"wolfi"},
		// Rolling: VERSION_ID is a date that says nothing about which
		// advisories apply, so every image is matched against "Wolfi".
		Release:      func(*report.OS) (string, bool) { return "", true },
		PackageTypes: []string{report.TypeAPK},
		Scheme:       ecosystem.SchemeAPK,
		// Subpackages (libcrypto3, ld-linux) carry their origin (o:),
		// which the secdb lists (openssl, glibc).
		Match:         ecosystem.MatchSource,
		PURLType:      "apk",
		PURLNamespace: "wolfi",
		Feeds: []ecosystem.Feed{
			{Format: ecosystem.FeedSecDB, Repo: "os", URLs: []string{SecDBURL}},
			{Format: ecosystem.FeedOSV, OSVNames: []string{Name}},
		},
	}
}
