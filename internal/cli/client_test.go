package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/worker"
)

// runCLIIn is runCLI with stdin.
func runCLIIn(t *testing.T, environ map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{Env: cmdio.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return environ[k] }}}
	code := run(context.Background(), args, e)
	return result{code, out.String(), errb.String()}
}

type fleet struct {
	url                    string
	admin, scanner, reader string
	// hook and hookClient reach the controller over HTTPS, which its
	// admission webhook requires (newFleetWith with Reviews set).
	hook       string
	hookClient *http.Client
}

// newFleet starts an in-process controller and n in-process scanners
// using db; everything stops at the end of the test.
func newFleet(t *testing.T, db string, scanners int) fleet {
	t.Helper()
	return newFleetWith(t, db, scanners, nil)
}

// newFleetWith is newFleet whose controller also runs its loops
// (controller.Run: the leader's database check, Pod watcher, exception
// reconciliation) when configure is given; configure adjusts its
// configuration first.
func newFleetWith(t *testing.T, db string, scanners int, configure func(*controller.Config)) fleet {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	var f fleet
	for role, dst := range map[api.Role]*string{api.RoleAdmin: &f.admin, api.RoleScanner: &f.scanner, api.RoleReader: &f.reader} {
		var err error
		if *dst, err = controller.CreateToken(ctx, dir, role); err != nil {
			t.Fatal(err)
		}
	}
	cfg := controller.Config{DataDir: dir, DBPath: db, Logger: slog.New(slog.DiscardHandler)}
	if configure != nil {
		configure(&cfg)
	}
	c, err := controller.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(c.Handler())
	f.url = srv.URL
	if cfg.Reviews != nil {
		tls := httptest.NewTLSServer(c.Handler())
		t.Cleanup(tls.Close)
		f.hook, f.hookClient = tls.URL, tls.Client()
	}
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if configure != nil {
		wg.Go(func() {
			if err := c.Run(wctx); err != nil {
				t.Errorf("controller: %v", err)
			}
		})
	}
	for i := range scanners {
		wg.Go(func() {
			err := worker.Run(wctx, worker.Config{ControllerURL: srv.URL, Token: f.scanner, Name: "w" + string(rune('1'+i)),
				Concurrency: 2, DBPath: db, PollInterval: 50 * time.Millisecond})
			if err != nil && !errors.Is(err, context.Canceled) {
				t.Errorf("worker: %v", err)
			}
		})
	}
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		srv.Close()
		if err := c.Close(); err != nil {
			t.Error(err)
		}
	})
	return f
}

// apkPackages counts the packages in the rootfs tarball's APK database,
// independently of the scanner's analysers.
func apkPackages(t *testing.T, tarGz string) int {
	t.Helper()
	f, err := os.Open(tarGz)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no lib/apk/db/installed in %s: %v", tarGz, err)
		}
		if strings.TrimPrefix(h.Name, "./") != "lib/apk/db/installed" {
			continue
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for ln := range strings.SplitSeq(string(b), "\n") {
			if strings.HasPrefix(ln, "P:") {
				n++
			}
		}
		return n
	}
}

func decodeJSON[T any](t *testing.T, s string) T {
	t.Helper()
	var v T
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("output does not decode into %T: %v\n%s", v, err, s)
	}
	return v
}

// TestClientEndToEnd drives a fleet through the client commands only:
// add a registry, scan it and wait, list and show what was found.
func TestClientEndToEnd(t *testing.T) {
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
	imagetest.Push(t, app, host+"/skipped/app:1") // filtered out
	baseDigest, err := base.Digest()
	if err != nil {
		t.Fatal(err)
	}
	appDigest, err := app.Digest()
	if err != nil {
		t.Fatal(err)
	}

	f := newFleet(t, db, 2)
	admin := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin}
	reader := map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader}
	const secret = "hunter2-do-not-print"

	r := runCLIIn(t, admin, secret+"\n", "registry", "add", "local", "--url", "http://"+host,
		"--username", "bob", "--password-stdin", "--filter", "library/**", "--filter", "team/**", "--interval", "1h")
	if r.code != 0 {
		t.Fatalf("registry add: exit %d: %s", r.code, r.stderr)
	}
	r = runCLI(t, reader, "registry", "list", "--format", "json")
	if r.code != 0 {
		t.Fatalf("registry list: exit %d: %s", r.code, r.stderr)
	}
	if strings.Contains(r.stdout, secret) {
		t.Fatal("registry list printed the password")
	}
	regs := decodeJSON[[]api.RegistryView](t, r.stdout)
	if len(regs) != 1 || regs[0].Name != "local" || regs[0].Username != "bob" || !regs[0].PasswordSet ||
		!slices.Equal(regs[0].Filters, []string{"library/**", "team/**"}) || time.Duration(regs[0].Interval) != time.Hour {
		t.Fatalf("registry list: %+v", regs)
	}

	r = runCLI(t, admin, "registry", "scan", "local", "--wait", "--timeout", "2m")
	if r.code != 0 {
		t.Fatalf("registry scan --wait: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	t.Logf("registry scan --wait:\n%s", r.stderr)
	if !strings.Contains(r.stderr, "registry local: 2 images scanned, 0 failed") {
		t.Errorf("scan summary missing:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr+r.stdout, secret) {
		t.Fatal("registry scan printed the password")
	}

	r = runCLI(t, reader, "images", "--format", "json")
	if r.code != 0 {
		t.Fatalf("images: exit %d: %s", r.code, r.stderr)
	}
	ims := decodeJSON[[]api.ImageSummary](t, r.stdout)
	byRepo := map[string]api.ImageSummary{}
	for _, im := range ims {
		byRepo[im.Repository] = im
	}
	if len(ims) != 2 || byRepo["library/alpine"].Digest != baseDigest.String() || byRepo["team/app"].Digest != appDigest.String() {
		t.Fatalf("images: %+v", ims)
	}
	wantPkgs := apkPackages(t, rootfs)
	for _, im := range ims {
		if im.Packages != wantPkgs {
			t.Errorf("%s: %d packages, the rootfs APK database lists %d", im.Repository, im.Packages, wantPkgs)
		}
	}

	// The stored report, as JSON, is the full scan: its findings are the
	// answer list for this rootfs and database.
	r = runCLI(t, reader, "image", "show", baseDigest.String(), "--format", "json")
	if r.code != 0 {
		t.Fatalf("image show: exit %d: %s", r.code, r.stderr)
	}
	rep := decode(t, r.stdout)
	if len(rep.Packages) != wantPkgs || len(rep.Vulnerabilities) != byRepo["library/alpine"].Vulnerabilities {
		t.Fatalf("report: %d packages, %d vulnerabilities; summary says %d, %d", len(rep.Packages), len(rep.Vulnerabilities),
			byRepo["library/alpine"].Packages, byRepo["library/alpine"].Vulnerabilities)
	}
	checkAnswers(t, rep.Vulnerabilities)
	if len(rep.Vulnerabilities) == 0 {
		t.Fatal("no vulnerabilities to filter on")
	}

	// Every other format renders the same stored report.
	for _, format := range []string{"table", "sarif", "cyclonedx", "spdx"} {
		r := runCLI(t, reader, "image", "show", baseDigest.String(), "--format", format)
		if r.code != 0 || r.stdout == "" {
			t.Errorf("image show --format %s: exit %d: %s", format, r.code, r.stderr)
		}
		if format != "table" && !json.Valid([]byte(r.stdout)) {
			t.Errorf("image show --format %s: not JSON", format)
		}
		if format == "table" && !strings.Contains(r.stdout, rep.Vulnerabilities[0].ID) {
			t.Errorf("table lacks %s:\n%s", rep.Vulnerabilities[0].ID, r.stdout)
		}
	}

	// Filters: by CVE, severity, repository, registry.
	v := rep.Vulnerabilities[0]
	// Both images hold the same packages, so a severity either matches both
	// or neither.
	var critical []string
	if slices.ContainsFunc(rep.Vulnerabilities, func(v report.Vulnerability) bool { return strings.EqualFold(string(v.Severity), "critical") }) {
		critical = []string{"library/alpine", "team/app"}
	}
	for _, tc := range []struct {
		args []string
		want []string // repositories
	}{
		{[]string{"--cve", v.ID}, []string{"library/alpine", "team/app"}},
		{[]string{"--cve", "CVE-1999-0000"}, nil},
		{[]string{"--severity", strings.ToLower(string(v.Severity))}, []string{"library/alpine", "team/app"}},
		{[]string{"--severity", "CRITICAL"}, critical},
		{[]string{"--repository", "team/app"}, []string{"team/app"}},
		{[]string{"--registry", "other"}, nil},
	} {
		r := runCLI(t, reader, append([]string{"images", "--format", "json"}, tc.args...)...)
		if r.code != 0 {
			t.Fatalf("images %v: exit %d: %s", tc.args, r.code, r.stderr)
		}
		var got []string
		for _, im := range decodeJSON[[]api.ImageSummary](t, r.stdout) {
			got = append(got, im.Repository)
		}
		slices.Sort(got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("images %v: %v, want %v", tc.args, got, tc.want)
		}
	}
	r = runCLI(t, reader, "images")
	t.Logf("images:\n%s", r.stdout)
	if r.code != 0 || !strings.Contains(r.stdout, "library/alpine") || !strings.Contains(r.stdout, shortDigest(appDigest.String())) {
		t.Errorf("images table: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}

	r = runCLI(t, reader, "scanners", "--format", "json")
	if r.code != 0 {
		t.Fatalf("scanners: exit %d: %s", r.code, r.stderr)
	}
	scs := decodeJSON[[]api.Scanner](t, r.stdout)
	done := 0
	for _, s := range scs {
		done += s.Done
	}
	if len(scs) != 2 || done != 2 {
		t.Errorf("scanners: %d registered, %d scans done; want 2, 2: %+v", len(scs), done, scs)
	}

	r = runCLI(t, reader, "queue", "--format", "json")
	if r.code != 0 {
		t.Fatalf("queue: exit %d: %s", r.code, r.stderr)
	}
	counts := decodeJSON[api.QueueCounts](t, r.stdout)
	if counts[queue.StateDone] != 2 || counts[queue.StateQueued] != 0 || counts[queue.StateFailed] != 0 {
		t.Errorf("queue: %v", counts)
	}
	r = runCLI(t, reader, "queue")
	if r.code != 0 || !strings.Contains(r.stdout, "done") {
		t.Errorf("queue table: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	r = runCLI(t, reader, "queue", "--state", "done", "--format", "json")
	if tasks := decodeJSON[[]api.TaskView](t, r.stdout); r.code != 0 || len(tasks) != 2 {
		t.Errorf("queue --state done: exit %d, %d tasks", r.code, len(tasks))
	}

	// A second scan finds nothing new and says so.
	r = runCLI(t, admin, "registry", "scan", "local", "--wait", "--timeout", "1m")
	if r.code != 0 || !strings.Contains(r.stderr, "0 images scanned, 0 failed") {
		t.Errorf("rescan: exit %d: %s", r.code, r.stderr)
	}
}

// Errors are one line naming the controller and the status, and never
// echo the token.
func TestClientErrors(t *testing.T) {
	f := newFleet(t, "", 0)
	const badToken = "not-a-real-token-123"
	for _, tc := range []struct {
		name    string
		environ map[string]string
		args    []string
		code    int
		want    []string
	}{
		{"no token", map[string]string{"SCANFLEET_CONTROLLER": f.url}, []string{"images"}, ExitError,
			[]string{f.url, "401", "token missing/invalid"}},
		{"bad token", map[string]string{"SCANFLEET_CONTROLLER": f.url}, []string{"queue", "--token", badToken}, ExitError,
			[]string{f.url, "401", "token missing/invalid"}},
		{"reader adds", map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader},
			[]string{"registry", "add", "x", "--url", "http://127.0.0.1:1"}, ExitError,
			[]string{f.url, "403", "token lacks the admin role"}},
		// The audit log names every token: admins only.
		{"reader reads the audit log", map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader},
			[]string{"audit"}, ExitError, []string{f.url, "403", "token lacks the admin role (GET /api/v1/audit)"}},
		{"unknown registry", map[string]string{"SCANFLEET_TOKEN": f.admin},
			[]string{"registry", "scan", "nope", "--controller", f.url}, ExitError,
			[]string{f.url, "404", `registry "nope" not found`}},
		{"unknown image", map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.reader},
			[]string{"image", "show", "sha256:0000"}, ExitError, []string{f.url, "404"}},
		{"bad registry url", map[string]string{"SCANFLEET_CONTROLLER": f.url, "SCANFLEET_TOKEN": f.admin},
			[]string{"registry", "add", "x", "--url", "ftp://h"}, ExitError, []string{"400", "must be http(s)://host[:port]"}},
		{"no controller", map[string]string{"SCANFLEET_CONTROLLER": "http://127.0.0.1:1", "SCANFLEET_TOKEN": f.reader},
			[]string{"scanners"}, ExitError, []string{"controller http://127.0.0.1:1", "GET /api/v1/scanners"}},
		{"bad controller url", nil, []string{"queue", "--controller", "127.0.0.1:8480"}, ExitUsage, []string{"--controller"}},
		{"bad format", nil, []string{"images", "--format", "xml"}, ExitUsage, []string{"--format"}},
		{"missing url", nil, []string{"registry", "add", "x"}, ExitUsage, []string{"--url is required"}},
		{"bad digest", nil, []string{"image", "show", "abc"}, ExitUsage, []string{"DIGEST"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := runCLI(t, tc.environ, tc.args...)
			msg := strings.TrimSpace(r.stderr)
			if r.code != tc.code || strings.Contains(msg, "\n") {
				t.Fatalf("exit %d (want %d), stderr %q: want one line", r.code, tc.code, msg)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("stderr %q lacks %q", msg, w)
				}
			}
			for _, s := range []string{badToken, f.admin, f.reader} {
				if strings.Contains(r.stderr+r.stdout, s) {
					t.Errorf("output shows a token: %q", msg)
				}
			}
		})
	}
}

// fakeController serves canned answers for the endpoints 'registry scan
// --wait' polls: a crawl that finished, then tasks draining to one done
// and one failed.
type fakeController struct {
	mu    sync.Mutex
	polls int
	crawl time.Time
}

func (fc *fakeController) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	enc := json.NewEncoder(w)
	old := fc.crawl.Add(-time.Hour)
	switch {
	case r.Method == "GET" && r.URL.Path == "/api/v1/registries/r":
		v := api.RegistryView{Registry: api.Registry{Name: "r", URL: "http://x"}}
		if fc.polls > 0 {
			v.LastCrawl = &fc.crawl
		} else {
			v.LastCrawl = &old
		}
		_ = enc.Encode(v)
	case r.Method == "POST" && r.URL.Path == "/api/v1/registries/r/scan":
		fc.polls++
		w.WriteHeader(http.StatusAccepted)
		_ = enc.Encode(map[string]any{"registry": "r", "started": true})
	case r.URL.Path == "/api/v1/tasks":
		fc.polls++
		state := queue.State(r.URL.Query().Get("state"))
		ts := []api.TaskView{
			// Another registry's and an old failure: not counted.
			{ID: "o", State: queue.StateFailed, Registry: "other", UpdatedAt: fc.crawl.Add(time.Minute), LastError: "x"},
			{ID: "old", State: queue.StateFailed, Registry: "r", UpdatedAt: old, LastError: "long ago"},
		}
		if fc.polls < 6 {
			ts = append(ts, api.TaskView{ID: "q", State: queue.StateQueued, Registry: "r"})
		} else {
			ts = append(ts, api.TaskView{ID: "f", State: queue.StateFailed, Registry: "r", Reference: "h/a@sha256:1",
				UpdatedAt: fc.crawl.Add(time.Second), LastError: "pull: manifest unknown"})
		}
		var out []api.TaskView
		for _, t := range ts {
			if t.State == state {
				out = append(out, t)
			}
		}
		_ = enc.Encode(out)
	case r.URL.Path == "/api/v1/images":
		_ = enc.Encode([]api.ImageSummary{
			{Registry: "r", Repository: "a", ScannedAt: fc.crawl.Add(time.Second)},
			{Registry: "r", Repository: "b", ScannedAt: old},
		})
	default:
		http.NotFound(w, r)
	}
}

// A failed task makes 'registry scan --wait' exit non-zero, naming it;
// tasks of other registries and failures before the crawl do not count.
func TestScanWaitReportsFailures(t *testing.T) {
	srv := httptest.NewServer(&fakeController{crawl: time.Now().UTC().Truncate(time.Second)})
	t.Cleanup(srv.Close)
	r := runCLI(t, map[string]string{"SCANFLEET_CONTROLLER": srv.URL, "SCANFLEET_TOKEN": "t"}, "registry", "scan", "r", "--wait", "--timeout", "30s")
	if r.code != ExitError {
		t.Fatalf("exit %d, want %d: %s", r.code, ExitError, r.stderr)
	}
	for _, w := range []string{"queued 1  leased 0  done 1  failed 0", "registry r: 1 images scanned, 1 failed",
		"failed: h/a@sha256:1: pull: manifest unknown", "registry r: 1 scan tasks failed"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if strings.Contains(r.stderr, "long ago") {
		t.Errorf("an old failure was counted:\n%s", r.stderr)
	}
}
