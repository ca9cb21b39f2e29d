// Package tracker reads the Debian security tracker: its JSON export of
// every source package's CVEs (Read), and its DSA/DLA list files
// (ParseDSAList), whose advisory ids the database builder attaches to
// Debian records (DSAIndex).
//
// The Debian security tracker's JSON export is
//
//	{source package: {CVE or TEMP id: {description, releases: {codename:
//	    {status, fixed_version, urgency, ...}}}}}
//
// Each (source package, id) becomes one advisory, ID = the id, Source
// debian-tracker, with one Affected entry per release ("Debian:12" for
// bookworm; sid and experimental have no release number and are skipped):
//
//   - status "resolved" with a fixed_version: {introduced 0, fixed V};
//   - status "resolved" with fixed_version "0": never affected, no entry;
//   - status "open" or "undetermined": {introduced 0}, no fix (undetermined
//     means the team has not assessed it yet: it is reported rather than
//     hidden);
//   - status "not-affected", or a "<removed>"-style fixed_version: no entry.
//
// The urgency becomes the entry's Severity, normalised ("unimportant" ->
// NEGLIGIBLE); "not yet assigned" and "end-of-life" give none. A record
// left without any entry is counted as Skipped. The same CVE is emitted
// once per source package it affects.
package tracker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// exportHead recognises the export: an object of source packages, each
// an object keyed by CVE (or TEMP-) ids.
var exportHead = regexp.MustCompile(`^\s*\{\s*"[^"]*"\s*:\s*\{\s*"(CVE|TEMP)-`)

// IsExport reports whether the first bytes of a JSON document (leading
// space and byte order mark removed) are the tracker export's.
func IsExport(head []byte) bool { return exportHead.Match(head) }

type debianCVE struct {
	Description string                   `json:"description"`
	Releases    map[string]debianRelease `json:"releases"`
}

type debianRelease struct {
	Status       string `json:"status"`
	FixedVersion string `json:"fixed_version"`
	Urgency      string `json:"urgency"`
}

// Read streams the export r, read from the file name, one source package
// at a time, and sends its advisories to sink. Bad JSON ends the document
// as one malformed record (what was sent stays); a read error ends the
// load.
func Read(ctx context.Context, name string, r io.Reader, sink format.Sink) error {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // the opening '{', checked by the sniffer
		sink.Malformed(name, "bad JSON: %v", err)
		return nil
	}
	cmp, _ := version.For(advisory.EcoDebian)
	for dec.More() {
		if err := format.Cancelled(ctx); err != nil {
			return err
		}
		tok, err := dec.Token()
		if err != nil {
			return debianSyntax(name, err, sink)
		}
		pkg, ok := tok.(string)
		if !ok {
			sink.Malformed(name, "bad JSON: package key %v", tok)
			return nil
		}
		var cves map[string]debianCVE
		if err := dec.Decode(&cves); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				// The decoder stays in step after a type error: only this
				// package is lost.
				sink.Malformed(name, "%s: %v", pkg, err)
				continue
			}
			return debianSyntax(name, err, sink)
		}
		for _, id := range slices.Sorted(maps.Keys(cves)) {
			a, reason := debianAdvisory(pkg, id, cves[id], cmp)
			switch {
			case a != nil:
				if err := sink.Send(a); err != nil {
					return err
				}
			case reason != "":
				sink.Malformed(name, "%s %s: %s", pkg, id, reason)
			default:
				sink.Skip(1)
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return debianSyntax(name, err, sink)
	}
	return nil
}

// debianSyntax handles a broken stream: a read error ends the load; bad
// JSON ends this document, counted as one malformed record.
func debianSyntax(name string, err error, sink format.Sink) error {
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		sink.Malformed(name, "bad JSON: %v", err)
		return nil
	}
	return fmt.Errorf("%s: %w", name, err)
}

// debianAdvisory converts one (package, id) entry. It returns nil and an
// empty reason when nothing is affected, nil and a reason when the entry
// is malformed.
func debianAdvisory(pkg, id string, c debianCVE, cmp version.Comparer) (*advisory.Advisory, string) {
	if strings.TrimSpace(pkg) == "" || strings.TrimSpace(id) == "" {
		return nil, "empty package or id"
	}
	a := &advisory.Advisory{
		ID:         id,
		Source:     advisory.SourceDebianTracker,
		Details:    c.Description,
		References: []string{"https://security-tracker.debian.org/tracker/" + id},
	}
	codenames := slices.Sorted(maps.Keys(c.Releases))
	for _, codename := range codenames {
		rel := c.Releases[codename]
		n, ok := advisory.DebianRelease(codename)
		if !ok {
			continue // sid, experimental: no release to match
		}
		af := advisory.Affected{
			Ecosystem: advisory.EcoDebian + ":" + n,
			Package:   pkg,
		}
		switch u := strings.TrimRight(strings.TrimSpace(rel.Urgency), "*"); u {
		case "", "not yet assigned", "end-of-life":
		default:
			af.Severity = string(report.ParseSeverity(u))
		}
		fv := strings.TrimSpace(rel.FixedVersion)
		switch rel.Status {
		case "resolved":
			if fv == "0" || fv == "" || strings.HasPrefix(fv, "<") {
				continue // never affected, or removed from the release
			}
			if _, err := cmp.Compare(fv, fv); err != nil {
				return nil, fmt.Sprintf("%s: fixed_version: %v", codename, err)
			}
			af.Ranges = []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: fv}}}}
		case "open", "undetermined":
			af.Ranges = []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}}}}
		case "not-affected":
			continue
		default:
			return nil, fmt.Sprintf("%s: unknown status %q", codename, rel.Status)
		}
		a.Affected = append(a.Affected, af)
	}
	if len(a.Affected) == 0 {
		return nil, ""
	}
	sort.SliceStable(a.Affected, func(i, j int) bool { return a.Affected[i].Ecosystem < a.Affected[j].Ecosystem })
	return a, ""
}
