// Package format is what the feed format readers share with the loader
// (package feed) that hands them documents: the Sink each reader reports
// its records and faults to, the bounded XML stream, the size limits and
// the small parsing rules several formats follow.
//
// It exists so that the readers can live where they belong — beside the
// one distribution that publishes a format (internal/ecosystem/<distro>/…)
// or in a subpackage of feed when several share it (feed/osv, feed/oval)
// — while package feed, which imports every reader to dispatch documents
// to them, stays the only place that knows them all: a reader imports
// this package, never feed, so there is no import cycle and no registry.
package format

import (
	"context"
	"regexp"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// MaxDocSize bounds one JSON, YAML or whole-document XML record read into
// memory. The Debian tracker export, the only big document, is streamed
// instead.
const MaxDocSize = 64 << 20

// Sink receives what a reader makes of one document. The loader behind it
// counts: a reader never fails a load for a bad record, it reports it.
type Sink interface {
	// Send hands on one advisory. An error ends the whole load (the
	// consumer's, or the load's context's, wrapped in Stop): the reader
	// returns it unchanged.
	Send(a *advisory.Advisory) error
	// Malformed reports a record that could not be used, named by the
	// document (and record) it came from.
	Malformed(name, format string, args ...any)
	// Skip counts n records deliberately not emitted ("not affected"
	// statements, advisories with nothing an image can hold).
	Skip(n int)
}

// Deliver reports one record a reader converted: a conversion error as
// the malformed record name, a nil advisory (nothing an installed package
// could meet, not a security advisory) as skipped, else the advisory,
// sent. The error is Send's, which ends the load.
func Deliver(sink Sink, name string, a *advisory.Advisory, err error) error {
	switch {
	case err != nil:
		sink.Malformed(name, "%v", err)
		return nil
	case a == nil:
		sink.Skip(1)
		return nil
	}
	return sink.Send(a)
}

// Stop wraps an error that ends the whole load — the consumer's, or a
// cancelled context — as opposed to one that ends only the document being
// read (which the loader counts as malformed when the document is an
// archive member).
type Stop struct{ Err error }

func (e Stop) Error() string { return e.Err.Error() }
func (e Stop) Unwrap() error { return e.Err }

// Cancelled returns ctx's error wrapped in Stop, or nil while ctx lives.
func Cancelled(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return Stop{err}
	}
	return nil
}

// ParseRFC3339 reads an RFC 3339 time (OSV's fields); the zero time for
// anything else.
func ParseRFC3339(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil || t.Year() <= 1 {
		return time.Time{}
	}
	return t.UTC()
}

// ParseDate reads the dates of updateinfo and OVAL: "2021-08-13 17:31"
// (UTC), with or without seconds or time, or RFC 3339.
func ParseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return ParseRFC3339(s)
}

// vulnID is the shape of an advisory id: CVE-2024-1234, XSA-214,
// GHSA-xxxx-xxxx-xxxx, ALPINE-13661, ... and Wireshark's lower-case
// wnpa-sec-2017-18.
var vulnID = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*$`)

// IsVulnID reports whether s has the shape of an advisory id.
func IsVulnID(s string) bool { return vulnID.MatchString(s) }
