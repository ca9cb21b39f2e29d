package osv

import (
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// TestScoreCVSS: the vector versions OSV records carry are scored (by
// advisory.ScoreCVSS, through scoreSeverities), a bad one is not.
func TestScoreCVSS(t *testing.T) {
	cases := []struct {
		vec     string
		version string
		score   float64
		ok      bool
	}{
		{"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.1", 9.8, true},
		{"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "3.0", 9.8, true},
		{"CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:N/I:N/A:L", "3.1", 1.8, true},
		{"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "4.0", 9.3, true},
		{"AV:N/AC:L/Au:N/C:P/I:P/A:P", "2.0", 7.5, true},
		{"CVSS:3.1/AV:X", "", 0, false},
		{"high", "", 0, false},
	}
	for _, tc := range cases {
		c, ok := advisory.ScoreCVSS(tc.vec)
		if ok != tc.ok || c.Version != tc.version || c.Score != tc.score {
			t.Errorf("ScoreCVSS(%q) = %+v, %v; want %s %.1f %v", tc.vec, c, ok, tc.version, tc.score, tc.ok)
		}
	}
}

func TestScoreSeverities(t *testing.T) {
	for _, tc := range []struct {
		name   string
		in     []Severity
		scores []float64
		word   string
	}{
		{"vectors, one unreadable", []Severity{
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:X"},
			{Type: "CVSS_V2", Score: "AV:N/AC:L/Au:N/C:P/I:P/A:P"},
		}, []float64{9.8, 7.5}, ""},
		{"the same vector twice", []Severity{
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
			{Type: "CVSS_V3", Score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
		}, []float64{9.8}, ""},
		{"a distribution's word", []Severity{{Type: "Ubuntu", Score: "medium"}, {Type: "Ubuntu", Score: "high"}}, nil, "medium"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, word := scoreSeverities(tc.in)
			if len(got) != len(tc.scores) || word != tc.word {
				t.Fatalf("scoreSeverities = %+v, %q; want scores %v, word %q", got, word, tc.scores, tc.word)
			}
			for i, c := range got {
				if c.Score != tc.scores[i] {
					t.Errorf("score[%d] = %v, want %v", i, c.Score, tc.scores[i])
				}
			}
		})
	}
}
