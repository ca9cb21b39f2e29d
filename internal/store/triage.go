package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
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

// ---- exceptions

func (s *db) PutException(ctx context.Context, e exception.Exception, actor string, now time.Time) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	if err := checkText("actor", actor); err != nil {
		return false, err
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return false, fmt.Errorf("storing exception %s: %w", e.ID, err)
	}
	var expires int64
	if e.Expires != nil {
		expires = e.Expires.UnixNano()
	}
	created := false
	err = s.withTx(ctx, func(t *tx) error {
		var before string
		found, err := noRows(t.queryRow(`SELECT data FROM exceptions WHERE id = ?`+s.d.forUpdate, e.ID).Scan(&before))
		if err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO exceptions(id, vulnerability, author, created_at, expires_at, data) VALUES(?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET vulnerability=excluded.vulnerability, author=excluded.author,
				created_at=excluded.created_at, expires_at=excluded.expires_at, data=excluded.data`,
			e.ID, e.Vulnerability, e.Author, nanos(e.Created), expires, string(raw)); err != nil {
			return err
		}
		action := AuditUpdate
		if !found {
			action, created = AuditCreate, true
		}
		return addAudit(t, &AuditEntry{At: now, Actor: actor, Action: action, Kind: "exception", Object: e.ID,
			Before: rawOrNil(before), After: raw})
	})
	if err != nil {
		return false, fmt.Errorf("storing exception %s: %w", e.ID, err)
	}
	return created, nil
}

func rawOrNil(s string) json.RawMessage {
	if s == "" {
		return nil
	}
	return json.RawMessage(s)
}

func (s *db) GetException(ctx context.Context, id string) (exception.Exception, bool, error) {
	var (
		e   exception.Exception
		raw string
	)
	ok, err := noRows(s.queryRow(ctx, `SELECT data FROM exceptions WHERE id = ?`, cleanText(id)).Scan(&raw))
	if err == nil && ok {
		err = json.Unmarshal([]byte(raw), &e)
	}
	if err != nil {
		return e, false, fmt.Errorf("reading exception %q: %w", id, err)
	}
	return e, ok, nil
}

func (s *db) ListExceptions(ctx context.Context) ([]exception.Exception, error) {
	out := []exception.Exception{}
	err := s.eachRow(ctx, func(r rowScanner) error {
		var (
			id, raw string
			e       exception.Exception
		)
		if err := r.Scan(&id, &raw); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return fmt.Errorf("exception %q: %w", id, err)
		}
		out = append(out, e)
		return nil
	}, `SELECT id, data FROM exceptions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("listing exceptions: %w", err)
	}
	return out, nil
}

func (s *db) DeleteException(ctx context.Context, id, actor string, now time.Time) (bool, error) {
	if err := checkText("actor", actor); err != nil {
		return false, err
	}
	found := false
	err := s.withTx(ctx, func(t *tx) error {
		var before string
		ok, err := noRows(t.queryRow(`SELECT data FROM exceptions WHERE id = ?`+s.d.forUpdate, cleanText(id)).Scan(&before))
		if err != nil || !ok {
			return err
		}
		if _, err := t.exec(`DELETE FROM exceptions WHERE id = ?`, id); err != nil {
			return err
		}
		found = true
		return addAudit(t, &AuditEntry{At: now, Actor: actor, Action: AuditDelete, Kind: "exception", Object: id, Before: json.RawMessage(before)})
	})
	if err != nil {
		return false, fmt.Errorf("deleting exception %q: %w", id, err)
	}
	return found, nil
}

func (s *db) ExpireException(ctx context.Context, id, actor string, now time.Time) (exception.Exception, bool, bool, error) {
	var (
		e              exception.Exception
		found, changed bool
	)
	if err := checkText("actor", actor); err != nil {
		return e, false, false, err
	}
	err := s.withTx(ctx, func(t *tx) error {
		var before string
		ok, err := noRows(t.queryRow(`SELECT data FROM exceptions WHERE id = ?`+s.d.forUpdate, cleanText(id)).Scan(&before))
		if err != nil || !ok {
			return err
		}
		found = true
		if err := json.Unmarshal([]byte(before), &e); err != nil {
			return err
		}
		if !e.ActiveAt(now) {
			return nil
		}
		end := now.UTC()
		e.Expires = &end
		raw, err := json.Marshal(e)
		if err != nil {
			return err
		}
		if _, err := t.exec(`UPDATE exceptions SET expires_at = ?, data = ? WHERE id = ?`, end.UnixNano(), string(raw), e.ID); err != nil {
			return err
		}
		changed = true
		return addAudit(t, &AuditEntry{At: now, Actor: actor, Action: AuditExpire, Kind: "exception", Object: e.ID,
			Before: json.RawMessage(before), After: raw})
	})
	if err != nil {
		return e, false, false, fmt.Errorf("expiring exception %q: %w", id, err)
	}
	return e, found, changed, nil
}

// ---- audit

func addAudit(t *tx, a *AuditEntry) error {
	before, after := "", ""
	if len(a.Before) > 0 {
		before = string(a.Before)
	}
	if len(a.After) > 0 {
		after = string(a.After)
	}
	if err := t.queryRow(`INSERT INTO audit_log(at, actor, action, kind, object, before_json, after_json) VALUES(?,?,?,?,?,?,?) RETURNING id`,
		nanos(a.At), cleanText(a.Actor), cleanText(a.Action), cleanText(a.Kind), cleanText(a.Object), cleanText(before), cleanText(after)).Scan(&a.ID); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

func (s *db) AddAudit(ctx context.Context, a *AuditEntry) error {
	if err := checkText("audit actor and action", a.Actor, a.Action, a.Kind); err != nil {
		return err
	}
	for _, j := range []json.RawMessage{a.Before, a.After} {
		if len(j) > 0 && !json.Valid(j) {
			return fmt.Errorf("%w: audit entry for %s %q: before/after is not JSON", ErrInvalid, a.Kind, a.Object)
		}
	}
	return s.withTx(ctx, func(t *tx) error { return addAudit(t, a) })
}

func (s *db) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := `SELECT id, at, actor, action, kind, object, before_json, after_json FROM audit_log WHERE 1=1`
	var args []any
	for _, c := range []struct{ col, v string }{{"kind", f.Kind}, {"object", f.Object}, {"actor", f.Actor}} {
		if c.v != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, cleanText(c.v))
		}
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > MaxAuditList {
		f.Limit = MaxAuditList
	}
	out := []AuditEntry{}
	err := s.eachRow(ctx, func(r rowScanner) error {
		var (
			a             AuditEntry
			at            int64
			before, after string
		)
		if err := r.Scan(&a.ID, &at, &a.Actor, &a.Action, &a.Kind, &a.Object, &before, &after); err != nil {
			return err
		}
		a.At, a.Before, a.After = fromNanos(at), rawOrNil(before), rawOrNil(after)
		out = append(out, a)
		return nil
	}, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("reading the audit log: %w", err)
	}
	return out, nil
}

// ---- subscriptions and outbox

const subscriptionCols = `id, name, url, format, secret_enc, min_severity, events, enabled, author, created_at`

func scanSubscription(r rowScanner) (Subscription, error) {
	var (
		sub     Subscription
		events  string
		created int64
	)
	if err := r.Scan(&sub.ID, &sub.Name, &sub.URL, &sub.Format, &sub.SecretSealed, &sub.MinSeverity, &events, &sub.Enabled, &sub.Author, &created); err != nil {
		return sub, err
	}
	sub.Created = fromNanos(created)
	if err := json.Unmarshal([]byte(events), &sub.Events); err != nil {
		return sub, fmt.Errorf("subscription %q events: %w", sub.ID, err)
	}
	return sub, nil
}

func (s *db) PutSubscription(ctx context.Context, sub Subscription, actor string, now time.Time) (bool, error) {
	if err := checkText("subscription id, URL and format", sub.ID, sub.URL, sub.Format); err != nil {
		return false, err
	}
	if err := checkText("actor", actor); err != nil {
		return false, err
	}
	events, err := json.Marshal(sub.Events)
	if err != nil {
		return false, fmt.Errorf("storing subscription %s: %w", sub.ID, err)
	}
	if sub.Events == nil {
		events = []byte("[]")
	}
	after, err := json.Marshal(sub)
	if err != nil {
		return false, fmt.Errorf("storing subscription %s: %w", sub.ID, err)
	}
	created := false
	err = s.withTx(ctx, func(t *tx) error {
		old, found, err := s.subscriptionTx(t, sub.ID)
		if err != nil {
			return err
		}
		if _, err := t.exec(`INSERT INTO notify_subscriptions(`+subscriptionCols+`) VALUES(?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET name=excluded.name, url=excluded.url, format=excluded.format, secret_enc=excluded.secret_enc,
				min_severity=excluded.min_severity, events=excluded.events, enabled=excluded.enabled, author=excluded.author,
				created_at=excluded.created_at`,
			sub.ID, cleanText(sub.Name), sub.URL, sub.Format, sub.SecretSealed, cleanText(sub.MinSeverity), cleanText(string(events)),
			sub.Enabled, cleanText(sub.Author), nanos(sub.Created)); err != nil {
			return err
		}
		a := &AuditEntry{At: now, Actor: actor, Action: AuditCreate, Kind: "subscription", Object: sub.ID, After: after}
		if found {
			a.Action = AuditUpdate
			if a.Before, err = json.Marshal(old); err != nil {
				return err
			}
		}
		created = !found
		return addAudit(t, a)
	})
	if err != nil {
		return false, fmt.Errorf("storing subscription %s: %w", sub.ID, err)
	}
	return created, nil
}

func (s *db) subscriptionTx(t *tx, id string) (Subscription, bool, error) {
	sub, err := scanSubscription(t.queryRow(`SELECT `+subscriptionCols+` FROM notify_subscriptions WHERE id = ?`+s.d.forUpdate, cleanText(id)))
	ok, err := noRows(err)
	return sub, ok, err
}

func (s *db) GetSubscription(ctx context.Context, id string) (Subscription, bool, error) {
	sub, err := scanSubscription(s.queryRow(ctx, `SELECT `+subscriptionCols+` FROM notify_subscriptions WHERE id = ?`, cleanText(id)))
	ok, err := noRows(err)
	if err != nil {
		return sub, false, fmt.Errorf("reading subscription %q: %w", id, err)
	}
	return sub, ok, nil
}

func (s *db) ListSubscriptions(ctx context.Context) ([]Subscription, error) {
	out := []Subscription{}
	err := s.eachRow(ctx, func(r rowScanner) error {
		sub, err := scanSubscription(r)
		if err == nil {
			out = append(out, sub)
		}
		return err
	}, `SELECT `+subscriptionCols+` FROM notify_subscriptions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("listing subscriptions: %w", err)
	}
	return out, nil
}

func (s *db) DeleteSubscription(ctx context.Context, id, actor string, now time.Time) (bool, error) {
	if err := checkText("actor", actor); err != nil {
		return false, err
	}
	found := false
	err := s.withTx(ctx, func(t *tx) error {
		old, ok, err := s.subscriptionTx(t, id)
		if err != nil || !ok {
			return err
		}
		if _, err := t.exec(`DELETE FROM notify_outbox WHERE subscription = ? AND state = ?`, id, DeliveryPending); err != nil {
			return err
		}
		if _, err := t.exec(`DELETE FROM notify_subscriptions WHERE id = ?`, id); err != nil {
			return err
		}
		before, err := json.Marshal(old)
		if err != nil {
			return err
		}
		found = true
		return addAudit(t, &AuditEntry{At: now, Actor: actor, Action: AuditDelete, Kind: "subscription", Object: id, Before: before})
	})
	if err != nil {
		return false, fmt.Errorf("deleting subscription %q: %w", id, err)
	}
	return found, nil
}

func newDeliveryID() (string, error) {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

func (s *db) Enqueue(ctx context.Context, ds []Delivery) (int, error) {
	if len(ds) == 0 {
		return 0, nil
	}
	for i := range ds {
		d := &ds[i]
		if err := checkText("delivery subscription, event id and kind", d.Subscription, d.EventID, d.Kind); err != nil {
			return 0, err
		}
		if d.ID == "" {
			id, err := newDeliveryID()
			if err != nil {
				return 0, fmt.Errorf("enqueueing deliveries: %w", err)
			}
			d.ID = id
		}
		if d.State == "" {
			d.State = DeliveryPending
		}
	}
	added := 0
	err := s.withTx(ctx, func(t *tx) error {
		added = 0
		for _, d := range ds {
			res, err := t.exec(`INSERT INTO notify_outbox(id, subscription, event_id, kind, body, state, attempts, next_at, created_at)
				VALUES(?,?,?,?,?,?,0,?,?) ON CONFLICT(subscription, event_id) DO NOTHING`,
				d.ID, d.Subscription, d.EventID, d.Kind, d.Body, d.State, nanos(d.NextAt), nanos(d.CreatedAt))
			if err != nil {
				return fmt.Errorf("event %s for subscription %s: %w", d.EventID, d.Subscription, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("enqueueing deliveries: %w", err)
	}
	return added, nil
}

const deliveryCols = `id, subscription, event_id, kind, body, state, attempts, next_at, last_status, last_error, created_at, delivered_at`

func scanDelivery(r rowScanner) (Delivery, error) {
	var (
		d                    Delivery
		next, created, deliv int64
	)
	err := r.Scan(&d.ID, &d.Subscription, &d.EventID, &d.Kind, &d.Body, &d.State, &d.Attempts, &next, &d.LastStatus, &d.LastError, &created, &deliv)
	d.NextAt, d.CreatedAt, d.DeliveredAt = fromNanos(next), fromNanos(created), fromNanos(deliv)
	return d, err
}

func (s *db) ClaimDeliveries(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]Delivery, error) {
	if err := checkText("delivery holder", holder); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []Delivery
	err := s.withTx(ctx, func(t *tx) error {
		out = out[:0]
		// The due and lease conditions are repeated on the updated rows:
		// PostgreSQL re-checks them on a row another claimer updated
		// meanwhile, so a row is never leased twice.
		rows, err := t.query(`UPDATE notify_outbox SET holder = ?, lease_until = ?
			WHERE id IN (SELECT id FROM notify_outbox WHERE state = 'pending' AND next_at <= ? AND lease_until <= ?
				ORDER BY next_at, id LIMIT ?)
			AND state = 'pending' AND next_at <= ? AND lease_until <= ?
			RETURNING `+deliveryCols,
			holder, nanos(leaseUntil), nanos(now), nanos(now), limit, nanos(now), nanos(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDelivery(rows)
			if err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("claiming deliveries for %s: %w", holder, err)
	}
	return out, nil
}

func (s *db) FinishDelivery(ctx context.Context, id, holder string, a DeliveryAttempt) error {
	switch a.State {
	case DeliveryDelivered, DeliveryPending, DeliveryFailed:
	default:
		return fmt.Errorf("%w: delivery %s: state %q", ErrInvalid, id, a.State)
	}
	var delivered int64
	if a.State == DeliveryDelivered {
		delivered = nanos(a.At)
	}
	n, err := s.affected(ctx, `UPDATE notify_outbox SET state = ?, attempts = attempts + 1, next_at = ?, last_status = ?, last_error = ?,
			delivered_at = ?, holder = '', lease_until = 0
		WHERE id = ? AND holder = ? AND state = 'pending'`,
		a.State, nanos(a.NextAt), a.Status, cleanText(a.Error), delivered, cleanText(id), cleanText(holder))
	if err != nil {
		return fmt.Errorf("recording delivery %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("delivery %s: %w", id, ErrNotHolder)
	}
	return nil
}

func (s *db) ListDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	q := `SELECT ` + deliveryCols + ` FROM notify_outbox WHERE 1=1`
	var args []any
	if f.Subscription != "" {
		q += ` AND subscription = ?`
		args = append(args, cleanText(f.Subscription))
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, cleanText(f.State))
	}
	if f.Limit <= 0 || f.Limit > MaxAuditList {
		f.Limit = MaxAuditList
	}
	out := []Delivery{}
	err := s.eachRow(ctx, func(r rowScanner) error {
		d, err := scanDelivery(r)
		if err == nil {
			out = append(out, d)
		}
		return err
	}, q+` ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("listing deliveries: %w", err)
	}
	return out, nil
}

func (s *db) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM notify_outbox WHERE state <> 'pending' AND created_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning deliveries: %w", err)
	}
	return n, nil
}

// ---- where exceptions apply

// replaceExceptions rewrites which exceptions suppress findings in k's
// report (its suppressed entries of status "exception").
func (t *tx) replaceExceptions(k ImageKey, rep *report.Report) error {
	if _, err := t.exec(`DELETE FROM image_exceptions WHERE registry=? AND repository=? AND digest=?`, k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range rep.Suppressed {
		if s.Status != exception.StatusException || s.Exception == "" || seen[s.Exception] {
			continue
		}
		seen[s.Exception] = true
		if _, err := t.exec(`INSERT INTO image_exceptions(registry, repository, digest, exception_id) VALUES(?,?,?,?)`,
			k.Registry, k.Repository, k.Digest, cleanText(s.Exception)); err != nil {
			return err
		}
	}
	return nil
}

func (s *db) ImagesWithException(ctx context.Context, ids ...string) ([]ImageKey, error) {
	out := []ImageKey{}
	if len(ids) == 0 {
		return out, nil
	}
	err := s.eachRow(ctx, func(r rowScanner) error {
		var k ImageKey
		if err := r.Scan(&k.Registry, &k.Repository, &k.Digest); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	}, `SELECT DISTINCT registry, repository, digest FROM image_exceptions WHERE exception_id IN `+in(len(ids))+
		` ORDER BY registry, repository, digest`, anys(ids)...)
	if err != nil {
		return nil, fmt.Errorf("images with exceptions %v: %w", ids, err)
	}
	return out, nil
}

func (s *db) ReplaceReport(ctx context.Context, k ImageKey, before []byte, rep *report.Report, raw []byte) (bool, error) {
	if err := checkText("image key", k.Registry, k.Repository, k.Digest); err != nil {
		return false, err
	}
	if rep == nil {
		return false, fmt.Errorf("%w: report of %s/%s@%s: nil", ErrInvalid, k.Registry, k.Repository, k.Digest)
	}
	replaced := false
	err := s.withTx(ctx, func(t *tx) error {
		var cur []byte
		ok, err := noRows(t.queryRow(`SELECT report FROM images WHERE registry=? AND repository=? AND digest=?`+s.d.forUpdate,
			k.Registry, k.Repository, k.Digest).Scan(&cur))
		if err != nil || !ok || !bytes.Equal(cur, before) {
			return err
		}
		if _, err := t.exec(`UPDATE images SET vulnerabilities=?, severities=?, report=? WHERE registry=? AND repository=? AND digest=?`,
			len(rep.Vulnerabilities), severities(rep), raw, k.Registry, k.Repository, k.Digest); err != nil {
			return err
		}
		replaced = true
		return t.replaceVulns(k, rep)
	})
	if err != nil {
		return false, fmt.Errorf("re-evaluating exceptions of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return replaced, nil
}
