package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// oldStateSchema is the controller's state.db before the store package, as
// created by a controller from before the rescan_after_db_update column.
const oldStateSchema = `
CREATE TABLE tokens (hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE registries (
	name TEXT PRIMARY KEY, url TEXT NOT NULL, username TEXT NOT NULL DEFAULT '',
	password_enc BLOB, token_enc BLOB,
	insecure INTEGER NOT NULL DEFAULT 0, ca_cert_file TEXT NOT NULL DEFAULT '',
	filters TEXT NOT NULL DEFAULT '[]', max_repositories INTEGER NOT NULL DEFAULT 0,
	max_tags INTEGER NOT NULL DEFAULT 0, interval_ns INTEGER NOT NULL DEFAULT 0,
	last_crawl INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');
CREATE TABLE admission_decisions (
	id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, uid TEXT NOT NULL,
	kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, operation TEXT NOT NULL,
	user TEXT NOT NULL, dry_run INTEGER NOT NULL, allowed INTEGER NOT NULL, result TEXT NOT NULL,
	mode TEXT NOT NULL, message TEXT NOT NULL, images TEXT NOT NULL);
INSERT INTO tokens VALUES ('h', 'admin', 1);
INSERT INTO registries (name, url, insecure, filters, interval_ns, last_crawl) VALUES ('hub', 'https://hub', 1, '["a/*"]', 60000000000, 5);
INSERT INTO admission_decisions (at, uid, kind, namespace, name, operation, user, dry_run, allowed, result, mode, message, images)
	VALUES (7, 'u1', 'Pod', 'ns', 'p', 'CREATE', 'bob', 0, 1, 'allowed', 'monitor', '', '[]');
`

// TestSQLiteAdoptsStateDB opens a state.db written by an older controller:
// its data is kept and the missing column and tables are added.
func TestSQLiteAdoptsStateDB(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(oldStateSchema); err != nil {
		t.Fatal(err)
	}
	s, err := OpenSQLite(ctx, path)
	if err != nil {
		t.Fatalf("opening an old state.db: %v", err)
	}
	defer s.Close()
	if role, ok, err := s.TokenRole(ctx, "h"); err != nil || !ok || role != RoleAdmin {
		t.Errorf("old token: %q, %v, %v", role, ok, err)
	}
	// It got a name and an id from its hash (a one-letter hash here).
	if tk, ok, err := s.TokenByHash(ctx, "h"); err != nil || !ok || tk.Name != "admin-h" || tk.ID != "tok-h" || tk.CreatedBy != BootstrapCreator {
		t.Errorf("old token: %+v, %v, %v", tk, ok, err)
	}
	r, ok, err := s.GetRegistry(ctx, "hub")
	if err != nil || !ok || !r.Insecure || r.RescanAfterDBUpdate || r.Interval.Seconds() != 60 || r.Filters[0] != "a/*" {
		t.Errorf("old registry: %+v, %v, %v", r, ok, err)
	}
	ds, err := s.Decisions(ctx, DecisionFilter{})
	if err != nil || len(ds) != 1 || ds[0].User != "bob" || !ds[0].Allowed {
		t.Errorf("old decisions: %+v, %v", ds, err)
	}
	if _, _, err := s.ClaimLayer(ctx, "k", "s", "s/x", r.LastCrawl, r.LastCrawl.Add(1)); err != nil {
		t.Errorf("new table on an adopted database: %v", err)
	}
}

func TestSQLiteOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, path := range []string{"", "a?b", filepath.Join(t.TempDir(), "missing", "state.db")} {
		if s, err := OpenSQLite(ctx, path); err == nil {
			s.Close()
			t.Errorf("OpenSQLite(%q) succeeded", path)
		}
	}
}

func TestPostgresOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2", // nobody listens on port 1
		"this is not a dsn=",
	} {
		if s, err := OpenPostgres(ctx, dsn); err == nil {
			s.Close()
			t.Errorf("OpenPostgres(%q) succeeded", dsn)
		}
	}
}
