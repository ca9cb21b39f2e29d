// Package version orders package versions the way each ecosystem's own
// package manager does. Vulnerability ranges are only as correct as this
// ordering: "1.10" sorts after "1.9", "1.0~rc1" before "1.0" in dpkg and
// rpm, "1.0^git1" after "1.0" in rpm, "1.2.3-r10" after "1.2.3-r9" in apk,
// "1.0.post1" after "1.0" and "1.0.dev1" before "1.0a1" in PyPI. Versions
// are never compared as strings.
//
// There is one comparer per version scheme (ecosystem.Scheme), and each
// ecosystem's descriptor names its scheme, so a new rpm or apk
// distribution needs nothing here. Every comparer is backed by a
// field-proven library:
//
//	deb (Debian, Ubuntu)            github.com/knqyf263/go-deb-version
//	apk (Alpine, Wolfi, Chainguard) github.com/knqyf263/go-apk-version
//	rpm (every rpm distribution)    github.com/knqyf263/go-rpm-version
//	Go                              golang.org/x/mod/semver (plus Go tag forms)
//	SEMVER ranges, crates.io        github.com/Masterminds/semver/v3
//	npm                             github.com/aquasecurity/go-npm-version
//	PyPI                            github.com/aquasecurity/go-pep440-version
//	Maven                           github.com/masahiro331/go-mvn-version
//	RubyGems                        github.com/aquasecurity/go-gem-version
//	Packagist, NuGet                github.com/aquasecurity/go-version/pkg/version
//
// Packagist and NuGet use aquasecurity/go-version's generic version: both
// are "dotted numbers, then an optional pre-release" schemes with more than
// three numeric components allowed (NuGet's 1.2.3.4, Composer's 1.0.0.0),
// which a strict SemVer parser rejects; Trivy uses the same library for
// both.
package version

import (
	"errors"
	"fmt"
	"strings"

	msemver "github.com/Masterminds/semver/v3"
	gem "github.com/aquasecurity/go-gem-version"
	npm "github.com/aquasecurity/go-npm-version/pkg"
	pep440 "github.com/aquasecurity/go-pep440-version"
	generic "github.com/aquasecurity/go-version/pkg/version"
	apk "github.com/knqyf263/go-apk-version"
	deb "github.com/knqyf263/go-deb-version"
	rpm "github.com/knqyf263/go-rpm-version"
	mvn "github.com/masahiro331/go-mvn-version"
	"golang.org/x/mod/semver"

	"github.com/scanfleet/scanfleet/internal/advisory"
	eco "github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
)

// Comparer orders the versions of one ecosystem.
type Comparer interface {
	// Compare returns -1, 0 or +1 as a is lower than, equal to or higher
	// than b. It fails when either is not a valid version of the
	// ecosystem; callers must not guess an order then.
	Compare(a, b string) (int, error)
}

// ErrUnsupported is returned by For for an ecosystem without a comparer.
var ErrUnsupported = errors.New("unsupported ecosystem")

// RangeSemver is the OSV range type whose events are SemVer 2.0 versions
// whatever the ecosystem.
const RangeSemver = "SEMVER"

// For returns the comparer of an ecosystem ("Debian:12", "PyPI", ...; the
// release suffix is ignored) or of the pseudo-ecosystem "SEMVER": the
// comparer of the scheme its descriptor names (internal/ecosystem).
func For(ecosystem string) (Comparer, error) {
	if ecosystem == RangeSemver {
		return semverComparer{}, nil
	}
	d, ok := all.Default().Lookup(ecosystem)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnsupported, ecosystem)
	}
	c, err := ForScheme(d.Scheme)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", ecosystem, err)
	}
	return c, nil
}

// ForScheme returns the comparer of a version scheme.
func ForScheme(s eco.Scheme) (Comparer, error) {
	switch s {
	case eco.SchemeDeb:
		return debComparer{}, nil
	case eco.SchemeAPK:
		return apkComparer{}, nil
	case eco.SchemeRPM:
		return rpmComparer{}, nil
	case eco.SchemeGo:
		return goComparer{}, nil
	case eco.SchemeSemver:
		return semverComparer{}, nil
	case eco.SchemeNPM:
		return npmComparer{}, nil
	case eco.SchemePEP440:
		return pep440Comparer{}, nil
	case eco.SchemeMaven:
		return mavenComparer{}, nil
	case eco.SchemeGem:
		return gemComparer{}, nil
	case eco.SchemeGeneric:
		return genericComparer{}, nil
	}
	return nil, fmt.Errorf("%w: version scheme %q", ErrUnsupported, s)
}

// ForRange returns the comparer for the events of an OSV range of type
// rangeType in ecosystem. SEMVER ranges use SemVer ordering, except in Go,
// whose SEMVER events are Go module versions without the "v" (which the Go
// comparer accepts, along with Go toolchain tags).
func ForRange(ecosystem, rangeType string) (Comparer, error) {
	if rangeType == RangeSemver && advisory.Base(advisory.NormalizeEcosystem(ecosystem)) != advisory.EcoGo {
		return semverComparer{}, nil
	}
	return For(ecosystem)
}

// parseBoth parses a and b with parse, naming the bad one in the error.
// Third-party parsers are fed untrusted feed and image data, so a panic in
// one of them is turned into an error rather than taking the scan down.
func parseBoth[T any](kind string, parse func(string) (T, error), a, b string) (va, vb T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s version parser failed on %q / %q: %v", kind, a, b, r)
		}
	}()
	if va, err = parse(a); err != nil {
		return va, vb, fmt.Errorf("invalid %s version %q: %w", kind, a, err)
	}
	if vb, err = parse(b); err != nil {
		return va, vb, fmt.Errorf("invalid %s version %q: %w", kind, b, err)
	}
	return va, vb, nil
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// safeCompare runs cmp, turning a panic into an error (see parseBoth).
func safeCompare(kind, a, b string, cmp func() int) (res int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%s version comparison failed on %q / %q: %v", kind, a, b, r)
		}
	}()
	return sign(cmp()), nil
}

type debComparer struct{}

func (debComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("dpkg", deb.NewVersion, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("dpkg", a, b, func() int { return va.Compare(vb) })
}

type apkComparer struct{}

func parseAPK(s string) (apk.Version, error) {
	if s == "" {
		return "", errors.New("empty version")
	}
	return apk.NewVersion(s)
}

func (apkComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("apk", parseAPK, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("apk", a, b, func() int { return va.Compare(vb) })
}

type rpmComparer struct{}

// parseRPM validates what go-rpm-version accepts silently: it parses any
// string, reading a bad epoch as 0, which would misorder "x:1.0".
func parseRPM(s string) (rpm.Version, error) {
	if strings.TrimSpace(s) == "" {
		return rpm.Version{}, errors.New("empty version")
	}
	if e, rest, ok := strings.Cut(s, ":"); ok {
		if e = strings.TrimSpace(e); e == "" || strings.Trim(e, "0123456789") != "" || len(e) > 9 {
			return rpm.Version{}, fmt.Errorf("bad epoch %q", e)
		}
		if rest == "" || strings.Contains(rest, ":") {
			return rpm.Version{}, errors.New("bad version after epoch")
		}
	}
	return rpm.NewVersion(s), nil
}

func (rpmComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("rpm", parseRPM, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("rpm", a, b, func() int { return va.Compare(vb) })
}

type goComparer struct{}

// GoSemver converts the version forms found in Go vulnerability data and Go
// binaries to canonical x/mod semver: module versions with or without the
// "v" ("1.2.3", "v1.2.3", pseudo-versions, "+incompatible"), and Go
// toolchain tags ("go1.21.0", "1.21", "go1.21rc2" -> "v1.21.0-rc.2",
// "go1.20 X:boringcrypto" -> "v1.20.0"). It returns "" when the result is
// not valid semver.
func GoSemver(s string) string {
	s = strings.TrimSpace(s)
	if f := strings.Fields(s); len(f) > 1 {
		s = f[0]
	}
	if rest, ok := strings.CutPrefix(s, "go"); ok {
		s = rest
	}
	if !strings.HasPrefix(s, "v") {
		s = goTag(s)
		s = "v" + s
	}
	if !semver.IsValid(s) {
		return ""
	}
	return s
}

// goTag turns a Go release tag without "go" ("1.21", "1.21.0", "1.21rc2",
// "1.9beta1") into semver without "v"; other strings are returned as they
// are. Release tags before Go 1.21 name the .0 release without a patch
// number ("go1.20"), and pre-releases are glued to the minor ("go1.21rc2").
func goTag(s string) string {
	num := s
	pre := ""
	if i := strings.IndexAny(s, "abcdefghijklmnopqrstuvwxyz"); i > 0 {
		num, pre = s[:i], s[i:]
		if strings.ContainsAny(pre, "-+.") {
			return s // an ordinary semver pre-release, not a Go tag
		}
	}
	parts := strings.Split(num, ".")
	if len(parts) < 1 || len(parts) > 3 {
		return s
	}
	for _, p := range parts {
		if !isDigits(p) {
			return s
		}
	}
	for len(parts) < 3 {
		parts = append(parts, "0")
	}
	out := strings.Join(parts, ".")
	if pre != "" {
		j := strings.IndexAny(pre, "0123456789")
		if j < 0 {
			return s
		}
		out += "-" + pre[:j] + "." + pre[j:]
	}
	return out
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

func (goComparer) Compare(a, b string) (int, error) {
	sa, sb := GoSemver(a), GoSemver(b)
	if sa == "" {
		return 0, fmt.Errorf("invalid Go version %q", a)
	}
	if sb == "" {
		return 0, fmt.Errorf("invalid Go version %q", b)
	}
	return semver.Compare(sa, sb), nil
}

type semverComparer struct{}

func (semverComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("semver", msemver.NewVersion, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("semver", a, b, func() int { return va.Compare(vb) })
}

type npmComparer struct{}

func (npmComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("npm", npm.NewVersion, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("npm", a, b, func() int { return va.Compare(vb) })
}

type pep440Comparer struct{}

func (pep440Comparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("PEP 440", pep440.Parse, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("PEP 440", a, b, func() int { return va.Compare(vb) })
}

type mavenComparer struct{}

func parseMaven(s string) (mvn.Version, error) {
	// go-mvn-version accepts anything; an empty version would sort as 0.
	if strings.TrimSpace(s) == "" {
		return mvn.Version{}, errors.New("empty version")
	}
	return mvn.NewVersion(s)
}

func (mavenComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("Maven", parseMaven, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("Maven", a, b, func() int { return va.Compare(vb) })
}

type gemComparer struct{}

func parseGem(s string) (gem.Version, error) {
	// RubyGems reads "" as "0"; in a feed or an inventory it is a mistake.
	if strings.TrimSpace(s) == "" {
		return gem.Version{}, errors.New("empty version")
	}
	return gem.NewVersion(s)
}

func (gemComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("RubyGems", parseGem, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("RubyGems", a, b, func() int { return va.Compare(vb) })
}

type genericComparer struct{}

func (genericComparer) Compare(a, b string) (int, error) {
	va, vb, err := parseBoth("generic", generic.Parse, a, b)
	if err != nil {
		return 0, err
	}
	return safeCompare("generic", a, b, func() int { return va.Compare(vb) })
}
