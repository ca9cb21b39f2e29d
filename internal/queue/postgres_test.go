package queue

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"

	"github.com/scanfleet/scanfleet/internal/pgpool"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// postgresBackend runs against the real server announced in
// SCANFLEET_TEST_POSTGRES (scripts/ci/start-postgres.sh). Each store is a
// fresh schema, selected through search_path in the DSN, dropped after the
// test.
var postgresBackend = backend{
	handles: 2,
	name:    "postgres",
	fresh: func(t testing.TB) store {
		dsn := testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
		admin, err := sql.Open("pgx", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.Close() })
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			t.Fatal(err)
		}
		schema := "queue_test_" + hex.EncodeToString(b[:])
		if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
			t.Fatalf("create schema on %s: %v", dsn, err)
		}
		t.Cleanup(func() {
			if _, err := admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`); err != nil {
				t.Errorf("drop schema %s: %v", schema, err)
			}
		})
		scoped := withSearchPath(dsn, schema)
		// The pool is sized as production sizes it, in the DSN
		// (PostgreSQL itself would reject the parameter).
		sized := scoped + "&pool_max_conns=" + strconv.Itoa(pgpool.DefaultMaxConns)
		if !strings.Contains(dsn, "://") {
			sized = scoped + " pool_max_conns=" + strconv.Itoa(pgpool.DefaultMaxConns)
		}
		raw, err := sql.Open("pgx", scoped)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return store{
			open: func(opts ...Option) (Queue, error) { return OpenPostgres(context.Background(), sized, opts...) },
			raw:  raw,
		}
	},
}

// withSearchPath adds a search_path run-time parameter to a URL or
// key=value DSN.
func withSearchPath(dsn, schema string) string {
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + "search_path=" + schema
	}
	return dsn + " search_path=" + schema
}

func TestPostgres(t *testing.T) {
	testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	runConformance(t, postgresBackend)
}

func TestPostgresOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", // nobody listens on port 1
		"this is not a dsn=",
		"postgres://postgres@127.0.0.1:1/none?sslmode=disable&pool_max_conns=0", // rejected before dialling
	} {
		q, err := OpenPostgres(ctx, dsn)
		if err == nil {
			q.Close()
			t.Errorf("OpenPostgres(%q): no error", dsn)
			continue
		}
		if !strings.HasPrefix(err.Error(), "queue: open postgres") {
			t.Errorf("OpenPostgres(%q) error %q lacks context", dsn, err)
		}
	}
}

func TestWithSearchPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"postgres://h/db", "postgres://h/db?search_path=s"},
		{"postgres://h/db?sslmode=disable", "postgres://h/db?sslmode=disable&search_path=s"},
		{"host=h dbname=db", "host=h dbname=db search_path=s"},
	} {
		if got := withSearchPath(tc.in, "s"); got != tc.want {
			t.Errorf("withSearchPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
