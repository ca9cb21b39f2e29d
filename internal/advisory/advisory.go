// Package advisory is the normalised form every vulnerability feed is read
// into before it is stored or matched. It follows the OSV schema, because
// OSV is the common format most feeds already publish and its range model
// (introduced/fixed/last_affected/limit events) can express the others:
// an Alpine secdb fixed version is one ECOSYSTEM range {introduced 0, fixed
// V}, a Debian tracker "open" entry is {introduced 0} with no fix.
package advisory

import (
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Feed names, used in report.Vulnerability.Source.
const (
	SourceOSV           = "osv"
	SourceAlpineSecDB   = "alpine-secdb"
	SourceDebianTracker = "debian-tracker"
)

// Advisory is one vulnerability record from one feed.
type Advisory struct {
	ID         string        `json:"id"`
	Aliases    []string      `json:"aliases,omitempty"`
	Source     string        `json:"source"`
	Summary    string        `json:"summary,omitempty"`
	Details    string        `json:"details,omitempty"`
	References []string      `json:"references,omitempty"`
	CVSS       []report.CVSS `json:"cvss,omitempty"`
	// Severity is the feed's own severity word when it has one.
	Severity  string     `json:"severity,omitempty"`
	Published time.Time  `json:"published,omitempty"`
	Modified  time.Time  `json:"modified,omitempty"`
	Affected  []Affected `json:"affected"`
}

// Affected names one package in one ecosystem and the versions affected.
type Affected struct {
	// Ecosystem uses OSV's spelling: "Debian:12", "Alpine:v3.20",
	// "AlmaLinux:9", "Go", "PyPI", "npm", "crates.io", ...
	Ecosystem string `json:"ecosystem"`
	// Package is the name advisories use: the source package for
	// distributions, the module/distribution name for language ecosystems
	// (PyPI names normalised per PEP 503).
	Package  string   `json:"package"`
	Ranges   []Range  `json:"ranges,omitempty"`
	Versions []string `json:"versions,omitempty"`
	// Severity is an ecosystem-specific severity (e.g. Debian urgency),
	// overriding Advisory.Severity for this package.
	Severity string `json:"severity,omitempty"`
}

// Range is an OSV range: events in order, interpreted with Type's ordering.
type Range struct {
	Type   string  `json:"type"` // ECOSYSTEM, SEMVER (GIT ranges are dropped)
	Events []Event `json:"events"`
}

// Event is exactly one of the four OSV range events.
type Event struct {
	Introduced   string `json:"introduced,omitempty"`
	Fixed        string `json:"fixed,omitempty"`
	LastAffected string `json:"last_affected,omitempty"`
	Limit        string `json:"limit,omitempty"`
}
