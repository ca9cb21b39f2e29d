package console_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/store"
)

// apiJSON calls the API as token and decodes a JSON answer into out
// (when not nil); it returns the status.
func apiJSON(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, b)
		}
	}
	return resp.StatusCode
}

// scanAll adds the fleet's registry through the API, scans it and waits
// until every image has a stored result.
func scanAll(t *testing.T, f *fleet) {
	t.Helper()
	if code := postJSON(t, f.url+"/api/v1/registries", f.admin,
		`{"name":"local","url":"http://`+f.registry+`","filters":["team/*","apps/*","legacy/*"]}`); code != http.StatusCreated {
		t.Fatalf("adding the registry: %d", code)
	}
	if code := postJSON(t, f.url+"/api/v1/registries/local/scan", f.admin, `{}`); code >= 300 {
		t.Fatalf("scan: %d", code)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		var page struct {
			Total int `json:"total"`
		}
		apiJSON(t, http.MethodGet, f.url+"/api/v1/console/images?limit=1", f.admin, "", &page)
		if page.Total == len(f.images) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("scan did not finish: %d of %d images stored", page.Total, len(f.images))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// runningPods makes the controller's pod watcher record three running
// containers, as the client-go informer of --watch-pods would: the Alpine
// image by digest (prod), the web image by tag only (dev: resolved as
// admission resolves it, through the registry configured for the host),
// and an image never scanned.
func runningPods(f *fleet, cfg *controller.Config) {
	cfg.WatchPods = func(ctx context.Context, st store.Workloads) error {
		now := time.Now()
		mk := func(uid, ns, workload, image, repo, tag, digest, registry string) store.RunningContainer {
			return store.RunningContainer{PodUID: uid, Namespace: ns, Pod: workload + "-7d9f-x2", WorkloadKind: "Deployment", Workload: workload,
				Container: "main", ContainerKind: "container", Image: image, Registry: registry, Repository: repo, Tag: tag, Digest: digest, SeenAt: now}
		}
		alpine := f.images["team/alpine:3.20"]
		for _, c := range []store.RunningContainer{
			mk("uid-1", "prod", "alpine-app", f.registry+"/team/alpine@"+alpine, "team/alpine", "", alpine, f.registry),
			mk("uid-2", "dev", "web", f.registry+"/team/web:1.0", "team/web", "1.0", "", f.registry),
			mk("uid-3", "dev", "proxy", "nginx:1.25", "library/nginx", "1.25", "", "docker.io"),
		} {
			if err := st.PutPod(ctx, c.PodUID, []store.RunningContainer{c}); err != nil {
				return err
			}
		}
		<-ctx.Done()
		return nil
	}
}

// receiver is a local webhook receiver: it records every post.
type receiver struct {
	mu     sync.Mutex
	bodies [][]byte
	sigs   []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.bodies, rc.sigs = append(rc.bodies, b), append(rc.sigs, r.Header.Get(notify.SignatureHeader))
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

func (rc *receiver) posts() ([][]byte, []string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([][]byte(nil), rc.bodies...), append([]string(nil), rc.sigs...)
}

// selectValue sets a select's value as a user would, firing change.
func (p *page) selectValue(id, value string) {
	p.t.Helper()
	p.eval(`(() => { const s = document.getElementById(` + jsString(id) + `); s.value = ` + jsString(value) +
		`; s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
}

var fixOfTotal = regexp.MustCompile(`^(\d+) / (\d+)`)

// imageTotal reads an image's finding count from its row on the images page.
func (p *page) imageTotal(digest string) int {
	p.t.Helper()
	cell := p.waitFor("the row of "+digest, `(() => { const a = document.querySelector('table.images a[href="#/image/`+digest+
		`"]'); return a ? a.closest("tr").querySelector("td.num").innerText : ""; })()`, 15*time.Second)
	m := fixOfTotal.FindStringSubmatch(cell)
	if m == nil {
		p.t.Fatalf("row of %s: count cell %q", digest, cell)
	}
	n, _ := strconv.Atoi(m[2])
	return n
}

// TestConsoleTriage drives issue #20's pages in a real browser against a
// real controller, scanner, registry and database: running images and
// workloads (fed as --watch-pods records them), the example
// (except CVE-2024-9143 for team/* for 30 days with a reason, from the
// form) with the counts dropping on the Images, Vulnerabilities and
// Workloads pages and the audit entry appearing, deleting it, and a
// subscription whose test send reaches a local receiver, signed, and
// shows in the delivery log.
func TestConsoleTriage(t *testing.T) {
	// The Pod watcher's store, to record more Pods than a page later.
	stores := make(chan store.Workloads, 1)
	f := startFleetWith(t, false, func(f *fleet, cfg *controller.Config) {
		runningPods(f, cfg)
		watch := cfg.WatchPods
		cfg.WatchPods = func(ctx context.Context, st store.Workloads) error {
			stores <- st
			return watch(ctx, st)
		}
	})
	scanAll(t, f)
	p := &page{t: t, ctx: browser(t), base: f.url, shots: os.Getenv("SCANFLEET_CONSOLE_SCREENSHOTS"), width: "desktop"}
	if p.shots != "" {
		if err := os.MkdirAll(p.shots, 0o755); err != nil {
			t.Fatal(err)
		}
		p.do("laptop viewport", chromedp.EmulateViewport(1280, 800))
	}
	errs := watchErrors(t, p.ctx)
	defer func() {
		if msgs := errs.list(); len(msgs) > 0 {
			t.Errorf("the page reported errors: %q", msgs)
		}
	}()
	p.login(f.admin)
	if role := p.eval(`document.querySelector(".role").innerText`); role != "admin" {
		t.Errorf("role shown %q, want admin", role)
	}
	// Once the API names tokens, the header shows the name too.
	var who map[string]any
	apiJSON(t, http.MethodGet, f.url+"/api/v1/whoami", f.admin, "", &who)
	if name, _ := who["name"].(string); name != "" {
		if got := p.waitFor("the token's name", `document.querySelector(".token-name")?.innerText || ""`, 10*time.Second); got != name {
			t.Errorf("header shows token name %q, want %q", got, name)
		}
	}

	// Images: the running filter.
	p.goTo("#/images", "Images")
	p.waitFor("the running count", `document.querySelector('.list-tools [role="status"]')?.innerText.includes("2 running") ? "ok" : ""`, 20*time.Second)
	rows := func() string {
		return p.eval(`[...document.querySelectorAll("table.images tbody th > a:first-child")].map(a => a.innerText).sort().join(",")`)
	}
	p.selectValue("f-running", "true")
	p.waitFor("only running images", `location.hash.includes("running=true") && document.querySelectorAll("table.images tbody tr").length === 2 ? "ok" : ""`, 10*time.Second)
	if got := rows(); got != "team/alpine:3.20,team/web:1.0" {
		t.Errorf("running images %q, want team/alpine:3.20 (by digest) and team/web:1.0 (by tag)", got)
	}
	p.shot("images-running")
	p.selectValue("f-running", "false")
	// The rows change when the new page has loaded (both lists have 2).
	p.waitFor("only images not running", `location.hash.includes("running=false") && [...document.querySelectorAll("table.images tbody th > a:first-child")].some(a => a.innerText.startsWith("apps/")) ? "ok" : ""`, 10*time.Second)
	if got := rows(); got != "apps/fixture:2.1,legacy/alpine:3.19" && got != "apps/fixture:2.1,legacy/alpine:old" {
		t.Errorf("images not running %q", got)
	}
	p.a11y()

	// Workloads: every running container, which carry the CVE, which
	// run uncovered.
	const cve = "CVE-2024-9143"
	p.goTo("#/workloads", "Workloads")
	p.waitFor("three containers", `document.querySelectorAll("table.workloads tbody tr").length === 3 ? "ok" : ""`, 15*time.Second)
	if got := p.eval(`document.querySelector('tr[data-workload="dev/proxy"]').innerText`); !strings.Contains(got, "Not covered") {
		t.Errorf("unscanned workload row %q, want Not covered", got)
	}
	if got := p.eval(`document.querySelector('tr[data-workload="prod/alpine-app"]').innerText`); !strings.Contains(got, "scanned") || strings.Contains(got, "Not covered") {
		t.Errorf("scanned workload row %q", got)
	}
	p.a11y()
	p.shot("workloads")
	workloads := func() string {
		return p.eval(`[...document.querySelectorAll("table.workloads tbody tr")].map(r => r.dataset.workload).sort().join(",")`)
	}
	p.goTo("#/workloads?cve="+cve, "Workloads")
	p.waitFor("the workloads carrying "+cve, `document.querySelector('[data-testid="wl-count"]')?.innerText.includes("carrying") && document.querySelectorAll("table.workloads tbody tr").length === 2 ? "ok" : ""`, 15*time.Second)
	if got := workloads(); got != "dev/web,prod/alpine-app" {
		t.Errorf("workloads carrying %s: %q", cve, got)
	}
	p.goTo("#/workloads", "Workloads")
	p.waitFor("every workload", `document.querySelectorAll("table.workloads tbody tr").length === 3 ? "ok" : ""`, 15*time.Second)
	p.selectValue("wl-scanned", "false")
	p.waitFor("running but not covered", `location.hash.includes("scanned=false") && document.querySelectorAll("table.workloads tbody tr").length === 1 ? "ok" : ""`, 10*time.Second)
	if got := workloads(); got != "dev/proxy" {
		t.Errorf("running but not covered: %q", got)
	}

	// More containers than a page: the page says more follow, Next and
	// Previous walk the API's pages, and no container shows twice.
	var st store.Workloads
	select {
	case st = <-stores:
	case <-time.After(30 * time.Second):
		t.Fatal("the Pod watcher did not start")
	}
	for i := range 57 {
		c := store.RunningContainer{PodUID: fmt.Sprintf("batch-%02d", i), Namespace: "batch", Pod: fmt.Sprintf("job-%02d", i), WorkloadKind: "Job",
			Workload: fmt.Sprintf("job-%02d", i), Container: "main", ContainerKind: "container", Image: "busybox:1.36", Registry: "docker.io",
			Repository: "library/busybox", Tag: "1.36", SeenAt: time.Now()}
		if err := st.PutPod(context.Background(), c.PodUID, []store.RunningContainer{c}); err != nil {
			t.Fatal(err)
		}
	}
	batchRows := func() []string {
		return strings.Split(p.eval(`[...document.querySelectorAll("table.workloads tbody tr th")].map(th => th.innerText.split("\n")[0]).join(",")`), ",")
	}
	p.goTo("#/workloads?namespace=batch", "Workloads")
	p.waitFor("a full first page", `document.querySelector('[data-testid="wl-count"]')?.innerText.includes("more on the next page") && document.querySelectorAll("table.workloads tbody tr").length === 50 ? "ok" : ""`, 15*time.Second)
	first := batchRows()
	p.do("next page", chromedp.Click(chromedp.Search(`//nav[@aria-label="Pages of workloads"]//button[normalize-space()="Next"]`)))
	p.waitFor("the last page", `document.querySelector('[data-testid="wl-count"]')?.innerText.includes("on page 2") && !document.querySelector('[data-testid="wl-count"]').innerText.includes("more on the next") && document.querySelectorAll("table.workloads tbody tr").length === 7 ? "ok" : ""`, 15*time.Second)
	seenBatch := map[string]bool{}
	for _, w := range append(first, batchRows()...) {
		if seenBatch[w] {
			t.Errorf("workload %s on both pages", w)
		}
		seenBatch[w] = true
	}
	if len(seenBatch) != 57 {
		t.Errorf("%d batch workloads over the two pages, want 57", len(seenBatch))
	}
	p.do("previous page", chromedp.Click(chromedp.Search(`//nav[@aria-label="Pages of workloads"]//button[normalize-space()="Previous"]`)))
	p.waitFor("the first page again", `document.querySelectorAll("table.workloads tbody tr").length === 50 && document.querySelector('[data-testid="wl-count"]')?.innerText.includes("on page 1") ? "ok" : ""`, 15*time.Second)
	for i := range 57 {
		if err := st.DeletePod(context.Background(), fmt.Sprintf("batch-%02d", i)); err != nil {
			t.Fatal(err)
		}
	}

	// The example, from the form.
	alpine, fixture := f.images["team/alpine:3.20"], f.images["apps/fixture:2.1"]
	onCVE := 0
	for _, v := range getReport(t, f, alpine).Vulnerabilities {
		if v.ID == cve {
			onCVE++
		}
	}
	if onCVE == 0 {
		t.Fatalf("team/alpine:3.20 has no %s finding to except", cve)
	}
	p.goTo("#/images", "Images")
	alpineBefore, fixtureBefore := p.imageTotal(alpine), p.imageTotal(fixture)

	p.goTo("#/exceptions", "Exceptions")
	p.waitFor("the empty state", `document.querySelector("main .empty") ? "ok" : ""`, 10*time.Second)
	p.a11y()
	p.do("open the form", chromedp.Click(chromedp.Search(`//button[normalize-space()="Add exception"]`)), chromedp.WaitVisible(chromedp.ID("exc-vuln")))
	if got := p.eval(`document.getElementById("exc-days").value`); got != "30" {
		t.Errorf("expiry defaults to %q days, want 30", got)
	}
	p.do("cancel", chromedp.Click(chromedp.Search(`//form[@data-testid="exception-form"]//button[normalize-space()="Cancel"]`)))
	p.waitFor("the form closed", `document.getElementById("exc-vuln") ? "" : "ok"`, 10*time.Second)
	// From the vulnerability's page: the form opens for it.
	p.goTo("#/vulnerabilities/"+cve, cve)
	p.do("except it", chromedp.Click(chromedp.CSS(`a[data-testid="except-link"]`)))
	if got := p.waitFor("the form for "+cve, `document.getElementById("exc-vuln")?.value || ""`, 10*time.Second); got != cve {
		t.Errorf("form opened for %q, want %s", got, cve)
	}
	// The reason is required: the form does not submit without one.
	p.do("fill the scope", chromedp.SendKeys(chromedp.ID("exc-repositories"), "team/*"))
	p.a11y()
	p.shot("exception-form")
	p.do("submit without a reason", chromedp.Click(chromedp.CSS(`form[data-testid="exception-form"] button[type="submit"]`)))
	if got := p.eval(`document.getElementById("exc-reason").validity.valueMissing ? "missing" : ""`); got != "missing" {
		t.Error("the form took an exception without a reason")
	}
	p.do("give the reason and submit",
		chromedp.SendKeys(chromedp.ID("exc-reason"), "CMS is not used by our services (SEC-123)"),
		chromedp.Click(chromedp.CSS(`form[data-testid="exception-form"] button[type="submit"]`)))
	msg := p.waitFor("the confirmation", `document.querySelector('[data-testid="exc-msg"]')?.innerText || ""`, 30*time.Second)
	if !strings.Contains(msg, "re-evaluated") {
		t.Errorf("confirmation %q", msg)
	}
	excID := p.waitFor("the exception's row", `document.querySelector("tr[data-exception]")?.dataset.exception || ""`, 10*time.Second)
	row := p.eval(`document.querySelector("tr[data-exception]").innerText`)
	for _, want := range []string{cve, "repositories team/*", "CMS is not used by our services (SEC-123)", "admin", "Active"} {
		if !strings.Contains(row, want) {
			t.Errorf("exception row %q lacks %q", row, want)
		}
	}
	var excs []struct {
		ID      string     `json:"id"`
		Created time.Time  `json:"created"`
		Expires *time.Time `json:"expires"`
		Author  string     `json:"author"`
	}
	apiJSON(t, http.MethodGet, f.url+"/api/v1/exceptions", f.reader, "", &excs)
	if len(excs) != 1 || excs[0].ID != excID || excs[0].Expires == nil || (excs[0].Expires.Sub(excs[0].Created)-30*24*time.Hour).Abs() > time.Minute {
		t.Fatalf("stored exceptions %+v, want %s expiring 30 days after its creation", excs, excID)
	}
	if !strings.Contains(row, excs[0].Author) {
		t.Errorf("row %q does not name the author %q", row, excs[0].Author)
	}
	// Export what it suppresses as OpenVEX (imported again below).
	p.eval(`(() => { const create = URL.createObjectURL; URL.createObjectURL = (b) => { window.__download = b; return create(b); }; return ""; })()`)
	p.do("export OpenVEX", chromedp.Click(chromedp.Search(`//button[normalize-space()="Export OpenVEX"]`)))
	p.waitFor("the OpenVEX document", `window.__download ? "ok" : ""`, 10*time.Second)
	vexDoc := p.evalAsync(`window.__download.text()`)
	p.eval(`(() => { window.__download = null; return ""; })()`)
	if !strings.Contains(vexDoc, cve) || !strings.Contains(vexDoc, "CMS is not used by our services") || !strings.Contains(vexDoc, "not_affected") {
		t.Errorf("exported OpenVEX: %.400s", vexDoc)
	}
	p.shot("exceptions")

	// The counts drop: team/* only.
	p.goTo("#/images", "Images")
	if got := p.imageTotal(alpine); got != alpineBefore-onCVE {
		t.Errorf("team/alpine:3.20 shows %d findings after the exception, want %d - %d", got, alpineBefore, onCVE)
	}
	if got := p.imageTotal(fixture); got != fixtureBefore {
		t.Errorf("apps/fixture:2.1 (not team/*) shows %d findings after the exception, want %d", got, fixtureBefore)
	}
	p.goTo("#/vulnerabilities/"+cve, cve)
	p.waitFor("the affected images", `[...document.querySelectorAll("main h2")].some(h => /affected image/.test(h.innerText)) ? "ok" : ""`, 15*time.Second)
	if got := p.eval(`[...document.querySelectorAll("main table tbody th a")].map(a => a.innerText).sort().join(",")`); got != "apps/fixture:2.1" {
		t.Errorf("images affected by %s after the exception: %q, want apps/fixture:2.1 only", cve, got)
	}
	p.goTo("#/workloads?cve="+cve, "Workloads")
	p.waitFor("no workload carrying "+cve, `document.querySelector('[data-testid="wl-count"]')?.innerText.startsWith("0 running") ? "ok" : ""`, 15*time.Second)

	// The audit log has the change: who, when, what.
	p.goTo("#/audit", "Audit log")
	audit := p.waitFor("the audit entry", `document.querySelector("table.audit tbody tr")?.innerText || ""`, 10*time.Second)
	for _, want := range []string{"create exception", excID, excs[0].Author, cve, "CMS is not used"} {
		if !strings.Contains(audit, want) {
			t.Errorf("audit entry %q lacks %q", audit, want)
		}
	}
	if got := p.eval(`document.querySelector('[data-testid="audit-count"]').innerText`); !strings.Contains(got, "no older ones") {
		t.Errorf("audit paging says %q, want it to say there are no older entries", got)
	}
	p.a11y()
	p.shot("audit")

	// Edit the reason: the expiry stays exactly as it was (the days were
	// not touched), and the audit log has the update.
	p.goTo("#/exceptions", "Exceptions")
	p.do("edit", chromedp.Click(chromedp.CSS(`button[aria-label="Edit exception `+excID+`"]`)), chromedp.WaitVisible(chromedp.ID("exc-reason")))
	if got := p.eval(`document.getElementById("exc-repositories").value + " | " + document.getElementById("exc-vuln").value`); got != "team/* | "+cve {
		t.Errorf("edit form holds %q", got)
	}
	p.do("change the reason", chromedp.SendKeys(chromedp.ID("exc-reason"), ", reviewed"),
		chromedp.Click(chromedp.CSS(`form[data-testid="exception-form"] button[type="submit"]`)))
	p.waitFor("the saved reason", `document.querySelector("tr[data-exception]")?.innerText.includes("(SEC-123), reviewed") && !document.getElementById("exc-reason") ? "ok" : ""`, 30*time.Second)
	var edited []struct {
		Expires *time.Time `json:"expires"`
	}
	apiJSON(t, http.MethodGet, f.url+"/api/v1/exceptions", f.reader, "", &edited)
	if len(edited) != 1 || edited[0].Expires == nil || !edited[0].Expires.Equal(*excs[0].Expires) {
		t.Errorf("after editing the reason the expiry is %v, want %v unchanged", edited, excs[0].Expires)
	}
	p.goTo("#/audit?kind=exception", "Audit log")
	p.waitFor("the update in the audit log", `document.querySelector("table.audit tbody tr")?.innerText.includes("update exception") ? "ok" : ""`, 10*time.Second)

	// Subscriptions: create one from the form, send a test to a local
	// receiver, see it delivered in the log. The URL's path stands for a
	// Slack-style secret: the audit log must not show it.
	rc := &receiver{}
	hook := httptest.NewServer(rc)
	defer hook.Close()
	hookURL := hook.URL + "/hook/T0000/B0000/s3cr3tpath"
	p.goTo("#/subscriptions", "Subscriptions")
	p.waitFor("the empty state", `document.querySelector("main .empty") ? "ok" : ""`, 10*time.Second)
	p.do("open the form", chromedp.Click(chromedp.Search(`//button[normalize-space()="Add subscription"]`)), chromedp.WaitVisible(chromedp.ID("sub-url")))
	p.do("fill the form", chromedp.SendKeys(chromedp.ID("sub-url"), hookURL), chromedp.SendKeys(chromedp.ID("sub-name"), "security team"))
	p.selectValue("sub-min", "HIGH")
	p.do("tick an event", chromedp.Click(chromedp.ID("sub-ev-image-findings_added")))
	p.a11y()
	p.do("submit", chromedp.Click(chromedp.CSS(`form[data-testid="subscription-form"] button[type="submit"]`)))
	secretNote := p.waitFor("the secret, once", `document.querySelector('[data-testid="sub-secret"] code')?.innerText || ""`, 10*time.Second)
	subID := p.waitFor("the subscription's row", `document.querySelector("tr[data-subscription]")?.dataset.subscription || ""`, 10*time.Second)
	subRow := p.eval(`document.querySelector("tr[data-subscription]").innerText`)
	for _, want := range []string{"security team", hookURL, "HIGH and above", "image.findings_added", "set (never shown)"} {
		if !strings.Contains(subRow, want) {
			t.Errorf("subscription row %q lacks %q", subRow, want)
		}
	}
	p.do("dismiss the secret", chromedp.Click(chromedp.Search(`//button[normalize-space()="I have copied it"]`)))
	if strings.Contains(p.eval(`document.body.innerText`), secretNote) {
		t.Error("the secret is still on the page after it was dismissed")
	}
	p.do("send a test", chromedp.Click(chromedp.CSS(`button[aria-label="Send a test to `+subID+`"]`)))
	delivered := p.waitFor("the delivered test in the log",
		`(() => { const r = document.querySelector('[data-testid="deliveries-`+subID+`"] tr[data-delivery]'); return r && r.innerText.includes("delivered") ? r.innerText : ""; })()`, 60*time.Second)
	if !strings.Contains(delivered, "test") || !strings.Contains(delivered, "200") {
		t.Errorf("delivery row %q, want the test delivered with status 200", delivered)
	}
	bodies, sigs := rc.posts()
	if len(bodies) != 1 || !strings.Contains(string(bodies[0]), `"type":"test"`) || !notify.Verify(secretNote, bodies[0], sigs[0]) {
		t.Errorf("receiver got %d posts (%q), signature verifies with the secret shown: %v", len(bodies), bodies, len(bodies) == 1 && notify.Verify(secretNote, bodies[0], sigs[0]))
	}
	p.a11y()
	p.shot("subscriptions")
	// A receiver that fails: the log shows the attempt, its status and
	// error, and the retry to come.
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	var failing struct {
		ID string `json:"id"`
	}
	if code := apiJSON(t, http.MethodPost, f.url+"/api/v1/subscriptions", f.admin, `{"url":"`+down.URL+`/hook","name":"down"}`, &failing); code != http.StatusCreated {
		t.Fatalf("creating the failing subscription: %d", code)
	}
	p.goTo("#/subscriptions", "Subscriptions")
	p.do("send a test to the failing receiver", chromedp.Click(chromedp.CSS(`button[aria-label="Send a test to `+failing.ID+`"]`)))
	retrying := p.waitFor("the failed attempt in the log",
		`(() => { const r = document.querySelector('[data-testid="deliveries-`+failing.ID+`"] tr[data-delivery]'); return r && r.innerText.includes("503") ? r.innerText : ""; })()`, 60*time.Second)
	if !strings.Contains(retrying, "pending") || !strings.Contains(retrying, "next ") {
		t.Errorf("failed delivery row %q, want pending with its next try", retrying)
	}
	// The audit log names the subscription but not its URL's path.
	p.goTo("#/audit?kind=subscription", "Audit log")
	subAudit := p.waitFor("the subscription's audit entry", `[...document.querySelectorAll("table.audit tbody tr")].map(r => r.innerText).find(t => t.includes(`+jsString(subID)+`)) || ""`, 10*time.Second)
	if !strings.Contains(subAudit, "create subscription") || !strings.Contains(subAudit, hook.URL+"/…") || strings.Contains(subAudit, "s3cr3tpath") {
		t.Errorf("subscription audit entry %q: want the create, the URL cut to its host", subAudit)
	}
	p.do("details", chromedp.Click(chromedp.Search(`//table[contains(@class,"audit")]//button[normalize-space()="Details"]`)))
	if body := p.eval(`document.querySelector("main").innerText`); strings.Contains(body, "s3cr3tpath") || strings.Contains(body, secretNote) {
		t.Error("the audit log's details show the webhook URL or the secret")
	}

	if p.shots != "" {
		p.width = "phone"
		p.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		for _, pg := range []struct{ fragment, heading, name string }{
			{"#/workloads", "Workloads", "workloads"},
			{"#/exceptions", "Exceptions", "exceptions"},
			{"#/audit", "Audit log", "audit"},
			{"#/subscriptions", "Subscriptions", "subscriptions"},
		} {
			p.goTo(pg.fragment, pg.heading)
			p.shot(pg.name)
		}
		p.width = "desktop"
		p.do("desktop viewport", chromedp.EmulateViewport(1280, 800))
	}
	// Expire it now: the count comes back at once, the row says
	// Expired, the audit log has the expire.
	p.goTo("#/exceptions", "Exceptions")
	p.waitFor("the exception's row", `document.querySelector("tr[data-exception]") ? "ok" : ""`, 10*time.Second)
	p.eval(`(() => { window.confirm = () => true; return ""; })()`)
	p.do("expire now", chromedp.Click(chromedp.CSS(`button[aria-label="Expire exception `+excID+` now"]`)))
	expired := p.waitFor("the expiry's confirmation", `(document.querySelector('[data-testid="exc-msg"]')?.innerText || "").includes("expired now") ? document.querySelector('[data-testid="exc-msg"]').innerText : ""`, 30*time.Second)
	if !strings.Contains(expired, "2 stored results re-evaluated") { // team/alpine and team/web
		t.Errorf("expire said %q", expired)
	}
	p.waitFor("the row marked Expired", `document.querySelector("tr[data-exception]")?.innerText.includes("Expired") && !document.querySelector('button[aria-label="Expire exception `+excID+` now"]') ? "ok" : ""`, 10*time.Second)
	p.goTo("#/images", "Images")
	if got := p.imageTotal(alpine); got != alpineBefore {
		t.Errorf("team/alpine:3.20 shows %d findings after the exception expired, want %d again", got, alpineBefore)
	}
	p.goTo("#/workloads?cve="+cve, "Workloads")
	p.waitFor("the workloads carrying "+cve+" again", `document.querySelector('[data-testid="wl-count"]')?.innerText.startsWith("2 running") ? "ok" : ""`, 15*time.Second)
	p.goTo("#/audit?kind=exception", "Audit log")
	p.waitFor("the expire in the audit log", `document.querySelector("table.audit tbody tr")?.innerText.includes("expire exception") ? "ok" : ""`, 10*time.Second)

	// Delete the (expired) exception: the count stays.
	p.goTo("#/exceptions", "Exceptions")
	p.waitFor("the exception's row", `document.querySelector("tr[data-exception]") ? "ok" : ""`, 10*time.Second)
	p.eval(`(() => { window.confirm = () => true; return ""; })()`)
	p.do("delete", chromedp.Click(chromedp.CSS(`button[aria-label="Delete exception `+excID+`"]`)))
	p.waitFor("the exception gone", `document.querySelector("tr[data-exception]") ? "" : "ok"`, 30*time.Second)
	p.goTo("#/images", "Images")
	if got := p.imageTotal(alpine); got != alpineBefore {
		t.Errorf("team/alpine:3.20 shows %d findings after the exception's deletion, want %d again", got, alpineBefore)
	}
	// Import the exported OpenVEX document: its statements become
	// exceptions, and the count drops again.
	vexFile := filepath.Join(t.TempDir(), "team.openvex.json")
	if err := os.WriteFile(vexFile, []byte(vexDoc), 0o600); err != nil {
		t.Fatal(err)
	}
	p.goTo("#/exceptions", "Exceptions")
	p.waitFor("the empty list", `document.querySelector("main .empty") ? "ok" : ""`, 10*time.Second)
	p.do("import OpenVEX", chromedp.SetUploadFiles(chromedp.ID("vex-file"), []string{vexFile}))
	imported := p.waitFor("the import's result", `(document.querySelector('[data-testid="exc-msg"]')?.innerText || "").includes("imported") ? document.querySelector('[data-testid="exc-msg"]').innerText : ""`, 30*time.Second)
	if !strings.HasPrefix(imported, "team.openvex.json: ") || strings.HasPrefix(imported, "team.openvex.json: 0 exceptions") {
		t.Errorf("import said %q", imported)
	}
	p.waitFor("the imported exceptions", `document.querySelector("tr[data-exception]") ? "ok" : ""`, 10*time.Second)
	p.goTo("#/images", "Images")
	if got := p.imageTotal(alpine); got != alpineBefore-onCVE {
		t.Errorf("team/alpine:3.20 shows %d findings after the OpenVEX import, want %d - %d", got, alpineBefore, onCVE)
	}
	p.goTo("#/audit?kind=exception", "Audit log")
	p.waitFor("the audit log", `document.querySelector("table.audit tbody tr") ? "ok" : ""`, 10*time.Second)
	if got := p.eval(`[...document.querySelectorAll("table.audit tbody tr[data-audit] th")].map(th => th.innerText.split(" ").slice(0, 2).join(" ")).reverse().join(",")`); !strings.HasPrefix(got, "create exception,update exception,expire exception,delete exception,create exception") {
		t.Errorf("audit entries for exceptions, oldest first: %q, want create, update, expire, delete, then the import's creates", got)
	}
}

// TestConsoleTriageReader: a reader sees exceptions and workloads, but no
// button that changes anything, no subscriptions page and no audit log
// (it names every token: admins only); the API refuses them anyway. An
// admin then reads the audit log a page at a time.
func TestConsoleTriageReader(t *testing.T) {
	f := startFleet(t, false)
	if code := postJSON(t, f.url+"/api/v1/exceptions", f.admin, `{"vulnerability":"CVE-2024-9143","repositories":["team/*"],"reason":"not used","days":30}`); code != http.StatusCreated {
		t.Fatalf("creating an exception as admin: %d", code)
	}
	p := &page{t: t, ctx: browser(t), base: f.url}
	p.login(f.reader)
	// The audit log names every token: admins only, like subscriptions.
	if nav := p.eval(`document.querySelector('nav[aria-label="Main"]').innerText`); strings.Contains(nav, "Subscriptions") || !strings.Contains(nav, "Exceptions") ||
		strings.Contains(nav, "Audit") || !strings.Contains(nav, "Workloads") {
		t.Errorf("reader's navigation %q: want Exceptions, Workloads and no Subscriptions or Audit log", nav)
	}
	p.goTo("#/exceptions", "Exceptions")
	p.waitFor("the exception", `document.querySelector("tr[data-exception]") ? "ok" : ""`, 10*time.Second)
	if p.eval(`document.querySelector('main a[href="#/audit"]') ? "yes" : ""`) != "" {
		t.Error("reader is offered a link to the audit log on the exceptions page")
	}
	if got := p.eval(`[...document.querySelectorAll("main button")].map(b => b.innerText).filter(t => t !== "Export CSV" && t !== "Export OpenVEX").join(",")`); got != "" {
		t.Errorf("reader sees buttons %q on the exceptions page", got)
	}
	if p.eval(`document.getElementById("vex-file") ? "yes" : ""`) != "" {
		t.Error("reader is offered the OpenVEX import")
	}
	p.goTo("#/subscriptions", "Subscriptions")
	p.waitFor("the explanation", `document.querySelector('[data-testid="subs-admin-only"]') ? "ok" : ""`, 10*time.Second)
	if n := p.eval(`String(document.querySelectorAll("main button").length)`); n != "0" {
		t.Errorf("reader sees %s buttons on the subscriptions page", n)
	}
	p.goTo("#/workloads", "Workloads")
	p.waitFor("the empty state", `document.querySelector("main .empty")?.innerText.includes("--watch-pods") ? "ok" : ""`, 10*time.Second)
	// Typed in by hand, the audit page explains and shows nothing.
	p.goTo("#/audit", "Audit log")
	p.waitFor("the explanation", `document.querySelector('[data-testid="audit-admin-only"]') ? "ok" : ""`, 10*time.Second)
	if p.eval(`document.querySelector("table.audit") ? "yes" : ""`) != "" {
		t.Error("reader sees the audit log's table")
	}
	// The images page says that "not running" is unknown without a watcher.
	p.goTo("#/images?running=false", "Images")
	p.waitFor("the note", `document.querySelector('[data-testid="no-running"]') ? "ok" : ""`, 10*time.Second)
	for _, c := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/v1/exceptions", `{"vulnerability":"CVE-1","reason":"r"}`},
		{http.MethodGet, "/api/v1/subscriptions", ""},
		{http.MethodPost, "/api/v1/subscriptions", `{"url":"http://127.0.0.1:9/"}`},
		{http.MethodGet, "/api/v1/audit", ""},
	} {
		if code := apiJSON(t, c.method, f.url+c.path, f.reader, c.body, nil); code != http.StatusForbidden {
			t.Errorf("reader %s %s: %d, want 403", c.method, c.path, code)
		}
	}

	// An admin reads the audit log, in pages.
	p.do("log out", chromedp.Click(chromedp.Search(`//header//button[normalize-space()="Log out"]`)))
	p.login(f.admin)
	if nav := p.eval(`document.querySelector('nav[aria-label="Main"]').innerText`); !strings.Contains(nav, "Audit log") {
		t.Errorf("admin's navigation %q: want the Audit log", nav)
	}
	p.goTo("#/audit", "Audit log")
	p.waitFor("the entry", `document.querySelector("table.audit tbody tr")?.innerText.includes("create exception") ? "ok" : ""`, 10*time.Second)
	// More entries than a page: the page says so, and Older shows the
	// rest, none twice.
	for i := range 60 {
		if code := postJSON(t, f.url+"/api/v1/exceptions", f.admin, fmt.Sprintf(`{"vulnerability":"CVE-2000-%04d","reason":"paging"}`, i)); code != http.StatusCreated {
			t.Fatalf("creating exception %d: %d", i, code)
		}
	}
	p.goTo("#/audit?kind=exception", "Audit log")
	p.waitFor("a full first page", `document.querySelector('[data-testid="audit-count"]')?.innerText.includes("50 shown, older ones on the next page") ? "ok" : ""`, 10*time.Second)
	ids := func() []string {
		return strings.Split(p.eval(`[...document.querySelectorAll("table.audit tbody tr[data-audit]")].map(r => r.dataset.audit).join(",")`), ",")
	}
	first := ids()
	if !strings.Contains(p.eval(`document.querySelector("table.audit tbody tr").innerText`), "CVE-2000-0059") {
		t.Errorf("the newest entry is not the last exception created: %q", p.eval(`document.querySelector("table.audit tbody tr").innerText`))
	}
	p.do("older", chromedp.Click(chromedp.Search(`//nav[@aria-label="Pages of the audit log"]//button[normalize-space()="Older"]`)))
	p.waitFor("the older page", `document.querySelector('[data-testid="audit-count"]')?.innerText.includes("Older entries: 11 shown, no older ones") ? "ok" : ""`, 10*time.Second)
	seen := map[string]bool{}
	for _, id := range append(first, ids()...) {
		if seen[id] {
			t.Errorf("audit entry %s on both pages", id)
		}
		seen[id] = true
	}
	if len(seen) != 61 {
		t.Errorf("%d audit entries over both pages, want 61 (the exceptions' creates)", len(seen))
	}
}
