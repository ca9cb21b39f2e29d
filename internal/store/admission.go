package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Hosts, and the admission rules, settings and decision log.

func (s *db) PutHost(ctx context.Context, h HostSummary, rep *report.Report, raw []byte) error {
	if err := checkText("host name", h.Name); err != nil {
		return err
	}
	if rep == nil {
		return fmt.Errorf("%w: host %q has no report", ErrInvalid, h.Name)
	}
	_, err := s.exec(ctx, `INSERT INTO hosts(name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, report)
		VALUES(?,?,?,?,?,?,?,?,1,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET hostname=excluded.hostname, kernel=excluded.kernel, root=excluded.root, os=excluded.os,
			db_digest=excluded.db_digest, scanned_at=excluded.scanned_at, scanned_by=excluded.scanned_by, scans=hosts.scans+1,
			packages=excluded.packages, vulnerabilities=excluded.vulnerabilities, severities=excluded.severities, report=excluded.report`,
		h.Name, cleanText(h.Hostname), cleanText(h.Kernel), cleanText(h.Root), cleanText(h.OS), cleanText(h.DBDigest), nanos(h.ScannedAt),
		cleanText(h.ScannedBy), len(rep.Packages), len(rep.Vulnerabilities), severities(rep), raw)
	if err != nil {
		return fmt.Errorf("storing host %q: %w", h.Name, err)
	}
	return nil
}

func (s *db) ListHosts(ctx context.Context) ([]HostSummary, error) {
	rows, err := s.query(ctx, `SELECT name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities
		FROM hosts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing hosts: %w", err)
	}
	defer rows.Close()
	out := []HostSummary{}
	for rows.Next() {
		var (
			h   HostSummary
			at  int64
			sev string
		)
		if err := rows.Scan(&h.Name, &h.Hostname, &h.Kernel, &h.Root, &h.OS, &h.DBDigest, &at, &h.ScannedBy, &h.Scans,
			&h.Packages, &h.Vulnerabilities, &sev); err != nil {
			return nil, fmt.Errorf("listing hosts: %w", err)
		}
		h.ScannedAt = fromNanos(at)
		if err := json.Unmarshal([]byte(sev), &h.Severities); err != nil {
			return nil, fmt.Errorf("host %q severities: %w", h.Name, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *db) HostReport(ctx context.Context, name string) ([]byte, bool, error) {
	var raw []byte
	ok, err := noRows(s.queryRow(ctx, `SELECT report FROM hosts WHERE name = ?`, cleanText(name)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading host %q: %w", name, err)
	}
	return raw, ok, nil
}

func (s *db) AdmissionSettings(ctx context.Context) (admission.Settings, error) {
	var st admission.Settings
	if _, err := noRows(s.queryRow(ctx, `SELECT mode, no_result FROM admission_settings WHERE id = 1`).Scan(&st.Mode, &st.NoResult)); err != nil {
		return st, fmt.Errorf("reading admission settings: %w", err)
	}
	// Defaults fill what was never set; a stored value was validated.
	if err := st.Normalize(); err != nil {
		return st, fmt.Errorf("stored admission settings: %w", err)
	}
	return st, nil
}

func (s *db) PutAdmissionSettings(ctx context.Context, st admission.Settings) error {
	if _, err := s.exec(ctx, `INSERT INTO admission_settings(id, mode, no_result) VALUES(1,?,?)
		ON CONFLICT(id) DO UPDATE SET mode=excluded.mode, no_result=excluded.no_result`, cleanText(string(st.Mode)), cleanText(string(st.NoResult))); err != nil {
		return fmt.Errorf("storing admission settings: %w", err)
	}
	return nil
}

func (s *db) AdmissionRules(ctx context.Context) ([]admission.Rule, error) {
	rows, err := s.query(ctx, `SELECT name, rule FROM admission_rules ORDER BY position, name`)
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

func (s *db) PutAdmissionRule(ctx context.Context, r admission.Rule) (bool, error) {
	if err := checkText("admission rule name", r.Name); err != nil {
		return false, err
	}
	raw, err := json.Marshal(r)
	if err != nil {
		return false, fmt.Errorf("storing admission rule %q: %w", r.Name, err)
	}
	created := false
	err = s.withTx(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE admission_rules SET rule = ? WHERE name = ?`, string(raw), r.Name)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		// Two replicas adding the same new rule at once: the second
		// replaces the first's text and keeps its place.
		_, err = t.exec(`INSERT INTO admission_rules(name, position, rule)
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

func (s *db) DeleteAdmissionRule(ctx context.Context, name string) (bool, error) {
	n, err := s.affected(ctx, `DELETE FROM admission_rules WHERE name = ?`, cleanText(name))
	if err != nil {
		return false, fmt.Errorf("deleting admission rule %q: %w", name, err)
	}
	return n > 0, nil
}

func (s *db) AddDecision(ctx context.Context, d *Decision) error {
	images, err := json.Marshal(d.Images)
	if err != nil {
		return fmt.Errorf("recording admission decision %s: %w", d.UID, err)
	}
	err = s.withTx(ctx, func(t *tx) error {
		if err := t.queryRow(`INSERT INTO admission_decisions(at, uid, kind, namespace, name, operation, "user", dry_run, allowed, result, mode, message, images)
			VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id`, nanos(d.At), cleanText(d.UID), cleanText(d.Kind), cleanText(d.Namespace),
			cleanText(d.Name), cleanText(d.Operation), cleanText(d.User), d.DryRun, d.Allowed, cleanText(d.Result), cleanText(string(d.Mode)),
			cleanText(d.Message), cleanText(string(images))).Scan(&d.ID); err != nil {
			return err
		}
		if d.ID > MaxDecisions {
			if _, err := t.exec(`DELETE FROM admission_decisions WHERE id <= ?`, d.ID-MaxDecisions); err != nil {
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

func (s *db) Decisions(ctx context.Context, f DecisionFilter) ([]Decision, error) {
	q := `SELECT id, at, uid, kind, namespace, name, operation, "user", dry_run, allowed, result, mode, message, images FROM admission_decisions WHERE 1=1`
	var args []any
	if f.Result != "" {
		q += ` AND result = ?`
		args = append(args, cleanText(f.Result))
	}
	if f.Namespace != "" {
		q += ` AND namespace = ?`
		args = append(args, cleanText(f.Namespace))
	}
	if f.Limit <= 0 {
		f.Limit = MaxDecisions
	}
	rows, err := s.query(ctx, q+` ORDER BY id DESC LIMIT ?`, append(args, f.Limit)...)
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
		d.At = fromNanos(at)
		if err := json.Unmarshal([]byte(images), &d.Images); err != nil {
			return nil, fmt.Errorf("admission decision %d: %w", d.ID, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
