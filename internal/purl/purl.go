// Package purl converts between report packages and Package URLs
// (https://github.com/package-url/purl-spec), the identifier that SBOMs,
// VEX documents and other scanners use to name a package. Building and
// parsing the strings is left to github.com/package-url/packageurl-go; this
// package only decides which report field goes into which purl part.
package purl

import (
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/name"
	packageurl "github.com/package-url/packageurl-go"

	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Qualifier keys used beyond the spec's arch/distro/epoch: "upstream" names
// the source package, as syft writes it ("name", "name@version", or for rpm
// the source RPM file name), so SBOMs of both tools read back the same way.
const (
	QualArch     = "arch"
	QualDistro   = "distro"
	QualEpoch    = "epoch"
	QualUpstream = "upstream"
)

// purlType returns the purl type of a report package type, from the
// ecosystem descriptors (internal/ecosystem): a distribution's type keeps
// its name ("deb", "apk", "rpm"), a language type its ecosystem's purl type
// ("go-module" → "golang").
func purlType(pkgType string) (string, bool) {
	t := strings.ToLower(pkgType)
	set := all.Default()
	if d, ok := set.ForPackageType(t); ok {
		return d.PURLType, true
	}
	if set.IsDistroType(t) {
		for _, d := range set.Descriptors() {
			if d.Distro && slices.Contains(d.PackageTypes, t) {
				return d.PURLType, true
			}
		}
	}
	return "", false
}

// reportType returns the report package type of a purl type, choosing
// the spelling the scanner's own analyzers use (the descriptor's first).
func reportType(t string) (string, bool) {
	for _, d := range all.Default().ForPURLType(t) {
		if len(d.PackageTypes) > 0 {
			return d.PackageTypes[0], true
		}
	}
	return "", false
}

// vendor returns the purl namespace of an os-release ID where the purl
// spec and other tools use another ("redhat" for "rhel").
func vendor(osID string) (string, bool) {
	_, d, _ := all.Default().ForOS(&report.OS{ID: osID})
	if d.PURLNamespace != "" && d.ClaimsOS(osID) {
		return d.PURLNamespace, true
	}
	return "", false
}

// For returns the package's purl: pkg.PURL when the analyzer set one,
// else one computed from the package and the image's OS (which may be nil).
// It returns "" when the package has no name.
func For(pkg report.Package, os *report.OS) string {
	if pkg.PURL != "" {
		return pkg.PURL
	}
	return Compute(pkg, os)
}

// Compute builds the purl of a package, ignoring pkg.PURL:
//
//	pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl
//	pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3&upstream=busybox
//	pkg:rpm/almalinux/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=almalinux-9.4&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm
//	pkg:golang/golang.org/x/net@v0.7.0
func Compute(pkg report.Package, os *report.OS) string {
	if pkg.Name == "" {
		return ""
	}
	typ, ok := purlType(pkg.Type)
	if !ok {
		// An ecosystem the spec does not know gets the generic type
		// rather than an invented one.
		typ = packageurl.TypeGeneric
	}
	ns, nm := "", pkg.Name
	version := pkg.Version
	q := map[string]string{}
	switch typ {
	case packageurl.TypeDebian, packageurl.TypeApk, packageurl.TypeRPM:
		ns = distroNamespace(typ, os)
		if pkg.Arch != "" {
			q[QualArch] = pkg.Arch
		}
		if os != nil && os.ID != "" && os.VersionID != "" {
			q[QualDistro] = os.ID + "-" + os.VersionID
		}
		if typ == packageurl.TypeRPM {
			// The rpm purl carries the epoch as a qualifier.
			if e, v, ok := strings.Cut(version, ":"); ok {
				q[QualEpoch], version = e, v
			}
		}
		if up := upstream(typ, pkg); up != "" {
			q[QualUpstream] = up
		}
	case packageurl.TypeGolang, packageurl.TypeNPM, packageurl.TypeComposer:
		// The module path / scope / vendor is the namespace.
		if i := strings.LastIndex(nm, "/"); i > 0 {
			ns, nm = nm[:i], nm[i+1:]
		}
	case packageurl.TypeMaven:
		if g, a, ok := strings.Cut(nm, ":"); ok {
			ns, nm = g, a
		}
	case packageurl.TypePyPi:
		// The spec: lower case, '_' replaced with '-'.
		nm = strings.ReplaceAll(strings.ToLower(nm), "_", "-")
	}
	p := packageurl.NewPackageURL(typ, ns, nm, version, packageurl.QualifiersFromMap(q), "")
	return p.ToString()
}

func distroNamespace(typ string, os *report.OS) string {
	if os != nil && os.ID != "" {
		if v, ok := vendor(os.ID); ok {
			return v
		}
		return os.ID
	}
	switch typ {
	case packageurl.TypeDebian:
		return "debian"
	case packageurl.TypeApk:
		return "alpine"
	}
	return ""
}

// upstream spells the source package the way syft does, or "" when the
// binary package is its own source.
func upstream(typ string, pkg report.Package) string {
	if pkg.SourceName == "" {
		return ""
	}
	srcVer := pkg.SourceVersion
	if typ == packageurl.TypeRPM {
		// A source RPM's file name has no epoch.
		if _, v, ok := strings.Cut(srcVer, ":"); ok {
			srcVer = v
		}
		if srcVer == "" {
			return pkg.SourceName
		}
		return pkg.SourceName + "-" + srcVer + ".src.rpm"
	}
	switch {
	case srcVer != "" && srcVer != pkg.Version:
		return pkg.SourceName + "@" + srcVer
	case pkg.SourceName != pkg.Name:
		return pkg.SourceName
	}
	return ""
}

// Parsed is what a purl says about a package and the distribution it came
// from.
type Parsed struct {
	Package report.Package
	// Distro is the distribution named by the namespace and the distro
	// qualifier ("debian-12"), or nil when the purl names none.
	Distro *report.OS
}

// Parse reads a purl back into a package: the inverse of Compute, and
// lenient enough for other tools' purls (syft, trivy). Package.PURL is set
// to s.
func Parse(s string) (Parsed, error) {
	p, err := packageurl.FromString(s)
	if err != nil {
		return Parsed{}, err
	}
	q := p.Qualifiers.Map()
	typ, known := reportType(p.Type)
	if !known {
		typ = p.Type
	}
	pkg := report.Package{Type: typ, Version: p.Version, Arch: q[QualArch], PURL: s}
	out := Parsed{}
	switch p.Type {
	case packageurl.TypeDebian, packageurl.TypeApk, packageurl.TypeRPM:
		pkg.Name = p.Name
		if e := q[QualEpoch]; e != "" && e != "0" && !strings.Contains(pkg.Version, ":") {
			pkg.Version = e + ":" + pkg.Version
		}
		pkg.SourceName, pkg.SourceVersion = parseUpstream(p.Type, q[QualUpstream], pkg)
		out.Distro = parseDistro(p.Namespace, q[QualDistro])
	case packageurl.TypeMaven:
		pkg.Name = joinNonEmpty(p.Namespace, ":", p.Name)
	default:
		pkg.Name = joinNonEmpty(p.Namespace, "/", p.Name)
	}
	out.Package = pkg
	return out, nil
}

func joinNonEmpty(ns, sep, name string) string {
	if ns == "" {
		return name
	}
	return ns + sep + name
}

func parseUpstream(typ, up string, pkg report.Package) (name, version string) {
	if up == "" {
		return pkg.Name, pkg.Version
	}
	if typ == packageurl.TypeRPM && strings.HasSuffix(up, ".src.rpm") {
		// name-version-release.src.rpm; the binary's epoch applies to it.
		base := strings.TrimSuffix(up, ".src.rpm")
		i := strings.LastIndex(base, "-")
		if i > 0 {
			j := strings.LastIndex(base[:i], "-")
			if j > 0 {
				ver := base[j+1:]
				if e, _, ok := strings.Cut(pkg.Version, ":"); ok {
					ver = e + ":" + ver
				}
				return base[:j], ver
			}
		}
		return base, pkg.Version
	}
	if n, v, ok := strings.Cut(up, "@"); ok && n != "" {
		return n, v
	}
	return up, pkg.Version
}

// parseDistro reads "debian-12" or "alpine-3.20.3" (the ID is everything
// before the last '-' that is followed by a digit, so "opensuse-leap-15.5"
// stays whole). Without a qualifier the namespace alone names the ID.
func parseDistro(namespace, distro string) *report.OS {
	if distro == "" {
		if namespace == "" {
			return nil
		}
		return &report.OS{ID: namespace}
	}
	for i := len(distro) - 1; i > 0; i-- {
		if distro[i] == '-' && i+1 < len(distro) && distro[i+1] >= '0' && distro[i+1] <= '9' {
			return &report.OS{ID: distro[:i], VersionID: distro[i+1:]}
		}
	}
	// Debian-family purls sometimes carry the codename ("distro=bookworm").
	id := namespace
	if id == "" {
		id = distro
	}
	return &report.OS{ID: id, VersionCodename: distro}
}

// Image returns the OCI purl of a scanned image,
// pkg:oci/NAME@sha256:...?repository_url=REGISTRY/REPO, or "" when the
// image has no digest (the oci purl's version must be a digest).
// repository_url is given only for registry references.
func Image(img *report.Image) string {
	if img == nil || !strings.HasPrefix(img.Digest, "sha256:") {
		return ""
	}
	nm, repoURL := imageName(img.Reference)
	if nm == "" {
		return ""
	}
	q := map[string]string{}
	if repoURL != "" {
		q["repository_url"] = repoURL
	}
	if _, arch, ok := strings.Cut(img.Platform, "/"); ok {
		arch, _, _ = strings.Cut(arch, "/")
		q[QualArch] = arch
	}
	p := packageurl.NewPackageURL(packageurl.TypeOCI, "", strings.ToLower(nm), img.Digest, packageurl.QualifiersFromMap(q), "")
	return p.ToString()
}

// imageName returns the last path element of the image's repository and,
// for registry references, the repository itself.
func imageName(ref string) (nm, repository string) {
	for _, prefix := range []string{"docker-archive:", "oci-archive:", "oci:", "docker:"} {
		if strings.HasPrefix(ref, prefix) {
			rest := strings.TrimPrefix(ref, prefix)
			if prefix == "docker:" {
				if r, err := name.ParseReference(rest); err == nil {
					return lastElem(r.Context().RepositoryStr()), ""
				}
			}
			// A file or directory: its base name, without extension.
			base := rest[strings.LastIndexAny(rest, `/\`)+1:]
			if i := strings.Index(base, "."); i > 0 {
				base = base[:i]
			}
			return base, ""
		}
	}
	r, err := name.ParseReference(ref)
	if err != nil {
		return "", ""
	}
	return lastElem(r.Context().RepositoryStr()), r.Context().Name()
}

func lastElem(repo string) string {
	return repo[strings.LastIndex(repo, "/")+1:]
}
