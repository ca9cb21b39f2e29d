package triagedb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// The admission rules, settings and decision log.

func (s *Admission) AdmissionSettings(ctx context.Context) (admission.Settings, error) {
	var st admission.Settings
	if _, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT mode, no_result FROM admission_settings WHERE id = 1`).Scan(&st.Mode, &st.NoResult)); err != nil {
		return st, fmt.Errorf("reading admission settings: %w", err)
	}
	// Defaults fill what was never set; a stored value was validated.
	if err := st.Normalize(); err != nil {
		return st, fmt.Errorf("stored admission settings: %w", err)
	}
	return st, nil
}

func (s *Admission) PutAdmissionSettings(ctx context.Context, st admission.Settings) error {
	if _, err := s.db.Exec(ctx, `INSERT INTO admission_settings(id, mode, no_result) VALUES(1,?,?)
		ON CONFLICT(id) DO UPDATE SET mode=excluded.mode, no_result=excluded.no_result`, sqlcore.CleanText(string(st.Mode)), sqlcore.CleanText(string(st.NoResult))); err != nil {
		return fmt.Errorf("storing admission settings: %w", err)
	}
	return nil
}

func (s *Admission) AdmissionRules(ctx context.Context) ([]admission.Rule, error) {
	rows, err := s.db.Query(ctx, `SELECT name, rule FROM admission_rules ORDER BY position, name`)
	if err != nil {
		return nil, fmt.Errorf("listing admission rules: %w", err)
	}
	defer rows.Close()
	out := []admission.Rule{}
	for rows.Next() {
		var (
			name, raw string
			r         admission.Rule
		)
		if err := rows.Scan(&name, &raw); err != nil {
			return nil, fmt.Errorf("listing admission rules: %w", err)
		}
		if err := json.Unmarshal([]byte(raw), &r); err != nil {
			return nil, fmt.Errorf("admission rule %q: %w", name, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Admission) PutAdmissionRule(ctx context.Context, r admission.Rule) (bool, error) {
	if err := sqlcore.CheckText("admission rule name", r.Name); err != nil {
		return false, err
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	created := false
	err = s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		res, err := t.Exec(`UPDATE admission_rules SET rule = ? WHERE name = ?`, string(raw), r.Name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Two replicas adding the same new rule at once: the second
		// replaces the first's text and keeps its place.
		_, err = t.Exec(`INSERT INTO admission_rules(name, position, rule)
			VALUES(?, (SELECT coalesce(max(position), 0) + 1 FROM admission_rules), ?)
			ON CONFLICT(name) DO UPDATE SET rule = excluded.rule`, r.Name, string(raw))
		created = err == nil
		return err
	})
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	return created, nil
}

func (s *Admission) DeleteAdmissionRule(ctx context.Context, name string) (bool, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM admission_rules WHERE name = ?`, sqlcore.CleanText(name))
	if err != nil {
		return false, fmt.Errorf("deleting admission rule %q: %w", name, err)
	}
	return n > 0, nil
}

func (s *Admission) AddDecision(ctx context.Context, d *model.Decision) error {
	images, err := json.Marshal(d.Images)
	if err != nil {
		return fmt.Errorf("recording admission decision %s: %w", d.UID, err)
	}
	err = s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		if err := t.QueryRow(`INSERT INTO admission_decisions(at, uid, kind, namespace, name, operation, "user", dry_run, allowed, result, mode, message, images)
			VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`, sqlcore.Nanos(d.At), sqlcore.CleanText(d.UID), sqlcore.CleanText(d.Kind), sqlcore.CleanText(d.Namespace),
			sqlcore.CleanText(d.Name), sqlcore.CleanText(d.Operation), sqlcore.CleanText(d.User), d.DryRun, d.Allowed, sqlcore.CleanText(d.Result), sqlcore.CleanText(string(d.Mode)),
			sqlcore.CleanText(d.Message), sqlcore.CleanText(string(images))).Scan(&d.ID); err != nil {
			return err
		}
		if d.ID > model.MaxDecisions {
			if _, err := t.Exec(`DELETE FROM admission_decisions WHERE id <= ?`, d.ID-model.MaxDecisions); err != nil {
				return fmt.Errorf("trimming: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("recording admission decision %s: %w", d.UID, err)
	}
	return nil
}

func (s *Admission) Decisions(ctx context.Context, f model.DecisionFilter) ([]model.Decision, error) {
	q := `SELECT id, at, uid, kind, namespace, name, operation, "user", dry_run, allowed, result, mode, message, images FROM admission_decisions WHERE 1=1`
	var args []any
	if f.Result != "" {
		q += ` AND result = ?`
		args = append(args, sqlcore.CleanText(f.Result))
	}
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, sqlcore.CleanText(f.Namespace))
	}
	if f.Limit <= 0 {
		f.Limit = model.MaxDecisions
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, fmt.Errorf("listing admission decisions: %w", err)
	}
	defer rows.Close()
	out := []model.Decision{}
	for rows.Next() {
		var (
			d      model.Decision
			at     int64
			images string
		)
		if err := rows.Scan(&d.ID, &at, &d.UID, &d.Kind, &d.Namespace, &d.Name, &d.Operation, &d.User, &d.DryRun, &d.Allowed,
			&d.Result, &d.Mode, &d.Message, &images); err != nil {
			return nil, fmt.Errorf("listing admission decisions: %w", err)
		}
		d.At = sqlcore.FromNanos(at)
		if err := json.Unmarshal([]byte(images), &d.Images); err != nil {
			return nil, fmt.Errorf("admission decision %d: %w", d.ID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
