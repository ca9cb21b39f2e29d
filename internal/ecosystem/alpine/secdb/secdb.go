// Package secdb reads Alpine's secdb, the format Wolfi and Chainguard
// publish too (told apart by their reponame, as their descriptors
// declare). Package feed finds and decodes the documents; Read turns one
// into advisories.
//
// Alpine secdb documents list, per package, fixed version -> vulnerability
// ids ("secfixes"). This package turns them into one advisory per
// vulnerability id per document, ID = the CVE (or XSA-, GHSA-... id),
// Source alpine-secdb, with one Affected entry per package that fixed it,
// each with one ECOSYSTEM range {introduced 0, fixed V} per fixed version.
// The same CVE can therefore be emitted more than once for one branch (by
// main and community, or by vuln-list's per-package split files); the
// store must merge Affected entries by (source, id) rather than replace.
//
// A fixed version of "0" states that the package was never affected; such
// entries are counted as Skipped and never produce a range.
package secdb

import (
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/feed/format"
	"github.com/scanfleet/scanfleet/internal/version"
)

// Document is the top level of a secdb document: a branch file
// (distroversion, packages) or a vuln-list split file (name, secfixes,
// distroversion), as JSON or YAML.
type Document struct {
	Name          string              `json:"name" yaml:"name"`
	Secfixes      map[string][]string `json:"secfixes" yaml:"secfixes"`
	Distroversion string              `json:"distroversion" yaml:"distroversion"`
	Reponame      string              `json:"reponame" yaml:"reponame"`
	Packages      []Package           `json:"packages" yaml:"packages"`
}

// IsDocument reports whether a decoded document is a secdb one.
func (d *Document) IsDocument() bool {
	return d.Packages != nil || d.Secfixes != nil || d.Distroversion != ""
}

// Package is one package of a branch file.
type Package struct {
	Pkg struct {
		Name     string              `json:"name" yaml:"name"`
		Secfixes map[string][]string `json:"secfixes" yaml:"secfixes"`
	} `json:"pkg" yaml:"pkg"`
}

var (
	alpineBranch = regexp.MustCompile(`^v?\d+\.\d+$`)
	// spacedCVE repairs "CVE 2018-16859", a typo found in the legacy secdb.
	spacedCVE = regexp.MustCompile(`^CVE[ _](\d{4}-\d+)`)
	// cvePrefix cuts what the legacy secdb appends to some CVE ids
	// ("CVE-2017-17434-1", "CVE-2019-19451.patch").
	cvePrefix = regexp.MustCompile(`^CVE-\d{4}-\d{4,}`)
)

// secdbBranch finds the branch ("v3.20") of a secdb document: its
// distroversion, else a path element that looks like one ("v3.9/main.yaml",
// "alpine/3.20/main/openssl.json").
func secdbBranch(name string, d *Document) string {
	if b := strings.TrimSpace(d.Distroversion); b != "" {
		return b
	}
	_, member, _ := strings.Cut(name, ":")
	if member == "" {
		member = name
	}
	for dir := path.Dir(member); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if alpineBranch.MatchString(path.Base(dir)) {
			return path.Base(dir)
		}
	}
	return ""
}

// splitVulnIDs reads one secfixes entry: "CVE-2017-8904 XSA-214" is CVE
// 2017-8904, also known as XSA-214; in "CVE-????-????? XSA-295" (no CVE
// assigned yet) the id is XSA-295. ok is false when no id can be read.
func splitVulnIDs(entry string) (id string, aliases []string, ok bool) {
	entry = strings.TrimSpace(entry)
	if m := spacedCVE.FindStringSubmatch(entry); m != nil {
		entry = "CVE-" + m[1] + entry[len(m[0]):]
	}
	for _, f := range strings.Fields(entry) {
		f = strings.Trim(f, "(),;")
		if m := cvePrefix.FindString(f); m != "" {
			f = m
		}
		switch {
		case !format.IsVulnID(f):
		case id == "":
			id = f
		case f != id:
			aliases = append(aliases, f)
		}
	}
	return id, aliases, id != ""
}

// secdbRepoEcosystem tells the secdb documents of distributions other
// than Alpine by their reponame (Wolfi's "os", Chainguard's
// "chainguard"), as their descriptors declare (ecosystem.Feed.Repo). Their
// documents carry no Alpine branch, and their advisories no release.
func secdbRepoEcosystem(d *Document) (string, bool) {
	if d.Distroversion != "" || d.Reponame == "" {
		return "", false
	}
	for _, desc := range all.Descriptors() {
		for _, f := range desc.Feeds {
			if f.Format == ecosystem.FeedSecDB && f.Repo != "" && f.Repo == d.Reponame {
				return desc.Name, true
			}
		}
	}
	return "", false
}

// Read sends the advisories of the secdb document d, read from the file
// name (whose path may give the branch), to sink.
func Read(name string, d *Document, sink format.Sink) error {
	var eco string
	if repoEco, ok := secdbRepoEcosystem(d); ok {
		eco = repoEco
	} else {
		branch := secdbBranch(name, d)
		if !alpineBranch.MatchString(branch) && branch != "edge" {
			sink.Malformed(name, "unknown Alpine branch %q (and reponame %q is no distribution's)", branch, d.Reponame)
			return nil
		}
		eco = advisory.NormalizeEcosystem("Alpine:" + branch)
	}
	cmp, err := version.For(eco)
	if err != nil {
		sink.Malformed(name, "%v", err)
		return nil
	}

	type pkgFixes struct {
		name     string
		secfixes map[string][]string
	}
	var pkgs []pkgFixes
	if d.Secfixes != nil || d.Name != "" {
		pkgs = append(pkgs, pkgFixes{d.Name, d.Secfixes})
	}
	for _, p := range d.Packages {
		pkgs = append(pkgs, pkgFixes{p.Pkg.Name, p.Pkg.Secfixes})
	}

	type vuln struct {
		aliases map[string]bool
		fixes   map[string]map[string]bool // package -> fixed versions
	}
	vulns := map[string]*vuln{}
	for _, p := range pkgs {
		pkg := strings.TrimSpace(p.name)
		if pkg == "" {
			sink.Malformed(name, "package without a name")
			continue
		}
		for fixed, ids := range p.secfixes {
			fixed = strings.TrimSpace(fixed)
			if fixed == "0" {
				sink.Skip(len(ids)) // not affected
				continue
			}
			if _, err := cmp.Compare(fixed, fixed); err != nil {
				sink.Malformed(name, "%s: fixed version: %v", pkg, err)
				continue
			}
			for _, entry := range ids {
				id, aliases, ok := splitVulnIDs(entry)
				if !ok {
					sink.Malformed(name, "%s %s: unreadable id %q", pkg, fixed, entry)
					continue
				}
				v := vulns[id]
				if v == nil {
					v = &vuln{aliases: map[string]bool{}, fixes: map[string]map[string]bool{}}
					vulns[id] = v
				}
				for _, a := range aliases {
					v.aliases[a] = true
				}
				if v.fixes[pkg] == nil {
					v.fixes[pkg] = map[string]bool{}
				}
				v.fixes[pkg][fixed] = true
			}
		}
	}

	ids := make([]string, 0, len(vulns))
	for id := range vulns {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		v := vulns[id]
		a := &advisory.Advisory{
			ID: id,
			// "alpine-secdb", "wolfi-secdb", "chainguard-secdb".
			Source: strings.ToLower(advisory.Base(eco)) + "-secdb",
		}
		if strings.HasPrefix(id, "CVE-") && advisory.Base(eco) == advisory.EcoAlpine {
			a.References = []string{"https://security.alpinelinux.org/vuln/" + id}
		}
		a.Aliases = sortedKeys(v.aliases)
		for _, pkg := range sortedKeys(v.fixes) {
			af := advisory.Affected{Ecosystem: eco, Package: pkg}
			fixedVersions := sortedKeys(v.fixes[pkg])
			sort.SliceStable(fixedVersions, func(i, j int) bool {
				c, _ := cmp.Compare(fixedVersions[i], fixedVersions[j])
				return c < 0
			})
			for _, fv := range fixedVersions {
				af.Ranges = append(af.Ranges, advisory.Range{
					Type:   "ECOSYSTEM",
					Events: []advisory.Event{{Introduced: "0"}, {Fixed: fv}},
				})
			}
			a.Affected = append(a.Affected, af)
		}
		if err := sink.Send(a); err != nil {
			return err
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }
