// Package pgpool opens the database/sql connection pools the control
// plane's PostgreSQL back ends (store and queue) use, with the pool size
// taken from the DSN so that every replica can be sized without a flag.
package pgpool

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// MaxConnsParam is the DSN parameter that sets a pool's size. It is the
// name pgxpool reads, so a DSN written for pgxpool means the same here;
// it is removed before connecting (PostgreSQL would reject it as an
// unknown run-time parameter).
const MaxConnsParam = "pool_max_conns"

// DefaultMaxConns is each pool's size when the DSN does not set one. A
// replica opens two pools (store and queue), so 8+8 per replica leaves
// room in PostgreSQL's default max_connections=100 for three replicas,
// a fourth during a rolling update, and the administrators' sessions.
const DefaultMaxConns = 8

// maxIdleTime closes connections a burst opened once the burst is over,
// while keeping the steady state's connections open between requests.
const maxIdleTime = 5 * time.Minute

// Open returns a pool on the PostgreSQL DSN (URL or key=value). The pool
// keeps as many idle connections as it may open: with fewer, every burst
// above the idle count closed and re-dialled connections (a TCP and
// authentication handshake and a new server process each time).
func Open(dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// Not wrapped: pgx's message, and the url.Error under it, may
		// quote the DSN with its password.
		return nil, errors.New("parsing the PostgreSQL DSN: it is neither a postgres:// URL nor key=value pairs pgx accepts")
	}
	n := DefaultMaxConns
	if v, ok := cfg.RuntimeParams[MaxConnsParam]; ok {
		n, err = strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return nil, fmt.Errorf("PostgreSQL DSN parameter %s=%q: want a whole number from 1 to 1000", MaxConnsParam, v)
		}
		delete(cfg.RuntimeParams, MaxConnsParam)
	}
	var ended sessionsEnded
	onErr := cfg.OnPgError
	cfg.OnPgError = func(c *pgconn.PgConn, e *pgconn.PgError) bool {
		ended.saw(e)
		if onErr != nil {
			return onErr(c, e) // pgx's default closes the connection on FATAL
		}
		return !strings.EqualFold(e.Severity, "FATAL")
	}
	db := stdlib.OpenDB(*cfg, stdlib.OptionShouldPing(ended.shouldPing))
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	db.SetConnMaxIdleTime(maxIdleTime)
	return db, nil
}

// sessionsEnded notes when one of the pool's connections was told its
// session is over by the server: a restart (fast or immediate shutdown),
// pg_terminate_backend, an idle-session timeout. The pool's other idle
// connections have then most likely been ended too, with the FATAL
// message waiting unread in their sockets, and each would fail the next
// request it served (an HTTP 500 per pooled connection after every
// database restart). pgx pings a connection before reuse only when it
// sat idle for over a second, which busy connections never do; for a
// while after such a message the pool pings every connection it hands
// out, and database/sql replaces one that fails the ping without failing
// the request. A ping cannot run a statement twice; retrying a failed
// statement could (a commit whose answer was lost).
type sessionsEnded struct{ last atomic.Int64 }

// pingAfterEnded is how long after a session-ending message every
// connection is pinged before reuse: long enough for a restart, after
// which a stale connection fails at the latest when pgx's own one-second
// idle ping catches it.
const pingAfterEnded = time.Minute

func (s *sessionsEnded) saw(e *pgconn.PgError) {
	// Class 57: operator intervention (57P01 admin_shutdown, 57P02
	// crash_shutdown, 57P03 cannot_connect_now, 57P05 idle session
	// timeout, ...).
	if strings.EqualFold(e.Severity, "FATAL") && strings.HasPrefix(e.Code, "57") {
		s.last.Store(time.Now().UnixNano())
	}
}

func (s *sessionsEnded) shouldPing(_ context.Context, p stdlib.ShouldPingParams) bool {
	if p.IdleDuration > time.Second {
		return true // pgx's default
	}
	last := s.last.Load()
	return last != 0 && time.Since(time.Unix(0, last)) < pingAfterEnded
}

// Dollars rewrites a statement written with SQLite's ? placeholders for
// PostgreSQL, which numbers them: $1, $2, ... in order. The store and
// the queue write each statement once, for both back ends. Every ? is a
// placeholder: the statements hold no ? in a literal.
func Dollars(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
