package vex

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

// stmt builds one OpenVEX statement as JSON-ready data.
type stmt map[string]any

func product(id string, subs ...string) map[string]any {
	p := map[string]any{"@id": id}
	if len(subs) > 0 {
		var s []map[string]any
		for _, id := range subs {
			s = append(s, map[string]any{"@id": id})
		}
		p["subcomponents"] = s
	}
	return p
}

func notAffected(vuln string, products ...map[string]any) stmt {
	return stmt{"vulnerability": map[string]any{"name": vuln}, "products": products,
		"status": "not_affected", "justification": "vulnerable_code_not_in_execute_path", "impact_statement": "never called"}
}

func withStatus(s stmt, status string) stmt {
	delete(s, "justification")
	delete(s, "impact_statement")
	s["status"] = status
	if status == "affected" {
		s["action_statement"] = "upgrade"
	}
	return s
}

func at(s stmt, ts string) stmt { s["timestamp"] = ts; return s }

func writeDoc(t *testing.T, stmts ...stmt) string {
	t.Helper()
	doc := map[string]any{
		"@context":   "https://openvex.dev/ns/v0.2.0",
		"@id":        "https://example.com/vex/1",
		"author":     "Example Security",
		"timestamp":  "2025-01-01T00:00:00Z",
		"version":    1,
		"statements": stmts,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "doc.openvex.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// countID counts findings with an id, per package.
func findingsOf(rep *report.Report, id string) map[string]bool {
	m := map[string]bool{}
	for _, v := range rep.Vulnerabilities {
		if v.ID == id {
			m[v.Package] = true
		}
	}
	return m
}

func TestApply(t *testing.T) {
	base := reporttest.Alpine(t)
	const cve = "CVE-2024-9143" // openssl: on libcrypto3 and libssl3
	onCVE := findingsOf(base, cve)
	if len(onCVE) < 2 || !onCVE["libssl3"] {
		t.Fatalf("%s found on %v: the test needs it on libssl3 and another package", cve, onCVE)
	}
	imgPURL := purl.Image(base.Image)
	digest := base.Image.Digest
	var libssl3 report.Package
	for _, p := range base.Packages {
		if p.Name == "libssl3" {
			libssl3 = p
		}
	}
	libssl3PURL := purl.For(libssl3, base.OS)
	all := func(m map[string]bool) map[string]bool { return m }
	only := func(pkgs ...string) map[string]bool {
		m := map[string]bool{}
		for _, p := range pkgs {
			m[p] = true
		}
		return m
	}

	tests := []struct {
		name       string
		stmts      []stmt
		mutate     func(*report.Report)
		wantGone   map[string]bool // packages whose cve finding is suppressed
		wantStatus string
	}{
		{"not_affected by image purl", []stmt{notAffected(cve, product(imgPURL))}, nil, all(onCVE), "not_affected"},
		{"versionless image purl matches every digest", []stmt{notAffected(cve, product("pkg:oci/alpine"))}, nil, all(onCVE), "not_affected"},
		{"by digest", []stmt{notAffected(cve, product(digest))}, nil, all(onCVE), "not_affected"},
		{"by hash", []stmt{{"vulnerability": map[string]any{"name": cve}, "status": "fixed",
			"products": []map[string]any{{"hashes": map[string]string{"sha-256": strings.TrimPrefix(digest, "sha256:")}}}}}, nil, all(onCVE), "fixed"},
		{"fixed by reference", []stmt{withStatus(notAffected(cve, product(base.Image.Reference)), "fixed")}, nil, all(onCVE), "fixed"},
		{"statement alias matches id", []stmt{{"vulnerability": map[string]any{"name": "ALPINE-13000", "aliases": []string{cve}},
			"products": []map[string]any{product(imgPURL)}, "status": "not_affected", "justification": "component_not_present"}}, nil, all(onCVE), "not_affected"},
		{"finding alias matches name", []stmt{notAffected(cve, product(imgPURL))}, func(r *report.Report) {
			for i := range r.Vulnerabilities {
				if r.Vulnerabilities[i].ID == cve {
					r.Vulnerabilities[i].ID, r.Vulnerabilities[i].Aliases = "GHSA-aaaa-bbbb-cccc", []string{cve}
				}
			}
		}, all(onCVE), "not_affected"},
		{"other vulnerability", []stmt{notAffected("CVE-1999-0001", product(imgPURL))}, nil, nil, ""},
		{"product mismatch", []stmt{notAffected(cve, product("sha256:"+strings.Repeat("0", 64)))}, nil, nil, ""},
		{"other image purl", []stmt{notAffected(cve, product("pkg:oci/debian@"+digest))}, nil, nil, ""},
		{"subcomponent matches", []stmt{notAffected(cve, product(imgPURL, "pkg:apk/alpine/libssl3"))}, nil, only("libssl3"), "not_affected"},
		{"subcomponent exact purl", []stmt{notAffected(cve, product(digest, libssl3PURL))}, nil, only("libssl3"), "not_affected"},
		{"subcomponent arch mismatch", []stmt{notAffected(cve, product(imgPURL, "pkg:apk/alpine/libssl3?arch=aarch64"))}, nil, nil, ""},
		{"subcomponent mismatch", []stmt{notAffected(cve, product(imgPURL, "pkg:apk/alpine/zlib"))}, nil, nil, ""},
		{"package as product", []stmt{notAffected(cve, product("pkg:apk/alpine/libssl3"))}, nil, only("libssl3"), "not_affected"},
		{"affected keeps", []stmt{withStatus(notAffected(cve, product(imgPURL)), "affected")}, nil, nil, ""},
		{"under_investigation keeps", []stmt{withStatus(notAffected(cve, product(imgPURL)), "under_investigation")}, nil, nil, ""},
		{"later affected wins", []stmt{
			at(notAffected(cve, product(imgPURL)), "2025-02-01T00:00:00Z"),
			at(withStatus(notAffected(cve, product(imgPURL)), "affected"), "2025-03-01T00:00:00Z"),
		}, nil, nil, ""},
		{"later not_affected wins", []stmt{
			at(notAffected(cve, product(imgPURL)), "2025-03-01T00:00:00Z"),
			at(withStatus(notAffected(cve, product(imgPURL)), "affected"), "2025-02-01T00:00:00Z"),
		}, nil, all(onCVE), "not_affected"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := *base
			rep.Vulnerabilities = append([]report.Vulnerability(nil), base.Vulnerabilities...)
			rep.Image = &report.Image{Reference: base.Image.Reference, Digest: base.Image.Digest, Platform: base.Image.Platform,
				Layers: []report.Layer{{Digest: base.Image.Layers[0].Digest, Vulnerabilities: append([]report.Vulnerability(nil), base.Vulnerabilities...)}}}
			if tc.mutate != nil {
				tc.mutate(&rep)
				rep.Image.Layers[0].Vulnerabilities = append([]report.Vulnerability(nil), rep.Vulnerabilities...)
			}
			before := len(rep.Vulnerabilities)
			path := writeDoc(t, tc.stmts...)
			set, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			sup := set.Apply(&rep)
			if len(sup) != len(tc.wantGone) {
				t.Fatalf("suppressed %d findings, want %d: %+v", len(sup), len(tc.wantGone), sup)
			}
			for _, s := range sup {
				v := s.Vulnerability
				if !tc.wantGone[v.Package] || (v.ID != cve && (len(v.Aliases) == 0 || v.Aliases[0] != cve)) {
					t.Errorf("suppressed %s on %s", v.ID, v.Package)
				}
				if s.Status != tc.wantStatus || !strings.Contains(s.Source, path) || !strings.Contains(s.Source, "https://example.com/vex/1") {
					t.Errorf("suppressed entry %+v", s)
				}
				if s.Status == "not_affected" && s.Justification == "" {
					t.Errorf("not_affected without justification: %+v", s)
				}
			}
			if len(rep.Vulnerabilities) != before-len(tc.wantGone) || len(rep.Suppressed) != len(tc.wantGone) {
				t.Errorf("report has %d findings and %d suppressed, want %d and %d", len(rep.Vulnerabilities), len(rep.Suppressed), before-len(tc.wantGone), len(tc.wantGone))
			}
			if got := len(rep.Image.Layers[0].Vulnerabilities); got != len(rep.Vulnerabilities) {
				t.Errorf("layer view keeps %d findings, report %d", got, len(rep.Vulnerabilities))
			}
			for _, v := range rep.Vulnerabilities {
				if (v.ID == cve || (len(v.Aliases) > 0 && v.Aliases[0] == cve)) && tc.wantGone[v.Package] {
					t.Errorf("%s on %s still reported", v.ID, v.Package)
				}
			}
		})
	}
}

func TestApplyExplanation(t *testing.T) {
	rep := reporttest.Alpine(t)
	set, err := Load(writeDoc(t, notAffected("CVE-2024-9143", product(rep.Image.Digest, "pkg:apk/alpine/libcrypto3"))))
	if err != nil {
		t.Fatal(err)
	}
	sup := set.Apply(rep)
	if len(sup) != 1 {
		t.Fatalf("suppressed %+v", sup)
	}
	s := sup[0]
	if s.Justification != "vulnerable_code_not_in_execute_path" || s.Statement != "never called" || s.Vulnerability.Package != "libcrypto3" {
		t.Errorf("suppressed %+v", s)
	}
	if got := Summary(sup); !strings.Contains(got, "CVE-2024-9143 on libcrypto3 (not_affected)") {
		t.Errorf("summary %q", got)
	}
	// The report's JSON says what was suppressed and why.
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"suppressed":[{"vulnerability":{"id":"CVE-2024-9143"`) || !strings.Contains(string(b), `"justification":"vulnerable_code_not_in_execute_path"`) {
		t.Errorf("report JSON lacks the suppressed entry: %.300s", b[strings.Index(string(b), `"suppressed"`):])
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	const ctx = `"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "author": "a", "timestamp": "2025-01-01T00:00:00Z", "version": 1`
	tests := []struct {
		name, content, wantErr string
	}{
		{"not json", "not json", "not a JSON object"},
		{"truncated", `{` + ctx + `, "statements": [{"vulnerability": {"name": "CVE-1"}`, "not a JSON object"},
		{"no context", `{"statements": []}`, "not an OpenVEX document"},
		{"csaf", `{"document": {"csaf_version": "2.0"}}`, "not an OpenVEX document"},
		{"bad status", `{` + ctx + `, "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "p"}], "status": "fine"}]}`, "invalid status"},
		{"not_affected without reason", `{` + ctx + `, "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "p"}], "status": "not_affected"}]}`, "justification"},
		{"bad justification", `{` + ctx + `, "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"@id": "p"}], "status": "not_affected", "justification": "trust_me"}]}`, "invalid justification"},
		{"no products", `{` + ctx + `, "statements": [{"vulnerability": {"name": "CVE-1"}, "status": "fixed"}]}`, "no products"},
		{"no vulnerability", `{` + ctx + `, "statements": [{"products": [{"@id": "p"}], "status": "fixed"}]}`, "no vulnerability"},
		{"bad timestamp", `{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "yesterday", "statements": []}`, "parsing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := write(strings.ReplaceAll(tc.name, " ", "_")+".json", tc.content)
			_, err := Load(p)
			if err == nil || !strings.Contains(err.Error(), p) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err = %v, want one naming %s and containing %q", err, p, tc.wantErr)
			}
		})
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file: %v", err)
	}
	// A good file after a bad one still fails the load.
	good := writeDoc(t, notAffected("CVE-1", product("p")))
	if _, err := Load(good, filepath.Join(dir, "not_json.json")); err == nil {
		t.Error("bad second file accepted")
	}
}

func TestApplyNothing(t *testing.T) {
	var s *Set
	if got := s.Apply(&report.Report{}); got != nil {
		t.Errorf("nil set suppressed %v", got)
	}
	set, err := Load()
	if err != nil || set.Apply(&report.Report{Vulnerabilities: []report.Vulnerability{{ID: "CVE-1"}}}) != nil {
		t.Errorf("empty set: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "x", "timestamp": "2025-01-01T00:00:00Z", "statements": [{"vulnerability": {"name": "CVE-1", "aliases": ["GHSA-1"]}, "products": [{"@id": "pkg:oci/app@sha256:ab", "subcomponents": [{"@id": "pkg:apk/alpine/libssl3"}]}], "status": "not_affected", "justification": "component_not_present"}]}`))
	f.Add([]byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [{"vulnerability": {"name": "CVE-1"}, "products": [{"hashes": {"sha-256": "ab"}}], "status": "fixed", "timestamp": "2025-02-01T00:00:00Z"}]}`))
	rep := &report.Report{
		Image:           &report.Image{Reference: "app:1", Digest: "sha256:ab"},
		OS:              &report.OS{ID: "alpine", VersionID: "3.20.3"},
		Packages:        []report.Package{{Name: "libssl3", Version: "3.3.2-r0", Type: "apk", Arch: "x86_64"}},
		Vulnerabilities: []report.Vulnerability{{ID: "CVE-1", Aliases: []string{"GHSA-1"}, Package: "libssl3", PackageType: "apk", InstalledVersion: "3.3.2-r0"}},
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		set, err := Parse("fuzz.json", data)
		if err != nil {
			return
		}
		r := *rep
		r.Vulnerabilities = append([]report.Vulnerability(nil), rep.Vulnerabilities...)
		sup := set.Apply(&r)
		if len(sup)+len(r.Vulnerabilities) != len(rep.Vulnerabilities) {
			t.Fatalf("findings lost: %d suppressed + %d kept != %d", len(sup), len(r.Vulnerabilities), len(rep.Vulnerabilities))
		}
	})
}
