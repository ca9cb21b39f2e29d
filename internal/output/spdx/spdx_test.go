package spdx

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdxlib"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// rawDoc is the SPDX 2.3 JSON shape, decoded without the library so the
// checks below see exactly what was written.
type rawDoc struct {
	SPDXVersion       string `json:"spdxVersion"`
	DataLicense       string `json:"dataLicense"`
	SPDXID            string `json:"SPDXID"`
	Name              string `json:"name"`
	DocumentNamespace string `json:"documentNamespace"`
	CreationInfo      struct {
		Created  string   `json:"created"`
		Creators []string `json:"creators"`
	} `json:"creationInfo"`
	Packages []struct {
		SPDXID                string  `json:"SPDXID"`
		Name                  string  `json:"name"`
		VersionInfo           string  `json:"versionInfo"`
		DownloadLocation      *string `json:"downloadLocation"`
		FilesAnalyzed         *bool   `json:"filesAnalyzed"`
		PrimaryPackagePurpose string  `json:"primaryPackagePurpose"`
		SourceInfo            string  `json:"sourceInfo"`
		ExternalRefs          []struct {
			Category string `json:"referenceCategory"`
			Type     string `json:"referenceType"`
			Locator  string `json:"referenceLocator"`
		} `json:"externalRefs"`
	} `json:"packages"`
	Relationships []struct {
		A    string `json:"spdxElementId"`
		B    string `json:"relatedSpdxElement"`
		Type string `json:"relationshipType"`
	} `json:"relationships"`
}

var (
	spdxIDPattern = regexp.MustCompile(`^SPDXRef-[A-Za-z0-9.\-]+$`)
	// SPDX 2.3 clause 7.24's values.
	purposes = map[string]bool{"APPLICATION": true, "FRAMEWORK": true, "LIBRARY": true, "CONTAINER": true, "OPERATING-SYSTEM": true,
		"DEVICE": true, "FIRMWARE": true, "SOURCE": true, "ARCHIVE": true, "FILE": true, "INSTALL": true, "OTHER": true}
)

// No Go module ships the official SPDX 2.3 JSON schema (spdx/spdx-spec is
// not a module), so the schema's constraints that our writer could break
// are checked one by one here, and the document must pass tools-golang's
// own validation after reading it back.
func checkSPDX23(t *testing.T, out []byte, rep *report.Report) rawDoc {
	t.Helper()
	var d rawDoc
	if err := json.Unmarshal(out, &d); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	if d.SPDXVersion != "SPDX-2.3" || d.DataLicense != "CC0-1.0" || d.SPDXID != "SPDXRef-DOCUMENT" || d.Name == "" {
		t.Errorf("document header %q %q %q %q", d.SPDXVersion, d.DataLicense, d.SPDXID, d.Name)
	}
	if u, err := url.Parse(d.DocumentNamespace); err != nil || u.Scheme != "https" || strings.Contains(d.DocumentNamespace, "#") {
		t.Errorf("documentNamespace %q is not a URI without '#'", d.DocumentNamespace)
	}
	if _, err := time.Parse("2006-01-02T15:04:05Z", d.CreationInfo.Created); err != nil {
		t.Errorf("created %q: %v", d.CreationInfo.Created, err)
	}
	if len(d.CreationInfo.Creators) != 1 || d.CreationInfo.Creators[0] != "Tool: scanfleet-"+rep.ScannerVersion {
		t.Errorf("creators %q", d.CreationInfo.Creators)
	}
	ids := map[string]bool{"SPDXRef-DOCUMENT": true}
	for _, p := range d.Packages {
		if !spdxIDPattern.MatchString(p.SPDXID) || ids[p.SPDXID] {
			t.Errorf("package SPDXID %q invalid or duplicate", p.SPDXID)
		}
		ids[p.SPDXID] = true
		if p.Name == "" || p.DownloadLocation == nil || *p.DownloadLocation == "" || !purposes[p.PrimaryPackagePurpose] {
			t.Errorf("package %+v lacks a required field", p)
		}
		if p.FilesAnalyzed == nil || *p.FilesAnalyzed {
			t.Errorf("package %s: filesAnalyzed must be written false (files are not listed)", p.SPDXID)
		}
		for _, r := range p.ExternalRefs {
			if r.Category != "PACKAGE-MANAGER" || r.Type != "purl" {
				t.Errorf("external ref %+v", r)
			}
		}
	}
	for _, r := range d.Relationships {
		if !ids[r.A] || !ids[r.B] || (r.Type != "DESCRIBES" && r.Type != "CONTAINS") {
			t.Errorf("relationship %+v", r)
		}
	}
	doc, err := spdxjson.Read(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("tools-golang cannot read it back: %v", err)
	}
	if err := spdxlib.ValidateDocument(doc); err != nil {
		t.Errorf("tools-golang validation: %v", err)
	}
	return d
}

func TestWriteRealScans(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  func(testing.TB) *report.Report
	}{{"alpine", reporttest.Alpine}, {"debian", reporttest.Debian}} {
		t.Run(tc.name, func(t *testing.T) {
			rep := tc.rep(t)
			var buf bytes.Buffer
			if err := Write(&buf, rep); err != nil {
				t.Fatal(err)
			}
			d := checkSPDX23(t, buf.Bytes(), rep)
			if len(d.Packages) != len(rep.Packages)+2 {
				t.Fatalf("%d packages, want image + OS + %d", len(d.Packages), len(rep.Packages))
			}
			img, osp := d.Packages[0], d.Packages[1]
			if img.PrimaryPackagePurpose != "CONTAINER" || img.Name != rep.Image.Reference || img.VersionInfo != rep.Image.Digest ||
				len(img.ExternalRefs) != 1 || img.ExternalRefs[0].Locator != purl.Image(rep.Image) {
				t.Errorf("image package %+v", img)
			}
			if osp.PrimaryPackagePurpose != "OPERATING-SYSTEM" || osp.Name != rep.OS.ID || osp.VersionInfo != rep.OS.VersionID {
				t.Errorf("OS package %+v", osp)
			}
			contained := map[string]bool{}
			describes := 0
			for _, r := range d.Relationships {
				switch r.Type {
				case "DESCRIBES":
					describes++
					if r.A != "SPDXRef-DOCUMENT" || r.B != img.SPDXID {
						t.Errorf("DESCRIBES %+v", r)
					}
				case "CONTAINS":
					if r.A == img.SPDXID {
						contained[r.B] = true
					}
				}
			}
			if describes != 1 {
				t.Errorf("%d DESCRIBES relationships, want 1", describes)
			}
			for i, p := range d.Packages[2:] {
				want := rep.Packages[i]
				if p.Name != want.Name || p.VersionInfo != want.Version || p.PrimaryPackagePurpose != "LIBRARY" {
					t.Errorf("package %+v for %+v", p, want)
				}
				if len(p.ExternalRefs) != 1 || p.ExternalRefs[0].Locator != purl.For(want, rep.OS) {
					t.Errorf("package %s refs %+v", want.Name, p.ExternalRefs)
				}
				if !strings.Contains(p.SourceInfo, want.SourceName) {
					t.Errorf("sourceInfo %q lacks %s", p.SourceInfo, want.SourceName)
				}
				if !contained[p.SPDXID] {
					t.Errorf("image does not CONTAIN %s", p.SPDXID)
				}
			}
			if !contained[osp.SPDXID] {
				t.Error("image does not CONTAIN the OS")
			}
		})
	}
}

// Duplicate packages (same purl) still get distinct ids; a report without
// image or OS still makes a valid document.
func TestWriteEdgeCases(t *testing.T) {
	rep := &report.Report{
		ScannerVersion: "v9",
		Packages: []report.Package{
			{Name: "lodash", Version: "4.17.15", Type: "npm", Path: "a/node_modules/lodash/package.json"},
			{Name: "lodash", Version: "4.17.15", Type: "npm", Path: "b/node_modules/lodash/package.json"},
			{Name: "weird name/with:chars", Version: "1 2", Type: "unknown-ecosystem"},
		},
	}
	var buf bytes.Buffer
	if err := Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	d := checkSPDX23(t, buf.Bytes(), rep)
	if len(d.Packages) != 4 {
		t.Errorf("%d packages, want the image + 3", len(d.Packages))
	}
	if err := Write(&buf, nil); err == nil {
		t.Error("nil report: no error")
	}
}
