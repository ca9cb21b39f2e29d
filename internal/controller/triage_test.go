package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/reporttest"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// A database update that changes many images sends each subscriber one
// signed digest, not a post per image; re-matched reports keep their
// exceptions (applied again, not duplicated).
func TestRematchSendsOneDigestAndKeepsExceptions(t *testing.T) {
	ctx := context.Background()
	alpine := testutil.Data(t, "advisories", "alpine-secdb-3.20-subset")
	dbPath := filepath.Join(t.TempDir(), "vuln.db")
	if _, err := vulndbbuild.Build(ctx, dbPath, []string{alpine}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	// The second database adds one advisory for busybox.
	src2 := t.TempDir()
	ents, err := os.ReadDir(alpine)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".json") {
			b, err := os.ReadFile(filepath.Join(alpine, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(src2, e.Name()), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.WriteFile(filepath.Join(src2, "zz-test-osv.json"), []byte(testOSV), 0o644); err != nil {
		t.Fatal(err)
	}

	var (
		mu     sync.Mutex
		secret string
		posts  []notify.Envelope
		bad    int
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if !notify.Verify(secret, body, r.Header.Get(notify.SignatureHeader)) {
			bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env notify.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			t.Errorf("body: %v", err)
		}
		posts = append(posts, env)
	}))
	defer rcv.Close()

	f := newFixture(t, Config{DBPath: dbPath})
	code, body := f.do(t, http.MethodPost, "/api/v1/subscriptions", f.admin, []byte(`{"id":"sec","url":"`+rcv.URL+`"}`))
	var sub api.Subscription
	if code != http.StatusCreated || json.Unmarshal(body, &sub) != nil || sub.Secret == "" {
		t.Fatalf("subscribe: %d %s", code, body)
	}
	mu.Lock()
	secret = sub.Secret
	mu.Unlock()
	// busybox's first CVE excepted for team/*.
	const excepted = "CVE-2024-58251"
	code, body = f.do(t, http.MethodPost, "/api/v1/exceptions", f.admin,
		[]byte(`{"id":"bb","vulnerability":"`+excepted+`","repositories":["team/*"],"reason":"not reachable","days":30}`))
	if code != http.StatusCreated {
		t.Fatalf("exception: %d %s", code, body)
	}

	// 60 images scanned with the first database, stored as a scanner's
	// result would be (through the controller's result path hooks).
	osInfo := &report.OS{ID: "alpine", VersionID: "3.20.3"}
	pkgs := []report.Package{{Name: "busybox", Version: "1.36.1-r29", Type: report.TypeAPK}, {Name: "musl", Version: "1.2.5-r0", Type: report.TypeAPK}}
	db1, release := f.c.watcher.Acquire()
	db1Digest := db1.Info().Digest
	vulns, cov, err := match.Match(ctx, db1, osInfo, pkgs)
	release()
	if err != nil {
		t.Fatal(err)
	}
	const images = 60
	for i := range images {
		repo := fmt.Sprintf("team/app%02d", i)
		if i%2 == 1 {
			repo = fmt.Sprintf("other/app%02d", i)
		}
		digest := fmt.Sprintf("sha256:%064x", i+1)
		rep := &report.Report{SchemaVersion: report.SchemaVersion, OS: osInfo, Packages: pkgs, Vulnerabilities: append([]report.Vulnerability(nil), vulns...),
			Coverage: cov, DB: &report.DBInfo{Digest: db1Digest}, Image: &report.Image{Reference: "x/" + repo + "@" + digest, Digest: digest}}
		k := store.ImageKey{Registry: "r", Repository: repo, Digest: digest}
		pend, err := f.c.triage.PrepareResult(ctx, k, []string{"1"}, rep)
		if err != nil {
			t.Fatal(err)
		}
		im := store.ImageSummary{Registry: "r", Repository: repo, Tag: "1", Digest: digest, Reference: rep.Image.Reference, DBDigest: db1Digest, ScannedAt: time.Now(), ScannedBy: "s"}
		if _, err := f.c.store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: pend.Raw}); err != nil {
			t.Fatal(err)
		}
		f.c.triage.ResultStored(ctx, pend)
	}
	countOf := func(cve string) int {
		code, body := f.do(t, http.MethodGet, "/api/v1/images?cve="+cve, f.reader, nil)
		var ims []store.ImageSummary
		if code != http.StatusOK || json.Unmarshal(body, &ims) != nil {
			t.Fatalf("images?cve=%s: %d %s", cve, code, body)
		}
		return len(ims)
	}
	if n := countOf(excepted); n != images/2 {
		t.Fatalf("%s counted in %d images before the update, want %d (other/* only)", excepted, n, images/2)
	}

	if _, err := vulndbbuild.Build(ctx, dbPath, []string{src2}, vulndbbuild.BuildOptions{BuiltAt: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	st, err := f.c.CheckDB(ctx)
	if err != nil || st.Changed != images {
		t.Fatalf("rematch: %+v, %v", st, err)
	}
	if n := countOf(excepted); n != images/2 {
		t.Fatalf("after the update %s is counted in %d images, want %d: the exception must survive a re-match", excepted, n, images/2)
	}
	if n := countOf(testOSVID); n != images {
		t.Fatalf("the new advisory is in %d images, want %d", n, images)
	}
	// No duplicated suppressed entries.
	code, body = f.do(t, http.MethodGet, "/api/v1/images/"+fmt.Sprintf("sha256:%064x", 1), f.reader, nil)
	var rep report.Report
	if code != http.StatusOK || json.Unmarshal(body, &rep) != nil {
		t.Fatalf("image: %d", code)
	}
	sup := 0
	for _, s := range rep.Suppressed {
		if s.Vulnerability.ID == excepted {
			sup++
		}
	}
	for _, v := range rep.Vulnerabilities {
		if v.ID == excepted {
			t.Fatalf("%s both counted and suppressed after the re-match", excepted)
		}
	}
	if sup != 1 {
		t.Fatalf("%d suppressed entries of %s after the re-match, want 1", sup, excepted)
	}

	// One delivery for the whole update, in the outbox (deterministic:
	// CheckDB published before returning) ...
	ds, err := f.c.store.ListDeliveries(ctx, store.DeliveryFilter{Subscription: "sec"})
	if err != nil {
		t.Fatal(err)
	}
	var updates []store.Delivery
	for _, d := range ds {
		if strings.Contains(string(d.Body), `"cause":"database update"`) {
			updates = append(updates, d)
		}
	}
	if len(updates) != 1 || updates[0].Kind != notify.Digest {
		t.Fatalf("%d deliveries for the database update, want 1 digest", len(updates))
	}
	// ... and received, signed, listing every image.
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		var got *notify.Envelope
		for i := range posts {
			if posts[i].ID == updates[0].EventID {
				got = &posts[i]
			}
		}
		badNow := bad
		mu.Unlock()
		if got != nil {
			if got.Type != notify.Digest || len(got.Events) != images || badNow != 0 {
				t.Fatalf("digest post: type %s, %d events (want %d), %d bad signatures", got.Type, len(got.Events), images, badNow)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the digest was not received within 60s (%d bad signatures)", badNow)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Admission sees the exceptions: a namespace-scoped one allows the image
// in its namespaces only, a fleet one everywhere; each denial is an event
// for the subscribers.
func TestAdmissionSeesExceptions(t *testing.T) {
	f := newFixture(t, Config{})
	srv := f.tlsServer(t)
	rep := reporttest.Alpine(t)
	if code, body := f.submit(t, f.scanner, rep, "127.0.0.1:5000/team/app:1.2"); code != http.StatusCreated {
		t.Fatalf("submit: %d %s", code, body)
	}
	const cve = "CVE-2024-9143"
	if code, body := f.do(t, "POST", "/api/v1/admission/rules", f.admin, mustJSON(t, admission.Rule{Name: "no-cms", Action: admission.Deny,
		Criteria: admission.Criteria{CVEs: []string{cve}}})); code != http.StatusCreated {
		t.Fatalf("rule: %d %s", code, body)
	}
	if code, body := f.do(t, "PUT", "/api/v1/admission/settings", f.admin, []byte(`{"mode":"protect"}`)); code != http.StatusOK {
		t.Fatalf("settings: %d %s", code, body)
	}
	if code, body := f.do(t, "POST", "/api/v1/subscriptions", f.admin, []byte(`{"id":"adm","url":"http://127.0.0.1:1/x","events":["admission.denied"]}`)); code != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", code, body)
	}
	review := func(uid, ns string) bool {
		t.Helper()
		return postReview(t, srv, reviewBody(t, uid, podGVK, ns, pod("127.0.0.1:5000/team/app:1.2"))).Allowed
	}
	if review("u1", "prod-eu") || review("u2", "dev") {
		t.Fatal("allowed before any exception")
	}
	if code, body := f.do(t, "POST", "/api/v1/exceptions", f.admin,
		[]byte(`{"id":"prod","vulnerability":"`+cve+`","namespaces":["prod-*"],"reason":"mitigated by the prod proxy"}`)); code != http.StatusCreated {
		t.Fatalf("exception: %d %s", code, body)
	}
	if !review("u3", "prod-eu") || review("u4", "dev") {
		t.Fatal("a prod-* exception must allow in prod-eu only")
	}
	// The stored result is untouched by a namespace-scoped exception.
	code, body := f.do(t, "GET", "/api/v1/images?cve="+cve, f.reader, nil)
	if code != http.StatusOK || !strings.Contains(string(body), rep.Image.Digest) {
		t.Fatalf("images?cve: %d %s", code, body)
	}
	if code, body := f.do(t, "POST", "/api/v1/exceptions", f.admin,
		[]byte(`{"id":"all","vulnerability":"`+cve+`","repositories":["team/*"],"reason":"CMS unused"}`)); code != http.StatusCreated {
		t.Fatalf("exception: %d %s", code, body)
	}
	if !review("u5", "dev") {
		t.Fatal("a team/* exception must allow everywhere")
	}
	ds, err := f.c.store.ListDeliveries(context.Background(), store.DeliveryFilter{Subscription: "adm"})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 3 || ds[0].Kind != notify.AdmissionDenied {
		t.Fatalf("%d admission.denied deliveries, want 3 (u1, u2, u4)", len(ds))
	}
}

// Running images of a configured registry that were never scanned are
// queued (once); scanned ones, ones of other registries and ones whose
// digest is unknown are not.
func TestRunningImagesNeverScannedAreQueued(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, Config{})
	if err := f.c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://127.0.0.1:5000"}}); err != nil {
		t.Fatal(err)
	}
	d := func(i int) string { return fmt.Sprintf("sha256:%064x", i) }
	im := store.ImageSummary{Registry: "local", Repository: "team/scanned", Tag: "1", Digest: d(2), Reference: "127.0.0.1:5000/team/scanned@" + d(2),
		DBDigest: f.c.dbDigest(), ScannedAt: time.Now(), ScannedBy: "s"}
	rep := &report.Report{SchemaVersion: report.SchemaVersion, Image: &report.Image{Reference: im.Reference, Digest: d(2)}}
	raw, _ := json.Marshal(rep)
	if _, err := f.c.store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	rc := func(uid, registry, repo, tag, digest string) store.RunningContainer {
		return store.RunningContainer{PodUID: uid, Namespace: "prod", Pod: uid, WorkloadKind: "Pod", Workload: uid, Container: "c",
			ContainerKind: "container", Image: registry + "/" + repo + ":" + tag, Registry: registry, Repository: repo, Tag: tag, Digest: digest, SeenAt: time.Now()}
	}
	for _, c := range []store.RunningContainer{
		rc("never", "127.0.0.1:5000", "team/app", "1", d(1)),
		rc("never-2", "127.0.0.1:5000", "team/app", "1", d(1)), // same image in a second pod
		rc("scanned", "127.0.0.1:5000", "team/scanned", "1", d(2)),
		rc("no-digest", "127.0.0.1:5000", "team/other", "2", ""),
		rc("hub", "docker.io", "library/nginx", "1.25", d(3)),
	} {
		if err := f.c.store.PutPod(ctx, c.PodUID, []store.RunningContainer{c}); err != nil {
			t.Fatal(err)
		}
	}
	cs, err := f.c.store.ListRunning(ctx, store.RunningFilter{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := f.c.crawler.EnqueueRunning(ctx, cs)
	if err != nil || n != 1 {
		t.Fatalf("queued %d, %v; want the one never-scanned image of the configured registry", n, err)
	}
	if n, err := f.c.crawler.EnqueueRunning(ctx, cs); err != nil || n != 0 {
		t.Fatalf("queued again: %d, %v", n, err)
	}
	counts, err := f.c.queue.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, v := range counts {
		total += v
	}
	if total != 1 {
		t.Fatalf("queue %v, want 1 task", counts)
	}
}
