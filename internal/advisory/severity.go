package advisory

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// SeverityFromCVSS derives a severity from scored vectors with the standard
// bands of the newest version present (v3.x and v4.0: 9.0 critical, 7.0
// high, 4.0 medium, 0.1 low, 0 none; v2, which has no critical band: 7.0
// high, 4.0 medium, else low). The highest score of that version wins. It
// returns UNKNOWN when there is no vector. (The severity vocabulary itself,
// its parsing and its order, is report's: report.Severity.)
func SeverityFromCVSS(vs []report.CVSS) report.Severity {
	best, bestV2 := -1.0, -1.0
	for _, c := range vs {
		if strings.HasPrefix(c.Version, "2") {
			bestV2 = max(bestV2, c.Score)
			continue
		}
		best = max(best, c.Score)
	}
	switch {
	case best >= 9.0:
		return report.SeverityCritical
	case best >= 7.0:
		return report.SeverityHigh
	case best >= 4.0:
		return report.SeverityMedium
	case best >= 0.1:
		return report.SeverityLow
	case best >= 0:
		return report.SeverityNegligible
	case bestV2 >= 7.0:
		return report.SeverityHigh
	case bestV2 >= 4.0:
		return report.SeverityMedium
	case bestV2 >= 0:
		return report.SeverityLow
	}
	return report.SeverityUnknown
}
