package sqlcore

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// migration takes the schema from one version to the next. Its statements
// are written once for both back ends: {blob} and {serial} are replaced per
// dialect, and every time is Unix nanoseconds in a BIGINT (0 = unset).
type migration struct {
	stmts []string
	// sqlite runs after stmts on SQLite only (adopting older files).
	sqlite func(t *Tx) error
	// postgres runs after stmts on PostgreSQL only.
	postgres []string
}

// migrations[v] takes the schema from version v to v+1. Never edit a
// released entry: append one.
var migrations = []migration{
	{ // 1: the controller's state.db as of issue #16, plus the shared state
		// that lived in memory (claims, crawls) and task-result records.
		// IF NOT EXISTS adopts an existing state.db.
		stmts: []string{
			`CREATE TABLE IF NOT EXISTS tokens (
				hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS registries (
				name TEXT PRIMARY KEY, url TEXT NOT NULL, username TEXT NOT NULL DEFAULT '',
				password_enc {blob}, token_enc {blob},
				insecure BOOLEAN NOT NULL DEFAULT FALSE, ca_cert_file TEXT NOT NULL DEFAULT '',
				filters TEXT NOT NULL DEFAULT '[]', max_repositories BIGINT NOT NULL DEFAULT 0,
				max_tags BIGINT NOT NULL DEFAULT 0, interval_ns BIGINT NOT NULL DEFAULT 0,
				last_crawl BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
				rescan_after_db_update BOOLEAN NOT NULL DEFAULT FALSE)`,
			`CREATE TABLE IF NOT EXISTS scanners (
				id TEXT PRIMARY KEY, name TEXT NOT NULL, concurrency BIGINT NOT NULL,
				db_digest TEXT NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL,
				registered_at BIGINT NOT NULL, last_seen BIGINT NOT NULL,
				done BIGINT NOT NULL DEFAULT 0, failed BIGINT NOT NULL DEFAULT 0)`,
			`CREATE TABLE IF NOT EXISTS images (
				registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
				tag TEXT NOT NULL, reference TEXT NOT NULL, db_digest TEXT NOT NULL,
				scanned_at BIGINT NOT NULL, scanned_by TEXT NOT NULL, scans BIGINT NOT NULL,
				packages BIGINT NOT NULL, vulnerabilities BIGINT NOT NULL,
				severities TEXT NOT NULL, report {blob} NOT NULL,
				PRIMARY KEY (registry, repository, digest))`,
			`CREATE INDEX IF NOT EXISTS images_digest ON images(digest)`,
			`CREATE TABLE IF NOT EXISTS image_vulns (
				registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
				vuln_id TEXT NOT NULL, severity TEXT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS image_vulns_id ON image_vulns(vuln_id)`,
			`CREATE INDEX IF NOT EXISTS image_vulns_image ON image_vulns(registry, repository, digest)`,
			`CREATE TABLE IF NOT EXISTS image_changes (
				registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
				db_before TEXT NOT NULL, db_after TEXT NOT NULL, changed_at BIGINT NOT NULL,
				new_ids TEXT NOT NULL, fixed_ids TEXT NOT NULL,
				PRIMARY KEY (registry, repository, digest))`,
			`CREATE INDEX IF NOT EXISTS image_changes_digest ON image_changes(digest)`,
			`CREATE TABLE IF NOT EXISTS image_tags (
				registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL,
				digest TEXT NOT NULL, updated_at BIGINT NOT NULL,
				PRIMARY KEY (registry, repository, tag))`,
			`CREATE TABLE IF NOT EXISTS console_digests (
				registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
				fingerprint TEXT NOT NULL, data TEXT NOT NULL,
				PRIMARY KEY (registry, repository, digest))`,
			`CREATE TABLE IF NOT EXISTS layers (
				key TEXT PRIMARY KEY, analysis {blob} NOT NULL, stored_at BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS hosts (
				name TEXT PRIMARY KEY, hostname TEXT NOT NULL, kernel TEXT NOT NULL, root TEXT NOT NULL,
				os TEXT NOT NULL, db_digest TEXT NOT NULL, scanned_at BIGINT NOT NULL, scanned_by TEXT NOT NULL,
				scans BIGINT NOT NULL, packages BIGINT NOT NULL, vulnerabilities BIGINT NOT NULL,
				severities TEXT NOT NULL, report {blob} NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS admission_rules (
				name TEXT PRIMARY KEY, position BIGINT NOT NULL, rule TEXT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS admission_settings (
				id INTEGER PRIMARY KEY CHECK (id = 1), mode TEXT NOT NULL, no_result TEXT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS admission_decisions (
				id {serial}, at BIGINT NOT NULL, uid TEXT NOT NULL,
				kind TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, operation TEXT NOT NULL,
				"user" TEXT NOT NULL, dry_run BOOLEAN NOT NULL, allowed BOOLEAN NOT NULL, result TEXT NOT NULL,
				mode TEXT NOT NULL, message TEXT NOT NULL, images TEXT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS admission_decisions_result ON admission_decisions(result)`,
			`CREATE TABLE IF NOT EXISTS settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
			// New shared state.
			`CREATE TABLE IF NOT EXISTS task_results (
				task_id TEXT PRIMARY KEY, registry TEXT NOT NULL, repository TEXT NOT NULL,
				digest TEXT NOT NULL, scanner TEXT NOT NULL, stored_at BIGINT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS task_results_stored ON task_results(stored_at)`,
			`CREATE TABLE IF NOT EXISTS layer_claims (
				key TEXT PRIMARY KEY, holder TEXT NOT NULL, scanner TEXT NOT NULL, expires BIGINT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS layer_claims_scanner ON layer_claims(scanner)`,
			`CREATE TABLE IF NOT EXISTS crawls (
				id TEXT PRIMARY KEY, registry TEXT NOT NULL, priority BIGINT NOT NULL, reason TEXT NOT NULL,
				state TEXT NOT NULL CHECK (state IN ('requested', 'running', 'done', 'failed')),
				requested_at BIGINT NOT NULL, started_by TEXT NOT NULL DEFAULT '', started_at BIGINT NOT NULL DEFAULT 0,
				heartbeat_at BIGINT NOT NULL DEFAULT 0, attempts BIGINT NOT NULL DEFAULT 0,
				repositories BIGINT NOT NULL DEFAULT 0, images BIGINT NOT NULL DEFAULT 0,
				enqueued BIGINT NOT NULL DEFAULT 0, errors BIGINT NOT NULL DEFAULT 0,
				cursor TEXT NOT NULL DEFAULT '', finished_at BIGINT NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')`,
			// Per registry at most one pending request (a second joins it)
			// and one running crawl.
			`CREATE UNIQUE INDEX IF NOT EXISTS crawls_pending ON crawls(registry) WHERE state = 'requested'`,
			`CREATE UNIQUE INDEX IF NOT EXISTS crawls_running ON crawls(registry) WHERE state = 'running'`,
			`CREATE INDEX IF NOT EXISTS crawls_registry ON crawls(registry, requested_at)`,
		},
		sqlite: addColumnIfMissing("registries", "rescan_after_db_update", `BOOLEAN NOT NULL DEFAULT FALSE`),
	},
	{ // 2: what the last database change did beyond new and fixed IDs
		// (issue 17): findings that entered KEV, and whether only
		// enrichment changed. A state.db of a controller from before the
		// store may have them already.
		sqlite: func(t *Tx) error {
			if err := addColumnIfMissing("image_changes", "entered_kev", `TEXT NOT NULL DEFAULT '[]'`)(t); err != nil {
				return err
			}
			return addColumnIfMissing("image_changes", "reranked", `BOOLEAN NOT NULL DEFAULT FALSE`)(t)
		},
		postgres: []string{
			`ALTER TABLE image_changes ADD COLUMN IF NOT EXISTS entered_kev TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE image_changes ADD COLUMN IF NOT EXISTS reranked BOOLEAN NOT NULL DEFAULT FALSE`,
		},
	},
	{ // registry kinds (issue #23): how a registry is listed and
		// authenticated, its push webhook's secret and its fleet-wide
		// politeness limits; and images and tags a crawl no longer found
		// (kept for history, gone_at = when first missed, 0 = present).
		stmts: []string{
			`ALTER TABLE registries ADD COLUMN kind TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE registries ADD COLUMN namespace TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE registries ADD COLUMN api_url TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE registries ADD COLUMN api_token_enc {blob}`,
			`ALTER TABLE registries ADD COLUMN repositories TEXT NOT NULL DEFAULT '[]'`,
			`ALTER TABLE registries ADD COLUMN webhook_secret_enc {blob}`,
			`ALTER TABLE registries ADD COLUMN max_pulls BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE registries ADD COLUMN requests_per_second DOUBLE PRECISION NOT NULL DEFAULT 0`,
			`ALTER TABLE images ADD COLUMN gone_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE image_tags ADD COLUMN gone_at BIGINT NOT NULL DEFAULT 0`,
		},
	},
	{ // triage (issue #20): fleet exceptions (the whole exception as JSON,
		// key columns beside it), the audit log of changes, notification
		// subscriptions (HMAC secret sealed) and the durable outbox of
		// webhook deliveries, one per (subscription, event id).
		stmts: []string{
			`CREATE TABLE IF NOT EXISTS exceptions (
				id TEXT PRIMARY KEY, vulnerability TEXT NOT NULL, author TEXT NOT NULL,
				created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, data TEXT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS audit_log (
				id {serial}, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
				kind TEXT NOT NULL, object TEXT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL)`,
			`CREATE INDEX IF NOT EXISTS audit_log_object ON audit_log(kind, object)`,
			`CREATE TABLE IF NOT EXISTS notify_subscriptions (
				id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT NOT NULL, format TEXT NOT NULL,
				secret_enc {blob}, min_severity TEXT NOT NULL, events TEXT NOT NULL, enabled BOOLEAN NOT NULL,
				author TEXT NOT NULL, created_at BIGINT NOT NULL)`,
			`CREATE TABLE IF NOT EXISTS notify_outbox (
				id TEXT PRIMARY KEY, subscription TEXT NOT NULL, event_id TEXT NOT NULL, kind TEXT NOT NULL,
				body {blob} NOT NULL, state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
				attempts BIGINT NOT NULL DEFAULT 0, next_at BIGINT NOT NULL, holder TEXT NOT NULL DEFAULT '',
				lease_until BIGINT NOT NULL DEFAULT 0, last_status BIGINT NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '',
				created_at BIGINT NOT NULL, delivered_at BIGINT NOT NULL DEFAULT 0)`,
			`CREATE UNIQUE INDEX IF NOT EXISTS notify_outbox_event ON notify_outbox(subscription, event_id)`,
			`CREATE INDEX IF NOT EXISTS notify_outbox_due ON notify_outbox(state, next_at)`,
		},
	},
	{ // which exceptions suppress findings in each stored report (issue
		// #20), kept by every report write, so that deleting or expiring
		// an exception finds the images to re-evaluate.
		stmts: []string{
			`CREATE TABLE IF NOT EXISTS image_exceptions (
				registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL, exception_id TEXT NOT NULL,
				PRIMARY KEY (registry, repository, digest, exception_id))`,
			`CREATE INDEX IF NOT EXISTS image_exceptions_id ON image_exceptions(exception_id)`,
		},
	},
	{ // running workloads (issue #20): every container of every Pod a
		// controller's informer sees, with its image as written and the
		// digest it runs when known; seen_at is refreshed by each
		// (re)sync so rows of Pods deleted while no watcher ran are pruned.
		stmts: []string{
			`CREATE TABLE IF NOT EXISTS running_containers (
				pod_uid TEXT NOT NULL, container TEXT NOT NULL, container_kind TEXT NOT NULL,
				namespace TEXT NOT NULL, pod TEXT NOT NULL, workload_kind TEXT NOT NULL, workload TEXT NOT NULL,
				image TEXT NOT NULL, registry TEXT NOT NULL, repository TEXT NOT NULL, tag TEXT NOT NULL, digest TEXT NOT NULL,
				seen_at BIGINT NOT NULL, PRIMARY KEY (pod_uid, container))`,
			`CREATE INDEX IF NOT EXISTS running_containers_digest ON running_containers(digest)`,
			`CREATE INDEX IF NOT EXISTS running_containers_seen ON running_containers(seen_at)`,
		},
	},
	{ // named tokens (issue #20): an id, a unique name, who created it,
		// an optional expiry, when it was last used (written at most once
		// a minute) and its revocation (0 = not revoked). Tokens from
		// before get an id and a name from their hash's first digits.
		stmts: []string{
			`ALTER TABLE tokens ADD COLUMN id TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE tokens ADD COLUMN name TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE tokens ADD COLUMN created_by TEXT NOT NULL DEFAULT 'bootstrap'`,
			`ALTER TABLE tokens ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE tokens ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE tokens ADD COLUMN revoked_at BIGINT NOT NULL DEFAULT 0`,
			`ALTER TABLE tokens ADD COLUMN revoked_by TEXT NOT NULL DEFAULT ''`,
			`UPDATE tokens SET id = 'tok-' || substr(hash, 1, 16), name = role || '-' || substr(hash, 1, 8) WHERE id = ''`,
			`CREATE UNIQUE INDEX IF NOT EXISTS tokens_id ON tokens(id)`,
			`CREATE UNIQUE INDEX IF NOT EXISTS tokens_name ON tokens(name)`,
		},
	},
	{ // multi-platform images (issue #23): a result of one platform of an
		// image index is stored under its platform manifest digest with
		// the index digest and the platform ('' for single-platform
		// images); a registry's platforms setting (JSON list, [] = every
		// platform its indexes list).
		stmts: []string{
			`ALTER TABLE images ADD COLUMN index_digest TEXT NOT NULL DEFAULT ''`,
			`ALTER TABLE images ADD COLUMN platform TEXT NOT NULL DEFAULT ''`,
			`CREATE INDEX IF NOT EXISTS images_index_digest ON images(index_digest)`,
			`ALTER TABLE registries ADD COLUMN platforms TEXT NOT NULL DEFAULT '[]'`,
		},
	},
}

// Version is the schema version this binary migrates to.
func Version() int { return len(migrations) }

// textType matches the TEXT type in a column definition.
var textType = regexp.MustCompile(`\bTEXT\b`)

func (d dialect) render(stmt string) string {
	if d.name == "postgres" {
		// Byte-order collation, as SQLite's: listings sort the same on
		// both back ends whatever the server's locale.
		stmt = textType.ReplaceAllString(stmt, `TEXT COLLATE "C"`)
		return strings.NewReplacer("{blob}", "BYTEA", "{serial}", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY").Replace(stmt)
	}
	return strings.NewReplacer("{blob}", "BLOB", "{serial}", "INTEGER PRIMARY KEY AUTOINCREMENT").Replace(stmt)
}

// addColumnIfMissing adds a column a state.db from before it lacks.
func addColumnIfMissing(table, column, decl string) func(t *Tx) error {
	return func(t *Tx) error {
		var n int
		if err := t.QueryRow(`SELECT count(*) FROM pragma_table_info(?) WHERE name = ?`, table, column).Scan(&n); err != nil {
			return fmt.Errorf("reading columns of %s: %w", table, err)
		}
		if n > 0 {
			return nil
		}
		if _, err := t.Exec(`ALTER TABLE ` + table + ` ADD COLUMN ` + column + ` ` + decl); err != nil {
			return fmt.Errorf("adding %s.%s: %w", table, column, err)
		}
		return nil
	}
}

// migrate brings the schema to Version() in one transaction, under the
// dialect's lock, so controllers starting together apply each version
// exactly once; a database newer than this binary is refused.
func (s *DB) migrate(ctx context.Context) error {
	err := s.WithTx(ctx, func(t *Tx) error {
		if s.d.lockMigrations != nil {
			if err := s.d.lockMigrations(ctx, t.tx); err != nil {
				return fmt.Errorf("lock: %w", err)
			}
		}
		if _, err := t.Exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
			return fmt.Errorf("schema_migrations: %w", err)
		}
		var cur int
		if err := t.QueryRow(`SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&cur); err != nil {
			return fmt.Errorf("reading version: %w", err)
		}
		if cur > len(migrations) {
			return fmt.Errorf("database schema version %d is newer than this binary knows (%d): upgrade scanfleet", cur, len(migrations))
		}
		for v := cur; v < len(migrations); v++ {
			m := migrations[v]
			for _, stmt := range m.stmts {
				if _, err := t.Exec(s.d.render(stmt)); err != nil {
					return fmt.Errorf("to version %d: %w", v+1, err)
				}
			}
			if m.sqlite != nil && s.d.name == "sqlite" {
				if err := m.sqlite(t); err != nil {
					return fmt.Errorf("to version %d: %w", v+1, err)
				}
			}
			if s.d.name == "postgres" {
				for _, stmt := range m.postgres {
					if _, err := t.Exec(s.d.render(stmt)); err != nil {
						return fmt.Errorf("to version %d: %w", v+1, err)
					}
				}
			}
			if _, err := t.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, v+1, time.Now().UnixNano()); err != nil {
				return fmt.Errorf("recording version %d: %w", v+1, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}
