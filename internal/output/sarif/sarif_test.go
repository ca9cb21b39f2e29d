package sarif

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// officialSchema compiles the SARIF 2.1.0 schema (OASIS errata01) that
// github.com/owenrumney/go-sarif/v3 bundles verbatim as a Go string
// constant; no module ships the .json file itself.
func officialSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := reporttest.ModuleDir(t, "github.com/owenrumney/go-sarif/v3")
	src, err := os.ReadFile(filepath.Join(dir, "pkg", "report", "v210", "sarif", "schema.go"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := bytes.Cut(src, []byte("const schema = `"))
	text, _, ok2 := bytes.Cut(rest, []byte("`"))
	if !ok || !ok2 {
		t.Fatal("schema constant not found in go-sarif's schema.go")
	}
	var head struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal(text, &head); err != nil || !strings.HasSuffix(head.ID, "/sarif-schema-2.1.0.json") {
		t.Fatalf("bundled schema is not SARIF 2.1.0: id %q (%v)", head.ID, err)
	}
	return reporttest.CompileSchema(t, head.ID, map[string][]byte{head.ID: text})
}

type sarifLog struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string `json:"id"`
					ShortDescription struct {
						Text string `json:"text"`
					} `json:"shortDescription"`
					Help struct {
						Text string `json:"text"`
					} `json:"help"`
					HelpURI    string         `json:"helpUri"`
					Properties map[string]any `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID    string `json:"ruleId"`
			RuleIndex int    `json:"ruleIndex"`
			Level     string `json:"level"`
			Message   struct {
				Text string `json:"text"`
			} `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI string `json:"uri"`
					} `json:"artifactLocation"`
				} `json:"physicalLocation"`
			} `json:"locations"`
		} `json:"results"`
	} `json:"runs"`
}

func render(t *testing.T, rep *report.Report) ([]byte, sarifLog) {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	return buf.Bytes(), log
}

func TestWriteRealScanValidates(t *testing.T) {
	rep := reporttest.Alpine(t)
	schema := officialSchema(t)
	out, log := render(t, rep)
	reporttest.Validate(t, schema, out)

	if len(log.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "scanfleet" || run.Tool.Driver.Version != rep.ScannerVersion {
		t.Errorf("driver %q %q, want scanfleet %q", run.Tool.Driver.Name, run.Tool.Driver.Version, rep.ScannerVersion)
	}
	ids := map[string]bool{}
	for _, v := range rep.Vulnerabilities {
		ids[v.ID] = true
	}
	if len(run.Tool.Driver.Rules) != len(ids) {
		t.Errorf("%d rules, want one per distinct id: %d", len(run.Tool.Driver.Rules), len(ids))
	}
	for _, r := range run.Tool.Driver.Rules {
		if !ids[r.ID] || !strings.HasPrefix(r.ShortDescription.Text, r.ID) || r.Help.Text == "" {
			t.Errorf("rule %+v", r)
		}
		if _, ok := r.Properties["security-severity"].(string); !ok {
			t.Errorf("rule %s: security-severity %v, want a string", r.ID, r.Properties["security-severity"])
		}
		if !strings.HasPrefix(r.HelpURI, "https://") {
			t.Errorf("rule %s: helpUri %q", r.ID, r.HelpURI)
		}
	}
	if len(run.Results) != len(rep.Vulnerabilities) {
		t.Fatalf("%d results, want %d", len(run.Results), len(rep.Vulnerabilities))
	}
	for i, res := range run.Results {
		v := rep.Vulnerabilities[i]
		if res.RuleID != v.ID || run.Tool.Driver.Rules[res.RuleIndex].ID != v.ID {
			t.Errorf("result %d: rule %s (index %d), want %s", i, res.RuleID, res.RuleIndex, v.ID)
		}
		if res.Level != Level(v.Severity) {
			t.Errorf("result %d: level %s for severity %s", i, res.Level, v.Severity)
		}
		for _, want := range []string{v.Package, v.InstalledVersion, v.FixedVersion} {
			if !strings.Contains(res.Message.Text, want) {
				t.Errorf("result %d: message %q lacks %q", i, res.Message.Text, want)
			}
		}
		// Every Alpine package is read from the apk database.
		if len(res.Locations) != 1 || res.Locations[0].PhysicalLocation.ArtifactLocation.URI != "lib/apk/db/installed" {
			t.Errorf("result %d: locations %+v", i, res.Locations)
		}
	}
}

func TestWriteEmptyReportValidates(t *testing.T) {
	schema := officialSchema(t)
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Packages: []report.Package{}, Vulnerabilities: []report.Vulnerability{}}
	out, log := render(t, rep)
	reporttest.Validate(t, schema, out)
	if len(log.Runs) != 1 || log.Runs[0].Results == nil || len(log.Runs[0].Results) != 0 {
		t.Errorf("want one run with an empty results array (GitHub requires it): %s", out)
	}
	if !bytes.Contains(out, []byte(`"results": []`)) {
		t.Errorf("results array missing: %s", out)
	}
}

// Severity words map to levels and to security-severity bands, and a
// CVSS score wins over the word.
func TestSeverityMapping(t *testing.T) {
	tests := []struct {
		sev       report.Severity
		cvss      []report.CVSS
		wantLevel string
		wantScore string
	}{
		{"CRITICAL", nil, "error", "9.5"},
		{"HIGH", nil, "error", "8.0"},
		{"MEDIUM", nil, "warning", "5.5"},
		{"LOW", nil, "note", "2.0"},
		{"NEGLIGIBLE", nil, "note", "0.0"},
		{"UNKNOWN", nil, "note", "0.0"},
		{"medium", nil, "warning", "5.5"},
		{"HIGH", []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8},
			{Version: "2.0", Vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P", Score: 7.5}}, "error", "9.8"},
	}
	for _, tc := range tests {
		v := report.Vulnerability{ID: "CVE-2024-0001", Severity: tc.sev, CVSS: tc.cvss}
		if got := Level(tc.sev); got != tc.wantLevel {
			t.Errorf("Level(%s) = %s, want %s", tc.sev, got, tc.wantLevel)
		}
		if got := SecuritySeverity(v); got != tc.wantScore {
			t.Errorf("SecuritySeverity(%s, %v) = %s, want %s", tc.sev, tc.cvss, got, tc.wantScore)
		}
	}
}

// A finding whose package is not in the inventory still gets a location,
// and the same id on two packages yields one rule with the higher score.
func TestWriteFallbacks(t *testing.T) {
	schema := officialSchema(t)
	rep := &report.Report{
		Image: &report.Image{Reference: "docker-archive:/x/app.tar"},
		Packages: []report.Package{
			{Name: "libssl3", Version: "3.0.15-1", Type: "deb", Path: "var/lib/dpkg/status"},
		},
		Vulnerabilities: []report.Vulnerability{
			{ID: "CVE-2024-5535", Package: "libssl3", PackageType: "deb", InstalledVersion: "3.0.15-1", Severity: "LOW", Description: "SSL_select_next_proto buffer overread\nmore"},
			{ID: "CVE-2024-5535", Package: "openssl", PackageType: "deb", InstalledVersion: "3.0.15-1", Severity: "CRITICAL"},
		},
		ScannerVersion: "v1.2.3",
	}
	out, log := render(t, rep)
	reporttest.Validate(t, schema, out)
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != 1 || run.Tool.Driver.Rules[0].Properties["security-severity"] != "9.5" {
		t.Errorf("rules %+v", run.Tool.Driver.Rules)
	}
	if got := run.Tool.Driver.Rules[0].ShortDescription.Text; got != "CVE-2024-5535: SSL_select_next_proto buffer overread" {
		t.Errorf("short description %q", got)
	}
	uris := []string{run.Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI, run.Results[1].Locations[0].PhysicalLocation.ArtifactLocation.URI}
	if uris[0] != "var/lib/dpkg/status" || uris[1] != "docker-archive:/x/app.tar" {
		t.Errorf("uris %q", uris)
	}
	if !strings.Contains(run.Results[0].Message.Text, "no fix") {
		t.Errorf("message %q does not say there is no fix", run.Results[0].Message.Text)
	}
}

func TestWriteNil(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil report: no error")
	}
}

// The schema check must be able to fail: a level SARIF does not define.
func TestSchemaRejectsBadLevel(t *testing.T) {
	schema := officialSchema(t)
	rep := &report.Report{Vulnerabilities: []report.Vulnerability{{ID: "CVE-1", Package: "p", Severity: "HIGH"}}}
	out, _ := render(t, rep)
	bad := bytes.Replace(out, []byte(`"level": "error"`), []byte(`"level": "fatal"`), 1)
	if bytes.Equal(bad, out) {
		t.Fatal("level not found in output")
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(inst); err == nil {
		t.Error("schema accepted level \"fatal\"")
	}
}

// Findings a fleet exception suppressed stay in the log as results with
// an accepted external suppression naming the reason, who and until when;
// the document still validates.
func TestSuppressedAreMarked(t *testing.T) {
	rep := reporttest.Alpine(t)
	schema := officialSchema(t)
	const cve = "CVE-2024-9143"
	created := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	exp := created.Add(30 * 24 * time.Hour)
	out := exception.NewSet([]exception.Exception{{ID: "exc-1", Vulnerability: cve, Reason: "not reachable", Author: "alice",
		Created: created, Expires: &exp}}).Apply(rep, exception.Target{Registries: []string{"local"}, Repository: "library/alpine",
		Digest: rep.Image.Digest}, created)
	if len(out.Suppressed) == 0 {
		t.Fatalf("no %s finding in the Alpine report", cve)
	}
	doc, _ := render(t, rep)
	reporttest.Validate(t, schema, doc)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID       string `json:"ruleId"`
				Suppressions []struct {
					Kind, Status, Justification string
				} `json:"suppressions"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != len(rep.Vulnerabilities)+len(rep.Suppressed) {
		t.Fatalf("%d results for %d findings and %d suppressed", len(res), len(rep.Vulnerabilities), len(rep.Suppressed))
	}
	suppressed := 0
	for _, r := range res {
		if len(r.Suppressions) == 0 {
			if r.RuleID == cve {
				t.Fatalf("an excepted %s result is not suppressed", cve)
			}
			continue
		}
		suppressed++
		s := r.Suppressions[0]
		if r.RuleID != cve || s.Kind != "external" || s.Status != "accepted" ||
			!strings.Contains(s.Justification, "not reachable") || !strings.Contains(s.Justification, "by alice") ||
			!strings.Contains(s.Justification, "2026-12-31") {
			t.Fatalf("suppression %+v on %s", s, r.RuleID)
		}
	}
	if suppressed != len(out.Suppressed) {
		t.Fatalf("%d suppressed results, want %d", suppressed, len(out.Suppressed))
	}
}
