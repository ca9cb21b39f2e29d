// Package suse describes SUSE Linux Enterprise and openSUSE: os-release
// IDs "sles" (and "sled", "sles_sap"), "opensuse-leap", "opensuse" (Leap
// 42) and "opensuse-tumbleweed"; rpm versions; advisories (SUSE-SU,
// openSUSE-SU) from OSV's "SUSE" and "openSUSE" ecosystems, which list
// binary packages per product, or from SUSE's CVRF documents (FeedCVRF,
// the alternative source). The rpm database is NDB (Packages.db) on
// SLE 15 and recent Leap, SQLite on Tumbleweed; package rpm reads both.
package suse

import (
	"regexp"
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Names of the two ecosystems.
const (
	SLEName      = "SUSE"
	OpenSUSEName = "openSUSE"
)

// FeedCVRF names SUSE's CVRF documents, the alternative source to OSV's
// SUSE and openSUSE records (which stay the default feed of `db update`):
// SUSE's own cvrf-*.xml files or vuln-list's JSON copies of them, read by
// package cvrf (internal/ecosystem/suse/cvrf) from any source of `db
// build` or `db update` that holds them. They give the same advisory ids
// and release keys as OSV's records, so either source matches an image
// alike.
const FeedCVRF ecosystem.FeedFormat = "suse-cvrf"

// SLE returns the descriptor of SUSE Linux Enterprise.
func SLE() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:             SLEName,
		Distro:           true,
		OSIDs:            []string{"sles", "sled", "sles_sap"},
		Release:          sleRelease,
		NormalizeRelease: NormalizeSLE,
		EndOfLife:        sleEndOfLife,
		PackageTypes:     []string{report.TypeRPM},
		Scheme:           ecosystem.SchemeRPM,
		Match:            ecosystem.MatchBinary,
		PURLType:         "rpm",
		PURLNamespace:    "suse",
		Feeds:            []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{SLEName}}},
	}
}

// OpenSUSE returns the descriptor of openSUSE Leap and Tumbleweed.
func OpenSUSE() ecosystem.Descriptor {
	return ecosystem.Descriptor{
		Name:          OpenSUSEName,
		Distro:        true,
		OSIDs:         []string{"opensuse-leap", "opensuse", "opensuse-tumbleweed"},
		Release:       openSUSERelease,
		EndOfLife:     leapEndOfLife,
		PackageTypes:  []string{report.TypeRPM},
		Scheme:        ecosystem.SchemeRPM,
		Match:         ecosystem.MatchBinary,
		PURLType:      "rpm",
		PURLNamespace: "opensuse",
		Feeds:         []ecosystem.Feed{{Format: ecosystem.FeedOSV, OSVNames: []string{OpenSUSEName}}},
	}
}

// sleRelease: VERSION_ID 15.3 → "Linux Enterprise Server 15 SP3", 15 →
// "Linux Enterprise Server 15", as OSV names the products.
func sleRelease(os *report.OS) (string, bool) {
	major := ecosystem.Major(os.VersionID)
	if major == "" {
		return "", false
	}
	rel := "Linux Enterprise Server " + major
	if _, minor, ok := strings.Cut(strings.TrimSpace(os.VersionID), "."); ok && minor != "0" {
		if !ecosystem.IsDigits(minor) {
			return "", false
		}
		rel += " SP" + minor
	}
	return rel, true
}

// sleProduct reads the code base of an SLE product name: "Linux
// Enterprise Module for Basesystem 15 SP3" → 15, SP3.
var sleProduct = regexp.MustCompile(`^Linux Enterprise (.+?) (\d+)( SP\d+)?$`)

// NormalizeSLE folds the SLE products that share one code base into the
// Server product's key: "Linux Enterprise Module for Basesystem 15 SP3",
// "Linux Enterprise Server for SAP Applications 15 SP3" and "Linux
// Enterprise Desktop 15 SP3" → "Linux Enterprise Server 15 SP3". A
// container's rpmdb does not say which module a package came from, and
// SUSE publishes a fix once per module, so without the fold a SLES image
// would meet only the few advisories listed under "Server" itself. SLE
// Micro, LTSS and other products with their own versions keep their name.
func NormalizeSLE(release string) string {
	m := sleProduct.FindStringSubmatch(strings.TrimSpace(release))
	if m == nil {
		return release
	}
	prod := m[1]
	switch {
	case prod == "Server", prod == "Desktop", prod == "Server for SAP Applications",
		strings.HasPrefix(prod, "Module for "):
		return "Linux Enterprise Server " + m[2] + m[3]
	}
	return release
}

// sleEndOfLife: the end of general support of each service pack (LTSS
// subscribers get advisories under the LTSS product, which a plain SLES
// image does not match).
func sleEndOfLife(release string) string {
	if d, ok := map[string]string{
		"Linux Enterprise Server 12 SP5": "2024-10-31",
		"Linux Enterprise Server 15":     "2019-12-31",
		"Linux Enterprise Server 15 SP1": "2021-01-31",
		"Linux Enterprise Server 15 SP2": "2021-12-31",
		"Linux Enterprise Server 15 SP3": "2022-12-31",
		"Linux Enterprise Server 15 SP4": "2023-12-31",
		"Linux Enterprise Server 15 SP5": "2024-12-31",
	}[release]; ok {
		return "reached the end of general support on " + d + ": only LTSS advisories, under another product name, follow"
	}
	return ""
}

// openSUSERelease: Leap 15.5 → "Leap 15.5", Leap 42.3 (ID "opensuse") →
// "Leap 42.3", Tumbleweed → "Tumbleweed".
func openSUSERelease(os *report.OS) (string, bool) {
	if strings.EqualFold(strings.TrimSpace(os.ID), "opensuse-tumbleweed") {
		return "Tumbleweed", true
	}
	mm := ecosystem.MajorMinor(os.VersionID)
	return "Leap " + mm, mm != ""
}

func leapEndOfLife(release string) string {
	if d, ok := map[string]string{
		"Leap 42.3": "2019-07-01",
		"Leap 15.0": "2019-12-03",
		"Leap 15.1": "2021-02-02",
		"Leap 15.2": "2022-01-04",
		"Leap 15.3": "2022-12-31",
		"Leap 15.4": "2023-12-07",
		"Leap 15.5": "2024-12-31",
	}[release]; ok {
		return "reached end of life on " + d + ": no advisories are published for it any more"
	}
	return ""
}
