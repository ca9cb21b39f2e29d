package model

import (
	"context"
	"encoding/json"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Triage state (issue #20): fleet exceptions, the audit log of changes to
// them and to notification subscriptions, the subscriptions and the
// durable outbox of webhook deliveries.

// AuditEntry is one change, as the audit log keeps it.
type AuditEntry struct {
	ID     int64     `json:"id"`
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"` // AuditCreate, AuditUpdate, AuditDelete, AuditExpire
	Kind   string    `json:"kind"`   // "exception", "subscription"
	Object string    `json:"object"` // the object's id
	// Before and After are the object as JSON (absent before a create and
	// after a delete).
	Before json.RawMessage `json:"before,omitempty"`
	After  json.RawMessage `json:"after,omitempty"`
}

// Audit actions.
const (
	AuditCreate = "create"
	AuditUpdate = "update"
	AuditDelete = "delete"
	// AuditExpire is an exception ended early (its expiry set to now).
	AuditExpire = "expire"
)

// AuditFilter selects audit entries; zero fields match everything.
type AuditFilter struct {
	Kind, Object, Actor string
	Limit               int // 0: MaxAuditList
	// Before, when positive, lists only entries with a smaller id: the
	// page after the one whose last entry had id Before.
	Before int64
}

// MaxAuditList bounds one audit listing.
const MaxAuditList = 1000

// Audit is the log of who changed what and when. The stores' own changes
// (exceptions, subscriptions) are logged in their transaction; AddAudit
// is for changes made elsewhere.
type Audit interface {
	AddAudit(ctx context.Context, a *AuditEntry) error
	// AuditLog lists the newest first.
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}

// Exceptions are the fleet's vulnerability exceptions. Every change is
// recorded in the audit log in the same transaction.
type Exceptions interface {
	// PutException validates e, creates or replaces it, and logs the
	// change by actor at now; created reports whether it is new.
	PutException(ctx context.Context, e exception.Exception, actor string, now time.Time) (created bool, err error)
	GetException(ctx context.Context, id string) (exception.Exception, bool, error)
	// ListExceptions lists every exception, expired ones included, by id.
	ListExceptions(ctx context.Context) ([]exception.Exception, error)
	// DeleteException removes an exception and logs it; false if unknown.
	DeleteException(ctx context.Context, id, actor string, now time.Time) (bool, error)
	// ExpireException ends exception id at now (its expiry set to now,
	// everything else kept) and logs it as AuditExpire by actor. One that
	// had already expired is returned unchanged, with changed false and
	// nothing logged; found is false if id is unknown.
	ExpireException(ctx context.Context, id, actor string, now time.Time) (e exception.Exception, found, changed bool, err error)
	// ImagesWithException lists the images whose stored report has
	// findings suppressed by one of the exceptions ids (every report
	// write keeps this index from the report's suppressed entries).
	ImagesWithException(ctx context.Context, ids ...string) ([]ImageKey, error)
	// ImagesWithExceptionAfter is ImagesWithException a page at a time:
	// at most limit images after 'after' in (registry, repository,
	// digest) order (the zero key: from the first), so that a caller
	// walks any number of images in bounded memory.
	ImagesWithExceptionAfter(ctx context.Context, after ImageKey, limit int, ids ...string) ([]ImageKey, error)
	// ReplaceReport stores rep (re-evaluated against the exceptions) as
	// k's report, with its counts and CVE index, if the stored report is
	// still exactly before; false when it changed meanwhile (a new scan
	// or re-match: the caller reads it again) or k is not stored. It
	// counts no scan and keeps the database digest and image changes.
	ReplaceReport(ctx context.Context, k ImageKey, before []byte, rep *report.Report, raw []byte) (bool, error)
}

// Subscription is where and what to notify.
type Subscription struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	URL  string `json:"url"`
	// Format is "json" (signed scanfleet events) or "slack" (incoming
	// webhook).
	Format string `json:"format"`
	// SecretSealed is the HMAC key sealed by the controller's keyring;
	// never shown.
	SecretSealed []byte `json:"-"`
	// MinSeverity: image events with no finding at or above it are not
	// sent ("" = any).
	MinSeverity string `json:"min_severity,omitempty"`
	// Events are the event types sent; empty: all.
	Events  []string  `json:"events,omitempty"`
	Enabled bool      `json:"enabled"`
	Author  string    `json:"author"`
	Created time.Time `json:"created"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed" // gave up after the last attempt
)

// Delivery is one event (or digest of events) to post to one
// subscription: a row of the durable outbox, and the delivery log.
type Delivery struct {
	ID           string `json:"id"`
	Subscription string `json:"subscription"`
	// EventID is the id receivers deduplicate on; one subscription gets
	// one delivery per event id.
	EventID     string    `json:"event_id"`
	Kind        string    `json:"kind"`
	Body        []byte    `json:"-"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	NextAt      time.Time `json:"next_at"`
	LastStatus  int       `json:"last_status,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	DeliveredAt time.Time `json:"delivered_at"`
}

// DeliveryAttempt is the outcome of one attempt.
type DeliveryAttempt struct {
	// State is DeliveryDelivered, DeliveryPending (retry at NextAt) or
	// DeliveryFailed (no more attempts).
	State  string
	Status int // HTTP status, 0 when none was received
	Error  string
	At     time.Time
	NextAt time.Time
}

// DeliveryFilter selects deliveries; zero fields match everything.
type DeliveryFilter struct {
	Subscription, State string
	Limit               int // 0: MaxAuditList
}

// Notifications are the subscriptions and the outbox.
type Notifications interface {
	// PutSubscription creates or replaces sub and logs the change by
	// actor at now.
	PutSubscription(ctx context.Context, sub Subscription, actor string, now time.Time) (created bool, err error)
	GetSubscription(ctx context.Context, id string) (Subscription, bool, error)
	ListSubscriptions(ctx context.Context) ([]Subscription, error)
	// DeleteSubscription removes it with its undelivered deliveries and
	// logs it; false if unknown.
	DeleteSubscription(ctx context.Context, id, actor string, now time.Time) (bool, error)
	// Enqueue adds deliveries to the outbox (ID and State filled when
	// empty) and returns how many were new: one already queued for its
	// subscription and event id is not added again, so a producer that
	// repeats itself (a retry, another replica) sends nothing twice.
	Enqueue(ctx context.Context, ds []Delivery) (int, error)
	// ClaimDeliveries gives holder up to limit pending deliveries due at
	// now that no live lease holds, leasing them until leaseUntil, oldest
	// due first. Two claimers never get the same delivery while its
	// lease lives.
	ClaimDeliveries(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]Delivery, error)
	// FinishDelivery records holder's attempt on delivery id and ends its
	// lease; ErrNotHolder when the lease was lost to another claimer.
	FinishDelivery(ctx context.Context, id, holder string, a DeliveryAttempt) error
	// ListDeliveries lists the newest first.
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
	// PruneDeliveries forgets delivered and failed deliveries created
	// before t.
	PruneDeliveries(ctx context.Context, before time.Time) (int64, error)
}
