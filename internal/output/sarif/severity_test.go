package sarif

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

// TestSecuritySeverityUsesPrecedenceScore: the rule's security-severity is
// the score the severity precedence chose, not the highest of any source.
func TestSecuritySeverityUsesPrecedenceScore(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    report.Vulnerability
		want string
	}{
		{"precedence score", report.Vulnerability{Score: 5.9, ScoreSource: "cna", CVSS: []report.CVSS{{Score: 5.9, Source: "cna"}, {Score: 9.8, Source: "nvd"}}}, "5.9"},
		{"highest without a score source", report.Vulnerability{CVSS: []report.CVSS{{Score: 5.9}, {Score: 9.8}}}, "9.8"},
		{"word only", report.Vulnerability{Severity: "HIGH"}, "8.0"},
		{"unknown", report.Vulnerability{Severity: "UNKNOWN"}, "0.0"},
	} {
		if got := SecuritySeverity(tc.v); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
