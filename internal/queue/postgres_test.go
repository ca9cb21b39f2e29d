package queue

import (
	"context"
	"database/sql"
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
		scoped := testutil.PostgresSchema(t, "queue_test")
		// The pool is sized as production sizes it, in the DSN
		// (PostgreSQL itself would reject the parameter).
		sized := testutil.DSNParam(scoped, "pool_max_conns", strconv.Itoa(pgpool.DefaultMaxConns))
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
