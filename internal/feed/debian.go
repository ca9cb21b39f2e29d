package feed

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

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

type debianCVE struct {
	Description string                   `json:"description"`
	Releases    map[string]debianRelease `json:"releases"`
}

type debianRelease struct {
	Status       string `json:"status"`
	FixedVersion string `json:"fixed_version"`
	Urgency      string `json:"urgency"`
}

func (l *loader) loadDebianTracker(name string, r io.Reader) error {
	dec := json.NewDecoder(r)
	if _, err := dec.Token(); err != nil { // the opening '{', checked by the sniffer
		l.malformed(name, "bad JSON: %v", err)
		return nil
	}
	cmp, _ := version.For(advisory.EcoDebian)
	for dec.More() {
		if err := l.ctx.Err(); err != nil {
			return errStop{err}
		}
		tok, err := dec.Token()
		if err != nil {
			return l.debianSyntax(name, err)
		}
		pkg, ok := tok.(string)
		if !ok {
			l.malformed(name, "bad JSON: package key %v", tok)
			return nil
		}
		var cves map[string]debianCVE
		if err := dec.Decode(&cves); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				// The decoder stays in step after a type error: only this
				// package is lost.
				l.malformed(name, "%s: %v", pkg, err)
				continue
			}
			return l.debianSyntax(name, err)
		}
		for _, id := range sortedKeys(cves) {
			a, reason := debianAdvisory(pkg, id, cves[id], cmp)
			switch {
			case a != nil:
				if err := l.send(a); err != nil {
					return err
				}
			case reason != "":
				l.malformed(name, "%s %s: %s", pkg, id, reason)
			default:
				l.stats.Skipped++
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return l.debianSyntax(name, err)
	}
	return nil
}

// debianSyntax handles a broken stream: a read error ends the load; bad
// JSON ends this document, counted as one malformed record.
func (l *loader) debianSyntax(name string, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		l.malformed(name, "bad JSON: %v", err)
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
	codenames := sortedKeys(c.Releases)
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
