// Package cyclonedx writes a scan report as a CycloneDX JSON BOM (spec
// 1.6 by default), built and encoded with github.com/CycloneDX/cyclonedx-go,
// the format's reference Go library.
//
// Layout:
//   - metadata.component is the image (type container, name = reference,
//     version = digest, purl = pkg:oci/...);
//   - one operating-system component for the OS, one library component per
//     package, bom-ref = purl; scanfleet:* properties carry what purls do
//     not (package type, source package, database path, layer);
//   - one vulnerability per advisory id, affecting every package it was
//     found in, with one rating per CVSS vector (or one from the severity
//     word), the fixed versions in recommendation, and findings that VEX
//     suppressed carrying analysis.state not_affected or resolved.
//
// internal/sbom reads these documents back.
package cyclonedx

import (
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Property names written on components; internal/sbom reads them back.
const (
	PropType           = "scanfleet:package:type"
	PropSourceName     = "scanfleet:package:source_name"
	PropSourceVersion  = "scanfleet:package:source_version"
	PropPath           = "scanfleet:package:path"
	PropLayer          = "scanfleet:layer:digest"
	PropLayerCreatedBy = "scanfleet:layer:created_by"
	PropOwnedBy        = "scanfleet:package:owned_by"
	PropOSIDLike       = "scanfleet:os:id_like"
	PropOSCodename     = "scanfleet:os:version_codename"
)

// DefaultSpecVersion is the CycloneDX version Write produces.
const DefaultSpecVersion = cdx.SpecVersion1_6

// Write renders rep as a CycloneDX 1.6 JSON BOM.
func Write(w io.Writer, rep *report.Report) error {
	return WriteVersion(w, rep, DefaultSpecVersion)
}

// WriteVersion renders rep in a given CycloneDX spec version (1.5 or
// later: earlier ones lack fields the mapping relies on).
func WriteVersion(w io.Writer, rep *report.Report, v cdx.SpecVersion) error {
	if rep == nil {
		return fmt.Errorf("cyclonedx: nil report")
	}
	if v < cdx.SpecVersion1_5 {
		return fmt.Errorf("cyclonedx: spec version %s not supported (1.5 or later)", v)
	}
	bom := Build(rep)
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, v); err != nil {
		return fmt.Errorf("cyclonedx: encoding: %w", err)
	}
	return nil
}

// Build maps a report to a BOM.
func Build(rep *report.Report) *cdx.BOM {
	bom := cdx.NewBOM()
	bom.SerialNumber = serialNumber(rep)

	version := rep.ScannerVersion
	if version == "" {
		version = "unknown"
	}
	meta := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type: cdx.ComponentTypeApplication, Name: "scanfleet", Version: version,
		}}},
	}
	if !rep.ScannedAt.IsZero() {
		meta.Timestamp = rep.ScannedAt.UTC().Format(time.RFC3339)
	}
	root := imageComponent(rep.Image)
	meta.Component = root
	bom.Metadata = meta

	var comps []cdx.Component
	var deps []cdx.Dependency
	osRef := ""
	if rep.OS != nil && rep.OS.ID != "" {
		osc := osComponent(rep.OS)
		osRef = osc.BOMRef
		comps = append(comps, osc)
	}

	refs := refAssigner{used: map[string]bool{root.BOMRef: true, osRef: true}}
	var distroRefs, otherRefs []string
	pkgRef := make(map[pkgKey]string, len(rep.Packages))
	for _, p := range rep.Packages {
		c := packageComponent(p, rep.OS)
		c.BOMRef = refs.assign(c.PackageURL, p)
		k := pkgKey{p.Name, p.Type, p.Version}
		if _, dup := pkgRef[k]; !dup {
			pkgRef[k] = c.BOMRef
		}
		comps = append(comps, c)
		if osRef != "" && report.IsOSType(p.Type) {
			distroRefs = append(distroRefs, c.BOMRef)
		} else {
			otherRefs = append(otherRefs, c.BOMRef)
		}
	}
	rootDeps := otherRefs
	if osRef != "" {
		rootDeps = append([]string{osRef}, otherRefs...)
		deps = append(deps, cdx.Dependency{Ref: osRef, Dependencies: nonEmpty(distroRefs)})
	}
	deps = append([]cdx.Dependency{{Ref: root.BOMRef, Dependencies: nonEmpty(rootDeps)}}, deps...)
	for _, c := range comps {
		if c.Type == cdx.ComponentTypeLibrary {
			deps = append(deps, cdx.Dependency{Ref: c.BOMRef})
		}
	}
	bom.Components = &comps
	bom.Dependencies = &deps

	if vulns := vulnerabilities(rep, pkgRef); len(vulns) > 0 {
		bom.Vulnerabilities = &vulns
	}
	return bom
}

// serialNumber is stable for one report (same image, same scan time) and
// distinct across scans, so re-rendering a saved report gives the same BOM.
func serialNumber(rep *report.Report) string {
	seed := rep.ScannedAt.UTC().Format(time.RFC3339Nano)
	if rep.Image != nil {
		seed = rep.Image.Reference + "|" + rep.Image.Digest + "|" + seed
	}
	for _, p := range rep.Packages {
		seed += "|" + p.Name + "@" + p.Version
	}
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte("scanfleet:"+seed)).String()
}

// nonEmpty avoids "dependsOn": null, which the schema rejects.
func nonEmpty(refs []string) *[]string {
	if len(refs) == 0 {
		return nil
	}
	return &refs
}

type pkgKey struct{ name, typ, version string }

// refAssigner hands out unique bom-refs: the purl, or purl#N when two
// packages share one (the same library vendored at two paths).
type refAssigner struct{ used map[string]bool }

func (r refAssigner) assign(purl string, p report.Package) string {
	base := purl
	if base == "" {
		base = "pkg:" + p.Type + "/" + p.Name + "@" + p.Version
	}
	ref := base
	for i := 2; r.used[ref]; i++ {
		ref = fmt.Sprintf("%s#%d", base, i)
	}
	r.used[ref] = true
	return ref
}

func imageComponent(img *report.Image) *cdx.Component {
	c := &cdx.Component{Type: cdx.ComponentTypeContainer, Name: "image", BOMRef: "image"}
	if img == nil {
		return c
	}
	if img.Reference != "" {
		c.Name = img.Reference
	}
	c.Version = img.Digest
	if p := purl.Image(img); p != "" {
		c.PackageURL = p
		c.BOMRef = p
	} else if img.Reference != "" {
		c.BOMRef = "image:" + img.Reference
	}
	var props []cdx.Property
	if img.Platform != "" {
		props = append(props, cdx.Property{Name: "scanfleet:image:platform", Value: img.Platform})
	}
	for i, l := range img.Layers {
		props = append(props, cdx.Property{Name: fmt.Sprintf("scanfleet:image:layer:%d", i), Value: l.Digest})
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

func osComponent(os *report.OS) cdx.Component {
	c := cdx.Component{
		Type:        cdx.ComponentTypeOS,
		BOMRef:      "os:" + os.ID + "@" + os.VersionID,
		Name:        os.ID,
		Version:     os.VersionID,
		Description: os.PrettyName,
	}
	var props []cdx.Property
	if os.VersionCodename != "" {
		props = append(props, cdx.Property{Name: PropOSCodename, Value: os.VersionCodename})
	}
	if len(os.IDLike) > 0 {
		props = append(props, cdx.Property{Name: PropOSIDLike, Value: strings.Join(os.IDLike, " ")})
	}
	if len(props) > 0 {
		c.Properties = &props
	}
	return c
}

func packageComponent(p report.Package, os *report.OS) cdx.Component {
	c := cdx.Component{
		Type:       cdx.ComponentTypeLibrary,
		Name:       p.Name,
		Version:    p.Version,
		PackageURL: purl.For(p, os),
	}
	props := []cdx.Property{{Name: PropType, Value: p.Type}}
	add := func(name, value string) {
		if value != "" {
			props = append(props, cdx.Property{Name: name, Value: value})
		}
	}
	add(PropSourceName, p.SourceName)
	add(PropSourceVersion, p.SourceVersion)
	add(PropPath, p.Path)
	add(PropLayer, p.Layer)
	add(PropLayerCreatedBy, p.LayerCreatedBy)
	add(PropOwnedBy, p.OwnedBy)
	c.Properties = &props
	return c
}

// Severity maps a normalised severity to CycloneDX's word.
func Severity(s report.Severity) cdx.Severity {
	switch report.ParseSeverity(string(s)) {
	case report.SeverityCritical:
		return cdx.SeverityCritical
	case report.SeverityHigh:
		return cdx.SeverityHigh
	case report.SeverityMedium:
		return cdx.SeverityMedium
	case report.SeverityLow:
		return cdx.SeverityLow
	case report.SeverityNegligible:
		return cdx.SeverityInfo
	}
	return cdx.SeverityUnknown
}

func method(version string) cdx.ScoringMethod {
	switch {
	case strings.HasPrefix(version, "4"):
		return cdx.ScoringMethodCVSSv4
	case version == "3.1":
		return cdx.ScoringMethodCVSSv31
	case strings.HasPrefix(version, "3"):
		return cdx.ScoringMethodCVSSv3
	case strings.HasPrefix(version, "2"):
		return cdx.ScoringMethodCVSSv2
	}
	return cdx.ScoringMethodOther
}

// cvssSeverity is the CVSS v3/v4 qualitative rating of a score.
func cvssSeverity(score float64) cdx.Severity {
	switch {
	case score >= 9.0:
		return cdx.SeverityCritical
	case score >= 7.0:
		return cdx.SeverityHigh
	case score >= 4.0:
		return cdx.SeverityMedium
	case score > 0:
		return cdx.SeverityLow
	}
	return cdx.SeverityNone
}

type finding struct {
	v          report.Vulnerability
	suppressed *report.Suppressed
}

// vulnerabilities groups findings by advisory id, in first-seen order.
func vulnerabilities(rep *report.Report, pkgRef map[pkgKey]string) []cdx.Vulnerability {
	var order []string
	byID := map[string][]finding{}
	add := func(f finding) {
		// A VEX-suppressed finding is its own entry: CycloneDX's analysis
		// applies to the whole vulnerability object.
		key := f.v.ID
		if f.suppressed != nil {
			key += "\x00" + f.v.Package + "\x00" + f.v.InstalledVersion
		}
		if _, ok := byID[key]; !ok {
			order = append(order, key)
		}
		byID[key] = append(byID[key], f)
	}
	for _, v := range rep.Vulnerabilities {
		add(finding{v: v})
	}
	for i := range rep.Suppressed {
		add(finding{v: rep.Suppressed[i].Vulnerability, suppressed: &rep.Suppressed[i]})
	}
	out := make([]cdx.Vulnerability, 0, len(order))
	for n, key := range order {
		out = append(out, vulnerability(byID[key], pkgRef, n))
	}
	return out
}

func vulnerability(fs []finding, pkgRef map[pkgKey]string, n int) cdx.Vulnerability {
	first := fs[0].v
	cv := cdx.Vulnerability{
		BOMRef:      fmt.Sprintf("vuln-%d:%s", n, first.ID),
		ID:          first.ID,
		Source:      &cdx.Source{Name: first.Source},
		Description: first.Description,
	}
	if len(first.References) > 0 {
		cv.Source.URL = first.References[0]
		adv := make([]cdx.Advisory, 0, len(first.References))
		for _, r := range first.References {
			adv = append(adv, cdx.Advisory{URL: r})
		}
		cv.Advisories = &adv
	}
	if len(first.Aliases) > 0 {
		refs := make([]cdx.VulnerabilityReference, 0, len(first.Aliases))
		for _, a := range first.Aliases {
			refs = append(refs, cdx.VulnerabilityReference{ID: a, Source: &cdx.Source{Name: aliasSource(a)}})
		}
		cv.References = &refs
	}
	cv.Ratings = ratings(first)

	var affects []cdx.Affects
	var fixes []string
	seen := map[string]bool{}
	for _, f := range fs {
		v := f.v
		ref := pkgRef[pkgKey{v.Package, v.PackageType, v.InstalledVersion}]
		if ref == "" {
			// A finding on a package the inventory does not list
			// cannot be linked; the recommendation still names it.
			ref = "pkg:" + v.PackageType + "/" + v.Package + "@" + v.InstalledVersion
		}
		if seen[ref] {
			continue
		}
		seen[ref] = true
		versions := []cdx.AffectedVersions{{Version: v.InstalledVersion, Status: cdx.VulnerabilityStatusAffected}}
		if f.suppressed != nil {
			versions[0].Status = cdx.VulnerabilityStatusNotAffected
		}
		if v.FixedVersion != "" {
			versions = append(versions, cdx.AffectedVersions{Version: v.FixedVersion, Status: cdx.VulnerabilityStatusNotAffected})
			fixes = append(fixes, fmt.Sprintf("Upgrade %s to %s", v.Package, v.FixedVersion))
		}
		affects = append(affects, cdx.Affects{Ref: ref, Range: &versions})
	}
	cv.Affects = &affects
	if len(fixes) > 0 {
		cv.Recommendation = strings.Join(fixes, "; ") + "."
	} else {
		cv.Recommendation = "No fixed version is available yet."
	}
	if s := fs[0].suppressed; s != nil {
		cv.Analysis = analysis(s)
	}
	return cv
}

// ratings gives one rating per scored vector, each under the source that
// scored it (the CNA, NVD, CISA ADP, GHSA, a distribution), and one for
// the feed's own severity word, under the feed that gave it.
func ratings(v report.Vulnerability) *[]cdx.VulnerabilityRating {
	var rs []cdx.VulnerabilityRating
	cvss := slices.Clone(v.CVSS)
	sort.SliceStable(cvss, func(i, j int) bool { return cvss[i].Version > cvss[j].Version })
	for _, c := range cvss {
		score := c.Score
		rs = append(rs, cdx.VulnerabilityRating{
			Source:   ratingSource(v, c.Source),
			Score:    &score,
			Severity: cvssSeverity(score),
			Method:   method(c.Version),
			Vector:   c.Vector,
		})
	}
	// The feed's own word is a rating of its own: when it is the
	// report's severity it may differ from CVSS.
	if v.VendorSeverity != "" {
		rs = append(rs, cdx.VulnerabilityRating{
			Source:   ratingSource(v, v.VendorSeveritySource),
			Severity: Severity(report.ParseSeverity(v.VendorSeverity)),
			Method:   cdx.ScoringMethodOther,
		})
	} else if len(cvss) == 0 {
		rs = append(rs, cdx.VulnerabilityRating{
			Source:   ratingSource(v, v.SeveritySource),
			Severity: Severity(v.Severity),
			Method:   cdx.ScoringMethodOther,
		})
	}
	return &rs
}

// ratingSource names a severity source as CycloneDX wants it: a name and,
// where the source has one page per vulnerability, its URL.
func ratingSource(v report.Vulnerability, src string) *cdx.Source {
	cve := v.ID
	if !strings.HasPrefix(cve, "CVE-") {
		for _, a := range v.Aliases {
			if strings.HasPrefix(a, "CVE-") {
				cve = a
				break
			}
		}
	}
	switch src {
	case report.SourceNVD:
		return &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + cve}
	case report.SourceCNA:
		return &cdx.Source{Name: "CNA", URL: "https://www.cve.org/CVERecord?id=" + cve}
	case report.SourceCISAADP:
		return &cdx.Source{Name: "CISA ADP", URL: "https://www.cve.org/CVERecord?id=" + cve}
	case report.SourceGHSA:
		return &cdx.Source{Name: "GitHub"}
	case "":
		return &cdx.Source{Name: v.Source}
	}
	return &cdx.Source{Name: src}
}

func aliasSource(id string) string {
	switch {
	case strings.HasPrefix(id, "CVE-"):
		return "NVD"
	case strings.HasPrefix(id, "GHSA-"):
		return "GitHub"
	}
	return ""
}

// analysis maps an OpenVEX status and justification to CycloneDX's.
func analysis(s *report.Suppressed) *cdx.VulnerabilityAnalysis {
	a := &cdx.VulnerabilityAnalysis{Detail: s.Statement}
	if s.Exception != "" {
		// A fleet exception: who accepted it and until when.
		a.Detail += " (scanfleet exception " + s.Exception + " by " + s.Author
		if s.Expires != nil {
			a.Detail += ", expires " + s.Expires.UTC().Format(time.RFC3339)
		}
		a.Detail += ")"
	}
	switch s.Status {
	case "fixed":
		a.State = cdx.IASResolved
	default:
		a.State = cdx.IASNotAffected
		switch s.Justification {
		case "component_not_present", "vulnerable_code_not_present":
			a.Justification = cdx.IAJCodeNotPresent
		case "vulnerable_code_not_in_execute_path":
			a.Justification = cdx.IAJCodeNotReachable
		case "vulnerable_code_cannot_be_controlled_by_adversary":
			a.Justification = cdx.IAJRequiresEnvironment
		case "inline_mitigations_already_exist":
			a.Justification = cdx.IAJProtectedByMitigatingControl
		}
	}
	return a
}
