package enrich

import (
	"bytes"
	"testing"

	"github.com/scanfleet/scanfleet/internal/advisory"
)

// The fuzz targets check that no input makes a parser panic or emit a
// record with an id that is not a CVE.

func checkID(t *testing.T) func(*advisory.Enrichment) error {
	return func(e *advisory.Enrichment) error {
		if !advisory.IsCVE(e.ID) {
			t.Fatalf("emitted id %q", e.ID)
		}
		return nil
	}
}

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"cveMetadata":{"cveId":"CVE-2024-1234"},"containers":{"cna":{"metrics":[{"cvssV3_1":{"vectorString":"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}},{"other":{"content":{"text":"Low"}}}]}}}`))
	f.Add([]byte(`{"resultsPerPage":1,"vulnerabilities":[{"cve":{"id":"CVE-2024-1234","metrics":{"cvssMetricV2":[{"type":"Primary","cvssData":{"vectorString":"AV:N/AC:L/Au:N/C:P/I:P/A:P"}}]}}}]}`))
	f.Add([]byte(`{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-2024-1234","dateAdded":"2024-01-02","knownRansomwareCampaignUse":"Known"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		switch DetectJSON(data) {
		case KindCVE5:
			if e, err := ParseCVE5(data); err == nil {
				_ = checkID(t)(e)
			}
		case KindNVD:
			_, _ = ParseNVD(data, checkID(t))
		case KindKEV:
			_, _ = ParseKEV(data, checkID(t))
		}
	})
}

func FuzzParseEPSS(f *testing.F) {
	f.Add([]byte("#model_version:v2023.03.01,score_date:2024-10-25T00:00:00+0000\ncve,epss,percentile\nCVE-1999-0005,0.91963,0.99030\n"))
	f.Add([]byte("cve,epss,percentile\nCVE-1999-0005,1e-3,0.5\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if DetectCSV(data) != KindEPSS {
			return
		}
		_, _ = ParseEPSS(bytes.NewReader(data), func(e *advisory.Enrichment) error {
			if !advisory.IsCVE(e.ID) || e.EPSS == nil || e.EPSS.Score < 0 || e.EPSS.Score > 1 {
				t.Fatalf("emitted %+v", e)
			}
			return nil
		})
	})
}
