package advisory

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Ecosystem names in OSV's spelling. Distribution ecosystems carry a
// release suffix ("Debian:12", "Alpine:v3.20"); language ecosystems do not.
const (
	EcoDebian    = "Debian"
	EcoUbuntu    = "Ubuntu"
	EcoAlpine    = "Alpine"
	EcoAlmaLinux = "AlmaLinux"
	EcoRocky     = "Rocky Linux"
	EcoRedHat    = "Red Hat"
	EcoGo        = "Go"
	EcoNPM       = "npm"
	EcoPyPI      = "PyPI"
	EcoCrates    = "crates.io"
	EcoMaven     = "Maven"
	EcoRubyGems  = "RubyGems"
	EcoPackagist = "Packagist"
	EcoNuGet     = "NuGet"
)

// canonicalBase maps the lower-cased ecosystem name (the part before the
// first colon) to OSV's spelling, so that feeds and inventories that differ
// only in case still meet.
var canonicalBase = map[string]string{
	"debian":      EcoDebian,
	"ubuntu":      EcoUbuntu,
	"alpine":      EcoAlpine,
	"almalinux":   EcoAlmaLinux,
	"rocky linux": EcoRocky,
	"red hat":     EcoRedHat,
	"go":          EcoGo,
	"npm":         EcoNPM,
	"pypi":        EcoPyPI,
	"crates.io":   EcoCrates,
	"maven":       EcoMaven,
	"rubygems":    EcoRubyGems,
	"packagist":   EcoPackagist,
	"nuget":       EcoNuGet,
}

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
// Unknown ecosystems are returned trimmed but otherwise unchanged.
func NormalizeEcosystem(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	parts := strings.Split(s, ":")
	if c, ok := canonicalBase[strings.ToLower(strings.TrimSpace(parts[0]))]; ok {
		parts[0] = c
	}
	switch parts[0] {
	case EcoUbuntu:
		if len(parts) > 2 && strings.EqualFold(parts[len(parts)-1], "LTS") {
			parts = parts[:len(parts)-1]
		}
	case EcoAlpine:
		if len(parts) == 2 && parts[1] != "" && parts[1][0] >= '0' && parts[1][0] <= '9' {
			parts[1] = "v" + parts[1]
		}
	case EcoRedHat:
		if len(parts) >= 3 && parts[1] == "enterprise_linux" {
			major, _, _ := strings.Cut(parts[2], ".")
			return EcoRedHat + ":" + major
		}
	}
	return strings.Join(parts, ":")
}

// NormalizePackage returns the name under which a package is stored and
// looked up in an ecosystem. PyPI names are normalised per PEP 503 (lower
// case, runs of "-", "_" and "." become "-"); NuGet and Packagist names are
// case-insensitive and are lower-cased. Every other ecosystem is
// case-sensitive (Go module paths, Maven coordinates, distribution package
// names) and is returned trimmed.
func NormalizePackage(ecosystem, name string) string {
	name = strings.TrimSpace(name)
	switch Base(NormalizeEcosystem(ecosystem)) {
	case EcoPyPI:
		var b strings.Builder
		b.Grow(len(name))
		sep := false
		for _, r := range strings.ToLower(name) {
			if r == '-' || r == '_' || r == '.' {
				sep = true
				continue
			}
			if sep && b.Len() > 0 {
				b.WriteByte('-')
			}
			sep = false
			b.WriteRune(r)
		}
		return b.String()
	case EcoNuGet, EcoPackagist:
		return strings.ToLower(name)
	}
	return name
}

// debianCodenames maps Debian release code names to the release numbers
// OSV and this package use in "Debian:N". sid (unstable) and experimental
// have no number and are not mapped.
var debianCodenames = map[string]string{
	"woody":    "3.0",
	"sarge":    "3.1",
	"etch":     "4.0",
	"lenny":    "5.0",
	"squeeze":  "6.0",
	"wheezy":   "7",
	"jessie":   "8",
	"stretch":  "9",
	"buster":   "10",
	"bullseye": "11",
	"bookworm": "12",
	"trixie":   "13",
	"forky":    "14",
	"duke":     "15",
}

// DebianRelease returns the release number of a Debian code name
// ("bookworm" -> "12"); ok is false for sid, experimental and unknown
// names.
func DebianRelease(codename string) (string, bool) {
	n, ok := debianCodenames[strings.ToLower(strings.TrimSpace(codename))]
	return n, ok
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
	if os == nil {
		return "", false
	}
	id := strings.ToLower(strings.TrimSpace(os.ID))
	ver := strings.TrimSpace(os.VersionID)
	major, _, _ := strings.Cut(ver, ".")
	switch id {
	case "debian":
		if major != "" && isDigits(major) {
			return EcoDebian + ":" + major, true
		}
		if n, ok := DebianRelease(os.VersionCodename); ok {
			return EcoDebian + ":" + n, true
		}
	case "ubuntu":
		if ver != "" {
			return EcoUbuntu + ":" + ver, true
		}
	case "alpine":
		if mm := majorMinor(ver); mm != "" {
			return EcoAlpine + ":v" + mm, true
		}
	case "almalinux":
		if isDigits(major) {
			return EcoAlmaLinux + ":" + major, true
		}
	case "rocky":
		if isDigits(major) {
			return EcoRocky + ":" + major, true
		}
	case "rhel":
		if isDigits(major) {
			return EcoRedHat + ":" + major, true
		}
	}
	return "", false
}

// majorMinor returns "3.20" for "3.20.3" or "3.21.0_alpha20240807", and ""
// when ver does not start with two numeric components.
func majorMinor(ver string) string {
	parts := strings.SplitN(ver, ".", 3)
	if len(parts) < 2 || !isDigits(parts[0]) {
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

func isDigits(s string) bool {
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

// packageTypes maps report.Package.Type of language packages to their
// ecosystem. Distribution package types (deb, apk, rpm) are absent: their
// ecosystem depends on the image's OS (see ForOS).
var packageTypes = map[string]string{
	"go-module": EcoGo,
	"gomod":     EcoGo,
	"golang":    EcoGo,
	"go":        EcoGo,
	"npm":       EcoNPM,
	"node":      EcoNPM,
	"pypi":      EcoPyPI,
	"python":    EcoPyPI,
	"cargo":     EcoCrates,
	"crates.io": EcoCrates,
	"maven":     EcoMaven,
	"jar":       EcoMaven,
	"gem":       EcoRubyGems,
	"composer":  EcoPackagist,
	"nuget":     EcoNuGet,
}

// ForPackageType returns the ecosystem of a language package type
// ("go-module" -> "Go", "pypi" -> "PyPI"), or "" when the type is a
// distribution type or unknown.
func ForPackageType(pkgType string) string {
	return packageTypes[strings.ToLower(strings.TrimSpace(pkgType))]
}

// IsDistroType reports whether a package type is a distribution package
// (deb, apk, rpm), matched in the OS's ecosystem by source package.
func IsDistroType(pkgType string) bool {
	switch pkgType {
	case report.TypeDeb, report.TypeAPK, report.TypeRPM:
		return true
	}
	return false
}

// IsDistroEcosystem reports whether an ecosystem is a Linux distribution's,
// whose feed is authoritative for the packages it ships.
func IsDistroEcosystem(ecosystem string) bool {
	switch Base(NormalizeEcosystem(ecosystem)) {
	case EcoDebian, EcoUbuntu, EcoAlpine, EcoAlmaLinux, EcoRocky, EcoRedHat:
		return true
	}
	return false
}
