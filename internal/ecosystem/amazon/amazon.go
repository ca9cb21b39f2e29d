// Package amazon describes Amazon Linux 1, 2 and 2023: os-release ID
// "amzn", rpm versions (BerkeleyDB rpm database on 1 and 2, SQLite on
// 2023), advisories (ALAS) from each release's yum repository
// updateinfo.xml, found through the release's mirror list and the
// repository's repomd.xml. ALAS lists binary packages.
package amazon

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Name is the ecosystem's name.
const Name = "Amazon Linux"

// Mirror lists of each release's core repository (the first mirror's
// repodata/repomd.xml names the updateinfo file).
const (
	MirrorList1    = "http://repo.us-west-2.amazonaws.com/2018.03/updates/x86_64/mirror.list"
	MirrorList2    = "https://cdn.amazonlinux.com/2/core/latest/x86_64/mirror.list"
	MirrorList2023 = "https://cdn.amazonlinux.com/al2023/core/mirrors/latest/x86_64/mirror.list"
)

// Descriptor returns Amazon Linux's descriptor.
func Descriptor() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:          Name,
		Distro:        true,
		OSIDs:         []string{"amzn"},
		Release:       release,
		EndOfLife:     endOfLife,
		PackageTypes:  []string{report.TypeRPM},
		Scheme:        ecosystem.SchemeRPM,
		Match:         ecosystem.MatchBinary,
		PURLType:      "rpm",
		PURLNamespace: "amazon",
		Feeds: []ecosystem.Feed{{
			Format: ecosystem.FeedUpdateInfo,
			URLs:   []string{MirrorList1, MirrorList2, MirrorList2023},
			IDPrefixes: map[string]string{
				"ALAS-": "1", "ALAS2-": "2", "ALAS2022-": "2022", "ALAS2023-": "2023",
			},
		}},
	}
}

// release: VERSION_ID "2" → "2", "2023" → "2023"; Amazon Linux 1 says its
// image date ("2018.03") → "1".
func release(os *report.OS) (string, bool) {
	v := strings.TrimSpace(os.VersionID)
	switch {
	case v == "2", v == "2022", v == "2023":
		return v, true
	case strings.HasPrefix(v, "201") && strings.Contains(v, "."):
		return "1", true
	}
	return "", false
}

func endOfLife(release string) string {
	switch release {
	case "1":
		return "reached end of life on 2023-12-31: no advisories are published for it any more"
	case "2":
		return "reached end of life on 2026-06-30: no advisories are published for it any more"
	case "2022":
		return "was a preview, replaced by Amazon Linux 2023: no advisories are published for it any more"
	}
	return ""
}
