// Package csaf reads Red Hat's CSAF 2.0 documents, the format Red Hat
// publishes its security data in now (security.access.redhat.com/data/
// csaf/v2/: one advisory document per RHSA, one VEX document per CVE), into
// advisories for the distributions that are matched against Red Hat's
// fixes (CentOS). It is the alternative to Red Hat's OVAL files.
//
// A document's product tree names products (each with a CPE, such as
// "cpe:/o:redhat:enterprise_linux:8::baseos") and package components
// (each with a purl, "pkg:rpm/redhat/sudo@1.9.5p2-1.el8_9?arch=x86_64"),
// and relationships join them into product ids
// ("BaseOS-8.9.0.Z.MAIN:sudo-0:1.9.5p2-1.el8_9.x86_64"). Each CVE lists the
// product ids in which it is fixed and the vendor fix (the RHSA) that
// fixed them. The caller says which CPEs are the releases of which
// ecosystem (Place); everything else (EUS, AUS, E4S streams, other
// products) is left out, because an image of a distribution's main
// stream must not meet a fix released only for an extended-support one.
package csaf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/redhat"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Source names advisories read from Red Hat CSAF documents.
const Source = string(redhat.FeedCSAF)

// Place maps a product's CPE to the advisory ecosystem of that release
// ("cpe:/o:redhat:enterprise_linux:8::baseos" → "CentOS:8"); ok is false
// for products no distribution is matched against.
type Place func(cpe string) (eco string, ok bool)

// PlaceFrom builds a Place from descriptors' CSAF feeds: their Platforms
// map CPEs cut after the version ("cpe:/o:redhat:enterprise_linux:8",
// "cpe:/a:redhat:enterprise_linux:8") to releases.
func PlaceFrom(descs []ecosystem.Descriptor) Place {
	keys := map[string]string{}
	for _, d := range descs {
		for _, f := range d.Feeds {
			if f.Format != redhat.FeedCSAF {
				continue
			}
			for cpe, rel := range f.Platforms {
				keys[cpe] = d.Key(rel)
			}
		}
	}
	return func(cpe string) (string, bool) {
		eco, ok := keys[CPEBase(cpe)]
		return eco, ok
	}
}

// CPEBase cuts a CPE 2.2 URI after its version:
// "cpe:/a:redhat:enterprise_linux:8::appstream" →
// "cpe:/a:redhat:enterprise_linux:8".
func CPEBase(cpe string) string {
	parts := strings.Split(strings.TrimSpace(cpe), ":")
	if len(parts) > 5 {
		parts = parts[:5]
	}
	return strings.Join(parts, ":")
}

type branch struct {
	Category string   `json:"category"`
	Name     string   `json:"name"`
	Branches []branch `json:"branches"`
	Product  *struct {
		ProductID string `json:"product_id"`
		Helper    struct {
			CPE  string `json:"cpe"`
			PURL string `json:"purl"`
		} `json:"product_identification_helper"`
	} `json:"product"`
}

type document struct {
	Document struct {
		Category          string `json:"category"`
		Title             string `json:"title"`
		AggregateSeverity struct {
			Text string `json:"text"`
		} `json:"aggregate_severity"`
		Tracking struct {
			ID                 string `json:"id"`
			InitialReleaseDate string `json:"initial_release_date"`
			CurrentReleaseDate string `json:"current_release_date"`
		} `json:"tracking"`
		Notes []struct {
			Category string `json:"category"`
			Title    string `json:"title"`
			Text     string `json:"text"`
		} `json:"notes"`
		References []struct {
			Category string `json:"category"`
			URL      string `json:"url"`
		} `json:"references"`
	} `json:"document"`
	ProductTree struct {
		Branches      []branch `json:"branches"`
		Relationships []struct {
			FullProductName struct {
				ProductID string `json:"product_id"`
			} `json:"full_product_name"`
			ProductReference          string `json:"product_reference"`
			RelatesToProductReference string `json:"relates_to_product_reference"`
		} `json:"relationships"`
	} `json:"product_tree"`
	Vulnerabilities []struct {
		CVE           string `json:"cve"`
		ProductStatus struct {
			Fixed []string `json:"fixed"`
		} `json:"product_status"`
		Remediations []struct {
			Category   string   `json:"category"`
			URL        string   `json:"url"`
			ProductIDs []string `json:"product_ids"`
		} `json:"remediations"`
		Threats []struct {
			Category string `json:"category"`
			Details  string `json:"details"`
		} `json:"threats"`
	} `json:"vulnerabilities"`
}

// IsJSON reports whether data looks like a CSAF 2.0 document: a JSON
// object with the "csaf_version" and "product_tree" members. It is meant
// for documents no other reader claimed.
func IsJSON(data []byte) bool {
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{' && bytes.Contains(data, []byte(`"csaf_version"`)) && bytes.Contains(data, []byte(`"product_tree"`))
}

// ErrNothingPlaced is returned for a document none of whose fixes is for
// a release Place knows (another product, an extended-support stream, a
// CVE with no fix yet): not malformed, but nothing to store.
var ErrNothingPlaced = errors.New("no fixed package of a release a distribution is matched against")

const (
	maxDocSize = 64 << 20
	maxIDs     = 500_000
)

var (
	rhsaRe = regexp.MustCompile(`^RH[SBE]A-\d{4}:\d+$`)
	cveRe  = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)
	// A component id without a purl: "sudo-0:1.9.5p2-1.el8_9.x86_64".
	nevraRe = regexp.MustCompile(`^(.+)-(\d+):([^-:]+)-([^-:]+)\.([a-z0-9_]+)$`)
)

// Parse reads one CSAF document and returns one advisory per vendor fix
// (RHSA) it names with a fixed package of a placed release: the RHSA's
// id, the CVEs it fixes as aliases, the document's aggregate severity (an
// advisory document) or the worst impact of its CVEs (a VEX document),
// and an affected entry per ecosystem and binary package, fixed in the
// package's [epoch:]version-release. Source packages (arch src) are left
// out (an image's rpm database lists binaries), and so are module-stream
// builds (a purl with "rpmmod"), which an rpm database does not tell
// apart from ordinary ones (as with Red Hat's OVAL). A document with
// nothing placed is ErrNothingPlaced; a malformed one an error naming
// the cause.
func Parse(data []byte, place Place) ([]*advisory.Advisory, error) {
	if len(data) > maxDocSize {
		return nil, fmt.Errorf("CSAF document larger than %d bytes", maxDocSize)
	}
	var d document
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("bad CSAF JSON: %w", err)
	}
	docID := strings.TrimSpace(d.Document.Tracking.ID)
	if docID == "" {
		return nil, errors.New("CSAF document without a tracking id")
	}

	// Products and components by id.
	cpes := map[string]string{}
	purls := map[string]string{}
	n := 0
	var walk func(bs []branch) error
	walk = func(bs []branch) error {
		for i := range bs {
			if n++; n > maxIDs {
				return fmt.Errorf("%s: more than %d product tree entries", docID, maxIDs)
			}
			b := &bs[i]
			if b.Product != nil && b.Product.ProductID != "" {
				if b.Product.Helper.CPE != "" {
					cpes[b.Product.ProductID] = b.Product.Helper.CPE
				}
				if b.Product.Helper.PURL != "" {
					purls[b.Product.ProductID] = b.Product.Helper.PURL
				}
			}
			if err := walk(b.Branches); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(d.ProductTree.Branches); err != nil {
		return nil, err
	}
	type rel struct{ product, component string }
	rels := map[string]rel{}
	for _, r := range d.ProductTree.Relationships {
		rels[r.FullProductName.ProductID] = rel{r.RelatesToProductReference, r.ProductReference}
	}

	type fix struct{ eco, pkg, ver string }
	type group struct {
		cves  map[string]bool
		worst string
		fixes map[fix]bool
	}
	groups := map[string]*group{}
	var order []string
	for _, v := range d.Vulnerabilities {
		cve := strings.TrimSpace(v.CVE)
		impact := ""
		for _, t := range v.Threats {
			if t.Category == "impact" {
				impact = strings.TrimSpace(t.Details)
			}
		}
		fixed := map[string]bool{}
		for _, p := range v.ProductStatus.Fixed {
			fixed[p] = true
		}
		for _, r := range v.Remediations {
			if r.Category != "vendor_fix" {
				continue
			}
			id := rhsaFromURL(r.URL)
			if id == "" && rhsaRe.MatchString(docID) {
				id = docID
			}
			if id == "" {
				continue // a fix without an advisory id to report
			}
			for _, pid := range r.ProductIDs {
				if !fixed[pid] {
					continue
				}
				rl, ok := rels[pid]
				if !ok {
					continue // a product on its own, not a package of one
				}
				eco, ok := place(cpes[rl.product])
				if !ok {
					continue
				}
				name, ver, arch, module, err := component(rl.component, purls[rl.component])
				if err != nil {
					return nil, fmt.Errorf("%s: %s: %w", docID, pid, err)
				}
				if arch == "src" || module {
					continue
				}
				cmp, err := version.For(eco)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", docID, err)
				}
				if _, err := cmp.Compare(ver, ver); err != nil {
					return nil, fmt.Errorf("%s: %s: %w", docID, name, err)
				}
				g := groups[id]
				if g == nil {
					g = &group{cves: map[string]bool{}, fixes: map[fix]bool{}}
					groups[id] = g
					order = append(order, id)
				}
				if cveRe.MatchString(cve) {
					g.cves[cve] = true
				}
				if report.ParseSeverity(impact).Rank() > report.ParseSeverity(g.worst).Rank() {
					g.worst = impact
				}
				g.fixes[fix{eco, name, ver}] = true
			}
		}
	}
	if len(order) == 0 {
		return nil, fmt.Errorf("%s: %w", docID, ErrNothingPlaced)
	}

	var details string
	for _, n := range d.Document.Notes {
		if n.Category == "general" || n.Category == "description" {
			details = strings.TrimSpace(n.Text)
			break
		}
	}
	var refs []string
	for _, r := range d.Document.References {
		if u := strings.TrimSpace(r.URL); u != "" && r.Category == "self" {
			refs = append(refs, u)
		}
	}
	sort.Strings(order)
	out := make([]*advisory.Advisory, 0, len(order))
	for _, id := range order {
		g := groups[id]
		a := &advisory.Advisory{ID: id, Source: Source, References: refs,
			Published: parseTime(d.Document.Tracking.InitialReleaseDate), Modified: parseTime(d.Document.Tracking.CurrentReleaseDate)}
		if id == docID {
			// The advisory document itself: its title, text and rating.
			a.Summary = strings.TrimSpace(d.Document.Title)
			a.Details = details
			a.Severity = strings.TrimSpace(d.Document.AggregateSeverity.Text)
		}
		if a.Severity == "" {
			a.Severity = g.worst
		}
		for c := range g.cves {
			a.Aliases = append(a.Aliases, c)
		}
		sort.Strings(a.Aliases)
		fixes := make([]fix, 0, len(g.fixes))
		for f := range g.fixes {
			fixes = append(fixes, f)
		}
		sort.Slice(fixes, func(i, j int) bool {
			x, y := fixes[i], fixes[j]
			if x.eco != y.eco {
				return x.eco < y.eco
			}
			if x.pkg != y.pkg {
				return x.pkg < y.pkg
			}
			return x.ver < y.ver
		})
		for _, f := range fixes {
			a.Affected = append(a.Affected, advisory.Affected{Ecosystem: f.eco, Package: f.pkg,
				Ranges: []advisory.Range{{Type: "ECOSYSTEM", Events: []advisory.Event{{Introduced: "0"}, {Fixed: f.ver}}}}})
		}
		out = append(out, a)
	}
	return out, nil
}

// rhsaFromURL reads the advisory id from an errata URL
// ("https://access.redhat.com/errata/RHSA-2024:0811").
func rhsaFromURL(u string) string {
	p, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return ""
	}
	if id := path.Base(p.Path); rhsaRe.MatchString(id) {
		return id
	}
	return ""
}

// component reads a package component: from its purl when it has one
// ("pkg:rpm/redhat/sudo@1.9.5p2-1.el8_9?arch=x86_64&epoch=1"), else from
// its id ("sudo-0:1.9.5p2-1.el8_9.x86_64"). The version keeps a non-zero
// epoch ("1:…"), as the rpm analyzer reports it.
func component(id, purl string) (name, ver, arch string, module bool, err error) {
	if purl != "" {
		rest, ok := strings.CutPrefix(purl, "pkg:rpm/")
		if !ok {
			return "", "", "", false, fmt.Errorf("purl %q is not an rpm purl", purl)
		}
		rest, query, _ := strings.Cut(rest, "?")
		nsName, v, ok := strings.Cut(rest, "@")
		if !ok || v == "" {
			return "", "", "", false, fmt.Errorf("purl %q has no version", purl)
		}
		if name, err = url.PathUnescape(path.Base(nsName)); err != nil {
			return "", "", "", false, fmt.Errorf("purl %q: %w", purl, err)
		}
		if ver, err = url.PathUnescape(v); err != nil {
			return "", "", "", false, fmt.Errorf("purl %q: %w", purl, err)
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			return "", "", "", false, fmt.Errorf("purl %q: %w", purl, err)
		}
		if e := q.Get("epoch"); e != "" && strings.TrimLeft(e, "0") != "" {
			ver = e + ":" + ver
		}
		if name == "" || !strings.Contains(ver, "-") {
			return "", "", "", false, fmt.Errorf("purl %q is not name@version-release", purl)
		}
		return name, ver, q.Get("arch"), q.Get("rpmmod") != "", nil
	}
	m := nevraRe.FindStringSubmatch(id)
	if m == nil {
		return "", "", "", false, fmt.Errorf("component %q has no purl and is not name-epoch:version-release.arch", id)
	}
	ver = m[3] + "-" + m[4]
	if strings.TrimLeft(m[2], "0") != "" {
		ver = m[2] + ":" + ver
	}
	return m[1], ver, m[5], false, nil
}

func parseTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}
	}
	return t.UTC()
}
