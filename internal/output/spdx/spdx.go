// Package spdx writes the inventory of a scan report as an SPDX 2.3 JSON
// document, built and encoded with github.com/spdx/tools-golang (v0.5.7,
// the latest stable release; the v0.6.0 pre-releases add SPDX 3 work this
// does not need).
//
// Layout: the document DESCRIBES the image package (primaryPackagePurpose
// CONTAINER, versionInfo = digest); the image CONTAINS an
// OPERATING-SYSTEM package and one LIBRARY package per installed package,
// each with a PACKAGE-MANAGER purl external reference (from which
// internal/sbom reads type, name, version, arch, distro and source package
// back). SPDX 2.3 has no vulnerability section: findings belong in SARIF
// or CycloneDX.
package spdx

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx"
	"github.com/spdx/tools-golang/spdx/v2/common"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
)

// NamespaceBase prefixes each document's unique documentNamespace.
const NamespaceBase = "https://scanfleet.dev/spdxdocs/"

const noAssertion = "NOASSERTION"

// Element ids of the two fixed packages.
const (
	ImageID = "Image"
	OSID    = "OperatingSystem"
)

// Write renders the report's image, OS and packages as SPDX 2.3 JSON.
func Write(w io.Writer, rep *report.Report) error {
	if rep == nil {
		return fmt.Errorf("spdx: nil report")
	}
	doc := Build(rep)
	if err := spdxjson.Write(doc, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false)); err != nil {
		return fmt.Errorf("spdx: encoding: %w", err)
	}
	return nil
}

// Build maps a report to an SPDX document.
func Build(rep *report.Report) *spdx.Document {
	name := "scanfleet-scan"
	if rep.Image != nil && rep.Image.Reference != "" {
		name = rep.Image.Reference
	}
	version := rep.ScannerVersion
	if version == "" {
		version = "unknown"
	}
	created := rep.ScannedAt.UTC()
	if rep.ScannedAt.IsZero() {
		created = time.Unix(0, 0).UTC()
	}
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      name,
		DocumentNamespace: NamespaceBase + namespaceName(name) + "-" + docUUID(rep),
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{
				{CreatorType: "Tool", Creator: "scanfleet-" + version},
			},
			Created: created.Format(time.RFC3339),
		},
	}

	img := imagePackage(rep.Image, name)
	doc.Packages = append(doc.Packages, img)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA:         common.MakeDocElementID("", "DOCUMENT"),
		RefB:         common.MakeDocElementID("", ImageID),
		Relationship: common.TypeRelationshipDescribe,
	})
	contains := func(id common.ElementID) {
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA:         common.MakeDocElementID("", ImageID),
			RefB:         common.MakeDocElementID("", string(id)),
			Relationship: common.TypeRelationshipContains,
		})
	}
	if rep.OS != nil && rep.OS.ID != "" {
		doc.Packages = append(doc.Packages, &spdx.Package{
			PackageName:             rep.OS.ID,
			PackageSPDXIdentifier:   OSID,
			PackageVersion:          rep.OS.VersionID,
			PackageDownloadLocation: noAssertion,
			PackageDescription:      rep.OS.PrettyName,
			PrimaryPackagePurpose:   "OPERATING-SYSTEM",
		})
		contains(OSID)
	}
	used := map[common.ElementID]bool{ImageID: true, OSID: true}
	for _, p := range rep.Packages {
		sp := packageOf(p, rep.OS)
		sp.PackageSPDXIdentifier = elementID(sp, used)
		doc.Packages = append(doc.Packages, sp)
		contains(sp.PackageSPDXIdentifier)
	}
	return doc
}

// docUUID is stable for one report and distinct across scans, like the
// CycloneDX serial number.
func docUUID(rep *report.Report) string {
	seed := rep.ScannedAt.UTC().Format(time.RFC3339Nano)
	if rep.Image != nil {
		seed = rep.Image.Reference + "|" + rep.Image.Digest + "|" + seed
	}
	for _, p := range rep.Packages {
		seed += "|" + p.Name + "@" + p.Version
	}
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("scanfleet-spdx:"+seed)).String()
}

// namespaceName keeps the URI-safe characters of the image name.
func namespaceName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '-'
	}, s)
}

func imagePackage(img *report.Image, name string) *spdx.Package {
	p := &spdx.Package{
		PackageName:             name,
		PackageSPDXIdentifier:   ImageID,
		PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose:   "CONTAINER",
	}
	if img == nil {
		return p
	}
	p.PackageVersion = img.Digest
	if algo, hexd, ok := strings.Cut(img.Digest, ":"); ok && algo == "sha256" && len(hexd) == 64 {
		p.PackageChecksums = []common.Checksum{{Algorithm: common.SHA256, Value: hexd}}
	}
	if u := purl.Image(img); u != "" {
		p.PackageExternalReferences = []*spdx.PackageExternalReference{{
			Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: u,
		}}
	}
	return p
}

func packageOf(p report.Package, os *report.OS) *spdx.Package {
	sp := &spdx.Package{
		PackageName:             p.Name,
		PackageVersion:          p.Version,
		PackageDownloadLocation: noAssertion,
		PrimaryPackagePurpose:   "LIBRARY",
	}
	if u := purl.For(p, os); u != "" {
		sp.PackageExternalReferences = []*spdx.PackageExternalReference{{
			Category: common.CategoryPackageManager, RefType: common.TypePackageManagerPURL, Locator: u,
		}}
	}
	if p.SourceName != "" {
		sp.PackageSourceInfo = "built package from: " + strings.TrimSpace(p.SourceName+" "+p.SourceVersion)
	}
	var notes []string
	if p.Path != "" {
		notes = append(notes, "path: "+p.Path)
	}
	if p.Layer != "" {
		notes = append(notes, "layer: "+p.Layer)
	}
	if p.LayerCreatedBy != "" {
		notes = append(notes, "layer created by: "+p.LayerCreatedBy)
	}
	if p.OwnedBy != "" {
		notes = append(notes, "owned by: "+p.OwnedBy)
	}
	sp.PackageComment = strings.Join(notes, "\n")
	return sp
}

// elementID derives a stable SPDX id (SPDXRef-[A-Za-z0-9.-]+) from the
// package's type, name and version, made unique within the document.
func elementID(p *spdx.Package, used map[common.ElementID]bool) common.ElementID {
	key := p.PackageName + "@" + p.PackageVersion
	if len(p.PackageExternalReferences) > 0 {
		key = p.PackageExternalReferences[0].Locator
	}
	sum := sha256.Sum256([]byte(key))
	base := "Package-" + hex.EncodeToString(sum[:8])
	id := common.ElementID(base)
	for i := 2; used[id]; i++ {
		id = common.ElementID(fmt.Sprintf("%s-%d", base, i))
	}
	used[id] = true
	return id
}
