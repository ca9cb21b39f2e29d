package testutil

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// PostgresSchema gives the test a database of its own on the real server
// announced in SCANFLEET_TEST_POSTGRES (skipping or failing as Service
// does): a fresh schema named prefix_<random>, dropped with everything in
// it when the test ends. It returns the server's DSN with search_path set
// to that schema, so whatever opens it creates and finds its tables there
// and tests running at once never see each other's rows.
func PostgresSchema(t testing.TB, prefix string) string {
	t.Helper()
	dsn := Service(t, "SCANFLEET_TEST_POSTGRES")
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	schema := prefix + "_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("connect to %s: %v", dsn, err)
	}
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatalf("create schema %s on %s: %v", schema, dsn, err)
	}
	conn.Close(ctx)
	t.Cleanup(func() {
		// A connection of its own: the test's may be closed or broken
		// by now (a killed controller, a cut connection).
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return DSNParam(dsn, "search_path", schema)
}

// DSNParam adds a parameter to a PostgreSQL DSN in either of its forms:
// a URL (postgres://h/db?k=v) or key=value pairs (host=h dbname=db).
func DSNParam(dsn, key, value string) string {
	if strings.Contains(dsn, "://") {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		return dsn + sep + key + "=" + value
	}
	return dsn + " " + key + "=" + value
}
