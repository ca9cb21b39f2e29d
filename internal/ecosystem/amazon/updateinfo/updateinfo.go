// Package updateinfo reads a yum repository's updateinfo.xml, in which
// Amazon Linux publishes its advisories (ALAS): one advisory per
// security <update>, each package's fixed version an {introduced 0, fixed
// EVR} range in the ecosystem whose descriptor claims the id's prefix
// (ecosystem.Feed.IDPrefixes: "ALAS2-" is Amazon Linux 2). Package feed
// finds the document (through mirror.list and repomd.xml) and hands it
// here once it has read its root element.
package updateinfo

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Source names advisories read from updateinfo.xml.
const Source = "updateinfo"

type uiUpdate struct {
	Type        string `xml:"type,attr"`
	ID          string `xml:"id"`
	Title       string `xml:"title"`
	Severity    string `xml:"severity"`
	Description string `xml:"description"`
	Issued      struct {
		Date string `xml:"date,attr"`
	} `xml:"issued"`
	Updated struct {
		Date string `xml:"date,attr"`
	} `xml:"updated"`
	References []struct {
		Href string `xml:"href,attr"`
		ID   string `xml:"id,attr"`
		Type string `xml:"type,attr"`
	} `xml:"references>reference"`
	Packages []struct {
		Name    string `xml:"name,attr"`
		Epoch   string `xml:"epoch,attr"`
		Version string `xml:"version,attr"`
		Release string `xml:"release,attr"`
		Arch    string `xml:"arch,attr"`
	} `xml:"pkglist>collection>package"`
}

// updateInfoEcosystem finds the ecosystem of an advisory id from the
// descriptors' IDPrefixes, the longest prefix winning.
func updateInfoEcosystem(id string) (string, bool) {
	best, eco := "", ""
	for _, d := range all.Descriptors() {
		for _, f := range d.Feeds {
			if f.Format != ecosystem.FeedUpdateInfo && f.Format != ecosystem.FeedOVAL {
				continue
			}
			for p, rel := range f.IDPrefixes {
				if strings.HasPrefix(id, p) && len(p) > len(best) {
					best, eco = p, d.Key(rel)
				}
			}
		}
	}
	return eco, best != ""
}

// Read sends the advisories of the updateinfo.xml document s, read from
// the file name, whose root element has been read, to sink. A broken
// <update> ends the document as one malformed record; what came before
// it stands.
func Read(ctx context.Context, name string, s *format.XMLStream, sink format.Sink) error {
	n := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok, err := s.Token()
		if errors.Is(err, io.EOF) {
			// The root's end tag missing is a syntax error, not EOF.
			return nil
		}
		if err != nil {
			// A truncated or corrupt document: what was read stands, the
			// rest is one malformed record.
			sink.Malformed(name, "bad XML after update #%d: %v", n, err)
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "update" {
			continue
		}
		n++
		var u uiUpdate
		if err := s.Decode(&u, &se, format.MaxXMLRecord); err != nil {
			// The decoder stops at a broken record; name it by its id
			// when that was read before the fault.
			sink.Malformed(updateName(name, n, u.ID), "bad <update>: %v", err)
			return nil
		}
		a, err := convertUpdate(&u)
		if err := format.Deliver(sink, updateName(name, n, u.ID), a, err); err != nil {
			return err
		}
	}
}

// updateName names the n-th <update> of a document by its id, or by its
// place when it has none.
func updateName(doc string, n int, id string) string {
	if id = strings.TrimSpace(id); id != "" && len(id) <= 200 {
		return doc + ":" + id
	}
	return fmt.Sprintf("%s: update #%d", doc, n)
}

func convertUpdate(u *uiUpdate) (*advisory.Advisory, error) {
	id := strings.TrimSpace(u.ID)
	if id == "" {
		return nil, errors.New("update without an id")
	}
	if u.Type != "" && u.Type != "security" {
		return nil, nil // bug fixes and enhancements
	}
	eco, ok := updateInfoEcosystem(id)
	if !ok {
		return nil, fmt.Errorf("no distribution claims the advisory id %q", id)
	}
	cmp, err := version.For(eco)
	if err != nil {
		return nil, err
	}
	a := &advisory.Advisory{
		ID:       id,
		Source:   Source,
		Summary:  strings.TrimSpace(u.Title),
		Details:  strings.TrimSpace(u.Description),
		Severity: strings.TrimSpace(u.Severity),
	}
	a.Published = format.ParseDate(u.Issued.Date)
	a.Modified = format.ParseDate(u.Updated.Date)
	for _, r := range u.References {
		if r.Type == "cve" && strings.HasPrefix(r.ID, "CVE-") && r.ID != id {
			a.Aliases = append(a.Aliases, r.ID)
		}
		if r.Href != "" {
			a.References = append(a.References, r.Href)
		}
	}
	fixes := map[string]string{} // package -> fixed EVR
	for _, p := range u.Packages {
		if p.Name == "" || p.Version == "" {
			return nil, fmt.Errorf("package without name or version: %+v", p)
		}
		evr := p.Version
		if p.Release != "" {
			evr += "-" + p.Release
		}
		if e := strings.TrimSpace(p.Epoch); e != "" && e != "0" {
			evr = e + ":" + evr
		}
		if _, err := cmp.Compare(evr, evr); err != nil {
			return nil, fmt.Errorf("%s: %w", p.Name, err)
		}
		if prev, ok := fixes[p.Name]; ok && prev != evr {
			// Arches of one package share their EVR; if not, the
			// highest fixes every arch.
			if c, _ := cmp.Compare(evr, prev); c < 0 {
				evr = prev
			}
		}
		fixes[p.Name] = evr
	}
	if len(fixes) == 0 {
		return nil, errors.New("update lists no package")
	}
	sort.Strings(a.Aliases)
	for _, pkg := range slices.Sorted(maps.Keys(fixes)) {
		a.Affected = append(a.Affected, advisory.Affected{
			Ecosystem: eco, Package: pkg, Severity: a.Severity,
			Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: fixes[pkg]}}}},
		})
	}
	return a, nil
}
