package feed

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path"
	"strings"

	"github.com/scanfleet/scanfleet/internal/ecosystem/amazon/updateinfo"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/feed/oval"
)

// yum repositories publish their advisories in updateinfo.xml (Amazon
// Linux's ALAS among them; package updateinfo reads it), whose location
// repodata/repomd.xml gives; a release's mirror list names the
// repository. This file follows the two:
//
//   - mirror.list (a URL whose last element is mirror.list): the first
//     mirror's repodata/repomd.xml is loaded;
//   - repomd.xml (loaded from a URL): its updateinfo location, resolved
//     against the repository, is loaded.
//
// and tells XML documents apart by their root element.

// maxHops bounds mirror.list → repomd.xml → updateinfo chains.
const maxHops = 3

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
	s := format.NewXMLStream(r)
	for {
		tok, err := s.Token()
		if errors.Is(err, io.EOF) {
			l.Malformed(name, "empty XML document")
			return nil
		}
		if err != nil {
			l.Malformed(name, "bad XML: %v", err)
			return nil
		}
		if format.IsDTD(tok) {
			// No feed has one; entities it might declare are not
			// expanded by encoding/xml, but nothing is gained by reading
			// on.
			l.Malformed(name, "XML document with a DTD (<!DOCTYPE>): not accepted in a feed")
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "updates":
			return updateinfo.Read(l.ctx, name, s, l)
		case "repomd":
			return l.loadRepomd(name, s, se)
		case "oval_definitions":
			return oval.Read(l.ctx, name, s, l)
		case "cvrfdoc":
			return l.loadSUSECVRFXML(name, s, se)
		}
		l.Malformed(name, "XML document <%s> is not an updateinfo, repomd, OVAL or CVRF document", se.Name.Local)
		return nil
	}
}

func (l *loader) loadRepomd(name string, s *format.XMLStream, se xml.StartElement) error {
	var md repomd
	if err := s.Decode(&md, &se, format.MaxXMLRecord); err != nil {
		l.Malformed(name, "bad repomd.xml: %v", err)
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
		l.Malformed(name, "repomd.xml lists no updateinfo")
		return nil
	case l.base == nil:
		l.Malformed(name, "repomd.xml read from a file: its updateinfo (%s) is relative to the repository; load the repository's URL", href)
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
		l.Malformed(name, "repomd.xml: bad updateinfo location %q: %v", href, err)
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

// isMirrorList tells a mirror list URL.
func isMirrorList(u *url.URL) bool { return path.Base(u.Path) == "mirror.list" }
