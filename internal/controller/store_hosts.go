package controller

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// submitSchema holds what submitted results add to the state database:
// every tag an image was scanned under (the images table keeps one tag per
// digest, the last), and host scans.
const submitSchema = `
CREATE TABLE IF NOT EXISTS image_tags (
	registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL,
	digest TEXT NOT NULL, updated_at INTEGER NOT NULL,
	PRIMARY KEY (registry, repository, tag));
CREATE TABLE IF NOT EXISTS hosts (
	name TEXT PRIMARY KEY, hostname TEXT NOT NULL, kernel TEXT NOT NULL, root TEXT NOT NULL,
	os TEXT NOT NULL, db_digest TEXT NOT NULL, scanned_at INTEGER NOT NULL, scanned_by TEXT NOT NULL,
	scans INTEGER NOT NULL, packages INTEGER NOT NULL, vulnerabilities INTEGER NOT NULL,
	severities TEXT NOT NULL, report BLOB NOT NULL);
`

// putTag records that registry/repository:tag was scanned as digest. A
// tag moves: the latest submission wins.
func (s *store) putTag(ctx context.Context, registry, repository, tag, digest string, at time.Time) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO image_tags(registry, repository, tag, digest, updated_at) VALUES(?,?,?,?,?)
		ON CONFLICT(registry, repository, tag) DO UPDATE SET digest=excluded.digest, updated_at=excluded.updated_at`,
		registry, repository, tag, digest, at.UnixNano())
	if err != nil {
		return fmt.Errorf("recording tag %s/%s:%s: %w", registry, repository, tag, err)
	}
	return nil
}

// HostSummary is one scanned host in listings.
type HostSummary struct {
	// Name identifies the host in the API: the name it was submitted
	// under (by default its hostname).
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

func (s *store) putHost(ctx context.Context, h HostSummary, rep *report.Report, raw []byte) error {
	sev := map[string]int{}
	for _, v := range rep.Vulnerabilities {
		sev[strings.ToUpper(v.Severity)]++
	}
	sevJSON, _ := json.Marshal(sev)
	_, err := s.db.ExecContext(ctx, `INSERT INTO hosts(name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, report)
		VALUES(?,?,?,?,?,?,?,?,1,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET hostname=excluded.hostname, kernel=excluded.kernel, root=excluded.root, os=excluded.os,
			db_digest=excluded.db_digest, scanned_at=excluded.scanned_at, scanned_by=excluded.scanned_by, scans=scans+1,
			packages=excluded.packages, vulnerabilities=excluded.vulnerabilities, severities=excluded.severities, report=excluded.report`,
		h.Name, h.Hostname, h.Kernel, h.Root, h.OS, h.DBDigest, h.ScannedAt.UnixNano(), h.ScannedBy,
		len(rep.Packages), len(rep.Vulnerabilities), string(sevJSON), raw)
	if err != nil {
		return fmt.Errorf("storing host %q: %w", h.Name, err)
	}
	return nil
}

func (s *store) listHosts(ctx context.Context) ([]HostSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, hostname, kernel, root, os, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities FROM hosts ORDER BY name`)
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
		if err := rows.Scan(&h.Name, &h.Hostname, &h.Kernel, &h.Root, &h.OS, &h.DBDigest, &at, &h.ScannedBy, &h.Scans, &h.Packages, &h.Vulnerabilities, &sev); err != nil {
			return nil, fmt.Errorf("listing hosts: %w", err)
		}
		h.ScannedAt = time.Unix(0, at).UTC()
		if err := json.Unmarshal([]byte(sev), &h.Severities); err != nil {
			return nil, fmt.Errorf("listing hosts: %w", err)
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

func (s *store) hostReport(ctx context.Context, name string) ([]byte, bool, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT report FROM hosts WHERE name = ?`, name).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading host %q: %w", name, err)
	}
	return raw, true, nil
}

// storedImage is the result an admission lookup found.
type storedImage struct {
	digest    string
	scannedAt time.Time
	report    []byte
}

// findImage returns the newest stored result for repository in any of
// registries (names and hosts the image's registry goes by): by digest
// when one is given, else through the tag, resolved by the submitted tags
// (image_tags) and by the tag each crawled result was scanned under.
func (s *store) findImage(ctx context.Context, registries []string, repository, tag, digest string) (storedImage, bool, error) {
	var im storedImage
	if len(registries) == 0 {
		return im, false, nil
	}
	byDigest := digest != ""
	in := "(?" + strings.Repeat(",?", len(registries)-1) + ")"
	regArgs := make([]any, len(registries))
	for i, r := range registries {
		regArgs[i] = r
	}
	if digest == "" {
		args := append(append(append([]any{}, regArgs...), repository, tag), append(regArgs, repository, tag)...)
		err := s.db.QueryRowContext(ctx, `SELECT digest, at FROM (
				SELECT digest, updated_at AS at FROM image_tags WHERE registry IN `+in+` AND repository = ? AND tag = ?
				UNION ALL
				SELECT digest, scanned_at AS at FROM images WHERE registry IN `+in+` AND repository = ? AND tag = ?)
			ORDER BY at DESC LIMIT 1`, args...).Scan(&digest, new(int64))
		if errors.Is(err, sql.ErrNoRows) {
			return im, false, nil
		}
		if err != nil {
			return im, false, fmt.Errorf("resolving %s:%s: %w", repository, tag, err)
		}
	}
	var at int64
	args := append(append([]any{}, regArgs...), repository, digest)
	err := s.db.QueryRowContext(ctx, `SELECT digest, scanned_at, report FROM images WHERE registry IN `+in+` AND repository = ? AND digest = ?
		ORDER BY scanned_at DESC LIMIT 1`, args...).Scan(&im.digest, &at, &im.report)
	if errors.Is(err, sql.ErrNoRows) && byDigest {
		// A digest names content, wherever it was scanned: the same
		// image pushed to another repository has the same findings.
		err = s.db.QueryRowContext(ctx, `SELECT digest, scanned_at, report FROM images WHERE digest = ? ORDER BY scanned_at DESC LIMIT 1`,
			digest).Scan(&im.digest, &at, &im.report)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return im, false, nil
	}
	if err != nil {
		return im, false, fmt.Errorf("reading result of %s@%s: %w", repository, digest, err)
	}
	im.scannedAt = time.Unix(0, at).UTC()
	return im, true, nil
}
