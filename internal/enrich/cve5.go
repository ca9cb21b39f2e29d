package enrich

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

type cve5Doc struct {
	DataType    string `json:"dataType"`
	CVEMetadata struct {
		CVEID string `json:"cveId"`
		State string `json:"state"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA *cve5Container  `json:"cna"`
		ADP []cve5Container `json:"adp"`
	} `json:"containers"`
}

type cve5Container struct {
	ProviderMetadata struct {
		ShortName string `json:"shortName"`
	} `json:"providerMetadata"`
	Title        string `json:"title"`
	Descriptions []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	Metrics []cve5Metric `json:"metrics"`
}

type cve5Metric struct {
	V40   *cvssObj `json:"cvssV4_0"`
	V31   *cvssObj `json:"cvssV3_1"`
	V30   *cvssObj `json:"cvssV3_0"`
	V20   *cvssObj `json:"cvssV2_0"`
	Other *struct {
		Type    string          `json:"type"`
		Content json.RawMessage `json:"content"`
	} `json:"other"`
}

type cvssObj struct {
	VectorString string `json:"vectorString"`
}

// cisaADP is the short name of CISA's ADP container ("CISA ADP
// Vulnrichment"); the CVE program's own ADP container only adds references.
const cisaADP = "CISA-ADP"

// ParseCVE5 reads one CVE JSON 5 record. A REJECTED record gives
// ErrRejected.
func ParseCVE5(data []byte) (*advisory.Enrichment, error) {
	var d cve5Doc
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("bad CVE JSON 5: %w", err)
	}
	id := strings.TrimSpace(d.CVEMetadata.CVEID)
	if !advisory.IsCVE(id) {
		return nil, fmt.Errorf("bad CVE JSON 5: cveMetadata.cveId %q is not a CVE id", id)
	}
	if strings.EqualFold(d.CVEMetadata.State, "REJECTED") {
		return nil, fmt.Errorf("%s: %w", id, ErrRejected)
	}
	if d.Containers.CNA == nil {
		return nil, fmt.Errorf("%s: bad CVE JSON 5: no cna container", id)
	}
	e := &advisory.Enrichment{ID: id}
	cna := d.Containers.CNA
	e.Title = strings.TrimSpace(cna.Title)
	e.Description = english(cna.Descriptions)
	addRefs(e, cna.References)
	e.CVSS, e.CNASeverity = cve5Metrics(cna.Metrics, report.SourceCNA)
	for i := range d.Containers.ADP {
		adp := &d.Containers.ADP[i]
		addRefs(e, adp.References)
		if adp.ProviderMetadata.ShortName == cisaADP {
			cv, _ := cve5Metrics(adp.Metrics, report.SourceCISAADP)
			e.CVSS = append(e.CVSS, cv...)
		}
	}
	return e, nil
}

func english(ds []struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}) string {
	for _, d := range ds {
		if l := strings.ToLower(d.Lang); l == "en" || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
			return strings.TrimSpace(d.Value)
		}
	}
	if len(ds) > 0 {
		return strings.TrimSpace(ds[0].Value)
	}
	return ""
}

// maxRefs bounds the references kept per CVE: some records list hundreds
// (every downstream advisory), which would only grow the database.
const maxRefs = 32

func addRefs(e *advisory.Enrichment, refs []struct {
	URL string `json:"url"`
}) {
	for _, r := range refs {
		u := strings.TrimSpace(r.URL)
		if u == "" || len(e.References) >= maxRefs {
			continue
		}
		dup := false
		for _, x := range e.References {
			if x == u {
				dup = true
				break
			}
		}
		if !dup {
			e.References = append(e.References, u)
		}
	}
}

// cve5Metrics scores the vectors of one container; word is a qualitative
// severity given in an "other" metric ({"content":{"text":"Low"}}, the
// form OpenSSL uses) when it is one of the known words.
func cve5Metrics(ms []cve5Metric, source string) (out []report.CVSS, word string) {
	for _, m := range ms {
		for _, o := range []*cvssObj{m.V40, m.V31, m.V30, m.V20} {
			if o == nil {
				continue
			}
			if c, ok := advisory.ScoreCVSS(o.VectorString); ok {
				c.Source = source
				out = append(out, c)
			}
		}
		if m.Other != nil && word == "" {
			var content map[string]any
			if json.Unmarshal(m.Other.Content, &content) == nil {
				for _, k := range []string{"text", "value", "baseSeverity"} {
					if s, ok := content[k].(string); ok {
						if n := report.ParseSeverity(s); n != "" && n != report.SeverityUnknown {
							word = strings.TrimSpace(s)
							break
						}
					}
				}
			}
		}
	}
	return out, word
}
