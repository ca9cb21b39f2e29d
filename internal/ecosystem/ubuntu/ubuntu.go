// Package ubuntu describes Ubuntu: os-release ID "ubuntu", releases by
// VERSION_ID ("Ubuntu:22.04"), dpkg versions, advisories per source
// package from OSV.
package ubuntu

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Ubuntu"

// Descriptor returns Ubuntu's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:   Name,
		Distro: true,
		OSIDs:  []string{"ubuntu"},
		Release: func(os *report.OS) (string, bool) {
			v := strings.TrimSpace(os.VersionID)
			return v, v != ""
		},
		NormalizeRelease: normalize,
		PackageTypes:     []string{report.TypeDeb},
		Scheme:           ecosystem.SchemeDeb,
		Match:            ecosystem.MatchSource,
		PURLType:         "deb",
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{Name}}},
	}
}

// normalize drops OSV's LTS tag: "22.04:LTS" → "22.04", "Pro:18.04:LTS" →
// "Pro:18.04" (which stays distinct: Pro packages are not in the public
// archive).
func normalize(release string) string {
	parts := strings.Split(release, ":")
	if len(parts) > 1 && strings.EqualFold(parts[len(parts)-1], "LTS") {
		parts = parts[:len(parts)-1]
	}
	return strings.Join(parts, ":")
}
