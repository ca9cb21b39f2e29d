package api

import (
	"encoding/json"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission"
)

// The answers below were aliases of internal/store's types until the
// wire format got its own definition: the store may now change its
// structs (a column, a tag) without changing what clients read. The
// controller converts (internal/controller/apiconv), and
// TestWireMatchesStore there checks the JSON is still byte for byte what
// the store's types encoded.

// Role is what a token may do. A scanner token may run the scanner
// protocol (and so receives registry credentials for its tasks) but not
// manage registries; a submitter may only send standalone results (a
// build pipeline's token, which must not be able to lease tasks and so
// learn registry credentials) and read; a reader may only read.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RoleScanner   Role = "scanner"
	RoleSubmitter Role = "submitter"
	RoleReader    Role = "reader"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleScanner || r == RoleSubmitter || r == RoleReader
}

// Scanner states (Scanner.State).
const (
	ScannerActive  = "active"
	ScannerGone    = "gone"    // missed heartbeats
	ScannerStopped = "stopped" // released its tasks
)

// Scanner is a registered scanner. CurrentTasks and CurrentImages come
// from the queue, not from the store.
type Scanner struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Concurrency   int       `json:"concurrency"`
	DBDigest      string    `json:"db_digest"`
	Version       string    `json:"version"`
	State         string    `json:"state"`
	RegisteredAt  time.Time `json:"registered_at"`
	LastSeen      time.Time `json:"last_seen"`
	Done          int       `json:"done"`
	Failed        int       `json:"failed"`
	CurrentTasks  []string  `json:"current_tasks"`
	CurrentImages []string  `json:"current_images"`
}

// ImageSummary is one scanned image in listings.
type ImageSummary struct {
	Registry        string         `json:"registry"`
	Repository      string         `json:"repository"`
	Tag             string         `json:"tag"`
	Digest          string         `json:"digest"`
	Reference       string         `json:"reference"`
	DBDigest        string         `json:"db_digest"`
	ScannedAt       time.Time      `json:"scanned_at"`
	ScannedBy       string         `json:"scanned_by"`
	Scans           int            `json:"scans"`
	Packages        int            `json:"packages"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities"`
	// Coverage is one of the Coverage constants; NotCovered names what
	// the database lacked data for.
	Coverage   string   `json:"coverage,omitempty"`
	NotCovered []string `json:"not_covered,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	// GoneAt is when a crawl first found the image no longer in its
	// registry (zero: present). Gone images are kept for history.
	GoneAt time.Time `json:"gone_at,omitzero"`
	// IndexDigest and Platform are set for one platform of a
	// multi-platform image: Digest is then the platform's manifest
	// digest, IndexDigest the image index's (what the tag points to)
	// and Platform "os/arch[/variant]".
	IndexDigest string `json:"index_digest,omitempty"`
	Platform    string `json:"platform,omitempty"`
}

// ImageChanges is what the last database change did to an image.
type ImageChanges struct {
	Registry   string    `json:"registry"`
	Repository string    `json:"repository"`
	Digest     string    `json:"digest"`
	DBBefore   string    `json:"db_before"`
	DBAfter    string    `json:"db_after"`
	ChangedAt  time.Time `json:"changed_at"`
	New        []string  `json:"new"`
	Fixed      []string  `json:"fixed"`
	// EnteredKEV are the vulnerability IDs now in CISA's Known Exploited
	// Vulnerabilities catalog that were not before.
	EnteredKEV []string `json:"entered_kev"`
	// Reranked is set when the new database changed only enrichment: the
	// findings were re-rated without matching packages again.
	Reranked bool `json:"reranked,omitempty"`
}

// HostSummary is one scanned host in listings.
type HostSummary struct {
	Name            string         `json:"name"`
	Hostname        string         `json:"hostname"`
	Kernel          string         `json:"kernel,omitempty"`
	Root            string         `json:"root"`
	OS              string         `json:"os,omitempty"`
	DBDigest        string         `json:"db_digest"`
	ScannedAt       time.Time      `json:"scanned_at"`
	ScannedBy       string         `json:"scanned_by"`
	Scans           int            `json:"scans"`
	Packages        int            `json:"packages"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities"`
}

// Decision is one admission review answered, as the log keeps it.
type Decision struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	UID       string          `json:"uid"`
	Kind      string          `json:"kind"`
	Namespace string          `json:"namespace"`
	Name      string          `json:"name"`
	Operation string          `json:"operation"`
	User      string          `json:"user"`
	DryRun    bool            `json:"dry_run,omitempty"`
	Allowed   bool            `json:"allowed"`
	Result    string          `json:"result"`
	Mode      admission.Mode  `json:"mode"`
	Message   string          `json:"message,omitempty"`
	Images    []ImageDecision `json:"images"`
}

// ImageDecision is the verdict on one container's image.
type ImageDecision struct {
	Container     string            `json:"container"`
	ContainerKind string            `json:"container_kind"`
	Image         string            `json:"image"`
	Resolved      string            `json:"resolved,omitempty"`
	Digest        string            `json:"digest,omitempty"`
	Scanned       bool              `json:"scanned"`
	ScannedAt     *time.Time        `json:"scanned_at,omitempty"`
	Verdict       admission.Verdict `json:"verdict"`
}

// Token is a token as the API lists it: never its secret or its hash.
type Token struct {
	// ID is "tok-" and 16 hex digits; Name is unique among all tokens,
	// revoked ones included, so a name in the audit log names one token.
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// CreatedBy is the creating token's name, or "bootstrap" for a token
	// made with direct access to the store (controller token create).
	CreatedBy string `json:"created_by"`
	// ExpiresAt, when set, is the moment the token stops working.
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// LastUsed is the last authenticated request, to within the
	// controller's touch interval.
	LastUsed *time.Time `json:"last_used,omitempty"`
	Revoked  bool       `json:"revoked"`
	// RevokedAt and RevokedBy say when and by whom (a token's name).
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
	RevokedBy string     `json:"revoked_by,omitempty"`
}

// Expired reports whether the token has an expiry at or before now.
func (t Token) Expired(now time.Time) bool {
	return t.ExpiresAt != nil && !now.Before(*t.ExpiresAt)
}

// AuditEntry is one change in the audit log.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // create, update, delete, expire
	Kind   string    `json:"kind"`   // "exception", "subscription"
	Object string    `json:"object"` // the object's id
	// Before and After are the object as JSON (absent before a create and
	// after a delete).
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// Delivery is one notification post (the delivery log).
type Delivery struct {
	ID           string `json:"id"`
	Subscription string `json:"subscription"`
	// EventID is the id receivers deduplicate on; one subscription gets
	// one delivery per event id.
	EventID     string    `json:"event_id"`
	Kind        string    `json:"kind"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_at"`
	LastStatus  int       `json:"last_status,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// RunningContainer is one container of a Pod as the cluster's API server
// shows it.
type RunningContainer struct {
	PodUID        string `json:"pod_uid"`
	Namespace     string `json:"namespace"`
	Pod           string `json:"pod"`
	WorkloadKind  string `json:"workload_kind"` // Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod, ...
	Workload      string `json:"workload"`
	Container     string `json:"container"`
	ContainerKind string `json:"container_kind"` // container, init, ephemeral
	// Image is as written in the Pod spec; Registry (host), Repository
	// and Tag are its normalised parts.
	Image      string `json:"image"`
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
	// Digest is what runs: from the container's status, else the spec's
	// digest; "" when neither says.
	Digest string    `json:"digest,omitempty"`
	SeenAt time.Time `json:"seen_at"`
}
