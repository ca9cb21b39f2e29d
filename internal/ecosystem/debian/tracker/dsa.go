package tracker

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// DSAEntry is one advisory of the Debian security tracker's data/DSA/list
// or data/DLA/list:
//
//	[29 Mar 2023] DSA-5380-1 xorg-server - security update
//		{CVE-2023-1393}
//		[bullseye] - xorg-server 2:1.20.11-1+deb11u6
//		NOTE: ...
type DSAEntry struct {
	ID          string // DSA-5380-1, DLA-3380-1, DSA-137 (old ids had no revision)
	Date        time.Time
	Package     string // the package the header names
	Description string
	CVEs        []string
	Fixes       []DSAFix
}

// DSAFix is one "[release] - package version" line.
type DSAFix struct {
	Release      string // code name as written: bullseye
	Ecosystem    string // "Debian:11"; "" for a code name without a number
	Package      string
	FixedVersion string // "" when NotAffected or for other <tags>
	NotAffected  bool
	Note         string // the parenthesised remark, or the <tag>
}

var (
	dsaHeader = regexp.MustCompile(`^\[(\d{1,2} [A-Z][a-z]{2} \d{4})\] ((?:DSA|DLA)-\d+(?:-\d+)?)(?:\s+(.*))?$`)
	dsaFix    = regexp.MustCompile(`^\[([a-z-]+)\] - (\S+)(?:\s+(.*))?$`)
)

// ParseDSAList parses a DSA or DLA list. Lines it cannot read are
// returned in malformed (with their line number) and skipped; err is only
// for read failures. Lines longer than 1 MiB are a read failure.
func ParseDSAList(r io.Reader) (entries []DSAEntry, malformed []string, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	lineNo := 0
	var cur *DSAEntry
	bad := func(format string, args ...any) {
		malformed = append(malformed, fmt.Sprintf("line %d: ", lineNo)+fmt.Sprintf(format, args...))
	}
	flush := func() {
		if cur != nil {
			entries = append(entries, *cur)
			cur = nil
		}
	}
	for sc.Scan() {
		lineNo++
		raw := sc.Text()
		line := strings.TrimSpace(raw)
		if line == "" {
			continue
		}
		indented := raw[0] == ' ' || raw[0] == '\t'
		if !indented {
			m := dsaHeader.FindStringSubmatch(line)
			if m == nil {
				bad("unreadable header %.80q", line)
				flush()
				continue
			}
			flush()
			cur = &DSAEntry{ID: m[2]}
			if t, err := time.Parse("2 Jan 2006", m[1]); err == nil {
				cur.Date = t
			} else {
				bad("date %q: %v", m[1], err)
			}
			rest := strings.TrimSpace(m[3])
			if pkg, desc, ok := cutDash(rest); ok {
				cur.Package, cur.Description = pkg, desc
			} else if !strings.Contains(rest, " ") {
				cur.Package = rest
			} else {
				cur.Description = rest // "jessie end-of-life", announcements
			}
			continue
		}
		if cur == nil {
			bad("continuation line before any header")
			continue
		}
		switch {
		case strings.HasPrefix(line, "{"):
			if !strings.HasSuffix(line, "}") {
				bad("unterminated id list %.80q", line)
				continue
			}
			for _, id := range strings.Fields(strings.Trim(line, "{}")) {
				if !slices.Contains(cur.CVEs, id) {
					cur.CVEs = append(cur.CVEs, id)
				}
			}
		case strings.HasPrefix(line, "["):
			m := dsaFix.FindStringSubmatch(line)
			if m == nil {
				bad("unreadable release line %.80q", line)
				continue
			}
			fx := DSAFix{Release: m[1], Package: m[2]}
			if n, ok := advisory.DebianRelease(m[1]); ok {
				fx.Ecosystem = advisory.EcoDebian + ":" + n
			}
			rest := strings.TrimSpace(m[3])
			if strings.HasPrefix(rest, "<") {
				tag, note, _ := strings.Cut(rest, ">")
				fx.Note = strings.TrimSpace(tag + ">" + " " + note)
				fx.NotAffected = tag == "<not-affected"
			} else if rest != "" {
				v, note, _ := strings.Cut(rest, " ")
				fx.FixedVersion = v
				fx.Note = strings.TrimSpace(note)
			} else {
				bad("release line without version %.80q", line)
				continue
			}
			cur.Fixes = append(cur.Fixes, fx)
		case strings.HasPrefix(line, "NOTE:"):
		default:
			bad("unknown line %.80q", line)
		}
	}
	flush()
	if err := sc.Err(); err != nil {
		return entries, malformed, fmt.Errorf("line %d: %w", lineNo+1, err)
	}
	return entries, malformed, nil
}

// cutDash splits "pkg - description" (also "pkg -- description").
func cutDash(s string) (pkg, desc string, ok bool) {
	for _, sep := range []string{" -- ", " - "} {
		if p, d, found := strings.Cut(s, sep); found && !strings.Contains(strings.TrimSpace(p), " ") {
			return strings.TrimSpace(p), strings.TrimSpace(d), true
		}
	}
	if p, found := strings.CutSuffix(s, " -"); found && !strings.Contains(p, " ") {
		return p, "", true
	}
	return "", "", false
}

// DSAIndex finds the DSA/DLA advisories that fixed a CVE in a package.
type DSAIndex struct {
	byCVE map[string][]*DSAEntry
}

// NewDSAIndex indexes entries (from one or several lists) by CVE.
func NewDSAIndex(entries ...[]DSAEntry) *DSAIndex {
	ix := &DSAIndex{byCVE: map[string][]*DSAEntry{}}
	for _, list := range entries {
		for i := range list {
			e := &list[i]
			for _, c := range e.CVEs {
				ix.byCVE[c] = append(ix.byCVE[c], e)
			}
		}
	}
	return ix
}

// Lookup returns the ids of the advisories that list cve and fixed (or
// declared not affected) package pkg in the release of ecosystem
// ("Debian:11"); an empty ecosystem matches any release.
func (ix *DSAIndex) Lookup(cve, pkg, ecosystem string) []string {
	var ids []string
	for _, e := range ix.byCVE[cve] {
		for _, f := range e.Fixes {
			if f.Package == pkg && (ecosystem == "" || f.Ecosystem == ecosystem) && f.FixedVersion != "" {
				if !slices.Contains(ids, e.ID) {
					ids = append(ids, e.ID)
				}
				break
			}
		}
	}
	return ids
}

// Attach adds to a Debian advisory (Affected in Debian:N ecosystems, its ID
// or one of its aliases a CVE: the tracker's records are named by CVE, OSV's
// carry it as an alias) the DSA/DLA ids that fixed it in one of its
// packages and releases, as aliases and as tracker references. It reports
// whether anything was added.
func (ix *DSAIndex) Attach(a *advisory.Advisory) bool {
	var cves []string
	for _, id := range append([]string{a.ID}, a.Aliases...) {
		if strings.HasPrefix(id, "CVE-") && !slices.Contains(cves, id) {
			cves = append(cves, id)
		}
	}
	added := false
	for _, af := range a.Affected {
		if advisory.Base(af.Ecosystem) != advisory.EcoDebian {
			continue
		}
		for _, cve := range cves {
			added = ix.attach(a, cve, af) || added
		}
	}
	return added
}

func (ix *DSAIndex) attach(a *advisory.Advisory, cve string, af advisory.Affected) bool {
	added := false
	for _, id := range ix.Lookup(cve, af.Package, af.Ecosystem) {
		if id == a.ID || slices.Contains(a.Aliases, id) {
			continue
		}
		a.Aliases = append(a.Aliases, id)
		a.References = append(a.References, "https://security-tracker.debian.org/tracker/"+id)
		added = true
	}
	return added
}
