package exception

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/vex"
)

func vexDoc(t *testing.T, stmts ...map[string]any) *vex.Set {
	t.Helper()
	doc := map[string]any{
		"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
		"author": "Example Security", "timestamp": "2026-11-01T00:00:00Z", "version": 1, "statements": stmts,
	}
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	s, err := vex.Parse("doc.json", b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func vexStmt(vuln, status string, products ...map[string]any) map[string]any {
	s := map[string]any{"vulnerability": map[string]any{"name": vuln}, "products": products, "status": status}
	switch status {
	case "not_affected":
		s["justification"], s["impact_statement"] = "vulnerable_code_not_in_execute_path", "never called"
	case "affected":
		s["action_statement"] = "upgrade"
	}
	return s
}

func vexProduct(id string, subs ...string) map[string]any {
	p := map[string]any{"@id": id}
	var s []map[string]any
	for _, sub := range subs {
		s = append(s, map[string]any{"@id": sub})
	}
	if len(s) > 0 {
		p["subcomponents"] = s
	}
	return p
}

func TestFromVEX(t *testing.T) {
	const digest = "sha256:3f2a6b1c0000000000000000000000000000000000000000000000000000abcd"
	tests := []struct {
		name    string
		stmts   []map[string]any
		want    []Exception // compared on vulnerability and scope
		skipped int
		wantErr string
	}{
		{"image purl with subcomponent", []map[string]any{vexStmt("CVE-2024-9143", "not_affected",
			vexProduct("pkg:oci/alpine@"+digest+"?repository_url=registry.example%3A5000%2Flibrary%2Falpine", "pkg:apk/alpine/libssl3@3.3.2-r0"))},
			[]Exception{{Vulnerability: "CVE-2024-9143", Digests: []string{digest}, Packages: []string{"libssl3"}}}, 0, ""},
		{"bare digest", []map[string]any{vexStmt("CVE-1", "fixed", vexProduct(digest))},
			[]Exception{{Vulnerability: "CVE-1", Digests: []string{digest}}}, 0, ""},
		{"package purl alone", []map[string]any{vexStmt("CVE-1", "not_affected", vexProduct("pkg:golang/golang.org/x/net@v0.7.0"))},
			[]Exception{{Vulnerability: "CVE-1", Packages: []string{"golang.org/x/net"}}}, 0, ""},
		{"image reference", []map[string]any{vexStmt("CVE-1", "not_affected", vexProduct("nginx:1.25"))},
			[]Exception{{Vulnerability: "CVE-1", Images: []string{"docker.io/library/nginx:1.25"}}}, 0, ""},
		{"two products: two exceptions", []map[string]any{vexStmt("CVE-1", "not_affected", vexProduct(digest), vexProduct("nginx:1.25"))},
			[]Exception{{Vulnerability: "CVE-1", Digests: []string{digest}}, {Vulnerability: "CVE-1", Images: []string{"docker.io/library/nginx:1.25"}}}, 0, ""},
		{"one digest under two repositories: one exception", []map[string]any{vexStmt("CVE-1", "not_affected",
			vexProduct("pkg:oci/alpine@"+digest+"?repository_url=registry.example%3A5000%2Fteam%2Falpine"),
			vexProduct("pkg:oci/alpine@"+digest+"?repository_url=registry.example%3A5000%2Fmirror%2Falpine")),
			vexStmt("CVE-1", "not_affected", vexProduct(digest))},
			[]Exception{{Vulnerability: "CVE-1", Digests: []string{digest}}}, 2, ""},
		{"affected and under_investigation skipped", []map[string]any{vexStmt("CVE-1", "affected", vexProduct(digest)),
			vexStmt("CVE-2", "under_investigation", vexProduct(digest))}, nil, 2, ""},
		{"unscopable product", []map[string]any{vexStmt("CVE-1", "not_affected", vexProduct("https://example.com/product/x"))}, nil, 0, "names no image digest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, skipped, err := FromVEX(vexDoc(t, tc.stmts...), "bob", now)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.Contains(err.Error(), "doc.json") {
					t.Fatalf("error %v, want one naming the document and %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(skipped) != tc.skipped || len(got) != len(tc.want) {
				t.Fatalf("got %d exceptions, %d skipped (%v); want %d, %d", len(got), len(skipped), skipped, len(tc.want), tc.skipped)
			}
			for i, w := range tc.want {
				g := got[i]
				if g.Vulnerability != w.Vulnerability || !slices.Equal(g.Digests, w.Digests) || !slices.Equal(g.Packages, w.Packages) ||
					!slices.Equal(g.Images, w.Images) {
					t.Fatalf("exception %d: %+v, want scope %+v", i, g, w)
				}
				if g.Author != "bob" || !strings.HasPrefix(g.Reason, "OpenVEX ") || !strings.HasPrefix(g.ID, "vex-") {
					t.Fatalf("exception %d: author %q reason %q id %q", i, g.Author, g.Reason, g.ID)
				}
			}
			// Importing again gives the same ids (it replaces, not adds).
			again, _, _ := FromVEX(vexDoc(t, tc.stmts...), "bob", now)
			for i := range got {
				if again[i].ID != got[i].ID {
					t.Fatalf("ids differ between imports: %s, %s", got[i].ID, again[i].ID)
				}
			}
		})
	}
}

// Exceptions applied to a real report, exported as OpenVEX, are read back
// by internal/vex (validated by go-vex) and imported again: the imported
// exceptions suppress exactly the same findings in a fresh copy of the
// report, and internal/vex's own Apply suppresses the same ones too.
func TestVEXRoundTrip(t *testing.T) {
	base := reporttest.Alpine(t)
	target := alpineTarget(base)
	rep := cloneReport(t, base)
	set := NewSet([]Exception{
		exc("a", "CVE-2024-9143", func(e *Exception) { e.Packages = []string{"libssl3"}; e.Expires = at(48 * time.Hour) }),
		exc("b", "CVE-2024-58251"),
	})
	applied := set.Apply(rep, target, now)
	if len(applied.Suppressed) < 2 {
		t.Fatalf("the test needs findings of both CVEs in the Alpine report; suppressed %d", len(applied.Suppressed))
	}
	doc, err := ToVEX("https://scanfleet.example/vex/1", "scanfleet", now, []*report.Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != len(applied.Suppressed) {
		t.Fatalf("%d statements for %d suppressed findings", len(doc.Statements), len(applied.Suppressed))
	}
	if !strings.Contains(doc.Statements[0].StatusNotes, "by alice") || doc.Statements[0].ImpactStatement == "" {
		t.Fatalf("statement lacks who and why: %+v", doc.Statements[0])
	}
	if doc.Statements[0].Products[0].ID != purl.Image(base.Image) {
		t.Fatalf("product %q, want the image purl", doc.Statements[0].Products[0].ID)
	}
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := vex.Parse("export.json", raw)
	if err != nil {
		t.Fatalf("exported document does not load: %v\n%s", err, raw)
	}

	suppressedIDs := func(sup []report.Suppressed) []string {
		var ids []string
		for _, s := range sup {
			ids = append(ids, s.Vulnerability.ID+"/"+s.Vulnerability.Package)
		}
		slices.Sort(ids)
		return ids
	}
	want := suppressedIDs(applied.Suppressed)

	byVEX := cloneReport(t, base)
	if got := suppressedIDs(vs.Apply(byVEX)); !slices.Equal(got, want) {
		t.Fatalf("vex.Apply of the export suppresses %v, want %v", got, want)
	}

	imported, skipped, err := FromVEX(vs, "bob", now)
	if err != nil || len(skipped) != 0 {
		t.Fatalf("import: %v, skipped %v", err, skipped)
	}
	again := cloneReport(t, base)
	if got := suppressedIDs(NewSet(imported).Apply(again, target, now).Suppressed); !slices.Equal(got, want) {
		t.Fatalf("re-imported exceptions suppress %v, want %v", got, want)
	}
	// And not on another image.
	other := cloneReport(t, base)
	otherTarget := target
	otherTarget.Digest = "sha256:" + strings.Repeat("0", 64)
	if n := len(NewSet(imported).Apply(other, otherTarget, now).Suppressed); n != 0 {
		t.Fatalf("imported exceptions suppress %d findings on another digest", n)
	}
}
