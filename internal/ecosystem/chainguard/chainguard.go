// Package chainguard describes Chainguard OS images: os-release ID
// "chainguard", no releases, apk versions, advisories per origin package
// from the secdb at packages.cgr.dev/chainguard/security.json (reponame
// "chainguard") and OSV's "Chainguard" ecosystem. Chainguard images whose
// os-release says "wolfi" are Wolfi's (see package wolfi).
package chainguard

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Chainguard"

// SecDBURL is Chainguard's security database.
const SecDBURL = "https://packages.cgr.dev/chainguard/security.json"

// Descriptor returns Chainguard's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:          Name,
		Distro:        true,
		OSIDs:         []string{"chainguard"},
		Release:       func(*report.OS) (string, bool) { return "", true },
		PackageTypes:  []string{report.TypeAPK},
		Scheme:        ecosystem.SchemeAPK,
		Match:         ecosystem.MatchSource,
		PURLType:      "apk",
		PURLNamespace: "chainguard",
		Feeds: []ecosystem.Feed{
			{Format: ecosystem.FeedSecDB, Repo: "chainguard", URLs: []string{SecDBURL}},
			{Format: ecosystem.FeedOSV, OSVNames: []string{Name}},
		},
	}
}
