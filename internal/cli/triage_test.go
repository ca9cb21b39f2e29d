package cli

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission/review"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// hookReceiver is a local webhook receiver: it keeps every post's body
// and signature header, and answers 204.
type hookReceiver struct {
	mu    sync.Mutex
	posts []hookPost
}

type hookPost struct {
	body []byte
	sig  string
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.posts = append(h.posts, hookPost{body, r.Header.Get(notify.SignatureHeader)})
	h.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) received() []hookPost {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.posts)
}

// TestTriageWalkthrough is issue #20's walkthrough, the one README's
// triage section shows, command for command, against a real controller
// (its loops running: database check, Pod watcher, exception
// reconciliation, webhook delivery), two scanners, the real registry
// (SCANFLEET_TEST_REGISTRY) serving 22 images of this run, the admission
// webhook and a local webhook receiver:
//
//   - except CVE-2024-9143 for team/* for 30 days with a reason: the
//     counts drop in `images`, `image show`, `images --cve` (CVE search),
//     an admission review and `workloads --cve`;
//   - `exception expire`: the counts come back at once and the expiry is
//     said (the exception listed EXPIRED, the reports' warnings name it);
//   - `audit` shows both changes, by whom;
//   - a database update (`db build --out` over the file in service) that
//     gives every image new findings sends the subscribed webhook ONE
//     digest post, whose HMAC signature the test checks itself;
//   - `workloads --cve` lists the running workloads carrying the CVE,
//     fed as --watch-pods records them;
//   - OpenVEX export, delete, import: the findings are excepted again.
func TestTriageWalkthrough(t *testing.T) {
	const (
		cve    = "CVE-2024-9143" // openssl: libcrypto3 and libssl3
		reason = "CMS is not used by our services (SEC-123)"
		nTeam  = 21
	)
	ctx := context.Background()
	rootfs := testutil.Data(t, "rootfs", "alpine-minirootfs-3.20.3-x86_64.tar.gz")
	// The database in service first lacks busybox's advisories; the
	// update adds them, so every image gains findings.
	secdb := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	partial := t.TempDir()
	entries, err := os.ReadDir(secdb)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() == "busybox.json" || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(secdb, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(partial, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	db := filepath.Join(t.TempDir(), "scanfleet.db")
	if r := runCLI(t, nil, "db", "build", "--out", db, partial); r.code != 0 {
		t.Fatalf("db build: %d %s", r.code, r.stderr)
	}

	// The real registry (docker-registry), shared with other tests and
	// runs: this run's repositories carry a unique name under team/ and
	// library/ (so the walkthrough's 'team/*' scope still reads as in
	// README), and the registry is added with exactly them, so no other
	// test's repositories are crawled.
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	rnd := make([]byte, 4)
	if _, err := rand.Read(rnd); err != nil {
		t.Fatal(err)
	}
	run := "wt" + hex.EncodeToString(rnd)
	teamRepo := func(i int) string { return fmt.Sprintf("team/%s-app-%02d", run, i) }
	app00, app01, alpineRepo := teamRepo(0), teamRepo(1), "library/"+run+"-alpine"
	repoFlags := []string{"--repository", alpineRepo}
	imagetest.Push(t, imagetest.FromRootFS(t, rootfs), host+"/"+alpineRepo+":3.20.3")
	digests := map[string]string{} // repository -> digest
	for i := range nTeam {
		l, err := imagebuild.Files(imagebuild.File{Path: "etc/app.conf", Content: fmt.Appendf(nil, "app=%d\n", i), Mode: 0o644})
		if err != nil {
			t.Fatal(err)
		}
		img := imagetest.FromRootFS(t, rootfs, l)
		repo := teamRepo(i)
		repoFlags = append(repoFlags, "--repository", repo)
		imagetest.Push(t, img, host+"/"+repo+":1")
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests[repo] = d.String()
	}

	// Running Pods, as the controller's --watch-pods informer records
	// them: team/app-00 by digest in prod, team/app-01 by tag in dev,
	// library/alpine in ops.
	pods := func(ctx context.Context, st store.Workloads) error {
		now := time.Now()
		for _, c := range []store.RunningContainer{
			{PodUID: "uid-web", Namespace: "prod", Pod: "web-5c9d-x1", WorkloadKind: "Deployment", Workload: "web", Container: "app",
				Image: host + "/" + app00 + "@" + digests[app00], Registry: host, Repository: app00, Digest: digests[app00]},
			{PodUID: "uid-worker", Namespace: "dev", Pod: "worker-0", WorkloadKind: "StatefulSet", Workload: "worker", Container: "app",
				Image: host + "/" + app01 + ":1", Registry: host, Repository: app01, Tag: "1"},
			{PodUID: "uid-tools", Namespace: "ops", Pod: "tools-7f-x2", WorkloadKind: "Deployment", Workload: "tools", Container: "sh",
				Image: host + "/" + alpineRepo + ":3.20.3", Registry: host, Repository: alpineRepo, Tag: "3.20.3"},
		} {
			c.ContainerKind, c.SeenAt = "container", now
			if err := st.PutPod(ctx, c.PodUID, []store.RunningContainer{c}); err != nil {
				return err
			}
		}
		<-ctx.Done()
		return nil
	}
	// Scanners in the test's process (worker.Run, what `scanfleet
	// scanner` runs): building the binary for scanner processes takes
	// minutes on a loaded CI machine, and test/chaos already runs the
	// process fleet. The controller must be in process anyway, for its
	// Pod watcher hook.
	f := newFleetWith(t, db, 2, func(cfg *controller.Config) {
		cfg.Reviews = review.Codec{}
		cfg.WatchPods = pods
		cfg.DBCheckInterval = 500 * time.Millisecond
	})
	admin := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin}
	reader := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader}
	must := func(env map[string]string, args ...string) result {
		t.Helper()
		r := runCLI(t, env, args...)
		if r.code != 0 {
			t.Fatalf("scanfleet %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
		}
		return r
	}
	must(admin, append([]string{"registry", "add", "local", "--url", "http://" + host}, repoFlags...)...)
	must(admin, "registry", "scan", "local", "--wait", "--timeout", "5m")
	// Admission denies what carries the CVE (protect mode).
	if err := api.NewClient(f.url, f.admin, nil).Do(ctx, http.MethodPost, "/api/v1/admission/rules",
		json.RawMessage(`{"name":"no-cve-2024-9143","action":"deny","mode":"protect","criteria":{"cves":["`+cve+`"]}}`), nil); err != nil {
		t.Fatal(err)
	}
	admitted := func(image string) bool {
		t.Helper()
		return admit(t, f.hookClient, f.hook, "prod", image).Allowed
	}
	teamImage := host + "/" + app00 + ":1"

	// Subscribe a webhook (a local receiver); the secret is shown once.
	rcv := &hookReceiver{}
	hook := httptest.NewServer(rcv)
	defer hook.Close()
	r := must(admin, "subscription", "add", hook.URL+"/scanfleet")
	m := regexp.MustCompile(`(?m)^subscription (sub-[0-9a-f]+): [^\n]*\nsecret: ([0-9a-f]+)$`).FindStringSubmatch(r.stdout)
	if m == nil {
		t.Fatalf("subscription add printed no id and secret:\n%s", r.stdout)
	}
	sub, secret := m[1], m[2]

	images := func(args ...string) map[string]api.ImageSummary {
		t.Helper()
		out := map[string]api.ImageSummary{}
		for _, im := range decodeJSON[[]api.ImageSummary](t, must(reader, append([]string{"images", "--format", "json"}, args...)...).stdout) {
			out[im.Repository] = im
		}
		return out
	}
	showReport := func(digest string) report.Report {
		t.Helper()
		var rep report.Report
		if err := json.Unmarshal([]byte(must(reader, "image", "show", digest, "--format", "json").stdout), &rep); err != nil {
			t.Fatal(err)
		}
		return rep
	}
	workloads := func(args ...string) []string {
		t.Helper()
		var out []string
		for _, w := range decodeJSON[[]api.RunningWorkload](t, must(reader, append([]string{"workloads", "--format", "json"}, args...)...).stdout) {
			out = append(out, w.Namespace+"/"+w.Workload)
		}
		return out
	}
	before := images()
	if len(before) != nTeam+1 || len(images("--cve", cve)) != nTeam+1 {
		t.Fatalf("before any exception: %d images, %d with %s; want %d each", len(before), len(images("--cve", cve)), cve, nTeam+1)
	}
	if admitted(teamImage) {
		t.Fatalf("%s admitted while it carries %s", teamImage, cve)
	}
	if got := workloads("--cve", cve); !slices.Equal(got, []string{"dev/worker", "ops/tools", "prod/web"}) {
		t.Fatalf("workloads carrying %s before the exception: %q", cve, got)
	}

	// 1. Except the CVE for team/* for 30 days, with a reason (admins
	// only, and a reason is required).
	if r := runCLI(t, reader, "exception", "add", cve, "--repository", "team/*", "--days", "30", "--reason", reason); r.code == 0 {
		t.Fatal("a reader made an exception")
	}
	if r := runCLI(t, admin, "exception", "add", cve, "--repository", "team/*", "--days", "30"); r.code == 0 || !strings.Contains(r.stderr, "--reason") {
		t.Fatalf("an exception without a reason: exit %d, %s", r.code, r.stderr)
	}
	r = must(admin, "exception", "add", cve, "--repository", "team/*", "--days", "30", "--reason", reason)
	m = regexp.MustCompile(`^exception (exc-[0-9a-f]+): `).FindStringSubmatch(r.stdout)
	if m == nil || !strings.Contains(r.stdout, fmt.Sprintf("%d stored result(s) re-evaluated", nTeam)) {
		t.Fatalf("exception add: %s", r.stdout)
	}
	id := m[1]

	// The counts drop everywhere, for team/* only.
	after := images()
	onCVE := before[app00].Vulnerabilities - after[app00].Vulnerabilities
	if onCVE < 2 {
		t.Fatalf("team/app-00: %d findings, %d with the exception", before[app00].Vulnerabilities, after[app00].Vulnerabilities)
	}
	for repo, im := range after {
		want := before[repo].Vulnerabilities
		if strings.HasPrefix(repo, "team/") {
			want -= onCVE
		}
		if im.Vulnerabilities != want {
			t.Errorf("images: %s has %d findings with the exception, want %d", repo, im.Vulnerabilities, want)
		}
	}
	if got := images("--cve", cve); len(got) != 1 || got[alpineRepo].Digest == "" {
		t.Fatalf("images --cve %s with the exception: %d images, want library/alpine only", cve, len(got))
	}
	if r := must(reader, "images", "--cve", cve); strings.Contains(r.stdout, "team/") || !strings.Contains(r.stdout, alpineRepo) {
		t.Fatalf("images --cve table with the exception:\n%s", r.stdout)
	}
	rep := showReport(digests[app00])
	sup := 0
	for _, s := range rep.Suppressed {
		if s.Status == "exception" && s.Exception == id && s.Statement == reason && strings.HasPrefix(s.Author, "admin-") && s.Expires != nil {
			sup++
		}
	}
	if sup != onCVE || len(rep.Vulnerabilities) != after[app00].Vulnerabilities {
		t.Fatalf("image show: %d findings suppressed by %s with who and why, want %d; %d counted, want %d",
			sup, id, onCVE, len(rep.Vulnerabilities), after[app00].Vulnerabilities)
	}
	if !admitted(teamImage) {
		t.Fatalf("%s denied while %s is excepted for team/*", teamImage, cve)
	}
	if admitted(host + "/" + alpineRepo + ":3.20.3") {
		t.Fatal("library/alpine (not team/*) admitted")
	}
	if got := workloads("--cve", cve); !slices.Equal(got, []string{"ops/tools"}) {
		t.Fatalf("workloads carrying %s with the exception: %q, want ops/tools only", cve, got)
	}
	list := decodeJSON[[]api.ExceptionView](t, must(reader, "exception", "list", "--format", "json").stdout)
	if len(list) != 1 || list[0].Expired || time.Until(*list[0].Expires) < 29*24*time.Hour {
		t.Fatalf("exception list: %+v", list)
	}
	vexFile := filepath.Join(t.TempDir(), "exceptions.openvex.json")
	must(reader, "vex", "export", "-o", vexFile)

	// 2. Expire it: the counts come back at once, and it says so.
	if r := runCLI(t, reader, "exception", "expire", id); r.code == 0 {
		t.Fatal("a reader expired an exception")
	}
	r = must(admin, "exception", "expire", id)
	if !strings.Contains(r.stdout, "EXPIRED") || !strings.Contains(r.stdout, fmt.Sprintf("%d stored result(s) re-evaluated", nTeam)) {
		t.Fatalf("exception expire: %s", r.stdout)
	}
	for repo, im := range images() {
		if im.Vulnerabilities != before[repo].Vulnerabilities {
			t.Errorf("images: %s has %d findings after the expiry, want %d again", repo, im.Vulnerabilities, before[repo].Vulnerabilities)
		}
	}
	if got := images("--cve", cve); len(got) != nTeam+1 {
		t.Fatalf("images --cve %s after the expiry: %d images, want %d", cve, len(got), nTeam+1)
	}
	rep = showReport(digests[app00])
	if len(rep.Vulnerabilities) != before[app00].Vulnerabilities || !slices.ContainsFunc(rep.Warnings, func(w string) bool { return strings.Contains(w, id) }) {
		t.Fatalf("image show after the expiry: %d findings (want %d), warnings %q (want one naming %s)",
			len(rep.Vulnerabilities), before[app00].Vulnerabilities, rep.Warnings, id)
	}
	if admitted(teamImage) {
		t.Fatalf("%s admitted after the exception expired", teamImage)
	}
	if r := must(reader, "exception", "list"); !strings.Contains(r.stdout, id) || !strings.Contains(r.stdout, "EXPIRED") {
		t.Fatalf("exception list after the expiry:\n%s", r.stdout)
	}
	if r := must(admin, "exception", "expire", id); !strings.Contains(r.stdout, "already") {
		t.Fatalf("expiring it again: %s", r.stdout)
	}

	// 3. The audit log has both changes, by whom (admins read it).
	audit := decodeJSON[[]api.AuditEntry](t, must(admin, "audit", "--kind", "exception", "--format", "json").stdout)
	var actions []string
	for _, a := range audit {
		if a.Object == id && strings.HasPrefix(a.Actor, "admin-") {
			actions = append(actions, a.Action)
		}
	}
	if !slices.Equal(actions, []string{"expire", "create"}) {
		t.Fatalf("audit of %s, newest first: %q, want expire, create (%+v)", id, actions, audit)
	}
	if r := must(admin, "audit", "--kind", "exception"); !strings.Contains(r.stdout, "expire") || !strings.Contains(r.stdout, "create") {
		t.Fatalf("audit table:\n%s", r.stdout)
	}

	// 4. A database update that gives all 22 images new findings: the
	// controller notices the new file, re-matches the stored inventories
	// and the subscriber gets ONE signed digest.
	updateStart := time.Now()
	must(nil, "db", "build", "--out", db, secdb)
	var digest notify.Envelope
	deadline := time.Now().Add(3 * time.Minute)
	for digest.ID == "" {
		for _, p := range rcv.received() {
			var env notify.Envelope
			if err := json.Unmarshal(p.body, &env); err != nil {
				t.Fatalf("webhook body: %v\n%s", err, p.body)
			}
			if len(env.Events) == 0 || env.Events[0].Cause != "database update" {
				continue
			}
			if digest.ID != "" {
				t.Fatalf("a second post for the database update: %s after %s", env.ID, digest.ID)
			}
			// The signature, checked here rather than with notify.Verify:
			// sha256= and the hex HMAC-SHA256 of the body with the secret.
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(p.body)
			if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(p.sig), []byte(want)) {
				t.Fatalf("digest signed %q, want %q", p.sig, want)
			}
			digest = env
		}
		if digest.ID == "" && time.Now().After(deadline) {
			t.Fatalf("no database update digest within 3m; %d posts received", len(rcv.received()))
		}
		time.Sleep(200 * time.Millisecond)
	}
	changedImages := map[string]bool{}
	for _, ev := range digest.Events {
		if ev.Cause != "database update" || ev.Type != notify.ImageFindingsAdded || ev.Image == nil {
			t.Errorf("digest event %+v", ev)
			continue
		}
		changedImages[ev.Image.Repository] = true
	}
	if digest.Type != notify.Digest || digest.Omitted != 0 || len(changedImages) != nTeam+1 {
		t.Fatalf("digest %s: type %s, %d events over %d images (want every one of %d), %d omitted",
			digest.ID, digest.Type, len(digest.Events), len(changedImages), nTeam+1, digest.Omitted)
	}
	// One delivery in the log since the update: nothing else is coming.
	var since []api.Delivery
	for _, d := range decodeJSON[[]api.Delivery](t, must(admin, "subscription", "deliveries", sub, "--format", "json").stdout) {
		if !d.CreatedAt.Before(updateStart) {
			since = append(since, d)
		}
	}
	if len(since) != 1 || since[0].EventID != digest.ID || since[0].State != store.DeliveryDelivered {
		t.Fatalf("deliveries since the update: %+v, want the one digest %s, delivered", since, digest.ID)
	}
	for _, p := range rcv.received() {
		if !notify.Verify(secret, p.body, p.sig) {
			t.Errorf("a post not signed with the secret: %.200s", p.body)
		}
	}

	// 5. Which running workloads carry the CVE: those of team/app-00 (by
	// digest), team/app-01 (by tag) and library/alpine, however paged.
	r = must(reader, "workloads", "--cve", cve)
	for _, want := range []string{"prod", "Deployment/web", "dev", "StatefulSet/worker", "ops", "Deployment/tools"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("workloads --cve table lacks %q:\n%s", want, r.stdout)
		}
	}
	if got := workloads("--cve", cve, "--page-size", "1"); !slices.Equal(got, []string{"dev/worker", "ops/tools", "prod/web"}) {
		t.Fatalf("workloads carrying %s, pages of 1: %q", cve, got)
	}

	// 6. OpenVEX: delete the exception, import what it suppressed: the
	// same findings are excepted again.
	must(admin, "exception", "rm", id)
	if r := must(admin, "vex", "import", vexFile); !strings.Contains(r.stdout, "0 statement(s) skipped") {
		t.Fatalf("vex import: %s", r.stdout)
	}
	if got := images("--cve", cve); len(got) != 1 || got[alpineRepo].Digest == "" {
		t.Fatalf("images --cve %s after the import: %d images, want library/alpine only", cve, len(got))
	}
}
