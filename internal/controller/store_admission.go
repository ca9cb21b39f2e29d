package controller

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission"
)

// admissionSchema holds the admission rules (in evaluation order), the
// global settings and the decision log.
const admissionSchema = `
CREATE TABLE IF NOT EXISTS admission_rules (
	name TEXT PRIMARY KEY, position INTEGER NOT NULL, rule TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS admission_settings (
	id INTEGER PRIMARY KEY CHECK (id = 1), mode TEXT NOT NULL, no_result TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS admission_decisions (
	id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, uid TEXT NOT NULL,
	kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, operation TEXT NOT NULL,
	user TEXT NOT NULL, dry_run INTEGER NOT NULL, allowed INTEGER NOT NULL, result TEXT NOT NULL,
	mode TEXT NOT NULL, message TEXT NOT NULL, images TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS admission_decisions_result ON admission_decisions(result);
`

// maxDecisions is how many decisions the log keeps; older ones are
// dropped as new ones arrive (the metrics keep counting).
const maxDecisions = 10000

func (s *store) admissionSettings(ctx context.Context) (admission.Settings, error) {
	var st admission.Settings
	err := s.db.QueryRowContext(ctx, `SELECT mode, no_result FROM admission_settings WHERE id = 1`).Scan(&st.Mode, &st.NoResult)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("reading admission settings: %w", err)
	}
	// Defaults fill what was never set; a stored value was validated.
	if err := st.Normalize(); err != nil {
		return st, fmt.Errorf("stored admission settings: %w", err)
	}
	return st, nil
}

func (s *store) putAdmissionSettings(ctx context.Context, st admission.Settings) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO admission_settings(id, mode, no_result) VALUES(1,?,?)
		ON CONFLICT(id) DO UPDATE SET mode=excluded.mode, no_result=excluded.no_result`, string(st.Mode), string(st.NoResult))
	if err != nil {
		return fmt.Errorf("storing admission settings: %w", err)
	}
	return nil
}

func (s *store) admissionRules(ctx context.Context) ([]admission.Rule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, rule FROM admission_rules ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("listing admission rules: %w", err)
	}
	defer rows.Close()
	out := []admission.Rule{}
	for rows.Next() {
		var (
			name string
			raw  []byte
			r    admission.Rule
		)
		if err := rows.Scan(&name, &raw); err != nil {
			return nil, fmt.Errorf("listing admission rules: %w", err)
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			return nil, fmt.Errorf("admission rule %q: %w", name, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// putAdmissionRule creates or replaces a rule; a new rule goes last, a
// replaced one keeps its place. It reports whether the rule is new.
func (s *store) putAdmissionRule(ctx context.Context, r admission.Rule) (bool, error) {
	raw, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE admission_rules SET rule = ? WHERE name = ?`, raw, r.Name)
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return false, nil
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO admission_rules(name, position, rule)
		VALUES(?, (SELECT coalesce(max(position), 0) + 1 FROM admission_rules), ?)`, r.Name, raw)
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	return true, nil
}

func (s *store) deleteAdmissionRule(ctx context.Context, name string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM admission_rules WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("deleting admission rule %q: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// Decision is one admission review answered, as the decision log keeps it.
type Decision struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	UID       string    `json:"uid"`
	Kind      string    `json:"kind"`
	Namespace string    `json:"namespace"`
	Name      string    `json:"name"`
	Operation string    `json:"operation"`
	User      string    `json:"user"`
	DryRun    bool      `json:"dry_run,omitempty"`
	Allowed   bool      `json:"allowed"`
	// Result is "allowed", "denied", or "would_deny": allowed only because
	// the deciding deny rule (or the no-result action) was in monitor mode.
	Result string         `json:"result"`
	Mode   admission.Mode `json:"mode"`
	// Message is what the API server was told (the refusal), or the
	// warnings given in monitor mode.
	Message string          `json:"message,omitempty"`
	Images  []ImageDecision `json:"images"`
}

// ImageDecision is the verdict on one container's image.
type ImageDecision struct {
	Container     string `json:"container"`
	ContainerKind string `json:"container_kind"`
	Image         string `json:"image"`
	// Resolved is the normalised reference the lookup used.
	Resolved string `json:"resolved,omitempty"`
	// Digest is the digest of the result used; empty when not scanned.
	Digest    string            `json:"digest,omitempty"`
	Scanned   bool              `json:"scanned"`
	ScannedAt *time.Time        `json:"scanned_at,omitempty"`
	Verdict   admission.Verdict `json:"verdict"`
}

func (s *store) addDecision(ctx context.Context, d *Decision) error {
	images, err := json.Marshal(d.Images)
	if err != nil {
		return fmt.Errorf("recording admission decision: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `INSERT INTO admission_decisions(at, uid, kind, namespace, name, operation, user, dry_run, allowed, result, mode, message, images)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)`, d.At.UnixNano(), d.UID, d.Kind, d.Namespace, d.Name, d.Operation, d.User, d.DryRun, d.Allowed,
		d.Result, string(d.Mode), d.Message, string(images))
	if err != nil {
		return fmt.Errorf("recording admission decision: %w", err)
	}
	d.ID, _ = res.LastInsertId()
	if d.ID > maxDecisions {
		if _, err := s.db.ExecContext(ctx, `DELETE FROM admission_decisions WHERE id <= ?`, d.ID-maxDecisions); err != nil {
			return fmt.Errorf("trimming admission decisions: %w", err)
		}
	}
	return nil
}

// DecisionFilter selects decisions; zero fields match everything.
type DecisionFilter struct {
	Result, Namespace string
	Limit             int
}

// decisions lists the newest decisions first.
func (s *store) decisions(ctx context.Context, f DecisionFilter) ([]Decision, error) {
	q := `SELECT id, at, uid, kind, namespace, name, operation, user, dry_run, allowed, result, mode, message, images FROM admission_decisions WHERE 1=1`
	var args []any
	if f.Result != "" {
		q += ` AND result = ?`
		args = append(args, f.Result)
	}
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, f.Namespace)
	}
	q += ` ORDER BY id DESC LIMIT ?`
	args = append(args, f.Limit)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing admission decisions: %w", err)
	}
	defer rows.Close()
	out := []Decision{}
	for rows.Next() {
		var (
			d      Decision
			at     int64
			images string
		)
		if err := rows.Scan(&d.ID, &at, &d.UID, &d.Kind, &d.Namespace, &d.Name, &d.Operation, &d.User, &d.DryRun, &d.Allowed,
			&d.Result, &d.Mode, &d.Message, &images); err != nil {
			return nil, fmt.Errorf("listing admission decisions: %w", err)
		}
		d.At = time.Unix(0, at).UTC()
		if err := json.Unmarshal([]byte(images), &d.Images); err != nil {
			return nil, fmt.Errorf("admission decision %d: %w", d.ID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
