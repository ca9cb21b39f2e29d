package enrich

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/advisory"
	"github.com/scanfleet/scanfleet/internal/report"
)

type kevCatalog struct {
	CatalogVersion  string `json:"catalogVersion"`
	Vulnerabilities []struct {
		CVEID                      string `json:"cveID"`
		VulnerabilityName          string `json:"vulnerabilityName"`
		DateAdded                  string `json:"dateAdded"`
		DueDate                    string `json:"dueDate"`
		KnownRansomwareCampaignUse string `json:"knownRansomwareCampaignUse"`
	} `json:"vulnerabilities"`
}

// KEVInfo describes a parsed catalog.
type KEVInfo struct {
	CatalogVersion string
	Entries        int
}

// ParseKEV reads CISA's KEV catalog and calls emit once per entry. An
// entry without a CVE id or with a date that is not YYYY-MM-DD makes the
// whole catalog an error: it is one document published as a whole, and a
// half-read catalog would silently drop exploited CVEs.
func ParseKEV(data []byte, emit func(*advisory.Enrichment) error) (KEVInfo, error) {
	var c kevCatalog
	if err := json.Unmarshal(data, &c); err != nil {
		return KEVInfo{}, fmt.Errorf("bad KEV JSON: %w", err)
	}
	if c.CatalogVersion == "" {
		return KEVInfo{}, fmt.Errorf("bad KEV JSON: no catalogVersion")
	}
	info := KEVInfo{CatalogVersion: c.CatalogVersion}
	for i, v := range c.Vulnerabilities {
		id := strings.TrimSpace(v.CVEID)
		if !advisory.IsCVE(id) {
			return info, fmt.Errorf("bad KEV JSON: vulnerabilities[%d]: cveID %q is not a CVE id", i, v.CVEID)
		}
		if _, err := time.Parse(time.DateOnly, v.DateAdded); err != nil {
			return info, fmt.Errorf("bad KEV JSON: %s: dateAdded %q is not a date", id, v.DateAdded)
		}
		k := &report.KEV{
			DateAdded:       v.DateAdded,
			DueDate:         strings.TrimSpace(v.DueDate),
			KnownRansomware: strings.EqualFold(strings.TrimSpace(v.KnownRansomwareCampaignUse), "Known"),
		}
		if err := emit(&advisory.Enrichment{ID: id, KEV: k}); err != nil {
			return info, err
		}
		info.Entries++
	}
	return info, nil
}
