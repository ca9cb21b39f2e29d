package chaos_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/testutil/faultproxy"
)

// TestPostgresFaults runs a fleet on a PostgreSQL server of its own (the
// shared test server is everyone's and must not be restarted): two
// controller processes sharing it for queue, store and election, reaching
// it through a TCP proxy the test can stall, three scanners reaching the
// controllers through a round-robin proxy, and a registry holding
// SCANFLEET_PGFAULT_IMAGES (default 60) images. During the crawl and the
// scan the database
//   - is restarted (fast shutdown, then started again) mid-crawl;
//   - loses every connection at once (the proxy closes them) while the
//     crawl runs again;
//   - is stalled: the proxy forwards nothing, both ways, for
//     SCANFLEET_PGFAULT_STALL (default 6 s: longer than the leader's
//     connection check period of 4 s, within its renew deadline of 13 s
//     with room for a check begun up to 4 s before the stall);
//   - is restarted again while results are being posted.
//
// Then: the queue drains with every task done; every image has exactly
// one result, scanned once, equal to a standalone scan; the database
// holds one task and one stored task result per image and no duplicate
// vulnerability rows; the stall did not cost the leader its leadership;
// after the last fault one controller leads, both name it, and no second
// one appears while the scan ends; no process exited and no scanner was
// reaped (their heartbeats were silenced by the database, not by death);
// and the controllers' logs name the failures (the leader's lost
// connection, the election's reconnection, the server's 57P01) and no
// database error is logged without what was being done.
func TestPostgresFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary, pushes images and runs a PostgreSQL server")
	}
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY")
	began := time.Now()
	pg := startPrivatePostgres(t)
	nImages := envInt(t, "SCANFLEET_PGFAULT_IMAGES", 60)
	if nImages >= crawlBatch {
		// The test tells a running crawl by its empty queue.
		t.Fatalf("SCANFLEET_PGFAULT_IMAGES=%d: keep it under the crawl's batch of %d", nImages, crawlBatch)
	}
	stall := envDuration(t, "SCANFLEET_PGFAULT_STALL", 6*time.Second)
	ns := randomNS(t, "pgfault")
	images := pushImages(t, host, ns, nImages)
	want := expectedPackages(t, host, images)
	tmp := t.TempDir()
	bin := buildBinary(t, tmp)
	t.Logf("%v: PostgreSQL up, %d images pushed, binary built", time.Since(began).Round(time.Millisecond), nImages)

	// The fleet reaches the database only through the stall proxy; the
	// test's own queries go direct.
	dbProxy := faultproxy.Start(t, pg.addr())
	dsn := pg.dsn(dbProxy.Addr())
	// Registry reads are slowed so that the crawl and the scan last long
	// enough for a fault to land in each.
	reg := newCountingRegistry(t, slowProxy(t, host, 300*time.Millisecond), 150*time.Millisecond)

	keyFile, tok := sharedState(t, tmp, bin, dsn, "admin", "scanner")
	admin := tok["admin"]

	logs := []*testutil.SyncBuffer{{}, {}}
	ctls := make([]*fleettest.Controller, len(logs))
	for i := range ctls {
		ctls[i] = startController(t, bin, filepath.Join(tmp, fmt.Sprintf("data%d", i)), "127.0.0.1:0", logs[i],
			"--postgres", dsn, "--secret-key-file", keyFile, "--scanner-timeout", "4s", "--lease", "20s",
			"--crawl-takeover", "3s", "--leader-lease-duration", "20s")
	}
	scanLogs := &testutil.SyncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			for i, l := range logs {
				t.Logf("controller %d logs:\n%s", i, l)
			}
			t.Logf("scanner logs:\n%s", scanLogs)
			t.Logf("PostgreSQL log:\n%s", pg.log())
		}
	})
	lb := newRoundRobin(t, ctls)
	var scanners []*fleettest.Proc
	for i := range 3 {
		scanners = append(scanners, startScanner(t, bin, lb.url, tok["scanner"], fmt.Sprintf("pgf-%d", i), 2, scanLogs))
	}
	leaderBefore := waitOneLeader(t, ctls, admin, time.Time{}, time.Minute)

	in := api.RegistryInput{Registry: api.Registry{Name: "pgf", URL: "http://" + reg.host, Filters: []string{ns + "/**"}}}
	if code := fleettest.Do(t, "POST", ctls[0].Base+"/api/v1/registries", admin, in, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}
	if code := fleettest.Do(t, "POST", ctls[0].Base+"/api/v1/registries/pgf/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}

	queue := func() map[string]int {
		var c map[string]int
		if code, err := fleettest.Call("GET", lb.url+"/api/v1/queue", admin, nil, &c); err != nil || code != http.StatusOK {
			return nil
		}
		return c
	}
	// The crawl enqueues at its end (fewer images than a batch), so an
	// empty queue means it has not finished.
	crawlRunning := func(when string) {
		var c map[string]int
		// A request may meet a connection the last fault broke.
		waitUntil(t, "the queue's counts "+when, time.Minute, func() bool { c = queue(); return c != nil })
		if c["queued"]+c["leased"]+c["done"]+c["failed"] != 0 {
			t.Errorf("queue %v %s: the crawl had ended, the fault was not mid-crawl", c, when)
		}
	}

	// Fault 1: restart mid-crawl.
	waitLog(t, logs, `"crawl started"`, 2*time.Minute)
	waitUntil(t, "the crawl to read manifests", time.Minute, func() bool { return reg.manifests.Load() > 5 })
	crawlRunning("before the first restart")
	pg.restart(t)
	restartedAt := reg.manifests.Load()
	t.Logf("%v: restarted PostgreSQL mid-crawl after %d manifest reads", time.Since(began).Round(time.Millisecond), restartedAt)
	// Fault 2: every database connection dropped while the crawl runs
	// again (the server stays up, so the crawl's failure could be
	// recorded at once: the crawl must be run again instead).
	waitUntil(t, "the crawl to run again after the restart", time.Minute, func() bool { return reg.manifests.Load() > restartedAt+10 })
	crawlRunning("before the connections were dropped")
	droppedAt := time.Now()
	t.Logf("%v: dropped %d database connections mid-crawl after %d manifest reads", time.Since(began).Round(time.Millisecond), dbProxy.DropAll(), reg.manifests.Load())
	// Fault 3: stall while scanners work. The leader must keep leading
	// through a stall shorter than its renew deadline.
	waitUntil(t, "a fifth of the results", 5*time.Minute, func() bool {
		c := queue()
		if c != nil && c["done"] >= nImages {
			t.Fatalf("queue %v: the scan ended before the stall", c)
		}
		return c != nil && c["done"] >= nImages/5
	})
	// The drop ended the leader's session too: the stall waits for a
	// leader elected since, not one about to learn of it.
	leaderStalled := waitOneLeader(t, ctls, admin, droppedAt, time.Minute)
	lostBefore := countAll(logs, "leadership lost")
	dbProxy.Pause()
	time.Sleep(stall)
	dbProxy.Resume()
	t.Logf("%v: stalled the database network for %v", time.Since(began).Round(time.Millisecond), stall)
	if leaderStalled != leaderBefore {
		t.Logf("leadership moved from %s to %s with the restart or the dropped connections", leaderBefore, leaderStalled)
	}

	// Fault 4: restart while results are being posted.
	waitUntil(t, "half of the results, scans in flight", 5*time.Minute, func() bool {
		c := queue()
		if c != nil && c["done"] >= nImages {
			t.Fatalf("queue %v: the scan ended before the last restart", c)
		}
		return c != nil && c["done"] >= nImages/2 && c["leased"] > 0
	})
	if lost := countAll(logs, "leadership lost"); lost != lostBefore {
		t.Errorf("the stall cost leadership (%d \"leadership lost\" lines since it began): a stall within the renew deadline is a slow check, not a lost session", lost-lostBefore)
	}
	if l := waitOneLeader(t, ctls, admin, time.Time{}, time.Minute); l != leaderStalled {
		t.Errorf("leader %s before the stall, %s after it", leaderStalled, l)
	}
	restartedAt2 := time.Now()
	pg.restart(t)
	t.Logf("%v: restarted PostgreSQL while results were being posted", time.Since(began).Round(time.Millisecond))

	// Once a leader elected after the last fault is settled, no second
	// one may appear for the rest of the run.
	waitOneLeader(t, ctls, admin, restartedAt2, time.Minute)
	twoLeaders := watchLeaders(t, ctls, admin)
	counts := fleettest.WaitDrained(t, lb.url, admin, nImages, 5*time.Minute)
	if counts["failed"] != 0 || counts["done"] != nImages {
		t.Errorf("queue %v, want %d done and none failed", counts, nImages)
	}
	for i, c := range ctls {
		t.Run(fmt.Sprintf("controller%d", i), func(t *testing.T) {
			checkResults(t, c.Base, admin, "pgf", images, want)
		})
	}
	pg.checkNoDuplicates(t, nImages)
	if n := twoLeaders(); n != 0 {
		t.Errorf("both controllers said they led in %d samples after the recovery", n)
	}
	waitOneLeader(t, ctls, admin, time.Time{}, time.Minute)
	for i, c := range ctls {
		select {
		case <-c.Done():
			t.Errorf("controller %d exited during the faults: %v", i, c.Cmd.ProcessState)
		default:
		}
	}
	for i, s := range scanners {
		select {
		case <-s.Done():
			t.Errorf("scanner %d exited during the faults: %v", i, s.Cmd.ProcessState)
		default:
		}
	}
	// The failures are named: the leader saw its session end, the
	// election says why it reconnects, the server's own word for the
	// restart is logged, and no database error is logged bare, without
	// what was being done.
	for _, line := range []string{"the connection is gone", "leader election connection failed; retrying", "SQLSTATE 57P01"} {
		if countAll(logs, line) == 0 {
			t.Errorf("no controller logged %q after two database restarts", line)
		}
	}
	for _, bare := range []string{`err="FATAL`, `err="failed to connect`, `err="unexpected EOF`, `err="conn closed`,
		`err="timeout`, `err="read tcp`, `err="write tcp`, `err="context deadline exceeded"`} {
		if n := countAll(logs, bare); n != 0 {
			t.Errorf("%d controller log lines with a bare database error (%s...): they must say what was being done", n, bare)
		}
	}
	// No scanner was taken for dead: their heartbeats were silenced by
	// the database, not by their deaths (before the reaper knew, a 6 s
	// stall had every scanner reaped and its scans abandoned).
	if n := countAll(logs, "scanner missed heartbeats"); n != 0 {
		t.Errorf("%d scanners reaped for missing heartbeats while the database was out of reach; all were alive", n)
	}
	t.Logf("CHAOS pg-faults: images=%d restarts=2 drops=1 stall=%v leader_changes=%d failed_requests=%d manifest_reads=%d elapsed=%v lost=0 duplicated=0",
		nImages, stall, countAll(logs, "this controller leads the fleet")-1,
		countAll(logs, `msg="request failed"`)+countAll(logs, `msg="token lookup"`), reg.manifests.Load(), time.Since(began).Round(time.Millisecond))
}

// sharedState prepares what controllers sharing the PostgreSQL database
// at dsn share besides it: a sealing key file in dir (a Kubernetes Secret
// in a real deployment), whose path it returns, and one token per role,
// created once in the database with the binary.
func sharedState(t *testing.T, dir, bin, dsn string, roles ...string) (string, map[string]string) {
	t.Helper()
	keyFile := filepath.Join(dir, "secret.key")
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, key, 0o600); err != nil {
		t.Fatal(err)
	}
	tok := map[string]string{}
	for _, role := range roles {
		out, err := runBin(bin, "controller", "token", "create", "--role", role, "--postgres", dsn)
		if err != nil {
			t.Fatalf("token create %s: %v", role, err)
		}
		tok[role] = out
	}
	return keyFile, tok
}

// countAll counts the lines holding s in all logs.
func countAll(logs []*testutil.SyncBuffer, s string) int {
	n := 0
	for _, l := range logs {
		n += strings.Count(l.String(), s)
	}
	return n
}

// waitOneLeader waits until exactly one controller says it leads, has led
// since after (a fault that ended the sessions of a leader it has not yet
// seen end), and every controller names it as the holder; it returns its
// identity. The answers are read one controller after the other, so the
// condition must hold twice in a row to count.
func waitOneLeader(t *testing.T, ctls []*fleettest.Controller, token string, after time.Time, timeout time.Duration) string {
	t.Helper()
	var last []api.LeaderView
	one := func() string {
		last = last[:0]
		leader := ""
		for _, c := range ctls {
			var v api.LeaderView
			if code, err := fleettest.Call("GET", c.Base+"/api/v1/leader", token, nil, &v); err != nil || code != http.StatusOK {
				return ""
			}
			last = append(last, v)
			if v.Leader {
				if leader != "" || !v.Since.After(after) {
					return ""
				}
				leader = v.Identity
			}
		}
		for _, v := range last {
			if v.Holder != leader {
				return ""
			}
		}
		return leader
	}
	var got string
	deadline := time.Now().Add(timeout)
	for {
		if a := one(); a != "" {
			if b := one(); b == a {
				got = a
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no single leader named by every controller within %v: %+v", timeout, last)
		}
		time.Sleep(100 * time.Millisecond)
	}
	return got
}

// watchLeaders asks every controller whether it leads, one after the
// other, every 100 ms until the function it returns is called; that
// returns in how many rounds more than one said so.
func watchLeaders(t *testing.T, ctls []*fleettest.Controller, token string) func() int {
	t.Helper()
	stop, done := make(chan struct{}), make(chan int, 1)
	go func() {
		n := 0
		defer func() { done <- n }()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			leading := 0
			for _, c := range ctls {
				var v api.LeaderView
				if code, err := fleettest.Call("GET", c.Base+"/api/v1/leader", token, nil, &v); err == nil && code == http.StatusOK && v.Leader {
					leading++
				}
			}
			if leading > 1 {
				n++
			}
		}
	}()
	var once sync.Once
	n := 0
	get := func() int {
		once.Do(func() { close(stop); n = <-done })
		return n
	}
	t.Cleanup(func() { get() })
	return get
}

// pgCluster is a PostgreSQL server of the test's own, made with the
// binaries scripts/ci/start-postgres.sh uses.
type pgCluster struct {
	bin, dir, data string
	port           int
	uid, gid       int // the server's user when the test runs as root; -1 otherwise
}

// startPrivatePostgres makes a cluster in a temporary directory, starts it
// on a free loopback port and stops it when the test ends. It skips (or
// fails, with SCANFLEET_REQUIRE_SERVICES=1) when no server binaries are
// installed.
func startPrivatePostgres(t *testing.T) *pgCluster {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("SCANFLEET_REQUIRE_SERVICES") == "1" {
			t.Fatal("no PostgreSQL server binaries under /usr/lib/postgresql but SCANFLEET_REQUIRE_SERVICES=1: install postgresql (scripts/ci/start-postgres.sh does)")
		}
		t.Skip("no PostgreSQL server binaries under /usr/lib/postgresql (install postgresql)")
	}
	// The newest version, as the script picks.
	sort.Slice(bins, func(i, j int) bool { return pgMajor(bins[i]) < pgMajor(bins[j]) })
	c := &pgCluster{bin: filepath.Dir(bins[len(bins)-1]), dir: t.TempDir(), uid: -1, gid: -1}
	c.data = filepath.Join(c.dir, "data")
	if os.Geteuid() == 0 {
		// initdb and postgres refuse to run as root.
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no postgres user to run the server as: %v", err)
		}
		c.uid, _ = strconv.Atoi(u.Uid)
		c.gid, _ = strconv.Atoi(u.Gid)
		// The temporary directory and its parent are root's, mode 0700.
		for _, d := range []string{filepath.Dir(c.dir), c.dir} {
			if err := os.Chmod(d, 0o755); err != nil { // #nosec G302 -- a test's directory, so the server's user can reach its data
				t.Fatal(err)
			}
		}
		if err := os.Chown(c.dir, c.uid, c.gid); err != nil {
			t.Fatal(err)
		}
	}
	if out, err := c.cmd("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-sync").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	// A free port: another process may take it between the check and the
	// server's start, so a failed start tries another, three times.
	for try := 1; ; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c.port = ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		err = c.start()
		if err == nil {
			break
		}
		if try == 3 {
			t.Fatal(err)
		}
		t.Logf("starting the test's PostgreSQL on port %d: %v; trying another port", c.port, err)
	}
	t.Cleanup(func() {
		if err := c.stop(); err != nil {
			t.Errorf("stopping the test's PostgreSQL: %v", err)
		}
	})
	return c
}

func pgMajor(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// cmd runs a server binary, as the postgres user when the test is root.
func (c *pgCluster) cmd(name string, args ...string) *exec.Cmd {
	if c.uid >= 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(c.bin, name)}, args...)...)
	}
	return exec.Command(filepath.Join(c.bin, name), args...)
}

func (c *pgCluster) start() error {
	// fsync off: the test survives no power cut and needs no durability
	// beyond the server's own restart, which a fast shutdown's checkpoint
	// gives.
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", c.dir, c.port)
	out, err := c.cmd("pg_ctl", "-D", c.data, "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "120", "-o", opts, "start").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl start: %v\n%s\nserver log:\n%s", err, out, c.log())
	}
	return nil
}

func (c *pgCluster) stop() error {
	out, err := c.cmd("pg_ctl", "-D", c.data, "-w", "-t", "120", "-m", "fast", "stop").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pg_ctl stop -m fast: %v\n%s", err, out)
	}
	return nil
}

// restart is a fast shutdown (every session ended, open transactions
// rolled back) and a start.
func (c *pgCluster) restart(t *testing.T) {
	t.Helper()
	if err := c.stop(); err != nil {
		t.Fatal(err)
	}
	if err := c.start(); err != nil {
		t.Fatal(err)
	}
}

func (c *pgCluster) log() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return string(b)
}

func (c *pgCluster) addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)) }

// dsn is the DSN of the cluster's postgres database at addr (the server,
// or a proxy in front of it).
func (c *pgCluster) dsn(addr string) string {
	return "postgres://postgres@" + addr + "/postgres?sslmode=disable"
}

// checkNoDuplicates reads the database directly: one task per image, all
// done; one stored task result per image; no vulnerability listed twice
// for an image.
func (c *pgCluster) checkNoDuplicates(t *testing.T, nImages int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.dsn(c.addr()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	for _, q := range []struct{ what, sql string }{
		{"images with more than one task", `SELECT count(*) FROM (SELECT dedup_key FROM queue_tasks GROUP BY dedup_key HAVING count(*) > 1) d`},
		{"images with more than one stored task result", `SELECT count(*) FROM (SELECT registry, repository, digest FROM task_results GROUP BY 1, 2, 3 HAVING count(*) > 1) d`},
		{"duplicate vulnerability rows", `SELECT count(*) FROM (SELECT 1 FROM image_vulns GROUP BY registry, repository, digest, vuln_id HAVING count(*) > 1) d`},
	} {
		var n int
		if err := conn.QueryRow(ctx, q.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q.what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, q.what)
		}
	}
	var tasks, done, results int
	if err := conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE state = 'done') FROM queue_tasks`).Scan(&tasks, &done); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM task_results`).Scan(&results); err != nil {
		t.Fatal(err)
	}
	if tasks != nImages || done != nImages || results != nImages {
		t.Errorf("%d tasks (%d done) and %d stored task results, want %d of each", tasks, done, results, nImages)
	}
}
