package exception

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
	"time"

	govex "github.com/openvex/go-vex/pkg/vex"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/purl"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/vex"
)

// Skipped is a VEX statement an import did not turn into an exception,
// and why.
type Skipped struct {
	Statement int    `json:"statement"`
	Document  string `json:"document"`
	Reason    string `json:"reason"`
}

// FromVEX turns the not_affected and fixed statements of a loaded set of
// OpenVEX documents into exceptions made by author: one per statement
// product, scoped to what the product names (an image digest, an image
// reference, or a package purl), narrowed to the packages its
// subcomponents name. affected and under_investigation statements change
// nothing and are returned as skipped, as is a product that would make an
// exception this import already makes (same vulnerability, scope and
// reason: an image exported once per repository that holds its digest).
// An id is derived from the
// document, statement and product, so importing a document again
// replaces its exceptions instead of adding copies. A product that names
// nothing scanfleet can scope by fails the import, naming it.
func FromVEX(set *vex.Set, author string, now time.Time) ([]Exception, []Skipped, error) {
	var (
		out     []Exception
		skipped []Skipped
		// seen maps an exception's vulnerability, scope and reason to
		// where it was first made: an export lists an image once per
		// repository it is known in, and two repositories sharing one
		// digest give two products whose scope is the same digest.
		seen = map[string]string{}
	)
	for i, st := range set.Statements() {
		vuln := string(st.Vulnerability.Name)
		if vuln == "" && len(st.Vulnerability.Aliases) > 0 {
			vuln = string(st.Vulnerability.Aliases[0])
		}
		if vuln == "" {
			vuln = st.Vulnerability.ID
		}
		if st.Status != govex.StatusNotAffected && st.Status != govex.StatusFixed {
			skipped = append(skipped, Skipped{i, st.Document, fmt.Sprintf("%s: status %s does not suppress", vuln, st.Status)})
			continue
		}
		reason := statementReason(&st.Statement)
		created := st.Timestamp
		if created.IsZero() || created.After(now) {
			created = now
		}
		for j := range st.Products {
			p := &st.Products[j]
			e := Exception{Vulnerability: vuln, Reason: reason, Author: author, Created: created}
			if err := scopeFromProduct(&e, &p.Component); err != nil {
				return nil, nil, fmt.Errorf("vex %s: statement %d (%s), product %d: %w", st.Document, i, vuln, j, err)
			}
			for k := range p.Subcomponents {
				name, err := packageName(&p.Subcomponents[k].Component)
				if err != nil {
					return nil, nil, fmt.Errorf("vex %s: statement %d (%s), product %d, subcomponent %d: %w", st.Document, i, vuln, j, k, err)
				}
				if !slices.Contains(e.Packages, name) {
					e.Packages = append(e.Packages, name)
				}
			}
			h := sha256.Sum256([]byte(fmt.Sprintf("%s\x00%d\x00%d\x00%s", st.Document, i, j, vuln)))
			e.ID = "vex-" + hex.EncodeToString(h[:8])
			if err := e.Validate(); err != nil {
				return nil, nil, fmt.Errorf("vex %s: statement %d: %w", st.Document, i, err)
			}
			key := sameKey(&e)
			if first, dup := seen[key]; dup {
				skipped = append(skipped, Skipped{i, st.Document, fmt.Sprintf("%s, product %d: same vulnerability, scope and reason as %s", vuln, j, first)})
				continue
			}
			seen[key] = fmt.Sprintf("statement %d, product %d", i, j)
			out = append(out, e)
		}
	}
	return out, skipped, nil
}

// sameKey identifies what an exception suppresses and why: two with the
// same key are one decision made twice.
func sameKey(e *Exception) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(e.Vulnerability))
	for _, f := range [][]string{e.Registries, e.Repositories, e.Images, e.Tags, e.Digests, e.Packages, e.Namespaces} {
		sorted := slices.Sorted(slices.Values(f))
		b.WriteString("\x00" + strings.Join(sorted, "\x01"))
	}
	b.WriteString("\x00" + e.Reason)
	return b.String()
}

func statementReason(st *govex.Statement) string {
	var parts []string
	head := "OpenVEX " + string(st.Status)
	if st.Justification != "" {
		head += " (" + string(st.Justification) + ")"
	}
	parts = append(parts, head)
	if st.ImpactStatement != "" {
		parts = append(parts, st.ImpactStatement)
	}
	if st.StatusNotes != "" {
		parts = append(parts, st.StatusNotes)
	}
	r := strings.Join(parts, ": ")
	if len(r) > MaxReason {
		r = r[:MaxReason]
		for !utf8Valid(r) {
			r = r[:len(r)-1]
		}
	}
	return r
}

func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// scopeFromProduct narrows e to what a VEX product names.
func scopeFromProduct(e *Exception, c *govex.Component) error {
	ids := []string{}
	if c.ID != "" {
		ids = append(ids, c.ID)
	}
	if p := c.Identifiers[govex.PURL]; p != "" {
		ids = append(ids, p)
	}
	if h := c.Hashes[govex.SHA256]; h != "" {
		e.Digests = append(e.Digests, "sha256:"+string(h))
		return nil
	}
	for _, id := range ids {
		switch {
		case strings.HasPrefix(id, "pkg:oci/"):
			parsed, err := purl.Parse(id)
			if err != nil {
				return fmt.Errorf("image purl %q: %w", id, err)
			}
			if !strings.HasPrefix(parsed.Package.Version, "sha256:") {
				return fmt.Errorf("image purl %q: no sha256 digest as its version", id)
			}
			e.Digests = append(e.Digests, parsed.Package.Version)
			return nil
		case strings.HasPrefix(id, "pkg:"):
			name, err := packageName(&govex.Component{ID: id})
			if err != nil {
				return err
			}
			e.Packages = append(e.Packages, name)
			return nil
		case strings.HasPrefix(id, "sha256:"):
			e.Digests = append(e.Digests, id)
			return nil
		default:
			ref, err := admission.ParseRef(id)
			if err != nil {
				continue
			}
			if ref.Digest != "" {
				e.Digests = append(e.Digests, ref.Digest)
				return nil
			}
			e.Images = append(e.Images, ref.Registry+"/"+ref.Repository+":"+ref.Tag)
			return nil
		}
	}
	return fmt.Errorf("product %q names no image digest, image reference or package purl", strings.Join(ids, ", "))
}

// packageName is the package a subcomponent's purl names.
func packageName(c *govex.Component) (string, error) {
	id := c.ID
	if p := c.Identifiers[govex.PURL]; p != "" {
		id = p
	}
	if !strings.HasPrefix(id, "pkg:") {
		return "", fmt.Errorf("component %q is not a purl", id)
	}
	parsed, err := purl.Parse(id)
	if err != nil {
		return "", fmt.Errorf("purl %q: %w", id, err)
	}
	if parsed.Package.Name == "" {
		return "", fmt.Errorf("purl %q names no package", id)
	}
	return parsed.Package.Name, nil
}

// ToVEX writes what exceptions suppressed in reps (after Apply) as one
// OpenVEX document: one not_affected statement per exception, finding and
// image, its product the image's purl and its subcomponent the package's,
// the reason as impact statement and the exception's id, author and expiry
// in the status notes. Exceptions are scoped by globs that VEX cannot
// express, so the document states their effect on the images given,
// which any OpenVEX consumer (FromVEX included) can apply. VEXWriter
// writes the same document one report at a time.
func ToVEX(docID, author string, now time.Time, reps []*report.Report) (*govex.VEX, error) {
	doc := vexDocument(docID, author, now)
	doc.Statements = []govex.Statement{}
	for _, rep := range reps {
		sts, err := vexStatements(rep, now)
		if err != nil {
			return nil, err
		}
		doc.Statements = append(doc.Statements, sts...)
	}
	return &doc, nil
}

// vexDocument is the document's metadata, without statements.
func vexDocument(docID, author string, now time.Time) govex.VEX {
	return govex.VEX{Metadata: govex.Metadata{
		Context:   govex.ContextLocator(),
		ID:        docID,
		Author:    author,
		Timestamp: &now,
		Version:   1,
		Tooling:   "scanfleet",
	}}
}

// vexStatements are the statements of what exceptions suppressed in one
// report (nil report: none).
func vexStatements(rep *report.Report, now time.Time) ([]govex.Statement, error) {
	if rep == nil {
		return nil, nil
	}
	imgPURL := purl.Image(rep.Image)
	if imgPURL == "" {
		ref := "(no image)"
		if rep.Image != nil {
			ref = rep.Image.Reference
		}
		return nil, fmt.Errorf("exporting exceptions of %s: the report names no image digest", ref)
	}
	pkgPURLs := map[[3]string]string{}
	for _, p := range rep.Packages {
		k := [3]string{p.Name, p.Type, p.Version}
		if _, ok := pkgPURLs[k]; !ok {
			pkgPURLs[k] = purl.For(p, rep.OS)
		}
	}
	var out []govex.Statement
	for _, s := range rep.Suppressed {
		if s.Status != StatusException {
			continue
		}
		v := s.Vulnerability
		pp := pkgPURLs[[3]string{v.Package, v.PackageType, v.InstalledVersion}]
		if pp == "" {
			pp = purl.For(report.Package{Name: v.Package, Type: v.PackageType, Version: v.InstalledVersion}, rep.OS)
		}
		prod := govex.Product{Component: govex.Component{ID: imgPURL}}
		if pp != "" {
			prod.Subcomponents = []govex.Subcomponent{{Component: govex.Component{ID: pp}}}
		}
		notes := fmt.Sprintf("scanfleet exception %s by %s", s.Exception, s.Author)
		if s.Expires != nil {
			notes += ", expires " + s.Expires.UTC().Format(time.RFC3339)
		}
		aliases := make([]govex.VulnerabilityID, 0, len(v.Aliases))
		for _, a := range v.Aliases {
			aliases = append(aliases, govex.VulnerabilityID(a))
		}
		st := govex.Statement{
			Vulnerability:   govex.Vulnerability{Name: govex.VulnerabilityID(v.ID), Aliases: aliases},
			Timestamp:       &now,
			Products:        []govex.Product{prod},
			Status:          govex.StatusNotAffected,
			ImpactStatement: s.Statement,
			StatusNotes:     notes,
		}
		if err := st.Validate(); err != nil {
			return nil, fmt.Errorf("exporting exception %s on %s: %w", s.Exception, v.ID, err)
		}
		out = append(out, st)
	}
	return out, nil
}
