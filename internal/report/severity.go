package report

import (
	"strings"
)

// Severity is a normalised severity, the one vocabulary every part of
// Scanfleet ranks findings by: reports, the table and SARIF/CycloneDX
// writers, admission rules, notifications and the console. Its JSON form
// is the plain word ("HIGH"); feeds' own words are mapped onto it by
// ParseSeverity.
type Severity string

// Normalised severities, worst first.
const (
	SeverityCritical   Severity = "CRITICAL"
	SeverityHigh       Severity = "HIGH"
	SeverityMedium     Severity = "MEDIUM"
	SeverityLow        Severity = "LOW"
	SeverityNegligible Severity = "NEGLIGIBLE"
	SeverityUnknown    Severity = "UNKNOWN"
)

// Severities returns the normalised severities, worst first (a fresh
// slice: callers may keep or change it).
func Severities() []Severity {
	return []Severity{SeverityCritical, SeverityHigh, SeverityMedium, SeverityLow, SeverityNegligible, SeverityUnknown}
}

// SeverityNames joins the normalised severities, worst first, for usage
// and error messages ("CRITICAL, HIGH, ...").
func SeverityNames() string {
	var b strings.Builder
	for i, s := range Severities() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(s))
	}
	return b.String()
}

// ParseSeverity maps a feed's severity word to a normalised severity: Red
// Hat's Important and Moderate, GitHub's MODERATE, Debian's unimportant
// urgency (and its asterisked "low*"), Ubuntu's negligible... Words it
// does not know (and Debian's "not yet assigned") give SeverityUnknown; an
// empty word gives "" so that callers can tell "no word" from "a word we
// cannot place".
func ParseSeverity(word string) Severity {
	w := strings.ToLower(strings.TrimSpace(word))
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

// LookupSeverity is the strict parser for what a person typed (a CLI flag,
// an admission rule, a subscription): one of the normalised names, in any
// case and without surrounding spaces. Feed words such as "Important" are
// refused here, so a typo never silently becomes UNKNOWN.
func LookupSeverity(name string) (Severity, bool) {
	s := Severity(strings.ToUpper(strings.TrimSpace(name)))
	if s.Rank() > 0 || s == SeverityUnknown {
		return s, true
	}
	return "", false
}

// Rank orders normalised severities: CRITICAL 5, HIGH 4, MEDIUM 3, LOW 2,
// NEGLIGIBLE 1; UNKNOWN, "" and any other word 0. Only the normalised
// spelling ranks: pass free text through ParseSeverity or LookupSeverity
// first.
func (s Severity) Rank() int {
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

// AtLeast reports whether s is as severe as min or worse. Everything is at
// least UNKNOWN (or ""), so an unset minimum keeps every finding.
func (s Severity) AtLeast(min Severity) bool { return s.Rank() >= min.Rank() }

// CompareSeverity orders severities in the manner of cmp.Compare, less
// severe first: negative when a is less severe than b, 0 when they rank
// alike, positive when a is worse. Sorting worst first is
// CompareSeverity(b, a).
func CompareSeverity(a, b Severity) int { return a.Rank() - b.Rank() }
