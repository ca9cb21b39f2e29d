package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/report"
)

func testException(id, vuln string) exception.Exception {
	exp := t0.Add(30 * 24 * time.Hour)
	return exception.Exception{ID: id, Vulnerability: vuln, Repositories: []string{"team/*"}, Reason: "not reachable",
		Author: "alice", Created: t0, Expires: &exp}
}

func testExceptions(e *env) {
	a := testException("exc-a", "CVE-2024-1")
	created, err := e.s.PutException(e.ctx, a, "alice", t0)
	e.must(err)
	if !created {
		e.t.Fatal("first put not reported as created")
	}
	got, ok, err := e.s.GetException(e.ctx, "exc-a")
	e.must(err)
	if !ok || got.Vulnerability != "CVE-2024-1" || !slices.Equal(got.Repositories, []string{"team/*"}) || !got.Expires.Equal(*a.Expires) ||
		!got.Created.Equal(t0) {
		e.t.Fatalf("got %+v, %v", got, ok)
	}
	a.Reason = "vendor says not exploitable"
	created, err = e.s.PutException(e.ctx, a, "bob", t0.Add(time.Minute))
	e.must(err)
	if created {
		e.t.Fatal("replacement reported as created")
	}
	_, err = e.s.PutException(e.ctx, testException("exc-b", "CVE-2024-2"), "alice", t0.Add(2*time.Minute))
	e.must(err)
	list, err := e.s.ListExceptions(e.ctx)
	e.must(err)
	if len(list) != 2 || list[0].ID != "exc-a" || list[0].Reason != "vendor says not exploitable" || list[1].ID != "exc-b" {
		e.t.Fatalf("list %+v", list)
	}

	// Invalid exceptions are refused before anything is written.
	bad := testException("exc-c", "CVE-2024-3")
	bad.Reason = ""
	if _, err := e.s.PutException(e.ctx, bad, "alice", t0); !errors.Is(err, exception.ErrInvalid) {
		e.t.Fatalf("exception without reason: %v", err)
	}
	if _, err := e.s.PutException(e.ctx, testException("exc-c", "CVE-2024-3"), "", t0); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("no actor: %v", err)
	}

	ok, err = e.s.DeleteException(e.ctx, "exc-b", "carol", t0.Add(3*time.Minute))
	e.must(err)
	if !ok {
		e.t.Fatal("delete found nothing")
	}
	ok, err = e.s.DeleteException(e.ctx, "exc-b", "carol", t0.Add(4*time.Minute))
	e.must(err)
	if ok {
		e.t.Fatal("second delete found something")
	}
	if _, ok, _ := e.s.GetException(e.ctx, "exc-b"); ok {
		e.t.Fatal("deleted exception still there")
	}

	// Every change is in the audit log, newest first, with before/after.
	log, err := e.s.AuditLog(e.ctx, AuditFilter{Kind: "exception"})
	e.must(err)
	var summary []string
	for _, a := range log {
		summary = append(summary, a.Action+" "+a.Object+" by "+a.Actor)
	}
	want := []string{"delete exc-b by carol", "create exc-b by alice", "update exc-a by bob", "create exc-a by alice"}
	if !slices.Equal(summary, want) {
		e.t.Fatalf("audit log %q, want %q", summary, want)
	}
	var before, after exception.Exception
	e.must(json.Unmarshal(log[2].Before, &before))
	e.must(json.Unmarshal(log[2].After, &after))
	if before.Reason != "not reachable" || after.Reason != "vendor says not exploitable" || !log[2].At.Equal(t0.Add(time.Minute)) {
		e.t.Fatalf("update entry: before %q after %q at %v", before.Reason, after.Reason, log[2].At)
	}
	if log[0].After != nil || log[0].Before == nil || log[3].Before != nil {
		e.t.Fatal("a delete has only before, a create only after")
	}
	byObject, err := e.s.AuditLog(e.ctx, AuditFilter{Object: "exc-a", Limit: 1})
	e.must(err)
	if len(byObject) != 1 || byObject[0].Actor != "bob" {
		e.t.Fatalf("filtered audit log %+v", byObject)
	}

	// Expiring ends the exception now, keeps the rest, and is logged;
	// expiring it again changes and logs nothing.
	end := t0.Add(5 * time.Minute)
	x, found, changed, err := e.s.ExpireException(e.ctx, "exc-a", "dave", end)
	e.must(err)
	if !found || !changed || x.Expires == nil || !x.Expires.Equal(end) || x.Reason != "vendor says not exploitable" || x.Author != "alice" {
		e.t.Fatalf("expire: %+v found %v changed %v", x, found, changed)
	}
	if got, _, _ := e.s.GetException(e.ctx, "exc-a"); got.Expires == nil || !got.Expires.Equal(end) || got.ActiveAt(end) {
		e.t.Fatalf("stored after expire: %+v", got)
	}
	if _, found, changed, err := e.s.ExpireException(e.ctx, "exc-a", "dave", end.Add(time.Minute)); err != nil || !found || changed {
		e.t.Fatalf("second expire: found %v changed %v err %v", found, changed, err)
	}
	if _, found, _, err := e.s.ExpireException(e.ctx, "exc-none", "dave", end); err != nil || found {
		e.t.Fatalf("expiring an unknown exception: found %v err %v", found, err)
	}
	exp, err := e.s.AuditLog(e.ctx, AuditFilter{Object: "exc-a"})
	e.must(err)
	if len(exp) != 3 || exp[0].Action != AuditExpire || exp[0].Actor != "dave" || !exp[0].At.Equal(end) {
		e.t.Fatalf("audit after expire: %+v", exp)
	}
	e.must(json.Unmarshal(exp[0].Before, &before))
	e.must(json.Unmarshal(exp[0].After, &after))
	if !before.Expires.Equal(t0.Add(30*24*time.Hour)) || !after.Expires.Equal(end) {
		e.t.Fatalf("expire entry: before %v after %v", before.Expires, after.Expires)
	}

	// AddAudit for changes made elsewhere.
	ext := &AuditEntry{At: t0, Actor: "admin", Action: "update", Kind: "admission-rule", Object: "r1", After: json.RawMessage(`{"x":1}`)}
	e.must(e.s.AddAudit(e.ctx, ext))
	if ext.ID == 0 {
		e.t.Fatal("AddAudit did not set the id")
	}
	if err := e.s.AddAudit(e.ctx, &AuditEntry{At: t0, Actor: "admin", Action: "update", Kind: "x", After: json.RawMessage(`{`)}); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("invalid JSON: %v", err)
	}
}

func testSubscriptions(e *env) {
	sub := Subscription{ID: "sub-1", Name: "security", URL: "https://hooks.example/x", Format: "json", SecretSealed: []byte{1, 2, 3},
		MinSeverity: "HIGH", Events: []string{"image.findings_added"}, Enabled: true, Author: "alice", Created: t0}
	created, err := e.s.PutSubscription(e.ctx, sub, "alice", t0)
	e.must(err)
	if !created {
		e.t.Fatal("not created")
	}
	got, ok, err := e.s.GetSubscription(e.ctx, "sub-1")
	e.must(err)
	if !ok || got.URL != sub.URL || !slices.Equal(got.SecretSealed, sub.SecretSealed) || !slices.Equal(got.Events, sub.Events) ||
		!got.Enabled || got.MinSeverity != "HIGH" || !got.Created.Equal(t0) {
		e.t.Fatalf("got %+v", got)
	}
	sub.Enabled = false
	_, err = e.s.PutSubscription(e.ctx, sub, "bob", t0.Add(time.Second))
	e.must(err)
	list, err := e.s.ListSubscriptions(e.ctx)
	e.must(err)
	if len(list) != 1 || list[0].Enabled {
		e.t.Fatalf("list %+v", list)
	}
	// The audit log never holds the secret.
	log, err := e.s.AuditLog(e.ctx, AuditFilter{Kind: "subscription"})
	e.must(err)
	if len(log) != 2 || log[0].Action != AuditUpdate || strings.Contains(string(log[0].After), "AQID") || strings.Contains(string(log[0].Before), "secret") {
		e.t.Fatalf("audit %+v", log)
	}

	// Deleting drops its pending deliveries, keeps the delivered log.
	n, err := e.s.Enqueue(e.ctx, []Delivery{
		{Subscription: "sub-1", EventID: "ev-1", Kind: "digest", Body: []byte(`{}`), NextAt: t0, CreatedAt: t0},
		{Subscription: "sub-1", EventID: "ev-2", Kind: "digest", Body: []byte(`{}`), NextAt: t0, CreatedAt: t0},
	})
	e.must(err)
	if n != 2 {
		e.t.Fatalf("enqueued %d", n)
	}
	ds, err := e.s.ClaimDeliveries(e.ctx, "h", t0, t0.Add(time.Minute), 1)
	e.must(err)
	e.must(e.s.FinishDelivery(e.ctx, ds[0].ID, "h", DeliveryAttempt{State: DeliveryDelivered, Status: 200, At: t0}))
	ok, err = e.s.DeleteSubscription(e.ctx, "sub-1", "carol", t0.Add(time.Hour))
	e.must(err)
	if !ok {
		e.t.Fatal("delete found nothing")
	}
	left, err := e.s.ListDeliveries(e.ctx, DeliveryFilter{})
	e.must(err)
	if len(left) != 1 || left[0].State != DeliveryDelivered {
		e.t.Fatalf("after delete: %+v", left)
	}
}

func testOutbox(e *env) {
	mk := func(sub, ev string, due time.Time) Delivery {
		return Delivery{Subscription: sub, EventID: ev, Kind: "image.findings_added", Body: []byte(`{"id":"` + ev + `"}`), NextAt: due, CreatedAt: t0}
	}
	n, err := e.s.Enqueue(e.ctx, []Delivery{mk("s1", "e1", t0), mk("s1", "e2", t0.Add(time.Minute)), mk("s2", "e1", t0)})
	e.must(err)
	if n != 3 {
		e.t.Fatalf("enqueued %d, want 3", n)
	}
	// The same event for the same subscription is not queued twice.
	n, err = e.s.Enqueue(e.ctx, []Delivery{mk("s1", "e1", t0), mk("s1", "e3", t0)})
	e.must(err)
	if n != 1 {
		e.t.Fatalf("re-enqueue added %d, want 1 (e3 only)", n)
	}

	// Due at t0: s1/e1, s2/e1, s1/e3 (e2 is due a minute later).
	got, err := e.s.ClaimDeliveries(e.ctx, "a", t0, t0.Add(30*time.Second), 10)
	e.must(err)
	if len(got) != 3 {
		e.t.Fatalf("claimed %d, want 3", len(got))
	}
	// Leased: nothing for another claimer until the lease lapses.
	other, err := e.s.ClaimDeliveries(e.ctx, "b", t0.Add(10*time.Second), t0.Add(time.Minute), 10)
	e.must(err)
	if len(other) != 0 {
		e.t.Fatalf("b claimed %d leased deliveries", len(other))
	}
	var e1 Delivery
	for _, d := range got {
		if d.Subscription == "s1" && d.EventID == "e1" {
			e1 = d
		}
	}
	if string(e1.Body) != `{"id":"e1"}` || e1.State != DeliveryPending {
		e.t.Fatalf("claimed %+v", e1)
	}
	// A failed attempt retries later; the attempt is counted.
	e.must(e.s.FinishDelivery(e.ctx, e1.ID, "a", DeliveryAttempt{State: DeliveryPending, Status: 503, Error: "503 Service Unavailable",
		At: t0, NextAt: t0.Add(2 * time.Minute)}))
	// The finished lease is gone: a is no longer the holder.
	if err := e.s.FinishDelivery(e.ctx, e1.ID, "a", DeliveryAttempt{State: DeliveryDelivered, At: t0}); !errors.Is(err, ErrNotHolder) {
		e.t.Fatalf("finish without lease: %v", err)
	}
	// a's other leases lapse at t0+30s; b takes them and e2 (due t0+1m).
	later, err := e.s.ClaimDeliveries(e.ctx, "b", t0.Add(time.Minute), t0.Add(2*time.Minute), 10)
	e.must(err)
	if len(later) != 3 {
		e.t.Fatalf("b claimed %d after the lease lapsed, want 3", len(later))
	}
	for _, d := range later {
		if d.ID == e1.ID {
			e.t.Fatal("a delivery retried before its next attempt time")
		}
		e.must(e.s.FinishDelivery(e.ctx, d.ID, "b", DeliveryAttempt{State: DeliveryDelivered, Status: 204, At: t0.Add(time.Minute)}))
	}
	// a's late finish of a delivery b took over is refused.
	if err := e.s.FinishDelivery(e.ctx, later[0].ID, "a", DeliveryAttempt{State: DeliveryDelivered, At: t0}); !errors.Is(err, ErrNotHolder) {
		e.t.Fatalf("stale holder: %v", err)
	}
	retry, err := e.s.ClaimDeliveries(e.ctx, "b", t0.Add(2*time.Minute), t0.Add(3*time.Minute), 10)
	e.must(err)
	if len(retry) != 1 || retry[0].ID != e1.ID || retry[0].Attempts != 1 || retry[0].LastStatus != 503 {
		e.t.Fatalf("retry %+v", retry)
	}
	e.must(e.s.FinishDelivery(e.ctx, e1.ID, "b", DeliveryAttempt{State: DeliveryFailed, Status: 410, Error: "gone", At: t0.Add(2 * time.Minute)}))

	log, err := e.s.ListDeliveries(e.ctx, DeliveryFilter{Subscription: "s1"})
	e.must(err)
	states := map[string]string{}
	for _, d := range log {
		states[d.EventID] = fmt.Sprintf("%s/%d", d.State, d.Attempts)
	}
	if states["e1"] != "failed/2" || states["e2"] != "delivered/1" || states["e3"] != "delivered/1" || len(states) != 3 {
		e.t.Fatalf("delivery log %v", states)
	}
	failed, err := e.s.ListDeliveries(e.ctx, DeliveryFilter{State: DeliveryFailed})
	e.must(err)
	if len(failed) != 1 {
		e.t.Fatalf("failed: %+v", failed)
	}
	if err := e.s.FinishDelivery(e.ctx, "x", "b", DeliveryAttempt{State: "lost"}); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("bad state: %v", err)
	}
	pruned, err := e.s.PruneDeliveries(e.ctx, t0.Add(time.Second))
	e.must(err)
	if pruned != 4 {
		e.t.Fatalf("pruned %d, want 4 finished", pruned)
	}
}

// Several claimers at once (several controllers): every delivery is
// claimed by exactly one.
func testConcurrentDeliveryClaims(e *env) {
	const total = 200
	var ds []Delivery
	for i := 0; i < total; i++ {
		ds = append(ds, Delivery{Subscription: "s", EventID: fmt.Sprintf("e%03d", i), Kind: "k", Body: []byte("{}"), NextAt: t0, CreatedAt: t0})
	}
	_, err := e.s.Enqueue(e.ctx, ds)
	e.must(err)
	var (
		mu   sync.Mutex
		got  []string
		errs []error
		wg   sync.WaitGroup
	)
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				c, err := e.s.ClaimDeliveries(e.ctx, fmt.Sprintf("w%d", w), t0, t0.Add(time.Hour), 7)
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, d := range c {
					got = append(got, d.EventID)
				}
				mu.Unlock()
				if err != nil || len(c) == 0 {
					return
				}
			}
		}(w)
	}
	wg.Wait()
	e.must(errors.Join(errs...))
	sort.Strings(got)
	distinct := len(slices.Compact(slices.Clone(got)))
	if len(got) != total || distinct != total {
		e.t.Fatalf("claimed %d deliveries (%d distinct), want each of %d once", len(got), distinct, total)
	}
}

// A stored result re-evaluated against exceptions: counts, the CVE index
// and the image_exceptions index follow the report; a report changed
// meanwhile is not overwritten.
func testExceptionsOnResults(e *env) {
	r1, raw1 := rep(2, report.Vulnerability{ID: "CVE-1", Severity: "high", Package: "openssl"},
		report.Vulnerability{ID: "CVE-2", Severity: "low", Package: "zlib"})
	k := ImageKey{Registry: "r", Repository: "team/app", Digest: "sha256:a"}
	im := ImageSummary{Registry: k.Registry, Repository: k.Repository, Digest: k.Digest, Tag: "v1", Reference: "r/team/app:v1",
		DBDigest: "db1", ScannedAt: t0, ScannedBy: "s1"}
	putResult(e, "", im, r1, raw1)

	set := exception.NewSet([]exception.Exception{testException("exc-a", "CVE-1")})
	target := exception.Target{Registries: []string{"r"}, Repository: k.Repository, Tags: []string{"v1"}, Digest: k.Digest}
	applied := *r1
	if n := len(set.Apply(&applied, target, t0).Suppressed); n != 1 {
		e.t.Fatalf("suppressed %d", n)
	}
	rawApplied, err := json.Marshal(&applied)
	e.must(err)
	ok, err := e.s.ReplaceReport(e.ctx, k, raw1, &applied, rawApplied)
	e.must(err)
	if !ok {
		e.t.Fatal("ReplaceReport refused an unchanged report")
	}
	im2 := mustList(e, ImageFilter{})[0]
	if im2.Vulnerabilities != 1 || im2.Severities["HIGH"] != 0 || im2.Scans != 1 || im2.DBDigest != "db1" {
		e.t.Fatalf("after the exception: %+v", im2)
	}
	if keys, _ := e.s.ImagesWithVuln(e.ctx, "CVE-1"); len(keys) != 0 {
		e.t.Fatalf("CVE search still finds the excepted finding: %v", keys)
	}
	if n := len(mustList(e, ImageFilter{CVE: "CVE-1"})); n != 0 {
		e.t.Fatalf("image list by CVE finds %d", n)
	}
	keys, err := e.s.ImagesWithException(e.ctx, "exc-a", "exc-zzz")
	e.must(err)
	if len(keys) != 1 || keys[0] != k {
		e.t.Fatalf("ImagesWithException = %v", keys)
	}
	// Stale: the stored report is no longer raw1.
	ok, err = e.s.ReplaceReport(e.ctx, k, raw1, r1, raw1)
	e.must(err)
	if ok {
		e.t.Fatal("ReplaceReport overwrote a report that changed since it was read")
	}
	// A new scan (without exceptions applied) clears the index.
	im.ScannedAt = t0.Add(time.Hour)
	putResult(e, "", im, r1, raw1)
	if keys, _ := e.s.ImagesWithException(e.ctx, "exc-a"); len(keys) != 0 {
		e.t.Fatalf("index not rewritten by PutResult: %v", keys)
	}
	if ok, _ := e.s.ReplaceReport(e.ctx, ImageKey{Registry: "r", Repository: "none", Digest: "sha256:x"}, nil, r1, raw1); ok {
		e.t.Fatal("ReplaceReport of an unknown image")
	}
}

// testImagesWithExceptionPages: ImagesWithExceptionAfter walks the
// images an exception suppresses findings in, a page at a time, in key
// order: every image once, none of another exception, and the same
// images as ImagesWithException lists at once.
func testImagesWithExceptionPages(e *env) {
	var want []ImageKey
	for _, reg := range []string{"r1", "r2"} {
		for _, repo := range []string{"a/x", "b"} {
			for _, d := range []string{"sha256:1", "sha256:2"} {
				r, _ := rep(1)
				r.Suppressed = []report.Suppressed{{Vulnerability: report.Vulnerability{ID: "CVE-1", Package: "p"}, Status: exception.StatusException, Exception: "exc-p"}}
				if reg == "r2" && repo == "b" && d == "sha256:2" {
					r.Suppressed[0].Exception = "exc-other"
				} else {
					want = append(want, ImageKey{Registry: reg, Repository: repo, Digest: d})
				}
				raw, _ := json.Marshal(r)
				putResult(e, "", ImageSummary{Registry: reg, Repository: repo, Digest: d, Tag: "v1", Reference: reg + "/" + repo + "@" + d,
					DBDigest: "db1", ScannedAt: t0, ScannedBy: "s1"}, r, raw)
			}
		}
	}
	all, err := e.s.ImagesWithException(e.ctx, "exc-p")
	e.must(err)
	if !slices.Equal(all, want) {
		e.t.Fatalf("ImagesWithException = %v, want %v", all, want)
	}
	for _, limit := range []int{1, 2, 3, 7, 100} {
		var got []ImageKey
		after := ImageKey{}
		for range 10 {
			page, err := e.s.ImagesWithExceptionAfter(e.ctx, after, limit, "exc-p")
			e.must(err)
			if len(page) > limit {
				e.t.Fatalf("limit %d: a page of %d", limit, len(page))
			}
			if len(page) == 0 {
				break
			}
			got = append(got, page...)
			after = page[len(page)-1]
		}
		if !slices.Equal(got, want) {
			e.t.Fatalf("limit %d: pages give %v, want %v", limit, got, want)
		}
	}
	if _, err := e.s.ImagesWithExceptionAfter(e.ctx, ImageKey{}, 0, "exc-p"); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("limit 0: %v, want ErrInvalid", err)
	}
}

func testWorkloads(e *env) {
	c := func(uid, ns, wl, ctr, digest string, seen time.Time) RunningContainer {
		return RunningContainer{PodUID: uid, Namespace: ns, Pod: wl + "-abc", WorkloadKind: "Deployment", Workload: wl, Container: ctr,
			ContainerKind: "container", Image: "r/team/app:1", Registry: "r", Repository: "team/app", Tag: "1", Digest: digest, SeenAt: seen}
	}
	e.must(e.s.PutPod(e.ctx, "u1", []RunningContainer{c("u1", "prod", "web", "app", "sha256:a", t0), c("u1", "prod", "web", "sidecar", "sha256:b", t0)}))
	e.must(e.s.PutPod(e.ctx, "u2", []RunningContainer{c("u2", "dev", "web", "app", "", t0)}))
	// Replacing a pod replaces its containers.
	e.must(e.s.PutPod(e.ctx, "u1", []RunningContainer{c("u1", "prod", "web", "app", "sha256:a", t0.Add(time.Minute))}))
	all, err := e.s.ListRunning(e.ctx, RunningFilter{})
	e.must(err)
	if len(all) != 2 || all[0].Namespace != "dev" || all[1].Container != "app" || !all[1].SeenAt.Equal(t0.Add(time.Minute)) {
		e.t.Fatalf("running %+v", all)
	}
	if got, _ := e.s.ListRunning(e.ctx, RunningFilter{Digest: "sha256:a"}); len(got) != 1 || got[0].PodUID != "u1" {
		e.t.Fatalf("by digest %+v", got)
	}
	// Keyset pages: every container exactly once whatever the page
	// size, including Pods of one name under different uids (a
	// StatefulSet Pod recreated) that differ only by uid.
	e.must(e.s.PutPod(e.ctx, "u3", []RunningContainer{c("u3", "prod", "web", "app", "", t0), c("u3", "prod", "web", "init", "", t0)}))
	e.must(e.s.PutPod(e.ctx, "u4", []RunningContainer{c("u4", "prod", "db", "app", "", t0)}))
	full, err := e.s.ListRunning(e.ctx, RunningFilter{})
	e.must(err)
	if len(full) != 5 {
		e.t.Fatalf("%d running, want 5", len(full))
	}
	for _, size := range []int{1, 2, 4, 5} {
		var got []string
		var after *RunningContainer
		for range 10 {
			pg, err := e.s.ListRunning(e.ctx, RunningFilter{Limit: size, After: after})
			e.must(err)
			for _, r := range pg {
				got = append(got, r.PodUID+"/"+r.Container)
			}
			if len(pg) < size {
				break
			}
			after = &pg[len(pg)-1]
		}
		var want []string
		for _, r := range full {
			want = append(want, r.PodUID+"/"+r.Container)
		}
		if !slices.Equal(got, want) {
			e.t.Fatalf("pages of %d: %q, want %q", size, got, want)
		}
	}
	if _, err := e.s.ListRunning(e.ctx, RunningFilter{Limit: -1}); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("negative limit: %v", err)
	}
	e.must(e.s.DeletePod(e.ctx, "u3"))
	e.must(e.s.DeletePod(e.ctx, "u4"))
	// Which running workloads carry CVE-1: through the CVE index.
	r1, raw1 := rep(1, report.Vulnerability{ID: "CVE-1", Severity: "high", Aliases: []string{"GHSA-x"}})
	putResult(e, "", ImageSummary{Registry: "r", Repository: "team/app", Digest: "sha256:a", DBDigest: "db", ScannedAt: t0, ScannedBy: "s"}, r1, raw1)
	for _, id := range []string{"CVE-1", "GHSA-x"} {
		got, err := e.s.RunningWithVuln(e.ctx, id)
		e.must(err)
		if len(got) != 1 || got[0].Workload != "web" || got[0].Namespace != "prod" {
			e.t.Fatalf("running with %s: %+v", id, got)
		}
	}
	if got, _ := e.s.RunningWithVuln(e.ctx, "CVE-2"); len(got) != 0 {
		e.t.Fatalf("running with CVE-2: %+v", got)
	}
	// u2 was not seen since t0+30s: pruned; u1 was.
	n, err := e.s.PruneRunning(e.ctx, t0.Add(30*time.Second))
	e.must(err)
	if n != 1 {
		e.t.Fatalf("pruned %d", n)
	}
	e.must(e.s.DeletePod(e.ctx, "u1"))
	if all, _ := e.s.ListRunning(e.ctx, RunningFilter{}); len(all) != 0 {
		e.t.Fatalf("after delete: %+v", all)
	}
	if err := e.s.PutPod(e.ctx, "", nil); !errors.Is(err, ErrInvalid) {
		e.t.Fatalf("empty uid: %v", err)
	}
}
