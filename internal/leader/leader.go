// Package leader elects one controller among several to do the work that
// must happen once per fleet: scheduled registry crawls and scanner
// auto-scaling. Everything else (the API, the scanner protocol, results) is
// served by every controller, since they share the task queue.
//
// Three Electors exist:
//
//   - lease.Elector (package leader/lease): a Kubernetes
//     coordination.k8s.io Lease, through client-go's leaderelection
//     package, for controllers running as pods.
//   - Postgres: a session-level PostgreSQL advisory lock held on a
//     dedicated connection, for controllers that share a PostgreSQL task
//     queue anyway and may not run in Kubernetes.
//   - Always: a single controller, which is always the leader.
//
// Leadership is advisory in both real backends: a leader cut off from the
// API server or the database keeps leading until its RenewDeadline passes
// without a successful renewal (a Lease's, or the Postgres elector's
// connection check), while a PostgreSQL session the server ends is
// noticed as the server says so; a short overlap is possible (the
// Postgres type's comment gives the bounds). Both guarded jobs are
// idempotent enough for that: a crawl enqueues tasks the queue
// deduplicates, and the auto-scaler re-reads the replica count before each
// scale.
package leader

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"time"
)

// Elector takes part in an election.
type Elector interface {
	// Run campaigns, holds and, when lost, campaigns again until ctx is
	// done; then it gives leadership up (if the backend allows) and
	// returns nil. It returns an error only when it cannot campaign at
	// all (a bad configuration).
	Run(ctx context.Context) error
	// IsLeader reports whether this participant leads right now.
	IsLeader() bool
	// Identity is this participant's unique name.
	Identity() string
	// Leader is the identity of the leader as last observed, "" when
	// unknown.
	Leader() string
	// Kind names the mechanism: "kubernetes", "postgres" or "none".
	Kind() string
}

// Lease timing defaults, those of Kubernetes' own components.
const (
	DefaultLeaseDuration = 15 * time.Second
	DefaultRenewDeadline = 10 * time.Second
	DefaultRetryPeriod   = 2 * time.Second
)

// DefaultIdentity is the host name (a pod's name in Kubernetes) with a
// random suffix, so that two processes on one host, or a restarted pod
// reusing its name, are never taken for each other.
func DefaultIdentity() string {
	host, err := os.Hostname()
	if err != nil || host == "" {
		host = "scanfleet"
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%s_%s", host, hex.EncodeToString(b))
}

// Always is the Elector of a lone controller: it always leads.
type Always struct {
	// ID is returned by Identity and Leader.
	ID string
}

// Run waits for ctx.
func (a Always) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// IsLeader is always true.
func (Always) IsLeader() bool { return true }

// Identity returns a.ID.
func (a Always) Identity() string { return a.ID }

// Leader returns a.ID.
func (a Always) Leader() string { return a.ID }

// Kind is "none": there is no election.
func (Always) Kind() string { return "none" }
