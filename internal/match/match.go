// Package match finds the advisories that affect an image's packages.
//
// Distribution packages (deb, apk, rpm) are matched in the ecosystem of the
// image's OS (the descriptor claiming its os-release ID, see
// internal/ecosystem), by the package name the descriptor's MatchRule
// says: most distributions publish advisories per source package, and
// every binary built from it carries the same vulnerable code; SUSE,
// Amazon, Oracle and Azure Linux list binary packages. The finding names
// the binary package, with SourceName set. Language packages are matched in their own ecosystem
// (advisory.ForPackageType) by name.
//
// A package is affected by an Affected entry when its version is in one of
// the entry's ranges, evaluated with the ecosystem's own version ordering
// (package version), or is one of its explicit versions.
package match

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Store is what matching needs from a vulnerability database.
type Store interface {
	// Advisories returns every advisory with an Affected entry for
	// (ecosystem, package) — both already normalised.
	Advisories(ctx context.Context, ecosystem, pkg string) ([]advisory.Advisory, error)
	// HasEcosystem reports whether the store holds any data for the
	// ecosystem (for coverage).
	HasEcosystem(ecosystem string) bool
}

// LazyStore is implemented by stores that can return a package's
// affected entries without decoding the advisories (the database file):
// matching then decodes only the advisories that affect an installed
// version, once per Match however many packages they affect.
type LazyStore interface {
	// Affected returns the ids of the advisories with an Affected entry
	// for (ecosystem, package), in the order Advisories would return
	// them, and parallel to them each advisory's entries for it.
	Affected(ctx context.Context, ecosystem, pkg string) ([]uint32, [][]advisory.Affected, error)
	// Records returns advisories ids without their Affected entries.
	Records(ctx context.Context, ids []uint32) ([]*advisory.Advisory, error)
}

// BatchEnricher is implemented by stores that look up many CVEs' enrichment
// at once more cheaply than one by one (the database file decodes each
// bucket of ten CVEs once).
type BatchEnricher interface {
	// Enrichments returns the enrichment of each CVE the store holds
	// something about.
	Enrichments(ctx context.Context, cves []string) (map[string]*advisory.Enrichment, error)
}

// MemStore is an in-memory Store, for tests and small databases.
type MemStore struct {
	advs   []advisory.Advisory
	index  map[string]map[string][]int // ecosystem -> package -> advs index
	enrich map[string]*advisory.Enrichment
}

// NewMemStore indexes advisories by normalised (ecosystem, package). The
// advisories are not copied; the caller must not change them afterwards.
func NewMemStore(advs []advisory.Advisory) *MemStore {
	s := &MemStore{advs: advs, index: map[string]map[string][]int{}}
	for i, a := range advs {
		for _, af := range a.Affected {
			eco := advisory.NormalizeEcosystem(af.Ecosystem)
			pkg := advisory.NormalizePackage(eco, af.Package)
			m := s.index[eco]
			if m == nil {
				m = map[string][]int{}
				s.index[eco] = m
			}
			if l := m[pkg]; len(l) == 0 || l[len(l)-1] != i {
				m[pkg] = append(l, i)
			}
		}
	}
	return s
}

// Advisories implements Store.
func (s *MemStore) Advisories(ctx context.Context, ecosystem, pkg string) ([]advisory.Advisory, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	idx := s.index[ecosystem][pkg]
	out := make([]advisory.Advisory, len(idx))
	for i, j := range idx {
		out[i] = s.advs[j]
	}
	return out, nil
}

// HasEcosystem implements Store.
func (s *MemStore) HasEcosystem(ecosystem string) bool {
	return len(s.index[ecosystem]) > 0
}

// candidate is one advisory found affecting one package, before merging.
type candidate struct {
	adv       *advisory.Advisory
	distro    bool
	fixed     string
	sevWord   string // the feed's word for this package, else the advisory's
	sevSource string // who gave sevWord
}

// Match returns the findings for pkgs and the coverage of their
// ecosystems. Findings are enriched and rated (see Enrich and Rate) and
// sorted by risk (RiskLess: KEV, EPSS, severity, score). Packages whose
// version the ecosystem cannot parse are not matched and are counted in
// their ecosystem's coverage note; a store error fails the match.
func Match(ctx context.Context, st Store, os *report.OS, pkgs []report.Package) ([]report.Vulnerability, []report.Coverage, error) {
	osEco, osDesc, osOK := all.Default().ForOS(os)
	eol := ""
	if osOK && osDesc.EndOfLife != nil {
		_, rel, _ := strings.Cut(osEco, ":")
		eol = osDesc.EndOfLife(rel)
	}

	type cov struct {
		packages int
		bad      int
		note     string
	}
	coverage := map[string]*cov{}
	var covOrder []string
	covFor := func(eco string) *cov {
		c := coverage[eco]
		if c == nil {
			c = &cov{}
			coverage[eco] = c
			covOrder = append(covOrder, eco)
		}
		return c
	}

	var vulns []report.Vulnerability
	mc := newMatchCache(st)
	for i := range pkgs {
		if err := ctx.Err(); err != nil {
			return nil, nil, err
		}
		p := &pkgs[i]
		if p.OwnedBy != "" && !advisory.IsDistroType(p.Type) {
			// A language package installed by an OS package (Debian's
			// python3-cryptography ships cryptography's dist-info) is the
			// distribution's to judge: it backports fixes without changing
			// the upstream version, so matching the upstream feed would
			// report fixed CVEs. The owning OS package is matched instead.
			continue
		}
		var eco string
		if advisory.IsDistroType(p.Type) {
			if !osOK {
				key := osLabel(os)
				c := covFor(key)
				c.packages++
				c.note = "no vulnerability data mapping for this OS: its " + p.Type + " packages were not matched"
				continue
			}
			eco = osEco
		} else {
			eco = advisory.ForPackageType(p.Type)
			if eco == "" {
				c := covFor("type:" + p.Type)
				c.packages++
				c.note = "package type " + p.Type + " is not matched against any ecosystem"
				continue
			}
		}
		c := covFor(eco)
		c.packages++
		found, ok, err := matchPackage(ctx, mc, eco, p)
		if err != nil {
			return nil, nil, fmt.Errorf("match %s %s in %s: %w", p.Name, p.Version, eco, err)
		}
		if !ok {
			c.bad++
		}
		vulns = append(vulns, found...)
	}

	var covs []report.Coverage
	for _, eco := range covOrder {
		c := coverage[eco]
		rc := report.Coverage{Ecosystem: eco, Packages: c.packages, Note: c.note}
		if c.note == "" {
			rc.Covered = st.HasEcosystem(eco)
			if !rc.Covered {
				rc.Note = "the vulnerability database has no data for " + eco
			} else if c.bad > 0 {
				rc.Note = fmt.Sprintf("%d package(s) with a version %s ordering cannot read were not matched", c.bad, eco)
			}
			if eco == osEco && eol != "" {
				// Said even when the database has data: an end-of-life
				// release gets no new advisories, so a clean result
				// only means "clean as of the last advisory".
				rc.Note = joinNote(eco+" "+eol, rc.Note)
			}
		}
		covs = append(covs, rc)
	}
	sort.Slice(covs, func(i, j int) bool { return covs[i].Ecosystem < covs[j].Ecosystem })

	est, err := prefetchEnrichment(ctx, st, vulns)
	if err != nil {
		return nil, nil, err
	}
	if err := Enrich(ctx, est, vulns); err != nil {
		return nil, nil, err
	}
	SortByRisk(vulns)
	return vulns, covs, nil
}

func joinNote(a, b string) string {
	if b == "" {
		return a
	}
	return a + "; " + b
}

func osLabel(os *report.OS) string {
	if os == nil || os.ID == "" {
		return "os:unknown"
	}
	return "os:" + os.ID + " " + os.VersionID
}

// lookup names the (package names, version) a package is matched by, as
// the ecosystem's descriptor says (ecosystem.Descriptor.Match):
//   - MatchSource (Debian, Ubuntu, Alpine, Wolfi): the source package and
//     its version (binNMU and subpackage versions can differ from the
//     source's; advisories use the source's);
//   - MatchSourceAndBinary (Red Hat family in OSV): the source and the
//     binary name, with the binary's version, which carries the epoch that
//     a source RPM file name drops;
//   - MatchBinary (SUSE, Amazon, Oracle, Azure Linux): the binary name
//     and version, which is what their feeds list;
//   - MatchName (language ecosystems): the name, normalised for the
//     ecosystem, and the version.
func lookup(eco string, p *report.Package) (names []string, ver string) {
	d, _ := all.Default().Lookup(eco)
	switch d.Match {
	case ecosystem.MatchSource:
		name, ver := p.Name, p.Version
		if p.SourceName != "" {
			name = p.SourceName
		}
		if p.SourceVersion != "" {
			ver = p.SourceVersion
		}
		return []string{name}, ver
	case ecosystem.MatchSourceAndBinary:
		names = []string{p.Name}
		if p.SourceName != "" && p.SourceName != p.Name {
			names = append([]string{p.SourceName}, names...)
		}
		return names, p.Version
	case ecosystem.MatchBinary:
		return []string{p.Name}, p.Version
	}
	return []string{advisory.NormalizePackage(eco, p.Name)}, p.Version
}

// matchPackage returns the merged findings for one package. ok is false
// when the installed version cannot be read in the ecosystem's ordering.
func matchPackage(ctx context.Context, mc *matchCache, eco string, p *report.Package) (out []report.Vulnerability, ok bool, err error) {
	names, ver := lookup(eco, p)
	if strings.TrimSpace(ver) == "" {
		return nil, false, nil
	}
	cmp, err := version.For(eco)
	if err != nil {
		return nil, false, nil
	}
	if _, err := cmp.Compare(ver, ver); err != nil {
		return nil, false, nil
	}
	var cands []candidate
	seen := map[*advisory.Advisory]bool{}
	for _, name := range names {
		hs, err := mc.hits(ctx, eco, name, ver)
		if err != nil {
			return nil, true, err
		}
		for _, h := range hs {
			if seen[h.adv] {
				continue
			}
			seen[h.adv] = true
			a := h.adv
			word := h.sevWord
			if word == "" {
				word = a.Severity
			}
			distro := a.Source != advisory.SourceOSV || advisory.IsDistroEcosystem(eco)
			src := advisory.SourceOfID(a.ID)
			if distro {
				src = advisory.EcosystemSource(eco)
			}
			cands = append(cands, candidate{
				adv:       a,
				distro:    distro,
				fixed:     h.fixed,
				sevWord:   word,
				sevSource: src,
			})
		}
	}
	return merge(p, cands), true, nil
}

// hit is one advisory affecting a (package name, version): the first of
// its Affected entries for the package that affects the version gives the
// fix and the feed's severity word.
type hit struct {
	adv     *advisory.Advisory
	id      uint32 // in a LazyStore
	fixed   string
	sevWord string
}

// matchCache holds what one Match has looked up and decoded, so that the
// binary packages of one source package (dozens for linux or glibc) and
// advisories naming several packages are decoded and evaluated once:
// matching costs what the findings need, not what the inventory repeats.
type matchCache struct {
	st   Store
	lazy LazyStore
	// byKey holds the hits of ecosystem\x00name\x00version.
	byKey map[string][]hit
	recs  map[uint32]*advisory.Advisory
}

func newMatchCache(st Store) *matchCache {
	mc := &matchCache{st: st, byKey: map[string][]hit{}, recs: map[uint32]*advisory.Advisory{}}
	mc.lazy, _ = st.(LazyStore)
	return mc
}

// hits returns the advisories affecting version ver of (eco, name), in
// the store's order. With a LazyStore only those advisories are decoded.
func (mc *matchCache) hits(ctx context.Context, eco, name, ver string) ([]hit, error) {
	key := eco + "\x00" + name + "\x00" + ver
	if hs, ok := mc.byKey[key]; ok {
		return hs, nil
	}
	var hs []hit
	// hitOf evaluates one advisory's entries for the package.
	hitOf := func(affs []advisory.Affected) (fixed, word string, ok bool) {
		for _, af := range affs {
			// Feeds store normalised names; normalise only on a miss.
			if af.Ecosystem != eco && advisory.NormalizeEcosystem(af.Ecosystem) != eco {
				continue
			}
			if af.Package != name && advisory.NormalizePackage(eco, af.Package) != name {
				continue
			}
			if affected, fixed := Affects(eco, af, ver); affected {
				return fixed, af.Severity, true
			}
		}
		return "", "", false
	}
	if mc.lazy != nil {
		ids, affs, err := mc.lazy.Affected(ctx, eco, name)
		if err != nil {
			return nil, err
		}
		var want []uint32
		for i, id := range ids {
			fixed, word, ok := hitOf(affs[i])
			if !ok {
				continue
			}
			if mc.recs[id] == nil {
				want = append(want, id)
			}
			hs = append(hs, hit{id: id, fixed: fixed, sevWord: word})
		}
		if len(want) > 0 {
			recs, err := mc.lazy.Records(ctx, want)
			if err != nil {
				return nil, err
			}
			for i, id := range want {
				mc.recs[id] = recs[i]
			}
		}
		for i := range hs {
			hs[i].adv = mc.recs[hs[i].id]
		}
	} else {
		advs, err := mc.st.Advisories(ctx, eco, name)
		if err != nil {
			return nil, err
		}
		for i := range advs {
			if fixed, word, ok := hitOf(advs[i].Affected); ok {
				hs = append(hs, hit{adv: &advs[i], fixed: fixed, sevWord: word})
			}
		}
	}
	mc.byKey[key] = hs
	return hs, nil
}

// prefetchEnrichment looks up the enrichment of every CVE the findings
// name in one batch when the store can (BatchEnricher), and returns a
// store answering Enrich from it; otherwise st itself.
func prefetchEnrichment(ctx context.Context, st Store, vulns []report.Vulnerability) (Store, error) {
	be, ok := st.(BatchEnricher)
	en, ok2 := st.(Enricher)
	if !ok || !ok2 || len(vulns) == 0 {
		return st, nil
	}
	var cves []string
	for i := range vulns {
		cves = append(cves, advisory.CVEs(append([]string{vulns[i].ID}, vulns[i].Aliases...)...)...)
	}
	m, err := be.Enrichments(ctx, cves)
	if err != nil {
		return nil, fmt.Errorf("enrichment: %w", err)
	}
	for _, c := range cves {
		if _, ok := m[c]; !ok {
			m[c] = nil // asked: the store holds nothing about it
		}
	}
	return prefetched{Store: st, m: m, en: en}, nil
}

// prefetched answers Enrichment from a batch lookup.
type prefetched struct {
	Store
	m  map[string]*advisory.Enrichment
	en Enricher
}

func (p prefetched) Enrichment(ctx context.Context, cve string) (*advisory.Enrichment, error) {
	if e, ok := p.m[cve]; ok {
		return e, nil
	}
	return p.en.Enrichment(ctx, cve)
}

// Affects reports whether version v is affected by af, evaluated with the
// ordering of ecosystem eco, and the lowest fixed version above v ("" when
// there is none). Ranges are evaluated as OSV specifies: events sorted by
// version, introduced "0" meaning "from the beginning", v affected from an
// introduced up to (excluding) the next fixed, or up to and including a
// last_affected; a range with limit events only applies below a limit
// ("*" is no limit). Events or versions the ordering cannot read are
// ignored. v is also affected when it is one of af.Versions.
func Affects(eco string, af advisory.Affected, v string) (affected bool, fixed string) {
	for _, r := range af.Ranges {
		cmp, err := version.ForRange(eco, r.Type)
		if err != nil {
			continue
		}
		in, _ := inRange(cmp, r.Events, v)
		if in {
			affected = true
		}
		for _, e := range r.Events {
			if e.Fixed == "" {
				continue
			}
			if c, err := cmp.Compare(e.Fixed, v); err != nil || c <= 0 {
				continue
			}
			if fixed == "" {
				fixed = e.Fixed
			} else if c, err := cmp.Compare(e.Fixed, fixed); err == nil && c < 0 {
				fixed = e.Fixed
			}
		}
	}
	if !affected && len(af.Versions) > 0 {
		cmp, err := version.For(eco)
		for _, x := range af.Versions {
			if x == v {
				affected = true
				break
			}
			if err == nil {
				if c, err := cmp.Compare(x, v); err == nil && c == 0 {
					affected = true
					break
				}
			}
		}
	}
	if !affected {
		return false, ""
	}
	return true, fixed
}

// inRange evaluates one range for v.
func inRange(cmp version.Comparer, events []advisory.Event, v string) (bool, error) {
	if _, err := cmp.Compare(v, v); err != nil {
		return false, err
	}
	type ev struct {
		kind, ver string
	}
	var evs []ev
	for _, e := range events {
		switch {
		case e.Introduced != "":
			evs = append(evs, ev{"introduced", e.Introduced})
		case e.Fixed != "":
			evs = append(evs, ev{"fixed", e.Fixed})
		case e.LastAffected != "":
			evs = append(evs, ev{"last_affected", e.LastAffected})
		case e.Limit != "":
			if e.Limit == "*" {
				continue
			}
			// v must be below every limit.
			c, err := cmp.Compare(v, e.Limit)
			if err != nil {
				return false, err
			}
			if c >= 0 {
				return false, nil
			}
		}
	}
	// Drop events the ordering cannot read, then sort; "0" sorts first.
	valid := evs[:0]
	for _, e := range evs {
		if e.kind == "introduced" && e.ver == "0" {
			valid = append(valid, e)
			continue
		}
		if _, err := cmp.Compare(e.ver, e.ver); err == nil {
			valid = append(valid, e)
		}
	}
	evs = valid
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.kind == "introduced" && a.ver == "0" {
			return !(b.kind == "introduced" && b.ver == "0")
		}
		if b.kind == "introduced" && b.ver == "0" {
			return false
		}
		c, _ := cmp.Compare(a.ver, b.ver)
		return c < 0
	})
	affected := false
	for _, e := range evs {
		if e.kind == "introduced" && e.ver == "0" {
			affected = true
			continue
		}
		c, err := cmp.Compare(v, e.ver)
		if err != nil {
			return false, err
		}
		switch e.kind {
		case "introduced":
			if c >= 0 {
				affected = true
			}
		case "fixed":
			if c >= 0 {
				affected = false
			}
		case "last_affected":
			if c > 0 {
				affected = false
			}
		}
	}
	return affected, nil
}

// canonicalKey is what findings for one package are deduplicated by: the
// CVE an advisory is about (its id or its lowest CVE alias), else its
// lowest GHSA alias, else its id.
func canonicalKey(a *advisory.Advisory) string {
	ids := append([]string{a.ID}, a.Aliases...)
	for _, prefix := range []string{"CVE-", "GHSA-"} {
		best := ""
		for _, id := range ids {
			if strings.HasPrefix(id, prefix) && (best == "" || id < best) {
				best = id
			}
		}
		if best != "" {
			return best
		}
	}
	return a.ID
}

// merge turns the candidates for one package into findings, one per
// canonical vulnerability. The preferred candidate (a distribution feed's,
// then the lowest id) gives the id, fix, severity, source and description;
// aliases, references and CVSS vectors are the union.
func merge(p *report.Package, cands []candidate) []report.Vulnerability {
	groups := map[string][]candidate{}
	var keys []string
	for _, c := range cands {
		k := canonicalKey(c.adv)
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], c)
	}
	out := make([]report.Vulnerability, 0, len(keys))
	for _, k := range keys {
		g := groups[k]
		sort.SliceStable(g, func(i, j int) bool {
			if g[i].distro != g[j].distro {
				return g[i].distro
			}
			return g[i].adv.ID < g[j].adv.ID
		})
		pref := g[0]
		v := report.Vulnerability{
			ID:               pref.adv.ID,
			Package:          p.Name,
			PackageType:      p.Type,
			SourceName:       p.SourceName,
			InstalledVersion: p.Version,
			FixedVersion:     pref.fixed,
			Layer:            p.Layer,
			LayerCreatedBy:   p.LayerCreatedBy,
			PackagePath:      p.Path,
			Source:           pref.adv.Source,
			Title:            pref.adv.Summary,
			Description:      pref.adv.Summary,
		}
		if v.Description == "" {
			v.Description = pref.adv.Details
		}
		if v.FixedVersion != "" {
			v.Status = "fixed"
		} else {
			v.Status = "no-fix"
		}
		for _, c := range g {
			if c.sevWord != "" && v.VendorSeverity == "" {
				v.VendorSeverity = c.sevWord
				v.VendorSeveritySource = c.sevSource
			}
			for _, id := range append([]string{c.adv.ID}, c.adv.Aliases...) {
				if id != v.ID && !slices.Contains(v.Aliases, id) {
					v.Aliases = append(v.Aliases, id)
				}
			}
			for _, r := range c.adv.References {
				if !slices.Contains(v.References, r) {
					v.References = append(v.References, r)
				}
			}
			for _, cv := range c.adv.CVSS {
				if cv.Source == "" {
					cv.Source = advisory.SourceOfID(c.adv.ID)
				}
				if !slices.ContainsFunc(v.CVSS, func(x report.CVSS) bool { return x.Vector == cv.Vector && x.Source == cv.Source }) {
					v.CVSS = append(v.CVSS, cv)
				}
			}
		}
		sort.Strings(v.Aliases)
		// Rated here from the feeds' data; Enrich rates again with the
		// CVE's data.
		Rate(&v, "")
		out = append(out, v)
	}
	return out
}
