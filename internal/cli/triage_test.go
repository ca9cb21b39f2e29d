package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// The story end to end, against a real controller, registry and
// scanners: except a CVE for team/* for 30 days with a reason; the counts
// drop in the image list, CVE search and the stored report (with who and
// why); the audit log says who did it; a subscribed webhook receives a
// signed event; exporting the exceptions as OpenVEX, deleting the
// exception (the findings are back) and importing the export excepts the
// same findings again.
func TestExceptionsEndToEnd(t *testing.T) {
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	db := alpineDB(t)
	host := imagetest.Registry(t)
	base := imagetest.FromRootFS(t, rootfs)
	l, err := imagebuild.Files(imagebuild.File{Path: "etc/app.conf", Content: []byte("x=1\n"), Mode: 0o644})
	if err != nil {
		t.Fatal(err)
	}
	app := imagetest.FromRootFS(t, rootfs, l)
	imagetest.Push(t, base, host+"/library/alpine:3.20.3")
	imagetest.Push(t, app, host+"/team/app:1")
	appDigest, err := app.Digest()
	if err != nil {
		t.Fatal(err)
	}

	// A webhook receiver that checks signatures once it knows the secret.
	var (
		mu     sync.Mutex
		secret string
		posts  []notify.Envelope
		badSig int
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if secret == "" || !notify.Verify(secret, body, r.Header.Get(notify.SignatureHeader)) {
			badSig++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("webhook body: %v", err)
		}
		posts = append(posts, env)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	f := newFleet(t, db, 2)
	admin := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin}
	reader := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader}
	must := func(env map[string]string, args ...string) result {
		t.Helper()
		r := runCLI(t, env, args...)
		if r.code != 0 {
			t.Fatalf("%s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	must(admin, "registry", "add", "local", "--url", "http://"+host, "--filter", "library/**", "--filter", "team/**")
	must(admin, "registry", "scan", "local", "--wait", "--timeout", "2m")

	r := must(admin, "subscription", "add", rcv.URL, "--id", "sec")
	m := regexp.MustCompile(`(?m)^secret: ([0-9a-f]+)$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("subscription add printed no secret:\n%s", r.stdout)
	}
	mu.Lock()
	secret = m[1]
	mu.Unlock()
	if r := runCLI(t, reader, "subscription", "list"); r.code == 0 {
		t.Fatal("a reader listed subscriptions")
	}

	const cve = "CVE-2024-9143" // openssl, on libcrypto3 and libssl3
	images := func(args ...string) map[string]api.ImageSummary {
		t.Helper()
		out := map[string]api.ImageSummary{}
		for _, im := range decodeJSON[[]api.ImageSummary](t, must(reader, append([]string{"images", "--format", "json"}, args...)...).stdout) {
			out[im.Repository] = im
		}
		return out
	}
	before := images()
	if len(images("--cve", cve)) != 2 {
		t.Fatalf("before the exception %s is in %d images, want 2", cve, len(images("--cve", cve)))
	}

	if r := runCLI(t, reader, "exception", "add", cve, "--repository", "team/*", "--days", "30", "--reason", "x"); r.code == 0 {
		t.Fatal("a reader made an exception")
	}
	if r := runCLI(t, admin, "exception", "add", cve, "--repository", "team/*"); r.code == 0 || !strings.Contains(r.stderr, "--reason") {
		t.Fatalf("an exception without a reason: exit %d, %s", r.code, r.stderr)
	}
	r = must(admin, "exception", "add", cve, "--id", "cms", "--repository", "team/*", "--days", "30", "--reason", "CMS not used; SEC-123")
	if !strings.Contains(r.stdout, "1 stored result(s) re-evaluated") {
		t.Fatalf("exception add: %s", r.stdout)
	}
	after := images()
	onCVE := before["team/app"].Vulnerabilities - after["team/app"].Vulnerabilities
	if onCVE < 2 || after["library/alpine"].Vulnerabilities != before["library/alpine"].Vulnerabilities {
		t.Fatalf("counts: team/app %d -> %d, library/alpine %d -> %d", before["team/app"].Vulnerabilities, after["team/app"].Vulnerabilities,
			before["library/alpine"].Vulnerabilities, after["library/alpine"].Vulnerabilities)
	}
	if got := images("--cve", cve); len(got) != 1 || got["library/alpine"].Digest == "" {
		t.Fatalf("CVE search after the exception: %v", got)
	}
	var rep report.Report
	if err := json.Unmarshal([]byte(must(reader, "image", "show", appDigest.String(), "--format", "json").stdout), &rep); err != nil {
		t.Fatal(err)
	}
	sup := 0
	for _, s := range rep.Suppressed {
		if s.Status == "exception" && s.Exception == "cms" && s.Statement == "CMS not used; SEC-123" && strings.HasPrefix(s.Author, "admin-") && s.Expires != nil {
			sup++
		}
	}
	if sup != onCVE {
		t.Fatalf("image show: %d findings suppressed by the exception with who and why, want %d", sup, onCVE)
	}
	list := decodeJSON[[]api.ExceptionView](t, must(reader, "exception", "list", "--format", "json").stdout)
	if len(list) != 1 || list[0].Expired || time.Until(*list[0].Expires) < 29*24*time.Hour {
		t.Fatalf("exception list: %+v", list)
	}
	audit := decodeJSON[[]api.AuditEntry](t, must(reader, "audit", "--kind", "exception", "--format", "json").stdout)
	if len(audit) != 1 || audit[0].Action != "create" || audit[0].Object != "cms" || !strings.HasPrefix(audit[0].Actor, "admin-") {
		t.Fatalf("audit: %+v", audit)
	}

	// The subscriber hears of the findings the exception removed, signed.
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n := len(posts)
		var got notify.Envelope
		if n > 0 {
			got = posts[0]
		}
		mu.Unlock()
		if n > 0 {
			if got.Type != notify.ImageFindingsRemoved || got.Events[0].Image.Repository != "team/app" || len(got.Events[0].Findings) != onCVE {
				t.Fatalf("webhook got %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no signed webhook post within 60s (%d refused for their signature)", badSig)
		}
		time.Sleep(100 * time.Millisecond)
	}

	// Export, delete (the findings return), import (excepted again).
	out := filepath.Join(t.TempDir(), "exceptions.openvex.json")
	must(reader, "vex", "export", "-o", out)
	must(admin, "exception", "rm", "cms")
	if got := images(); got["team/app"].Vulnerabilities != before["team/app"].Vulnerabilities {
		t.Fatalf("after rm: team/app has %d findings, want %d", got["team/app"].Vulnerabilities, before["team/app"].Vulnerabilities)
	}
	r = must(admin, "vex", "import", out)
	if !strings.Contains(r.stdout, "0 statement(s) skipped") {
		t.Fatalf("vex import: %s", r.stdout)
	}
	if got := images(); got["team/app"].Vulnerabilities != after["team/app"].Vulnerabilities || len(images("--cve", cve)) != 1 {
		t.Fatalf("after import: team/app has %d findings, want %d", got["team/app"].Vulnerabilities, after["team/app"].Vulnerabilities)
	}
}
