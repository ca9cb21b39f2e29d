package exception

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
)

var now = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

func at(d time.Duration) *time.Time { t := now.Add(d); return &t }

// exc is a valid exception for vuln, changed by opts.
func exc(id, vuln string, opts ...func(*Exception)) Exception {
	e := Exception{ID: id, Vulnerability: vuln, Reason: "not reachable in our build", Author: "alice", Created: now.Add(-time.Hour)}
	for _, o := range opts {
		o(&e)
	}
	return e
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		e    Exception
		want string // "" = valid; else a substring of the error
	}{
		{"minimal", exc("a", "CVE-2024-1"), ""},
		{"full scope", exc("a", "CVE-2024-1", func(e *Exception) {
			e.Registries, e.Repositories, e.Images, e.Tags = []string{"local"}, []string{"team/*"}, []string{"**"}, []string{"v1.*"}
			e.Digests, e.Packages, e.Namespaces, e.Expires = []string{"sha256:abcd"}, []string{"openssl"}, []string{"kube-*"}, at(30*24*time.Hour)
		}), ""},
		{"no id", exc("", "CVE-2024-1"), "id"},
		{"id with slash", exc("a/b", "CVE-2024-1"), "id"},
		{"no vulnerability", exc("a", ""), "vulnerability: required"},
		{"vulnerability with space", exc("a", "CVE 1"), "without spaces"},
		{"no reason", exc("a", "CVE-1", func(e *Exception) { e.Reason = "  " }), "reason: required"},
		{"reason too long", exc("a", "CVE-1", func(e *Exception) { e.Reason = strings.Repeat("x", MaxReason+1) }), "reason"},
		{"no author", exc("a", "CVE-1", func(e *Exception) { e.Author = "" }), "author"},
		{"no created", exc("a", "CVE-1", func(e *Exception) { e.Created = time.Time{} }), "created"},
		{"expires before created", exc("a", "CVE-1", func(e *Exception) { e.Expires = at(-2 * time.Hour) }), "not after created"},
		{"bad glob", exc("a", "CVE-1", func(e *Exception) { e.Repositories = []string{"team/["} }), `repositories: pattern "team/["`},
		{"empty glob", exc("a", "CVE-1", func(e *Exception) { e.Packages = []string{""} }), "packages: empty"},
		{"bad digest", exc("a", "CVE-1", func(e *Exception) { e.Digests = []string{"latest"} }), "not a digest"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.e.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid exception refused: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want ErrInvalid mentioning %q", err, tc.want)
			}
		})
	}
	// Every problem is named at once.
	e := Exception{ID: "x"}
	err := e.Validate()
	for _, w := range []string{"vulnerability", "reason", "author", "created"} {
		if err == nil || !strings.Contains(err.Error(), w) {
			t.Errorf("error %v does not name %s", err, w)
		}
	}
}

func TestMatches(t *testing.T) {
	v := report.Vulnerability{ID: "CVE-2024-9143", Aliases: []string{"GHSA-aaaa"}, Package: "libssl3", SourceName: "openssl"}
	target := Target{Registries: []string{"local", "127.0.0.1:5000"}, Repository: "team/app", Tags: []string{"1.2", "latest"}, Digest: "sha256:abc"}
	inNS := target
	inNS.Namespace = "prod"
	tests := []struct {
		name string
		e    func(*Exception)
		vuln string
		t    Target
		want bool
	}{
		{"id, no scope", nil, "CVE-2024-9143", target, true},
		{"id case-insensitive", nil, "cve-2024-9143", target, true},
		{"alias", nil, "GHSA-aaaa", target, true},
		{"other id", nil, "CVE-2024-9144", target, false},
		{"repository glob", func(e *Exception) { e.Repositories = []string{"team/*"} }, "CVE-2024-9143", target, true},
		{"repository glob does not cross /", func(e *Exception) { e.Repositories = []string{"*"} }, "CVE-2024-9143", target, false},
		{"repository ** matches all", func(e *Exception) { e.Repositories = []string{"**"} }, "CVE-2024-9143", target, true},
		{"registry by name", func(e *Exception) { e.Registries = []string{"local"} }, "CVE-2024-9143", target, true},
		{"registry by host glob", func(e *Exception) { e.Registries = []string{"127.0.0.1:*"} }, "CVE-2024-9143", target, true},
		{"other registry", func(e *Exception) { e.Registries = []string{"ghcr.io"} }, "CVE-2024-9143", target, false},
		{"tag glob, any tag", func(e *Exception) { e.Tags = []string{"1.*"} }, "CVE-2024-9143", target, true},
		{"tag glob mismatch", func(e *Exception) { e.Tags = []string{"2.*"} }, "CVE-2024-9143", target, false},
		{"image glob with tag", func(e *Exception) { e.Images = []string{"127.0.0.1:5000/team/app:1.*"} }, "CVE-2024-9143", target, true},
		{"image by digest", func(e *Exception) { e.Images = []string{"local/team/app@sha256:abc"} }, "CVE-2024-9143", target, true},
		{"image mismatch", func(e *Exception) { e.Images = []string{"local/team/other:*"} }, "CVE-2024-9143", target, false},
		{"digest", func(e *Exception) { e.Digests = []string{"sha256:abc"} }, "CVE-2024-9143", target, true},
		{"other digest", func(e *Exception) { e.Digests = []string{"sha256:def"} }, "CVE-2024-9143", target, false},
		{"package", func(e *Exception) { e.Packages = []string{"libssl*"} }, "CVE-2024-9143", target, true},
		{"source package", func(e *Exception) { e.Packages = []string{"openssl"} }, "CVE-2024-9143", target, true},
		{"other package", func(e *Exception) { e.Packages = []string{"libcrypto3"} }, "CVE-2024-9143", target, false},
		{"namespace never matches a stored result", func(e *Exception) { e.Namespaces = []string{"**"} }, "CVE-2024-9143", target, false},
		{"namespace in admission", func(e *Exception) { e.Namespaces = []string{"pr*"} }, "CVE-2024-9143", inNS, true},
		{"other namespace", func(e *Exception) { e.Namespaces = []string{"dev"} }, "CVE-2024-9143", inNS, false},
		{"fields AND", func(e *Exception) { e.Repositories, e.Tags = []string{"team/*"}, []string{"2.*"} }, "CVE-2024-9143", target, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := exc("a", tc.vuln)
			if tc.e != nil {
				tc.e(&e)
			}
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
			if got := e.Matches(v, tc.t); got != tc.want {
				t.Fatalf("Matches = %v, want %v", got, tc.want)
			}
		})
	}
}

// alpineTarget is the image reporttest.Alpine scans, as the controller
// would name it.
func alpineTarget(rep *report.Report) Target {
	return Target{Registries: []string{"local", "registry.example:5000"}, Repository: "library/alpine", Tags: []string{"3.20.3"}, Digest: rep.Image.Digest}
}

func countID(vs []report.Vulnerability, id string) int {
	n := 0
	for _, v := range vs {
		if v.ID == id {
			n++
		}
	}
	return n
}

func TestApplyRealReport(t *testing.T) {
	base := reporttest.Alpine(t)
	const cve = "CVE-2024-9143" // openssl: on libcrypto3 and libssl3
	onCVE := countID(base.Vulnerabilities, cve)
	if onCVE < 2 {
		t.Fatalf("%s on %d packages: the test needs at least 2", cve, onCVE)
	}
	total := len(base.Vulnerabilities)
	target := alpineTarget(base)
	tests := []struct {
		name        string
		excs        []Exception
		target      Target
		wantGone    int
		wantExpired []string
	}{
		{"fleet-wide", []Exception{exc("a", cve)}, target, onCVE, nil},
		{"one package", []Exception{exc("a", cve, func(e *Exception) { e.Packages = []string{"libssl3"} })}, target, 1, nil},
		{"repository scope", []Exception{exc("a", cve, func(e *Exception) { e.Repositories = []string{"library/*"} })}, target, onCVE, nil},
		{"other repository", []Exception{exc("a", cve, func(e *Exception) { e.Repositories = []string{"team/*"} })}, target, 0, nil},
		{"namespace-scoped: not on stored result", []Exception{exc("a", cve, func(e *Exception) { e.Namespaces = []string{"prod"} })}, target, 0, nil},
		{"namespace-scoped: in that namespace", []Exception{exc("a", cve, func(e *Exception) { e.Namespaces = []string{"prod"} })},
			Target{Registries: target.Registries, Repository: target.Repository, Tags: target.Tags, Digest: target.Digest, Namespace: "prod"}, onCVE, nil},
		{"expired stops applying and says so", []Exception{exc("old", cve, func(e *Exception) { e.Expires = at(-time.Minute) })}, target, 0, []string{"old"}},
		{"not yet expired applies", []Exception{exc("a", cve, func(e *Exception) { e.Expires = at(time.Minute) })}, target, onCVE, nil},
		{"active wins over expired", []Exception{exc("old", cve, func(e *Exception) { e.Expires = at(-time.Minute) }), exc("new", cve)}, target, onCVE, nil},
		{"unknown vulnerability", []Exception{exc("a", "CVE-1999-0001")}, target, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep := cloneReport(t, base)
			out := NewSet(tc.excs).Apply(rep, tc.target, now)
			if len(out.Suppressed) != tc.wantGone || len(rep.Vulnerabilities) != total-tc.wantGone {
				t.Fatalf("suppressed %d, %d findings left of %d; want %d suppressed", len(out.Suppressed), len(rep.Vulnerabilities), total, tc.wantGone)
			}
			if tc.wantGone > 0 && countID(rep.Vulnerabilities, cve) != onCVE-tc.wantGone {
				t.Fatalf("%d %s findings left", countID(rep.Vulnerabilities, cve), cve)
			}
			for _, s := range rep.Suppressed {
				if s.Status != StatusException || s.Statement == "" || s.Author != "alice" || s.Exception == "" {
					t.Fatalf("suppressed entry lacks status, reason, author or id: %+v", s)
				}
			}
			var expired []string
			for _, e := range out.Expired {
				expired = append(expired, e.ID)
			}
			if strings.Join(expired, ",") != strings.Join(tc.wantExpired, ",") {
				t.Fatalf("expired %v, want %v", expired, tc.wantExpired)
			}
			warned := false
			for _, w := range rep.Warnings {
				warned = warned || strings.Contains(w, "exception old")
			}
			if warned != (len(tc.wantExpired) > 0) {
				t.Fatalf("warnings %q: an expired exception must be said, only then", rep.Warnings)
			}
		})
	}
}

func cloneReport(t *testing.T, r *report.Report) *report.Report {
	t.Helper()
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var out report.Report
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// A stored report re-evaluated later: deleting or expiring the exception
// brings the findings back; applying twice changes nothing; VEX
// suppressions are left alone.
func TestApplyReevaluates(t *testing.T) {
	base := reporttest.Alpine(t)
	const cve = "CVE-2024-9143"
	target := alpineTarget(base)

	rep := cloneReport(t, base)
	rep.Suppressed = []report.Suppressed{{Vulnerability: report.Vulnerability{ID: "CVE-VEX-1"}, Status: "not_affected", Source: "doc"}}
	set := NewSet([]Exception{exc("a", cve, func(e *Exception) { e.Expires = at(time.Hour) })})
	first := set.Apply(rep, target, now)
	once, _ := json.Marshal(rep)
	second := set.Apply(rep, target, now)
	twice, _ := json.Marshal(rep)
	if len(first.Suppressed) == 0 || len(second.Suppressed) != len(first.Suppressed) {
		t.Fatalf("suppressed %d then %d", len(first.Suppressed), len(second.Suppressed))
	}
	if len(once) != len(twice) || len(rep.Suppressed) != len(first.Suppressed)+1 {
		t.Fatalf("applying twice changed the report (%d -> %d bytes, %d suppressed)", len(once), len(twice), len(rep.Suppressed))
	}

	// Two hours later the exception has expired: everything is back, and said.
	out := set.Apply(rep, target, now.Add(2*time.Hour))
	if len(out.Suppressed) != 0 || len(out.Expired) != 1 || countID(rep.Vulnerabilities, cve) != countID(base.Vulnerabilities, cve) {
		t.Fatalf("after expiry: %d suppressed, %d expired, %d %s findings", len(out.Suppressed), len(out.Expired), countID(rep.Vulnerabilities, cve), cve)
	}
	if len(rep.Suppressed) != 1 || rep.Suppressed[0].Vulnerability.ID != "CVE-VEX-1" {
		t.Fatalf("VEX suppression not kept: %+v", rep.Suppressed)
	}

	// Deleted (empty set): the report is the original again, findings-wise.
	NewSet(nil).Apply(rep, target, now)
	rep.Suppressed = nil
	if len(rep.Vulnerabilities) != len(base.Vulnerabilities) || len(rep.Warnings) != len(base.Warnings) {
		t.Fatalf("reset left %d findings (want %d), warnings %q", len(rep.Vulnerabilities), len(base.Vulnerabilities), rep.Warnings)
	}
}

// Per-layer views (--layers) lose the suppressed findings and get them
// back on reset.
func TestApplyLayerViews(t *testing.T) {
	rep := reporttest.Alpine(t)
	const cve = "CVE-2024-9143"
	if rep.Image == nil || len(rep.Image.Layers) == 0 {
		t.Fatal("the Alpine report has no layers")
	}
	l := &rep.Image.Layers[0]
	if len(l.Vulnerabilities) == 0 {
		// Fill the view as --layers does: this one-layer image's layer
		// introduced everything.
		for _, v := range rep.Vulnerabilities {
			if v.Layer != l.Digest {
				t.Fatalf("finding %s on layer %q, not %q", v.ID, v.Layer, l.Digest)
			}
		}
		l.Packages, l.Vulnerabilities = rep.Packages, append([]report.Vulnerability(nil), rep.Vulnerabilities...)
	}
	before := countID(l.Vulnerabilities, cve)
	set := NewSet([]Exception{exc("a", cve)})
	set.Apply(rep, alpineTarget(rep), now)
	if n := countID(rep.Image.Layers[0].Vulnerabilities, cve); n != 0 || before == 0 {
		t.Fatalf("layer view keeps %d of %d %s findings", n, before, cve)
	}
	Reset(rep)
	if n := countID(rep.Image.Layers[0].Vulnerabilities, cve); n != before {
		t.Fatalf("after reset the layer view has %d of %d %s findings", n, before, cve)
	}
}
