// Package sbom reads a saved SBOM — CycloneDX JSON or SPDX 2.x JSON,
// written by scanfleet or by another tool (syft, trivy) — back into the
// inventory a scan would have produced, so that findings can be matched
// again without the image.
//
// Packages are recognised by their purl (internal/purl.Parse): type, name,
// version, arch, epoch and the source package ("upstream" qualifier). Our
// own CycloneDX properties (scanfleet:package:*) refine that. The OS comes
// from the operating-system component/package, else from the distro
// qualifier of the distribution packages' purls. Components without a purl
// cannot be matched and are skipped.
//
// Decoding is left to the format's reference libraries
// (github.com/CycloneDX/cyclonedx-go, github.com/spdx/tools-golang).
package sbom

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"

	"github.com/scanfleet/scanfleet/internal/output/cyclonedx"
	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
)

// MaxSize bounds the SBOM read into memory.
const MaxSize = 512 << 20

// maxDepth bounds the nesting of CycloneDX components walked.
const maxDepth = 32

// Format names.
const (
	FormatCycloneDX = "cyclonedx"
	FormatSPDX      = "spdx"
)

// ErrUnknownFormat is returned for JSON that is neither CycloneDX nor SPDX.
var ErrUnknownFormat = errors.New("not a CycloneDX or SPDX JSON document")

// ReadFile reads the SBOM at path; errors name the file.
func ReadFile(path string) (osInfo *report.OS, pkgs []report.Package, imageRef string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, "", fmt.Errorf("sbom: %w", err)
	}
	defer f.Close()
	osInfo, pkgs, imageRef, err = Read(f)
	if err != nil {
		return nil, nil, "", fmt.Errorf("sbom %s: %w", path, err)
	}
	return osInfo, pkgs, imageRef, nil
}

// Read reads a CycloneDX or SPDX JSON SBOM, detected from its content.
// imageRef is the scanned image's name as the SBOM gives it ("" when it
// names none).
func Read(r io.Reader) (osInfo *report.OS, pkgs []report.Package, imageRef string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, nil, "", fmt.Errorf("reading SBOM: %w", err)
	}
	if len(data) > MaxSize {
		return nil, nil, "", fmt.Errorf("SBOM larger than %d bytes", MaxSize)
	}
	format, err := Detect(data)
	if err != nil {
		return nil, nil, "", err
	}
	switch format {
	case FormatCycloneDX:
		return readCycloneDX(data)
	default:
		return readSPDX(data)
	}
}

// Detect tells which SBOM format a JSON document is.
func Detect(data []byte) (string, error) {
	var probe struct {
		BOMFormat   string `json:"bomFormat"`
		SPDXVersion string `json:"spdxVersion"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return "", fmt.Errorf("SBOM is not a JSON object: %w", err)
	}
	switch {
	case probe.BOMFormat == "CycloneDX":
		return FormatCycloneDX, nil
	case strings.HasPrefix(probe.SPDXVersion, "SPDX-"):
		return FormatSPDX, nil
	}
	return "", ErrUnknownFormat
}

func readCycloneDX(data []byte) (*report.OS, []report.Package, string, error) {
	var bom cdx.BOM
	if err := cdx.NewBOMDecoder(bytes.NewReader(data), cdx.BOMFileFormatJSON).Decode(&bom); err != nil {
		return nil, nil, "", fmt.Errorf("decoding CycloneDX: %w", err)
	}
	var (
		osInfo   *report.OS
		imageRef string
		pkgs     []report.Package
		distros  []*report.OS
	)
	if bom.Metadata != nil && bom.Metadata.Component != nil {
		imageRef = bom.Metadata.Component.Name
	}
	var walk func(cs *[]cdx.Component, depth int)
	walk = func(cs *[]cdx.Component, depth int) {
		if cs == nil || depth > maxDepth {
			return
		}
		for i := range *cs {
			c := &(*cs)[i]
			walk(c.Components, depth+1)
			if c.Type == cdx.ComponentTypeOS {
				if osInfo == nil && c.Name != "" {
					osInfo = cdxOS(c)
				}
				continue
			}
			p, distro, ok := cdxPackage(c)
			if !ok {
				continue
			}
			pkgs = append(pkgs, p)
			if distro != nil {
				distros = append(distros, distro)
			}
		}
	}
	walk(bom.Components, 0)
	if osInfo == nil {
		osInfo = firstDistro(distros)
	}
	return osInfo, pkgs, imageRef, nil
}

func props(c *cdx.Component) map[string]string {
	m := map[string]string{}
	if c.Properties != nil {
		for _, p := range *c.Properties {
			if _, dup := m[p.Name]; !dup {
				m[p.Name] = p.Value
			}
		}
	}
	return m
}

func cdxOS(c *cdx.Component) *report.OS {
	pr := props(c)
	o := &report.OS{
		ID:              strings.ToLower(c.Name),
		VersionID:       c.Version,
		PrettyName:      c.Description,
		VersionCodename: pr[cyclonedx.PropOSCodename],
	}
	if l := pr[cyclonedx.PropOSIDLike]; l != "" {
		o.IDLike = strings.Fields(l)
	}
	return o
}

func cdxPackage(c *cdx.Component) (report.Package, *report.OS, bool) {
	pr := props(c)
	var (
		p      report.Package
		distro *report.OS
	)
	if c.PackageURL != "" {
		parsed, err := purl.Parse(c.PackageURL)
		if err != nil {
			// Another tool's malformed purl: the component cannot be
			// matched, which is not a reason to refuse the whole SBOM.
			return report.Package{}, nil, false
		}
		p, distro = parsed.Package, parsed.Distro
	} else if pr[cyclonedx.PropType] != "" {
		p = report.Package{Name: c.Name, Version: c.Version}
	} else {
		return report.Package{}, nil, false
	}
	if t := pr[cyclonedx.PropType]; t != "" {
		p.Type = t
	}
	if v := pr[cyclonedx.PropSourceName]; v != "" {
		p.SourceName = v
	}
	if v := pr[cyclonedx.PropSourceVersion]; v != "" {
		p.SourceVersion = v
	}
	p.Path = pr[cyclonedx.PropPath]
	p.Layer = pr[cyclonedx.PropLayer]
	p.LayerCreatedBy = pr[cyclonedx.PropLayerCreatedBy]
	p.OwnedBy = pr[cyclonedx.PropOwnedBy]
	if p.Name == "" {
		return report.Package{}, nil, false
	}
	return p, distro, true
}

func firstDistro(ds []*report.OS) *report.OS {
	// The distro qualifier names the release; a bare namespace only the ID.
	for _, d := range ds {
		if d.VersionID != "" {
			return d
		}
	}
	if len(ds) > 0 {
		return ds[0]
	}
	return nil
}

func readSPDX(data []byte) (*report.OS, []report.Package, string, error) {
	doc, err := spdxjson.Read(bytes.NewReader(data))
	if err != nil {
		return nil, nil, "", fmt.Errorf("decoding SPDX: %w", err)
	}
	var (
		osInfo      *report.OS
		imageRef    string
		pkgs        []report.Package
		distros     []*report.OS
		describedID = map[string]bool{}
	)
	for _, r := range doc.Relationships {
		if r != nil && r.Relationship == "DESCRIBES" {
			describedID[string(r.RefB.ElementRefID)] = true
		}
	}
	for _, sp := range doc.Packages {
		if sp == nil {
			continue
		}
		switch sp.PrimaryPackagePurpose {
		case "OPERATING-SYSTEM":
			if osInfo == nil && sp.PackageName != "" {
				osInfo = &report.OS{ID: strings.ToLower(sp.PackageName), VersionID: sp.PackageVersion, PrettyName: sp.PackageDescription}
			}
			continue
		case "CONTAINER":
			if imageRef == "" {
				imageRef = sp.PackageName
			}
			continue
		}
		u := spdxPURL(sp)
		if u == "" {
			if describedID[string(sp.PackageSPDXIdentifier)] && imageRef == "" {
				imageRef = sp.PackageName
			}
			continue
		}
		parsed, err := purl.Parse(u)
		if err != nil {
			continue
		}
		p := parsed.Package
		p.Path, p.Layer, p.LayerCreatedBy, p.OwnedBy = commentFields(sp.PackageComment)
		pkgs = append(pkgs, p)
		if parsed.Distro != nil {
			distros = append(distros, parsed.Distro)
		}
	}
	if osInfo == nil {
		osInfo = firstDistro(distros)
	}
	return osInfo, pkgs, imageRef, nil
}

func spdxPURL(sp *spdx.Package) string {
	for _, r := range sp.PackageExternalReferences {
		// SPDX 2.2 spells the category PACKAGE_MANAGER.
		if r != nil && r.RefType == "purl" && strings.ReplaceAll(r.Category, "_", "-") == "PACKAGE-MANAGER" {
			return r.Locator
		}
	}
	return ""
}

// commentFields reads back the path and layer lines internal/output/spdx
// writes into a package comment.
func commentFields(comment string) (path, layer, createdBy, ownedBy string) {
	for _, line := range strings.Split(comment, "\n") {
		switch {
		case strings.HasPrefix(line, "path: "):
			path = strings.TrimPrefix(line, "path: ")
		case strings.HasPrefix(line, "layer: "):
			layer = strings.TrimPrefix(line, "layer: ")
		case strings.HasPrefix(line, "layer created by: "):
			createdBy = strings.TrimPrefix(line, "layer created by: ")
		case strings.HasPrefix(line, "owned by: "):
			ownedBy = strings.TrimPrefix(line, "owned by: ")
		}
	}
	return path, layer, createdBy, ownedBy
}
