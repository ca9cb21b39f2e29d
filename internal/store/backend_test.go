package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/scanfleet/scanfleet/internal/pgpool"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// database is one isolated, empty store database of a back end. open may
// be called several times: a reopen, or several controllers on one
// database.
type database struct {
	open func(ctx context.Context) (Store, error)
	raw  *sql.DB // direct access, for checks the API cannot make
}

type backend struct {
	name  string
	fresh func(t testing.TB) database
}

var sqliteBackend = backend{
	name: "sqlite",
	fresh: func(t testing.TB) database {
		path := filepath.Join(t.TempDir(), "state.db")
		raw, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(10000)")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return database{open: func(ctx context.Context) (Store, error) { return OpenSQLite(ctx, path) }, raw: raw}
	},
}

// postgresBackend runs against the server in SCANFLEET_TEST_POSTGRES
// (scripts/ci/start-postgres.sh); each database is a fresh schema, chosen
// through search_path, dropped after the test.
var postgresBackend = backend{
	name: "postgres",
	fresh: func(t testing.TB) database {
		scoped := testutil.PostgresSchema(t, "store_test")
		// The store's pool is sized as production sizes it, in the DSN
		// (PostgreSQL itself would reject the parameter).
		sized := testutil.DSNParam(scoped, "pool_max_conns", strconv.Itoa(pgpool.DefaultMaxConns))
		raw, err := sql.Open("pgx", scoped)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		return database{open: func(ctx context.Context) (Store, error) { return OpenPostgres(ctx, sized) }, raw: raw}
	},
}

func TestSQLite(t *testing.T) { runConformance(t, sqliteBackend) }

func TestPostgres(t *testing.T) {
	testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
	runConformance(t, postgresBackend)
}
