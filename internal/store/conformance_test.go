package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// env is what each conformance case gets: a fresh store.
type env struct {
	t   *testing.T
	ctx context.Context
	s   Store
	db  database
}

func openEnv(t *testing.T, b backend) *env {
	t.Helper()
	db := b.fresh(t)
	s, err := db.open(context.Background())
	if err != nil {
		t.Fatalf("open %s: %v", b.name, err)
	}
	t.Cleanup(func() { s.Close() })
	return &env{t: t, ctx: context.Background(), s: s, db: db}
}

// must fails the test on err.
func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// conformance is every case, run against each back end.
var conformance = []struct {
	name string
	run  func(e *env)
}{
	{"tokens", testTokens},
	{"named tokens: expiry, revocation, last use", testNamedTokens},
	{"concurrent token names: one winner", testConcurrentTokenNames},
	{"registries", testRegistries},
	{"registry kinds, secrets and limits", testRegistryKinds},
	{"gone images and tags", testGone},
	{"gone in batches", testGoneMany},
	{"scanners", testScanners},
	{"results", testResults},
	{"image pages", testImagePages},
	{"task results are idempotent", testTaskResults},
	{"rematch and changes", testRematch},
	{"tags and find image", testFindImage},
	{"console digests", testConsoleDigests},
	{"layers", testLayers},
	{"layer claims", testLayerClaims},
	{"hosts", testHosts},
	{"admission", testAdmission},
	{"settings", testSettings},
	{"listings sort by bytes", testOrdering},
	{"crawls", testCrawls},
	{"invalid text", testInvalidText},
	{"reopen keeps data and version", testReopen},
	{"concurrent openers migrate once", testConcurrentOpen},
	{"newer schema refused", testNewerSchema},
	{"concurrent layer claims: one winner", testConcurrentClaims},
	{"concurrent idempotent result puts", testConcurrentResults},
	{"concurrent crawl requests and takes", testConcurrentCrawls},
	{"exceptions and audit log", testExceptions},
	{"notification subscriptions", testSubscriptions},
	{"notification outbox", testOutbox},
	{"concurrent delivery claims: each once", testConcurrentDeliveryClaims},
	{"exceptions on stored results", testExceptionsOnResults},
	{"images with exceptions, page by page", testImagesWithExceptionPages},
	{"running workloads", testWorkloads},
}

func runConformance(t *testing.T, b backend) {
	for _, c := range conformance {
		t.Run(c.name, func(t *testing.T) { c.run(openEnv(t, b)) })
	}
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func testTokens(e *env) {
	e.must(e.s.AddToken(e.ctx, "h1", RoleAdmin))
	e.must(e.s.AddToken(e.ctx, "h2", RoleReader))
	for _, c := range []struct {
		hash string
		role Role
		ok   bool
	}{{"h1", RoleAdmin, true}, {"h2", RoleReader, true}, {"nope", "", false}, {"h\xff", "", false}} {
		role, ok, err := e.s.TokenRole(e.ctx, c.hash)
		e.must(err)
		if role != c.role || ok != c.ok {
			e.t.Errorf("TokenRole(%q) = %q, %v; want %q, %v", c.hash, role, ok, c.role, c.ok)
		}
	}
	if err := e.s.AddToken(e.ctx, "h1", RoleReader); err == nil {
		e.t.Error("adding an existing token hash again succeeded")
	}
	if err := e.s.AddToken(e.ctx, "h3", "root"); !errors.Is(err, ErrInvalid) {
		e.t.Errorf("unknown role: err = %v, want ErrInvalid", err)
	}
}

func testNamedTokens(e *env) {
	exp := t0.Add(30 * 24 * time.Hour)
	alice, err := e.s.CreateToken(e.ctx, "ha", Token{Name: "alice", Role: RoleAdmin, CreatedAt: t0, CreatedBy: "root", ExpiresAt: &exp})
	e.must(err)
	if !strings.HasPrefix(alice.ID, "tok-") || alice.Name != "alice" || !alice.CreatedAt.Equal(t0) || !alice.ExpiresAt.Equal(exp) {
		e.t.Fatalf("CreateToken = %+v", alice)
	}
	if _, err := e.s.CreateToken(e.ctx, "hb", Token{Name: "alice", Role: RoleReader}); !errors.Is(err, ErrTokenNameTaken) {
		e.t.Errorf("second alice: err = %v, want ErrTokenNameTaken", err)
	}
	for _, bad := range []Token{
		{Name: "", Role: RoleReader}, {Name: "-x", Role: RoleReader}, {Name: "a b", Role: RoleReader},
		{Name: strings.Repeat("a", 65), Role: RoleReader}, {Name: "ok", Role: "root"},
		{Name: "past", Role: RoleReader, CreatedAt: t0, ExpiresAt: &t0},
	} {
		if _, err := e.s.CreateToken(e.ctx, "h-"+bad.Name, bad); !errors.Is(err, ErrInvalid) {
			e.t.Errorf("CreateToken(%+v): err = %v, want ErrInvalid", bad, err)
		}
	}
	bob, err := e.s.CreateToken(e.ctx, "hb", Token{Name: "bob", Role: RoleReader, CreatedAt: t0})
	e.must(err)
	if bob.CreatedBy != BootstrapCreator || bob.ExpiresAt != nil {
		e.t.Errorf("bob = %+v", bob)
	}
	got, ok, err := e.s.TokenByHash(e.ctx, "ha")
	e.must(err)
	if !ok || got.ID != alice.ID || got.Role != RoleAdmin || got.CreatedBy != "root" || !got.ExpiresAt.Equal(exp) || got.Revoked || got.LastUsed != nil {
		e.t.Errorf("TokenByHash(ha) = %+v, %v", got, ok)
	}
	if !got.Usable(exp.Add(-time.Second)) || got.Usable(exp) || !got.Expired(exp) {
		e.t.Errorf("expiry at %s: usable just before, not at it", exp)
	}

	// Last use: written once per TokenTouchInterval at most.
	for _, c := range []struct {
		at    time.Time
		wrote bool
	}{{t0, true}, {t0.Add(30 * time.Second), false}, {t0.Add(TokenTouchInterval), true}, {t0.Add(TokenTouchInterval + time.Second), false}} {
		wrote, err := e.s.TouchToken(e.ctx, alice.ID, c.at)
		e.must(err)
		if wrote != c.wrote {
			e.t.Errorf("TouchToken at %s: wrote %v, want %v", c.at, wrote, c.wrote)
		}
	}
	got, _, err = e.s.GetToken(e.ctx, "alice")
	e.must(err)
	if got.LastUsed == nil || !got.LastUsed.Equal(t0.Add(TokenTouchInterval)) {
		e.t.Errorf("LastUsed = %v, want %s", got.LastUsed, t0.Add(TokenTouchInterval))
	}

	// Revocation: kept, listed, refused by TokenRole, idempotent, logged.
	rv, ok, err := e.s.RevokeToken(e.ctx, "bob", "alice", t0.Add(time.Hour))
	e.must(err)
	if !ok || !rv.Revoked || rv.RevokedBy != "alice" || !rv.RevokedAt.Equal(t0.Add(time.Hour)) {
		e.t.Errorf("RevokeToken = %+v, %v", rv, ok)
	}
	again, _, err := e.s.RevokeToken(e.ctx, "bob", "carol", t0.Add(2*time.Hour))
	e.must(err)
	if again.RevokedBy != "alice" || !again.RevokedAt.Equal(t0.Add(time.Hour)) {
		e.t.Errorf("second revoke changed it: %+v", again)
	}
	if _, ok, err := e.s.RevokeToken(e.ctx, "nobody", "alice", t0); err != nil || ok {
		e.t.Errorf("revoking an unknown name: %v, %v", ok, err)
	}
	if _, ok, err := e.s.TokenRole(e.ctx, "hb"); err != nil || ok {
		e.t.Errorf("TokenRole of a revoked token: ok=%v err=%v", ok, err)
	}
	if _, err := e.s.CreateToken(e.ctx, "hc", Token{Name: "bob", Role: RoleReader}); !errors.Is(err, ErrTokenNameTaken) {
		e.t.Errorf("reusing a revoked token's name: err = %v", err)
	}
	list, err := e.s.ListTokens(e.ctx)
	e.must(err)
	if len(list) != 2 || list[0].Name != "alice" || list[1].Name != "bob" || !list[1].Revoked {
		e.t.Errorf("ListTokens = %+v", list)
	}
	log, err := e.s.AuditLog(e.ctx, AuditFilter{Kind: "token"})
	e.must(err)
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action+" "+a.Object+" by "+a.Actor)
	}
	want := []string{"update bob by alice", "create bob by bootstrap", "create alice by root"}
	if !slices.Equal(actions, want) {
		e.t.Errorf("audit log = %q, want %q", actions, want)
	}
}

func testRegistries(e *env) {
	r := Registry{Name: "b", URL: "https://b.example", Username: "u", Insecure: true, CACertFile: "/ca.pem",
		Filters: []string{"team/*"}, MaxRepositories: 3, MaxTags: 4, Interval: time.Hour, RescanAfterDBUpdate: true,
		PasswordSealed: []byte{1, 2, 3}, TokenSealed: nil}
	e.must(e.s.PutRegistry(e.ctx, r))
	e.must(e.s.PutRegistry(e.ctx, Registry{Name: "a", URL: "http://a"}))
	got, ok, err := e.s.GetRegistry(e.ctx, "b")
	e.must(err)
	if !ok || got.URL != r.URL || !got.Insecure || got.Interval != time.Hour || !got.RescanAfterDBUpdate ||
		!slices.Equal(got.Filters, r.Filters) || string(got.PasswordSealed) != "\x01\x02\x03" || len(got.TokenSealed) != 0 ||
		got.MaxRepositories != 3 || got.MaxTags != 4 || got.CACertFile != "/ca.pem" || !got.LastCrawl.IsZero() {
		e.t.Fatalf("GetRegistry = %+v, %v", got, ok)
	}
	e.must(e.s.SetCrawled(e.ctx, "b", t0, "boom"))
	r.URL = "https://b2.example"
	e.must(e.s.PutRegistry(e.ctx, r)) // an update keeps the last crawl
	got, _, err = e.s.GetRegistry(e.ctx, "b")
	e.must(err)
	if got.URL != r.URL || !got.LastCrawl.Equal(t0) || got.LastError != "boom" {
		e.t.Errorf("after update: %+v", got)
	}
	list, err := e.s.ListRegistries(e.ctx)
	e.must(err)
	if len(list) != 2 || list[0].Name != "a" || list[1].Name != "b" || list[0].Filters == nil {
		e.t.Errorf("ListRegistries = %+v", list)
	}
	for _, c := range []struct {
		name string
		want bool
	}{{"a", true}, {"a", false}, {"zz", false}} {
		ok, err := e.s.DeleteRegistry(e.ctx, c.name)
		e.must(err)
		if ok != c.want {
			e.t.Errorf("DeleteRegistry(%q) = %v, want %v", c.name, ok, c.want)
		}
	}
	if _, ok, _ := e.s.GetRegistry(e.ctx, "a"); ok {
		e.t.Error("deleted registry still there")
	}
}

func testScanners(e *env) {
	for i, id := range []string{"s1", "s2", "s3"} {
		e.must(e.s.AddScanner(e.ctx, Scanner{ID: id, Name: "n" + id, Concurrency: i + 1, DBDigest: "d", Version: "v", State: ScannerActive,
			RegisteredAt: t0.Add(time.Duration(i) * time.Second), LastSeen: t0.Add(time.Duration(i) * time.Minute)}))
	}
	if err := e.s.AddScanner(e.ctx, Scanner{ID: "s1", State: ScannerActive}); err == nil {
		e.t.Error("registering an existing id again succeeded")
	}
	e.must(e.s.SetScannerState(e.ctx, "s2", ScannerGone))
	ok, err := e.s.TouchScanner(e.ctx, "s2", t0.Add(time.Hour))
	e.must(err)
	if !ok {
		e.t.Error("TouchScanner(s2) = false")
	}
	if ok, _ := e.s.TouchScanner(e.ctx, "nobody", t0); ok {
		e.t.Error("TouchScanner(unknown) = true")
	}
	e.must(e.s.SetScannerState(e.ctx, "s3", ScannerStopped))
	// A request a scanner sent before its release, served after it, does
	// not revive it.
	if ok, err := e.s.TouchScanner(e.ctx, "s3", t0.Add(2*time.Hour)); ok || err != nil {
		e.t.Errorf("TouchScanner(stopped s3) = %v, %v; want false", ok, err)
	}
	e.must(e.s.CountScan(e.ctx, "s1", true))
	e.must(e.s.CountScan(e.ctx, "s1", true))
	e.must(e.s.CountScan(e.ctx, "s1", false))
	ids := func(f ScannerFilter) []string {
		scs, err := e.s.ListScanners(e.ctx, f)
		e.must(err)
		var out []string
		for _, sc := range scs {
			out = append(out, sc.ID)
		}
		return out
	}
	for _, c := range []struct {
		f    ScannerFilter
		want []string
	}{
		{ScannerFilter{}, []string{"s1", "s2", "s3"}},
		{ScannerFilter{State: ScannerActive}, []string{"s1", "s2"}},
		{ScannerFilter{State: ScannerActive, SeenBefore: t0.Add(30 * time.Minute)}, []string{"s1"}},
		{ScannerFilter{Name: "ns3"}, []string{"s3"}},
	} {
		if got := ids(c.f); !slices.Equal(got, c.want) {
			e.t.Errorf("ListScanners(%+v) = %v, want %v", c.f, got, c.want)
		}
	}
	scs, err := e.s.ListScanners(e.ctx, ScannerFilter{Name: "ns1"})
	e.must(err)
	if sc := scs[0]; sc.Done != 2 || sc.Failed != 1 || sc.Concurrency != 1 || !sc.RegisteredAt.Equal(t0) || sc.DBDigest != "d" {
		e.t.Errorf("scanner s1 = %+v", sc)
	}
	n, err := e.s.CountScanners(e.ctx, ScannerActive)
	e.must(err)
	if n != 2 {
		e.t.Errorf("CountScanners(active) = %d, want 2", n)
	}
}

// rep builds a report with findings given as id/severity/aliases.
func rep(pkgs int, vulns ...report.Vulnerability) (*report.Report, []byte) {
	r := &report.Report{Vulnerabilities: vulns}
	for i := 0; i < pkgs; i++ {
		r.Packages = append(r.Packages, report.Package{Name: "p"})
	}
	raw, _ := json.Marshal(r)
	return r, raw
}

func putResult(e *env, task string, im ImageSummary, r *report.Report, raw []byte) bool {
	e.t.Helper()
	stored, err := e.s.PutResult(e.ctx, Result{TaskID: task, Image: im, Report: r, Raw: raw})
	e.must(err)
	return stored
}

func testResults(e *env) {
	r1, raw1 := rep(3, report.Vulnerability{ID: "CVE-1", Severity: "high", Aliases: []string{"GHSA-aaaa"}},
		report.Vulnerability{ID: "CVE-2", Severity: "Low"})
	imA := ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", Tag: "v1", Reference: "r/app@sha256:a", DBDigest: "db1",
		ScannedAt: t0, ScannedBy: "s1"}
	putResult(e, "", imA, r1, raw1)
	fp1 := mustList(e, ImageFilter{})[0].Fingerprint
	imA.ScannedAt = t0.Add(time.Minute)
	putResult(e, "", imA, r1, raw1) // a re-scan counts
	r2, raw2 := rep(1)
	imB := ImageSummary{Registry: "r", Repository: "base", Digest: "sha256:b", Tag: "1", Reference: "r/base@sha256:b", DBDigest: "db2",
		ScannedAt: t0, ScannedBy: "s2"}
	putResult(e, "", imB, r2, raw2)

	all := mustList(e, ImageFilter{})
	if len(all) != 2 || all[0].Repository != "app" || all[1].Repository != "base" {
		e.t.Fatalf("ListImages = %+v", all)
	}
	a := all[0]
	if a.Scans != 2 || a.Packages != 3 || a.Vulnerabilities != 2 || a.Severities["HIGH"] != 1 || a.Severities["LOW"] != 1 ||
		!a.ScannedAt.Equal(t0.Add(time.Minute)) || a.Fingerprint == fp1 || a.Fingerprint == "" {
		e.t.Errorf("image a = %+v (first fingerprint %q)", a, fp1)
	}
	for _, c := range []struct {
		f    ImageFilter
		want int
	}{
		{ImageFilter{Registry: "r"}, 2}, {ImageFilter{Registry: "x"}, 0}, {ImageFilter{Repository: "base"}, 1},
		{ImageFilter{Severity: "high"}, 1}, {ImageFilter{CVE: "GHSA-aaaa"}, 1}, {ImageFilter{CVE: "CVE-2", Severity: "HIGH"}, 0},
	} {
		if got := len(mustList(e, c.f)); got != c.want {
			e.t.Errorf("ListImages(%+v) has %d images, want %d", c.f, got, c.want)
		}
	}
	raw, ok, err := e.s.ImageReport(e.ctx, "sha256:a")
	e.must(err)
	if !ok || string(raw) != string(raw1) {
		e.t.Errorf("ImageReport = %q, %v", raw, ok)
	}
	if _, ok, _ := e.s.Report(e.ctx, ImageKey{Registry: "r", Repository: "other", Digest: "sha256:a"}); ok {
		e.t.Error("Report of another repository found")
	}
	keys, err := e.s.ImagesWithVuln(e.ctx, "GHSA-AAAA", "GHSA-aaaa")
	e.must(err)
	if len(keys) != 1 || keys[0] != a.Key() {
		e.t.Errorf("ImagesWithVuln = %v", keys)
	}
	for _, c := range []struct {
		k    ImageKey
		db   string
		want bool
	}{{a.Key(), "db1", true}, {a.Key(), "db2", false}, {ImageKey{Registry: "r", Repository: "base", Digest: "sha256:b"}, "db2", true}} {
		got, err := e.s.ScannedWith(e.ctx, c.k, c.db)
		e.must(err)
		if got != c.want {
			e.t.Errorf("ScannedWith(%v, %s) = %v", c.k, c.db, got)
		}
	}
	stale, err := e.s.ImagesNotMatchedWith(e.ctx, "db2")
	e.must(err)
	if len(stale) != 1 || stale[0].Digest != "sha256:a" || stale[0].Tag != "v1" || stale[0].Reference != imA.Reference {
		e.t.Errorf("ImagesNotMatchedWith(db2) = %+v", stale)
	}
	if got := mustList(e, ImageFilter{Digest: "sha256:b"}); len(got) != 1 || got[0].Repository != "base" {
		e.t.Errorf("ListImages(digest) = %+v", got)
	}
	for _, c := range []struct {
		scanner string
		since   time.Time
		want    bool
	}{{"", t0, true}, {"s1", t0.Add(time.Minute), true}, {"s2", t0, false}, {"", t0.Add(time.Hour), false}} {
		got, err := e.s.ResultStoredSince(e.ctx, a.Key(), c.scanner, c.since)
		e.must(err)
		if got != c.want {
			e.t.Errorf("ResultStoredSince(%q, %v) = %v, want %v", c.scanner, c.since, got, c.want)
		}
	}
	putResult(e, "", ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:abd", ScannedAt: t0}, r2, raw2)
	for _, c := range []struct {
		prefix string
		want   []string
	}{{"sha256:a", []string{"sha256:a", "sha256:abd"}}, {"sha256:ab", []string{"sha256:abd"}}, {"sha256:c", nil}} {
		got, err := e.s.DigestsWithPrefix(e.ctx, c.prefix, 6)
		e.must(err)
		if !slices.Equal(got, c.want) {
			e.t.Errorf("DigestsWithPrefix(%s) = %v, want %v", c.prefix, got, c.want)
		}
	}
	// A result whose findings shrink drops the old CVE index rows.
	r3, raw3 := rep(3)
	putResult(e, "", imA, r3, raw3)
	if n := len(mustList(e, ImageFilter{CVE: "CVE-1"})); n != 0 {
		e.t.Errorf("CVE-1 still indexed after a clean result: %d", n)
	}
	if _, err := e.s.PutResult(e.ctx, Result{Image: imA}); !errors.Is(err, ErrInvalid) {
		e.t.Errorf("result without report: err = %v", err)
	}
}

// testImagePages reads the image list in pages of every size through
// Limit and After, filtered and not: the pages joined are the whole list,
// in order, each image once.
func testImagePages(e *env) {
	high, rawHigh := rep(1, report.Vulnerability{ID: "CVE-9", Severity: "HIGH"})
	low, rawLow := rep(1)
	for i, im := range []struct{ repo, tag, digest string }{
		{"app", "v1", "sha256:3"}, {"app", "v1", "sha256:1"}, {"app", "", "sha256:2"}, {"app", "v2", "sha256:0"},
		{"base", "1", "sha256:5"}, {"base", "1", "sha256:4"}, {"zé", "latest", "sha256:6"}, {"Zed", "a", "sha256:7"},
	} {
		r, raw := low, rawLow
		if i%2 == 0 {
			r, raw = high, rawHigh
		}
		putResult(e, "", ImageSummary{Registry: "r", Repository: im.repo, Tag: im.tag, Digest: im.digest, ScannedAt: t0}, r, raw)
	}
	for _, base := range []ImageFilter{{}, {Severity: "HIGH"}, {Repository: "app"}} {
		whole := mustList(e, base)
		for _, size := range []int{1, 2, 3, len(whole), len(whole) + 1} {
			var got []ImageKey
			f := base
			f.Limit = size
			for pages := 0; ; pages++ {
				page := mustList(e, f)
				if len(page) > size || pages > len(whole) {
					e.t.Fatalf("%+v: page %d has %d images (limit %d)", base, pages, len(page), size)
				}
				for _, im := range page {
					got = append(got, im.Key())
				}
				if len(page) < size {
					break
				}
				f.After = &page[len(page)-1]
			}
			var want []ImageKey
			for _, im := range whole {
				want = append(want, im.Key())
			}
			if !slices.Equal(got, want) {
				e.t.Errorf("%+v in pages of %d = %v, want %v", base, size, got, want)
			}
		}
	}
	if _, err := e.s.ListImages(e.ctx, ImageFilter{Limit: -1}); !errors.Is(err, ErrInvalid) {
		e.t.Errorf("negative limit: err = %v, want ErrInvalid", err)
	}
}

func mustList(e *env, f ImageFilter) []ImageSummary {
	e.t.Helper()
	ims, err := e.s.ListImages(e.ctx, f)
	e.must(err)
	return ims
}

func testTaskResults(e *env) {
	e.must(e.s.AddScanner(e.ctx, Scanner{ID: "s1", State: ScannerActive}))
	e.must(e.s.AddScanner(e.ctx, Scanner{ID: "s2", State: ScannerActive}))
	r, raw := rep(1, report.Vulnerability{ID: "CVE-9", Severity: "CRITICAL"})
	im := ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", ScannedAt: t0, ScannedBy: "s1"}
	if !putResult(e, "task-1", im, r, raw) {
		e.t.Fatal("first put of task-1 not stored")
	}
	// The same task posted again, by the same scanner or by a restarted
	// one with a new id: nothing is stored or counted twice.
	im2 := im
	im2.ScannedBy, im2.ScannedAt = "s2", t0.Add(time.Hour)
	for _, x := range []ImageSummary{im, im2} {
		if putResult(e, "task-1", x, r, raw) {
			e.t.Error("repeated put of task-1 stored again")
		}
	}
	ims := mustList(e, ImageFilter{})
	if len(ims) != 1 || ims[0].Scans != 1 || ims[0].ScannedBy != "s1" || !ims[0].ScannedAt.Equal(t0) {
		e.t.Errorf("after repeated puts: %+v", ims)
	}
	// Another task of the same image is a new scan.
	if !putResult(e, "task-2", im2, r, raw) {
		e.t.Error("task-2 not stored")
	}
	scs, err := e.s.ListScanners(e.ctx, ScannerFilter{})
	e.must(err)
	if scs[0].Done != 1 || scs[1].Done != 1 {
		e.t.Errorf("done counters = %d, %d; want 1, 1", scs[0].Done, scs[1].Done)
	}
	if ims := mustList(e, ImageFilter{}); ims[0].Scans != 2 {
		e.t.Errorf("scans = %d, want 2", ims[0].Scans)
	}
	got, err := e.s.TaskResults(e.ctx, []string{"task-1", "task-2", "task-3"})
	e.must(err)
	if !got["task-1"] || !got["task-2"] || got["task-3"] || len(got) != 2 {
		e.t.Errorf("TaskResults = %v", got)
	}
	n, err := e.s.PruneTaskResults(e.ctx, time.Now().Add(time.Hour))
	e.must(err)
	if n != 2 {
		e.t.Errorf("PruneTaskResults removed %d, want 2", n)
	}
	if got, _ := e.s.TaskResults(e.ctx, []string{"task-1"}); got["task-1"] {
		e.t.Error("task-1 still recorded after pruning")
	}
}

func testRematch(e *env) {
	r, raw := rep(2, report.Vulnerability{ID: "CVE-1", Severity: "HIGH"})
	im := ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", DBDigest: "db1", ScannedAt: t0, ScannedBy: "s"}
	putResult(e, "", im, r, raw)
	before := mustList(e, ImageFilter{})[0]
	r2, raw2 := rep(2, report.Vulnerability{ID: "CVE-2", Severity: "MEDIUM"})
	ch := ImageChanges{Registry: "r", Repository: "app", Digest: "sha256:a", DBBefore: "db1", DBAfter: "db2", ChangedAt: t0.Add(time.Hour),
		New: []string{"CVE-2"}, Fixed: []string{"CVE-1"}}
	e.must(e.s.PutRematch(e.ctx, ch, r2, raw2))
	after := mustList(e, ImageFilter{})[0]
	if after.Scans != 1 || after.DBDigest != "db2" || after.Severities["MEDIUM"] != 1 || after.Fingerprint == before.Fingerprint {
		e.t.Errorf("after re-match: %+v", after)
	}
	if len(mustList(e, ImageFilter{CVE: "CVE-1"})) != 0 || len(mustList(e, ImageFilter{CVE: "CVE-2"})) != 1 {
		e.t.Error("CVE index not replaced by the re-match")
	}
	got, ok, err := e.s.ImageChanges(e.ctx, "sha256:a")
	e.must(err)
	if !ok || got.DBAfter != "db2" || !slices.Equal(got.New, ch.New) || !slices.Equal(got.Fixed, ch.Fixed) || !got.ChangedAt.Equal(ch.ChangedAt) {
		e.t.Errorf("ImageChanges = %+v, %v", got, ok)
	}
	if _, ok, _ := e.s.ImageChanges(e.ctx, "sha256:none"); ok {
		e.t.Error("changes of an unknown image found")
	}
	ch.Repository = "gone"
	if err := e.s.PutRematch(e.ctx, ch, r2, raw2); err == nil {
		e.t.Error("re-match of an image not stored succeeded")
	}
}

func testFindImage(e *env) {
	r, raw := rep(1)
	putResult(e, "", ImageSummary{Registry: "hub", Repository: "app", Digest: "sha256:old", Tag: "v1", ScannedAt: t0}, r, raw)
	putResult(e, "", ImageSummary{Registry: "hub", Repository: "app", Digest: "sha256:new", Tag: "", ScannedAt: t0.Add(time.Minute)}, r, raw)
	putResult(e, "", ImageSummary{Registry: "mirror", Repository: "copy", Digest: "sha256:x", ScannedAt: t0}, r, raw)
	// The tag moved to sha256:new after the crawl that scanned old as v1.
	e.must(e.s.PutTag(e.ctx, ImageKey{Registry: "hub", Repository: "app", Digest: "sha256:new"}, "v1", t0.Add(2*time.Minute)))
	tags, err := e.s.ImageTags(e.ctx)
	e.must(err)
	for k, want := range map[ImageKey][]string{
		{Registry: "hub", Repository: "app", Digest: "sha256:new"}:   {"v1"}, // v1 moved here from old
		{Registry: "hub", Repository: "app", Digest: "sha256:old"}:   nil,
		{Registry: "mirror", Repository: "copy", Digest: "sha256:x"}: nil,
	} {
		if !slices.Equal(tags[k], want) {
			e.t.Errorf("ImageTags[%v] = %v, want %v", k, tags[k], want)
		}
	}
	e.must(e.s.PutTag(e.ctx, ImageKey{Registry: "hub", Repository: "app", Digest: "sha256:old"}, "legacy", t0))
	if tags, _ := e.s.ImageTags(e.ctx); !slices.Equal(tags[ImageKey{Registry: "hub", Repository: "app", Digest: "sha256:old"}], []string{"legacy"}) {
		e.t.Errorf("ImageTags after tagging old = %v", tags)
	}
	for _, c := range []struct {
		regs              []string
		repo, tag, digest string
		wantDigest        string
		wantFound         bool
	}{
		{[]string{"hub", "docker.io"}, "app", "v1", "", "sha256:new", true},
		{[]string{"hub"}, "app", "", "sha256:old", "sha256:old", true},
		{[]string{"hub"}, "other", "", "sha256:x", "sha256:x", true}, // same content elsewhere
		{[]string{"hub"}, "app", "v2", "", "", false},
		{nil, "app", "v1", "", "", false},
	} {
		im, ok, err := e.s.FindImage(e.ctx, c.regs, c.repo, c.tag, c.digest)
		e.must(err)
		if ok != c.wantFound || im.Digest != c.wantDigest || (ok && (len(im.Report) == 0 || im.ScannedAt.IsZero())) {
			e.t.Errorf("FindImage(%v, %s, %s, %s) = %+v, %v", c.regs, c.repo, c.tag, c.digest, im, ok)
		}
	}
}

func testConsoleDigests(e *env) {
	r, raw := rep(1)
	putResult(e, "", ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", ScannedAt: t0}, r, raw)
	k, orphan := ImageKey{Registry: "r", Repository: "app", Digest: "sha256:a"}, ImageKey{Registry: "r", Repository: "gone", Digest: "sha256:z"}
	e.must(e.s.PutConsoleDigest(e.ctx, k, "fp1", `{"os":"x"}`))
	e.must(e.s.PutConsoleDigest(e.ctx, orphan, "fp1", `{}`))
	e.must(e.s.PutConsoleDigest(e.ctx, k, "fp2", `{"os":"y"}`))
	for _, c := range []struct {
		fp, want string
		ok       bool
	}{{"fp2", `{"os":"y"}`, true}, {"fp1", "", false}} {
		data, ok, err := e.s.ConsoleDigest(e.ctx, k, c.fp)
		e.must(err)
		if data != c.want || ok != c.ok {
			e.t.Errorf("ConsoleDigest(%s) = %q, %v", c.fp, data, ok)
		}
	}
	n, err := e.s.PruneConsoleDigests(e.ctx)
	e.must(err)
	if n != 1 {
		e.t.Errorf("PruneConsoleDigests removed %d, want 1 (the orphan)", n)
	}
	if _, ok, _ := e.s.ConsoleDigest(e.ctx, k, "fp2"); !ok {
		e.t.Error("a stored image's digest was pruned")
	}
}

func testLayers(e *env) {
	if _, ok, err := e.s.GetLayer(e.ctx, "v1/sha256:l"); err != nil || ok {
		e.t.Fatalf("GetLayer(empty) = %v, %v", ok, err)
	}
	e.must(e.s.PutLayer(e.ctx, "v1/sha256:l", []byte(`{"a":1}`)))
	e.must(e.s.PutLayer(e.ctx, "v1/sha256:l", []byte(`{"a":2}`)))
	raw, ok, err := e.s.GetLayer(e.ctx, "v1/sha256:l")
	e.must(err)
	if !ok || string(raw) != `{"a":2}` {
		e.t.Errorf("GetLayer = %s, %v", raw, ok)
	}
	// GetLayers: the stored ones of the keys asked for, in one query
	// however many (over maxLayersPerQuery too), a key asked twice once.
	e.must(e.s.PutLayer(e.ctx, "v1/sha256:m", []byte(`{"a":3}`)))
	keys := []string{"v1/sha256:l", "v1/sha256:none", "v1/sha256:m", "v1/sha256:l"}
	for i := range 600 {
		keys = append(keys, fmt.Sprintf("v1/sha256:absent%d", i))
	}
	keys = append(keys, "v1/sha256:m")
	got, err := e.s.GetLayers(e.ctx, keys)
	e.must(err)
	if len(got) != 2 || string(got["v1/sha256:l"]) != `{"a":2}` || string(got["v1/sha256:m"]) != `{"a":3}` {
		e.t.Errorf("GetLayers = %q, want l and m", got)
	}
	if got, err := e.s.GetLayers(e.ctx, nil); err != nil || len(got) != 0 {
		e.t.Errorf("GetLayers(none) = %q, %v", got, err)
	}
	_, err = e.s.DeleteLayer(e.ctx, "v1/sha256:m")
	e.must(err)
	for _, want := range []bool{true, false} {
		ok, err := e.s.DeleteLayer(e.ctx, "v1/sha256:l")
		e.must(err)
		if ok != want {
			e.t.Errorf("DeleteLayer = %v, want %v", ok, want)
		}
	}
}

func testLayerClaims(e *env) {
	const key = "v1/sha256:l"
	exp := t0.Add(time.Minute)
	claim := func(scanner, holder string, now time.Time) (bool, Claim) {
		e.t.Helper()
		got, cur, err := e.s.ClaimLayer(e.ctx, key, scanner, holder, now, now.Add(time.Minute))
		e.must(err)
		return got, cur
	}
	if got, cur := claim("s1", "s1/a", t0); !got || cur.Holder != "s1/a" || cur.Scanner != "s1" || !cur.Expires.Equal(exp) {
		e.t.Fatalf("first claim = %v, %+v", got, cur)
	}
	if got, cur := claim("s2", "s2/b", t0.Add(time.Second)); got || cur.Holder != "s1/a" {
		e.t.Errorf("claim over a live claim = %v, %+v", got, cur)
	}
	if got, cur := claim("s1", "s1/a", t0.Add(30*time.Second)); !got || !cur.Expires.Equal(t0.Add(90*time.Second)) {
		e.t.Errorf("holder re-claiming = %v, %+v (want renewed)", got, cur)
	}
	if c, ok, _ := e.s.LayerClaim(e.ctx, key, t0.Add(time.Minute)); !ok || c.Holder != "s1/a" {
		e.t.Errorf("LayerClaim = %+v, %v", c, ok)
	}
	if n, _ := e.s.RenewLayerClaims(e.ctx, "s1", t0.Add(5*time.Minute)); n != 1 {
		e.t.Errorf("RenewLayerClaims = %d, want 1", n)
	}
	// Only the holder may store the analysis under a claim.
	if err := e.s.PutClaimedLayer(e.ctx, key, "s2/b", []byte(`{}`), t0.Add(time.Minute)); !errors.Is(err, ErrNotHolder) {
		e.t.Errorf("PutClaimedLayer by a non-holder: %v", err)
	}
	if _, ok, _ := e.s.GetLayer(e.ctx, key); ok {
		e.t.Error("a non-holder's analysis was stored")
	}
	// After expiry another scanner takes over; the old holder cannot store.
	if got, cur := claim("s2", "s2/b", t0.Add(5*time.Minute)); !got || cur.Holder != "s2/b" {
		e.t.Errorf("claim of a lapsed claim = %v, %+v", got, cur)
	}
	if err := e.s.PutClaimedLayer(e.ctx, key, "s1/a", []byte(`{}`), t0.Add(5*time.Minute)); !errors.Is(err, ErrNotHolder) {
		e.t.Errorf("PutClaimedLayer by the previous holder: %v", err)
	}
	if err := e.s.PutClaimedLayer(e.ctx, key, "s2/b", []byte(`{"ok":1}`), t0.Add(5*time.Minute+30*time.Second)); err != nil {
		e.t.Errorf("PutClaimedLayer by the holder: %v", err)
	}
	if _, ok, _ := e.s.LayerClaim(e.ctx, key, t0); ok {
		e.t.Error("claim still there after the analysis was stored")
	}
	if raw, _, _ := e.s.GetLayer(e.ctx, key); string(raw) != `{"ok":1}` {
		e.t.Errorf("stored analysis = %s", raw)
	}
	// Release, drop and expire.
	claim("s3", "s3/c", t0)
	if ok, _ := e.s.ReleaseLayerClaim(e.ctx, key, "s9/x"); ok {
		e.t.Error("a non-holder released the claim")
	}
	if ok, _ := e.s.ReleaseLayerClaim(e.ctx, key, "s3/c"); !ok {
		e.t.Error("the holder could not release its claim")
	}
	for i, k := range []string{"k1", "k2", "k3"} {
		sc := []string{"s4", "s4", "s5"}[i]
		if got, _, err := e.s.ClaimLayer(e.ctx, k, sc, sc+"/x", t0, t0.Add(time.Duration(i+1)*time.Minute)); err != nil || !got {
			e.t.Fatalf("claim %s: %v, %v", k, got, err)
		}
	}
	if n, _ := e.s.DropLayerClaims(e.ctx, "s4"); n != 2 {
		e.t.Errorf("DropLayerClaims(s4) = %d, want 2", n)
	}
	if n, _ := e.s.ExpireLayerClaims(e.ctx, t0.Add(3*time.Minute)); n != 1 {
		e.t.Errorf("ExpireLayerClaims = %d, want 1", n)
	}
}

func testHosts(e *env) {
	r, raw := rep(4, report.Vulnerability{ID: "CVE-1", Severity: "high"})
	h := HostSummary{Name: "web1", Hostname: "web1.local", Kernel: "6.1", Root: "/", OS: "Debian 12", DBDigest: "d", ScannedAt: t0, ScannedBy: "cli"}
	e.must(e.s.PutHost(e.ctx, h, r, raw))
	e.must(e.s.PutHost(e.ctx, h, r, raw))
	hs, err := e.s.ListHosts(e.ctx)
	e.must(err)
	if len(hs) != 1 || hs[0].Scans != 2 || hs[0].Packages != 4 || hs[0].Severities["HIGH"] != 1 || hs[0].Kernel != "6.1" {
		e.t.Errorf("ListHosts = %+v", hs)
	}
	got, ok, err := e.s.HostReport(e.ctx, "web1")
	e.must(err)
	if !ok || string(got) != string(raw) {
		e.t.Errorf("HostReport = %s, %v", got, ok)
	}
}
