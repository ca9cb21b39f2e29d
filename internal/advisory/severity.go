package advisory

import (
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Normalised severities, highest first.
const (
	SeverityCritical   = "CRITICAL"
	SeverityHigh       = "HIGH"
	SeverityMedium     = "MEDIUM"
	SeverityLow        = "LOW"
	SeverityNegligible = "NEGLIGIBLE"
	SeverityUnknown    = "UNKNOWN"
)

// NormalizeSeverity maps a feed's severity word to one of the normalised
// severities: Red Hat's Important and Moderate, GitHub's MODERATE, Debian's
// unimportant urgency, Ubuntu's negligible... Words it does not know (and
// Debian's "not yet assigned") give UNKNOWN; an empty word gives "".
func NormalizeSeverity(word string) string {
	w := strings.ToLower(strings.TrimSpace(word))
	// Debian marks some urgencies with asterisks ("low*", "medium**").
	w = strings.TrimRight(w, "*")
	switch w {
	case "":
		return ""
	case "critical", "urgent":
		return SeverityCritical
	case "high", "important":
		return SeverityHigh
	case "medium", "moderate":
		return SeverityMedium
	case "low":
		return SeverityLow
	case "negligible", "unimportant", "none", "informational":
		return SeverityNegligible
	}
	return SeverityUnknown
}

// SeverityRank orders normalised severities: CRITICAL 5 ... NEGLIGIBLE 1,
// UNKNOWN and anything else 0.
func SeverityRank(s string) int {
	switch s {
	case SeverityCritical:
		return 5
	case SeverityHigh:
		return 4
	case SeverityMedium:
		return 3
	case SeverityLow:
		return 2
	case SeverityNegligible:
		return 1
	}
	return 0
}

// SeverityFromCVSS derives a severity from scored vectors with the standard
// bands of the newest version present (v3.x and v4.0: 9.0 critical, 7.0
// high, 4.0 medium, 0.1 low, 0 none; v2, which has no critical band: 7.0
// high, 4.0 medium, else low). The highest score of that version wins. It
// returns UNKNOWN when there is no vector.
func SeverityFromCVSS(vs []report.CVSS) string {
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
		return SeverityCritical
	case best >= 7.0:
		return SeverityHigh
	case best >= 4.0:
		return SeverityMedium
	case best >= 0.1:
		return SeverityLow
	case best >= 0:
		return SeverityNegligible
	case bestV2 >= 7.0:
		return SeverityHigh
	case bestV2 >= 4.0:
		return SeverityMedium
	case bestV2 >= 0:
		return SeverityLow
	}
	return SeverityUnknown
}
