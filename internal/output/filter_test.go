package output

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
)

func TestParseEPSS(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"", -1, true}, {"0.1", 0.1, true}, {"10%", 0.1, true}, {"1", 1, true},
		{"1.5", 0, false}, {"-0.1", 0, false}, {"abc", 0, false}, {"150%", 0, false},
	} {
		got, err := ParseEPSS(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseEPSS(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestFilterRiskAndOrder(t *testing.T) {
	mk := func() *report.Report {
		return &report.Report{Vulnerabilities: []report.Vulnerability{
			{ID: "CVE-1", Severity: "CRITICAL", Score: 9.8},
			{ID: "CVE-2", Severity: "LOW", EPSS: &report.EPSS{Score: 0.5}},
			{ID: "CVE-3", Severity: "MEDIUM", KEV: &report.KEV{DateAdded: "2024-01-01"}, EPSS: &report.EPSS{Score: 0.05}},
			{ID: "CVE-4", Severity: "HIGH", EPSS: &report.EPSS{Score: 0.01}},
		}}
	}
	ids := func(r *report.Report) (s []string) {
		for _, v := range r.Vulnerabilities {
			s = append(s, v.ID)
		}
		return s
	}
	for _, tc := range []struct {
		name    string
		min     float64
		kevOnly bool
		want    []string
	}{
		{"none", -1, false, []string{"CVE-3", "CVE-2", "CVE-4", "CVE-1"}},
		{"kev only", -1, true, []string{"CVE-3"}},
		{"min epss", 0.05, false, []string{"CVE-3", "CVE-2"}},
		{"both", 0.1, true, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mk()
			SortByRisk(r)
			dropped := FilterRisk(r, tc.min, tc.kevOnly)
			got := ids(r)
			if len(got) != len(tc.want) || dropped != 4-len(tc.want) {
				t.Fatalf("got %v (dropped %d), want %v", got, dropped, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
}
