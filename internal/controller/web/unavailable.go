package web

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/scanfleet/scanfleet/internal/api"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DatabaseRetryAfter is the Retry-After of a 503 answered while the
// control-plane database cannot be reached: a PostgreSQL restart or
// failover, or a long SQLite write, is over within seconds, and the
// clients back off further on their own if it is not.
const DatabaseRetryAfter = 2 * time.Second

// UnavailablePrefix starts the message of every 503 for an unreachable
// database; the cause follows it (clients read it: api.DatabaseUnavailable).
const UnavailablePrefix = api.DatabaseUnavailablePrefix

// DatabaseUnavailable names the class of failure when err says the
// control-plane database (store or queue, PostgreSQL or SQLite) cannot
// be reached right now, so the same request may well succeed shortly;
// ok is false for every other error (a constraint, a bad statement,
// refused credentials), which a retry would not cure.
//
// The cause names a class only, never the driver's message: that may
// carry the DSN, the server's address, a user name or the statement.
// Network errors count only without an *url.Error in the chain: those
// come from the controller's own HTTP calls (a registry, a webhook),
// not from its database.
func DatabaseUnavailable(err error) (cause string, ok bool) {
	if err == nil {
		return "", false
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "57P01":
			return "the server is shutting down (SQLSTATE 57P01, admin shutdown)", true
		case pg.Code == "57P02":
			return "the server crashed (SQLSTATE 57P02, crash shutdown)", true
		case pg.Code == "57P03":
			return "the server cannot accept connections now (SQLSTATE 57P03, starting up or shutting down)", true
		case pg.Code == "53300":
			return "the server has no connection slot free (SQLSTATE 53300, too many connections)", true
		case len(pg.Code) == 5 && pg.Code[:2] == "08":
			return "connection failure (SQLSTATE " + pg.Code + ")", true
		}
		return "", false // the server answered: the error is the request's
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff { // the primary code of an extended one
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return "the SQLite database stayed locked by another writer beyond its busy timeout", true
		}
		return "", false
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return "", false
	}
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused", true
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED),
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed), errors.Is(err, driver.ErrBadConn):
		return "connection lost", true
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "server unreachable", true
	case errors.As(err, &dns):
		return "server name not resolved", true
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timed out waiting for it (a stall, or every pooled connection busy)", true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return "cannot connect", true
	}
	return "", false
}

// Fail answers a handler's error, in one place for every route: an
// *Error with its status and message, a body over its limit 413, a
// database that cannot be reached 503 with Retry-After and the class of
// failure (logged as a warning with the attribute database_unavailable
// naming it), anything else 500 "internal error" (logged as an error). msg and args say what failed, for the log.
func Fail(w http.ResponseWriter, log *slog.Logger, err error, msg string, args ...any) {
	var he *Error
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &he):
		WriteJSON(w, he.Code, map[string]string{"error": he.Msg})
		return
	case errors.As(err, &mbe):
		WriteJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("request body over %d bytes", mbe.Limit)})
		return
	}
	args = append(args, "err", err)
	if cause, ok := DatabaseUnavailable(err); ok {
		// The same message as a 500's, so that counting failed requests
		// by it stays right; the cause sets it apart.
		log.Warn(msg, append(args, "database_unavailable", cause)...)
		w.Header().Set("Retry-After", strconv.Itoa(int(DatabaseRetryAfter/time.Second)))
		WriteJSON(w, http.StatusServiceUnavailable, map[string]string{"error": UnavailablePrefix + cause})
		return
	}
	log.Error(msg, args...)
	WriteJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal error"})
}
