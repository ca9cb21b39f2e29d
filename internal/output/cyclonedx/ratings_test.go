package cyclonedx

import (
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"

	"github.com/scanfleet/scanfleet/internal/report"
)

// TestRatingsPerSource: each vector is rated under the source that scored
// it, and the feed's word under the feed that gave it.
func TestRatingsPerSource(t *testing.T) {
	v := report.Vulnerability{
		ID: "GHSA-aaaa-bbbb-cccc", Aliases: []string{"CVE-2024-9143"}, Source: "osv",
		VendorSeverity: "MODERATE", VendorSeveritySource: "ghsa",
		CVSS: []report.CVSS{
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8, Source: report.SourceNVD},
			{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N", Score: 5.9, Source: report.SourceCISAADP},
		},
	}
	rs := *ratings(v)
	if len(rs) != 3 {
		t.Fatalf("%d ratings, want 3: %+v", len(rs), rs)
	}
	want := []struct {
		name, url string
		sev       cdx.Severity
	}{
		{"NVD", "https://nvd.nist.gov/vuln/detail/CVE-2024-9143", cdx.SeverityCritical},
		{"CISA ADP", "https://www.cve.org/CVERecord?id=CVE-2024-9143", cdx.SeverityMedium},
		{"GitHub", "", cdx.SeverityMedium},
	}
	for i, w := range want {
		if rs[i].Source == nil || rs[i].Source.Name != w.name || rs[i].Source.URL != w.url || rs[i].Severity != w.sev {
			t.Errorf("rating %d: %+v %+v, want %+v", i, rs[i], rs[i].Source, w)
		}
	}
}
