package output

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/report"
)

// ParseEPSS reads a --min-epss value: a probability in [0,1] ("0.1") or a
// percentage ("10%"). An empty string means no threshold (-1).
func ParseEPSS(s string) (float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return -1, nil
	}
	pct := strings.HasSuffix(s, "%")
	f, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	if pct {
		f /= 100
	}
	if f < 0 || f > 1 {
		return 0, fmt.Errorf("%q is not a probability between 0 and 1 (or 0%% and 100%%)", s)
	}
	return f, nil
}

// FilterRisk keeps the findings in CISA's KEV catalog when kevOnly, and
// those whose EPSS probability is at least minEPSS when minEPSS >= 0 (a
// finding without an EPSS score is dropped then: the filter asks for
// evidence of likely exploitation). It returns how many it dropped.
func FilterRisk(rep *report.Report, minEPSS float64, kevOnly bool) int {
	kept := rep.Vulnerabilities[:0]
	for _, v := range rep.Vulnerabilities {
		if kevOnly && v.KEV == nil {
			continue
		}
		if minEPSS >= 0 && (v.EPSS == nil || v.EPSS.Score < minEPSS) {
			continue
		}
		kept = append(kept, v)
	}
	dropped := len(rep.Vulnerabilities) - len(kept)
	rep.Vulnerabilities = kept
	return dropped
}

// SortByRisk orders the findings most pressing first: in KEV, then by EPSS
// probability, then severity and CVSS score (match.RiskLess). Scans
// already return this order; reports read back from elsewhere (stored
// results, older files) are put in it before they are shown.
func SortByRisk(rep *report.Report) {
	match.SortByRisk(rep.Vulnerabilities)
}
