package admission

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/report"
)

var now = time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)

// findings of a made-up image: two CRITICAL (one fixed), one HIGH without
// a fix, one MEDIUM fixed, one UNKNOWN.
var sample = []Finding{
	{ID: "CVE-2024-0001", Severity: "CRITICAL", Fixed: true, CVSS: 9.8},
	{ID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2024-0002"}, Severity: "CRITICAL", Fixed: false, CVSS: 9.1, KEV: true, EPSS: 0.42},
	{ID: "CVE-2024-0003", Severity: "HIGH", Fixed: false, CVSS: 7.5, EPSS: 0.02},
	{ID: "CVE-2024-0004", Severity: "MEDIUM", Fixed: true},
	{ID: "CVE-2024-0005", Severity: "UNKNOWN", Fixed: false},
}

func subject(img string, res *Result) Subject {
	ref, err := ParseRef(img)
	if err != nil {
		panic(err)
	}
	return Subject{Image: img, Ref: ref, Namespace: "prod", Labels: map[string]string{"app": "web", "tier": "front"}, Result: res}
}

func scanned(age time.Duration) *Result {
	return &Result{Digest: "sha256:" + strings.Repeat("a", 64), ScannedAt: now.Add(-age), Findings: sample}
}

func TestCriteriaMatch(t *testing.T) {
	fixed := &Result{Digest: "sha256:" + strings.Repeat("b", 64), ScannedAt: now, Findings: []Finding{}}
	// No findings, but only because the database knows nothing of Debian 12.
	partial := &Result{Digest: "sha256:" + strings.Repeat("c", 64), ScannedAt: now, Findings: []Finding{}, NotCovered: []string{"Debian:12"}}
	tests := []struct {
		name string
		c    Criteria
		s    Subject
		want bool
	}{
		{"critical count 2 reached", Criteria{Severity: "CRITICAL", MinCount: 2}, subject("nginx", scanned(0)), true},
		{"critical count 3 not reached", Criteria{Severity: "CRITICAL", MinCount: 3}, subject("nginx", scanned(0)), false},
		{"high or above counts critical too", Criteria{Severity: "HIGH", MinCount: 3}, subject("nginx", scanned(0)), true},
		{"high or above, 4 needed", Criteria{Severity: "HIGH", MinCount: 4}, subject("nginx", scanned(0)), false},
		{"unknown threshold counts all", Criteria{Severity: "UNKNOWN", MinCount: 5}, subject("nginx", scanned(0)), true},
		{"critical with a fix: 1", Criteria{Severity: "CRITICAL", Fix: FixWith, MinCount: 1}, subject("nginx", scanned(0)), true},
		{"critical with a fix: 2 not reached", Criteria{Severity: "CRITICAL", Fix: FixWith, MinCount: 2}, subject("nginx", scanned(0)), false},
		{"high without fix: 2", Criteria{Severity: "HIGH", Fix: FixWithout, MinCount: 2}, subject("nginx", scanned(0)), true},
		{"medium with fix counts critical fixed + medium", Criteria{Severity: "MEDIUM", Fix: FixWith, MinCount: 2}, subject("nginx", scanned(0)), true},
		{"severity on a clean image", Criteria{Severity: "LOW"}, subject("nginx", fixed), false},
		{"severity on an unscanned image", Criteria{Severity: "LOW"}, subject("nginx", nil), false},
		{"cvss 9.8 reached", Criteria{CVSSAtLeast: 9.8}, subject("nginx", scanned(0)), true},
		{"in kev", Criteria{InKEV: true}, subject("nginx", scanned(0)), true},
		{"in kev with a fix: none", Criteria{InKEV: true, Fix: FixWith}, subject("nginx", scanned(0)), false},
		{"in kev, no result", Criteria{InKEV: true}, subject("nginx", nil), false},
		{"epss 0.4 reached", Criteria{EPSSAtLeast: 0.4}, subject("nginx", scanned(0)), true},
		{"epss 0.5 not reached", Criteria{EPSSAtLeast: 0.5}, subject("nginx", scanned(0)), false},
		{"cvss 9.9 not reached", Criteria{CVSSAtLeast: 9.9}, subject("nginx", scanned(0)), false},
		{"cvss without fix tops at 9.1", Criteria{CVSSAtLeast: 9.5, Fix: FixWithout}, subject("nginx", scanned(0)), false},
		{"cve by id", Criteria{CVEs: []string{"CVE-2024-0003"}}, subject("nginx", scanned(0)), true},
		{"cve by alias", Criteria{CVEs: []string{"CVE-2024-0002"}}, subject("nginx", scanned(0)), true},
		{"cve absent", Criteria{CVEs: []string{"CVE-2023-9999"}}, subject("nginx", scanned(0)), false},
		{"cve with fix filter excludes it", Criteria{CVEs: []string{"CVE-2024-0003"}, Fix: FixWith}, subject("nginx", scanned(0)), false},
		{"not scanned: unscanned", Criteria{NotScanned: true}, subject("nginx", nil), true},
		{"not scanned: scanned", Criteria{NotScanned: true}, subject("nginx", scanned(0)), false},
		{"scanned older than 7d: 8d old", Criteria{ScannedOlderThan: Duration(7 * 24 * time.Hour)}, subject("nginx", scanned(8*24*time.Hour)), true},
		{"scanned older than 7d: 6d old", Criteria{ScannedOlderThan: Duration(7 * 24 * time.Hour)}, subject("nginx", scanned(6*24*time.Hour)), false},
		{"scanned older than: unscanned is no match", Criteria{ScannedOlderThan: Duration(time.Hour)}, subject("nginx", nil), false},
		{"registry docker hub by short name", Criteria{Registries: []string{"docker.io"}}, subject("nginx", nil), true},
		{"registry docker hub by legacy host", Criteria{Registries: []string{"docker.io"}}, subject("index.docker.io/library/nginx:1", nil), true},
		{"registry glob with port", Criteria{Registries: []string{"127.0.0.1:*"}}, subject("127.0.0.1:5000/team/app:1.2", nil), true},
		{"registry other", Criteria{Registries: []string{"quay.io"}}, subject("nginx", nil), false},
		{"repository glob", Criteria{Repositories: []string{"team/*"}}, subject("127.0.0.1:5000/team/app:1.2", nil), true},
		{"repository glob does not cross /", Criteria{Repositories: []string{"team/*"}}, subject("127.0.0.1:5000/team/sub/app:1.2", nil), false},
		{"repository library", Criteria{Repositories: []string{"library/nginx"}}, subject("nginx:1.25", nil), true},
		{"image glob on normalised form", Criteria{Images: []string{"docker.io/library/nginx:1.*"}}, subject("nginx:1.25", nil), true},
		{"image glob as written", Criteria{Images: []string{"nginx:*"}}, subject("nginx:1.25", nil), true},
		{"namespace", Criteria{Namespaces: []string{"prod", "staging"}}, subject("nginx", nil), true},
		{"namespace glob other", Criteria{Namespaces: []string{"kube-*"}}, subject("nginx", nil), false},
		{"labels all present", Criteria{Labels: map[string]string{"app": "web", "tier": "*"}}, subject("nginx", nil), true},
		{"labels one missing", Criteria{Labels: map[string]string{"app": "web", "team": "*"}}, subject("nginx", nil), false},
		{"labels value differs", Criteria{Labels: map[string]string{"app": "db"}}, subject("nginx", nil), false},
		{"AND: namespace matches, severity not", Criteria{Namespaces: []string{"prod"}, Severity: "CRITICAL", MinCount: 3}, subject("nginx", scanned(0)), false},
		{"AND: both", Criteria{Namespaces: []string{"prod"}, Severity: "CRITICAL", MinCount: 2}, subject("nginx", scanned(0)), true},
		{"** matches everything", Criteria{Repositories: []string{"**"}}, subject("127.0.0.1:5000/a/b/c:1", nil), true},
		{"not covered: database lacks the OS", Criteria{NotCovered: true}, subject("debian:12", partial), true},
		{"not covered: fully covered result", Criteria{NotCovered: true}, subject("nginx", scanned(0)), false},
		{"not covered: unscanned is no match", Criteria{NotCovered: true}, subject("nginx", nil), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Rule{Name: "r", Action: Deny, Criteria: tt.c}
			if err := r.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			got, why := r.Criteria.match(now, tt.s)
			if got != tt.want {
				t.Fatalf("match = %v (%v), want %v", got, why, tt.want)
			}
			if got && len(why) == 0 {
				t.Error("a match gives no reason")
			}
		})
	}
}

func TestEvaluateOrderAndModes(t *testing.T) {
	denyCritical := Rule{Name: "no-critical", Action: Deny, Criteria: Criteria{Severity: "CRITICAL"}}
	denyUnscanned := Rule{Name: "no-unscanned", Action: Deny, Criteria: Criteria{NotScanned: true}}
	allowSystem := Rule{Name: "system", Action: Allow, Criteria: Criteria{Namespaces: []string{"kube-system"}}}
	tests := []struct {
		name       string
		p          Policy
		s          Subject
		wantAction Action
		wantRule   string
		wantRefuse bool
	}{
		{"deny in protect refuses", Policy{Settings{Mode: Protect}, []Rule{denyCritical}}, subject("nginx", scanned(0)), Deny, "no-critical", true},
		{"deny in monitor is recorded only", Policy{Settings{Mode: Monitor}, []Rule{denyCritical}}, subject("nginx", scanned(0)), Deny, "no-critical", false},
		{"rule mode protect overrides global monitor", Policy{Settings{Mode: Monitor}, []Rule{{Name: "p", Action: Deny, Mode: Protect, Criteria: denyCritical.Criteria}}}, subject("nginx", scanned(0)), Deny, "p", true},
		{"allow rule listed after deny still wins", Policy{Settings{Mode: Protect}, []Rule{denyCritical, {Name: "prod-ok", Action: Allow, Criteria: Criteria{Namespaces: []string{"prod"}}}}}, subject("nginx", scanned(0)), Allow, "prod-ok", false},
		{"allow rule for another namespace does not", Policy{Settings{Mode: Protect}, []Rule{allowSystem, denyCritical}}, subject("nginx", scanned(0)), Deny, "no-critical", true},
		{"first deny rule in order names the denial", Policy{Settings{Mode: Protect}, []Rule{{Name: "second", Action: Deny, Criteria: Criteria{CVEs: []string{"CVE-2024-0001"}}}, denyCritical}}, subject("nginx", scanned(0)), Deny, "second", true},
		{"disabled rule ignored", Policy{Settings{Mode: Protect}, []Rule{{Name: "off", Action: Deny, Disabled: true, Criteria: denyCritical.Criteria}}}, subject("nginx", scanned(0)), Allow, "", false},
		{"no result default allow", Policy{Settings{Mode: Protect}, []Rule{denyCritical}}, subject("nginx", nil), Allow, "", false},
		{"no result deny in protect", Policy{Settings{Mode: Protect, NoResult: Deny}, []Rule{denyCritical}}, subject("nginx", nil), Deny, "", true},
		{"no result deny in monitor", Policy{Settings{Mode: Monitor, NoResult: Deny}, nil}, subject("nginx", nil), Deny, "", false},
		{"not-scanned rule names itself", Policy{Settings{Mode: Protect}, []Rule{denyUnscanned}}, subject("nginx", nil), Deny, "no-unscanned", true},
		{"allow rule beats no-result deny", Policy{Settings{Mode: Protect, NoResult: Deny}, []Rule{{Name: "hub", Action: Allow, Criteria: Criteria{Registries: []string{"docker.io"}}}}}, subject("nginx", nil), Allow, "hub", false},
		{"clean image allowed", Policy{Settings{Mode: Protect}, []Rule{denyCritical}}, subject("nginx", &Result{ScannedAt: now}), Allow, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.p.Validate(); err != nil {
				t.Fatal(err)
			}
			v := tt.p.Evaluate(now, tt.s)
			if v.Action != tt.wantAction || v.Rule != tt.wantRule || v.Refuses() != tt.wantRefuse {
				t.Fatalf("verdict %+v, want action %s rule %q refuses %v", v, tt.wantAction, tt.wantRule, tt.wantRefuse)
			}
			if v.Reason == "" {
				t.Error("verdict without a reason")
			}
		})
	}
}

func TestReasonNamesWhatHeld(t *testing.T) {
	p := Policy{Settings: Settings{Mode: Protect}, Rules: []Rule{{Name: "crit", Action: Deny, Criteria: Criteria{Severity: "critical", MinCount: 2, Fix: FixAny}}}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	v := p.Evaluate(now, subject("nginx", scanned(0)))
	if want := "2 findings at or above CRITICAL (limit 1)"; v.Reason != want {
		t.Errorf("reason %q, want %q", v.Reason, want)
	}
	p.Rules[0].Criteria = Criteria{CVEs: []string{"cve-2024-0002", "CVE-2024-0003", "CVE-1999-0001"}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	v = p.Evaluate(now, subject("nginx", scanned(0)))
	if want := "found CVE-2024-0002, CVE-2024-0003"; v.Reason != want {
		t.Errorf("reason %q, want %q", v.Reason, want)
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		r    Rule
		want string
	}{
		{"bad name", Rule{Name: "a b", Action: Deny, Criteria: Criteria{NotScanned: true}}, "rule name"},
		{"bad action", Rule{Name: "a", Action: "block", Criteria: Criteria{NotScanned: true}}, "action"},
		{"bad mode", Rule{Name: "a", Action: Deny, Mode: "enforce", Criteria: Criteria{NotScanned: true}}, "mode"},
		{"no criteria", Rule{Name: "a", Action: Deny}, "no criteria"},
		{"bad severity", Rule{Name: "a", Action: Deny, Criteria: Criteria{Severity: "SEVERE"}}, "severity"},
		{"count without severity", Rule{Name: "a", Action: Deny, Criteria: Criteria{MinCount: 2, Namespaces: []string{"x"}}}, "min_count needs"},
		{"fix alone", Rule{Name: "a", Action: Deny, Criteria: Criteria{Fix: FixWith, Namespaces: []string{"x"}}}, "fix needs"},
		{"bad fix", Rule{Name: "a", Action: Deny, Criteria: Criteria{Fix: "maybe", Severity: "HIGH"}}, "fix must"},
		{"cvss range", Rule{Name: "a", Action: Deny, Criteria: Criteria{CVSSAtLeast: 11}}, "outside"},
		{"epss range", Rule{Name: "a", Action: Deny, Criteria: Criteria{EPSSAtLeast: 1.5}}, "outside 0-1"},
		{"not scanned with findings", Rule{Name: "a", Action: Deny, Criteria: Criteria{NotScanned: true, Severity: "HIGH"}}, "cannot be combined"},
		{"bad glob", Rule{Name: "a", Action: Deny, Criteria: Criteria{Repositories: []string{"team/["}}}, "pattern"},
		{"empty cve", Rule{Name: "a", Action: Deny, Criteria: Criteria{CVEs: []string{" "}}}, "empty CVE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.r.Validate()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Validate() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	p := Policy{Rules: []Rule{{Name: "a", Action: Deny, Criteria: Criteria{NotScanned: true}}, {Name: "a", Action: Allow, Criteria: Criteria{NotScanned: true}}}}
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("duplicate names: %v", err)
	}
	p = Policy{Settings: Settings{Mode: "strict"}}
	if err := p.Validate(); err == nil {
		t.Error("bad mode accepted")
	}
}

func TestPolicyYAMLAndJSON(t *testing.T) {
	src := `
mode: protect
no_result: deny
rules:
  - name: trusted
    action: allow
    criteria:
      registries: ["registry.internal:5000"]
  - name: stale
    action: deny
    criteria:
      scanned_older_than: 7d
  - name: critical
    action: deny
    mode: monitor
    criteria:
      severity: critical
      min_count: 1
      fix: with
`
	var p Policy
	if err := yaml.Unmarshal([]byte(src), &p); err != nil {
		t.Fatal(err)
	}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	if p.Mode != Protect || p.NoResult != Deny || len(p.Rules) != 3 {
		t.Fatalf("parsed %+v", p)
	}
	if got := time.Duration(p.Rules[1].Criteria.ScannedOlderThan); got != 7*24*time.Hour {
		t.Errorf("scanned_older_than = %v", got)
	}
	if p.Rules[2].Criteria.Severity != "CRITICAL" || p.Rules[2].Mode != Monitor {
		t.Errorf("rule 3 = %+v", p.Rules[2])
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Policy
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	if !strings.Contains(string(b), `"scanned_older_than":"7d"`) || back.Rules[1].Criteria.ScannedOlderThan != p.Rules[1].Criteria.ScannedOlderThan {
		t.Errorf("JSON round trip: %s", b)
	}
	if _, err := ParseDuration("7x"); err == nil {
		t.Error("7x accepted")
	}
	if _, err := ParseDuration("-1h"); err == nil {
		t.Error("negative accepted")
	}
}

func TestFindingsFromReport(t *testing.T) {
	rep := &report.Report{Vulnerabilities: []report.Vulnerability{
		{ID: "CVE-1", Severity: "high", FixedVersion: "1.2", CVSS: []report.CVSS{{Score: 5}, {Score: 7.2}}},
		{ID: "CVE-2", Aliases: []string{"GHSA-x"}, Severity: "LOW", KEV: &report.KEV{DateAdded: "2024-01-02"}, EPSS: &report.EPSS{Score: 0.3}},
	}}
	got := FindingsFromReport(rep)
	if len(got) != 2 || got[0].Severity != "HIGH" || !got[0].Fixed || got[0].CVSS != 7.2 || got[1].Fixed || got[1].Aliases[0] != "GHSA-x" ||
		got[0].KEV || got[0].EPSS != 0 || !got[1].KEV || got[1].EPSS != 0.3 {
		t.Fatalf("%+v", got)
	}
}

func TestParseRef(t *testing.T) {
	tests := []struct {
		in   string
		want Ref
	}{
		{"nginx", Ref{Registry: "docker.io", Repository: "library/nginx", Tag: "latest"}},
		{"nginx:1.25", Ref{Registry: "docker.io", Repository: "library/nginx", Tag: "1.25"}},
		{"index.docker.io/library/nginx:1.25", Ref{Registry: "docker.io", Repository: "library/nginx", Tag: "1.25"}},
		{"registry-1.docker.io/bitnami/redis", Ref{Registry: "docker.io", Repository: "bitnami/redis", Tag: "latest"}},
		{"127.0.0.1:5000/team/app:1.2", Ref{Registry: "127.0.0.1:5000", Repository: "team/app", Tag: "1.2"}},
		{"localhost/app", Ref{Registry: "localhost", Repository: "app", Tag: "latest"}},
		{"quay.io/a/b@sha256:" + strings.Repeat("0", 64), Ref{Registry: "quay.io", Repository: "a/b", Digest: "sha256:" + strings.Repeat("0", 64)}},
		{"quay.io/a/b:v1@sha256:" + strings.Repeat("1", 64), Ref{Registry: "quay.io", Repository: "a/b", Tag: "v1", Digest: "sha256:" + strings.Repeat("1", 64)}},
	}
	for _, tt := range tests {
		got, err := ParseRef(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseRef(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "Nginx", "a b", "quay.io/a@sha256:short"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

func TestNotCoveredFromReport(t *testing.T) {
	rep := &report.Report{Coverage: []report.Coverage{
		{Ecosystem: "Debian:12", Packages: 90, Covered: false},
		{Ecosystem: "Go", Packages: 3, Covered: true},
		{Ecosystem: "npm", Packages: 1, Covered: false},
	}}
	got := NotCoveredFromReport(rep)
	if strings.Join(got, ",") != "Debian:12,npm" {
		t.Errorf("NotCoveredFromReport = %v, want [Debian:12 npm]", got)
	}
	if got := NotCoveredFromReport(&report.Report{}); got != nil {
		t.Errorf("no coverage entries: %v, want none", got)
	}
}
