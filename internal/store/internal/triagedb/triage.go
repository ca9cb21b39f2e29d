package triagedb

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
	"github.com/scanfleet/scanfleet/internal/store/internal/resultdb"
	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// ---- exceptions

func (s *Exceptions) PutException(ctx context.Context, e exception.Exception, actor string, now time.Time) (bool, error) {
	if err := e.Validate(); err != nil {
		return false, err
	}
	if err := sqlcore.CheckText("actor", actor); err != nil {
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
	err = s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var before string
		found, err := sqlcore.NoRows(t.QueryRow(`SELECT data FROM exceptions WHERE id = ?`+s.db.ForUpdate(), e.ID).Scan(&before))
		if err != nil {
			return err
		}
		if _, err := t.Exec(`INSERT INTO exceptions(id, vulnerability, author, created_at, expires_at, data) VALUES(?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET vulnerability=excluded.vulnerability, author=excluded.author,
				created_at=excluded.created_at, expires_at=excluded.expires_at, data=excluded.data`,
			e.ID, e.Vulnerability, e.Author, sqlcore.Nanos(e.Created), expires, string(raw)); err != nil {
			return err
		}
		action := model.AuditUpdate
		if !found {
			action, created = model.AuditCreate, true
		}
		return AddAuditTx(t, &model.AuditEntry{At: now, Actor: actor, Action: action, Kind: "exception", Object: e.ID,
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

func (s *Exceptions) GetException(ctx context.Context, id string) (exception.Exception, bool, error) {
	var (
		e   exception.Exception
		raw string
	)
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT data FROM exceptions WHERE id = ?`, sqlcore.CleanText(id)).Scan(&raw))
	if err == nil && ok {
		err = json.Unmarshal([]byte(raw), &e)
	}
	if err != nil {
		return e, false, fmt.Errorf("reading exception %q: %w", id, err)
	}
	return e, ok, nil
}

func (s *Exceptions) ListExceptions(ctx context.Context) ([]exception.Exception, error) {
	out := []exception.Exception{}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
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

func (s *Exceptions) DeleteException(ctx context.Context, id, actor string, now time.Time) (bool, error) {
	if err := sqlcore.CheckText("actor", actor); err != nil {
		return false, err
	}
	found := false
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var before string
		ok, err := sqlcore.NoRows(t.QueryRow(`SELECT data FROM exceptions WHERE id = ?`+s.db.ForUpdate(), sqlcore.CleanText(id)).Scan(&before))
		if err != nil || !ok {
			return err
		}
		if _, err := t.Exec(`DELETE FROM exceptions WHERE id = ?`, id); err != nil {
			return err
		}
		found = true
		return AddAuditTx(t, &model.AuditEntry{At: now, Actor: actor, Action: model.AuditDelete, Kind: "exception", Object: id, Before: json.RawMessage(before)})
	})
	if err != nil {
		return false, fmt.Errorf("deleting exception %q: %w", id, err)
	}
	return found, nil
}

func (s *Exceptions) ExpireException(ctx context.Context, id, actor string, now time.Time) (exception.Exception, bool, bool, error) {
	var (
		e              exception.Exception
		found, changed bool
	)
	if err := sqlcore.CheckText("actor", actor); err != nil {
		return e, false, false, err
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var before string
		ok, err := sqlcore.NoRows(t.QueryRow(`SELECT data FROM exceptions WHERE id = ?`+s.db.ForUpdate(), sqlcore.CleanText(id)).Scan(&before))
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
		if _, err := t.Exec(`UPDATE exceptions SET expires_at = ?, data = ? WHERE id = ?`, end.UnixNano(), string(raw), e.ID); err != nil {
			return err
		}
		changed = true
		return AddAuditTx(t, &model.AuditEntry{At: now, Actor: actor, Action: model.AuditExpire, Kind: "exception", Object: e.ID,
			Before: json.RawMessage(before), After: raw})
	})
	if err != nil {
		return e, false, false, fmt.Errorf("expiring exception %q: %w", id, err)
	}
	return e, found, changed, nil
}

// ---- audit

// AddAuditTx logs a in t, setting a.ID: a change is logged in the
// transaction that makes it (tokens are logged too).
func AddAuditTx(t *sqlcore.Tx, a *model.AuditEntry) error {
	before, after := "", ""
	if len(a.Before) > 0 {
		before = string(a.Before)
	}
	if len(a.After) > 0 {
		after = string(a.After)
	}
	if err := t.QueryRow(`INSERT INTO audit_log(at, actor, action, kind, object, before_json, after_json) VALUES(?,?,?,?,?,?,?) RETURNING id`,
		sqlcore.Nanos(a.At), sqlcore.CleanText(a.Actor), sqlcore.CleanText(a.Action), sqlcore.CleanText(a.Kind), sqlcore.CleanText(a.Object), sqlcore.CleanText(before), sqlcore.CleanText(after)).Scan(&a.ID); err != nil {
		return fmt.Errorf("audit log: %w", err)
	}
	return nil
}

func (s *Audit) AddAudit(ctx context.Context, a *model.AuditEntry) error {
	if err := sqlcore.CheckText("audit actor and action", a.Actor, a.Action, a.Kind); err != nil {
		return err
	}
	for _, j := range []json.RawMessage{a.Before, a.After} {
		if len(j) > 0 && !json.Valid(j) {
			return fmt.Errorf("%w: audit entry for %s %q: before/after is not JSON", model.ErrInvalid, a.Kind, a.Object)
		}
	}
	return s.db.WithTx(ctx, func(t *sqlcore.Tx) error { return AddAuditTx(t, a) })
}

func (s *Audit) AuditLog(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, error) {
	q := `SELECT id, at, actor, action, kind, object, before_json, after_json FROM audit_log WHERE 1=1`
	var args []any
	for _, c := range []struct{ col, v string }{{"kind", f.Kind}, {"object", f.Object}, {"actor", f.Actor}} {
		if c.v != "" {
			q += ` AND ` + c.col + ` = ?`
			args = append(args, sqlcore.CleanText(c.v))
		}
	}
	if f.Before > 0 {
		q += ` AND id < ?`
		args = append(args, f.Before)
	}
	if f.Limit <= 0 || f.Limit > model.MaxAuditList {
		f.Limit = model.MaxAuditList
	}
	out := []model.AuditEntry{}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
		var (
			a             model.AuditEntry
			at            int64
			before, after string
		)
		if err := r.Scan(&a.ID, &at, &a.Actor, &a.Action, &a.Kind, &a.Object, &before, &after); err != nil {
			return err
		}
		a.At, a.Before, a.After = sqlcore.FromNanos(at), rawOrNil(before), rawOrNil(after)
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

func scanSubscription(r sqlcore.RowScanner) (model.Subscription, error) {
	var (
		sub     model.Subscription
		events  string
		created int64
	)
	if err := r.Scan(&sub.ID, &sub.Name, &sub.URL, &sub.Format, &sub.SecretSealed, &sub.MinSeverity, &events, &sub.Enabled, &sub.Author, &created); err != nil {
		return sub, err
	}
	sub.Created = sqlcore.FromNanos(created)
	if err := json.Unmarshal([]byte(events), &sub.Events); err != nil {
		return sub, fmt.Errorf("subscription %q events: %w", sub.ID, err)
	}
	return sub, nil
}

func (s *Notifications) PutSubscription(ctx context.Context, sub model.Subscription, actor string, now time.Time) (bool, error) {
	if err := sqlcore.CheckText("subscription id, URL and format", sub.ID, sub.URL, sub.Format); err != nil {
		return false, err
	}
	if err := sqlcore.CheckText("actor", actor); err != nil {
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
	err = s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		old, found, err := s.subscriptionTx(t, sub.ID)
		if err != nil {
			return err
		}
		if _, err := t.Exec(`INSERT INTO notify_subscriptions(`+subscriptionCols+`) VALUES(?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(id) DO UPDATE SET name=excluded.name, url=excluded.url, format=excluded.format, secret_enc=excluded.secret_enc,
				min_severity=excluded.min_severity, events=excluded.events, enabled=excluded.enabled, author=excluded.author,
				created_at=excluded.created_at`,
			sub.ID, sqlcore.CleanText(sub.Name), sub.URL, sub.Format, sub.SecretSealed, sqlcore.CleanText(sub.MinSeverity), sqlcore.CleanText(string(events)),
			sub.Enabled, sqlcore.CleanText(sub.Author), sqlcore.Nanos(sub.Created)); err != nil {
			return err
		}
		a := &model.AuditEntry{At: now, Actor: actor, Action: model.AuditCreate, Kind: "subscription", Object: sub.ID, After: after}
		if found {
			a.Action = model.AuditUpdate
			if a.Before, err = json.Marshal(old); err != nil {
				return err
			}
		}
		created = !found
		return AddAuditTx(t, a)
	})
	if err != nil {
		return false, fmt.Errorf("storing subscription %s: %w", sub.ID, err)
	}
	return created, nil
}

func (s *Notifications) subscriptionTx(t *sqlcore.Tx, id string) (model.Subscription, bool, error) {
	sub, err := scanSubscription(t.QueryRow(`SELECT `+subscriptionCols+` FROM notify_subscriptions WHERE id = ?`+s.db.ForUpdate(), sqlcore.CleanText(id)))
	ok, err := sqlcore.NoRows(err)
	return sub, ok, err
}

func (s *Notifications) GetSubscription(ctx context.Context, id string) (model.Subscription, bool, error) {
	sub, err := scanSubscription(s.db.QueryRow(ctx, `SELECT `+subscriptionCols+` FROM notify_subscriptions WHERE id = ?`, sqlcore.CleanText(id)))
	ok, err := sqlcore.NoRows(err)
	if err != nil {
		return sub, false, fmt.Errorf("reading subscription %q: %w", id, err)
	}
	return sub, ok, nil
}

func (s *Notifications) ListSubscriptions(ctx context.Context) ([]model.Subscription, error) {
	out := []model.Subscription{}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
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

func (s *Notifications) DeleteSubscription(ctx context.Context, id, actor string, now time.Time) (bool, error) {
	if err := sqlcore.CheckText("actor", actor); err != nil {
		return false, err
	}
	found := false
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		old, ok, err := s.subscriptionTx(t, id)
		if err != nil || !ok {
			return err
		}
		if _, err := t.Exec(`DELETE FROM notify_outbox WHERE subscription = ? AND state = ?`, id, model.DeliveryPending); err != nil {
			return err
		}
		if _, err := t.Exec(`DELETE FROM notify_subscriptions WHERE id = ?`, id); err != nil {
			return err
		}
		before, err := json.Marshal(old)
		if err != nil {
			return err
		}
		found = true
		return AddAuditTx(t, &model.AuditEntry{At: now, Actor: actor, Action: model.AuditDelete, Kind: "subscription", Object: id, Before: before})
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

func (s *Notifications) Enqueue(ctx context.Context, ds []model.Delivery) (int, error) {
	if len(ds) == 0 {
		return 0, nil
	}
	for i := range ds {
		d := &ds[i]
		if err := sqlcore.CheckText("delivery subscription, event id and kind", d.Subscription, d.EventID, d.Kind); err != nil {
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
			d.State = model.DeliveryPending
		}
	}
	added := 0
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		added = 0
		for _, d := range ds {
			res, err := t.Exec(`INSERT INTO notify_outbox(id, subscription, event_id, kind, body, state, attempts, next_at, created_at)
				VALUES(?,?,?,?,?,?,0,?,?) ON CONFLICT(subscription, event_id) DO NOTHING`,
				d.ID, d.Subscription, d.EventID, d.Kind, d.Body, d.State, sqlcore.Nanos(d.NextAt), sqlcore.Nanos(d.CreatedAt))
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

func scanDelivery(r sqlcore.RowScanner) (model.Delivery, error) {
	var (
		d                    model.Delivery
		next, created, deliv int64
	)
	err := r.Scan(&d.ID, &d.Subscription, &d.EventID, &d.Kind, &d.Body, &d.State, &d.Attempts, &next, &d.LastStatus, &d.LastError, &created, &deliv)
	d.NextAt, d.CreatedAt, d.DeliveredAt = sqlcore.FromNanos(next), sqlcore.FromNanos(created), sqlcore.FromNanos(deliv)
	return d, err
}

func (s *Notifications) ClaimDeliveries(ctx context.Context, holder string, now, leaseUntil time.Time, limit int) ([]model.Delivery, error) {
	if err := sqlcore.CheckText("delivery holder", holder); err != nil {
		return nil, err
	}
	if limit <= 0 {
		return nil, nil
	}
	var out []model.Delivery
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		out = out[:0]
		// The due and lease conditions are repeated on the updated rows:
		// PostgreSQL re-checks them on a row another claimer updated
		// meanwhile, so a row is never leased twice.
		rows, err := t.Query(`UPDATE notify_outbox SET holder = ?, lease_until = ?
			WHERE id IN (SELECT id FROM notify_outbox WHERE state = 'pending' AND next_at <= ? AND lease_until <= ?
				ORDER BY next_at, id LIMIT ?)
			AND state = 'pending' AND next_at <= ? AND lease_until <= ?
			RETURNING `+deliveryCols,
			holder, sqlcore.Nanos(leaseUntil), sqlcore.Nanos(now), sqlcore.Nanos(now), limit, sqlcore.Nanos(now), sqlcore.Nanos(now))
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

func (s *Notifications) FinishDelivery(ctx context.Context, id, holder string, a model.DeliveryAttempt) error {
	switch a.State {
	case model.DeliveryDelivered, model.DeliveryPending, model.DeliveryFailed:
	default:
		return fmt.Errorf("%w: delivery %s: state %q", model.ErrInvalid, id, a.State)
	}
	var delivered int64
	if a.State == model.DeliveryDelivered {
		delivered = sqlcore.Nanos(a.At)
	}
	n, err := s.db.Affected(ctx, `UPDATE notify_outbox SET state = ?, attempts = attempts + 1, next_at = ?, last_status = ?, last_error = ?,
			delivered_at = ?, holder = '', lease_until = 0
		WHERE id = ? AND holder = ? AND state = 'pending'`,
		a.State, sqlcore.Nanos(a.NextAt), a.Status, sqlcore.CleanText(a.Error), delivered, sqlcore.CleanText(id), sqlcore.CleanText(holder))
	if err != nil {
		return fmt.Errorf("recording delivery %s: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("delivery %s: %w", id, model.ErrNotHolder)
	}
	return nil
}

func (s *Notifications) ListDeliveries(ctx context.Context, f model.DeliveryFilter) ([]model.Delivery, error) {
	q := `SELECT ` + deliveryCols + ` FROM notify_outbox WHERE 1=1`
	var args []any
	if f.Subscription != "" {
		q += ` AND subscription = ?`
		args = append(args, sqlcore.CleanText(f.Subscription))
	}
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, sqlcore.CleanText(f.State))
	}
	if f.Limit <= 0 || f.Limit > model.MaxAuditList {
		f.Limit = model.MaxAuditList
	}
	out := []model.Delivery{}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
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

func (s *Notifications) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM notify_outbox WHERE state <> 'pending' AND created_at < ?`, sqlcore.Nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning deliveries: %w", err)
	}
	return n, nil
}

func (s *Exceptions) ImagesWithException(ctx context.Context, ids ...string) ([]model.ImageKey, error) {
	return s.imagesWithException(ctx, model.ImageKey{}, 0, ids)
}

func (s *Exceptions) ImagesWithExceptionAfter(ctx context.Context, after model.ImageKey, limit int, ids ...string) ([]model.ImageKey, error) {
	if limit < 1 {
		return nil, fmt.Errorf("%w: images with exceptions: limit %d, want at least 1", model.ErrInvalid, limit)
	}
	return s.imagesWithException(ctx, after, limit, ids)
}

// imagesWithException lists the images of exceptions ids after 'after'
// (the zero key: from the first), at most limit (0: all).
func (s *Exceptions) imagesWithException(ctx context.Context, after model.ImageKey, limit int, ids []string) ([]model.ImageKey, error) {
	out := []model.ImageKey{}
	if len(ids) == 0 {
		return out, nil
	}
	q := `SELECT DISTINCT registry, repository, digest FROM image_exceptions WHERE exception_id IN ` + sqlcore.In(len(ids))
	args := sqlcore.Anys(ids)
	if after != (model.ImageKey{}) {
		q += ` AND (registry > ? OR (registry = ? AND (repository > ? OR (repository = ? AND digest > ?))))`
		args = append(args, after.Registry, after.Registry, after.Repository, after.Repository, after.Digest)
	}
	q += ` ORDER BY registry, repository, digest`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	err := s.db.EachRow(ctx, func(r sqlcore.RowScanner) error {
		var k model.ImageKey
		if err := r.Scan(&k.Registry, &k.Repository, &k.Digest); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("images with exceptions %v: %w", ids, err)
	}
	return out, nil
}

func (s *Exceptions) ReplaceReport(ctx context.Context, k model.ImageKey, before []byte, rep *report.Report, raw []byte) (bool, error) {
	if err := sqlcore.CheckText("image key", k.Registry, k.Repository, k.Digest); err != nil {
		return false, err
	}
	if rep == nil {
		return false, fmt.Errorf("%w: report of %s/%s@%s: nil", model.ErrInvalid, k.Registry, k.Repository, k.Digest)
	}
	replaced := false
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		var cur []byte
		ok, err := sqlcore.NoRows(t.QueryRow(`SELECT report FROM images WHERE registry=? AND repository=? AND digest=?`+s.db.ForUpdate(),
			k.Registry, k.Repository, k.Digest).Scan(&cur))
		if err != nil || !ok || !bytes.Equal(cur, before) {
			return err
		}
		if _, err := t.Exec(`UPDATE images SET vulnerabilities=?, severities=?, report=? WHERE registry=? AND repository=? AND digest=?`,
			len(rep.Vulnerabilities), resultdb.Severities(rep), raw, k.Registry, k.Repository, k.Digest); err != nil {
			return err
		}
		replaced = true
		return resultdb.ReplaceVulns(t, k, rep)
	})
	if err != nil {
		return false, fmt.Errorf("re-evaluating exceptions of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return replaced, nil
}
