package advisory

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/ecosystem/almalinux"
	"github.com/scanfleet/scanfleet/internal/ecosystem/alpine"
	"github.com/scanfleet/scanfleet/internal/ecosystem/cratesio"
	"github.com/scanfleet/scanfleet/internal/ecosystem/debian"
	"github.com/scanfleet/scanfleet/internal/ecosystem/golang"
	"github.com/scanfleet/scanfleet/internal/ecosystem/maven"
	"github.com/scanfleet/scanfleet/internal/ecosystem/npm"
	"github.com/scanfleet/scanfleet/internal/ecosystem/nuget"
	"github.com/scanfleet/scanfleet/internal/ecosystem/packagist"
	"github.com/scanfleet/scanfleet/internal/ecosystem/pypi"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat"
	"github.com/scanfleet/scanfleet/internal/ecosystem/rocky"
	"github.com/scanfleet/scanfleet/internal/ecosystem/rubygems"
	"github.com/scanfleet/scanfleet/internal/ecosystem/ubuntu"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Ecosystem names in OSV's spelling, as the descriptors of
// internal/ecosystem spell them. Distribution ecosystems carry a release
// suffix ("Debian:12", "Alpine:v3.20"); language ecosystems do not. What
// each ecosystem means (os-release IDs, release keys, package types,
// version scheme) is in its descriptor; these constants only name them.
const (
	EcoDebian    = debian.Name
	EcoUbuntu    = ubuntu.Name
	EcoAlpine    = alpine.Name
	EcoAlmaLinux = almalinux.Name
	EcoRocky     = rocky.Name
	EcoRedHat    = redhat.Name
	EcoGo        = golang.Name
	EcoNPM       = npm.Name
	EcoPyPI      = pypi.Name
	EcoCrates    = cratesio.Name
	EcoMaven     = maven.Name
	EcoRubyGems  = rubygems.Name
	EcoPackagist = packagist.Name
	EcoNuGet     = nuget.Name
)

// Base returns the ecosystem name without its release suffix
// ("Debian:12" -> "Debian").
func Base(ecosystem string) string {
	base, _, _ := strings.Cut(ecosystem, ":")
	return base
}

// NormalizeEcosystem returns the key under which advisories of an ecosystem
// are stored and looked up. It folds the spellings feeds use for the same
// release into one:
//
//   - "Ubuntu:22.04:LTS" -> "Ubuntu:22.04" (the LTS tag is not part of the
//     release; "Ubuntu:Pro:18.04:LTS" -> "Ubuntu:Pro:18.04", which stays
//     distinct because Pro packages are not in the public archive);
//   - "Alpine:3.20" -> "Alpine:v3.20" (secdb and OSV write the "v");
//   - "Red Hat:enterprise_linux:9::appstream" -> "Red Hat:9": Red Hat's OSV
//     ecosystems are CPE-like and split by repository, but a container's
//     rpmdb does not say which repository a package came from, so all
//     RHEL N repositories are one ecosystem. Other Red Hat products
//     (OpenShift, EUS, ...) keep their full name and so never match a
//     plain RHEL image;
//   - base names are case-folded to OSV's spelling ("pypi" -> "PyPI").
//
// Unknown ecosystems are returned trimmed but otherwise unchanged. The
// rules are the descriptors' (ecosystem.Descriptor.NormalizeRelease).
func NormalizeEcosystem(s string) string {
	return all.Default().Normalize(s)
}

// NormalizePackage returns the name under which a package is stored and
// looked up in an ecosystem. PyPI names are normalised per PEP 503 (lower
// case, runs of "-", "_" and "." become "-"); NuGet and Packagist names are
// case-insensitive and are lower-cased. Every other ecosystem is
// case-sensitive (Go module paths, Maven coordinates, distribution package
// names) and is returned trimmed.
func NormalizePackage(ecosystem, name string) string {
	name = strings.TrimSpace(name)
	if d, ok := all.Default().Lookup(ecosystem); ok && d.NormalizePackage != nil {
		return d.NormalizePackage(name)
	}
	return name
}

// DebianRelease returns the release number of a Debian code name
// ("bookworm" -> "12"); ok is false for sid, experimental and unknown
// names.
func DebianRelease(codename string) (string, bool) {
	return debian.Release(codename)
}

// ForOS maps the distribution found in an image to the ecosystem its
// distribution packages are matched in. It uses os-release's ID only:
// following ID_LIKE would match, say, an Ubuntu image against Debian's
// advisories, which are about other builds of the packages.
//
//	debian 12          -> "Debian:12" (a testing image without VERSION_ID
//	                      uses its code name: trixie -> "Debian:13")
//	ubuntu 22.04       -> "Ubuntu:22.04"
//	alpine 3.20.3      -> "Alpine:v3.20"
//	almalinux 9.4      -> "AlmaLinux:9"
//	rocky 9.3          -> "Rocky Linux:9"
//	rhel 9.4           -> "Red Hat:9" (see NormalizeEcosystem)
//
// ok is false for other distributions and when the release is unknown.
func ForOS(os *report.OS) (ecosystem string, ok bool) {
	key, _, ok := all.Default().ForOS(os)
	return key, ok
}

// ForPackageType returns the ecosystem of a language package type
// ("go-module" -> "Go", "pypi" -> "PyPI"), or "" when the type is a
// distribution type or unknown.
func ForPackageType(pkgType string) string {
	d, ok := all.Default().ForPackageType(pkgType)
	if !ok {
		return ""
	}
	return d.Name
}

// IsDistroType reports whether a package type is a distribution package
// (deb, apk, rpm), matched in the OS's ecosystem.
func IsDistroType(pkgType string) bool {
	return all.Default().IsDistroType(pkgType)
}

// IsDistroEcosystem reports whether an ecosystem is a Linux distribution's,
// whose feed is authoritative for the packages it ships.
func IsDistroEcosystem(ecosystem string) bool {
	d, ok := all.Default().Lookup(ecosystem)
	return ok && d.Distro
}
