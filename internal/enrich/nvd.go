package enrich

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

// nvdPage is a response of the NVD CVE API 2.0.
type nvdPage struct {
	ResultsPerPage  *int `json:"resultsPerPage"`
	StartIndex      int  `json:"startIndex"`
	TotalResults    int  `json:"totalResults"`
	Vulnerabilities []struct {
		CVE *nvdCVE `json:"cve"`
	} `json:"vulnerabilities"`
}

type nvdCVE struct {
	ID               string `json:"id"`
	SourceIdentifier string `json:"sourceIdentifier"`
	VulnStatus       string `json:"vulnStatus"`
	Descriptions     []struct {
		Lang  string `json:"lang"`
		Value string `json:"value"`
	} `json:"descriptions"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	Metrics               map[string][]nvdMetric `json:"metrics"`
	CISAExploitAdd        string                 `json:"cisaExploitAdd"`
	CISAActionDue         string                 `json:"cisaActionDue"`
	CISAVulnerabilityName string                 `json:"cisaVulnerabilityName"`
}

type nvdMetric struct {
	Source   string `json:"source"`
	Type     string `json:"type"` // Primary (NVD's own) or Secondary (the CNA's)
	CVSSData struct {
		VectorString string `json:"vectorString"`
	} `json:"cvssData"`
}

// NVDPage is what one NVD document held, for the downloader's paging.
type NVDPage struct {
	StartIndex, ResultsPerPage, TotalResults int
}

// ParseNVD reads an NVD CVE API 2.0 response or a bare cve object and
// calls emit for each CVE that is not rejected. A record without an id is
// an error of the document.
func ParseNVD(data []byte, emit func(*advisory.Enrichment) error) (NVDPage, error) {
	var p nvdPage
	if err := json.Unmarshal(data, &p); err != nil {
		return NVDPage{}, fmt.Errorf("bad NVD JSON: %w", err)
	}
	var cves []*nvdCVE
	if p.ResultsPerPage != nil || p.Vulnerabilities != nil {
		for i, v := range p.Vulnerabilities {
			if v.CVE == nil {
				return NVDPage{}, fmt.Errorf("bad NVD JSON: vulnerabilities[%d] has no cve object", i)
			}
			cves = append(cves, v.CVE)
		}
	} else {
		var c nvdCVE
		if err := json.Unmarshal(data, &c); err != nil {
			return NVDPage{}, fmt.Errorf("bad NVD JSON: %w", err)
		}
		cves = append(cves, &c)
	}
	page := NVDPage{StartIndex: p.StartIndex, TotalResults: p.TotalResults}
	if p.ResultsPerPage != nil {
		page.ResultsPerPage = *p.ResultsPerPage
	}
	for i, c := range cves {
		id := strings.TrimSpace(c.ID)
		if !advisory.IsCVE(id) {
			return page, fmt.Errorf("bad NVD JSON: record %d: id %q is not a CVE id", i, id)
		}
		if strings.EqualFold(c.VulnStatus, "Rejected") {
			continue
		}
		if err := emit(convertNVD(id, c)); err != nil {
			return page, err
		}
	}
	return page, nil
}

// nvdMetricKeys are the metric lists read, newest CVSS version first.
var nvdMetricKeys = []string{"cvssMetricV40", "cvssMetricV31", "cvssMetricV30", "cvssMetricV2"}

func convertNVD(id string, c *nvdCVE) *advisory.Enrichment {
	e := &advisory.Enrichment{ID: id, Description: english(c.Descriptions)}
	addRefs(e, c.References)
	for _, k := range nvdMetricKeys {
		for _, m := range c.Metrics[k] {
			cv, ok := advisory.ScoreCVSS(m.CVSSData.VectorString)
			if !ok {
				continue
			}
			// NVD marks its own analysis Primary; Secondary metrics are
			// the CNA's, relayed.
			cv.Source = report.SourceNVD
			if !strings.EqualFold(m.Type, "Primary") {
				cv.Source = report.SourceCNA
			}
			dup := false
			for _, x := range e.CVSS {
				if x.Vector == cv.Vector && x.Source == cv.Source {
					dup = true
				}
			}
			if !dup {
				e.CVSS = append(e.CVSS, cv)
			}
		}
	}
	if d := strings.TrimSpace(c.CISAExploitAdd); d != "" {
		e.KEV = &report.KEV{DateAdded: d, DueDate: strings.TrimSpace(c.CISAActionDue)}
	}
	return e
}
