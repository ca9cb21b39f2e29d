package advisory

import (
	"regexp"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/report"
)

// Enrichment is what the CVE-level sources (the CVE List's JSON 5 records,
// the NVD CVE API, CISA's KEV catalog, FIRST's EPSS) say about one CVE,
// whatever package it affects. Feeds say which packages are affected;
// enrichment says how bad it is and whether it is exploited. The database
// stores one per CVE and matching attaches it to every finding whose id or
// alias is that CVE.
type Enrichment struct {
	ID          string   `json:"id"` // CVE-YYYY-NNNN
	Title       string   `json:"title,omitempty"`
	Description string   `json:"description,omitempty"`
	References  []string `json:"references,omitempty"`
	// CVSS holds every scored vector with its Source (report.SourceCNA,
	// SourceNVD, SourceCISAADP): scores are computed from the vector by
	// the CVSS library, never copied from the record.
	CVSS []report.CVSS `json:"cvss,omitempty"`
	// CNASeverity is a qualitative severity the CNA gives without a vector
	// (OpenSSL's "Low"/"High" policy words), as written.
	CNASeverity string       `json:"cna_severity,omitempty"`
	KEV         *report.KEV  `json:"kev,omitempty"`
	EPSS        *report.EPSS `json:"epss,omitempty"`
}

// Merge folds o (about the same CVE) into e: text fields keep the first
// non-empty value (sources are loaded in a fixed order, so the result is
// reproducible), vectors and references are the union, KEV is kept once
// set and the EPSS score with the newest date wins.
func (e *Enrichment) Merge(o *Enrichment) {
	if e.Title == "" {
		e.Title = o.Title
	}
	if e.Description == "" {
		e.Description = o.Description
	}
	if e.CNASeverity == "" {
		e.CNASeverity = o.CNASeverity
	}
	for _, r := range o.References {
		if !slices.Contains(e.References, r) {
			e.References = append(e.References, r)
		}
	}
	for _, c := range o.CVSS {
		if !slices.ContainsFunc(e.CVSS, func(x report.CVSS) bool { return x.Vector == c.Vector && x.Source == c.Source }) {
			e.CVSS = append(e.CVSS, c)
		}
	}
	if e.KEV == nil && o.KEV != nil {
		k := *o.KEV
		e.KEV = &k
	}
	if o.EPSS != nil && (e.EPSS == nil || o.EPSS.Date > e.EPSS.Date) {
		p := *o.EPSS
		e.EPSS = &p
	}
}

var cveID = regexp.MustCompile(`^CVE-\d{4}-\d{4,}$`)

// IsCVE reports whether id is a well-formed CVE id.
func IsCVE(id string) bool { return cveID.MatchString(id) }

// CVEOf returns the CVE an id names: the id itself for a CVE id, the CVE
// of a distribution's per-CVE record ("DEBIAN-CVE-2024-1234",
// "UBUNTU-CVE-2024-1234" -> "CVE-2024-1234"), else "".
func CVEOf(id string) string {
	id = strings.TrimSpace(id)
	if IsCVE(id) {
		return id
	}
	if i := strings.Index(id, "-CVE-"); i > 0 && IsCVE(id[i+1:]) {
		return id[i+1:]
	}
	return ""
}

// CVEs returns the distinct CVEs named by ids (in order): GHSA, GO,
// PYSEC... records name theirs among their aliases.
func CVEs(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if c := CVEOf(id); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// SourceOfID names the database a record id comes from, as used in
// report.CVSS.Source and report.Vulnerability.SeveritySource: the id's
// prefix in lower case ("GHSA-xxxx" -> "ghsa", "UBUNTU-CVE-..." ->
// "ubuntu", "RUSTSEC-..." -> "rustsec").
func SourceOfID(id string) string {
	p, _, ok := strings.Cut(strings.TrimSpace(id), "-")
	if !ok || p == "" {
		return ""
	}
	return strings.ToLower(p)
}

// EcosystemSource names a distribution as a severity source ("Debian:12"
// -> "debian", "Rocky Linux:9" -> "rocky-linux", "Red Hat:9" -> "red-hat").
func EcosystemSource(ecosystem string) string {
	return strings.ReplaceAll(strings.ToLower(Base(NormalizeEcosystem(ecosystem))), " ", "-")
}
