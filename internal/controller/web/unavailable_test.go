package web

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	_ "modernc.org/sqlite"
)

// refusedConnect is the error pgx gives for a server that is not
// listening: a real connection attempt to a port just closed.
func refusedConnect(t *testing.T) error {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, "postgres://u:secret@"+addr+"/db?sslmode=disable")
	if err == nil {
		conn.Close(ctx)
		t.Skipf("something listens on %s again", addr)
	}
	return fmt.Errorf("store: list registries: %w", err)
}

// busySQLite is the error of a write to a SQLite file another connection
// holds the write lock of, once the busy timeout (here none) has passed.
func busySQLite(t *testing.T) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", path+"?_pragma=busy_timeout(0)&_pragma=journal_mode(WAL)&_txlock=immediate")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	holder, writer := open(), open()
	if _, err := holder.Exec(`CREATE TABLE t (x INTEGER)`); err != nil {
		t.Fatal(err)
	}
	tx, err := holder.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	_, err = writer.Exec(`INSERT INTO t VALUES (1)`)
	if err == nil {
		t.Fatal("a second writer wrote while the first held the lock")
	}
	return fmt.Errorf("store: put registry: %w", err)
}

// TestDatabaseUnavailable: the errors of a database that cannot be
// reached (real ones from the drivers where a test can make them, the
// server's SQLSTATEs as pgx reports them) are named by their class; the
// errors of a request the database refused, and network errors of the
// controller's own HTTP calls, are not.
func TestDatabaseUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantCause string // "": not unavailable
	}{
		{"pgx connect refused", refusedConnect(t), "connection refused"},
		{"sqlite busy", busySQLite(t), "the SQLite database stayed locked by another writer beyond its busy timeout"},
		{"admin shutdown", fmt.Errorf("queue: lease: %w", &pgconn.PgError{Severity: "FATAL", Code: "57P01", Message: "terminating connection due to administrator command"}),
			"the server is shutting down (SQLSTATE 57P01, admin shutdown)"},
		{"cannot connect now", &pgconn.PgError{Severity: "FATAL", Code: "57P03", Message: "the database system is starting up"},
			"the server cannot accept connections now (SQLSTATE 57P03, starting up or shutting down)"},
		{"too many connections", &pgconn.PgError{Severity: "FATAL", Code: "53300"}, "the server has no connection slot free (SQLSTATE 53300, too many connections)"},
		{"connection failure", &pgconn.PgError{Code: "08006"}, "connection failure (SQLSTATE 08006)"},
		{"reset", fmt.Errorf("store: %w", &net.OpError{Op: "read", Net: "tcp", Err: &net.OpError{Err: syscall.ECONNRESET}}), "connection lost"},
		{"pool wait timed out", fmt.Errorf("store: list: %w", context.DeadlineExceeded), "timed out waiting for it (a stall, or every pooled connection busy)"},
		{"unique violation", &pgconn.PgError{Code: "23505", Message: "duplicate key value"}, ""},
		{"bad password", &pgconn.PgError{Severity: "FATAL", Code: "28P01"}, ""},
		{"a webhook's refused call", &url.Error{Op: "Post", URL: "http://hook", Err: syscall.ECONNREFUSED}, ""},
		{"plain", errors.New("image not stored"), ""},
		{"no rows", sql.ErrNoRows, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cause, ok := DatabaseUnavailable(tc.err)
			if cause != tc.wantCause || ok != (tc.wantCause != "") {
				t.Errorf("DatabaseUnavailable(%v) = %q, %v; want %q", tc.err, cause, ok, tc.wantCause)
			}
		})
	}
}

// TestFail: the one error mapping of the handlers answers each class with
// its status, a Retry-After only on a 503, and never the driver's text.
func TestFail(t *testing.T) {
	refused := refusedConnect(t)
	for _, tc := range []struct {
		name       string
		err        error
		wantCode   int
		wantError  string
		wantRetry  string
		wantLogged string
	}{
		{"unavailable", refused, http.StatusServiceUnavailable, UnavailablePrefix + "connection refused", "2",
			`level=WARN msg="request failed" path=/api/v1/x err=`},
		{"status error", Errorf(http.StatusNotFound, "registry %q not found", "r"), http.StatusNotFound, `registry "r" not found`, "", ""},
		{"body too large", fmt.Errorf("decode: %w", &http.MaxBytesError{Limit: 10}), http.StatusRequestEntityTooLarge, "request body over 10 bytes", "", ""},
		{"other", errors.New("store: bad row"), http.StatusInternalServerError, "internal error", "",
			`level=ERROR msg="request failed" path=/api/v1/x err="store: bad row"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs strings.Builder
			rec := httptest.NewRecorder()
			Fail(rec, slog.New(slog.NewTextHandler(&logs, nil)), tc.err, "request failed", "path", "/api/v1/x")
			if rec.Code != tc.wantCode || !strings.Contains(rec.Body.String(), fmt.Sprintf("%q", tc.wantError)) {
				t.Errorf("answered %d %s, want %d %q", rec.Code, rec.Body, tc.wantCode, tc.wantError)
			}
			if got := rec.Header().Get("Retry-After"); got != tc.wantRetry {
				t.Errorf("Retry-After %q, want %q", got, tc.wantRetry)
			}
			if strings.Contains(rec.Body.String(), "secret") || strings.Contains(rec.Body.String(), "127.0.0.1") {
				t.Errorf("the answer shows the DSN: %s", rec.Body)
			}
			if tc.wantLogged == "" && logs.Len() > 0 || tc.wantLogged != "" && !strings.Contains(logs.String(), tc.wantLogged) {
				t.Errorf("logged %q, want %q", logs.String(), tc.wantLogged)
			}
			if cause := `database_unavailable="connection refused"`; strings.Contains(logs.String(), cause) != (tc.wantCode == http.StatusServiceUnavailable) {
				t.Errorf("logged %q: %s only for a 503", logs.String(), cause)
			}
		})
	}
}
