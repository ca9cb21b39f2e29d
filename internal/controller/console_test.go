package controller

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/consoleview"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// storeImage files rep as the latest scan of registry/repo@digest.
func storeImage(t testing.TB, c *Controller, registry, repo, tag, digest string, rep *report.Report, at time.Time) {
	t.Helper()
	cp := *rep
	cp.Image = &report.Image{Reference: "reg.example/" + repo + "@" + digest, Digest: digest}
	if rep.Image != nil {
		cp.Image.Layers = rep.Image.Layers
	}
	raw, err := json.Marshal(&cp)
	if err != nil {
		t.Fatal(err)
	}
	im := store.ImageSummary{Registry: registry, Repository: repo, Tag: tag, Digest: digest, Reference: cp.Image.Reference,
		DBDigest: "sha256:db", ScannedAt: at, ScannedBy: "s1"}
	if _, err := c.store.PutResult(context.Background(), store.Result{Image: im, Report: &cp, Raw: raw}); err != nil {
		t.Fatal(err)
	}
}

func hexDigest(i int) string { return fmt.Sprintf("sha256:%064x", i) }

// getJSON GETs path as token and decodes the answer, failing on another
// status than want.
func getJSON(t *testing.T, f *fixture, path, token string, want int, out any) []byte {
	t.Helper()
	code, body := f.do(t, http.MethodGet, path, token, nil)
	if code != want {
		t.Fatalf("GET %s: %d %s, want %d", path, code, body, want)
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			t.Fatalf("GET %s: %v in %s", path, err, body)
		}
	}
	return body
}

// severityCounts counts a report's findings per severity, and those with a
// fixed version.
func severityCounts(rep *report.Report) (all, fixable map[string]int) {
	all, fixable = map[string]int{}, map[string]int{}
	for _, v := range rep.Vulnerabilities {
		s := strings.ToUpper(string(v.Severity))
		all[s]++
		if v.FixedVersion != "" {
			fixable[s]++
		}
	}
	return all, fixable
}

func TestConsoleImages(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	alpine, debian := reporttest.Alpine(t), reporttest.Debian(t)
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// Three Alpine images in two registries, one Debian image.
	storeImage(t, f.c, "hub", "team/api", "1.0", hexDigest(1), alpine, t0)
	storeImage(t, f.c, "hub", "team/web", "2.0", hexDigest(2), alpine, t0.Add(time.Minute))
	storeImage(t, f.c, "prod", "team/api", "1.0", hexDigest(3), alpine, t0.Add(2*time.Minute))
	storeImage(t, f.c, "prod", "base/debian", "12", hexDigest(4), debian, t0.Add(3*time.Minute))

	alpSev, alpFix := severityCounts(alpine)
	if len(alpine.Vulnerabilities) == 0 || alpine.OS == nil || debian.OS == nil {
		t.Fatal("reporttest reports lack findings or OS")
	}
	refs := func(p consoleview.ImagePage) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Registry+"/"+it.Repository+":"+it.Tag)
		}
		return out
	}
	tests := []struct {
		name, query string
		total       int
		items       []string // in order; nil: not checked
	}{
		{"all, worst first then by reference", "", 4, []string{"hub/team/api:1.0", "hub/team/web:2.0", "prod/team/api:1.0", "prod/base/debian:12"}},
		{"one registry", "registry=prod", 2, []string{"prod/team/api:1.0", "prod/base/debian:12"}},
		{"one repository", "repository=team/api", 2, nil},
		{"text matches the OS", "q=" + url.QueryEscape(strings.ToUpper(debian.OS.PrettyName)), 1, []string{"prod/base/debian:12"}},
		{"text matches the tag", "q=team/web:2", 1, []string{"hub/team/web:2.0"}},
		{"text matches the digest", "q=" + hexDigest(3)[len(hexDigest(3))-8:], 1, []string{"prod/team/api:1.0"}},
		{"only fixable", "fixable=true", 3, nil},
		{"by time, newest first", "sort=scanned_at", 4, []string{"prod/base/debian:12", "prod/team/api:1.0", "hub/team/web:2.0", "hub/team/api:1.0"}},
		{"by time, oldest first", "sort=scanned_at&order=asc", 4, []string{"hub/team/api:1.0", "hub/team/web:2.0", "prod/team/api:1.0", "prod/base/debian:12"}},
		{"by repository", "sort=repository&order=asc&limit=1", 4, []string{"prod/base/debian:12"}},
		{"second page", "sort=scanned_at&order=asc&limit=3&offset=3", 4, []string{"prod/base/debian:12"}},
		{"past the end", "offset=10", 4, []string{}},
		{"nothing matches", "q=no-such-image", 0, []string{}},
	}
	for _, sev := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN"} {
		want := 0
		if alpSev[sev] > 0 {
			want = 3
		}
		tests = append(tests, struct {
			name, query string
			total       int
			items       []string
		}{"has " + sev, "severity=" + strings.ToLower(sev), want, nil})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p consoleview.ImagePage
			body := getJSON(t, f, "/api/v1/console/images?"+tc.query, f.reader, http.StatusOK, &p)
			checkAnswer(t, doc, http.MethodGet, "/api/v1/console/images", http.StatusOK, body)
			if p.Total != tc.total {
				t.Errorf("total %d, want %d (%v)", p.Total, tc.total, refs(p))
			}
			if tc.items != nil && !slices.Equal(refs(p), tc.items) {
				t.Errorf("items %v, want %v", refs(p), tc.items)
			}
			if !slices.Equal(p.Registries, []string{"hub", "prod"}) {
				t.Errorf("registries %v", p.Registries)
			}
		})
	}

	// Each row carries the OS and the fix/no-fix split of its report, and
	// the page sums the filtered rows.
	var p consoleview.ImagePage
	getJSON(t, f, "/api/v1/console/images?registry=hub", f.reader, http.StatusOK, &p)
	for _, it := range p.Items {
		if it.OS != alpine.OS.PrettyName || !reflect.DeepEqual(it.Fixable, alpFix) || !reflect.DeepEqual(it.Severities, alpSev) {
			t.Errorf("%s: os %q fixable %v severities %v; want %q %v %v", it.Repository, it.OS, it.Fixable, it.Severities, alpine.OS.PrettyName, alpFix, alpSev)
		}
	}
	for s, n := range alpSev {
		if p.Severities[s] != 2*n || p.Fixable[s] != 2*alpFix[s] {
			t.Errorf("page totals for %s: %d (%d fixable), want %d (%d)", s, p.Severities[s], p.Fixable[s], 2*n, 2*alpFix[s])
		}
	}

	// A new scan of an image replaces what the console knew of it.
	storeImage(t, f.c, "hub", "team/web", "2.0", hexDigest(2), debian, t0.Add(time.Hour))
	p = consoleview.ImagePage{}
	getJSON(t, f, "/api/v1/console/images?q=team/web", f.reader, http.StatusOK, &p)
	if len(p.Items) != 1 || p.Items[0].OS != debian.OS.PrettyName || len(p.Items[0].Fixable) != 0 {
		t.Errorf("after a rescan: %+v, want the Debian report's OS and no fixable findings", p.Items)
	}

	for _, bad := range []string{"sort=nope", "order=sideways", "limit=0", "limit=x", "offset=-1", "severity=dire", "fixable=maybe"} {
		code, body := f.do(t, http.MethodGet, "/api/v1/console/images?"+bad, f.reader, nil)
		if code != http.StatusBadRequest || !strings.Contains(string(body), "error") {
			t.Errorf("%s: %d %s, want 400 with an error", bad, code, body)
		}
	}
	if code, _ := f.do(t, http.MethodGet, "/api/v1/console/images", "", nil); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d", code)
	}
}

// answerRows reads the answer file's rows for a CVE: package → fixed.
func answerFixed(t *testing.T, cve string) map[string]string {
	t.Helper()
	fh, err := os.Open(testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) == 4 && f[3] == cve {
			out[f[0]] = f[1] + " -> " + f[2]
		}
	}
	return out
}

func TestConsoleVulnerabilities(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	alpine, debian := reporttest.Alpine(t), reporttest.Debian(t)
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	storeImage(t, f.c, "hub", "team/api", "1.0", hexDigest(1), alpine, t0)
	storeImage(t, f.c, "hub", "team/web", "2.0", hexDigest(2), alpine, t0)
	storeImage(t, f.c, "hub", "base/debian", "12", hexDigest(3), debian, t0)

	// CVE-2024-9143 is openssl 3.3.2-r0 fixed in 3.3.2-r1 (answers file);
	// openssl's binary packages in Alpine 3.20.3 are libcrypto3 and libssl3.
	want := answerFixed(t, "CVE-2024-9143")
	if want["openssl"] == "" {
		t.Fatalf("answers file lacks CVE-2024-9143: %v", want)
	}
	for _, id := range []string{"CVE-2024-9143", "cve-2024-9143"} {
		var v consoleview.VulnerabilityView
		body := getJSON(t, f, "/api/v1/vulnerabilities/"+id, f.reader, http.StatusOK, &v)
		checkAnswer(t, doc, http.MethodGet, "/api/v1/vulnerabilities/{id}", http.StatusOK, body)
		var names []string
		for _, im := range v.Images {
			names = append(names, im.Repository)
			var pkgs []string
			for _, fd := range im.Findings {
				pkgs = append(pkgs, fd.Package)
				if got := fd.Installed + " -> " + fd.Fixed; got != want["openssl"] {
					t.Errorf("%s %s: %s, want %s", im.Repository, fd.Package, got, want["openssl"])
				}
			}
			slices.Sort(pkgs)
			if !slices.Equal(pkgs, []string{"libcrypto3", "libssl3"}) {
				t.Errorf("%s: packages %v, want libcrypto3 and libssl3", im.Repository, pkgs)
			}
		}
		if !slices.Equal(names, []string{"team/api", "team/web"}) {
			t.Errorf("%s: images %v, want team/api and team/web", id, names)
		}
	}
	code, body := f.do(t, http.MethodGet, "/api/v1/vulnerabilities/CVE-1999-0001", f.reader, nil)
	if code != http.StatusNotFound {
		t.Errorf("unknown CVE: %d %s", code, body)
	}

	var list []consoleview.VulnerabilitySummary
	body = getJSON(t, f, "/api/v1/vulnerabilities?q=2024-9143", f.reader, http.StatusOK, &list)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/vulnerabilities", http.StatusOK, body)
	if len(list) != 1 || list[0].ID != "CVE-2024-9143" || list[0].Images != 2 {
		t.Errorf("search: %+v, want CVE-2024-9143 in 2 images", list)
	}
	list = nil
	getJSON(t, f, "/api/v1/vulnerabilities?q=cve-2024-91", f.reader, http.StatusOK, &list)
	if len(list) == 0 || !slices.ContainsFunc(list, func(v consoleview.VulnerabilitySummary) bool { return v.ID == "CVE-2024-9143" && v.Images == 2 }) {
		t.Errorf("prefix search: %+v, want CVE-2024-9143 in 2 images", list)
	}
	for _, v := range list {
		if !strings.HasPrefix(v.ID, "CVE-2024-91") {
			t.Errorf("prefix search found %s", v.ID)
		}
	}
	list = nil
	getJSON(t, f, "/api/v1/vulnerabilities?limit=1000", f.reader, http.StatusOK, &list)
	ids := map[string]bool{}
	for _, v := range alpine.Vulnerabilities {
		ids[v.ID] = true
	}
	if len(list) != len(ids) {
		t.Errorf("all vulnerabilities: %d ids, the report has %d", len(list), len(ids))
	}
	if code, _ := f.do(t, http.MethodGet, "/api/v1/vulnerabilities?limit=-2", f.reader, nil); code != http.StatusBadRequest {
		t.Errorf("bad limit: %d", code)
	}
}

func TestConsoleReportFormats(t *testing.T) {
	f := newFixture(t, Config{})
	alpine := reporttest.Alpine(t)
	storeImage(t, f.c, "hub", "team/api", "1.0", hexDigest(7), alpine, time.Now())
	n := len(alpine.Vulnerabilities)
	tests := []struct {
		format, ctype string
		check         func(t *testing.T, doc map[string]any)
	}{
		{"", "application/json", func(t *testing.T, d map[string]any) {
			if vs, _ := d["vulnerabilities"].([]any); len(vs) != n {
				t.Errorf("json: %d vulnerabilities, want %d", len(vs), n)
			}
		}},
		{"sarif", "application/sarif+json", func(t *testing.T, d map[string]any) {
			runs, _ := d["runs"].([]any)
			if d["version"] != "2.1.0" || len(runs) != 1 {
				t.Fatalf("sarif: version %v, %d runs", d["version"], len(runs))
			}
			if res, _ := runs[0].(map[string]any)["results"].([]any); len(res) != n {
				t.Errorf("sarif: %d results, want %d", len(res), n)
			}
		}},
		{"cyclonedx", "application/vnd.cyclonedx+json", func(t *testing.T, d map[string]any) {
			if d["bomFormat"] != "CycloneDX" {
				t.Errorf("cyclonedx: bomFormat %v", d["bomFormat"])
			}
			if comps, _ := d["components"].([]any); len(comps) < len(alpine.Packages) {
				t.Errorf("cyclonedx: %d components, want at least the %d packages", len(comps), len(alpine.Packages))
			}
		}},
		{"spdx", "application/spdx+json", func(t *testing.T, d map[string]any) {
			if d["spdxVersion"] != "SPDX-2.3" {
				t.Errorf("spdx: spdxVersion %v", d["spdxVersion"])
			}
		}},
	}
	for _, tc := range tests {
		t.Run("format="+tc.format, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, f.url+"/api/v1/images/"+hexDigest(7)+"/report?format="+tc.format, nil)
			req.Header.Set("Authorization", "Bearer "+f.reader)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("status %d, type %q, want 200 %q", resp.StatusCode, resp.Header.Get("Content-Type"), tc.ctype)
			}
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="sha256-`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			var d map[string]any
			if err := json.NewDecoder(resp.Body).Decode(&d); err != nil {
				t.Fatal(err)
			}
			tc.check(t, d)
		})
	}
	for path, want := range map[string]int{
		"/api/v1/images/" + hexDigest(7) + "/report?format=table": http.StatusBadRequest,
		"/api/v1/images/" + hexDigest(8) + "/report":              http.StatusNotFound,
	} {
		if code, body := f.do(t, http.MethodGet, path, f.reader, nil); code != want {
			t.Errorf("%s: %d %s, want %d", path, code, body, want)
		}
	}
}

func TestConsoleWhoAmI(t *testing.T) {
	f := newFixture(t, Config{})
	for tok, want := range map[string]Role{f.admin: RoleAdmin, f.scanner: RoleScanner, f.reader: RoleReader} {
		var w api.WhoAmI
		getJSON(t, f, "/api/v1/whoami", tok, http.StatusOK, &w)
		if w.Role != want {
			t.Errorf("whoami: %q, want %q", w.Role, want)
		}
	}
	if code, _ := f.do(t, http.MethodGet, "/api/v1/whoami", "sf_nope", nil); code != http.StatusUnauthorized {
		t.Errorf("bad token: %d", code)
	}
}

func enqueue(t *testing.T, c *Controller, registry string, n int) {
	t.Helper()
	var tasks []queue.Task
	for i := range n {
		p, _ := json.Marshal(web.TaskPayload{Registry: registry, Repository: "r", Digest: hexDigest(100 + i)})
		tasks = append(tasks, queue.Task{Key: fmt.Sprintf("%s/r@%d", registry, i), Payload: p})
	}
	if _, err := c.queue.EnqueueBatch(context.Background(), tasks); err != nil {
		t.Fatal(err)
	}
}

func TestConsoleRegistriesProgress(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	ctx := context.Background()
	for _, name := range []string{"a", "b"} {
		if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: name, URL: "http://127.0.0.1:1"}, Password: testPassword}); err != nil {
			t.Fatal(err)
		}
	}
	crawl := time.Now().Add(-time.Minute)
	if err := f.c.store.SetCrawled(ctx, "a", crawl, ""); err != nil {
		t.Fatal(err)
	}
	enqueue(t, f.c, "a", 3)
	if _, err := f.c.queue.Lease(ctx, "w1", 1, time.Minute); err != nil {
		t.Fatal(err)
	}
	storeImage(t, f.c, "a", "old", "1", hexDigest(1), reporttest.Debian(t), crawl.Add(-time.Hour))
	storeImage(t, f.c, "a", "new", "1", hexDigest(2), reporttest.Debian(t), crawl.Add(time.Second))

	var regs []consoleview.RegistryStatus
	body := getJSON(t, f, "/api/v1/console/registries", f.reader, http.StatusOK, &regs)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/console/registries", http.StatusOK, body)
	if strings.Contains(string(body), testPassword) {
		t.Fatal("a registry password appears in the answer")
	}
	if len(regs) != 2 {
		t.Fatalf("%d registries", len(regs))
	}
	a, b := regs[0], regs[1]
	if a.Queued != 2 || a.Leased != 1 || a.Scanned != 1 || a.Images != 2 || a.Failed != 0 || !a.PasswordSet {
		t.Errorf("registry a: %+v, want 2 queued, 1 leased, 1 scanned of 2 images", a)
	}
	if b.Queued != 0 || b.Leased != 0 || b.Scanned != 0 || b.Images != 0 || b.LastCrawl != nil {
		t.Errorf("registry b: %+v, want nothing", b)
	}
}

func TestConsoleQueueHistory(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	enqueue(t, f.c, "a", 3)
	var h consoleview.QueueHistory
	body := getJSON(t, f, "/api/v1/queue/history", f.reader, http.StatusOK, &h)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/queue/history", http.StatusOK, body)
	if len(h.Samples) == 0 || h.IntervalSeconds != consoleview.HistoryInterval.Seconds() {
		t.Fatalf("history %+v", h)
	}
	if last := h.Samples[len(h.Samples)-1]; last.Queued != 3 || last.Leased != 0 {
		t.Errorf("latest sample %+v, want 3 queued", last)
	}

	// The ring keeps the newest consoleview.HistorySize samples, oldest first.
	for range consoleview.HistorySize + 7 {
		f.c.console.Sample(context.Background())
	}
	getJSON(t, f, "/api/v1/queue/history", f.reader, http.StatusOK, &h)
	if len(h.Samples) != consoleview.HistorySize+1 {
		t.Errorf("%d samples, want %d kept plus the current one", len(h.Samples), consoleview.HistorySize+1)
	}
	if !slices.IsSortedFunc(h.Samples, func(a, b consoleview.QueueSample) int { return a.Time.Compare(b.Time) }) {
		t.Error("samples are not oldest first")
	}
}

func TestConsoleAssets(t *testing.T) {
	f := newFixture(t, Config{})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(path, etag string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, f.url+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	tests := []struct {
		path, ctype string
		status      int
	}{
		{"/console/", "text/html; charset=utf-8", 200},
		{"/console/index.html", "text/html; charset=utf-8", 200},
		{"/console/app.js", "text/javascript; charset=utf-8", 200},
		{"/console/style.css", "text/css; charset=utf-8", 200},
		{"/console/nope.js", "", 404},
		{"/", "", 302},
		{"/console/images", "text/html; charset=utf-8", 200},
		{"/nope", "application/json", 404},
	}
	for _, tc := range tests {
		resp := get(tc.path, "")
		if resp.StatusCode != tc.status || (tc.ctype != "" && resp.Header.Get("Content-Type") != tc.ctype) {
			t.Errorf("GET %s: %d %q, want %d %q", tc.path, resp.StatusCode, resp.Header.Get("Content-Type"), tc.status, tc.ctype)
		}
		if tc.status == 200 {
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
				t.Errorf("GET %s: CSP %q", tc.path, csp)
			}
			etag := resp.Header.Get("ETag")
			if again := get(tc.path, etag); etag == "" || again.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s with If-None-Match %q: %d, want 304", tc.path, etag, again.StatusCode)
			}
		}
	}
	if loc := get("/", "").Header.Get("Location"); loc != "/console/" {
		t.Errorf("/ redirects to %q", loc)
	}
}

// TestOpenAPIConsoleSchemas keeps the console's schemas in step with the
// Go types, as TestOpenAPISchemasMatchTypes does for the rest.
func TestOpenAPIConsoleSchemas(t *testing.T) {
	doc := loadDoc(t, openAPIDoc)
	for name, v := range map[string]any{
		"WhoAmI": api.WhoAmI{}, "Finding": consoleview.Finding{}, "ImageRow": consoleview.ImageRow{}, "ImagePage": consoleview.ImagePage{},
		"RegistryStatus": consoleview.RegistryStatus{}, "QueueSample": consoleview.QueueSample{}, "QueueHistory": consoleview.QueueHistory{},
		"VulnerabilitySummary": consoleview.VulnerabilitySummary{}, "AffectedImage": consoleview.AffectedImage{}, "VulnerabilityView": consoleview.VulnerabilityView{},
		"Overview": consoleview.Overview{}, "DaySample": consoleview.DaySample{}, "UncoveredImage": consoleview.UncoveredImage{}, "FixableFinding": consoleview.FixableFinding{}, "HostRow": consoleview.HostRow{},
	} {
		ref := doc.Components.Schemas[name]
		if ref == nil || ref.Value == nil {
			t.Errorf("schema %s missing", name)
			continue
		}
		var props []string
		for p := range ref.Value.Properties {
			props = append(props, p)
		}
		slices.Sort(props)
		if want := jsonFields(reflect.TypeOf(v)); !slices.Equal(props, want) {
			t.Errorf("schema %s has properties %v; the Go type encodes %v", name, props, want)
		}
	}
}

// BenchmarkConsoleImages1000 measures one page of the image list with
// 1,000 stored images (each the real Alpine report): "warm" is the usual
// case, "cold" the first request after a restart, when every report must
// be decoded once.
func BenchmarkConsoleImages1000(b *testing.B) {
	f := newFixtureTB(b)
	alpine := reporttest.Alpine(b)
	t0 := time.Now()
	for i := range 1000 {
		storeImage(b, f.c, fmt.Sprintf("reg%d", i%3), fmt.Sprintf("team/app%d", i%40), fmt.Sprintf("v%d", i), hexDigest(i), alpine, t0.Add(time.Duration(i)*time.Second))
	}
	for _, mode := range []string{"warm", "cold"} {
		b.Run(mode, func(b *testing.B) {
			cs, mux := consoleViews(b, f.c)
			if mode == "warm" {
				// As the background pass leaves it.
				if err := cs.Warm(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if mode == "cold" {
					cs.Forget()
				}
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/api/v1/console/images?sort=severity&limit=50&q=app1", nil)
				if mux.ServeHTTP(rec, req); rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// newFixtureTB is a controller without an HTTP server, for benchmarks
// (newFixture wants a *testing.T).
func newFixtureTB(tb testing.TB) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	c, err := New(context.Background(), Config{DataDir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := c.Close(); err != nil {
			tb.Error(err)
		}
	})
	return &fixture{dir: dir, c: c}
}

// BenchmarkConsoleImages1000Large is BenchmarkConsoleImages1000 with
// reports the size of a real application image's: 400 packages and 250
// findings with descriptions and references (about 350 KB each).
func BenchmarkConsoleImages1000Large(b *testing.B) {
	f := newFixtureTB(b)
	rep := &report.Report{SchemaVersion: report.SchemaVersion, OS: &report.OS{ID: "debian", VersionID: "12", PrettyName: "Debian GNU/Linux 12 (bookworm)"}}
	for i := range 400 {
		rep.Packages = append(rep.Packages, report.Package{Name: fmt.Sprintf("pkg%d", i), Version: "1.2.3-4", Type: "deb", Path: "var/lib/dpkg/status", Layer: hexDigest(1)})
	}
	for i := range 250 {
		rep.Vulnerabilities = append(rep.Vulnerabilities, report.Vulnerability{ID: fmt.Sprintf("CVE-2025-%d", 1000+i), Package: fmt.Sprintf("pkg%d", i), InstalledVersion: "1.2.3-4",
			FixedVersion: "1.2.3-5", Severity: []report.Severity{"CRITICAL", "HIGH", "MEDIUM", "LOW"}[i%4], Description: strings.Repeat("A flaw was found. ", 60),
			References: []string{"https://security-tracker.debian.org/tracker/CVE", "https://nvd.nist.gov/vuln/detail/CVE", "https://www.openwall.com/lists/oss-security/1", "https://github.com/o/r/commit/abc"},
			CVSS:       []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8}}, Layer: hexDigest(1), LayerCreatedBy: "ADD rootfs.tar.gz /", Source: "osv"})
	}
	raw, _ := json.Marshal(rep)
	b.Logf("report: %d KB", len(raw)/1024)
	t0 := time.Now()
	for i := range 1000 {
		storeImage(b, f.c, "reg", fmt.Sprintf("team/app%d", i%40), fmt.Sprintf("v%d", i), hexDigest(i), rep, t0.Add(time.Duration(i)*time.Second))
	}
	b.Run("vulnerability", func(b *testing.B) {
		mux := warmState(b, f.c)
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/api/v1/vulnerabilities/cve-2025-1003", nil)
			if mux.ServeHTTP(rec, req); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("search", func(b *testing.B) {
		mux := warmState(b, f.c)
		for b.Loop() {
			rec := httptest.NewRecorder()
			if mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/vulnerabilities?q=2025-11", nil)); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("search-all", func(b *testing.B) {
		mux := warmState(b, f.c)
		for b.Loop() {
			rec := httptest.NewRecorder()
			if mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/vulnerabilities", nil)); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("search-prefix", func(b *testing.B) {
		mux := warmState(b, f.c)
		for b.Loop() {
			rec := httptest.NewRecorder()
			if mux.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/vulnerabilities?q=CVE-2025-11", nil)); rec.Code != http.StatusOK {
				b.Fatalf("%d %s", rec.Code, rec.Body)
			}
		}
	})
	b.Run("rows", func(b *testing.B) {
		// The images table and every fingerprint checked against warm
		// digests: what a request costs before any page is built.
		cs := warmConsole(b, f.c)
		for b.Loop() {
			if err := cs.Warm(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, mode := range []string{"warm", "cold"} {
		b.Run(mode, func(b *testing.B) {
			cs, mux := consoleViews(b, f.c)
			if mode == "warm" {
				// As the background pass leaves it.
				if err := cs.Warm(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			for b.Loop() {
				if mode == "cold" {
					cs.Forget()
				}
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/api/v1/console/images?limit=50", nil)
				if mux.ServeHTTP(rec, req); rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

// consoleViews is a console over c's store and queue, and its views
// served without authentication, so benchmarks time the views alone.
func consoleViews(b *testing.B, c *Controller) (*consoleview.State, http.Handler) {
	b.Helper()
	cs := consoleview.New(consoleview.Deps{Store: c.store, Queue: c.queue})
	mux := http.NewServeMux()
	err := cs.Routes(mux, func(pattern string, _ web.Access, _ int64, fn web.Handler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			if err := fn(w, r); err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
			}
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	return cs, mux
}

// warmConsole is the console's memory as the background pass leaves it.
func warmConsole(b *testing.B, c *Controller) *consoleview.State {
	b.Helper()
	cs, _ := consoleViews(b, c)
	if err := cs.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	return cs
}

// warmState serves the views of a warm console.
func warmState(b *testing.B, c *Controller) http.Handler {
	b.Helper()
	cs, mux := consoleViews(b, c)
	if err := cs.Warm(context.Background()); err != nil {
		b.Fatal(err)
	}
	return mux
}

// After a restart the console serves each image's digest from
// console_digests rather than decoding every report again: with the
// stored report made unreadable (its row otherwise unchanged) the restarted
// controller still shows what the report said; a new result replaces the
// digest.
func TestConsoleDigestsSurviveRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	reader, err := CreateToken(ctx, dir, RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*Controller, *fixture) {
		c, err := New(ctx, Config{DataDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(c.Handler())
		t.Cleanup(srv.Close)
		return c, &fixture{url: srv.URL, reader: reader, c: c}
	}
	list := func(f *fixture) consoleview.ImageRow {
		var p consoleview.ImagePage
		getJSON(t, f, "/api/v1/console/images", reader, http.StatusOK, &p)
		if len(p.Items) != 1 {
			t.Fatalf("%d images, want 1", len(p.Items))
		}
		return p.Items[0]
	}
	alpine := reporttest.Alpine(t)
	wantFixable := map[string]int{}
	for _, v := range alpine.Vulnerabilities {
		if v.FixedVersion != "" {
			wantFixable[strings.ToUpper(string(v.Severity))]++
		}
	}
	if alpine.OS == nil || alpine.OS.PrettyName == "" || len(wantFixable) == 0 {
		t.Fatalf("the Alpine report lacks an OS or fixable findings: %+v", alpine.OS)
	}
	at := time.Now()

	c, f := start()
	storeImage(t, c, "reg", "team/alpine", "3.20", hexDigest(1), alpine, at)
	before := list(f)
	if before.OS != alpine.OS.PrettyName || !reflect.DeepEqual(before.Fixable, wantFixable) {
		t.Fatalf("before restart: os %q fixable %v, want %q %v", before.OS, before.Fixable, alpine.OS.PrettyName, wantFixable)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}

	db, err := sql.Open("sqlite", filepath.Join(dir, stateFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `UPDATE images SET report = '{not json'`); err != nil {
		t.Fatal(err)
	}
	db.Close()

	c, f = start()
	if after := list(f); after.OS != before.OS || !reflect.DeepEqual(after.Fixable, before.Fixable) || after.Layers != before.Layers {
		t.Errorf("after restart: %+v, want %+v (from the stored digest)", after, before)
	}
	// A new result (new scan time, no findings) makes a new digest.
	clean := *alpine
	clean.Vulnerabilities = nil
	storeImage(t, c, "reg", "team/alpine", "3.20", hexDigest(1), &clean, at.Add(time.Minute))
	if got := list(f); len(got.Fixable) != 0 {
		t.Errorf("after a clean result: fixable %v, want none", got.Fixable)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
}

// coverageReports are real scans: Alpine 3.20.3 and Alpine 3.19.4, both
// matched against the Alpine 3.20 advisories (3.19 is then not covered:
// no findings, but not clean), and Debian 12 inventoried without a
// database (no coverage recorded).
func coverageReports(t *testing.T) (covered, notCovered, unknown *report.Report) {
	t.Helper()
	covered = reporttest.Alpine(t)
	notCovered = reporttest.Scan(t, "alpine-minirootfs-3.19.4-x86_64.tar.gz", "reg.example/legacy/alpine:3.19", "alpine-secdb-3.20-subset")
	if len(notCovered.Vulnerabilities) != 0 || len(notCovered.Coverage) == 0 || notCovered.Coverage[0].Covered {
		t.Fatalf("Alpine 3.19 against 3.20 advisories: %d findings, coverage %+v; want none and not covered", len(notCovered.Vulnerabilities), notCovered.Coverage)
	}
	return covered, notCovered, reporttest.Debian(t)
}

// TestImageListsCarryCoverage: an image whose OS the database does not
// cover is listed as not covered, not as an image without findings, in
// the API's and the console's lists, and both filter on it (issue 21,
// point 1).
func TestImageListsCarryCoverage(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	covered, notCovered, unknown := coverageReports(t)
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	storeImage(t, f.c, "hub", "team/alpine", "3.20", hexDigest(1), covered, t0)
	storeImage(t, f.c, "hub", "legacy/alpine", "3.19", hexDigest(2), notCovered, t0)
	storeImage(t, f.c, "hub", "base/debian", "12", hexDigest(3), unknown, t0)
	want := map[string]struct {
		coverage   string
		notCovered []string
	}{
		"team/alpine":   {api.CoverageCovered, nil},
		"legacy/alpine": {api.CoverageNotCovered, []string{"Alpine:v3.19"}},
		"base/debian":   {api.CoverageUnknown, nil},
	}

	tests := []struct {
		query string
		repos []string
	}{
		{"", []string{"base/debian", "legacy/alpine", "team/alpine"}},
		{"coverage=not_covered", []string{"legacy/alpine"}},
		{"coverage=covered", []string{"team/alpine"}},
		{"coverage=unknown", []string{"base/debian"}},
		{"coverage=not_covered&registry=other", nil},
	}
	for _, tc := range tests {
		t.Run("api "+tc.query, func(t *testing.T) {
			var ims []store.ImageSummary
			body := getJSON(t, f, "/api/v1/images?"+tc.query, f.reader, http.StatusOK, &ims)
			checkAnswer(t, doc, http.MethodGet, "/api/v1/images", http.StatusOK, body)
			var repos []string
			for _, im := range ims {
				repos = append(repos, im.Repository)
				if w := want[im.Repository]; im.Coverage != w.coverage || !slices.Equal(im.NotCovered, w.notCovered) {
					t.Errorf("%s: coverage %q not_covered %v, want %q %v", im.Repository, im.Coverage, im.NotCovered, w.coverage, w.notCovered)
				}
			}
			slices.Sort(repos)
			if !slices.Equal(repos, tc.repos) {
				t.Errorf("images %v, want %v", repos, tc.repos)
			}
		})
		t.Run("console "+tc.query, func(t *testing.T) {
			var p consoleview.ImagePage
			body := getJSON(t, f, "/api/v1/console/images?"+tc.query, f.reader, http.StatusOK, &p)
			checkAnswer(t, doc, http.MethodGet, "/api/v1/console/images", http.StatusOK, body)
			var repos []string
			notCov := 0
			for _, it := range p.Items {
				repos = append(repos, it.Repository)
				if w := want[it.Repository]; it.Coverage != w.coverage || !slices.Equal(it.NotCovered, w.notCovered) {
					t.Errorf("%s: coverage %q not_covered %v, want %q %v", it.Repository, it.Coverage, it.NotCovered, w.coverage, w.notCovered)
				}
				if it.Coverage == api.CoverageNotCovered {
					notCov++
				}
			}
			slices.Sort(repos)
			if !slices.Equal(repos, tc.repos) {
				t.Errorf("images %v, want %v", repos, tc.repos)
			}
			if p.NotCovered != notCov {
				t.Errorf("page counts %d not covered images, want %d", p.NotCovered, notCov)
			}
		})
	}
	// The not-covered ecosystem is searchable as text.
	var p consoleview.ImagePage
	getJSON(t, f, "/api/v1/console/images?q=alpine:v3.19", f.reader, http.StatusOK, &p)
	if p.Total != 1 || p.Items[0].Repository != "legacy/alpine" {
		t.Errorf("search for the uncovered ecosystem: %d images %+v", p.Total, p.Items)
	}
	for _, path := range []string{"/api/v1/images?coverage=clean", "/api/v1/console/images?coverage=clean"} {
		if code, body := f.do(t, http.MethodGet, path, f.reader, nil); code != http.StatusBadRequest || !strings.Contains(string(body), "not_covered") {
			t.Errorf("%s: %d %s, want 400 naming the valid states", path, code, body)
		}
	}
}

// TestImageTagsAndDigestPrefixes: a digest known under two tags is
// listed with both, a tag that moved names only its new digest, and a
// unique digest prefix (as `scanfleet images` prints it) finds the image,
// an ambiguous one says which digests it matches (issue 21, point 6).
func TestImageTagsAndDigestPrefixes(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	ctx := context.Background()
	alpine := reporttest.Alpine(t)
	d1 := "sha256:abcd1111" + strings.Repeat("0", 56)
	d2 := "sha256:abcd2222" + strings.Repeat("0", 56)
	t0 := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	// A crawl records each tag, then the one result of the digest.
	for _, tag := range []string{"1.0", "1.1"} {
		if err := f.c.store.PutTag(ctx, store.ImageKey{Registry: "hub", Repository: "team/app", Digest: d1}, tag, t0); err != nil {
			t.Fatal(err)
		}
	}
	storeImage(t, f.c, "hub", "team/app", "1.1", d1, alpine, t0)
	tagsOf := func(t *testing.T) map[string][]string {
		t.Helper()
		var ims []store.ImageSummary
		body := getJSON(t, f, "/api/v1/images", f.reader, http.StatusOK, &ims)
		checkAnswer(t, doc, http.MethodGet, "/api/v1/images", http.StatusOK, body)
		out := map[string][]string{}
		for _, im := range ims {
			out[im.Digest] = im.Tags
		}
		var p consoleview.ImagePage
		getJSON(t, f, "/api/v1/console/images", f.reader, http.StatusOK, &p)
		for _, it := range p.Items {
			if !slices.Equal(it.Tags, out[it.Digest]) {
				t.Errorf("console lists %s with tags %v, the API with %v", it.Digest, it.Tags, out[it.Digest])
			}
		}
		return out
	}
	if got := tagsOf(t); !slices.Equal(got[d1], []string{"1.0", "1.1"}) {
		t.Errorf("tags of one digest pushed as 1.0 and 1.1: %v", got[d1])
	}
	var vv consoleview.VulnerabilityView
	getJSON(t, f, "/api/v1/vulnerabilities/"+alpine.Vulnerabilities[0].ID, f.reader, http.StatusOK, &vv)
	if len(vv.Images) != 1 || !slices.Equal(vv.Images[0].Tags, []string{"1.0", "1.1"}) {
		t.Errorf("affected images of %s: %+v, want the digest with both tags", alpine.Vulnerabilities[0].ID, vv.Images)
	}
	// 1.0 moves to a new digest.
	if err := f.c.store.PutTag(ctx, store.ImageKey{Registry: "hub", Repository: "team/app", Digest: d2}, "1.0", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	storeImage(t, f.c, "hub", "team/app", "1.0", d2, alpine, t0.Add(time.Hour))
	if got := tagsOf(t); !slices.Equal(got[d1], []string{"1.1"}) || !slices.Equal(got[d2], []string{"1.0"}) {
		t.Errorf("after 1.0 moved: %s %v, %s %v; want [1.1] and [1.0]", d1[:15], got[d1], d2[:15], got[d2])
	}

	tests := []struct {
		arg    string
		code   int
		digest string   // for 200
		says   []string // in the error
	}{
		{d1, http.StatusOK, d1, nil},
		{"sha256:abcd1111", http.StatusOK, d1, nil},
		{"sha256:ABCD2", http.StatusOK, d2, nil},
		{"abcd2222", http.StatusOK, d2, nil},
		{"sha256:abcd", http.StatusConflict, "", []string{"ambiguous", d1, d2}},
		{"abcd", http.StatusConflict, "", []string{"ambiguous", d1, d2}},
		{"sha256:ffff", http.StatusNotFound, "", []string{"not scanned"}},
		{"sha256:ab", http.StatusBadRequest, "", []string{"too short"}},
		{"sha256:xyz1", http.StatusBadRequest, "", []string{"not a digest"}},
	}
	for _, tc := range tests {
		t.Run(tc.arg, func(t *testing.T) {
			code, body := f.do(t, http.MethodGet, "/api/v1/images/"+url.PathEscape(tc.arg), f.reader, nil)
			if code != tc.code {
				t.Fatalf("GET image %s: %d %s, want %d", tc.arg, code, body, tc.code)
			}
			if code == http.StatusOK {
				var rep report.Report
				if err := json.Unmarshal(body, &rep); err != nil || rep.Image == nil || rep.Image.Digest != tc.digest {
					t.Errorf("GET image %s: the report of %v, want %s (%v)", tc.arg, rep.Image, tc.digest, err)
				}
				var ims []store.ImageSummary
				getJSON(t, f, "/api/v1/images?digest="+url.QueryEscape(tc.arg), f.reader, http.StatusOK, &ims)
				if len(ims) != 1 || ims[0].Digest != tc.digest {
					t.Errorf("list ?digest=%s: %+v, want %s", tc.arg, ims, tc.digest)
				}
				if c, b := f.do(t, http.MethodGet, "/api/v1/images/"+url.PathEscape(tc.arg)+"/report?format=sarif", f.reader, nil); c != http.StatusOK {
					t.Errorf("report of %s: %d %s", tc.arg, c, b)
				}
				return
			}
			checkAnswer(t, doc, http.MethodGet, "/api/v1/images/{digest}", code, body)
			for _, s := range tc.says {
				if !strings.Contains(string(body), s) {
					t.Errorf("GET image %s: %s, want it to say %q", tc.arg, body, s)
				}
			}
		})
	}
}

// TestConsoleWhoAmIAdmission: the console learns whether the controller
// serves admission reviews (issue 21, point 7: scanfleet answers
// /admission with 501, and the console offered the page anyway).
func TestConsoleWhoAmIAdmission(t *testing.T) {
	with := newFixture(t, Config{}) // wired like scanfleet-controller
	var w api.WhoAmI
	body := getJSON(t, with, "/api/v1/whoami", with.reader, http.StatusOK, &w)
	checkAnswer(t, loadDoc(t, openAPIDoc), http.MethodGet, "/api/v1/whoami", http.StatusOK, body)
	if !w.AdmissionWebhook {
		t.Errorf("with a review codec: admission_webhook false")
	}
	ctx := context.Background()
	dir := t.TempDir()
	reader, err := CreateToken(ctx, dir, RoleReader)
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(ctx, Config{DataDir: dir}) // as scanfleet wires it
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	srv := httptest.NewServer(c.Handler())
	t.Cleanup(srv.Close)
	without := &fixture{url: srv.URL, reader: reader, c: c}
	w = api.WhoAmI{}
	getJSON(t, without, "/api/v1/whoami", reader, http.StatusOK, &w)
	if w.AdmissionWebhook {
		t.Errorf("without a review codec: admission_webhook true")
	}
}

// enrich gives the findings of id what the enrichment feeds add: a title,
// the severity's source, CVSS vectors with their sources, KEV and EPSS.
func enrich(rep *report.Report, id string) *report.Report {
	cp := *rep
	cp.Vulnerabilities = slices.Clone(rep.Vulnerabilities)
	for i := range cp.Vulnerabilities {
		v := &cp.Vulnerabilities[i]
		if v.ID != id {
			continue
		}
		v.Title = "openssl: out-of-bounds memory access in low-level GF(2^m) elliptic curve APIs"
		v.Severity, v.SeveritySource = "MEDIUM", "nvd"
		v.CVSS = []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:N/A:L", Score: 4.8, Source: "nvd"}}
		v.KEV = &report.KEV{DateAdded: "2025-01-15", DueDate: "2025-02-05"}
		v.EPSS = &report.EPSS{Score: 0.0123, Percentile: 0.71, Date: "2026-04-30"}
		v.Description = "Use of the low-level GF(2^m) elliptic curve APIs with untrusted explicit values may lead to out-of-bounds memory reads or writes."
	}
	return &cp
}

// TestConsoleVulnerabilityEnrichment: the CVE page's view carries the
// advisory's title, CVSS, KEV and EPSS (issue 21, point 3).
func TestConsoleVulnerabilityEnrichment(t *testing.T) {
	f := newFixture(t, Config{})
	rep := enrich(reporttest.Alpine(t), "CVE-2024-9143")
	storeImage(t, f.c, "hub", "team/alpine", "3.20", hexDigest(1), rep, time.Now())
	var v consoleview.VulnerabilityView
	body := getJSON(t, f, "/api/v1/vulnerabilities/CVE-2024-9143", f.reader, http.StatusOK, &v)
	checkAnswer(t, loadDoc(t, openAPIDoc), http.MethodGet, "/api/v1/vulnerabilities/{id}", http.StatusOK, body)
	if !strings.HasPrefix(v.Title, "openssl: out-of-bounds") || v.KEV == nil || v.KEV.DateAdded != "2025-01-15" || v.EPSS == nil ||
		v.EPSS.Score != 0.0123 || len(v.CVSS) != 1 || v.CVSS[0].Source != "nvd" || v.CVSS[0].Score != 4.8 {
		t.Errorf("vulnerability view: title %q kev %+v epss %+v cvss %+v", v.Title, v.KEV, v.EPSS, v.CVSS)
	}
	if v.Severity != "MEDIUM" || v.SeveritySource != "nvd" {
		t.Errorf("severity %q from %q, want MEDIUM from nvd", v.Severity, v.SeveritySource)
	}
}

// TestConsoleOverview: fleet totals, not-covered images, the most
// widespread fixable findings, and a daily trend whose scans are the
// growth of stored results (issue 21, point 8).
func TestConsoleOverview(t *testing.T) {
	f := newFixture(t, Config{})
	doc := loadDoc(t, openAPIDoc)
	covered, notCovered, unknown := coverageReports(t)
	now := time.Now()
	storeImage(t, f.c, "hub", "team/api", "1.0", hexDigest(1), covered, now)
	storeImage(t, f.c, "hub", "team/web", "2.0", hexDigest(2), covered, now)
	storeImage(t, f.c, "hub", "legacy/alpine", "3.19", hexDigest(3), notCovered, now)
	storeImage(t, f.c, "hub", "base/debian", "12", hexDigest(4), unknown, now)
	// Yesterday, one result had been stored.
	yesterday := now.UTC().AddDate(0, 0, -1).Format(time.DateOnly)
	if err := f.c.store.PutSetting(context.Background(), consoleview.DaysSetting, `{"`+yesterday+`":{"images":1,"not_covered":0,"scans_total":1,"severities":{"HIGH":2},"fixable":{}}}`); err != nil {
		t.Fatal(err)
	}
	// A host report (submitted), counted beside the images.
	host := *notCovered
	host.Image, host.Host = nil, &report.Host{Hostname: "node-1", Root: "/"}
	if code, body := f.do(t, http.MethodPost, "/api/v1/results", f.submitter, mustJSON(t, api.SubmitRequest{Report: mustJSON(t, &host)})); code != http.StatusCreated {
		t.Fatalf("submitting a host: %d %s", code, body)
	}

	var ov consoleview.Overview
	body := getJSON(t, f, "/api/v1/console/overview", f.reader, http.StatusOK, &ov)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/console/overview", http.StatusOK, body)
	sev, fix := severityCounts(covered)
	for s := range sev {
		if ov.Severities[s] != 2*sev[s] || ov.Fixable[s] != 2*fix[s] {
			t.Errorf("%s: %d (%d fixable), want %d (%d)", s, ov.Severities[s], ov.Fixable[s], 2*sev[s], 2*fix[s])
		}
	}
	if ov.Images != 4 || ov.Hosts != 1 || ov.NotCovered != 1 || ov.CoverageUnknown != 1 {
		t.Errorf("images %d hosts %d not covered %d unknown %d; want 4 1 1 1", ov.Images, ov.Hosts, ov.NotCovered, ov.CoverageUnknown)
	}
	if len(ov.Uncovered) != 1 || ov.Uncovered[0].Repository != "legacy/alpine" || !slices.Equal(ov.Uncovered[0].NotCovered, []string{"Alpine:v3.19"}) {
		t.Errorf("uncovered %+v", ov.Uncovered)
	}
	// Every fixable finding of the Alpine report is in both Alpine images.
	fixIDs := map[string]bool{}
	for _, v := range covered.Vulnerabilities {
		if v.FixedVersion != "" {
			fixIDs[v.ID] = true
		}
	}
	if len(ov.TopFixable) != min(10, len(fixIDs)) {
		t.Errorf("%d top fixable, want %d", len(ov.TopFixable), min(10, len(fixIDs)))
	}
	for i, ff := range ov.TopFixable {
		if !fixIDs[ff.ID] || ff.Images != 2 || len(ff.Packages) == 0 {
			t.Errorf("top fixable %+v: want a fixable ID of the Alpine report in 2 images", ff)
		}
		if i > 0 && slices.Index(severityOrder, ff.Severity) < slices.Index(severityOrder, ov.TopFixable[i-1].Severity) {
			t.Errorf("top fixable not worst first among equals: %v before %v", ov.TopFixable[i-1], ff)
		}
	}
	if n := len(ov.Days); n != 2 || ov.Days[0].Day != yesterday || ov.Days[1].Day != now.UTC().Format(time.DateOnly) {
		t.Fatalf("days %+v, want yesterday and today", ov.Days)
	}
	if ov.Days[0].Scans != 1 || ov.Days[1].Scans != 3 || ov.Days[1].Images != 4 || ov.Days[1].NotCovered != 1 || ov.Days[0].Severities["HIGH"] != 2 {
		t.Errorf("days %+v: want 1 scan yesterday, 3 today (4 stored in all), 4 images and 1 not covered today", ov.Days)
	}

	// The background pass records today's totals for tomorrow's trend.
	if err := f.c.console.RecordDay(context.Background(), now); err != nil {
		t.Fatal(err)
	}
	var images, scans int
	var days map[string]struct {
		Images     int `json:"images"`
		ScansTotal int `json:"scans_total"`
	}
	raw, _, err := f.c.store.Setting(context.Background(), consoleview.DaysSetting)
	if err == nil {
		err = json.Unmarshal([]byte(raw), &days)
	}
	if d, ok := days[now.UTC().Format(time.DateOnly)]; ok {
		images, scans = d.Images, d.ScansTotal
	}
	if err != nil || images != 4 || scans != 4 {
		t.Errorf("today's stored totals: %d images, %d scans (%v); want 4, 4", images, scans, err)
	}

	// The hosts list carries coverage too.
	var hosts []consoleview.HostRow
	body = getJSON(t, f, "/api/v1/console/hosts", f.reader, http.StatusOK, &hosts)
	checkAnswer(t, doc, http.MethodGet, "/api/v1/console/hosts", http.StatusOK, body)
	if len(hosts) != 1 || hosts[0].Name != "node-1" || hosts[0].Coverage != api.CoverageNotCovered || !slices.Equal(hosts[0].NotCovered, []string{"Alpine:v3.19"}) {
		t.Errorf("hosts %+v", hosts)
	}
}

// BenchmarkAPIImages1000 is GET /api/v1/images over 1,000 stored images:
// "plain" is the images table alone (the list before coverage and tags),
// "annotated" the answer with coverage and every tag (imagelist.go), from
// warm report digests as the console's background pass leaves them.
func BenchmarkAPIImages1000(b *testing.B) {
	f := newFixtureTB(b)
	alpine := reporttest.Alpine(b)
	t0 := time.Now()
	ctx := context.Background()
	for i := range 1000 {
		repo := fmt.Sprintf("team/app%d", i%40)
		storeImage(b, f.c, fmt.Sprintf("reg%d", i%3), repo, fmt.Sprintf("v%d", i), hexDigest(i), alpine, t0.Add(time.Duration(i)*time.Second))
		if err := f.c.store.PutTag(ctx, store.ImageKey{Registry: fmt.Sprintf("reg%d", i%3), Repository: repo, Digest: hexDigest(i)}, fmt.Sprintf("v%d", i), t0); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.c.console.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	b.Run("plain", func(b *testing.B) {
		for b.Loop() {
			if ims, err := f.c.store.ListImages(ctx, store.ImageFilter{}); err != nil || len(ims) != 1000 {
				b.Fatalf("%d images, %v", len(ims), err)
			}
		}
	})
	b.Run("annotated", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			if err := f.c.listImages(rec, httptest.NewRequest(http.MethodGet, "/api/v1/images", nil)); err != nil || rec.Code != http.StatusOK {
				b.Fatalf("%v %d", err, rec.Code)
			}
		}
	})
}

// severityOrder is the console's ranking of severities, worst first.
var severityOrder = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"}
