package resultdb

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

func (s *Hosts) PutHost(ctx context.Context, h model.HostSummary, rep *report.Report, raw []byte) error {
	if err := sqlcore.CheckText("host name", h.Name); err != nil {
		return err
	}
	if rep == nil {
		return fmt.Errorf("%w: host %q has no report", model.ErrInvalid, h.Name)
	}
	_, err := s.db.Exec(ctx, `INSERT INTO hosts(name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, report)
		VALUES(?,?,?,?,?,?,?,?,1,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET hostname=excluded.hostname, kernel=excluded.kernel, root=excluded.root, os=excluded.os,
			db_digest=excluded.db_digest, scanned_at=excluded.scanned_at, scanned_by=excluded.scanned_by, scans=hosts.scans+1,
			packages=excluded.packages, vulnerabilities=excluded.vulnerabilities, severities=excluded.severities, report=excluded.report`,
		h.Name, sqlcore.CleanText(h.Hostname), sqlcore.CleanText(h.Kernel), sqlcore.CleanText(h.Root), sqlcore.CleanText(h.OS), sqlcore.CleanText(h.DBDigest), sqlcore.Nanos(h.ScannedAt),
		sqlcore.CleanText(h.ScannedBy), len(rep.Packages), len(rep.Vulnerabilities), Severities(rep), raw)
	if err != nil {
		return fmt.Errorf("storing host %q: %w", h.Name, err)
	}
	return nil
}

func (s *Hosts) ListHosts(ctx context.Context) ([]model.HostSummary, error) {
	rows, err := s.db.Query(ctx, `SELECT name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities
		FROM hosts ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing hosts: %w", err)
	}
	defer rows.Close()
	out := []model.HostSummary{}
	for rows.Next() {
		var (
			h   model.HostSummary
			at  int64
			sev string
		)
		if err := rows.Scan(&h.Name, &h.Hostname, &h.Kernel, &h.Root, &h.OS, &h.DBDigest, &at, &h.ScannedBy, &h.Scans,
			&h.Packages, &h.Vulnerabilities, &sev); err != nil {
			return nil, fmt.Errorf("listing hosts: %w", err)
		}
		h.ScannedAt = sqlcore.FromNanos(at)
		if err := json.Unmarshal([]byte(sev), &h.Severities); err != nil {
			return nil, fmt.Errorf("host %q severities: %w", h.Name, err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *Hosts) HostReport(ctx context.Context, name string) ([]byte, bool, error) {
	var raw []byte
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT report FROM hosts WHERE name = ?`, sqlcore.CleanText(name)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading host %q: %w", name, err)
	}
	return raw, ok, nil
}
