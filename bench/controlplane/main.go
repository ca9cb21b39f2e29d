// Command controlplane measures what the control plane sustains, for
// docs/benchmarks.md: API latency (p50/p99) of the image list, CVE search,
// lease and result post with a store of N images, and the leases+results
// per second that many concurrent simulated scanners get through.
//
//	go run ./bench/controlplane -store sqlite
//	go run ./bench/controlplane -store postgres -postgres "$SCANFLEET_TEST_POSTGRES"
//
// The controller is the real one (controller.New, its HTTP handler on a
// loopback TCP server, its background loops running) with its real store
// and queue; only the scanners are simulated. Each does what
// `scanfleet scanner` does around a scan, through the same HTTP protocol:
// register, heartbeat, lease, look up the image's layers (claiming and
// storing the ones nobody analysed), post the report. The "scan" itself
// takes no time, so the rates are the controller's ceiling, not a fleet's.
//
// Images arrive as registry push notifications (no registry is contacted),
// with reports of -vulns findings drawn from a pool of CVEs so that a CVE
// is found in about images*vulns/cves of them.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	_ "net/http/pprof" // -pprof
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scanfleet/scanfleet/internal/analyzer/all"
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/layer"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/report"
)

type options struct {
	store, dsn, cpuProfile, pprof string
	images, scanners, more        int
	vulns, cves, samples, repos   int
	baseLayers, ownLayers, leaseN int
	replicas                      int
	layerBatch                    bool
}

func main() {
	var o options
	flag.StringVar(&o.store, "store", "sqlite", "sqlite (state.db and queue.db in a temporary directory) or postgres")
	flag.StringVar(&o.dsn, "postgres", os.Getenv("SCANFLEET_TEST_POSTGRES"), "PostgreSQL DSN for -store postgres; the benchmark works in a schema of its own, dropped at the end")
	flag.IntVar(&o.images, "images", 10000, "images stored before latencies are measured")
	flag.IntVar(&o.scanners, "scanners", 100, "concurrent simulated scanners")
	flag.IntVar(&o.more, "more", 3000, "images scanned in the sustained-throughput phase, on top of -images")
	flag.IntVar(&o.vulns, "vulns", 40, "findings per report")
	flag.IntVar(&o.cves, "cves", 5000, "distinct CVEs the findings are drawn from")
	flag.IntVar(&o.repos, "repos", 100, "repositories the images are spread over")
	flag.IntVar(&o.samples, "samples", 300, "requests timed per latency row")
	flag.IntVar(&o.baseLayers, "base-layers", 3, "layers every image shares (looked up, found)")
	flag.IntVar(&o.ownLayers, "own-layers", 1, "layers of each image's own (looked up, claimed, stored)")
	flag.IntVar(&o.leaseN, "lease-max", 1, "tasks a simulated scanner leases at once")
	flag.IntVar(&o.replicas, "replicas", 1, "controllers sharing the PostgreSQL store, scanners spread over them")
	flag.BoolVar(&o.layerBatch, "layer-batch", true, "look an image's layers up in one request (POST /api/v1/layers/lookup), as scanners do; false: one GET per layer, as scanners before it did")
	flag.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the sustained-throughput phase (controller and simulated scanners: one process) here")
	flag.StringVar(&o.pprof, "pprof", "", "serve net/http/pprof on this address (e.g. 127.0.0.1:6060) while running, for goroutine and block profiles of the controller")
	flag.Parse()
	if o.pprof != "" {
		// The default mux carries net/http/pprof's handlers; the
		// controller serves on its own handler.
		runtime.SetBlockProfileRate(int(time.Millisecond))
		runtime.SetMutexProfileFraction(10)
		go func() { log.Println(http.ListenAndServe(o.pprof, nil)) }() // #nosec G114 -- a loopback debugging endpoint of a benchmark
	}
	if err := run(context.Background(), o); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context, o options) error {
	dir, err := os.MkdirTemp("", "scanfleet-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := controller.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)}
	var (
		pg     *pgx.Conn
		schema string
	)
	switch o.store {
	case "sqlite":
	case "postgres":
		dsn, conn, drop, err := freshSchema(ctx, o.dsn)
		if err != nil {
			return err
		}
		defer drop()
		pg = conn
		if u, err := url.Parse(dsn); err == nil {
			schema = u.Query().Get("search_path")
		}
		cfg.StoreDSN, cfg.QueueDSN = dsn, dsn
	default:
		return fmt.Errorf("-store %q: want sqlite or postgres", o.store)
	}
	// Tokens go into the store the controllers serve from: with SQLite
	// that is replica 0's data directory (state.db), not dir itself,
	// where a token would be valid for no controller (401).
	tokens := map[controller.Role]string{}
	for _, role := range []controller.Role{controller.RoleAdmin, controller.RoleScanner, controller.RoleReader} {
		if tokens[role], err = controller.CreateTokenIn(ctx, replicaConfig(cfg, 0), role); err != nil {
			return fmt.Errorf("token: %w", err)
		}
	}
	if o.replicas > 1 && o.store != "postgres" {
		return errors.New("-replicas > 1 needs -store postgres: SQLite serves one controller")
	}
	var bases []string
	for r := range o.replicas {
		base, stop, err := startController(ctx, cfg, r, o.replicas)
		if err != nil {
			return err
		}
		defer stop()
		bases = append(bases, base)
	}

	// Enough idle connections for every scanner: without them each
	// request past the default two would open a new connection.
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = o.scanners + 16
	b := &bench{o: o, pg: pg, schema: schema, base: bases[0], bases: bases, tokens: tokens, http: &http.Client{Transport: tr, Timeout: 2 * time.Minute}}
	b.makeTemplate()
	fmt.Printf("# control plane: %d controller(s), %s store, %d CPUs (GOMAXPROCS %d), %d scanners, reports of %d findings (%d KB), %d+%d layers per image\n",
		o.replicas, o.store, runtime.NumCPU(), runtime.GOMAXPROCS(0), o.scanners, o.vulns, len(b.report(0))/1024, o.baseLayers, o.ownLayers)

	if err := b.call(ctx, http.MethodPost, "/api/v1/registries", tokens[controller.RoleAdmin],
		map[string]any{"name": "bench", "url": "http://registry.bench.invalid"}, nil); err != nil {
		return fmt.Errorf("creating the registry: %w", err)
	}

	// Phase 1: fill the store through the scanner protocol.
	if err := b.notify(ctx, 0, o.images); err != nil {
		return err
	}
	fill, err := b.fleet(ctx, o.images)
	if err != nil {
		return err
	}
	fill.print(fmt.Sprintf("filling 0 → %d images", o.images))

	// Phase 2: latencies with the store full, one request at a time.
	if err := b.latencies(ctx); err != nil {
		return err
	}

	// Phase 3: sustained throughput with the store full.
	if err := b.notify(ctx, o.images, o.more); err != nil {
		return err
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
	}
	more, err := b.fleet(ctx, o.more)
	if o.cpuProfile != "" {
		pprof.StopCPUProfile()
	}
	if err != nil {
		return err
	}
	more.print(fmt.Sprintf("%d → %d images", o.images, o.images+o.more))
	return nil
}

// startController starts replica r of n on cfg (its own data directory;
// with n > 1 an election through PostgreSQL, as replicas sharing a
// database run) and serves it on a loopback port. stop ends it.
func startController(ctx context.Context, cfg controller.Config, r, n int) (base string, stop func(), err error) {
	cfg = replicaConfig(cfg, r)
	if n > 1 {
		el, err := leader.NewPostgres(leader.PostgresOptions{DSN: cfg.QueueDSN, Name: "bench", Identity: fmt.Sprintf("replica-%d", r),
			RetryPeriod: time.Second, Logger: cfg.Logger})
		if err != nil {
			return "", nil, err
		}
		cfg.Elector = el
	}
	c, err := controller.New(ctx, cfg)
	if err != nil {
		return "", nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		c.Close()
		return "", nil, err
	}
	srv := &http.Server{Handler: c.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	runCtx, cancel := context.WithCancel(ctx)
	runDone := make(chan struct{})
	go func() { defer close(runDone); _ = c.Run(runCtx) }()
	return "http://" + ln.Addr().String(), func() {
		cancel()
		<-runDone
		srv.Close()
		if err := c.Close(); err != nil {
			log.Printf("closing replica %d: %v", r, err)
		}
	}, nil
}

// replicaConfig is cfg for replica r: a data directory of its own (with
// SQLite, its state.db and queue.db are there).
func replicaConfig(cfg controller.Config, r int) controller.Config {
	cfg.DataDir = filepath.Join(cfg.DataDir, fmt.Sprintf("replica-%d", r))
	return cfg
}

// freshSchema creates a schema of its own in dsn's database and returns a
// DSN using it, the connection that made it (for diagnostics) and a
// function dropping it.
func freshSchema(ctx context.Context, dsn string) (string, *pgx.Conn, func(), error) {
	if dsn == "" {
		return "", nil, nil, errors.New("-store postgres needs -postgres DSN (or SCANFLEET_TEST_POSTGRES)")
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return "", nil, nil, fmt.Errorf("postgres: %w", err)
	}
	schema := "bench_" + randomHex(6)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		return "", nil, nil, fmt.Errorf("postgres: %w", err)
	}
	u, err := url.Parse(dsn)
	if err != nil {
		conn.Close(ctx)
		return "", nil, nil, fmt.Errorf("postgres DSN: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), conn, func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			log.Printf("dropping schema %s: %v", schema, err)
		}
		conn.Close(context.Background())
	}, nil
}

type bench struct {
	o      options
	pg     *pgx.Conn // PostgreSQL runs: the benchmark's own connection
	schema string    // PostgreSQL runs: the schema the controllers use
	base   string    // the controller this bench value talks to
	bases  []string  // every replica; scanners are spread over them
	tokens map[controller.Role]string
	http   *http.Client
	// The report template (makeTemplate): segments, what goes between
	// them, and the size of a report.
	tmpl     [][]byte
	fields   []templateField
	tmplSize int
}

// call sends a JSON request and decodes a JSON answer into out (if not
// nil); any status but 2xx is an error naming the request.
func (b *bench) call(ctx context.Context, method, path, token string, in, out any) error {
	_, err := b.callStatus(ctx, method, path, token, in, out)
	return err
}

func (b *bench) callStatus(ctx context.Context, method, path, token string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		raw, ok := in.([]byte)
		if !ok {
			var err error
			if raw, err = json.Marshal(in); err != nil {
				return 0, err
			}
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, b.base+path, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := b.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, bytes.TrimSpace(raw))
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding the answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

func repo(o options, i int) string   { return fmt.Sprintf("team/app%d", i%o.repos) }
func digest(i int) string            { return fmt.Sprintf("sha256:%064x", i+1) }
func cve(o options, i, j int) string { return fmt.Sprintf("CVE-2024-%d", 10000+(i*7+j*131)%o.cves) }
func layerKey(i int) string          { return fmt.Sprintf("%s/sha256:%064x", all.Version(), 1<<40+i) }

// notify enqueues images [from, from+n) as push notifications, 500 to an
// envelope, as a registry sends them.
func (b *bench) notify(ctx context.Context, from, n int) error {
	type target struct {
		MediaType  string `json:"mediaType"`
		Repository string `json:"repository"`
		Digest     string `json:"digest"`
		Tag        string `json:"tag"`
	}
	type event struct {
		Action string `json:"action"`
		Target target `json:"target"`
	}
	for lo := from; lo < from+n; lo += 500 {
		var events []event
		for i := lo; i < min(lo+500, from+n); i++ {
			events = append(events, event{Action: "push", Target: target{MediaType: "application/vnd.oci.image.manifest.v1+json",
				Repository: repo(b.o, i), Digest: digest(i), Tag: fmt.Sprintf("v%d", i)}})
		}
		var res struct {
			Enqueued int `json:"enqueued"`
		}
		if err := b.call(ctx, http.MethodPost, "/api/v1/registries/bench/notify", b.tokens[controller.RoleAdmin], map[string]any{"events": events}, &res); err != nil {
			return err
		}
		if res.Enqueued != len(events) {
			return fmt.Errorf("notify: %d of %d pushes enqueued", res.Enqueued, len(events))
		}
	}
	return nil
}

// report is image i's report: an Alpine image with a package per finding
// plus as many clean ones. It is spliced from a template encoded once:
// the simulated scanners' work should cost the shared CPUs as little as
// possible, since a real fleet's runs elsewhere.
func (b *bench) report(i int) []byte {
	out := make([]byte, 0, b.tmplSize)
	for k, seg := range b.tmpl {
		out = append(out, seg...)
		if k == len(b.tmpl)-1 {
			break
		}
		switch f := b.fields[k]; {
		case f.what == "digest":
			out = append(out, digest(i)...)
		case f.what == "repo":
			out = append(out, repo(b.o, i)...)
		case f.what == "id":
			out = append(out, cve(b.o, i, f.j)...)
		case f.what == "sev":
			out = append(out, severityNames[(i+f.j)%4]...)
		}
	}
	return out
}

var severityNames = []string{"CRITICAL", "HIGH", "MEDIUM", "LOW"}

// templateField is what goes between two segments of the report template.
type templateField struct {
	what string // digest, repo, id, sev
	j    int    // the finding, for id and sev
}

// makeTemplate encodes a report whose varying values are markers
// (§N§, which encoding/json writes as is), and splits it at them.
func (b *bench) makeTemplate() {
	var fields []templateField
	mark := func(f templateField) string {
		fields = append(fields, f)
		return fmt.Sprintf("§%d§", len(fields)-1)
	}
	dg, rp := mark(templateField{what: "digest"}), mark(templateField{what: "repo"})
	rep := report.Report{SchemaVersion: report.SchemaVersion, OS: &report.OS{ID: "alpine", VersionID: "3.20.3", PrettyName: "Alpine Linux v3.20"},
		Image:     &report.Image{Reference: "registry.bench.invalid/" + rp + "@" + dg, Digest: dg},
		ScannedAt: time.Now().UTC(), ScannerVersion: "bench", Packages: []report.Package{}, Vulnerabilities: []report.Vulnerability{}}
	for j := range 2 * b.o.vulns {
		rep.Packages = append(rep.Packages, report.Package{Name: fmt.Sprintf("pkg%d", j), Version: "1.2.3-r0", Type: "apk", Path: "lib/apk/db/installed", Layer: digest(j % 3)})
	}
	for j := range b.o.vulns {
		rep.Vulnerabilities = append(rep.Vulnerabilities, report.Vulnerability{ID: mark(templateField{what: "id", j: j}), Package: fmt.Sprintf("pkg%d", j), InstalledVersion: "1.2.3-r0",
			FixedVersion: "1.2.4-r0", Severity: report.Severity(mark(templateField{what: "sev", j: j})), Title: "A flaw in pkg", Source: "osv", Layer: digest(j % 3),
			CVSS: []report.CVSS{{Version: "3.1", Vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", Score: 9.8}}})
	}
	raw, err := json.Marshal(rep)
	if err != nil {
		panic(err) // a fixed, valid structure
	}
	// Split at each marker in the order they appear (one value may
	// appear more than once: the digest is also in the reference).
	b.fields, b.tmpl = nil, nil
	rest := string(raw)
	for {
		before, after, ok := strings.Cut(rest, "§")
		if !ok {
			break
		}
		num, tail, ok := strings.Cut(after, "§")
		k, err := strconv.Atoi(num)
		if !ok || err != nil || k >= len(fields) {
			panic(fmt.Sprintf("report template: bad marker at %q", after[:min(len(after), 20)]))
		}
		b.tmpl = append(b.tmpl, []byte(before))
		b.fields = append(b.fields, fields[k])
		rest = tail
	}
	b.tmpl = append(b.tmpl, []byte(rest))
	b.tmplSize = len(raw) + 64*len(fields)
	var check report.Report
	if err := json.Unmarshal(b.report(1), &check); err != nil || check.Image.Digest != digest(1) ||
		check.Vulnerabilities[0].ID != cve(b.o, 1, 0) || check.Vulnerabilities[0].Severity != report.Severity(severityNames[1]) {
		panic(fmt.Sprintf("report template: image 1's report does not decode to its values (%v)", err))
	}
}

// resultBody is the body of a result post of image i, written without
// re-encoding the report.
func (b *bench) resultBody(scanner string, i int) []byte {
	body := []byte(`{"scanner":` + strconv.Quote(scanner) + `,"duration_seconds":1,"report":`)
	body = append(body, b.report(i)...)
	return append(body, '}')
}

// samples collects durations safely from many goroutines.
type samples struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *samples) add(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
}

func (s *samples) pct(p float64) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.d) == 0 {
		return 0
	}
	slices.Sort(s.d)
	return s.d[min(len(s.d)-1, int(p*float64(len(s.d))))]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }

type fleetResult struct {
	images                    int
	sessions                  int64      // PostgreSQL connections opened (-1: not PostgreSQL)
	tables                    []tableUse // PostgreSQL: what the phase did to each table
	elapsed                   time.Duration
	cpu                       cpuTimes // spent during the phase
	requests                  int64
	lease, result, layerCalls *samples
}

func (r fleetResult) print(what string) {
	s := r.elapsed.Seconds()
	fmt.Printf("%s: %d images in %.1f s = %.0f results/s (%.0f leases+results/s, %.0f HTTP requests/s); under load: lease p50 %s p99 %s, result post p50 %s p99 %s, layer lookup p50 %s p99 %s\n",
		what, r.images, s, float64(r.images)/s, 2*float64(r.images)/s, float64(r.requests)/s,
		ms(r.lease.pct(0.5)), ms(r.lease.pct(0.99)), ms(r.result.pct(0.5)), ms(r.result.pct(0.99)), ms(r.layerCalls.pct(0.5)), ms(r.layerCalls.pct(0.99)))
	if r.sessions >= 0 {
		fmt.Printf("  PostgreSQL connections opened meanwhile (by anyone on the server): %d\n", r.sessions)
	}
	if len(r.tables) > 0 {
		// Per result: the benchmark's own schema only, so load from
		// others does not count (unlike the CPU of the server's processes).
		var line []string
		var scans, writes int64
		for _, t := range r.tables {
			scans += t.seq + t.idx
			writes += t.writes
			line = append(line, fmt.Sprintf("%s %.1f/%.1f/%.1f", t.name, float64(t.seq)/float64(r.images), float64(t.idx)/float64(r.images), float64(t.writes)/float64(r.images)))
		}
		fmt.Printf("  PostgreSQL per result: %.1f table scans (sequential + index), %.1f rows written; by table (sequential/index scans/rows written): %s\n",
			float64(scans)/float64(r.images), float64(writes)/float64(r.images), strings.Join(line, ", "))
	}
	per := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", d.Seconds()*1000/float64(r.images)) }
	fmt.Printf("  CPU per result: this process %s (controller and simulated scanners), PostgreSQL server processes %s (anyone's); machine busy %.0f%% of %d CPUs (others' work included)\n",
		per(r.cpu.process), per(r.cpu.postgres), 100*r.cpu.machineBusy.Seconds()/(r.elapsed.Seconds()*float64(runtime.NumCPU())), runtime.NumCPU())
}

// cpuTimes is CPU time read from the kernel: this process's, the
// PostgreSQL server's (every process named postgres, so any other user
// of the server counts too) and the whole machine's busy time.
type cpuTimes struct{ process, postgres, machineBusy time.Duration }

func (a cpuTimes) sub(b cpuTimes) cpuTimes {
	return cpuTimes{a.process - b.process, a.postgres - b.postgres, a.machineBusy - b.machineBusy}
}

// clockTick is USER_HZ, the unit of /proc's CPU times (100 on Linux).
const clockTick = 10 * time.Millisecond

func readCPU() cpuTimes {
	var t cpuTimes
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		t.process = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		raw, err := os.ReadFile(p) // #nosec G304 -- /proc entries
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: utime and stime are fields 14 and
		// 15, the 12th and 13th after the comm's closing parenthesis.
		s := string(raw)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open || s[open+1:close] != "postgres" {
			continue
		}
		f := strings.Fields(s[close+1:])
		if len(f) < 13 {
			continue
		}
		u, _ := strconv.ParseInt(f[11], 10, 64)
		st, _ := strconv.ParseInt(f[12], 10, 64)
		t.postgres += time.Duration(u+st) * clockTick
	}
	if raw, err := os.ReadFile("/proc/stat"); err == nil {
		line, _, _ := strings.Cut(string(raw), "\n")
		f := strings.Fields(line) // cpu user nice system idle iowait irq softirq steal ...
		for i, v := range f[1:] {
			if i == 3 || i == 4 { // idle, iowait
				continue
			}
			n, _ := strconv.ParseInt(v, 10, 64)
			t.machineBusy += time.Duration(n) * clockTick
		}
	}
	return t
}

// sessions is how many connections the PostgreSQL server has accepted
// into this database so far (pg_stat_database.sessions, PostgreSQL 14+),
// or -1.
func (b *bench) sessions(ctx context.Context) int64 {
	if b.pg == nil {
		return -1
	}
	var n int64
	if err := b.pg.QueryRow(ctx, "SELECT sessions FROM pg_stat_database WHERE datname = current_database()").Scan(&n); err != nil {
		return -1
	}
	return n
}

// tableUse is what was done to one table of the benchmark's schema
// (pg_stat_user_tables): sequential scans, index scans, rows written.
type tableUse struct {
	name             string
	seq, idx, writes int64
}

// tableUse reads the statistics of the benchmark's tables (nil: not
// PostgreSQL, or unreadable).
func (b *bench) tableUse(ctx context.Context) []tableUse {
	if b.pg == nil || b.schema == "" {
		return nil
	}
	rows, err := b.pg.Query(ctx, `SELECT relname, seq_scan, coalesce(idx_scan, 0), n_tup_ins + n_tup_upd + n_tup_del
		FROM pg_stat_user_tables WHERE schemaname = $1 ORDER BY relname`, b.schema)
	if err != nil {
		return nil
	}
	defer rows.Close()
	var out []tableUse
	for rows.Next() {
		var t tableUse
		if rows.Scan(&t.name, &t.seq, &t.idx, &t.writes) != nil {
			return nil
		}
		out = append(out, t)
	}
	return out
}

// subTableUse is after - before, leaving out the tables nothing touched.
func subTableUse(after, before []tableUse) []tableUse {
	was := map[string]tableUse{}
	for _, t := range before {
		was[t.name] = t
	}
	var out []tableUse
	for _, t := range after {
		w := was[t.name]
		d := tableUse{name: t.name, seq: t.seq - w.seq, idx: t.idx - w.idx, writes: t.writes - w.writes}
		if d.seq != 0 || d.idx != 0 || d.writes != 0 {
			out = append(out, d)
		}
	}
	return out
}

// fleet runs o.scanners simulated scanners until want results are posted.
func (b *bench) fleet(ctx context.Context, want int) (fleetResult, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	res := fleetResult{images: want, lease: &samples{}, result: &samples{}, layerCalls: &samples{}}
	var done, requests atomic.Int64
	var wg sync.WaitGroup
	sessions := b.sessions(ctx)
	tables0 := b.tableUse(ctx)
	cpu0 := readCPU()
	start := time.Now()
	for s := range b.o.scanners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Scanners spread over the replicas, as behind a Service.
			sb := *b
			sb.base = b.bases[s%len(b.bases)]
			if err := sb.scanner(ctx, fmt.Sprintf("bench-%d", s), want, &done, &requests, &res); err != nil && ctx.Err() == nil {
				cancel(err)
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.cpu = readCPU().sub(cpu0)
	res.requests = requests.Load()
	res.sessions = -1
	if sessions >= 0 {
		res.sessions = b.sessions(ctx) - sessions
		// A backend reports its statistics within a second or so.
		time.Sleep(1500 * time.Millisecond)
		res.tables = subTableUse(b.tableUse(ctx), tables0)
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.Canceled) {
		return res, err
	}
	if n := done.Load(); n != int64(want) {
		return res, fmt.Errorf("%d results stored, want %d", n, want)
	}
	return res, nil
}

// scanner is one simulated `scanfleet scanner`.
func (b *bench) scanner(ctx context.Context, name string, want int, done, requests *atomic.Int64, res *fleetResult) error {
	tok := b.tokens[controller.RoleScanner]
	var reg struct {
		ID               string  `json:"id"`
		HeartbeatSeconds float64 `json:"heartbeat_seconds"`
	}
	if err := b.call(ctx, http.MethodPost, "/api/v1/scanners", tok, map[string]any{"name": name, "concurrency": b.o.leaseN, "version": "bench"}, &reg); err != nil {
		return err
	}
	requests.Add(1)
	// Heartbeats, as a scanner sends them while it scans.
	hbCtx, hbStop := context.WithCancel(ctx)
	defer hbStop()
	var held sync.Map
	go func() {
		t := time.NewTicker(time.Duration(reg.HeartbeatSeconds * float64(time.Second)))
		defer t.Stop()
		for {
			select {
			case <-hbCtx.Done():
				return
			case <-t.C:
				ids := []string{}
				held.Range(func(k, _ any) bool { ids = append(ids, k.(string)); return true })
				_ = b.call(hbCtx, http.MethodPost, "/api/v1/scanners/"+reg.ID+"/heartbeat", tok, map[string]any{"task_ids": ids}, nil)
				requests.Add(1)
			}
		}
	}()
	defer func() {
		_ = b.call(context.WithoutCancel(ctx), http.MethodPost, "/api/v1/scanners/"+reg.ID+"/release", tok, map[string]any{"task_ids": []string{}}, nil)
	}()
	type task struct {
		ID     string `json:"id"`
		Digest string `json:"digest"`
	}
	for done.Load() < int64(want) {
		var lr struct {
			Tasks []task `json:"tasks"`
		}
		t0 := time.Now()
		if err := b.call(ctx, http.MethodPost, "/api/v1/scanners/"+reg.ID+"/lease", tok, map[string]any{"max": b.o.leaseN}, &lr); err != nil {
			return err
		}
		res.lease.add(time.Since(t0))
		requests.Add(1)
		if len(lr.Tasks) == 0 {
			// Others hold the last tasks; a real scanner polls every 2 s.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(100 * time.Millisecond):
			}
			continue
		}
		for _, t := range lr.Tasks {
			held.Store(t.ID, true)
			var i int
			if _, err := fmt.Sscanf(t.Digest, "sha256:%x", &i); err != nil {
				return fmt.Errorf("task %s: digest %q: %w", t.ID, t.Digest, err)
			}
			i--
			if err := b.layers(ctx, reg.ID, i, requests, res.layerCalls); err != nil {
				return err
			}
			body := b.resultBody(reg.ID, i)
			t0 := time.Now()
			if err := b.call(ctx, http.MethodPost, "/api/v1/tasks/"+t.ID+"/result", tok, body, nil); err != nil {
				return err
			}
			res.result.add(time.Since(t0))
			requests.Add(1)
			held.Delete(t.ID)
			done.Add(1)
		}
	}
	return nil
}

// layers looks up image i's layers as a scanner's remote layer cache
// does: the shared base layers are found; its own are missed, claimed and
// stored.
func (b *bench) layers(ctx context.Context, scanner string, i int, requests *atomic.Int64, lat *samples) error {
	tok := b.tokens[controller.RoleScanner]
	claim := scanner + "/" + randomHex(4)
	keys := make([]string, 0, b.o.baseLayers+b.o.ownLayers)
	for l := range b.o.baseLayers {
		keys = append(keys, layerKey(l))
	}
	for l := range b.o.ownLayers {
		keys = append(keys, layerKey(b.o.baseLayers+i*b.o.ownLayers+l))
	}
	analysis, err := json.Marshal(layer.Analysis{Entries: 120, Bytes: 4 << 20})
	if err != nil {
		return err
	}
	if b.o.layerBatch {
		return b.layerBatch(ctx, claim, keys, analysis, requests, lat)
	}
	for _, k := range keys {
		path := "/api/v1/layers/" + url.PathEscape(k)
		for {
			t0 := time.Now()
			code, err := b.callStatus(ctx, http.MethodGet, path+"?claim="+url.QueryEscape(claim), tok, nil, nil)
			lat.add(time.Since(t0))
			requests.Add(1)
			switch {
			case err == nil && code == http.StatusOK:
			case err == nil && code == http.StatusAccepted:
				// Another scanner is analysing it (a base layer, first
				// time round): ask again shortly.
				time.Sleep(20 * time.Millisecond)
				continue
			case code == http.StatusNotFound:
				// Claimed for us: "analyse" and store it. A 409 is a claim
				// that lapsed meanwhile (the controller so loaded that the
				// put came after the scanner timeout): the analysis is not
				// taken, as a real scanner's would not be, and the scan
				// goes on.
				code, err := b.callStatus(ctx, http.MethodPut, path+"?claim="+url.QueryEscape(claim), tok, analysis, nil)
				if err != nil && code != http.StatusConflict {
					return err
				}
				requests.Add(1)
			case err != nil:
				return err
			default:
				return fmt.Errorf("GET %s: unexpected %d", path, code)
			}
			break
		}
	}
	return nil
}

// layerBatch looks keys up in one request, as a scanner's remote layer
// cache does first, stores the analyses of those claimed for it and asks
// again for those another scanner is analysing.
func (b *bench) layerBatch(ctx context.Context, claim string, keys []string, analysis []byte, requests *atomic.Int64, lat *samples) error {
	tok := b.tokens[controller.RoleScanner]
	for len(keys) > 0 {
		var lr api.LayerLookupResponse
		t0 := time.Now()
		err := b.call(ctx, http.MethodPost, "/api/v1/layers/lookup", tok, api.LayerLookupRequest{Claim: claim, Keys: keys}, &lr)
		lat.add(time.Since(t0))
		requests.Add(1)
		if err != nil {
			return err
		}
		var pending []string
		for _, l := range lr.Layers {
			switch l.Status {
			case api.LayerFound:
			case api.LayerClaimed:
				// As in layers: a 409 is a claim that lapsed meanwhile.
				path := "/api/v1/layers/" + url.PathEscape(l.Key) + "?claim=" + url.QueryEscape(claim)
				if code, err := b.callStatus(ctx, http.MethodPut, path, tok, analysis, nil); err != nil && code != http.StatusConflict {
					return err
				}
				requests.Add(1)
			case api.LayerPending:
				pending = append(pending, l.Key)
			default:
				return fmt.Errorf("layer lookup: %s: unexpected status %q", l.Key, l.Status)
			}
		}
		if len(pending) > 0 {
			time.Sleep(20 * time.Millisecond)
		}
		keys = pending
	}
	return nil
}

// latencies times each read and protocol call one request at a time,
// with the store full.
func (b *bench) latencies(ctx context.Context) error {
	reader := b.tokens[controller.RoleReader]
	// The console's report digests are made in the background after
	// results arrive; wait for the first full page before timing, then
	// warm every route once.
	type row struct {
		name, path string
	}
	target := cve(b.o, 17, 3)
	rows := []row{
		{"image list, all images (GET /api/v1/images)", "/api/v1/images"},
		{"image list, one page of 50 (GET /api/v1/images?limit=50)", "/api/v1/images?limit=50"},
		{"image list, one repository (GET /api/v1/images?repository=)", "/api/v1/images?repository=" + url.QueryEscape(repo(b.o, 7))},
		{"console image page (50 by severity)", "/api/v1/console/images?sort=severity&limit=50"},
		{"images with a CVE (GET /api/v1/images?cve=)", "/api/v1/images?cve=" + target},
		{"CVE page: affected images (GET /api/v1/vulnerabilities/{id})", "/api/v1/vulnerabilities/" + target},
		{"CVE search (GET /api/v1/vulnerabilities?q=)", "/api/v1/vulnerabilities?q=" + url.QueryEscape(target[:12])},
	}
	fmt.Printf("latency with %d images stored, %d requests each, one at a time:\n", b.o.images, b.o.samples)
	for _, r := range rows {
		// The first request after a fill may build the console's view.
		t0 := time.Now()
		var first json.RawMessage
		if err := b.call(ctx, http.MethodGet, r.path, reader, nil, &first); err != nil {
			return err
		}
		cold := time.Since(t0)
		s := &samples{}
		for range b.o.samples {
			t0 := time.Now()
			if err := b.call(ctx, http.MethodGet, r.path, reader, nil, nil); err != nil {
				return err
			}
			s.add(time.Since(t0))
		}
		fmt.Printf("  %-62s p50 %9s  p99 %9s  (first %s, answer %d KB)\n", r.name, ms(s.pct(0.5)), ms(s.pct(0.99)), ms(cold), len(first)/1024)
	}

	// Lease and result post of a lone scanner with the store full: new
	// images, enqueued first.
	from := b.o.images + b.o.more
	if err := b.notify(ctx, from, b.o.samples); err != nil {
		return err
	}
	tok := b.tokens[controller.RoleScanner]
	var reg struct {
		ID string `json:"id"`
	}
	if err := b.call(ctx, http.MethodPost, "/api/v1/scanners", tok, map[string]any{"name": "bench-latency", "concurrency": 1}, &reg); err != nil {
		return err
	}
	lease, result, hb := &samples{}, &samples{}, &samples{}
	for range b.o.samples {
		var lr struct {
			Tasks []struct {
				ID     string `json:"id"`
				Digest string `json:"digest"`
			} `json:"tasks"`
		}
		t0 := time.Now()
		if err := b.call(ctx, http.MethodPost, "/api/v1/scanners/"+reg.ID+"/lease", tok, map[string]any{"max": 1}, &lr); err != nil {
			return err
		}
		lease.add(time.Since(t0))
		if len(lr.Tasks) != 1 {
			return fmt.Errorf("lease: %d tasks, want 1", len(lr.Tasks))
		}
		t := lr.Tasks[0]
		t0 = time.Now()
		if err := b.call(ctx, http.MethodPost, "/api/v1/scanners/"+reg.ID+"/heartbeat", tok, map[string]any{"task_ids": []string{t.ID}}, nil); err != nil {
			return err
		}
		hb.add(time.Since(t0))
		var i int
		if _, err := fmt.Sscanf(t.Digest, "sha256:%x", &i); err != nil {
			return err
		}
		body := b.resultBody(reg.ID, i-1)
		t0 = time.Now()
		if err := b.call(ctx, http.MethodPost, "/api/v1/tasks/"+t.ID+"/result", tok, body, nil); err != nil {
			return err
		}
		result.add(time.Since(t0))
	}
	for _, r := range []struct {
		name string
		s    *samples
	}{{"lease (POST /api/v1/scanners/{id}/lease, 1 task)", lease}, {"heartbeat (1 task)", hb}, {"result post (POST /api/v1/tasks/{id}/result)", result}} {
		fmt.Printf("  %-62s p50 %9s  p99 %9s\n", r.name, ms(r.s.pct(0.5)), ms(r.s.pct(0.99)))
	}
	return b.call(ctx, http.MethodPost, "/api/v1/scanners/"+reg.ID+"/release", tok, map[string]any{"task_ids": []string{}}, nil)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
