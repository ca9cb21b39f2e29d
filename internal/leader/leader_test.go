package leader_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/scanfleet/scanfleet/internal/kube/kubetest"
	"github.com/scanfleet/scanfleet/internal/leader"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// running is an Elector running in the background until stop.
type running struct {
	leader.Elector
	cancel context.CancelFunc
	done   chan error
	once   sync.Once
}

func start(t *testing.T, e leader.Elector) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Elector: e, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- e.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

func (r *running) stop(t *testing.T) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("%s: Run: %v", r.Identity(), err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("%s: Run did not return after cancel", r.Identity())
		}
	})
}

// waitFor polls cond; the bound only keeps a broken election from hanging
// the test.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestAlways(t *testing.T) {
	a := leader.Always{ID: "solo"}
	if !a.IsLeader() || a.Identity() != "solo" || a.Leader() != "solo" || a.Kind() != "none" {
		t.Fatalf("Always = %v %q %q %q", a.IsLeader(), a.Identity(), a.Leader(), a.Kind())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- a.Run(ctx) }()
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		err        func() error
	}{
		{"postgres without DSN", "DSN is required", func() error { _, err := leader.NewPostgres(leader.PostgresOptions{}); return err }},
		{"postgres bad DSN hides the password", "does not parse", func() error {
			_, err := leader.NewPostgres(leader.PostgresOptions{DSN: "postgres://u:hunter2@host:notaport/db"})
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error reveals the password: %v", err)
			}
			return err
		}},
		{"postgres negative retry", "negative", func() error {
			_, err := leader.NewPostgres(leader.PostgresOptions{DSN: "postgres://h/db", RetryPeriod: -1})
			return err
		}},
		{"lease without config", "Config is required", func() error { _, err := leader.NewLease(leader.LeaseOptions{}); return err }},
	} {
		if err := tc.err(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want error with %q", tc.name, err, tc.want)
		}
	}
}

func TestLockKey(t *testing.T) {
	// Different elections and different schemas must not share a lock; the
	// same pair always gives the same key (other processes compute it too).
	keys := map[int64]string{}
	for _, in := range [][2]string{{"scanfleet-controller", ""}, {"scanfleet-controller", "fleet_a"}, {"scanfleet-controller", "fleet_b"}, {"other", ""}} {
		k := leader.LockKey(in[0], in[1])
		if prev, dup := keys[k]; dup {
			t.Fatalf("LockKey%v collides with %s", in, prev)
		}
		keys[k] = in[0] + "/" + in[1]
		if leader.LockKey(in[0], in[1]) != k {
			t.Fatal("LockKey is not deterministic")
		}
	}
}

// pgDSN returns the test server's DSN with a search_path of its own, so
// that this test's election key is its own.
func pgDSN(t *testing.T) string {
	t.Helper()
	dsn := testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	q := u.Query()
	q.Set("search_path", "leader_"+hex.EncodeToString(b))
	u.RawQuery = q.Encode()
	return u.String()
}

func newPG(t *testing.T, dsn, id string) *running {
	t.Helper()
	e, err := leader.NewPostgres(leader.PostgresOptions{DSN: dsn, Identity: id, RetryPeriod: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return start(t, e)
}

// TestPostgresElection: one of two participants leads and the other knows
// who; when the leader leaves, the other takes over; a third election (a
// different search_path) is independent.
func TestPostgresElection(t *testing.T) {
	dsn := pgDSN(t)
	a := newPG(t, dsn, "pg-a")
	waitFor(t, "pg-a leads", a.IsLeader)
	b := newPG(t, dsn, "pg-b")
	waitFor(t, "pg-b sees pg-a as leader", func() bool { return b.Leader() == "pg-a" })
	if b.IsLeader() || !a.IsLeader() {
		t.Fatalf("a leader %v, b leader %v", a.IsLeader(), b.IsLeader())
	}
	other := newPG(t, pgDSN(t), "pg-other")
	waitFor(t, "the other election's participant leads", other.IsLeader)

	a.stop(t)
	if a.IsLeader() {
		t.Fatal("pg-a still leads after Run returned")
	}
	waitFor(t, "pg-b takes over", b.IsLeader)
	if b.Leader() != "pg-b" {
		t.Fatalf("b.Leader() = %q", b.Leader())
	}
}

// TestPostgresConnectionLoss: the server ends the leader's session (as a
// restart or a network cut would) and, the moment the lock is free,
// another session (the test's, named like a participant) takes it. The old
// leader must notice its connection is gone and step down, see the new
// holder, and lead again once the lock is free.
func TestPostgresConnectionLoss(t *testing.T) {
	dsn := pgDSN(t)
	a := newPG(t, dsn, "loss-a")
	waitFor(t, "loss-a leads", a.IsLeader)

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = "scanfleet-leader:intruder"
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var killed int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'scanfleet-leader:loss-a') s`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 1 {
		t.Fatalf("terminated %d sessions of loss-a, want 1", killed)
	}
	// Blocks until the dead session's lock is released, and is granted
	// before loss-a (which waits a RetryPeriod before reconnecting) can try.
	key := leader.LockKey("scanfleet-controller", cfg.RuntimeParams["search_path"])
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, key); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "loss-a steps down and sees the intruder", func() bool { return !a.IsLeader() && a.Leader() == "intruder" })
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_unlock($1)`, key); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "loss-a leads again", a.IsLeader)
}

// TestLeaseElection runs two Lease electors against the real API server:
// one leads and the Lease object says so; a leader that dies without
// releasing (its context cancelled, ReleaseOnCancel off: a crash) is
// replaced once the Lease expires; a leader that leaves gracefully
// releases it for the other at once.
func TestLeaseElection(t *testing.T) {
	cfg, cs := kubetest.Admin(t)
	ns := kubetest.Namespace(t, cs, "sf-leader")
	newLease := func(id string, release bool) *running {
		e, err := leader.NewLease(leader.LeaseOptions{Config: cfg, Namespace: ns, Name: "scanfleet-controller", Identity: id,
			LeaseDuration: 3 * time.Second, RenewDeadline: 2 * time.Second, RetryPeriod: 200 * time.Millisecond, ReleaseOnCancel: release})
		if err != nil {
			t.Fatal(err)
		}
		return start(t, e)
	}
	holder := func() string {
		l, err := cs.CoordinationV1().Leases(ns).Get(context.Background(), "scanfleet-controller", metav1.GetOptions{})
		if err != nil || l.Spec.HolderIdentity == nil {
			return ""
		}
		return *l.Spec.HolderIdentity
	}
	a := newLease("lease-a", false)
	waitFor(t, "lease-a leads", a.IsLeader)
	if h := holder(); h != "lease-a" {
		t.Fatalf("Lease holder %q, want lease-a", h)
	}
	b := newLease("lease-b", true)
	waitFor(t, "lease-b observes lease-a", func() bool { return b.Leader() == "lease-a" })
	if b.IsLeader() {
		t.Fatal("two leaders")
	}

	a.stop(t) // a crash: the Lease is not released
	if a.IsLeader() {
		t.Fatal("lease-a still leads after Run returned")
	}
	if h := holder(); h != "lease-a" {
		t.Fatalf("a crashed leader's Lease holder is %q, want lease-a until it expires", h)
	}
	waitFor(t, "lease-b takes over after expiry", b.IsLeader)
	if h := holder(); h != "lease-b" {
		t.Fatalf("Lease holder %q, want lease-b", h)
	}

	c := newLease("lease-c", false)
	waitFor(t, "lease-c observes lease-b", func() bool { return c.Leader() == "lease-b" })
	b.stop(t) // graceful: released
	if h := holder(); h != "" {
		t.Fatalf("released Lease holder %q, want empty", h)
	}
	waitFor(t, "lease-c takes over", c.IsLeader)
}
