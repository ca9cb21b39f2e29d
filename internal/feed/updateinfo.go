package feed

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/version"
)

// yum repositories publish their advisories in updateinfo.xml (Amazon
// Linux's ALAS among them), whose location repodata/repomd.xml gives; a
// release's mirror list names the repository. This file reads the three:
//
//   - mirror.list (a URL whose last element is mirror.list): the first
//     mirror's repodata/repomd.xml is loaded;
//   - repomd.xml (loaded from a URL): its updateinfo location, resolved
//     against the repository, is loaded;
//   - updateinfo.xml (plain or gzipped): one advisory per <update>, each
//     package's fixed version an {introduced 0, fixed EVR} range in the
//     ecosystem whose descriptor claims the id's prefix
//     (ecosystem.Feed.IDPrefixes: "ALAS2-" is Amazon Linux 2).

// SourceUpdateInfo names advisories read from updateinfo.xml.
const SourceUpdateInfo = "updateinfo"

// maxHops bounds mirror.list → repomd.xml → updateinfo chains.
const maxHops = 3

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

type repomd struct {
	Data []struct {
		Type     string `xml:"type,attr"`
		Location struct {
			Href string `xml:"href,attr"`
		} `xml:"location"`
	} `xml:"data"`
}

// loadXML reads an XML document, told by its root element.
func (l *loader) loadXML(name string, r io.Reader) error {
	s := newXMLStream(r)
	for {
		tok, err := s.token()
		if errors.Is(err, io.EOF) {
			l.malformed(name, "empty XML document")
			return nil
		}
		if err != nil {
			l.malformed(name, "bad XML: %v", err)
			return nil
		}
		if isDTD(tok) {
			// No feed has one; entities it might declare are not
			// expanded by encoding/xml, but nothing is gained by reading
			// on.
			l.malformed(name, "XML document with a DTD (<!DOCTYPE>): not accepted in a feed")
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "updates":
			return l.loadUpdateInfo(name, s)
		case "repomd":
			return l.loadRepomd(name, s, se)
		case "oval_definitions":
			return l.loadOVAL(name, s, se)
		case "cvrfdoc":
			return l.loadSUSECVRFXML(name, s, se)
		}
		l.malformed(name, "XML document <%s> is not an updateinfo, repomd, OVAL or CVRF document", se.Name.Local)
		return nil
	}
}

func (l *loader) loadRepomd(name string, s *xmlStream, se xml.StartElement) error {
	var md repomd
	if err := s.decode(&md, &se, maxXMLRecord); err != nil {
		l.malformed(name, "bad repomd.xml: %v", err)
		return nil
	}
	href := ""
	for _, d := range md.Data {
		if d.Type == "updateinfo" {
			href = d.Location.Href
		}
	}
	switch {
	case href == "":
		l.malformed(name, "repomd.xml lists no updateinfo")
		return nil
	case l.base == nil:
		l.malformed(name, "repomd.xml read from a file: its updateinfo (%s) is relative to the repository; load the repository's URL", href)
		return nil
	case l.hops >= maxHops:
		return fmt.Errorf("%s: more than %d redirections through mirror lists and repomd.xml", name, maxHops)
	}
	// href is relative to the repository, whose repomd.xml is at
	// <repository>/repodata/repomd.xml.
	root := *l.base
	root.Path = strings.TrimSuffix(strings.TrimSuffix(root.Path, "repomd.xml"), "repodata/")
	if !strings.HasSuffix(root.Path, "/") {
		root.Path += "/"
	}
	ref, err := url.Parse(href)
	if err != nil {
		l.malformed(name, "repomd.xml: bad updateinfo location %q: %v", href, err)
		return nil
	}
	l.hops++
	defer func() { l.hops-- }()
	return l.loadURL(root.ResolveReference(ref), l.client)
}

// loadMirrorList reads a mirror list and loads the first mirror's
// repomd.xml.
func (l *loader) loadMirrorList(u *url.URL, r io.Reader) error {
	if l.hops >= maxHops {
		return fmt.Errorf("%s: more than %d redirections through mirror lists and repomd.xml", u, maxHops)
	}
	sc := bufio.NewScanner(io.LimitReader(r, 1<<20))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m, err := url.Parse(strings.TrimRight(line, "/") + "/repodata/repomd.xml")
		if err != nil || (m.Scheme != "http" && m.Scheme != "https") {
			return fmt.Errorf("%s: bad mirror %q", u, line)
		}
		l.hops++
		defer func() { l.hops-- }()
		return l.loadURL(m, l.client)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", u, err)
	}
	return fmt.Errorf("%s: mirror list names no mirror", u)
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

func (l *loader) loadUpdateInfo(name string, s *xmlStream) error {
	n := 0
	for {
		if err := l.ctx.Err(); err != nil {
			return err
		}
		tok, err := s.token()
		if errors.Is(err, io.EOF) {
			// The root's end tag missing is a syntax error, not EOF.
			return nil
		}
		if err != nil {
			// A truncated or corrupt document: what was read stands, the
			// rest is one malformed record.
			l.malformed(name, "bad XML after update #%d: %v", n, err)
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "update" {
			continue
		}
		n++
		var u uiUpdate
		if err := s.decode(&u, &se, maxXMLRecord); err != nil {
			// The decoder stops at a broken record; name it by its id
			// when that was read before the fault.
			l.malformed(updateName(name, n, u.ID), "bad <update>: %v", err)
			return nil
		}
		a, err := convertUpdate(&u)
		if err != nil {
			l.malformed(updateName(name, n, u.ID), "%v", err)
			continue
		}
		if a == nil {
			l.stats.Skipped++
			continue
		}
		if err := l.send(a); err != nil {
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
		Source:   SourceUpdateInfo,
		Summary:  strings.TrimSpace(u.Title),
		Details:  strings.TrimSpace(u.Description),
		Severity: strings.TrimSpace(u.Severity),
	}
	a.Published = parseUITime(u.Issued.Date)
	a.Modified = parseUITime(u.Updated.Date)
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
	for _, pkg := range sortedKeys(fixes) {
		a.Affected = append(a.Affected, advisory.Affected{
			Ecosystem: eco, Package: pkg, Severity: a.Severity,
			Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: fixes[pkg]}}}},
		})
	}
	return a, nil
}

// parseUITime reads updateinfo's "2021-08-13 17:31" (UTC), or RFC 3339.
func parseUITime(s string) time.Time {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	return parseTime(s)
}

// isMirrorList tells a mirror list URL.
func isMirrorList(u *url.URL) bool { return path.Base(u.Path) == "mirror.list" }
