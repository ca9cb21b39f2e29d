// Package ecosystem describes what Scanfleet knows about one distribution
// or language ecosystem, in one value: the Descriptor. Each ecosystem has
// its own folder below this one (internal/ecosystem/debian,
// internal/ecosystem/wolfi, internal/ecosystem/pypi, ...) holding its
// descriptor and whatever is peculiar to it (release detection, release
// keys, end-of-life dates); internal/ecosystem/all lists them. Everything
// that used to switch on ecosystem names — advisory.ForOS,
// advisory.NormalizeEcosystem, version.For, purl types and namespaces, the
// default feeds of `db update`, the matcher's choice of source or binary
// package names — is derived from that list, so adding a distribution is
// one folder plus one line in all.Descriptors.
//
// This package is a leaf: it imports only report, so that advisory,
// version, purl, feed and vulndb can all read the descriptors.
package ecosystem

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Scheme names a version ordering. The comparers live in package version,
// one per scheme, not one per ecosystem: a new rpm distribution reuses
// SchemeRPM without touching version.
type Scheme string

// Version schemes.
const (
	SchemeDeb     Scheme = "deb"     // dpkg's ordering (Debian, Ubuntu)
	SchemeAPK     Scheme = "apk"     // apk-tools' ordering (Alpine, Wolfi)
	SchemeRPM     Scheme = "rpm"     // rpmvercmp with epochs (every rpm distribution)
	SchemeGo      Scheme = "go"      // Go module versions and toolchain tags
	SchemeSemver  Scheme = "semver"  // SemVer 2.0
	SchemeNPM     Scheme = "npm"     // node-semver
	SchemePEP440  Scheme = "pep440"  // PyPI
	SchemeMaven   Scheme = "maven"   // Maven's ComparableVersion
	SchemeGem     Scheme = "gem"     // RubyGems
	SchemeGeneric Scheme = "generic" // dotted numbers then a pre-release (Packagist, NuGet)
)

// MatchRule says which package name a distribution's advisories are
// written against.
type MatchRule int

const (
	// MatchName: the package's own name (language ecosystems).
	MatchName MatchRule = iota
	// MatchSource: the source (origin) package and its version (Debian,
	// Ubuntu, Alpine, Wolfi): every binary built from it is affected.
	MatchSource
	// MatchBinary: the binary package name and version (SUSE, Amazon,
	// Oracle, Azure Linux: their feeds list binary NEVRAs).
	MatchBinary
	// MatchSourceAndBinary: both, the binary's version (Red Hat-family
	// OSV data lists binary packages; epochs live in the binary version).
	MatchSourceAndBinary
)

// FeedFormat names how a feed is read (package feed tells formats apart by
// content; the format is documentation and decides how `db update` builds
// the URL).
type FeedFormat string

// Feed formats.
const (
	// FeedOSV is OSV's per-ecosystem archive <osv base>/<OSVName>/all.zip
	// for every name in Feed.OSVNames.
	FeedOSV FeedFormat = "osv"
	// FeedSecDB is an Alpine-style secdb JSON document (Alpine, Wolfi,
	// Chainguard).
	FeedSecDB FeedFormat = "secdb"
	// FeedDebianTracker is the Debian security tracker's JSON export.
	FeedDebianTracker FeedFormat = "debian-tracker"
	// FeedUpdateInfo is a yum repository's updateinfo.xml (Amazon ALAS).
	FeedUpdateInfo FeedFormat = "updateinfo"
	// FeedOVAL is an OVAL definitions XML document.
	FeedOVAL FeedFormat = "oval"
)

// Feed is one default advisory source of an ecosystem.
type Feed struct {
	Format FeedFormat
	// OSVNames are the OSV ecosystem names whose archives are fetched
	// (FeedOSV only): "SUSE" and "openSUSE" for SUSE.
	OSVNames []string
	// Repo is the "reponame" of the distribution's secdb documents
	// (FeedSecDB): how a document without an Alpine branch is told to be
	// Wolfi's ("os") or Chainguard's ("chainguard").
	Repo string
	// IDPrefixes map advisory id prefixes to releases, longest first
	// wins (FeedUpdateInfo, FeedOVAL): how an advisory of a feed that
	// does not name its distribution is placed ("ALAS2-" → Amazon Linux
	// 2).
	IDPrefixes map[string]string
	// Documents map a feed document's file name to the release all its
	// definitions are for (FeedOVAL: "cbl-mariner-2.0-oval.xml" → "2.0"),
	// for feeds whose definitions do not say.
	Documents map[string]string
	// Platforms map an OVAL definition's affected platform to its release
	// ("Photon 3" → "3.0", "Oracle Linux 8" → "8").
	Platforms map[string]string
	// URLs are fetched as they are (other formats). Formats whose URLs
	// depend on configuration (Alpine's branches, the Debian tracker)
	// leave it empty and are built by vulndb.UpdateConfig.
	URLs []string
}

// Descriptor is everything Scanfleet knows about one ecosystem.
type Descriptor struct {
	// Name is the ecosystem's base name in OSV's spelling ("Debian",
	// "Alpine", "Wolfi", "PyPI"). Distribution ecosystems carry a release
	// suffix in advisories and coverage ("Debian:12").
	Name string
	// Distro is true for Linux distributions, whose feeds are
	// authoritative for the packages they ship.
	Distro bool
	// OSIDs are the os-release IDs this distribution claims ("rhel",
	// "sles", "opensuse-leap"). ID_LIKE is never followed: an Ubuntu
	// image matched against Debian's advisories would be matched against
	// other builds of its packages.
	OSIDs []string
	// Release maps a detected OS (one of OSIDs) to the release key of its
	// advisories: "12" for Debian 12 → "Debian:12", "" for a rolling
	// distribution whose advisories carry no release (Wolfi). ok is false
	// when the release cannot be told.
	Release func(os *report.OS) (release string, ok bool)
	// NormalizeRelease folds the spellings feeds use for one release
	// ("3.20" → "v3.20" for Alpine); nil keeps the release as it is.
	NormalizeRelease func(release string) string
	// EndOfLife returns why a release gets no more advisories (its
	// end-of-life date), or "" while it is supported; nil means never.
	EndOfLife func(release string) string
	// PackageTypes are the report.Package types matched in this ecosystem
	// (every spelling, lower case): "deb"; "go-module", "gomod", ...
	// A distribution's type is shared with others of its family, which
	// are told apart by OSIDs.
	PackageTypes []string
	// NormalizePackage folds the spellings of a package name that the
	// ecosystem treats as one (PEP 503 for PyPI; case for NuGet and
	// Packagist); nil means names are case-sensitive and kept.
	NormalizePackage func(name string) string
	// Scheme is the version ordering.
	Scheme Scheme
	// Match says which package name advisories are written against.
	Match MatchRule
	// PURLType is the package-url type ("deb", "apk", "rpm", "pypi", ...).
	PURLType string
	// PURLNamespace is the purl namespace of the distribution's packages
	// when it differs from the os-release ID ("redhat" for "rhel").
	PURLNamespace string
	// Feeds are the default advisory sources of `db update`.
	Feeds []Feed
}

// Key returns the advisory ecosystem of a release ("Debian", "12" →
// "Debian:12"; "Wolfi", "" → "Wolfi").
func (d Descriptor) Key(release string) string {
	if release == "" {
		return d.Name
	}
	return d.Name + ":" + release
}

// ClaimsOS reports whether the descriptor claims the os-release ID id.
func (d Descriptor) ClaimsOS(id string) bool {
	id = strings.ToLower(strings.TrimSpace(id))
	for _, x := range d.OSIDs {
		if x == id {
			return true
		}
	}
	return false
}

// MajorMinor returns "3.20" for "3.20.3" or "3.21.0_alpha20240807", and ""
// when ver does not start with two numeric components.
func MajorMinor(ver string) string {
	parts := strings.SplitN(strings.TrimSpace(ver), ".", 3)
	if len(parts) < 2 || !IsDigits(parts[0]) {
		return ""
	}
	minor := parts[1]
	if i := strings.IndexFunc(minor, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = minor[:i]
	}
	if minor == "" {
		return ""
	}
	return parts[0] + "." + minor
}

// Major returns the leading number of ver ("9" for "9.4"), or "" when ver
// does not start with one.
func Major(ver string) string {
	major, _, _ := strings.Cut(strings.TrimSpace(ver), ".")
	if !IsDigits(major) {
		return ""
	}
	return major
}

// MajorRelease is a Release function for distributions whose advisories
// are per major version (AlmaLinux 9.4 → "9").
func MajorRelease(os *report.OS) (string, bool) {
	m := Major(os.VersionID)
	return m, m != ""
}

// IsDigits reports whether s is a non-empty run of ASCII digits.
func IsDigits(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
