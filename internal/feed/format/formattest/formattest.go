// Package formattest helps test the feed format readers on their own: a
// Sink that records what a reader reports, and the check every advisory
// a reader emits must pass (the fuzz tests' invariant).
package formattest

import (
	"fmt"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// Sink records what a reader reports. The zero value is ready to use.
type Sink struct {
	Advisories []*advisory.Advisory
	Skipped    int
	Errors     []string // each malformed record's cause, as the loader words it
	// Check, when set, is called with each advisory sent; a fuzz test
	// fails there.
	Check func(*advisory.Advisory)
}

// Send records a.
func (s *Sink) Send(a *advisory.Advisory) error {
	if s.Check != nil {
		s.Check(a)
	}
	s.Advisories = append(s.Advisories, a)
	return nil
}

// Malformed records a cause.
func (s *Sink) Malformed(name, format string, args ...any) {
	s.Errors = append(s.Errors, name+": "+fmt.Sprintf(format, args...))
}

// Skip counts skipped records.
func (s *Sink) Skip(n int) { s.Skipped += n }

// Unusable says why an emitted advisory could not be stored and matched
// (no id, nothing affected, an affected entry without ecosystem or
// package, a range "fixed" at version 0), or "" when it can.
func Unusable(a *advisory.Advisory) string {
	if a.ID == "" || len(a.Affected) == 0 {
		return fmt.Sprintf("advisory without id or affected packages: %+v", a)
	}
	for _, af := range a.Affected {
		if af.Ecosystem == "" || af.Package == "" {
			return fmt.Sprintf("affected without ecosystem or package: %+v", af)
		}
		for _, r := range af.Ranges {
			for _, e := range r.Events {
				if e.Fixed == "0" {
					return fmt.Sprintf("fixed \"0\" range: %+v", af)
				}
			}
		}
	}
	return ""
}
