package fleetcli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/report"
)

// TestShowPlatforms: `image show` of a multi-platform image prints every
// platform's report together: JSON keeps the platforms array of reports,
// the table one section per platform with its counts, then the distinct
// total.
func TestShowPlatforms(t *testing.T) {
	mk := func(platform, digest string, vulns ...report.Vulnerability) api.PlatformResult {
		rep := report.Report{Image: &report.Image{Reference: "r/app@" + digest, Digest: digest, Platform: platform},
			Packages: []report.Package{{Name: "openssl", Version: "3.0.1"}}, Vulnerabilities: vulns}
		raw, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		sev := map[string]int{}
		for _, v := range vulns {
			sev[string(v.Severity)]++
		}
		return api.PlatformResult{Platform: platform, Digest: digest, Registry: "r", Repository: "app", Packages: 1,
			Vulnerabilities: len(vulns), Severities: sev, Report: raw}
	}
	shared := report.Vulnerability{ID: "CVE-2024-0001", Package: "openssl", InstalledVersion: "3.0.1", Severity: "HIGH"}
	v := &api.IndexView{IndexDigest: "sha256:1dx", Tags: []string{"v1"}, Platforms: []api.PlatformResult{
		mk("linux/amd64", "sha256:a1", shared),
		mk("linux/arm64", "sha256:a2", shared, report.Vulnerability{ID: "CVE-2024-0002", Package: "openssl", InstalledVersion: "3.0.1", Severity: "CRITICAL"}),
	}, Vulnerabilities: 2, Severities: map[string]int{"HIGH": 1, "CRITICAL": 1}}

	for _, c := range []struct {
		format string
		want   []string
	}{
		{"table", []string{"Image index sha256:1dx: 2 platform results, tags v1",
			"== Platform linux/amd64 (r/app@sha256:a1): 1 packages, 1 vulnerabilities (HIGH 1)",
			"== Platform linux/arm64 (r/app@sha256:a2): 1 packages, 2 vulnerabilities (CRITICAL 1, HIGH 1)",
			"CVE-2024-0002", "All platforms: 2 distinct vulnerabilities (CRITICAL 1, HIGH 1)"}},
		{"json", []string{`"index_digest": "sha256:1dx"`, `"platform": "linux/arm64"`, `"CVE-2024-0002"`}},
	} {
		t.Run(c.format, func(t *testing.T) {
			var out bytes.Buffer
			if err := showPlatforms(&out, c.format, v); err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if c.format == "json" {
				var back api.IndexView
				if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back.Platforms) != 2 {
					t.Errorf("JSON does not decode to the view: %v (%d platforms)", err, len(back.Platforms))
				}
			}
		})
	}
	if err := showPlatforms(&bytes.Buffer{}, "sarif", v); err == nil || !strings.Contains(err.Error(), "sha256:1dx") {
		t.Errorf("sarif of an index: err = %v, want a usage error naming the index", err)
	}
}
