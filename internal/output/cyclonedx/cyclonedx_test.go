package cyclonedx

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	packageurl "github.com/package-url/packageurl-go"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// officialSchema compiles the CycloneDX JSON schema of one spec version
// from the schema/ folder that github.com/CycloneDX/cyclonedx-go ships
// (copied from CycloneDX/specification), with the two documents it refers
// to.
func officialSchema(t *testing.T, version string) *jsonschema.Schema {
	t.Helper()
	dir := filepath.Join(reporttest.ModuleDir(t, "github.com/CycloneDX/cyclonedx-go"), "schema")
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	root := "http://cyclonedx.org/schema/bom-" + version + ".schema.json"
	return reporttest.CompileSchema(t, root, map[string][]byte{
		root: read("bom-" + version + ".schema.json"),
		"http://cyclonedx.org/schema/spdx.schema.json":     read("spdx.schema.json"),
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": read("jsf-0.82.schemax.json"),
	})
}

func render(t *testing.T, rep *report.Report, v cdx.SpecVersion) ([]byte, *cdx.BOM) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteVersion(&buf, rep, v); err != nil {
		t.Fatal(err)
	}
	var bom cdx.BOM
	if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return buf.Bytes(), &bom
}

func TestWriteRealScansValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		rep  func(testing.TB) *report.Report
	}{{"alpine", reporttest.Alpine}, {"debian", reporttest.Debian}} {
		t.Run(tc.name, func(t *testing.T) {
			rep := tc.rep(t)
			for _, v := range []struct {
				spec cdx.SpecVersion
				name string
			}{{cdx.SpecVersion1_5, "1.5"}, {cdx.SpecVersion1_6, "1.6"}} {
				out, bom := render(t, rep, v.spec)
				reporttest.Validate(t, officialSchema(t, v.name), out)
				if bom.SpecVersion.String() != v.name {
					t.Errorf("specVersion %s, want %s", bom.SpecVersion, v.name)
				}
				checkBOM(t, rep, bom)
			}
		})
	}
}

func checkBOM(t *testing.T, rep *report.Report, bom *cdx.BOM) {
	t.Helper()
	mc := bom.Metadata.Component
	if mc.Type != cdx.ComponentTypeContainer || mc.Name != rep.Image.Reference || mc.Version != rep.Image.Digest || !strings.HasPrefix(mc.PackageURL, "pkg:oci/") {
		t.Errorf("metadata.component = %+v", mc)
	}
	tools := *bom.Metadata.Tools.Components
	if len(tools) != 1 || tools[0].Name != "scanfleet" || tools[0].Version != rep.ScannerVersion {
		t.Errorf("tools %+v", tools)
	}
	comps := *bom.Components
	if len(comps) != len(rep.Packages)+1 {
		t.Fatalf("%d components, want %d packages + the OS", len(comps), len(rep.Packages))
	}
	if comps[0].Type != cdx.ComponentTypeOS || comps[0].Name != rep.OS.ID || comps[0].Version != rep.OS.VersionID {
		t.Errorf("OS component %+v, want %+v", comps[0], rep.OS)
	}
	refs := map[string]cdx.Component{}
	for i, c := range comps[1:] {
		p := rep.Packages[i]
		if c.Type != cdx.ComponentTypeLibrary || c.Name != p.Name || c.Version != p.Version || c.BOMRef != c.PackageURL {
			t.Errorf("component %+v for package %+v", c, p)
		}
		pu, err := packageurl.FromString(c.PackageURL)
		if err != nil {
			t.Fatalf("purl %q: %v", c.PackageURL, err)
		}
		q := pu.Qualifiers.Map()
		if pu.Type != p.Type || pu.Namespace != rep.OS.ID || pu.Name != p.Name || pu.Version != p.Version ||
			q["distro"] != rep.OS.ID+"-"+rep.OS.VersionID || q["arch"] != p.Arch {
			t.Errorf("purl %q for %+v", c.PackageURL, p)
		}
		props := map[string]string{}
		for _, pr := range *c.Properties {
			props[pr.Name] = pr.Value
		}
		if props[PropLayer] != p.Layer || props[PropSourceName] != p.SourceName || props[PropType] != p.Type || props[PropPath] != p.Path {
			t.Errorf("properties %v for %+v", props, p)
		}
		if _, dup := refs[c.BOMRef]; dup {
			t.Errorf("duplicate bom-ref %s", c.BOMRef)
		}
		refs[c.BOMRef] = c
	}

	ids := map[string]bool{}
	for _, v := range rep.Vulnerabilities {
		ids[v.ID] = true
	}
	var vulns []cdx.Vulnerability
	if bom.Vulnerabilities != nil {
		vulns = *bom.Vulnerabilities
	}
	if len(vulns) != len(ids) {
		t.Fatalf("%d vulnerabilities, want one per distinct id (%d)", len(vulns), len(ids))
	}
	byID := map[string]cdx.Vulnerability{}
	for _, v := range vulns {
		byID[v.ID] = v
		for _, a := range *v.Affects {
			if _, ok := refs[a.Ref]; !ok {
				t.Errorf("%s affects %s, which is no component", v.ID, a.Ref)
			}
		}
		if v.Ratings == nil || len(*v.Ratings) == 0 {
			t.Errorf("%s has no rating", v.ID)
		}
	}
	// Every finding is an affects entry of its id, naming the installed
	// version, with the fix in the recommendation.
	for _, f := range rep.Vulnerabilities {
		cv := byID[f.ID]
		found := false
		for _, a := range *cv.Affects {
			c := refs[a.Ref]
			if c.Name == f.Package && c.Version == f.InstalledVersion && (*a.Range)[0].Version == f.InstalledVersion && (*a.Range)[0].Status == cdx.VulnerabilityStatusAffected {
				found = true
			}
		}
		if !found {
			t.Errorf("finding %s on %s %s not in affects", f.ID, f.Package, f.InstalledVersion)
		}
		if !strings.Contains(cv.Recommendation, "Upgrade "+f.Package+" to "+f.FixedVersion) {
			t.Errorf("%s recommendation %q lacks the fix for %s", f.ID, cv.Recommendation, f.Package)
		}
	}
}

// CVSS vectors become ratings with their method; VEX-suppressed findings
// carry an analysis.
func TestRatingsAndAnalysis(t *testing.T) {
	schema := officialSchema(t, "1.6")
	rep := &report.Report{
		Image:    &report.Image{Reference: "app:1", Digest: "sha256:" + strings.Repeat("ab", 32)},
		Packages: []report.Package{{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module", Path: "app/server"}},
		Vulnerabilities: []report.Vulnerability{{
			ID: "GO-2023-1571", Aliases: []string{"CVE-2022-41723", "GHSA-vvpx-j8f3-3w6h"}, Package: "golang.org/x/net", PackageType: "go-module",
			InstalledVersion: "v0.7.0", FixedVersion: "v0.7.1", Severity: "HIGH", Source: "osv",
			CVSS: []report.CVSS{
				{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", Score: 7.5},
				{Version: "4.0", Vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", Score: 8.7},
			},
			References: []string{"https://pkg.go.dev/vuln/GO-2023-1571"},
		}},
		Suppressed: []report.Suppressed{{
			Vulnerability: report.Vulnerability{ID: "GO-2023-1988", Package: "golang.org/x/net", PackageType: "go-module", InstalledVersion: "v0.7.0", FixedVersion: "v0.13.0", Severity: "MEDIUM", Source: "osv"},
			Status:        "not_affected", Justification: "vulnerable_code_not_in_execute_path", Statement: "html package unused",
		}},
	}
	out, bom := render(t, rep, cdx.SpecVersion1_6)
	reporttest.Validate(t, schema, out)
	vulns := *bom.Vulnerabilities
	if len(vulns) != 2 {
		t.Fatalf("%d vulnerabilities, want 2", len(vulns))
	}
	rs := *vulns[0].Ratings
	if len(rs) != 2 || rs[0].Method != cdx.ScoringMethodCVSSv4 || *rs[0].Score != 8.7 || rs[0].Severity != cdx.SeverityHigh ||
		rs[1].Method != cdx.ScoringMethodCVSSv31 || rs[1].Vector != rep.Vulnerabilities[0].CVSS[0].Vector {
		t.Errorf("ratings %+v", rs)
	}
	if refs := *vulns[0].References; len(refs) != 2 || refs[0].ID != "CVE-2022-41723" {
		t.Errorf("references %+v", refs)
	}
	a := vulns[1].Analysis
	if a == nil || a.State != cdx.IASNotAffected || a.Justification != cdx.IAJCodeNotReachable || a.Detail != "html package unused" {
		t.Errorf("analysis %+v", a)
	}
	if (*(*vulns[1].Affects)[0].Range)[0].Status != cdx.VulnerabilityStatusNotAffected {
		t.Errorf("suppressed finding's affects %+v", *vulns[1].Affects)
	}
}

// A finding suppressed by a fleet exception is not_affected with the
// reason, the exception, its author and expiry in the detail.
func TestExceptionAnalysis(t *testing.T) {
	schema := officialSchema(t, "1.6")
	exp := time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC)
	rep := &report.Report{
		Image:    &report.Image{Reference: "app:1", Digest: "sha256:" + strings.Repeat("ab", 32)},
		Packages: []report.Package{{Name: "golang.org/x/net", Version: "v0.7.0", Type: "go-module", Path: "app/server"}},
		Suppressed: []report.Suppressed{{
			Vulnerability: report.Vulnerability{ID: "GO-2023-1988", Package: "golang.org/x/net", PackageType: "go-module", InstalledVersion: "v0.7.0", Severity: "MEDIUM", Source: "osv"},
			Status:        "exception", Statement: "html package unused", Exception: "exc-1", Author: "alice", Expires: &exp,
		}},
	}
	out, bom := render(t, rep, cdx.SpecVersion1_6)
	reporttest.Validate(t, schema, out)
	a := (*bom.Vulnerabilities)[0].Analysis
	if a == nil || a.State != cdx.IASNotAffected || a.Detail != "html package unused (scanfleet exception exc-1 by alice, expires 2026-12-31T00:00:00Z)" {
		t.Fatalf("analysis %+v", a)
	}
}

// The schema check must be able to fail.
func TestSchemaRejectsBadComponentType(t *testing.T) {
	schema := officialSchema(t, "1.6")
	rep := &report.Report{Packages: []report.Package{{Name: "a", Version: "1", Type: "npm"}}}
	out, _ := render(t, rep, cdx.SpecVersion1_6)
	bad := bytes.Replace(out, []byte(`"type": "library"`), []byte(`"type": "shared-object"`), 1)
	if bytes.Equal(bad, out) {
		t.Fatal("component type not found")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("schema accepted component type shared-object")
	}
}

func TestWriteErrors(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil report: no error")
	}
	if err := WriteVersion(&bytes.Buffer{}, &report.Report{}, cdx.SpecVersion1_4); err == nil {
		t.Error("spec 1.4: no error")
	}
}

// Rendering the same report twice gives the same bytes (serial number
// included), so saved reports re-render reproducibly.
func TestDeterministic(t *testing.T) {
	rep := reporttest.Alpine(t)
	a, _ := render(t, rep, DefaultSpecVersion)
	b, _ := render(t, rep, DefaultSpecVersion)
	if !bytes.Equal(a, b) {
		t.Error("two renderings differ")
	}
}
