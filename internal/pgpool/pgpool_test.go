package pgpool

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

func TestOpenPoolSize(t *testing.T) {
	for _, tc := range []struct {
		name, dsn string
		want      int    // pool size
		err       string // substring of the error; "" for none
	}{
		{"url default", "postgres://u@127.0.0.1:1/db?sslmode=disable", DefaultMaxConns, ""},
		{"url set", "postgres://u@127.0.0.1:1/db?sslmode=disable&pool_max_conns=3", 3, ""},
		{"key=value set", "host=127.0.0.1 port=1 user=u dbname=db pool_max_conns=5", 5, ""},
		{"zero", "postgres://u@127.0.0.1:1/db?pool_max_conns=0", 0, `pool_max_conns="0"`},
		{"not a number", "host=127.0.0.1 pool_max_conns=many", 0, `pool_max_conns="many"`},
		{"too many", "postgres://u@127.0.0.1:1/db?pool_max_conns=1001", 0, `pool_max_conns="1001"`},
		{"bad dsn", "postgres://u@127.0.0.1:notaport/db", 0, "parsing the PostgreSQL DSN"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(tc.dsn)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Open(%q) error = %v, want one containing %q", tc.dsn, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open(%q): %v", tc.dsn, err)
			}
			defer db.Close()
			if got := db.Stats().MaxOpenConnections; got != tc.want {
				t.Errorf("MaxOpenConnections = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestPoolKeepsConnections holds every connection of the pool at once,
// twice, on the real server: the second burst must reuse the first
// burst's server sessions. With fewer idle connections than open ones
// (the old 4 of 16) the pool closed the rest after each burst and dialled
// again, which is what made PostgreSQL see a new connection for about
// every other result. It also shows pool_max_conns is taken out of the
// DSN: PostgreSQL rejects it as an unknown run-time parameter.
func TestPoolKeepsConnections(t *testing.T) {
	dsn := testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	const n = 6
	db, err := Open(dsn + sep + "pool_max_conns=6")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	burst := func() []int {
		var pids []int
		var conns []interface{ Close() error }
		for range n {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatalf("connection %d: %v", len(conns)+1, err)
			}
			conns = append(conns, c)
			var pid int
			if err := c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatalf("backend pid: %v", err)
			}
			pids = append(pids, pid)
		}
		for _, c := range conns {
			c.Close()
		}
		slices.Sort(pids)
		return pids
	}
	first := burst()
	if st := db.Stats(); st.Idle != n || st.MaxIdleClosed != 0 {
		t.Errorf("after a burst of %d: %d idle, %d closed for the idle limit; want %d and 0", n, st.Idle, st.MaxIdleClosed, n)
	}
	if second := burst(); !slices.Equal(first, second) {
		t.Errorf("second burst used server sessions %v, want the first burst's %v (connections were re-dialled)", second, first)
	}
}

func TestDollars(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = $1"},
		{"INSERT INTO t VALUES (?, ?, ?), (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3), ($4, $5, $6)"},
		{"UPDATE t SET é = ? WHERE id IN (?,?)", "UPDATE t SET é = $1 WHERE id IN ($2,$3)"},
	} {
		if got := Dollars(tc.in); got != tc.want {
			t.Errorf("Dollars(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestPoolReplacesEndedSessions: the server ends three of the pool's four
// sessions (pg_terminate_backend, as a restart does to all: FATAL 57P01
// waits unread in each socket) just after they were used. Of the next
// requests, each on a connection of its own, only the first to meet an
// ended session may fail: the pool then pings before reuse and replaces
// the ended ones. On the code before the fix every ended session failed
// a request (pgx pings only connections idle for over a second).
func TestPoolReplacesEndedSessions(t *testing.T) {
	dsn := testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	const n = 4
	db, err := Open(testutil.DSNParam(testutil.DSNParam(dsn, "pool_max_conns", "4"), "application_name", "pgpool-ended"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var conns []*sql.Conn
	var pids []int
	// Twice: pgx pings a connection on its first reuse (it has no time
	// of last use yet), which a busy pool's connections are long past.
	for round := range 2 {
		for _, c := range conns {
			c.Close()
		}
		conns, pids = nil, nil
		for range n {
			c, err := db.Conn(ctx)
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			var pid int
			if err := c.QueryRowContext(ctx, `SELECT pg_backend_pid()`).Scan(&pid); err != nil {
				t.Fatal(err)
			}
			conns, pids = append(conns, c), append(pids, pid)
		}
	}
	// The first connection ends the others' sessions, and waits until
	// the server has let them go.
	for _, c := range conns[1:] {
		c.Close()
	}
	if _, err := conns[0].ExecContext(ctx, `SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, pids[1:]); err != nil {
		t.Fatal(err)
	}
	for {
		var left int
		if err := conns[0].QueryRowContext(ctx, `SELECT count(*) FROM pg_stat_activity WHERE pid = ANY($1::int[])`, pids[1:]).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatal("the terminated sessions did not end")
		}
		time.Sleep(10 * time.Millisecond)
	}
	conns[0].Close()

	var failed []string
	var held []*sql.Conn
	for range n {
		c, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		var one int
		if err := c.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
			failed = append(failed, err.Error())
		}
	}
	for _, c := range held {
		c.Close()
	}
	if len(failed) > 1 {
		t.Errorf("%d of %d requests failed on sessions the server had ended, want at most the first: %q", len(failed), n, failed)
	}
	var one int
	if err := db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		t.Errorf("the pool after the ended sessions: %v", err)
	}
}
