package console_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"

	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// chromium finds Debian's chromium (or $SCANFLEET_CHROMIUM). Without it the
// browser tests skip, or fail when SCANFLEET_REQUIRE_SERVICES=1.
func chromium(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SCANFLEET_CHROMIUM")
	if p == "" {
		var err error
		if p, err = exec.LookPath("chromium"); err != nil {
			p = "/usr/bin/chromium"
		}
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatalf("chromium not found at %s but SCANFLEET_REQUIRE_SERVICES=1: install Debian's chromium package", p)
		}
		t.Skipf("chromium not found at %s (apt-get install chromium, or set SCANFLEET_CHROMIUM)", p)
	}
	return p
}

// browser starts a headless chromium with a fresh profile and returns a
// context for its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	// The defaults (headless, no first run, quiet background services)
	// plus what a container without a GPU or user namespaces needs, and no
	// network use of its own.
	opts := append(slices.Clone(chromedp.DefaultExecAllocatorOptions[:]),
		chromedp.ExecPath(chromium(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 800),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	// Start the browser now, so that a broken installation fails here
	// with its own message.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}

// pageErrors collects what the page reports as broken: uncaught
// exceptions, console.error calls, and browser log errors other than
// failed requests (a Content-Security-Policy violation is one).
type pageErrors struct {
	mu   sync.Mutex
	msgs []string
}

func watchErrors(t *testing.T, ctx context.Context) *pageErrors {
	t.Helper()
	pe := &pageErrors{}
	add := func(m string) {
		pe.mu.Lock()
		pe.msgs = append(pe.msgs, m)
		pe.mu.Unlock()
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdpruntime.EventExceptionThrown:
			msg := e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				msg += " " + e.ExceptionDetails.Exception.Description
			}
			add("exception: " + msg)
		case *cdpruntime.EventConsoleAPICalled:
			if e.Type == cdpruntime.ConsoleAPICalledTypeError {
				add("console.error")
			}
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.EntryLevelError && e.Entry.Source != cdplog.EntrySourceNetwork {
				add(string(e.Entry.Source) + ": " + e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return pe
}

func (pe *pageErrors) list() []string {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	return slices.Clone(pe.msgs)
}

// fleet is a real controller with one real in-process scanner, a real
// registry holding real images and a vulnerability database built from the
// shared advisories.
type fleet struct {
	url, admin, reader string
	registry           string // host:port
	images             map[string]string
}

// With admission, the controller is wired as scanfleet-controller wires
// it (it serves admission reviews); without, as scanfleet (501).
func startFleet(t *testing.T, admission bool) *fleet {
	t.Helper()
	return startFleetWith(t, admission, nil)
}

// startFleetWith is startFleet with opt changing the controller's
// configuration once the images are pushed (f.images is known).
func startFleetWith(t *testing.T, admission bool, opt func(f *fleet, cfg *controller.Config)) *fleet {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "vuln.db")
	if _, err := vulndbbuild.Build(ctx, dbPath, []string{
		testutil.Data(t, "advisories", "alpine-secdb-3.20-subset"),
		testutil.Data(t, "advisories", "osv-go-vulndb.tar.gz"),
		testutil.Data(t, "advisories", "osv-ghsa-npm-subset"),
	}, vulndbbuild.BuildOptions{}); err != nil {
		t.Fatal(err)
	}

	f := &fleet{registry: imagetest.Registry(t), images: map[string]string{}}
	alpine := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"))
	imagetest.Push(t, alpine, f.registry+"/team/alpine:3.20")
	extra, err := imagebuild.Files(imagebuild.File{Path: "etc/motd", Content: []byte("web tier\n"), Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	web := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz"), extra)
	imagetest.Push(t, web, f.registry+"/team/web:1.0")
	old := imagetest.FromRootFS(t, testutil.Data(t, "rootfs", "alpine-minirootfs-3.19.4-x86_64.tar.gz"))
	imagetest.Push(t, old, f.registry+"/legacy/alpine:3.19")
	imagetest.Push(t, old, f.registry+"/legacy/alpine:old") // one digest, two tags
	fixture, err := tarball.ImageFromPath(testutil.Data(t, "images", "scan-fixture-alpine-3.20.3.docker.tar"), nil)
	if err != nil {
		t.Fatal(err)
	}
	imagetest.Push(t, fixture, f.registry+"/apps/fixture:2.1")
	for name, img := range map[string]v1.Image{"team/alpine:3.20": alpine, "team/web:1.0": web, "legacy/alpine:3.19": old, "apps/fixture:2.1": fixture} {
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		f.images[name] = d.String()
	}

	if f.admin, err = controller.CreateToken(ctx, dir, api.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	if f.reader, err = controller.CreateToken(ctx, dir, api.RoleReader); err != nil {
		t.Fatal(err)
	}
	cfg := controller.Config{DataDir: dir, DBPath: dbPath, LeaseDuration: 30 * time.Second, ScannerTimeout: 30 * time.Second,
		Logger: slog.New(slog.DiscardHandler)}
	if admission {
		cfg.Reviews = review.Codec{}
	}
	if opt != nil {
		opt(f, &cfg)
	}
	c, err := controller.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	f.url = srv.URL
	runDone := make(chan struct{})
	go func() { defer close(runDone); _ = c.Run(ctx) }()
	wdone := make(chan error, 1)
	go func() {
		wdone <- worker.Run(ctx, worker.Config{ControllerURL: srv.URL, Token: f.admin, Name: "scanner-1", Concurrency: 2, DBPath: dbPath,
			PollInterval: 100 * time.Millisecond})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-wdone; err != nil {
			t.Errorf("scanner: %v", err)
		}
		<-runDone
		srv.Close()
		if err := c.Close(); err != nil {
			t.Errorf("closing controller: %v", err)
		}
	})
	return f
}

// page drives one browser tab through the console; every step fails the
// test with what it was doing.
type page struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string // directory for screenshots; "" takes none
	width string // "desktop" or "phone", in screenshot names
}

func (p *page) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	// A step waits for its element (which may come with an API answer):
	// the bound stops a hung test, as waitFor's does.
	ctx, cancel := context.WithTimeout(p.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression returning a string.
func (p *page) eval(js string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", js, err)
	}
	return s
}

// waitFor polls a JavaScript expression until it gives a non-empty string.
// timeout is what the step takes at most on an idle machine; the wait is
// never shorter than a minute, since CI's cold 2-core machine under load
// can take several times that and the bound is only there to stop a
// hung test, not to time the page.
func (p *page) waitFor(what, js string, timeout time.Duration) string {
	p.t.Helper()
	timeout = max(timeout, time.Minute)
	deadline := time.Now().Add(timeout)
	last := ""
	for time.Now().Before(deadline) {
		if last = p.eval(js); last != "" {
			return last
		}
		time.Sleep(100 * time.Millisecond)
	}
	p.t.Fatalf("%s: not within %v (page text: %.600s)", what, timeout, p.eval(`document.body.innerText`))
	return ""
}

// goTo opens a console page by its fragment and waits for its heading.
func (p *page) goTo(fragment, heading string) {
	p.t.Helper()
	p.do("open "+fragment, chromedp.Navigate(p.base+"/console/"+fragment))
	p.waitFor("heading "+heading+" on "+fragment,
		`[...document.querySelectorAll("main h1")].some(h => h.innerText.includes(`+jsString(heading)+`)) ? "ok" : ""`, 15*time.Second)
}

func (p *page) shot(name string) {
	p.t.Helper()
	if p.shots == "" {
		return
	}
	// Let the last answers render and any focus ring settle.
	time.Sleep(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	// The viewport only: whole long pages would make large files.
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(p.shots, name+"-"+p.width+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("wrote %s (%d KB)", file, len(png)/1024)
}

// evalAsync evaluates an expression giving a Promise of a string.
func (p *page) evalAsync(js string) string {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 10*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", js, err)
	}
	return s
}

// a11y checks what a screen reader or keyboard user needs on the current
// page: every form control has a label, every button and link a name,
// every image a text alternative, and the page one main heading.
func (p *page) a11y() {
	p.t.Helper()
	problems := p.eval(`(() => {
		const out = [];
		const name = (e) => (e.getAttribute("aria-label") || e.textContent || e.getAttribute("title") || "").trim();
		for (const e of document.querySelectorAll("input, select, textarea")) {
			if (e.type !== "hidden" && e.labels.length === 0 && !e.getAttribute("aria-label")) out.push("unlabelled " + e.tagName + "#" + e.id);
		}
		for (const e of document.querySelectorAll("button, a[href]")) if (!name(e)) out.push("nameless " + e.outerHTML.slice(0, 80));
		for (const e of document.querySelectorAll("img")) if (!e.hasAttribute("alt")) out.push("img without alt " + e.src);
		for (const e of document.querySelectorAll("svg[role=img]")) if (!e.getAttribute("aria-label")) out.push("chart without a label");
		const h1 = document.querySelectorAll("h1").length;
		if (h1 !== 1) out.push(h1 + " h1 headings");
		if (!document.querySelector("main")) out.push("no main landmark");
		return out.join("; ");
	})()`)
	if problems != "" {
		p.t.Errorf("accessibility on %s: %s", p.eval(`location.hash || location.pathname`), problems)
	}
}

// postJSON posts body to url as token and returns the status.
func postJSON(t *testing.T, url, token, body string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// expectedCVEs reads the hand-derived answer file: the CVEs that Alpine
// 3.20.3's packages have according to the secdb subset.
func expectedCVEs(t *testing.T) []string {
	t.Helper()
	fh, err := os.Open(testutil.Data(t, "answers", "alpine-3.20.3-secdb-subset.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []string
	sc := bufio.NewScanner(fh)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			t.Fatalf("answer line %q: want 4 tab-separated fields", line)
		}
		if f[2] != "0" && !slices.Contains(out, f[3]) {
			out = append(out, f[3])
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

func (p *page) login(token string) {
	p.t.Helper()
	p.do("open the console", chromedp.Navigate(p.base+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	p.do("log in", chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	p.do("wait for the navigation", chromedp.WaitVisible(chromedp.CSS(`nav[aria-label="Main"]`)))
}

// TestConsoleFlow runs what a user does first, in a real browser against a
// real controller, scanner, registry and database: log in, add a registry,
// scan it, watch the scan finish, open an image, find a CVE.
func TestConsoleFlow(t *testing.T) {
	f := startFleet(t, true)
	p := &page{t: t, ctx: browser(t), base: f.url, shots: os.Getenv("SCANFLEET_CONSOLE_SCREENSHOTS"), width: "desktop"}
	errs := watchErrors(t, p.ctx)
	defer func() {
		if msgs := errs.list(); len(msgs) > 0 {
			t.Errorf("the page reported errors: %q", msgs)
		}
	}()
	if p.shots != "" {
		if err := os.MkdirAll(p.shots, 0o755); err != nil {
			t.Fatal(err)
		}
		p.do("laptop viewport", chromedp.EmulateViewport(1280, 800))
	}

	// The root leads to the login page, which refuses a wrong token.
	p.do("open the console", chromedp.Navigate(f.url+"/"), chromedp.WaitVisible(chromedp.ID("token")))
	if got := p.eval(`location.pathname`); got != "/console/" {
		t.Errorf("/ led to %s, want /console/", got)
	}
	p.a11y()
	p.shot("login")
	p.do("log in with a wrong token", chromedp.SendKeys(chromedp.ID("token"), "sf_0123456789"), chromedp.Click(chromedp.CSS(`form button[type="submit"]`)))
	if msg := p.waitFor("the refusal", `document.querySelector('[role="alert"]')?.innerText || ""`, 10*time.Second); !strings.Contains(msg, "not valid") {
		t.Errorf("wrong token: message %q", msg)
	}

	p.login(f.admin)
	if role := p.eval(`document.querySelector(".role").innerText`); role != "admin" {
		t.Errorf("role shown %q, want admin", role)
	}

	// Add a registry through the form.
	p.goTo("#/registries", "Registries")
	p.waitFor("the empty state", `document.querySelector(".empty") ? "ok" : ""`, 10*time.Second)
	p.do("open the form", chromedp.Click(chromedp.Search(`//button[normalize-space()="Add registry"]`)), chromedp.WaitVisible(chromedp.ID("reg-name")))
	p.do("fill the form",
		chromedp.SendKeys(chromedp.ID("reg-name"), "local"),
		chromedp.SendKeys(chromedp.ID("reg-url"), "http://"+f.registry),
		chromedp.SendKeys(chromedp.ID("reg-filters"), "team/*\napps/*\nlegacy/*"))
	p.shot("registry-form")
	p.do("submit the form", chromedp.Click(chromedp.CSS(`form[aria-labelledby="regform-title"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-registry="local"]`)))
	if st := p.eval(`document.querySelector('tr[data-registry="local"] [data-testid="reg-status"]').innerText`); st != "Never scanned" {
		t.Errorf("new registry's status %q, want Never scanned", st)
	}

	// Scan it and watch the progress until every image is scanned.
	p.do("scan now", chromedp.Click(chromedp.CSS(`button[aria-label="Scan local now"]`)))
	want := fmt.Sprintf(": %d scanned", len(f.images))
	var seen []string
	deadline := time.Now().Add(3 * time.Minute)
	for {
		st := p.eval(`document.querySelector('tr[data-registry="local"] [data-testid="reg-status"]').innerText`)
		if !slices.Contains(seen, st) {
			seen = append(seen, st)
			if strings.HasPrefix(st, "Scanning") {
				p.shot("registries-scanning")
			}
		}
		if strings.HasPrefix(st, "Last scan") && strings.HasSuffix(st, want) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("scan did not finish; statuses seen: %q", seen)
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Logf("registry statuses seen: %q", seen)
	if n := p.eval(`document.querySelector('tr[data-registry="local"] td.num').innerText`); n != fmt.Sprint(len(f.images)) {
		t.Errorf("registry shows %s images, want %d", n, len(f.images))
	}
	p.a11y()
	p.shot("registries")

	// The images list shows every image; open the plain Alpine one.
	p.do("go to images", chromedp.Click(chromedp.CSS(`nav a[href="#/images"]`)), chromedp.WaitVisible(chromedp.CSS(`table.images`)))
	if got := p.eval(`document.querySelector('.summary [role="status"]').innerText`); !strings.HasPrefix(got, fmt.Sprintf("%d images", len(f.images))) {
		t.Errorf("images page says %q, want %d images", got, len(f.images))
	}
	// An image the database does not cover reads "not covered", not
	// "none"; the page counts them and filters on them (issue 21, 1).
	legacy := `document.querySelector('table.images a[href="#/image/` + f.images["legacy/alpine:3.19"] + `"]').closest("tr").innerText`
	if got := p.eval(legacy); !strings.Contains(got, "Not covered: Alpine:v3.19") || strings.Contains(got, "none") {
		t.Errorf("legacy/alpine:3.19 row %q, want Not covered: Alpine:v3.19", got)
	}
	if got := p.eval(`document.querySelector('.list-tools [role="status"]').innerText`); !strings.Contains(got, "1 not covered") {
		t.Errorf("images summary %q, want it to count 1 not covered", got)
	}
	// Both tags of the legacy digest (issue 21, 6).
	if got := p.eval(legacy); !strings.Contains(got, "legacy/alpine:3.19\nalso :old") && !strings.Contains(got, "legacy/alpine:old\nalso :3.19") {
		t.Errorf("legacy/alpine row %q, want both its tags", got)
	}
	p.a11y()
	p.shot("images")
	// Export the list as CSV: every image, with coverage (issue 21, 8).
	p.eval(`(() => { const create = URL.createObjectURL; URL.createObjectURL = (b) => { window.__download = b; return create(b); }; return ""; })()`)
	p.do("export CSV", chromedp.Click(chromedp.CSS(`button[aria-label="Export CSV (images.csv)"]`)))
	p.waitFor("the CSV", `window.__download ? "ok" : ""`, 10*time.Second)
	csvText := p.evalAsync(`window.__download.text()`)
	p.eval(`(() => { window.__download = null; return ""; })()`)
	csvLines := strings.Split(strings.TrimSpace(csvText), "\r\n")
	if len(csvLines) != len(f.images)+1 || !strings.HasPrefix(csvLines[0], "registry,repository,tags,digest,os,coverage,not_covered") ||
		!strings.Contains(csvText, "legacy/alpine,3.19 old,"+f.images["legacy/alpine:3.19"]) || !strings.Contains(csvText, "not_covered,Alpine:v3.19") {
		t.Errorf("images CSV (%d lines):\n%s", len(csvLines), csvText)
	}
	p.do("filter not covered", chromedp.SetValue(chromedp.ID("f-cov"), "not_covered"))
	p.eval(`(() => { document.getElementById("f-cov").dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	p.waitFor("only the not-covered image", `document.querySelectorAll("table.images tbody tr").length === 1 && location.hash.includes("coverage=not_covered") ? "ok" : ""`, 10*time.Second)
	p.do("back to all images", chromedp.Click(chromedp.CSS(`nav a[href="#/images"]`)))
	p.waitFor("every image", `document.querySelectorAll("table.images tbody tr").length === `+fmt.Sprint(len(f.images))+` ? "ok" : ""`, 10*time.Second)
	p.goTo("#/image/"+f.images["legacy/alpine:3.19"], "legacy/alpine")
	if got := p.waitFor("the tags", `document.getElementById("image-tags")?.innerText || ""`, 10*time.Second); got != "local/legacy/alpine:3.19, local/legacy/alpine:old" {
		t.Errorf("image page tags %q, want both", got)
	}
	p.goTo("#/images", "Images")
	p.waitFor("the images", `document.querySelector("table.images") ? "ok" : ""`, 10*time.Second)
	p.do("open team/alpine:3.20", chromedp.Click(chromedp.Search(`//table//a[.="team/alpine:3.20"]`)), chromedp.WaitVisible(chromedp.CSS(`table.findings`)))
	if got := p.eval(`location.hash`); got != "#/image/"+f.images["team/alpine:3.20"] {
		t.Errorf("image page %s, want the digest of team/alpine:3.20 %s", got, f.images["team/alpine:3.20"])
	}
	// The findings come in pages of 50: read every page.
	seenIDs := map[string]bool{}
	for page := 1; ; page++ {
		for _, id := range strings.Split(p.eval(`[...document.querySelectorAll("table.findings tbody th > a:first-child")].map(a => a.innerText).join(",")`), ",") {
			seenIDs[id] = true
		}
		if p.eval(`(() => { const b = [...document.querySelectorAll('nav[aria-label="Pages of findings"] button')].find(b => b.innerText === "Next"); return b && !b.disabled ? "more" : ""; })()`) == "" {
			break
		}
		if page > 20 {
			t.Fatal("more than 20 pages of findings")
		}
		first := p.eval(`document.querySelector("nav.pager span").innerText`)
		p.do("next page of findings", chromedp.Click(chromedp.Search(`//nav[@aria-label="Pages of findings"]//button[normalize-space()="Next"]`)))
		p.waitFor("the next page", `document.querySelector("nav.pager span").innerText !== `+jsString(first)+` ? "ok" : ""`, 10*time.Second)
	}
	var ids []string
	for id := range seenIDs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	if p.eval(`document.querySelector('nav[aria-label="Pages of findings"]') ? "paged" : ""`) != "" {
		p.do("first page of findings", chromedp.Click(chromedp.ID("tab-layers")), chromedp.Click(chromedp.ID("tab-findings")), chromedp.WaitVisible(chromedp.CSS(`table.findings`)))
	}
	if wantIDs := expectedCVEs(t); !slices.Equal(ids, wantIDs) {
		t.Errorf("findings shown %v\nwant (answers file) %v", ids, wantIDs)
	}
	p.a11y()
	p.shot("image")

	// Download the SARIF report: the page fetches it with the token and
	// hands it to the browser as a file.
	p.eval(`(() => { const create = URL.createObjectURL; URL.createObjectURL = (b) => { window.__download = b; return create(b); }; return ""; })()`)
	p.do("download SARIF", chromedp.Click(chromedp.Search(`//button[normalize-space()="SARIF"]`)))
	p.waitFor("the download", `window.__download ? "ok" : ""`, 10*time.Second)
	sarif := p.evalAsync(`window.__download.text()`)
	if !strings.Contains(sarif, `"version": "2.1.0"`) && !strings.Contains(sarif, `"version":"2.1.0"`) || !strings.Contains(sarif, "CVE-2024-9143") {
		t.Errorf("downloaded SARIF: %.300s", sarif)
	}

	p.do("open the layers", chromedp.Click(chromedp.ID("tab-layers")), chromedp.WaitVisible(chromedp.CSS(`ol.layers`)))
	if got := p.eval(`document.querySelector("ol.layers").innerText`); !strings.Contains(got, "rootfs alpine-minirootfs-3.20.3-x86_64.tar.gz") {
		t.Errorf("layer view lacks the layer's created_by: %q", got)
	}
	p.shot("image-layers")

	// Find a CVE: which images carry CVE-2024-9143 (openssl 3.3.2-r0,
	// fixed in 3.3.2-r1, per the answers file)? Every image built on the
	// Alpine 3.20.3 root filesystem; not the 3.19 one, which the database
	// (3.20 advisories only) does not cover.
	p.do("go to vulnerabilities", chromedp.Click(chromedp.CSS(`nav a[href="#/vulnerabilities"]`)), chromedp.WaitVisible(chromedp.ID("cve-q")))
	// A page change moves the focus to the new page's content (for screen
	// readers); type only after that.
	p.waitFor("the focus on the new page", `document.activeElement && document.activeElement.id === "main" ? "ok" : ""`, 10*time.Second)
	p.do("search", chromedp.SendKeys(chromedp.ID("cve-q"), "CVE-2024-9143"), chromedp.Click(chromedp.CSS(`form[role="search"] button[type="submit"]`)))
	p.waitFor("the affected images (search box: "+p.eval(`document.getElementById("cve-q")?.value || ""`)+")",
		`[...document.querySelectorAll("main h2")].some(h => /affected image/.test(h.innerText)) ? "ok" : ""`, 15*time.Second)
	if got := p.eval(`location.hash`); got != "#/vulnerabilities/CVE-2024-9143" {
		t.Errorf("search led to %s", got)
	}
	got := strings.Split(p.eval(`[...document.querySelectorAll("main table tbody th a")].map(a => a.innerText).sort().join(",")`), ",")
	if w := []string{"apps/fixture:2.1", "team/alpine:3.20", "team/web:1.0"}; !slices.Equal(got, w) {
		t.Errorf("affected images %v, want %v", got, w)
	}
	if txt := p.eval(`document.querySelector("main table").innerText`); !strings.Contains(txt, "3.3.2-r0 → 3.3.2-r1") {
		t.Errorf("affected images table lacks installed → fixed 3.3.2-r0 → 3.3.2-r1: %q", txt)
	}
	p.a11y()
	p.shot("vulnerability")

	p.goTo("#/scanners", "Scanners")
	p.waitFor("the scanner row", `[...document.querySelectorAll("main table tbody th")].some(th => th.innerText.startsWith("scanner-1")) ? "ok" : ""`, 10*time.Second)
	p.a11y()
	p.shot("scanners")

	enrichedFlow(t, p, f)
	// The Admission page shows the rules the admission API holds, or
	// says that there is no such API.
	code := postJSON(t, f.url+"/api/v1/admission/rules", f.admin,
		`{"name":"no-critical","action":"deny","comment":"Block images with critical findings that have a fix","criteria":{"severity":"CRITICAL","fix":"with"}}`)
	p.goTo("#/admission", "Admission")
	switch code {
	case http.StatusCreated:
		p.waitFor("the rule", `[...document.querySelectorAll("main table tbody th")].some(th => th.innerText.startsWith("no-critical")) ? "ok" : ""`, 10*time.Second)
	case http.StatusNotFound, http.StatusMethodNotAllowed:
		p.waitFor("the empty state", `document.querySelector("main .empty") ? "ok" : ""`, 10*time.Second)
	default:
		t.Errorf("creating an admission rule: %d", code)
	}
	p.a11y()
	p.shot("admission")
	p.goTo("#/vulnerabilities", "Vulnerabilities")
	p.waitFor("the widespread list", `document.querySelector("main table") ? "ok" : ""`, 10*time.Second)
	p.a11y()
	p.shot("vulnerabilities")

	if p.shots != "" {
		p.width = "phone"
		p.do("phone viewport", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		for _, pg := range []struct{ fragment, heading, name string }{
			{"#/registries", "Registries", "registries"},
			{"#/images", "Images", "images"},
			{"#/image/" + f.images["apps/fixture:2.1"], "apps/fixture", "image"},
			{"#/vulnerabilities/CVE-2024-9143", "CVE-2024-9143", "vulnerability"},
			{"#/scanners", "Scanners", "scanners"},
			{"#/overview", "Overview", "overview"},
			{"#/hosts", "Hosts", "hosts"},
		} {
			p.goTo(pg.fragment, pg.heading)
			p.shot(pg.name)
		}
		p.width = "desktop"
		p.do("desktop viewport", chromedp.EmulateViewport(1280, 800))
		p.goTo("#/image/"+f.images["apps/fixture:2.1"], "apps/fixture")
		p.shot("image-fixture")
	}

	// Edit the registry's schedule, then delete it (its results stay).
	p.goTo("#/registries", "Registries")
	p.do("edit", chromedp.Click(chromedp.CSS(`button[aria-label="Edit local"]`)), chromedp.WaitVisible(chromedp.ID("reg-schedule")))
	if got := p.eval(`document.getElementById("reg-filters").value`); got != "team/*\napps/*\nlegacy/*" {
		t.Errorf("edit form filters %q", got)
	}
	p.eval(`(() => { const s = document.getElementById("reg-schedule"); s.value = "1h0m0s"; s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	p.do("save", chromedp.Click(chromedp.CSS(`form[aria-labelledby="regform-title"] button[type="submit"]`)))
	p.waitFor("the new schedule", `document.querySelector('tr[data-registry="local"]')?.innerText.includes("Every hour") && !document.getElementById("reg-name") ? "ok" : ""`, 10*time.Second)
	p.eval(`(() => { window.confirm = () => true; return ""; })()`)
	p.do("delete", chromedp.Click(chromedp.CSS(`button[aria-label="Delete local"]`)))
	p.waitFor("the registry gone", `document.querySelector('tr[data-registry="local"]') ? "" : "ok"`, 10*time.Second)
	p.goTo("#/images", "Images")
	p.waitFor("the images kept", `document.querySelector("table.images") ? "ok" : ""`, 10*time.Second)

	// Log out: the token is forgotten, the login page is back.
	p.do("log out", chromedp.Click(chromedp.Search(`//button[normalize-space()="Log out"]`)), chromedp.WaitVisible(chromedp.ID("token")))
	if tok := p.eval(`sessionStorage.getItem("scanfleet.token") || ""`); tok != "" {
		t.Error("token still in sessionStorage after logging out")
	}
}

// TestConsoleReaderCannotChange logs in with a reader token: the console
// offers no changes, and the API refuses them anyway.
func TestConsoleReaderCannotChange(t *testing.T) {
	f := startFleet(t, false)
	p := &page{t: t, ctx: browser(t), base: f.url}
	p.login(f.reader)
	if role := p.eval(`document.querySelector(".role").innerText`); role != "reader" {
		t.Errorf("role shown %q, want reader", role)
	}
	// This controller answers /admission with 501 (scanfleet): no
	// Admission page in the navigation, and the page explains why
	// (issue 21, point 7).
	if nav := p.eval(`document.querySelector('nav[aria-label="Main"]').innerText`); strings.Contains(nav, "Admission") || !strings.Contains(nav, "Overview") {
		t.Errorf("navigation %q: want Overview and no Admission", nav)
	}
	p.goTo("#/admission", "Admission")
	if got := p.waitFor("the explanation", `document.querySelector('[data-testid="no-admission"]')?.innerText || ""`, 10*time.Second); !strings.Contains(got, "501") {
		t.Errorf("admission page on a controller without admission: %q", got)
	}
	p.goTo("#/registries", "Registries")
	p.waitFor("the empty state", `document.querySelector(".empty") ? "ok" : ""`, 10*time.Second)
	if n := p.eval(`String(document.querySelectorAll("main button").length)`); n != "0" {
		t.Errorf("reader sees %s buttons on the registries page: %s", n, p.eval(`document.querySelector("main").innerHTML`))
	}
	focusAfterNavigation(t, p)
}

// focusAfterNavigation checks where focus goes on a navigation inside the
// console: to the new page (for keyboard and screen reader users), but
// never away from a field of that page the user focused as soon as it
// appeared. The focus move used to run a frame after the page rendered
// and took the rest of a quick user's keystrokes: CI typed "t" of
// "team/*" into the exception form and the rest went nowhere.
func focusAfterNavigation(t *testing.T, p *page) {
	t.Helper()
	// The MutationObserver's callback runs right after the page's DOM is
	// committed, before the next frame: the earliest a user can click.
	got := p.evalAsync(`new Promise((resolve) => {
		const obs = new MutationObserver(() => {
			const q = document.getElementById("cve-q");
			if (!q) return;
			obs.disconnect();
			q.focus();
			setTimeout(() => resolve(document.activeElement.id || document.activeElement.tagName), 500);
		});
		obs.observe(document.body, { childList: true, subtree: true });
		location.hash = "#/vulnerabilities";
	})`)
	if got != "cve-q" {
		t.Errorf("focus on the search field moved to %q after the page rendered", got)
	}
	// Nothing focused on the new page: focus goes to its main region.
	got = p.evalAsync(`new Promise((resolve) => {
		document.activeElement.blur();
		location.hash = "#/scanners";
		setTimeout(() => resolve(document.activeElement.tagName), 500);
	})`)
	if got != "MAIN" {
		t.Errorf("after navigating to #/scanners focus is on %q, want the main region", got)
	}
}
