// Package enrich parses the CVE-level enrichment sources into
// advisory.Enrichment records:
//
//   - CVE JSON 5 records of the CVE List (the CNA container's title,
//     descriptions, references, CVSS and qualitative severity; CISA's
//     "Vulnrichment" ADP container's CVSS), including the Go CNA's own
//     submissions;
//   - NVD CVE API 2.0 responses (pages of {"vulnerabilities":[{"cve":…}]})
//     and bare cve objects (one per file, as NVD mirrors store them);
//   - CISA's Known Exploited Vulnerabilities catalog (KEV JSON);
//   - FIRST's EPSS daily CSV, with its "#model_version:…,score_date:…" line.
//
// Scores are always computed from the vector with the CVSS library
// (advisory.ScoreCVSS); a baseScore written in a record is never trusted,
// and a vector the library cannot read is dropped. Parsers return errors
// that say what is wrong; callers name the file.
package enrich

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Kind is the kind of an enrichment document.
type Kind int

// Document kinds.
const (
	KindNone Kind = iota // not an enrichment document
	KindCVE5
	KindNVD
	KindKEV
	KindEPSS
	// KindCVEDelta is the CVE List's delta log or delta (cvedelta.go):
	// not records, read only to learn what changed.
	KindCVEDelta
)

func (k Kind) String() string {
	switch k {
	case KindCVE5:
		return "CVE JSON 5"
	case KindNVD:
		return "NVD CVE API 2.0"
	case KindKEV:
		return "CISA KEV"
	case KindEPSS:
		return "FIRST EPSS"
	case KindCVEDelta:
		return "CVE List delta log"
	}
	return "none"
}

// ErrRejected is returned for a record the CVE program rejected: it has no
// content to attach and is not an error of the file.
var ErrRejected = errors.New("rejected CVE record")

// markers are byte strings one of which every enrichment JSON document
// holds; documents without any are not decoded twice.
var markers = [][]byte{[]byte(`"cveMetadata"`), []byte(`"catalogVersion"`), []byte(`"sourceIdentifier"`), []byte(`"resultsPerPage"`), deltaMarker}

var deltaMarker = []byte(`"numberOfChanges"`)

// DetectJSON tells the kind of a JSON document by its top-level keys.
func DetectJSON(data []byte) Kind {
	hit := false
	for _, m := range markers {
		if bytes.Contains(data, m) {
			hit = true
			break
		}
	}
	if !hit {
		return KindNone
	}
	if bytes.Contains(data, deltaMarker) && isCVEDelta(data) {
		return KindCVEDelta
	}
	// present, not json.RawMessage: the probe only needs to know which
	// keys are there, and copying a CVE record's containers to find out
	// cost as much as parsing it.
	var probe struct {
		CVEMetadata      present `json:"cveMetadata"`
		Containers       present `json:"containers"`
		CatalogVersion   present `json:"catalogVersion"`
		Vulnerabilities  present `json:"vulnerabilities"`
		ResultsPerPage   present `json:"resultsPerPage"`
		SourceIdentifier present `json:"sourceIdentifier"`
		ID               string  `json:"id"`
	}
	if json.Unmarshal(data, &probe) != nil {
		return KindNone
	}
	switch {
	case bool(probe.CVEMetadata && probe.Containers):
		return KindCVE5
	case bool(probe.CatalogVersion && probe.Vulnerabilities):
		return KindKEV
	case bool(probe.ResultsPerPage && probe.Vulnerabilities):
		return KindNVD
	case bool(probe.SourceIdentifier) && probe.ID != "":
		return KindNVD
	}
	return KindNone
}

// present records that a key was there (with any value but null, like a
// json.RawMessage that stays nil for null).
type present bool

func (p *present) UnmarshalJSON(b []byte) error {
	*p = string(b) != "null"
	return nil
}

// DetectCSV tells whether the first bytes of a file are an EPSS CSV.
func DetectCSV(head []byte) Kind {
	h := bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if bytes.HasPrefix(h, []byte("#model_version")) || bytes.HasPrefix(h, []byte("cve,epss")) {
		return KindEPSS
	}
	return KindNone
}
