// Package oval reads OVAL definitions documents, which several
// distributions publish (see below). Package feed tells the document by
// its root element and hands it here.
//
// OVAL definitions documents (Azure Linux / CBL-Mariner, Oracle ELSA,
// Photon PHSA) say "package P is affected while its EVR is less than V"
// as a definition whose criteria refer to rpminfo tests, each pairing an
// rpminfo object (the package name) with an rpminfo state (the EVR and
// the comparison). This reader keeps what matching needs and nothing
// else: for each definition, every test whose state compares the EVR
// ("less than" → fixed V; "less than or equal" → last affected V) becomes
// an affected package. Tests of other kinds (the release package, a
// signing key) are conditions every image of the release meets and are
// not evaluated; the release comes from the document's name or the
// definition's platform, as the distribution's descriptor declares
// (ecosystem.Feed.Documents, ecosystem.Feed.Platforms).
package oval

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/klauspost/compress/s2"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Source names advisories read from OVAL documents.
const Source = "oval"

type ovalCriteria struct {
	Criteria  []ovalCriteria `xml:"criteria"`
	Criterion []struct {
		TestRef string `xml:"test_ref,attr"`
		Comment string `xml:"comment,attr"`
	} `xml:"criterion"`
}

type ovalDef struct {
	ID       string `xml:"id,attr"`
	Class    string `xml:"class,attr"`
	Metadata struct {
		Title     string   `xml:"title"`
		Platforms []string `xml:"affected>platform"`
		Refs      []struct {
			RefID  string `xml:"ref_id,attr"`
			RefURL string `xml:"ref_url,attr"`
			Source string `xml:"source,attr"`
		} `xml:"reference"`
		Description string   `xml:"description"`
		Severity    string   `xml:"severity"`
		AdvSeverity string   `xml:"advisory>severity"`
		CVEs        []string `xml:"advisory>cve"`
		Issued      struct {
			Date string `xml:"date,attr"`
		} `xml:"advisory>issued"`
	} `xml:"metadata"`
	Criteria ovalCriteria `xml:"criteria"`
}

type ovalTest struct {
	ID     string `xml:"id,attr"`
	Object struct {
		Ref string `xml:"object_ref,attr"`
	} `xml:"object"`
	State struct {
		Ref string `xml:"state_ref,attr"`
	} `xml:"state"`
}

type ovalObject struct {
	ID   string `xml:"id,attr"`
	Name string `xml:"name"`
}

type ovalState struct {
	ID  string `xml:"id,attr"`
	EVR *struct {
		Text      string `xml:",chardata"`
		Operation string `xml:"operation,attr"`
	} `xml:"evr"`
}

var cveRe = regexp.MustCompile(`CVE-\d{4}-\d{4,}`)

// keptDef is what a definition keeps until the document's tests, objects
// and states (which follow the definitions) have been read: its metadata,
// the distribution (descriptor name, "" when none claims it) and release
// it is for, and its criteria flattened to test references.
type keptDef struct {
	Def  ovalDef // Criteria emptied
	Desc string
	Rel  string
	Refs []critRef
}

// Read sends the advisories of the OVAL document s, read from the file
// name (which may give the release), whose root element has been read,
// to sink. A document broken anywhere is one malformed record and yields
// nothing: a definition's tests follow every definition.
//
// So that memory does not grow with the number of definitions, each is
// kept on disk (a defSpill) as it is read, and only the document's tests,
// objects and states — a few small strings each — are held; once they
// are all known, the definitions are read back one at a time and
// converted. (Reading the document twice instead would need a second
// copy of it anyway when it comes compressed, from an archive or over
// HTTP, and would parse its XML twice.)
func Read(ctx context.Context, name string, s *format.XMLStream, sink format.Sink) error {
	var spill defSpill
	defer spill.remove()
	cat := newCatalog(all.Default().Descriptors())
	tests := map[string]ovalTest{}
	objects := map[string]string{}
	states := map[string]ovalState{}
	docDesc, docRel := cat.documentRelease(name)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok, err := s.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			sink.Malformed(name, "bad XML after %d definitions (the document's definitions are not loaded): %v", spill.n, err)
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "definition":
			k := keptDef{}
			if err = s.Decode(&k.Def, &se, format.MaxXMLRecord); err != nil {
				break
			}
			desc, rel := docDesc, docRel
			if desc == nil {
				desc, rel = cat.platformRelease(k.Def.Metadata.Platforms)
			}
			if desc != nil {
				special := 0
				collectTests(&k.Def.Criteria, "", desc.platforms, &k.Refs, &special)
				k.Desc, k.Rel = desc.Name, rel
			}
			k.Def.Criteria = ovalCriteria{} // flattened into Refs
			if err := spill.add(&k); err != nil {
				return fmt.Errorf("%s: keeping OVAL definitions on disk: %w", name, err)
			}
		case "rpminfo_test":
			var t ovalTest
			err = s.Decode(&t, &se, format.MaxXMLRecord)
			tests[t.ID] = t
		case "rpminfo_object":
			var o ovalObject
			err = s.Decode(&o, &se, format.MaxXMLRecord)
			objects[o.ID] = strings.TrimSpace(o.Name)
		case "rpminfo_state":
			var st ovalState
			err = s.Decode(&st, &se, format.MaxXMLRecord)
			states[st.ID] = st
		}
		if err != nil {
			// A definition's tests come after every definition: a
			// document broken anywhere yields nothing rather than
			// advisories missing packages.
			sink.Malformed(name+":"+format.Attr(&se, "id"), "bad <%s> (the document's definitions are not loaded): %v", se.Name.Local, err)
			return nil
		}
	}
	next, err := spill.rewind()
	if err != nil {
		return fmt.Errorf("%s: reading back OVAL definitions: %w", name, err)
	}
	for range spill.n {
		var k keptDef
		if err := next(&k); err != nil {
			return fmt.Errorf("%s: reading back OVAL definitions: %w", name, err)
		}
		rn := name + ":" + k.Def.ID
		if k.Desc == "" {
			sink.Malformed(rn, "no distribution claims this document or its platforms %v", k.Def.Metadata.Platforms)
			continue
		}
		a, err := convertOVAL(&k.Def, cat.byName[k.Desc].Descriptor, k.Rel, k.Refs, tests, objects, states)
		if err := format.Deliver(sink, rn, a, err); err != nil {
			return err
		}
	}
	return nil
}

// defSpill keeps a document's definitions, in order, in a temporary file
// (gob records, s2-compressed), created at the first definition.
//
// spillBlock is the compression block: the writer and the reader each
// hold about one, so it is the spill's share of the read's memory.
const spillBlock = 128 << 10

// (A definition is at most format.MaxXMLRecord of XML, and its gob record
// smaller still; s2 splits a record across blocks.)
type defSpill struct {
	f   *os.File
	zw  *s2.Writer
	enc *gob.Encoder
	n   int
}

func (p *defSpill) add(k *keptDef) error {
	if p.f == nil {
		f, err := os.CreateTemp("", "scanfleet-oval-*")
		if err != nil {
			return err
		}
		p.f = f
		p.zw = s2.NewWriter(f, s2.WriterConcurrency(1), s2.WriterBlockSize(spillBlock))
		p.enc = gob.NewEncoder(p.zw)
	}
	if err := p.enc.Encode(k); err != nil {
		return err
	}
	p.n++
	return nil
}

// rewind finishes the file and returns the function that reads its
// records back in order.
func (p *defSpill) rewind() (func(*keptDef) error, error) {
	if p.f == nil {
		return nil, nil
	}
	if err := p.zw.Close(); err != nil {
		return nil, err
	}
	if _, err := p.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	dec := gob.NewDecoder(bufio.NewReaderSize(s2.NewReader(p.f, s2.ReaderMaxBlockSize(spillBlock)), 64<<10))
	return func(k *keptDef) error { return dec.Decode(k) }, nil
}

// remove deletes the file, if one was made.
func (p *defSpill) remove() {
	if p.f != nil {
		p.f.Close()
		os.Remove(p.f.Name())
	}
}

// catalog is what reading a document needs of the descriptors: the
// distributions with OVAL feeds, in the descriptors' order. It is built
// once per document: rebuilding the descriptors (all.Descriptors makes
// each one, with its maps, afresh) for every definition cost more than
// converting the definition.
type catalog struct {
	descs  []*ovalDesc // in the descriptors' order
	byName map[string]*ovalDesc
}

// ovalDesc is a descriptor with OVAL feeds, and every platform its OVAL
// feeds name (a definition's criteria may name any of them).
type ovalDesc struct {
	ecosystem.Descriptor
	feeds     []ecosystem.Feed // FeedOVAL only, in order
	platforms map[string]string
}

func newCatalog(ds []ecosystem.Descriptor) *catalog {
	c := &catalog{byName: map[string]*ovalDesc{}}
	for _, d := range ds {
		od := &ovalDesc{Descriptor: d, platforms: map[string]string{}}
		for _, f := range d.Feeds {
			if f.Format == ecosystem.FeedOVAL {
				od.feeds = append(od.feeds, f)
			}
			// Every feed's platforms, as before the catalog: only OVAL
			// feeds name any.
			for p, r := range f.Platforms {
				od.platforms[p] = r
			}
		}
		if len(od.feeds) == 0 {
			continue
		}
		c.descs = append(c.descs, od)
		if _, dup := c.byName[d.Name]; !dup {
			c.byName[d.Name] = od
		}
	}
	return c
}

// documentRelease: the distribution and release of every definition of a
// document, from its file name ("…/cbl-mariner-2.0-oval.xml"); nil when
// the name does not tell.
func (c *catalog) documentRelease(name string) (*ovalDesc, string) {
	_, member, _ := strings.Cut(name, ":")
	if member == "" {
		member = name
	}
	base := strings.TrimSuffix(path.Base(member), ".gz")
	for _, d := range c.descs {
		for _, f := range d.feeds {
			if r, found := f.Documents[base]; found {
				return d, r
			}
		}
	}
	return nil, ""
}

// platformRelease: the distribution and release of a definition from the
// platforms it names: the first feed, in the descriptors' order, that
// knows one of them; nil when none does.
func (c *catalog) platformRelease(platforms []string) (*ovalDesc, string) {
	for _, d := range c.descs {
		for _, f := range d.feeds {
			for _, p := range platforms {
				if r, found := f.Platforms[strings.TrimSpace(p)]; found {
					return d, r
				}
			}
		}
	}
	return nil, ""
}

// critRef is one criterion's test and the release its branch is for
// ("" when the branch does not say).
type critRef struct{ Test, Release string }

// collectTests walks a definition's criteria. A definition may cover
// several releases, each branch guarded by a criterion such as "Oracle
// Linux 7 is installed" (a platform the descriptor knows): the branch's
// tests are that release's. Branches guarded by "is ksplice-based" or "is
// fips patched" fix special builds whose versions an ordinary package's
// cannot be compared with, and "Module X:S is enabled" (Red Hat's module
// streams) builds an rpm database does not tell apart; they are skipped
// (skipped counts them).
func collectTests(c *ovalCriteria, release string, platforms map[string]string, out *[]critRef, skipped *int) {
	for _, cr := range c.Criterion {
		cm := strings.TrimSpace(cr.Comment)
		if p, ok := strings.CutSuffix(cm, " is installed"); ok {
			if r, known := platforms[p]; known {
				release = r
			}
		}
		if strings.HasSuffix(cm, " is ksplice-based") || strings.HasSuffix(cm, " is fips patched") ||
			(strings.HasPrefix(cm, "Module ") && strings.HasSuffix(cm, " is enabled")) {
			*skipped++
			return
		}
	}
	for _, cr := range c.Criterion {
		*out = append(*out, critRef{cr.TestRef, release})
	}
	for i := range c.Criteria {
		collectTests(&c.Criteria[i], release, platforms, out, skipped)
	}
}

func convertOVAL(d *ovalDef, desc ecosystem.Descriptor, release string, refs []critRef, tests map[string]ovalTest, objects map[string]string, states map[string]ovalState) (*advisory.Advisory, error) {
	cmp, err := version.For(desc.Name)
	if err != nil {
		return nil, err
	}
	md := &d.Metadata
	id := strings.TrimSpace(d.ID)
	if f := strings.Fields(md.Title); len(f) > 0 {
		if t := strings.TrimRight(f[0], ":,"); format.IsVulnID(t) {
			id = t // PHSA-2020:00001, ELSA-2019-4820, CVE-2023-5678
		}
	}
	if id == "" {
		return nil, errors.New("definition without an id or an advisory id in its title")
	}
	a := &advisory.Advisory{ID: id, Source: Source, Summary: strings.TrimSpace(md.Title), Details: strings.TrimSpace(md.Description)}
	a.Severity = strings.TrimSpace(md.AdvSeverity)
	if a.Severity == "" {
		a.Severity = strings.TrimSpace(md.Severity)
	}
	a.Published = format.ParseDate(md.Issued.Date)
	aliases := map[string]bool{}
	for _, c := range md.CVEs {
		for _, m := range cveRe.FindAllString(c, -1) {
			aliases[m] = true
		}
	}
	for _, r := range md.Refs {
		for _, m := range cveRe.FindAllString(r.RefID, -1) {
			aliases[m] = true
		}
		if r.RefURL != "" && !strings.Contains(strings.Join(a.References, "\n"), r.RefURL) {
			a.References = append(a.References, r.RefURL)
		}
	}
	if d.ID != id {
		aliases[d.ID] = false // not a vulnerability id; kept out
	}
	for k, keep := range aliases {
		if keep && k != id {
			a.Aliases = append(a.Aliases, k)
		}
	}
	sort.Strings(a.Aliases)

	// Events by ecosystem (release) and package.
	type key struct{ eco, pkg string }
	events := map[key][]advisory.Event{}
	lower := map[key]string{}
	for _, cref := range refs {
		ref := cref.Test
		rel := cref.Release
		if rel == "" {
			rel = release
		}
		t, ok := tests[ref]
		if !ok {
			continue // not an rpminfo test (a family or release check)
		}
		st, ok := states[t.State.Ref]
		if !ok || st.EVR == nil {
			continue // a release or signature check
		}
		name := objects[t.Object.Ref]
		if name == "" {
			// Oracle's oldest definitions hold a few tests of nameless
			// objects: nothing installed can meet them.
			continue
		}
		pkg := key{desc.Key(rel), name}
		evr := strings.TrimSpace(st.EVR.Text)
		if e, v, ok := strings.Cut(evr, ":"); ok && e == "0" {
			evr = v // the scanner writes no zero epoch
		}
		if _, err := cmp.Compare(evr, evr); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		switch st.EVR.Operation {
		case "less than":
			events[pkg] = append(events[pkg], advisory.Event{Fixed: evr})
		case "less than or equal":
			events[pkg] = append(events[pkg], advisory.Event{LastAffected: evr})
		case "greater than", "greater than or equal":
			// A lower bound ANDed with the upper one (Azure Linux writes
			// "greater than 0.0.0"). OSV has no exclusive introduced;
			// "greater than V" differs from "introduced V" at V alone.
			lower[pkg] = evr
		default:
			return nil, fmt.Errorf("%s: unsupported EVR operation %q", name, st.EVR.Operation)
		}
	}
	if len(events) == 0 {
		return nil, nil // nothing an installed package could meet
	}
	keys := make([]key, 0, len(events))
	for k := range events {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].eco != keys[j].eco {
			return keys[i].eco < keys[j].eco
		}
		return keys[i].pkg < keys[j].pkg
	})
	for _, pkg := range keys {
		af := advisory.Affected{Ecosystem: pkg.eco, Package: pkg.pkg, Severity: a.Severity}
		intro := "0"
		if v, ok := lower[pkg]; ok {
			intro = v
		}
		for _, ev := range events[pkg] {
			af.Ranges = append(af.Ranges, advisory.Range{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: intro}, ev}})
		}
		a.Affected = append(a.Affected, af)
	}
	return a, nil
}
