package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store/keyring"
)

func testAdmission(e *env) {
	st, err := e.s.AdmissionSettings(e.ctx)
	e.must(err)
	if st.Mode != admission.Monitor || st.NoResult != admission.Allow {
		e.t.Errorf("default settings = %+v", st)
	}
	e.must(e.s.PutAdmissionSettings(e.ctx, admission.Settings{Mode: admission.Protect, NoResult: admission.Deny}))
	if st, _ := e.s.AdmissionSettings(e.ctx); st.Mode != admission.Protect || st.NoResult != admission.Deny {
		e.t.Errorf("stored settings = %+v", st)
	}
	for _, c := range []struct {
		name    string
		action  admission.Action
		created bool
	}{{"b", admission.Deny, true}, {"a", admission.Allow, true}, {"b", admission.Allow, false}} {
		created, err := e.s.PutAdmissionRule(e.ctx, admission.Rule{Name: c.name, Action: c.action})
		e.must(err)
		if created != c.created {
			e.t.Errorf("PutAdmissionRule(%s) created = %v, want %v", c.name, created, c.created)
		}
	}
	rules, err := e.s.AdmissionRules(e.ctx)
	e.must(err)
	if len(rules) != 2 || rules[0].Name != "b" || rules[0].Action != admission.Allow || rules[1].Name != "a" {
		e.t.Errorf("rules (replaced b keeps its place) = %+v", rules)
	}
	if ok, _ := e.s.DeleteAdmissionRule(e.ctx, "b"); !ok {
		e.t.Error("DeleteAdmissionRule(b) = false")
	}
	if ok, _ := e.s.DeleteAdmissionRule(e.ctx, "b"); ok {
		e.t.Error("deleting b twice = true")
	}
	at := t0
	for i, c := range []struct{ ns, result string }{{"prod", "denied"}, {"dev", "allowed"}, {"prod", "allowed"}} {
		d := &Decision{At: at.Add(time.Duration(i) * time.Second), UID: fmt.Sprint("uid", i), Kind: "Pod", Namespace: c.ns, Name: "p",
			Operation: "CREATE", User: "alice", DryRun: i == 1, Allowed: c.result != "denied", Result: c.result, Mode: admission.Protect,
			Images: []ImageDecision{{Container: "c", Image: "app:1", Scanned: true, ScannedAt: &at, Verdict: admission.Verdict{Action: admission.Allow}}}}
		e.must(e.s.AddDecision(e.ctx, d))
		if d.ID == 0 {
			e.t.Fatal("AddDecision set no id")
		}
	}
	for _, c := range []struct {
		f    DecisionFilter
		uids []string
	}{
		{DecisionFilter{}, []string{"uid2", "uid1", "uid0"}},
		{DecisionFilter{Namespace: "prod"}, []string{"uid2", "uid0"}},
		{DecisionFilter{Result: "allowed", Limit: 1}, []string{"uid2"}},
	} {
		ds, err := e.s.Decisions(e.ctx, c.f)
		e.must(err)
		var got []string
		for _, d := range ds {
			got = append(got, d.UID)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.uids) {
			e.t.Errorf("Decisions(%+v) = %v, want %v", c.f, got, c.uids)
		}
	}
	ds, _ := e.s.Decisions(e.ctx, DecisionFilter{Limit: 3})
	if d := ds[1]; !d.DryRun || d.User != "alice" || len(d.Images) != 1 || d.Images[0].ScannedAt == nil || !d.Images[0].ScannedAt.Equal(at) {
		e.t.Errorf("decision round trip = %+v", d)
	}
	// The log keeps the newest MaxDecisions: fill it (one statement, for
	// speed), then one more decision drops the oldest.
	if _, err := e.db.raw.Exec(fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
		INSERT INTO admission_decisions(at, uid, kind, namespace, name, operation, "user", dry_run, allowed, result, mode, message, images)
		SELECT 0, 'bulk', 'Pod', 'ns', 'p', 'CREATE', 'u', FALSE, TRUE, 'allowed', 'monitor', '', '[]' FROM n`, MaxDecisions-3)); err != nil {
		e.t.Fatal(err)
	}
	e.must(e.s.AddDecision(e.ctx, &Decision{UID: "last", Result: "allowed"}))
	ds, err = e.s.Decisions(e.ctx, DecisionFilter{Limit: 2 * MaxDecisions})
	e.must(err)
	if len(ds) != MaxDecisions || ds[0].UID != "last" || ds[len(ds)-1].UID != "uid1" {
		e.t.Errorf("after overflow: %d decisions, newest %q, oldest %q; want %d, last, uid1", len(ds), ds[0].UID, ds[len(ds)-1].UID, MaxDecisions)
	}
}

// testOrdering: listings sort by bytes on both back ends. (It tells the
// fix apart only on a server whose default collation is a locale's, e.g.
// en_US.UTF-8, which would put "a_" before "B"; CI's is C.UTF-8.)
func testOrdering(e *env) {
	names := []string{"b", "B", "a_", "a-", "Z", "é", "a"}
	for _, n := range names {
		e.must(e.s.PutRegistry(e.ctx, Registry{Name: n, URL: "http://x"}))
	}
	list, err := e.s.ListRegistries(e.ctx)
	e.must(err)
	var got []string
	for _, r := range list {
		got = append(got, r.Name)
	}
	want := slices.Clone(names)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		e.t.Errorf("ListRegistries order = %q, want %q", got, want)
	}
}

func testSettings(e *env) {
	if _, ok, err := e.s.Setting(e.ctx, "autoscale"); err != nil || ok {
		e.t.Fatalf("unset setting: %v, %v", ok, err)
	}
	e.must(e.s.PutSetting(e.ctx, "autoscale", `{"max":3}`))
	e.must(e.s.PutSetting(e.ctx, "autoscale", `{"max":4}`))
	if v, ok, _ := e.s.Setting(e.ctx, "autoscale"); !ok || v != `{"max":4}` {
		e.t.Errorf("Setting = %q, %v", v, ok)
	}
	e.must(e.s.DeleteSetting(e.ctx, "autoscale"))
	if _, ok, _ := e.s.Setting(e.ctx, "autoscale"); ok {
		e.t.Error("deleted setting still there")
	}
}

func testCrawls(e *env) {
	c1, created, err := e.s.RequestCrawl(e.ctx, "hub", 10, "manual", t0)
	e.must(err)
	if !created || c1.State != CrawlRequested || c1.Registry != "hub" || c1.Priority != 10 || !c1.RequestedAt.Equal(t0) {
		e.t.Fatalf("RequestCrawl = %+v, %v", c1, created)
	}
	// A second request while the first is pending joins it, raising its
	// priority; a lower one leaves it.
	for _, prio := range []int{20, 5} {
		if c, created, _ := e.s.RequestCrawl(e.ctx, "hub", prio, "schedule", t0.Add(time.Second)); created || c.ID != c1.ID || c.Priority != 20 {
			e.t.Errorf("request at priority %d = %+v, %v", prio, c, created)
		}
	}
	_, _, err = e.s.RequestCrawl(e.ctx, "other", 0, "schedule", t0.Add(2*time.Second))
	e.must(err)
	// The higher priority goes first.
	got, ok, err := e.s.TakeCrawl(e.ctx, "ctrl-a", t0.Add(time.Minute), t0)
	e.must(err)
	if !ok || got.ID != c1.ID || got.State != CrawlRunning || got.StartedBy != "ctrl-a" || got.Attempts != 1 {
		e.t.Fatalf("TakeCrawl = %+v, %v", got, ok)
	}
	p := CrawlProgress{Repositories: 3, Images: 40, Enqueued: 12, Errors: 1, Cursor: "team/app"}
	e.must(e.s.CrawlHeartbeat(e.ctx, c1.ID, "ctrl-a", p, t0.Add(2*time.Minute)))
	// A request (a push) while hub is being crawled is a new crawl, run
	// after this one: the running crawl may be past the pushed repository.
	c3, created, err := e.s.RequestCrawl(e.ctx, "hub", 0, "push", t0.Add(2*time.Minute))
	e.must(err)
	if !created || c3.ID == c1.ID {
		e.t.Errorf("request during a crawl = %+v, %v; want a new pending crawl", c3, created)
	}
	// ctrl-a dies. ctrl-b takes "other" (hub's new request waits for the
	// running crawl), then, once ctrl-a's heartbeat is stale, takes over
	// hub and resumes from the cursor.
	other, ok, _ := e.s.TakeCrawl(e.ctx, "ctrl-b", t0.Add(3*time.Minute), t0.Add(time.Minute))
	if !ok || other.Registry != "other" {
		e.t.Fatalf("second take = %+v, %v", other, ok)
	}
	if c, ok, _ := e.s.TakeCrawl(e.ctx, "ctrl-b", t0.Add(3*time.Minute), t0.Add(time.Minute)); ok {
		e.t.Errorf("took %+v while hub's runner is alive", c)
	}
	resumed, ok, _ := e.s.TakeCrawl(e.ctx, "ctrl-b", t0.Add(10*time.Minute), t0.Add(5*time.Minute))
	if !ok || resumed.ID != c1.ID || resumed.StartedBy != "ctrl-b" || resumed.Attempts != 2 || resumed.CrawlProgress != p {
		e.t.Fatalf("take-over = %+v, %v", resumed, ok)
	}
	if err := e.s.CrawlHeartbeat(e.ctx, c1.ID, "ctrl-a", p, t0.Add(11*time.Minute)); !errors.Is(err, ErrNotHolder) {
		e.t.Errorf("heartbeat of the dead runner: %v", err)
	}
	if err := e.s.FinishCrawl(e.ctx, c1.ID, "ctrl-a", p, "", t0.Add(11*time.Minute)); !errors.Is(err, ErrNotHolder) {
		e.t.Errorf("finish by the dead runner: %v", err)
	}
	p.Enqueued = 30
	e.must(e.s.FinishCrawl(e.ctx, c1.ID, "ctrl-b", p, "", t0.Add(12*time.Minute)))
	e.must(e.s.FinishCrawl(e.ctx, other.ID, "ctrl-b", CrawlProgress{}, "listing: 401", t0.Add(12*time.Minute)))
	done, ok, err := e.s.GetCrawl(e.ctx, c1.ID)
	e.must(err)
	if !ok || done.State != CrawlDone || done.Enqueued != 30 || !done.FinishedAt.Equal(t0.Add(12*time.Minute)) {
		e.t.Errorf("finished crawl = %+v", done)
	}
	if f, _, _ := e.s.GetCrawl(e.ctx, other.ID); f.State != CrawlFailed || f.Error != "listing: 401" {
		e.t.Errorf("failed crawl = %+v", f)
	}
	// Now the push's crawl runs, from the start.
	if c, ok, _ := e.s.TakeCrawl(e.ctx, "ctrl-c", t0.Add(13*time.Minute), t0); !ok || c.ID != c3.ID || c.Cursor != "" {
		e.t.Errorf("take after the finish = %+v, %v; want the push's crawl", c, ok)
	}
	for _, c := range []struct {
		f    CrawlFilter
		want int
	}{{CrawlFilter{}, 3}, {CrawlFilter{Registry: "hub"}, 2}, {CrawlFilter{Live: true}, 1}, {CrawlFilter{Limit: 1}, 1}} {
		cs, err := e.s.ListCrawls(e.ctx, c.f)
		e.must(err)
		if len(cs) != c.want {
			e.t.Errorf("ListCrawls(%+v) = %d crawls, want %d", c.f, len(cs), c.want)
		}
	}
	if n, _ := e.s.PruneCrawls(e.ctx, t0.Add(13*time.Minute)); n != 2 {
		e.t.Errorf("PruneCrawls = %d, want 2", n)
	}
}

func testInvalidText(e *env) {
	r, raw := rep(0)
	for name, err := range map[string]error{
		"token":    e.s.AddToken(e.ctx, "", RoleAdmin),
		"registry": e.s.PutRegistry(e.ctx, Registry{Name: "bad\x00name"}),
		"scanner":  e.s.AddScanner(e.ctx, Scanner{ID: "\xff"}),
		"layer":    e.s.PutLayer(e.ctx, "", nil),
		"tag":      e.s.PutTag(e.ctx, ImageKey{Registry: "r", Repository: "a", Digest: "d"}, "", t0),
		"result": func() error {
			_, err := e.s.PutResult(e.ctx, Result{Image: ImageSummary{Registry: "r", Repository: "", Digest: "d"}, Report: r, Raw: raw})
			return err
		}(),
	} {
		if !errors.Is(err, ErrInvalid) {
			e.t.Errorf("%s: err = %v, want ErrInvalid", name, err)
		}
	}
	// Free text with NUL or invalid UTF-8 is stored, cleaned, not refused:
	// a crawl error quoting a registry's answer must not fail the write.
	e.must(e.s.PutRegistry(e.ctx, Registry{Name: "r", URL: "http://r"}))
	e.must(e.s.SetCrawled(e.ctx, "r", t0, "bad \x00 answer \xff"))
	if got, _, _ := e.s.GetRegistry(e.ctx, "r"); got.LastError != "bad \uFFFD answer \uFFFD" {
		e.t.Errorf("cleaned error = %q", got.LastError)
	}
}

func testReopen(e *env) {
	e.must(e.s.AddToken(e.ctx, "h", RoleAdmin))
	e.must(e.s.Close())
	s, err := e.db.open(e.ctx)
	e.must(err)
	defer s.Close()
	if role, ok, _ := s.TokenRole(e.ctx, "h"); !ok || role != RoleAdmin {
		e.t.Error("token lost on reopen")
	}
	var n, v int
	e.must(e.db.raw.QueryRow(`SELECT count(*), max(version) FROM schema_migrations`).Scan(&n, &v))
	if n != Version() || v != Version() {
		e.t.Errorf("schema_migrations has %d rows up to %d, want %d", n, v, Version())
	}
}

// testConcurrentOpen is several replicas starting at once on a database
// nobody has migrated: every open succeeds and each version is applied
// exactly once.
func testConcurrentOpen(e *env) {
	const openers = 6
	var wg sync.WaitGroup
	errs := make([]error, openers)
	stores := make([]Store, openers)
	for i := range openers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stores[i], errs[i] = e.db.open(e.ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			e.t.Errorf("opener %d: %v", i, err)
			continue
		}
		defer stores[i].Close()
	}
	var n int
	e.must(e.db.raw.QueryRow(`SELECT count(*) FROM schema_migrations`).Scan(&n))
	if n != Version() {
		e.t.Errorf("schema_migrations has %d rows, want %d", n, Version())
	}
	// Every handle sees what another wrote.
	e.must(stores[0].AddToken(e.ctx, "h", RoleReader))
	if _, ok, _ := stores[openers-1].TokenRole(e.ctx, "h"); !ok {
		e.t.Error("a token written through one handle is not visible through another")
	}
}

func testNewerSchema(e *env) {
	e.must(e.s.Close())
	if _, err := e.db.raw.Exec(fmt.Sprintf(`INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)`, Version()+1)); err != nil {
		e.t.Fatal(err)
	}
	if s, err := e.db.open(e.ctx); err == nil {
		s.Close()
		e.t.Fatal("opened a database with a newer schema")
	} else if !bytes.Contains([]byte(err.Error()), []byte("newer than this binary")) {
		e.t.Errorf("error does not say why: %v", err)
	}
}

// second opens another handle on e's database: another replica.
func (e *env) second() Store {
	e.t.Helper()
	s, err := e.db.open(e.ctx)
	e.must(err)
	e.t.Cleanup(func() { s.Close() })
	return s
}

// testConcurrentClaims: scanners on two replicas race for the same
// layers; each layer has exactly one winner.
func testConcurrentClaims(e *env) {
	handles := []Store{e.s, e.second()}
	const layers, claimers = 20, 6
	wins := make([]atomic.Int32, layers)
	var wg sync.WaitGroup
	errs := make(chan error, layers*claimers)
	for c := range claimers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := handles[c%len(handles)]
			sc := fmt.Sprint("s", c)
			for l := range layers {
				got, cur, err := s.ClaimLayer(e.ctx, fmt.Sprint("v1/l", l), sc, sc+"/x", t0, t0.Add(time.Minute))
				if err != nil {
					errs <- err
					return
				}
				if got != (cur.Holder == sc+"/x") {
					errs <- fmt.Errorf("layer %d: got=%v but holder %q", l, got, cur.Holder)
				}
				if got {
					wins[l].Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Error(err)
	}
	for l := range wins {
		if n := wins[l].Load(); n != 1 {
			e.t.Errorf("layer %d has %d winners, want 1", l, n)
		}
	}
}

// testConcurrentResults: the same task's result posted at once through
// two replicas (a retry racing the original): one is stored and counted.
func testConcurrentResults(e *env) {
	handles := []Store{e.s, e.second()}
	e.must(e.s.AddScanner(e.ctx, Scanner{ID: "s1", State: ScannerActive}))
	r, raw := rep(2, report.Vulnerability{ID: "CVE-1", Severity: "HIGH", Aliases: []string{"GHSA-x"}})
	const tasks, posters = 5, 6
	stored := make([]atomic.Int32, tasks)
	var wg sync.WaitGroup
	errs := make(chan error, tasks*posters)
	for p := range posters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for task := range tasks {
				im := ImageSummary{Registry: "r", Repository: "app", Digest: fmt.Sprint("sha256:", task), ScannedAt: t0, ScannedBy: "s1"}
				ok, err := handles[p%2].PutResult(context.Background(), Result{TaskID: fmt.Sprint("t", task), Image: im, Report: r, Raw: raw})
				if err != nil {
					errs <- err
					return
				}
				if ok {
					stored[task].Add(1)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		e.t.Error(err)
	}
	for i := range stored {
		if n := stored[i].Load(); n != 1 {
			e.t.Errorf("task %d stored %d times, want 1", i, n)
		}
	}
	ims := mustList(e, ImageFilter{})
	for _, im := range ims {
		if im.Scans != 1 {
			e.t.Errorf("image %s counted %d scans, want 1", im.Digest, im.Scans)
		}
	}
	var vulnRows int
	e.must(e.db.raw.QueryRow(`SELECT count(*) FROM image_vulns`).Scan(&vulnRows))
	if len(ims) != tasks || vulnRows != 2*tasks {
		e.t.Errorf("%d images, %d CVE index rows; want %d, %d", len(ims), vulnRows, tasks, 2*tasks)
	}
	if scs, _ := e.s.ListScanners(e.ctx, ScannerFilter{}); scs[0].Done != tasks {
		e.t.Errorf("scanner done = %d, want %d", scs[0].Done, tasks)
	}
}

// testConcurrentCrawls: replicas request the same crawl at once, then
// race to take it: one pending request, one runner.
func testConcurrentCrawls(e *env) {
	handles := []Store{e.s, e.second()}
	const n = 6
	var created, taken atomic.Int32
	ids := make([]string, n)
	errs := make([]error, n)
	parallel := func(fn func(i int, s Store) error) {
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := fn(i, handles[i%2]); err != nil {
					errs[i] = err
				}
			}()
		}
		wg.Wait()
	}
	parallel(func(i int, s Store) error {
		c, ok, err := s.RequestCrawl(e.ctx, "hub", i, "schedule", t0)
		ids[i] = c.ID
		if ok {
			created.Add(1)
		}
		return err
	})
	parallel(func(i int, s Store) error {
		_, ok, err := s.TakeCrawl(e.ctx, fmt.Sprint("ctrl-", i), t0, t0.Add(-time.Minute))
		if ok {
			taken.Add(1)
		}
		return err
	})
	for i, err := range errs {
		if err != nil {
			e.t.Errorf("replica %d: %v", i, err)
		}
		if ids[i] != ids[0] {
			e.t.Errorf("replica %d saw crawl %s, replica 0 %s", i, ids[i], ids[0])
		}
	}
	if created.Load() != 1 || taken.Load() != 1 {
		e.t.Errorf("created %d, taken %d; want 1, 1", created.Load(), taken.Load())
	}
	if c, _, _ := e.s.GetCrawl(e.ctx, ids[0]); c.Priority != n-1 {
		e.t.Errorf("joined request has priority %d, want the highest asked, %d", c.Priority, n-1)
	}
}

// TestReseal rotates the sealing key: credentials sealed with the old key
// open after Reseal with the new key alone.
func TestReseal(t *testing.T) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			e := openEnv(t, b)
			oldKey, newKey := bytes.Repeat([]byte{1}, keyring.KeySize), bytes.Repeat([]byte{2}, keyring.KeySize)
			oldRing, err := keyring.New(oldKey)
			e.must(err)
			pw, err := oldRing.Seal("hunter2")
			e.must(err)
			e.must(e.s.PutRegistry(e.ctx, Registry{Name: "a", URL: "http://a", PasswordSealed: pw}))
			e.must(e.s.PutRegistry(e.ctx, Registry{Name: "b", URL: "http://b"})) // no credentials
			both, err := keyring.New(newKey, oldKey)
			e.must(err)
			for _, want := range []int{1, 0} { // the second run has nothing to do
				n, err := e.s.Reseal(e.ctx, both)
				e.must(err)
				if n != want {
					t.Errorf("Reseal changed %d registries, want %d", n, want)
				}
			}
			newOnly, err := keyring.New(newKey)
			e.must(err)
			r, _, err := e.s.GetRegistry(e.ctx, "a")
			e.must(err)
			if plain, err := newOnly.Open(r.PasswordSealed); err != nil || plain != "hunter2" {
				t.Errorf("after Reseal, the new key opens %q, %v", plain, err)
			}
			// A keyring lacking the key of a stored credential fails the
			// whole re-seal, naming the registry, and changes nothing.
			other, _ := keyring.New(bytes.Repeat([]byte{3}, keyring.KeySize))
			if _, err := e.s.Reseal(e.ctx, other); err == nil || !bytes.Contains([]byte(err.Error()), []byte(`registry "a"`)) {
				t.Errorf("Reseal with a foreign key: %v", err)
			}
		})
	}
}
