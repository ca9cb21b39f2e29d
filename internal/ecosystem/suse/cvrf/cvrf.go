// Package cvrf reads SUSE's CVRF advisories, the alternative to OSV's
// SUSE and openSUSE records: SUSE's own XML documents
// (ftp.suse.com/pub/projects/security/cvrf/cvrf-suse-su-*.xml, root
// element <cvrfdoc>) and the JSON form that aquasecurity/vuln-list keeps of
// them (cvrf/suse/{suse,opensuse}/YEAR/*.json: the same fields under the
// same names, a threat's severity under "Severity").
//
// A document is one advisory (SUSE-SU-2022:1061-1, openSUSE-SU-…): the
// CVEs it fixes become aliases, and each product status "Fixed" names a
// product and a fixed binary package, "SUSE Linux Enterprise Module for
// Basesystem 15 SP3:libz1-1.2.11-150000.3.30.1". The product becomes the
// release key the descriptors use, spelt as OSV spells SUSE's products
// ("SUSE:Linux Enterprise Module for Basesystem 15 SP3", folded by the
// SUSE descriptor into "SUSE:Linux Enterprise Server 15 SP3"), so an
// image meets the same advisories whichever source the database was built
// from. This package lives below internal/ecosystem/suse, not in it,
// because it produces advisory records and package advisory reads the
// descriptors.
package cvrf

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem/suse"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Source names advisories read from SUSE CVRF documents.
const Source = string(suse.FeedCVRF)

// Document is a SUSE CVRF document, with the XML element names of SUSE's
// files and the JSON keys of vuln-list's copies.
type Document struct {
	Title    string `xml:"DocumentTitle" json:"Title"`
	Tracking struct {
		ID                 string `xml:"Identification>ID" json:"ID"`
		InitialReleaseDate string `xml:"InitialReleaseDate" json:"InitialReleaseDate"`
		CurrentReleaseDate string `xml:"CurrentReleaseDate" json:"CurrentReleaseDate"`
	} `xml:"DocumentTracking" json:"Tracking"`
	Notes []Note `xml:"DocumentNotes>Note" json:"Notes"`
	// AggregateSeverity is CVRF's rating of the whole document, when the
	// document has one (vuln-list's copies drop it).
	AggregateSeverity string `xml:"AggregateSeverity" json:"AggregateSeverity"`
	ProductTree       struct {
		Relationships []Relationship `xml:"Relationship" json:"Relationships"`
	} `xml:"ProductTree" json:"ProductTree"`
	References      []Reference     `xml:"DocumentReferences>Reference" json:"References"`
	Vulnerabilities []Vulnerability `xml:"Vulnerability" json:"Vulnerabilities"`
}

// Note is a document note (Summary, the "Details" text, terms of use).
type Note struct {
	Text  string `xml:",chardata" json:"Text"`
	Title string `xml:"Title,attr" json:"Title"`
	Type  string `xml:"Type,attr" json:"Type"`
}

// Relationship says that a package (ProductReference, an NVR, sometimes
// with its architecture) is a component of a product.
type Relationship struct {
	ProductReference          string `xml:"ProductReference,attr" json:"ProductReference"`
	RelatesToProductReference string `xml:"RelatesToProductReference,attr" json:"RelatesToProductReference"`
	RelationType              string `xml:"RelationType,attr" json:"RelationType"`
}

// Reference is a link.
type Reference struct {
	URL string `xml:"URL" json:"URL"`
}

// Vulnerability is one CVE of the document.
type Vulnerability struct {
	CVE     string `xml:"CVE" json:"CVE"`
	Threats []struct {
		Type string `xml:"Type,attr" json:"Type"`
		// Severity is SUSE's rating word (low, moderate, important,
		// critical): the threat's <Description> in the XML.
		Severity string `xml:"Description" json:"Severity"`
	} `xml:"Threats>Threat" json:"Threats"`
	ProductStatuses []struct {
		Type      string   `xml:"Type,attr" json:"Type"`
		ProductID []string `xml:"ProductID" json:"ProductID"`
	} `xml:"ProductStatuses>Status" json:"ProductStatuses"`
}

// Limits keep a hostile document from costing more than a real one: the
// largest SUSE advisories (kernel updates) list a few thousand product
// ids.
const (
	maxDocSize   = 64 << 20
	maxFixes     = 200_000
	maxCVEs      = 10_000
	maxIDLength  = 200
	maxNameBytes = 1_000
)

// IsJSON reports whether data looks like a vuln-list SUSE CVRF document:
// a JSON object with the CVRF "Tracking" and "ProductTree" members. It
// is meant for documents no other reader claimed.
func IsJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && bytes.Contains(data, []byte(`"Tracking"`)) && bytes.Contains(data, []byte(`"ProductTree"`))
}

// ParseJSON reads one document in vuln-list's JSON form and returns its
// advisory; see Document.Advisory.
func ParseJSON(data []byte) (*advisory.Advisory, error) {
	if len(data) > maxDocSize {
		return nil, fmt.Errorf("SUSE CVRF document larger than %d bytes", maxDocSize)
	}
	var d Document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("bad SUSE CVRF JSON: %w", err)
	}
	return d.Advisory()
}

// DecodeXML reads the rest of a <cvrfdoc> element whose start tag the
// caller has read from dec, and returns its advisory.
func DecodeXML(dec *xml.Decoder, start xml.StartElement) (*advisory.Advisory, error) {
	var d Document
	if err := dec.DecodeElement(&d, &start); err != nil {
		return nil, fmt.Errorf("bad SUSE CVRF XML: %w", err)
	}
	return d.Advisory()
}

// ParseXML reads one SUSE CVRF XML document.
func ParseXML(data []byte) (*advisory.Advisory, error) {
	if len(data) > maxDocSize {
		return nil, fmt.Errorf("SUSE CVRF document larger than %d bytes", maxDocSize)
	}
	dec := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("bad SUSE CVRF XML: no <cvrfdoc> element: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "cvrfdoc" {
				return nil, fmt.Errorf("XML document <%s> is not a CVRF document", se.Name.Local)
			}
			return DecodeXML(dec, se)
		}
	}
}

var (
	idRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)
	cveRe = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
)

// ErrNothingFixed is returned for a document that names no fixed package
// of a product an image can be (a container image's own advisory, a
// retracted one): not malformed, but nothing to store.
var ErrNothingFixed = errors.New("no fixed package of a SUSE or openSUSE product")

// Advisory converts the document. The advisory's id is the document's
// tracking id, its aliases the CVEs, its severity the aggregate severity
// or else the highest threat impact of its CVEs, and each fixed package
// of each product an affected entry "fixed in" the package's
// version-release (epoch kept, architecture dropped). Products that are
// neither SUSE's nor openSUSE's ("Container bci/bci-init:15.3", image
// products) are not releases an image maps to and are left out; a
// document left with nothing is ErrNothingFixed. A malformed document (no
// id, a fixed package that is not an NVR) is an error naming the cause.
func (d *Document) Advisory() (*advisory.Advisory, error) {
	id := strings.TrimSpace(d.Tracking.ID)
	switch {
	case id == "":
		return nil, errors.New("SUSE CVRF document without a tracking ID")
	case len(id) > maxIDLength || !idRe.MatchString(id):
		return nil, fmt.Errorf("SUSE CVRF tracking ID %.80q is not an advisory id like SUSE-SU-2022:1061-1", id)
	}
	a := &advisory.Advisory{ID: id, Source: Source, Summary: strings.TrimSpace(d.Title)}
	for _, n := range d.Notes {
		if n.Type == "General" && n.Title == "Details" {
			a.Details = strings.TrimSpace(n.Text)
		}
	}
	for _, r := range d.References {
		if u := strings.TrimSpace(r.URL); u != "" && !contains(a.References, u) {
			a.References = append(a.References, u)
		}
	}
	a.Published = parseTime(d.Tracking.InitialReleaseDate)
	a.Modified = parseTime(d.Tracking.CurrentReleaseDate)

	// Severity: the document's aggregate rating, else its worst CVE.
	a.Severity = strings.ToLower(strings.TrimSpace(d.AggregateSeverity))
	fixedIDs := map[string]bool{}
	cves := map[string]bool{}
	if len(d.Vulnerabilities) > maxCVEs {
		return nil, fmt.Errorf("%s: %d vulnerabilities, more than %d", id, len(d.Vulnerabilities), maxCVEs)
	}
	worst := ""
	for _, v := range d.Vulnerabilities {
		if c := strings.TrimSpace(v.CVE); cveRe.MatchString(c) && c != id {
			cves[c] = true
		}
		for _, th := range v.Threats {
			w := strings.ToLower(strings.TrimSpace(th.Severity))
			if th.Type == "Impact" && report.ParseSeverity(w).Rank() > report.ParseSeverity(worst).Rank() {
				worst = w
			}
		}
		for _, st := range v.ProductStatuses {
			if !strings.EqualFold(strings.TrimSpace(st.Type), "Fixed") {
				continue
			}
			for _, p := range st.ProductID {
				if len(fixedIDs) >= maxFixes {
					return nil, fmt.Errorf("%s: more than %d fixed product ids", id, maxFixes)
				}
				fixedIDs[strings.TrimSpace(p)] = true
			}
		}
	}
	if a.Severity == "" {
		a.Severity = worst
	}
	for c := range cves {
		a.Aliases = append(a.Aliases, c)
	}
	sort.Strings(a.Aliases)

	// Product ids are "<product>:<package NVR>"; the relationships say
	// where one ends, which matters because products ("Container
	// bci/bci-init:15.3") and epochs hold colons too.
	type fix struct{ product, nvr string }
	rels := map[string]fix{}
	if len(d.ProductTree.Relationships) > maxFixes {
		return nil, fmt.Errorf("%s: more than %d relationships", id, maxFixes)
	}
	for _, r := range d.ProductTree.Relationships {
		prod, ref := strings.TrimSpace(r.RelatesToProductReference), strings.TrimSpace(r.ProductReference)
		rels[prod+":"+ref] = fix{prod, ref}
	}
	var fixes []fix
	if len(fixedIDs) == 0 {
		// Without product statuses the product tree is the list of
		// fixed packages (it lists nothing else).
		for _, f := range rels {
			fixes = append(fixes, f)
		}
	}
	for p := range fixedIDs {
		f, ok := rels[p]
		if !ok {
			// Not in the product tree: split at the first colon, which
			// is right for every SUSE and openSUSE product name.
			prod, ref, found := strings.Cut(p, ":")
			if !found {
				return nil, fmt.Errorf("%s: fixed product id %.200q names no product", id, p)
			}
			f = fix{prod, ref}
		}
		fixes = append(fixes, f)
	}

	type key struct{ eco, pkg, fixed string }
	seen := map[key]bool{}
	for _, f := range fixes {
		eco, ok := ReleaseKey(f.product)
		if !ok {
			continue
		}
		name, ver, err := SplitNVR(f.nvr)
		if err != nil {
			return nil, fmt.Errorf("%s: product %.200q: %w", id, f.product, err)
		}
		cmp, err := version.For(eco)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		if _, err := cmp.Compare(ver, ver); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", id, name, err)
		}
		k := key{eco, name, ver}
		if seen[k] {
			continue // the same fix listed for two products of one release
		}
		seen[k] = true
		a.Affected = append(a.Affected, advisory.Affected{
			Ecosystem: eco,
			Package:   name,
			Ranges:    []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: ver}}}},
		})
	}
	if len(a.Affected) == 0 {
		return nil, fmt.Errorf("%s: %w", id, ErrNothingFixed)
	}
	sort.Slice(a.Affected, func(i, j int) bool {
		x, y := a.Affected[i], a.Affected[j]
		if x.Ecosystem != y.Ecosystem {
			return x.Ecosystem < y.Ecosystem
		}
		if x.Package != y.Package {
			return x.Package < y.Package
		}
		return x.Ranges[0].Events[1].Fixed < y.Ranges[0].Events[1].Fixed
	})
	return a, nil
}

// ReleaseKey maps a CVRF product name to the advisory ecosystem an image
// of it is matched in, as the descriptors spell it: "SUSE Linux
// Enterprise Server 15 SP3" and "SUSE Linux Enterprise Module for
// Containers 15 SP1" → "SUSE:Linux Enterprise Server 15 SP3" and
// "SUSE:Linux Enterprise Server 15 SP1" (modules fold into their Server
// release, see suse.NormalizeSLE), "openSUSE Leap 15.5" →
// "openSUSE:Leap 15.5", "openSUSE Tumbleweed" → "openSUSE:Tumbleweed",
// "SUSE Linux Enterprise Micro 5.3" → "SUSE:Linux Enterprise Micro 5.3".
// ok is false for products that are neither SUSE's nor openSUSE's.
func ReleaseKey(product string) (string, bool) {
	product = strings.Join(strings.Fields(product), " ")
	if rest, ok := strings.CutPrefix(product, "openSUSE "); ok {
		return advisory.NormalizeEcosystem(suse.OpenSUSEName + ":" + rest), true
	}
	if rest, ok := strings.CutPrefix(product, "SUSE "); ok {
		return advisory.NormalizeEcosystem(suse.SLEName + ":" + rest), true
	}
	return "", false
}

// archs are the architecture suffixes SUSE appends to package references
// in some documents ("libz1-1.2.11-150000.3.30.1.x86_64").
var archs = []string{
	".x86_64", ".aarch64", ".ppc64le", ".s390x", ".i586", ".i686", ".noarch",
	".armv7hl", ".armv7l", ".armv6hl", ".ppc64", ".ppc", ".riscv64", ".ia64", ".s390",
	".src", ".nosrc",
}

// SplitNVR splits a package reference into its name and its
// [epoch:]version-release, dropping an architecture suffix and a zero
// epoch (the rpm analyzer writes none): "libz1-1.2.11-150000.3.30.1" →
// "libz1", "1.2.11-150000.3.30.1"; "foo-2:1.0-3.1.x86_64" → "foo",
// "2:1.0-3.1".
func SplitNVR(ref string) (name, ver string, err error) {
	ref = strings.TrimSpace(ref)
	if len(ref) > maxNameBytes {
		return "", "", fmt.Errorf("package reference longer than %d bytes", maxNameBytes)
	}
	for _, a := range archs {
		if r, ok := strings.CutSuffix(ref, a); ok {
			ref = r
			break
		}
	}
	i := strings.LastIndexByte(ref, '-')
	if i <= 0 {
		return "", "", fmt.Errorf("package reference %q is not name-version-release", ref)
	}
	j := strings.LastIndexByte(ref[:i], '-')
	if j <= 0 || j+1 == i || i+1 == len(ref) {
		return "", "", fmt.Errorf("package reference %q is not name-version-release", ref)
	}
	name, ver = ref[:j], ref[j+1:]
	if strings.ContainsAny(name, " \t:") {
		return "", "", fmt.Errorf("package reference %q: bad package name %q", ref, name)
	}
	if e, v, ok := strings.Cut(ver, ":"); ok && strings.TrimLeft(e, "0") == "" && e != "" {
		ver = v
	}
	return name, ver, nil
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
