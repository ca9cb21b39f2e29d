package console_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/report"
)

// getReport reads an image's stored report through the API.
func getReport(t *testing.T, f *fleet, digest string) report.Report {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, f.url+"/api/v1/images/"+digest, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+f.admin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET report of %s: %d %s %v", digest, resp.StatusCode, b, err)
	}
	var rep report.Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// hostReport makes a host's report from the Alpine 3.20 image's: the
// same packages found in three root filesystems on the host (three
// chroots), so it has more findings than one page holds, and with what
// the enrichment feeds add to CVE-2024-9143 (title, severity source,
// CVSS, KEV, EPSS).
func hostReport(img report.Report) report.Report {
	rep := img
	rep.Image = nil
	rep.Host = &report.Host{Hostname: "node-1", Kernel: "6.1.0-28-amd64", Root: "/"}
	rep.Vulnerabilities = nil
	for _, root := range []string{"/srv/chroot-a", "/srv/chroot-b", "/srv/chroot-c"} {
		for _, v := range img.Vulnerabilities {
			v.PackagePath = root + "/lib/apk/db/installed"
			if v.ID == "CVE-2024-9143" {
				v.Title = "openssl: out-of-bounds memory access in low-level GF(2^m) elliptic curve APIs"
				v.Description = "Use of the low-level GF(2^m) elliptic curve APIs with untrusted explicit values for the field polynomial can lead to out-of-bounds memory reads or writes."
				// Alpine's feed has no severity: NVD's CVSS score gives it.
				v.Severity, v.SeveritySource = "MEDIUM", "nvd"
				v.CVSS = []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:L", Score: 4.8, Source: "nvd"}}
				v.KEV = &report.KEV{DateAdded: "2025-01-15", DueDate: "2025-02-05"}
				v.EPSS = &report.EPSS{Score: 0.0123, Percentile: 0.71, Date: "2026-04-30"}
				v.References = []string{"https://www.openssl.org/news/secadv/20241016.txt", "https://nvd.nist.gov/vuln/detail/CVE-2024-9143"}
			}
			rep.Vulnerabilities = append(rep.Vulnerabilities, v)
		}
	}
	return rep
}

// enrichedFlow: the overview, the hosts list and a host's findings with
// their details and pages (issue 21, points 3 and 8).
func enrichedFlow(t *testing.T, p *page, f *fleet) {
	t.Helper()
	img := getReport(t, f, f.images["team/alpine:3.20"])
	host := hostReport(img)
	body, err := json.Marshal(api.SubmitRequest{Report: mustMarshal(t, host), Name: "node-1"})
	if err != nil {
		t.Fatal(err)
	}
	if code := postJSON(t, f.url+"/api/v1/results", f.admin, string(body)); code != http.StatusCreated {
		t.Fatalf("submitting the host report: %d", code)
	}
	if nav := p.eval(`document.querySelector('nav[aria-label="Main"]').innerText`); !strings.Contains(nav, "Admission") {
		t.Errorf("navigation %q lacks Admission on a controller that serves admission reviews", nav)
	}

	// The overview: totals, the not-covered image, what to fix first,
	// today's scans.
	p.goTo("#/overview", "Overview")
	p.waitFor("the overview's tables", `document.querySelector("table.days") ? "ok" : ""`, 15*time.Second)
	if n := p.eval(`document.querySelector('[data-testid="not-covered"]').innerText`); n != "1" {
		t.Errorf("overview: %s images not covered, want 1", n)
	}
	if got := p.eval(`document.querySelector("table.uncovered tbody").innerText`); !strings.Contains(got, "legacy/alpine:") || !strings.Contains(got, "Alpine:v3.19") {
		t.Errorf("not-covered table %q", got)
	}
	// Every fixable finding of Alpine 3.20.3 is in the three images built
	// on it (team/alpine, team/web, apps/fixture).
	if got := p.eval(`document.querySelector("table.top-fixable tbody tr td.num").innerText`); got != "3" {
		t.Errorf("most widespread fixable finding is in %s images, want 3", got)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	day := strings.Fields(p.eval(`document.querySelector("table.days tbody tr").innerText`))
	if len(day) < 3 || day[0] != today || day[1] != fmt.Sprint(len(f.images)) || day[2] != fmt.Sprint(len(f.images)) {
		t.Errorf("today's row %q, want %s with %d scans and %d images", day, today, len(f.images), len(f.images))
	}
	p.a11y()
	p.shot("overview")

	// Hosts, then the host's findings: paged, with details.
	p.goTo("#/hosts", "Hosts")
	p.waitFor("the host row", `document.querySelector('table.hosts a[href="#/host/node-1"]') ? "ok" : ""`, 10*time.Second)
	p.a11y()
	p.shot("hosts")
	p.do("open the host", chromedp.Click(chromedp.CSS(`table.hosts a[href="#/host/node-1"]`)), chromedp.WaitVisible(chromedp.CSS(`table.findings`)))
	n := len(host.Vulnerabilities)
	rows := func() int {
		var c int
		fmt.Sscan(p.eval(`String(document.querySelectorAll("table.findings tbody tr:not(.detail)").length)`), &c)
		return c
	}
	if got := p.eval(`document.querySelector("nav.pager span").innerText`); n <= 50 || got != fmt.Sprintf("1–50 of %d", n) || rows() != 50 {
		t.Fatalf("first page of %d findings: pager %q, %d rows", n, got, rows())
	}
	p.do("next page", chromedp.Click(chromedp.Search(`//nav[@aria-label="Pages of findings"]//button[normalize-space()="Next"]`)))
	p.waitFor("the second page", `document.querySelector("nav.pager span").innerText.startsWith("51–") ? "ok" : ""`, 10*time.Second)
	if got := rows(); got != min(50, n-50) {
		t.Errorf("second page: %d rows, want %d", got, min(50, n-50))
	}
	hits := 0
	for _, v := range host.Vulnerabilities {
		if v.ID == "CVE-2024-9143" {
			hits++
		}
	}
	p.do("find CVE-2024-9143", chromedp.SendKeys(chromedp.ID("v-q"), "CVE-2024-9143"))
	p.waitFor(fmt.Sprintf("its %d findings", hits), `document.querySelectorAll("table.findings tbody tr:not(.detail)").length === `+fmt.Sprint(hits)+` ? "ok" : ""`, 10*time.Second)
	row := p.eval(`document.querySelector("table.findings tbody tr").innerText`)
	for _, want := range []string{"MEDIUM", "nvd", "KEV", "EPSS 1.2%", "openssl: out-of-bounds memory access"} {
		if !strings.Contains(row, want) {
			t.Errorf("finding row %q lacks %q", row, want)
		}
	}
	p.do("open the details", chromedp.Click(chromedp.CSS(`table.findings tbody tr button[aria-expanded="false"]`)))
	detail := p.waitFor("the details", `document.querySelector("table.findings tr.detail")?.innerText || ""`, 10*time.Second)
	for _, want := range []string{"untrusted explicit values", "4.8", "CVSS 3.1 (nvd)", "CVSS:3.1/AV:N/AC:H", "CISA KEV since 2025-01-15",
		"1.23%", "https://www.openssl.org/news/secadv/20241016.txt", "/srv/chroot-a/lib/apk/db/installed", "MEDIUM (from nvd)"} {
		if !strings.Contains(detail, want) {
			t.Errorf("finding details lack %q:\n%s", want, detail)
		}
	}
	if slices.Contains([]string{"", "false"}, p.eval(`document.querySelector('table.findings button[aria-expanded="true"]')?.getAttribute("aria-expanded") || ""`)) {
		t.Error("the details button does not say it is expanded")
	}
	p.a11y()
	p.shot("host-finding-details")

	// Every list can be exported as CSV.
	for _, l := range []struct{ fragment, heading, file string }{
		{"#/registries", "Registries", "registries"},
		{"#/scanners", "Scanners", "scanners"},
		{"#/hosts", "Hosts", "hosts"},
		{"#/vulnerabilities", "Vulnerabilities", "vulnerabilities"},
		{"#/vulnerabilities/CVE-2024-9143", "CVE-2024-9143", "CVE-2024-9143-images"},
		{"#/overview", "Overview", "fixable-findings"},
	} {
		p.goTo(l.fragment, l.heading)
		p.waitFor("the CSV export of "+l.fragment, `document.querySelector('button[aria-label="Export CSV (`+l.file+`.csv)"]') ? "ok" : ""`, 10*time.Second)
	}
}

func mustMarshal(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
