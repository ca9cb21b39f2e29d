package controller

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// settingsSchema holds settings changed through the API that must outlive
// a restart, as JSON values by name.
const settingsSchema = `
CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL);
`

func (s *store) setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM settings WHERE name = ?`, name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("reading setting %s: %w", name, err)
	}
	return v, true, nil
}

func (s *store) putSetting(ctx context.Context, name, value string) error {
	if _, err := s.db.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, value); err != nil {
		return fmt.Errorf("storing setting %s: %w", name, err)
	}
	return nil
}

func (s *store) deleteSetting(ctx context.Context, name string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM settings WHERE name = ?`, name); err != nil {
		return fmt.Errorf("deleting setting %s: %w", name, err)
	}
	return nil
}
