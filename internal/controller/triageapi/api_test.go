package triageapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/notify"
	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
	"github.com/scanfleet/scanfleet/internal/triage/triagetest"
)

// serve mounts the routes behind a stand-in for the controller's
// authentication: the bearer token is the role, the actor "<role>-user".
func serve(t *testing.T, f *triagetest.Fixture) (admin, reader *api.Client, keys *keyring.Keyring) {
	t.Helper()
	keys, err := keyring.New(bytes.Repeat([]byte{9}, keyring.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	a := &API{Engine: f.Engine, Sealer: keys, Actor: func(r *http.Request) (string, error) {
		return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") + "-user", nil
	}}
	mux := http.NewServeMux()
	route := func(pattern string, acc web.Access, limit int64, fn web.Handler) {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			role := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
			if acc == web.AdminAccess && role != "admin" {
				web.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "role " + role + " may not do this"})
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max(limit, web.MaxNoBody))
			if err := fn(w, r); err != nil {
				code := web.StatusOf(err)
				if code == 0 {
					t.Errorf("%s %s: %v", r.Method, r.URL.Path, err)
					code = http.StatusInternalServerError
				}
				web.WriteJSON(w, code, map[string]string{"error": err.Error()})
			}
		})
	}
	a.Routes(route)
	(&Workloads{Store: f.Store}).Routes(route)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return api.NewClient(srv.URL, "admin", nil), api.NewClient(srv.URL, "reader", nil), keys
}

func TestExceptionsAPI(t *testing.T) {
	f := triagetest.New(t)
	admin, reader, _ := serve(t, f)
	ctx := context.Background()
	total, _, _ := f.Counted(t)
	onCVE := triagetest.CountID(f.Report.Vulnerabilities, triagetest.CVE)

	req := api.ExceptionRequest{ID: "exc-1", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "CMS unused", Days: 30}
	if _, err := reader.CreateException(ctx, req); api.StatusOf(err) != http.StatusForbidden {
		t.Fatalf("reader created an exception: %v", err)
	}
	for _, c := range []struct {
		name string
		mut  func(*api.ExceptionRequest)
		want string
	}{
		{"no reason", func(r *api.ExceptionRequest) { r.Reason = "" }, "reason: required"},
		{"bad glob", func(r *api.ExceptionRequest) { r.Repositories = []string{"team/["} }, "pattern"},
		{"days and expires", func(r *api.ExceptionRequest) { e := triagetest.T0.Add(time.Hour); r.Expires = &e }, "not both"},
		{"expired already", func(r *api.ExceptionRequest) { e := triagetest.T0.Add(-time.Hour); r.Expires, r.Days = &e, 0 }, "in the past"},
	} {
		bad := req
		c.mut(&bad)
		if _, err := admin.CreateException(ctx, bad); api.StatusOf(err) != http.StatusBadRequest || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want 400 mentioning %q", c.name, err, c.want)
		}
	}
	ch, err := admin.CreateException(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Reevaluated != 1 || ch.Exception.Author != "admin-user" || ch.Exception.Expires == nil ||
		!ch.Exception.Expires.Equal(triagetest.T0.Add(30*24*time.Hour)) || ch.Exception.Expired {
		t.Fatalf("create answered %+v", ch)
	}
	if vulns, hits, _ := f.Counted(t); vulns != total-onCVE || hits != 0 {
		t.Fatalf("after create: %d findings, CVE search %d", vulns, hits)
	}
	if _, err := admin.CreateException(ctx, req); api.StatusOf(err) != http.StatusConflict {
		t.Fatalf("second create: %v", err)
	}
	req.Reason = "CMS unused, checked by the platform team"
	if _, err := admin.PutException(ctx, req); err != nil {
		t.Fatal(err)
	}
	got, err := reader.Exception(ctx, "exc-1")
	if err != nil || got.Reason != req.Reason {
		t.Fatalf("get: %+v, %v", got, err)
	}

	// Export while it applies, then delete, then import the export: the
	// same findings are excepted again, by VEX-derived exceptions.
	doc, err := reader.ExportVEX(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var parsed struct {
		Statements []struct {
			ImpactStatement string `json:"impact_statement"`
		} `json:"statements"`
	}
	if err := json.Unmarshal(doc, &parsed); err != nil || len(parsed.Statements) != onCVE || parsed.Statements[0].ImpactStatement != req.Reason {
		t.Fatalf("export: %d statements (%v): %s", len(parsed.Statements), err, doc)
	}
	if ch, err := admin.DeleteException(ctx, "exc-1"); err != nil || ch.Reevaluated != 1 {
		t.Fatalf("delete: %+v, %v", ch, err)
	}
	if vulns, hits, _ := f.Counted(t); vulns != total || hits != 1 {
		t.Fatalf("after delete: %d findings, CVE search %d", vulns, hits)
	}
	if _, err := admin.DeleteException(ctx, "exc-1"); api.StatusOf(err) != http.StatusNotFound {
		t.Fatalf("second delete: %v", err)
	}
	imp, err := admin.ImportVEX(ctx, doc)
	if err != nil || len(imp.Exceptions) != onCVE || imp.Reevaluated != 1 {
		t.Fatalf("import: %+v, %v", imp, err)
	}
	if vulns, hits, _ := f.Counted(t); vulns != total-onCVE || hits != 0 {
		t.Fatalf("after import: %d findings, CVE search %d", vulns, hits)
	}
	if _, err := admin.ImportVEX(ctx, json.RawMessage(`{"@context":"https://openvex.dev/ns/v0.2.0","statements":[{"status":"bogus"}]}`)); api.StatusOf(err) != http.StatusBadRequest {
		t.Fatalf("bad VEX: %v", err)
	}

	// Lists and the audit log.
	f.Clock.Set(triagetest.T0.Add(31 * 24 * time.Hour))
	all, err := reader.Exceptions(ctx, nil)
	if err != nil || len(all) != onCVE {
		t.Fatalf("list: %d, %v", len(all), err)
	}
	yes := true
	if exp, _ := reader.Exceptions(ctx, &yes); len(exp) != 0 {
		t.Fatalf("imported exceptions (no expiry) listed as expired: %d", len(exp))
	}
	if _, err := reader.AuditLog(ctx, "exception", "exc-1", "", 0); api.StatusOf(err) != http.StatusForbidden {
		t.Fatalf("a reader read the audit log: %v", err)
	}
	log, err := admin.AuditLog(ctx, "exception", "exc-1", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range log {
		actions = append(actions, e.Action+" by "+e.Actor)
	}
	if strings.Join(actions, ", ") != "delete by admin-user, update by admin-user, create by admin-user" {
		t.Fatalf("audit log of exc-1: %v", actions)
	}
}

func TestSubscriptionsAPI(t *testing.T) {
	f := triagetest.New(t)
	admin, reader, keys := serve(t, f)
	ctx := context.Background()

	var (
		bodies [][]byte
		sigs   []string
	)
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies, sigs = append(bodies, b), append(sigs, r.Header.Get(notify.SignatureHeader))
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()

	if _, err := reader.Subscriptions(ctx); api.StatusOf(err) != http.StatusForbidden {
		t.Fatalf("reader listed subscriptions: %v", err)
	}
	if _, err := admin.CreateSubscription(ctx, api.SubscriptionRequest{URL: "ftp://x"}); api.StatusOf(err) != http.StatusBadRequest {
		t.Fatalf("ftp URL: %v", err)
	}
	sub, err := admin.CreateSubscription(ctx, api.SubscriptionRequest{ID: "sec", URL: rcv.URL, MinSeverity: "HIGH"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sub.Secret) < 32 || !sub.SecretSet || sub.Format != notify.FormatJSON || !sub.Enabled || sub.Author != "admin-user" {
		t.Fatalf("create answered %+v", sub)
	}
	listed, err := admin.Subscriptions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(listed)
	if bytes.Contains(raw, []byte(sub.Secret)) || !bytes.Contains(raw, []byte(`"secret_set":true`)) {
		t.Fatalf("listing shows the secret or hides that one is set: %s", raw)
	}
	if _, err := admin.TestSubscription(ctx, "sec"); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.TestSubscription(ctx, "nope"); api.StatusOf(err) != http.StatusNotFound {
		t.Fatalf("test of unknown: %v", err)
	}
	disp := &notify.Dispatcher{Store: f.Store, Secrets: keys, Holder: "t", Now: f.Clock.Now}
	if _, err := disp.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	// newFixture's own subscription "all" points nowhere; only "sec" is
	// checked here.
	found := false
	for i, b := range bodies {
		if bytes.Contains(b, []byte(`"type":"test"`)) {
			found = true
			if !notify.Verify(sub.Secret, b, sigs[i]) {
				t.Fatalf("test post's signature %q does not verify with the secret given at create", sigs[i])
			}
		}
	}
	if !found {
		t.Fatalf("no test post received (%d posts)", len(bodies))
	}
	ds, err := admin.Deliveries(ctx, "sec")
	if err != nil || len(ds) != 1 || ds[0].State != "delivered" || ds[0].LastStatus != 200 {
		t.Fatalf("delivery log %+v, %v", ds, err)
	}
	if err := admin.DeleteSubscription(ctx, "sec"); err != nil {
		t.Fatal(err)
	}
	if err := admin.DeleteSubscription(ctx, "sec"); api.StatusOf(err) != http.StatusNotFound {
		t.Fatalf("second delete: %v", err)
	}
	log, err := admin.AuditLog(ctx, "subscription", "sec", "", 0)
	if err != nil || len(log) != 2 || log[0].Action != "delete" || log[1].Action != "create" {
		t.Fatalf("audit %+v, %v", log, err)
	}
	// The webhook URL, a credential, is cut to its host in the audit log.
	u, _ := url.Parse(rcv.URL)
	if raw, _ := json.Marshal(log); bytes.Contains(raw, []byte(rcv.URL+`"`)) || !bytes.Contains(raw, []byte(`"http://`+u.Host+`/…"`)) {
		t.Fatalf("audit log shows the webhook URL: %s", raw)
	}
}

// TestAuditLogPages reads the log a page at a time with before=<last id>:
// every entry once, newest first, and a bad cursor is refused.
func TestAuditLogPages(t *testing.T) {
	f := triagetest.New(t)
	admin, _, _ := serve(t, f)
	ctx := context.Background()
	srvURL := strings.TrimSuffix(admin.BaseURL(), "/")
	for i := range 5 {
		req := api.ExceptionRequest{ID: fmt.Sprintf("exc-p%d", i), Vulnerability: "CVE-2000-000" + strconv.Itoa(i), Reason: "paging"}
		if _, err := admin.CreateException(ctx, req); err != nil {
			t.Fatal(err)
		}
	}
	get := func(query string) (int, []store.AuditEntry) {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srvURL+"/api/v1/audit?"+query, nil)
		req.Header.Set("Authorization", "Bearer admin")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out []store.AuditEntry
		if resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode, out
	}
	var objects []string
	before := ""
	for range 10 {
		code, page := get("kind=exception&limit=2" + before)
		if code != http.StatusOK {
			t.Fatalf("page after %q: %d", before, code)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			objects = append(objects, e.Object)
		}
		before = "&before=" + strconv.FormatInt(page[len(page)-1].ID, 10)
	}
	if got := strings.Join(objects, ","); got != "exc-p4,exc-p3,exc-p2,exc-p1,exc-p0" {
		t.Fatalf("paged audit log %s", got)
	}
	for _, bad := range []string{"before=0", "before=x", "before=-3"} {
		if code, _ := get(bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

// Which running workloads carry CVE-X, and what runs unscanned: the
// images resolve as admission resolves them (by digest, or a tag through
// the configured registry's host), and exceptions apply here too.
func TestWorkloadsAPI(t *testing.T) {
	f := triagetest.New(t)
	_, reader, _ := serve(t, f)
	ctx := context.Background()
	mk := func(uid, ns, wl, image, reg, repo, tag, digest string) store.RunningContainer {
		return store.RunningContainer{PodUID: uid, Namespace: ns, Pod: wl + "-1", WorkloadKind: "Deployment", Workload: wl, Container: "c",
			ContainerKind: "container", Image: image, Registry: reg, Repository: repo, Tag: tag, Digest: digest, SeenAt: triagetest.T0}
	}
	for _, c := range []store.RunningContainer{
		mk("u1", "prod", "by-digest", "127.0.0.1:5000/team/alpine@"+f.Key.Digest, "127.0.0.1:5000", "team/alpine", "", f.Key.Digest),
		mk("u2", "dev", "by-tag", "127.0.0.1:5000/team/alpine:3.20.3", "127.0.0.1:5000", "team/alpine", "3.20.3", ""),
		mk("u3", "dev", "unscanned", "nginx:1.25", "docker.io", "library/nginx", "1.25", ""),
	} {
		if err := f.Store.PutPod(ctx, c.PodUID, []store.RunningContainer{c}); err != nil {
			t.Fatal(err)
		}
	}
	names := func(ws []api.RunningWorkload) string {
		var s []string
		for _, w := range ws {
			s = append(s, w.Workload)
		}
		return strings.Join(s, ",")
	}
	yes, no := true, false
	for _, c := range []struct {
		name, ns, cve string
		scanned       *bool
		want          string
	}{
		{"all", "", "", nil, "by-tag,unscanned,by-digest"},
		{"carrying the CVE", "", triagetest.CVE, nil, "by-tag,by-digest"},
		{"carrying it in prod", "prod", triagetest.CVE, nil, "by-digest"},
		{"not covered", "", "", &no, "unscanned"},
		{"scanned", "", "", &yes, "by-tag,by-digest"},
		{"another CVE", "", "CVE-1999-0001", nil, ""},
	} {
		got, err := reader.Workloads(ctx, api.WorkloadQuery{Namespace: c.ns, CVE: c.cve, Scanned: c.scanned}, 2)
		if err != nil {
			t.Fatal(err)
		}
		if names(got) != c.want {
			t.Errorf("%s: %q, want %q", c.name, names(got), c.want)
		}
	}
	// The console's images list marks running images from RunningDigests:
	// the same resolution (the by-tag container finds the same digest).
	if digests, n, err := RunningDigests(ctx, f.Store); err != nil || n != 3 || len(digests) != 1 || !digests[f.Key.Digest] {
		t.Fatalf("RunningDigests: %v of %d containers, %v; want only %s", digests, n, err, f.Key.Digest)
	}
	all, _ := reader.Workloads(ctx, api.WorkloadQuery{Namespace: "prod"}, 0)
	if len(all) != 1 || all[0].ScannedDigest != f.Key.Digest || all[0].Vulnerabilities != len(f.Report.Vulnerabilities) || all[0].ScannedAt == nil {
		t.Fatalf("prod workload %+v", all)
	}
	// Excepted: no running workload carries it any more.
	x := exception.Exception{ID: "exc-1", Vulnerability: triagetest.CVE, Reason: "r", Author: "a", Created: triagetest.T0}
	if _, err := f.Store.PutException(ctx, x, "a", triagetest.T0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.Changed(ctx, x.ID, nil, &x); err != nil {
		t.Fatal(err)
	}
	if got, _ := reader.Workloads(ctx, api.WorkloadQuery{CVE: triagetest.CVE}, 1); len(got) != 0 {
		t.Fatalf("after the exception: %q", names(got))
	}
}

// TestWorkloadsPages: a client following the Link headers sees every
// running container exactly once, with page sizes that cut inside a
// Pod's containers and a workload's Pods, while Pods are recorded and
// forgotten before and after its place; the CVE filter's short (even
// empty) pages still lead on; bad paging parameters are refused.
func TestWorkloadsPages(t *testing.T) {
	f := triagetest.New(t)
	_, reader, _ := serve(t, f)
	ctx := context.Background()
	pod := func(uid, ns, wl string, containers ...string) {
		t.Helper()
		var cs []store.RunningContainer
		for _, c := range containers {
			cs = append(cs, store.RunningContainer{PodUID: uid, Namespace: ns, Pod: wl + "-x", WorkloadKind: "Deployment", Workload: wl,
				Container: c, ContainerKind: "container", Image: "127.0.0.1:5000/team/alpine@" + f.Key.Digest, Registry: "127.0.0.1:5000",
				Repository: "team/alpine", Digest: f.Key.Digest, SeenAt: triagetest.T0})
		}
		if err := f.Store.PutPod(ctx, uid, cs); err != nil {
			t.Fatal(err)
		}
	}
	// 20 containers: Pods of one to three containers, two Pods of one
	// name (a recreated StatefulSet Pod) told apart by uid.
	want := map[string]bool{}
	for i := range 10 {
		ctrs := []string{"app", "sidecar", "init"}[:1+i%3]
		uid := fmt.Sprintf("uid-%02d", i)
		pod(uid, []string{"dev", "prod"}[i%2], fmt.Sprintf("wl-%d", i/2), ctrs...)
		for _, c := range ctrs {
			want[uid+"/"+c] = true
		}
	}
	pod("uid-dup", "prod", "wl-0", "app")
	want["uid-dup/app"] = true
	if len(want) != 20 {
		t.Fatalf("fixture has %d containers", len(want))
	}
	get := func(path string) (int, []api.RunningWorkload, string) {
		t.Helper()
		resp, err := http.Get(strings.TrimSuffix(reader.BaseURL(), "/") + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var page []api.RunningWorkload
		if resp.StatusCode == http.StatusOK {
			if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
				t.Fatal(err)
			}
		}
		return resp.StatusCode, page, resp.Header.Get("Link")
	}
	for _, limit := range []int{1, 2, 4, 7, 20, 50} {
		t.Run(fmt.Sprintf("limit %d", limit), func(t *testing.T) {
			seen := map[string]int{}
			after := ""
			for pages := 0; ; pages++ {
				if pages > 30 {
					t.Fatal("no end after 30 pages")
				}
				page, next, err := reader.WorkloadsPage(ctx, api.WorkloadQuery{}, limit, after)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) > limit {
					t.Fatalf("page of %d with limit %d", len(page), limit)
				}
				for _, w := range page {
					seen[w.PodUID+"/"+w.Container]++
				}
				if pages == 1 {
					// Recorded and forgotten while the client pages: a
					// Pod sorting first (dev/aaa) and one sorting last
					// (zzz) come and go; the others are neither skipped
					// nor repeated.
					pod("uid-new-first", "aaa", "first", "app")
					pod("uid-new-last", "zzz", "last", "app")
					if err := f.Store.DeletePod(ctx, "uid-new-first"); err != nil {
						t.Fatal(err)
					}
				}
				if next == "" {
					if len(page) == limit && limit <= len(want) {
						t.Fatalf("a full page of %d without a next link", limit)
					}
					break
				}
				after = next
			}
			if err := f.Store.DeletePod(ctx, "uid-new-last"); err != nil {
				t.Fatal(err)
			}
			delete(seen, "uid-new-last/app")
			for k := range want {
				if seen[k] != 1 {
					t.Errorf("%s listed %d times", k, seen[k])
				}
			}
			if len(seen) != len(want) {
				t.Errorf("%d containers listed, want %d: %v", len(seen), len(want), seen)
			}
		})
	}
	// Filtered pages may be short, even empty, and still lead on: the
	// client follows them to every container of prod/wl-2 (uid-04, -05).
	code, page, link := get("/api/v1/workloads?scanned=false&limit=3")
	if code != http.StatusOK || len(page) != 0 || !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "scanned=false") {
		t.Fatalf("first filtered page: %d, %d rows, Link %q", code, len(page), link)
	}
	all, err := reader.Workloads(ctx, api.WorkloadQuery{CVE: triagetest.CVE}, 3)
	if err != nil || len(all) != len(want) {
		t.Fatalf("carrying %s through pages of 3: %d, %v; want %d", triagetest.CVE, len(all), err, len(want))
	}
	if _, _, link := get("/api/v1/workloads"); link != "" {
		t.Errorf("unpaged listing has a Link header %q", link)
	}
	for _, bad := range []string{"limit=0", "limit=x", "limit=-1", "after=abc&limit=2", "after=" + "WyJhIl0" + "&limit=2", "after=WyJhIl0"} {
		if code, _, _ := get("/api/v1/workloads?" + bad); code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", bad, code)
		}
	}
}

// TestExpireException: POST /api/v1/exceptions/{id}/expire ends an
// exception now. Every reader counts its findings again at once (the
// image's count, CVE search, the stored report), the exception stays
// listed as expired and the stored report names it as expired; the audit
// log has the expire; a second expire changes nothing; a reader may not.
func TestExpireException(t *testing.T) {
	f := triagetest.New(t)
	admin, reader, _ := serve(t, f)
	ctx := context.Background()
	before, hits, _ := f.Counted(t)
	if hits != 1 {
		t.Fatalf("%s found in %d images before any exception", triagetest.CVE, hits)
	}
	if _, err := admin.CreateException(ctx, api.ExceptionRequest{ID: "cms", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"},
		Days: 30, Reason: "CMS not used"}); err != nil {
		t.Fatal(err)
	}
	excepted, hits, _ := f.Counted(t)
	if excepted != before-2 || hits != 0 {
		t.Fatalf("with the exception: %d findings (want %d), %d search hits (want 0)", excepted, before-2, hits)
	}
	if _, err := reader.ExpireException(ctx, "cms"); api.StatusOf(err) != http.StatusForbidden {
		t.Fatalf("a reader expired an exception: %v", err)
	}
	f.Clock.Set(triagetest.T0.Add(time.Hour))
	ch, err := admin.ExpireException(ctx, "cms")
	if err != nil {
		t.Fatal(err)
	}
	if !ch.Exception.Expired || ch.AlreadyExpired || ch.Reevaluated != 1 || ch.Exception.Expires == nil ||
		!ch.Exception.Expires.Equal(triagetest.T0.Add(time.Hour)) || ch.Exception.Reason != "CMS not used" {
		t.Fatalf("expire answered %+v", ch)
	}
	// At once: no reconciliation, no clock step.
	after, hits, rep := f.Counted(t)
	if after != before || hits != 1 {
		t.Fatalf("after expiring: %d findings (want %d), %d search hits (want 1)", after, before, hits)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, "cms")
	}
	if !warned {
		t.Errorf("the stored report's warnings do not name the expired exception: %q", rep.Warnings)
	}
	list, err := reader.Exceptions(ctx, nil)
	if err != nil || len(list) != 1 || !list[0].Expired {
		t.Fatalf("exceptions after expiring: %+v, %v", list, err)
	}
	audit, err := admin.AuditLog(ctx, "exception", "cms", "", 0)
	if err != nil || len(audit) != 2 || audit[0].Action != store.AuditExpire || audit[0].Actor != "admin-user" {
		t.Fatalf("audit: %+v, %v", audit, err)
	}
	again, err := admin.ExpireException(ctx, "cms")
	if err != nil || !again.AlreadyExpired || again.Reevaluated != 0 {
		t.Fatalf("second expire: %+v, %v", again, err)
	}
	if audit, _ := admin.AuditLog(ctx, "exception", "cms", "", 0); len(audit) != 2 {
		t.Errorf("second expire was logged: %d entries", len(audit))
	}
	if _, err := admin.ExpireException(ctx, "nope"); api.StatusOf(err) != http.StatusNotFound {
		t.Errorf("expiring an unknown exception: %v", err)
	}
}

// TestReplaceKeepsCreated: replacing an exception (PUT, or importing the
// same VEX statement again) keeps when it was made and records when it
// was changed; the console and CLI show "created" as the former.
func TestReplaceKeepsCreated(t *testing.T) {
	f := triagetest.New(t)
	admin, reader, _ := serve(t, f)
	ctx := context.Background()
	req := api.ExceptionRequest{ID: "exc-1", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "CMS unused", Days: 30}
	if _, err := admin.CreateException(ctx, req); err != nil {
		t.Fatal(err)
	}
	edited := triagetest.T0.Add(2 * time.Hour)
	f.Clock.Set(edited)
	req.Reason = "CMS unused, checked"
	ch, err := admin.PutException(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	put, err := reader.Exception(ctx, "exc-1")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := reader.ExportVEX(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DeleteException(ctx, "exc-1"); err != nil {
		t.Fatal(err)
	}
	imp, err := admin.ImportVEX(ctx, doc)
	if err != nil || len(imp.Exceptions) == 0 {
		t.Fatalf("import: %+v, %v", imp, err)
	}
	vexID := imp.Exceptions[0].ID
	reimported := edited.Add(time.Hour)
	f.Clock.Set(reimported)
	if _, err := admin.ImportVEX(ctx, doc); err != nil {
		t.Fatal(err)
	}
	got, err := reader.Exception(ctx, vexID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name             string
		x                api.Exception
		created, updated time.Time
	}{
		{"PUT answer", ch.Exception.Exception, triagetest.T0, edited},
		{"stored after PUT", put.Exception, triagetest.T0, edited},
		{"VEX re-import", got.Exception, edited, reimported},
	} {
		if !c.x.Created.Equal(c.created) || c.x.Updated == nil || !c.x.Updated.Equal(c.updated) {
			t.Errorf("%s: created %s, updated %v; want created %s, updated %s", c.name, c.x.Created, c.x.Updated, c.created, c.updated)
		}
	}
}

// TestWorkloadsCVEByResult: ?cve= judges each workload by the stored
// result it shows. One image digest is stored under two repositories and
// an exception covers the CVE in team/* only: the workload running
// team/alpine does not carry it, the one running other/alpine does,
// whatever the case of the id asked for. (Judged by digest from the
// fleet-wide CVE index, both were listed.)
func TestWorkloadsCVEByResult(t *testing.T) {
	f := triagetest.New(t)
	_, reader, _ := serve(t, f)
	ctx := context.Background()
	x := exception.Exception{ID: "team", Vulnerability: triagetest.CVE, Repositories: []string{"team/*"}, Reason: "r", Author: "a", Created: triagetest.T0}
	if _, err := f.Store.PutException(ctx, x, "a", triagetest.T0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Engine.Changed(ctx, x.ID, nil, &x); err != nil {
		t.Fatal(err)
	}
	other := store.ImageKey{Registry: "local", Repository: "other/alpine", Digest: f.Key.Digest}
	rep := triagetest.Clone(t, f.Report)
	fp, err := f.Engine.Apply(ctx, other, []string{"3.20.3"}, rep)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(rep)
	im := store.ImageSummary{Registry: other.Registry, Repository: other.Repository, Digest: other.Digest, Tag: "3.20.3",
		Reference: "127.0.0.1:5000/other/alpine:3.20.3", DBDigest: "db1", ScannedAt: triagetest.T0, ScannedBy: "s1"}
	if _, err := f.Store.PutResult(ctx, store.Result{Image: im, Report: rep, Raw: raw}); err != nil {
		t.Fatal(err)
	}
	if err := f.Engine.Stored(ctx, other, fp); err != nil {
		t.Fatal(err)
	}
	for i, repo := range []string{"team/alpine", "other/alpine"} {
		uid := fmt.Sprintf("u%d", i)
		c := store.RunningContainer{PodUID: uid, Namespace: "prod", Pod: repo + "-1", WorkloadKind: "Deployment", Workload: repo, Container: "c",
			ContainerKind: "container", Image: "127.0.0.1:5000/" + repo + "@" + f.Key.Digest, Registry: "127.0.0.1:5000", Repository: repo,
			Digest: f.Key.Digest, SeenAt: triagetest.T0}
		if err := f.Store.PutPod(ctx, uid, []store.RunningContainer{c}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name, cve string
		pageSize  int
		want      string
	}{
		{"as written", triagetest.CVE, 0, "other/alpine"},
		{"lower case", strings.ToLower(triagetest.CVE), 0, "other/alpine"},
		{"pages of 1", triagetest.CVE, 1, "other/alpine"},
		{"another CVE", "CVE-1999-0001", 0, ""},
	} {
		got, err := reader.Workloads(ctx, api.WorkloadQuery{CVE: c.cve}, c.pageSize)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, w := range got {
			names = append(names, w.Workload)
		}
		if strings.Join(names, ",") != c.want {
			t.Errorf("%s: %q, want %q", c.name, names, c.want)
		}
	}
}
