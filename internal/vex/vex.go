// Package vex applies OpenVEX documents to a scan report: findings that a
// statement declares not_affected (with a justification or impact
// statement) or fixed are moved from the report's vulnerabilities to its
// suppressed list, with the status and reason, so that a report always
// says what it hides and why. affected and under_investigation statements
// keep the finding.
//
// Documents are decoded with github.com/openvex/go-vex (the OpenVEX
// reference library), whose matching rules we follow: a statement's
// vulnerability matches a finding's id or any alias; its product matches
// the image by digest, image purl (pkg:oci/NAME@sha256:...), hash or
// reference, and when it lists subcomponents one of them must match the
// package's purl (purls match from generic to specific: a subcomponent
// pkg:apk/alpine/busybox matches every busybox). A product that is itself
// the package's purl (no image named) also matches, as vexctl writes such
// statements. When several statements match a finding, the latest (by
// statement timestamp, else document timestamp, else the order given)
// decides.
package vex

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
)

// MaxSize bounds one VEX document.
const MaxSize = 64 << 20

// Set is the statements of one or more VEX documents.
type Set struct {
	docs []document
}

type document struct {
	name string // file path, for reporting
	vex  *govex.VEX
}

// Load reads OpenVEX JSON documents. Every statement is validated; a
// malformed document fails the whole load with an error naming its file.
func Load(paths ...string) (*Set, error) {
	s := &Set{}
	for _, p := range paths {
		d, err := loadFile(p)
		if err != nil {
			return nil, fmt.Errorf("vex %s: %w", p, err)
		}
		s.docs = append(s.docs, document{name: p, vex: d})
	}
	return s, nil
}

// Parse reads one OpenVEX JSON document (current version) from memory;
// name identifies it in errors and in suppressed findings.
func Parse(name string, data []byte) (*Set, error) {
	d, err := parse(data, "")
	if err != nil {
		return nil, fmt.Errorf("vex %s: %w", name, err)
	}
	return &Set{docs: []document{{name: name, vex: d}}}, nil
}

// Add appends another set's documents; later documents win ties.
func (s *Set) Add(o *Set) {
	s.docs = append(s.docs, o.docs...)
}

// Statement is one statement of a loaded document, for callers that turn
// statements into something else (fleet exceptions).
type Statement struct {
	govex.Statement
	// Document names the document (its file or name, and @id).
	Document string
	// Timestamp is the statement's, else its document's (zero if neither).
	Timestamp time.Time
}

// Statements returns every statement of the set's documents, in order.
func (s *Set) Statements() []Statement {
	if s == nil {
		return nil
	}
	var out []Statement
	for _, d := range s.docs {
		name := d.name
		if d.vex.ID != "" {
			name += " (" + d.vex.ID + ")"
		}
		var docTime time.Time
		if d.vex.Timestamp != nil {
			docTime = *d.vex.Timestamp
		}
		for _, st := range d.vex.Statements {
			t := docTime
			if st.Timestamp != nil && !st.Timestamp.IsZero() {
				t = *st.Timestamp
			}
			out = append(out, Statement{Statement: st, Document: name, Timestamp: t})
		}
	}
	return out
}

func loadFile(path string) (*govex.VEX, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > MaxSize {
		return nil, fmt.Errorf("larger than %d bytes", MaxSize)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parse(data, path)
}

// parse decodes and validates a document. Documents of an older OpenVEX
// version are read through go-vex's compatibility parsers, which work on a
// file, hence path.
func parse(data []byte, path string) (*govex.VEX, error) {
	var head struct {
		Context string `json:"@context"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	if !strings.HasPrefix(head.Context, govex.Context) {
		return nil, fmt.Errorf("not an OpenVEX document (@context %q, want %s...)", head.Context, govex.Context)
	}
	var (
		doc *govex.VEX
		err error
	)
	switch {
	case head.Context == govex.ContextLocator():
		doc, err = govex.Parse(data)
	case path != "":
		doc, err = govex.Open(path)
	default:
		err = fmt.Errorf("unsupported OpenVEX version %q", head.Context)
	}
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, fmt.Errorf("empty document")
	}
	for i := range doc.Statements {
		st := &doc.Statements[i]
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("statement %d (%s): %w", i, st.Vulnerability.Name, err)
		}
		if st.Vulnerability.Name == "" && st.Vulnerability.ID == "" && len(st.Vulnerability.Aliases) == 0 {
			return nil, fmt.Errorf("statement %d: no vulnerability name", i)
		}
		if len(st.Products) == 0 {
			return nil, fmt.Errorf("statement %d (%s): no products", i, st.Vulnerability.Name)
		}
	}
	return doc, nil
}

// Apply removes the findings that the set's statements declare
// not_affected or fixed from rep.Vulnerabilities (and from the per-layer
// views), appends them to rep.Suppressed, and returns them.
func (s *Set) Apply(rep *report.Report) []report.Suppressed {
	if s == nil || rep == nil || len(s.docs) == 0 {
		return nil
	}
	products := imageIdentifiers(rep.Image)
	purls := packagePURLs(rep)
	var (
		kept       = rep.Vulnerabilities[:0:0]
		suppressed []report.Suppressed
		gone       = map[findingKey]bool{}
	)
	for _, v := range rep.Vulnerabilities {
		pkgPURL := purls[findingKey{v.Package, v.PackageType, v.InstalledVersion, ""}]
		if pkgPURL == "" {
			pkgPURL = purl.For(report.Package{Name: v.Package, Type: v.PackageType, Version: v.InstalledVersion}, rep.OS)
		}
		st, src := s.decide(v, products, pkgPURL)
		if st == nil || (st.Status != govex.StatusNotAffected && st.Status != govex.StatusFixed) {
			kept = append(kept, v)
			continue
		}
		reason := st.ImpactStatement
		if reason == "" {
			reason = st.StatusNotes
		}
		suppressed = append(suppressed, report.Suppressed{
			Vulnerability: v,
			Status:        string(st.Status),
			Justification: string(st.Justification),
			Statement:     reason,
			Source:        src,
		})
		gone[findingKey{v.Package, v.PackageType, v.InstalledVersion, v.ID}] = true
	}
	if len(suppressed) == 0 {
		return nil
	}
	rep.Vulnerabilities = kept
	if rep.Image != nil {
		for i := range rep.Image.Layers {
			l := &rep.Image.Layers[i]
			if len(l.Vulnerabilities) == 0 {
				continue
			}
			lk := l.Vulnerabilities[:0:0]
			for _, v := range l.Vulnerabilities {
				if !gone[findingKey{v.Package, v.PackageType, v.InstalledVersion, v.ID}] {
					lk = append(lk, v)
				}
			}
			l.Vulnerabilities = lk
		}
	}
	rep.Suppressed = append(rep.Suppressed, suppressed...)
	return suppressed
}

type findingKey struct{ name, typ, version, id string }

// packagePURLs finds each package's purl; findings name their package but
// carry no purl, and a purl computed from the finding alone would lack the
// arch a VEX subcomponent may specify.
func packagePURLs(rep *report.Report) map[findingKey]string {
	m := make(map[findingKey]string, len(rep.Packages))
	for _, p := range rep.Packages {
		k := findingKey{p.Name, p.Type, p.Version, ""}
		if _, dup := m[k]; !dup {
			m[k] = purl.For(p, rep.OS)
		}
	}
	return m
}

// imageIdentifiers are the strings a VEX product may use for the image.
func imageIdentifiers(img *report.Image) []string {
	if img == nil {
		return nil
	}
	var ids []string
	add := func(s string) {
		if s != "" {
			ids = append(ids, s)
		}
	}
	add(purl.Image(img))
	add(img.Digest)
	if _, hex, ok := strings.Cut(img.Digest, ":"); ok {
		add(hex) // a product's hashes map holds bare hex values
	}
	add(img.Reference)
	return ids
}

// decide returns the statement that governs a finding and the name of
// its document, or nil when none matches.
func (s *Set) decide(v report.Vulnerability, products []string, pkgPURL string) (*govex.Statement, string) {
	vulnIDs := append([]string{v.ID}, v.Aliases...)
	var (
		best     *govex.Statement
		bestTime time.Time
		bestSrc  string
	)
	for _, d := range s.docs {
		var docTime time.Time
		if d.vex.Timestamp != nil {
			docTime = *d.vex.Timestamp
		}
		for i := range d.vex.Statements {
			st := &d.vex.Statements[i]
			if !matchesVuln(st, vulnIDs) || !matchesProduct(st, products, pkgPURL) {
				continue
			}
			t := docTime
			if st.Timestamp != nil && !st.Timestamp.IsZero() {
				t = *st.Timestamp
			}
			// Later (or equal, so the order given breaks ties) wins.
			if best == nil || !t.Before(bestTime) {
				best, bestTime = st, t
				bestSrc = d.name
				if d.vex.ID != "" {
					bestSrc += " (" + d.vex.ID + ")"
				}
			}
		}
	}
	return best, bestSrc
}

func matchesVuln(st *govex.Statement, ids []string) bool {
	for _, id := range ids {
		if id != "" && st.Vulnerability.Matches(id) {
			return true
		}
	}
	return false
}

func matchesProduct(st *govex.Statement, products []string, pkgPURL string) bool {
	for i := range st.Products {
		p := &st.Products[i]
		for _, id := range products {
			// Product names the image; Matches then requires one of its
			// subcomponents, if it lists any, to match the package.
			if p.Matches(id, pkgPURL) {
				if len(p.Subcomponents) > 0 && pkgPURL == "" {
					continue
				}
				return true
			}
		}
		if pkgPURL != "" && len(p.Subcomponents) == 0 && p.Component.Matches(pkgPURL) {
			return true
		}
	}
	return false
}

// Summary is a one-line account of what Apply suppressed, for logs.
func Summary(sup []report.Suppressed) string {
	if len(sup) == 0 {
		return "VEX suppressed no findings"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "VEX suppressed %d finding(s):", len(sup))
	for i, s := range sup {
		if i == 5 {
			fmt.Fprintf(&b, " …")
			break
		}
		fmt.Fprintf(&b, " %s on %s (%s)", s.Vulnerability.ID, s.Vulnerability.Package, s.Status)
	}
	return b.String()
}
