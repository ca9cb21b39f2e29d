// Package debian describes Debian: os-release ID "debian", releases by
// number ("Debian:12"; a testing image without VERSION_ID by its code
// name), dpkg versions, advisories per source package from OSV and the
// Debian security tracker.
package debian

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Debian"

// Descriptor returns Debian's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:         Name,
		Distro:       true,
		OSIDs:        []string{"debian"},
		Release:      release,
		PackageTypes: []string{report.TypeDeb},
		Scheme:       ecosystem.SchemeDeb,
		Match:        ecosystem.MatchSource,
		PURLType:     "deb",
		Feeds: []ecosystem.Feed{
			{Format: ecosystem.FeedOSV, OSVNames: []string{Name}},
			{Format: ecosystem.FeedDebianTracker},
		},
	}
}

func release(os *report.OS) (string, bool) {
	if m := ecosystem.Major(os.VersionID); m != "" {
		return m, true
	}
	return Release(os.VersionCodename)
}

// codenames maps Debian release code names to the release numbers OSV
// uses in "Debian:N". sid (unstable) and experimental have no number.
var codenames = map[string]string{
	"woody": "3.0", "sarge": "3.1", "etch": "4.0", "lenny": "5.0",
	"squeeze": "6.0", "wheezy": "7", "jessie": "8", "stretch": "9",
	"buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13",
	"forky": "14", "duke": "15",
}

// Release returns the release number of a Debian code name ("bookworm" →
// "12"); ok is false for sid, experimental and unknown names.
func Release(codename string) (string, bool) {
	n, ok := codenames[strings.ToLower(strings.TrimSpace(codename))]
	return n, ok
}
