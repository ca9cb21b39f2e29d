package pgpool

import (
	"context"
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
