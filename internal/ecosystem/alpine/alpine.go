// Package alpine describes Alpine Linux: os-release ID "alpine", releases
// by branch ("Alpine:v3.20"), apk versions, advisories per origin package
// from the secdb and OSV.
package alpine

import (
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Alpine"

// Descriptor returns Alpine's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:   Name,
		Distro: true,
		OSIDs:  []string{"alpine"},
		Release: func(os *report.OS) (string, bool) {
			mm := ecosystem.MajorMinor(os.VersionID)
			return "v" + mm, mm != ""
		},
		NormalizeRelease: Branch,
		PackageTypes:     []string{report.TypeAPK},
		Scheme:           ecosystem.SchemeAPK,
		Match:            ecosystem.MatchSource,
		PURLType:         "apk",
		PURLNamespace:    "alpine",
		Feeds: []ecosystem.Feed{
			{Format: ecosystem.FeedOSV, OSVNames: []string{Name}},
			// Branch files are built from vulndb.UpdateConfig's Alpine
			// settings (mirror, branches, repositories).
			{Format: ecosystem.FeedSecDB},
		},
	}
}

// Branch spells a release as the secdb and OSV do: "3.20" → "v3.20".
func Branch(release string) string {
	if release != "" && release[0] >= '0' && release[0] <= '9' {
		return "v" + release
	}
	return release
}
