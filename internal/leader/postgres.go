package leader

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// appNamePrefix marks our connections' application_name, through which
// other participants learn who holds the lock.
const appNamePrefix = "scanfleet-leader:"

// PostgresOptions configure a Postgres elector.
type PostgresOptions struct {
	// DSN is a pgx connection string (required); usually the task queue's.
	DSN string
	// Name of the election (default "scanfleet-controller"). The lock key
	// is a hash of Name and the DSN's search_path, because advisory locks
	// are per database, not per schema: fleets kept apart by search_path
	// in one database must not elect one leader between them.
	Name string
	// Identity of this participant (default DefaultIdentity()). It is the
	// connection's application_name, so keep it under 45 bytes.
	Identity string
	// RetryPeriod is how often a follower tries the lock and a leader
	// checks its connection (default 2 s). Between checks a leader listens
	// on its connection, so it learns at once of a session the server
	// ends or a connection closed on the way; a crashed leader's lock is
	// freed by the server as soon as it sees the connection close.
	RetryPeriod time.Duration
	// RenewDeadline bounds how long a leader keeps leading without a
	// successful connection check (default 5 × RetryPeriod, 10 s with the
	// defaults; it must exceed RetryPeriod), as client-go's
	// leaderelection RenewDeadline does. A check that is merely slow (a
	// loaded server, a stalled network) does not end leadership before
	// this deadline; a check that fails (the session is gone) ends it at
	// once. The server is told to drop the session after 1.1 ×
	// RenewDeadline of silence, so a leader cut off from the database
	// steps down before another can take the lock.
	RenewDeadline time.Duration
	// Logger; nil is slog.Default().
	Logger *slog.Logger
}

// Postgres is an Elector holding a session-level advisory lock
// (pg_try_advisory_lock) on a dedicated connection: whoever holds the lock
// leads, for as long as its connection lives.
//
// How long two participants may both believe they lead (split brain):
//
//   - Network partition or stall between leader and server: the leader
//     steps down at most RenewDeadline after its last successful check;
//     the server frees the lock no sooner than 1.1 × RenewDeadline after
//     the last packet it had from the leader (keepalives and
//     tcp_user_timeout, see NewPostgres), and another participant takes
//     it at its next try. No overlap, if the leader's clock runs no
//     more than 10 % slow; plus the controller's 200 ms poll of IsLeader
//     before the leader's work stops. A TCP proxy between them that
//     keeps the server's side open (pgbouncer in session mode, this
//     package's tests' stall proxy) keeps the lock held instead: no
//     leader until the session ends, never two.
//   - Server restart, the session terminated, or the connection closed
//     on the way: the server sends the session's end (a FATAL message)
//     before its exit frees the lock, or both sides see the close at
//     once, and the leader, listening on its connection between checks
//     (watch), steps down as it arrives; another participant needs a
//     connection and a query to take the lock. The overlap is thus the
//     message's delivery plus the controller's 200 ms poll. A message
//     lost on the way (a partition at that moment) falls under the first
//     case.
type Postgres struct {
	opts   PostgresOptions
	cfg    *pgx.ConnConfig
	key    int64
	log    *slog.Logger
	leader atomic.Bool
	// renewed is when the leader's lock was taken or its connection last
	// checked; only Run's goroutine uses it.
	renewed time.Time

	mu     sync.Mutex
	holder string
}

// LockKey is the advisory lock key of the election name in a database
// reached with search_path.
func LockKey(name, searchPath string) int64 {
	h := fnv.New64a()
	h.Write([]byte("scanfleet-leader\x00" + name + "\x00" + searchPath))
	return int64(h.Sum64())
}

// NewPostgres checks opts and returns a Postgres elector; it does not
// connect before Run.
func NewPostgres(opts PostgresOptions) (*Postgres, error) {
	if opts.DSN == "" {
		return nil, errors.New("leader: PostgresOptions.DSN is required")
	}
	if opts.Name == "" {
		opts.Name = "scanfleet-controller"
	}
	if opts.Identity == "" {
		opts.Identity = DefaultIdentity()
	}
	if opts.RetryPeriod < 0 {
		return nil, fmt.Errorf("leader: RetryPeriod %v is negative", opts.RetryPeriod)
	}
	if opts.RetryPeriod == 0 {
		opts.RetryPeriod = DefaultRetryPeriod
	}
	if opts.RenewDeadline < 0 {
		return nil, fmt.Errorf("leader: RenewDeadline %v is negative", opts.RenewDeadline)
	}
	if opts.RenewDeadline == 0 {
		opts.RenewDeadline = 5 * opts.RetryPeriod
	}
	if opts.RenewDeadline <= opts.RetryPeriod {
		return nil, fmt.Errorf("leader: RenewDeadline %v must exceed RetryPeriod %v", opts.RenewDeadline, opts.RetryPeriod)
	}
	cfg, err := pgx.ParseConfig(opts.DSN)
	if err != nil {
		// pgx's message may quote the DSN, password included.
		return nil, errors.New("leader: the PostgreSQL DSN does not parse")
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	// The queue's DSN may size its pool (pgpool); that is no server
	// parameter, and this single connection has no pool.
	delete(cfg.RuntimeParams, "pool_max_conns")
	cfg.RuntimeParams["application_name"] = appNamePrefix + opts.Identity
	// Have the server notice a vanished leader (a partition, a powered-off
	// node) within seconds rather than the kernel's two hours, freeing the
	// lock, but only after the leader itself has given up (RenewDeadline):
	// keepalive probes from RenewDeadline/2 of silence, 3 of them
	// RenewDeadline/5 apart (5 s, 2 s and 11 s in all with the defaults),
	// and tcp_user_timeout the same for a partition that strikes while the
	// server has unacknowledged data to send (where keepalives do not
	// apply and the kernel would retransmit for some 15 minutes).
	idle, interval := ceilSeconds(opts.RenewDeadline/2), ceilSeconds(opts.RenewDeadline/5)
	cfg.RuntimeParams["tcp_keepalives_idle"] = strconv.Itoa(idle)
	cfg.RuntimeParams["tcp_keepalives_interval"] = strconv.Itoa(interval)
	cfg.RuntimeParams["tcp_keepalives_count"] = "3"
	cfg.RuntimeParams["tcp_user_timeout"] = strconv.Itoa((idle + 3*interval) * 1000)
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 10*time.Second {
		cfg.ConnectTimeout = 10 * time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	key := LockKey(opts.Name, cfg.RuntimeParams["search_path"])
	return &Postgres{opts: opts, cfg: cfg, key: key,
		log: log.With("component", "leader", "kind", "postgres", "election", opts.Name, "identity", opts.Identity)}, nil
}

// Run campaigns until ctx is done, reconnecting after connection failures.
// Leaving closes the connection, which releases the lock.
func (p *Postgres) Run(ctx context.Context) error {
	for {
		err := p.term(ctx)
		p.setHolder("")
		if p.leader.Swap(false) {
			if err != nil {
				p.log.Warn("leadership lost", "err", err)
			} else {
				p.log.Info("left leadership")
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			p.log.Warn("leader election connection failed; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.opts.RetryPeriod):
		}
	}
}

// term is one connection's life: try the lock every RetryPeriod until it is
// ours, then check the connection every RetryPeriod until it fails or ctx
// ends.
func (p *Postgres) term(ctx context.Context) error {
	cctx, cancel := context.WithTimeout(ctx, p.cfg.ConnectTimeout)
	conn, err := pgx.ConnectConfig(cctx, p.cfg)
	cancel()
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer func() {
		// The server drops a session's advisory locks with the session.
		closeCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	for {
		if err := p.step(ctx, conn); err != nil {
			return err
		}
		if p.leader.Load() {
			if err := p.watch(ctx, conn); err != nil || ctx.Err() != nil {
				return err
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(p.opts.RetryPeriod):
		}
	}
}

// watch waits RetryPeriod between a leader's checks while listening on
// its connection, so that a session the server ends (a restart or
// pg_terminate_backend: a FATAL message) or a connection closed on the
// way (EOF) ends leadership at once rather than at the next check: the
// server frees the lock as the session ends, and another participant
// could take it meanwhile. The wait reads with a deadline, which pgx
// leaves the connection usable after (unlike a query's cancellation).
// A silent partition sends nothing: the checks and RenewDeadline cover it.
func (p *Postgres) watch(ctx context.Context, conn *pgx.Conn) error {
	wctx, cancel := context.WithTimeout(ctx, p.opts.RetryPeriod)
	defer cancel()
	err := conn.PgConn().WaitForNotification(wctx)
	switch {
	case err == nil, wctx.Err() != nil:
		// A notification (none is listened for), the period's end, or
		// leaving (Run sees ctx).
		return nil
	default:
		return fmt.Errorf("leader connection: the connection is gone: %w", err)
	}
}

// step is one try for the lock, or, while leading, one connection check.
//
// A leader's check may take as long as the renew deadline allows: a slow
// answer (a loaded server, a stalled network) is not a lost session, and
// the advisory lock lives as long as the session does. The leader keeps
// leading while the check waits; it steps down when the check fails (the
// connection is gone: the server restarted or ended the session) or when
// no check has succeeded for RenewDeadline. pgx closes a connection whose
// query outlives its context, so cutting a check short would itself end
// the session: the check's context therefore runs to the deadline.
func (p *Postgres) step(ctx context.Context, conn *pgx.Conn) error {
	if p.leader.Load() {
		deadline := p.renewed.Add(p.opts.RenewDeadline)
		qctx, cancel := context.WithDeadline(ctx, deadline)
		defer cancel()
		start := time.Now()
		err := conn.Ping(qctx)
		switch {
		case err == nil:
			if took := time.Since(start); took > p.opts.RetryPeriod {
				p.log.Warn("leader connection check was slow; still leading", "took", took.Round(time.Millisecond),
					"renew_deadline", p.opts.RenewDeadline)
			}
			p.renewed = time.Now()
			return nil
		case ctx.Err() != nil:
			return nil // leaving: Run gives leadership up
		case errors.Is(err, context.DeadlineExceeded) || !time.Now().Before(deadline):
			return fmt.Errorf("leader connection check: no check succeeded within the renew deadline %v (since %s): %w",
				p.opts.RenewDeadline, p.renewed.Format(time.RFC3339Nano), err)
		default:
			return fmt.Errorf("leader connection check: the connection is gone: %w", err)
		}
	}
	qctx, cancel := context.WithTimeout(ctx, max(p.opts.RetryPeriod, time.Second))
	defer cancel()
	var got bool
	if err := conn.QueryRow(qctx, `SELECT pg_try_advisory_lock($1)`, p.key).Scan(&got); err != nil {
		return fmt.Errorf("pg_try_advisory_lock: %w", err)
	}
	if got {
		p.setHolder(p.opts.Identity)
		p.renewed = time.Now()
		p.leader.Store(true)
		p.log.Info("became leader")
		return nil
	}
	holder, err := p.lookupHolder(qctx, conn)
	if err != nil {
		// Knowing the holder is a courtesy for the API; the election
		// itself does not depend on it.
		p.log.Debug("looking up the leader", "err", err)
	}
	p.setHolder(holder)
	return nil
}

// lookupHolder finds the identity of the session holding the lock. A
// bigint advisory key shows in pg_locks split into classid (high 32 bits)
// and objid (low 32 bits) with objsubid 1.
func (p *Postgres) lookupHolder(ctx context.Context, conn *pgx.Conn) (string, error) {
	u := uint64(p.key)
	var app string
	err := conn.QueryRow(ctx, `
		SELECT a.application_name
		FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
		WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
		  AND l.classid::bigint = $1 AND l.objid::bigint = $2
		  AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
		LIMIT 1`, int64(u>>32), int64(u&0xffffffff)).Scan(&app)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("pg_locks: %w", err)
	}
	return strings.TrimPrefix(app, appNamePrefix), nil
}

// ceilSeconds is d in whole seconds, rounded up, at least 1 (the unit of
// the server's keepalive settings).
func ceilSeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

func (p *Postgres) setHolder(h string) {
	p.mu.Lock()
	p.holder = h
	p.mu.Unlock()
}

// IsLeader reports whether this participant holds the lock.
func (p *Postgres) IsLeader() bool { return p.leader.Load() }

// Identity is this participant's application_name suffix.
func (p *Postgres) Identity() string { return p.opts.Identity }

// Leader is the lock holder as last observed ("" when none or unknown).
func (p *Postgres) Leader() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.holder
}

// Kind is "postgres".
func (p *Postgres) Kind() string { return "postgres" }
