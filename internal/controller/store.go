package controller

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/scanfleet/scanfleet/internal/report"
)

// stateFile is the controller's SQLite database, in the data directory.
const stateFile = "state.db"

const schema = `
CREATE TABLE IF NOT EXISTS tokens (
	hash TEXT PRIMARY KEY, role TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS registries (
	name TEXT PRIMARY KEY, url TEXT NOT NULL, username TEXT NOT NULL DEFAULT '',
	password_enc BLOB, token_enc BLOB,
	insecure INTEGER NOT NULL DEFAULT 0, ca_cert_file TEXT NOT NULL DEFAULT '',
	filters TEXT NOT NULL DEFAULT '[]', max_repositories INTEGER NOT NULL DEFAULT 0,
	max_tags INTEGER NOT NULL DEFAULT 0, interval_ns INTEGER NOT NULL DEFAULT 0,
	last_crawl INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS scanners (
	id TEXT PRIMARY KEY, name TEXT NOT NULL, concurrency INTEGER NOT NULL,
	db_digest TEXT NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL,
	registered_at INTEGER NOT NULL, last_seen INTEGER NOT NULL,
	done INTEGER NOT NULL DEFAULT 0, failed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS images (
	registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
	tag TEXT NOT NULL, reference TEXT NOT NULL, db_digest TEXT NOT NULL,
	scanned_at INTEGER NOT NULL, scanned_by TEXT NOT NULL, scans INTEGER NOT NULL,
	packages INTEGER NOT NULL, vulnerabilities INTEGER NOT NULL,
	severities TEXT NOT NULL, report BLOB NOT NULL,
	PRIMARY KEY (registry, repository, digest));
CREATE INDEX IF NOT EXISTS images_digest ON images(digest);
CREATE TABLE IF NOT EXISTS image_vulns (
	registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
	vuln_id TEXT NOT NULL, severity TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS image_vulns_id ON image_vulns(vuln_id);
CREATE INDEX IF NOT EXISTS image_vulns_image ON image_vulns(registry, repository, digest);
CREATE TABLE IF NOT EXISTS image_changes (
	registry TEXT NOT NULL, repository TEXT NOT NULL, digest TEXT NOT NULL,
	db_before TEXT NOT NULL, db_after TEXT NOT NULL, changed_at INTEGER NOT NULL,
	new_ids TEXT NOT NULL, fixed_ids TEXT NOT NULL,
	PRIMARY KEY (registry, repository, digest));
CREATE INDEX IF NOT EXISTS image_changes_digest ON image_changes(digest);
CREATE TABLE IF NOT EXISTS layers (
	key TEXT PRIMARY KEY, analysis BLOB NOT NULL, stored_at INTEGER NOT NULL);
`

type store struct{ db *sql.DB }

func openStore(ctx context.Context, path string) (*store, error) {
	dsn := "file:" + path + "?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("opening %s: %w", path, err)
	}
	// One connection serialises writers; the state database is small and
	// its transactions short, so this is simpler than retrying on SQLITE_BUSY.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema+submitSchema+admissionSchema+settingsSchema+consoleSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("creating schema in %s: %w", path, err)
	}
	if err := migrate(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrating %s: %w", path, err)
	}
	return &store{db: db}, nil
}

func (s *store) Close() error { return s.db.Close() }

// Role is what a token may do.
type Role string

// Roles. A scanner token may run the scanner protocol (and so receives
// registry credentials for its tasks) but not manage registries; a
// submitter may only send standalone results (a build pipeline's token,
// which must not be able to lease tasks and so learn registry
// credentials) and read; a reader may only read.
const (
	RoleAdmin     Role = "admin"
	RoleScanner   Role = "scanner"
	RoleSubmitter Role = "submitter"
	RoleReader    Role = "reader"
)

func (r Role) valid() bool {
	return r == RoleAdmin || r == RoleScanner || r == RoleSubmitter || r == RoleReader
}

func (s *store) addToken(ctx context.Context, hash string, role Role) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO tokens(hash, role, created_at) VALUES(?,?,?)`, hash, string(role), time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("storing token: %w", err)
	}
	return nil
}

func (s *store) tokenRole(ctx context.Context, hash string) (Role, bool, error) {
	var role string
	err := s.db.QueryRowContext(ctx, `SELECT role FROM tokens WHERE hash = ?`, hash).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("looking up token: %w", err)
	}
	return Role(role), true, nil
}

// registryRow is a registry as stored, credentials sealed.
type registryRow struct {
	Registry
	passwordEnc, tokenEnc []byte
	lastCrawl             time.Time
	lastError             string
}

func (s *store) putRegistry(ctx context.Context, r registryRow) error {
	filters, _ := json.Marshal(r.Filters)
	_, err := s.db.ExecContext(ctx, `INSERT INTO registries(name, url, username, password_enc, token_enc, insecure, ca_cert_file, filters, max_repositories, max_tags, interval_ns, rescan_after_db_update)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET url=excluded.url, username=excluded.username, password_enc=excluded.password_enc,
			token_enc=excluded.token_enc, insecure=excluded.insecure, ca_cert_file=excluded.ca_cert_file, filters=excluded.filters,
			max_repositories=excluded.max_repositories, max_tags=excluded.max_tags, interval_ns=excluded.interval_ns,
			rescan_after_db_update=excluded.rescan_after_db_update`,
		r.Name, r.URL, r.Username, r.passwordEnc, r.tokenEnc, r.Insecure, r.CACertFile, string(filters), r.MaxRepositories, r.MaxTags, int64(r.Interval), r.RescanAfterDBUpdate)
	if err != nil {
		return fmt.Errorf("storing registry %q: %w", r.Name, err)
	}
	return nil
}

const registryCols = `name, url, username, password_enc, token_enc, insecure, ca_cert_file, filters, max_repositories, max_tags, interval_ns, last_crawl, last_error, rescan_after_db_update`

func scanRegistry(sc interface{ Scan(...any) error }) (registryRow, error) {
	var (
		r                   registryRow
		filters             string
		interval, lastCrawl int64
	)
	err := sc.Scan(&r.Name, &r.URL, &r.Username, &r.passwordEnc, &r.tokenEnc, &r.Insecure, &r.CACertFile, &filters, &r.MaxRepositories, &r.MaxTags, &interval, &lastCrawl, &r.lastError, &r.RescanAfterDBUpdate)
	if err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(filters), &r.Filters); err != nil {
		return r, fmt.Errorf("registry %q filters: %w", r.Name, err)
	}
	r.Interval = Duration(interval)
	if lastCrawl != 0 {
		r.lastCrawl = time.Unix(0, lastCrawl).UTC()
	}
	return r, nil
}

func (s *store) getRegistry(ctx context.Context, name string) (registryRow, bool, error) {
	r, err := scanRegistry(s.db.QueryRowContext(ctx, `SELECT `+registryCols+` FROM registries WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, fmt.Errorf("reading registry %q: %w", name, err)
	}
	return r, true, nil
}

func (s *store) listRegistries(ctx context.Context) ([]registryRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+registryCols+` FROM registries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing registries: %w", err)
	}
	defer rows.Close()
	var out []registryRow
	for rows.Next() {
		r, err := scanRegistry(rows)
		if err != nil {
			return nil, fmt.Errorf("listing registries: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *store) deleteRegistry(ctx context.Context, name string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM registries WHERE name = ?`, name)
	if err != nil {
		return false, fmt.Errorf("deleting registry %q: %w", name, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (s *store) setCrawled(ctx context.Context, name string, at time.Time, crawlErr string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE registries SET last_crawl = ?, last_error = ? WHERE name = ?`, at.UnixNano(), crawlErr, name)
	if err != nil {
		return fmt.Errorf("recording crawl of %q: %w", name, err)
	}
	return nil
}

// Scanner is a registered scanner as the API shows it.
type Scanner struct {
	ID           string    `json:"id"`
	Name         string    `json:"name"`
	Concurrency  int       `json:"concurrency"`
	DBDigest     string    `json:"db_digest"`
	Version      string    `json:"version"`
	State        string    `json:"state"` // active, gone (missed heartbeats), stopped (released)
	RegisteredAt time.Time `json:"registered_at"`
	LastSeen     time.Time `json:"last_seen"`
	Done         int       `json:"done"`
	Failed       int       `json:"failed"`
	CurrentTasks []string  `json:"current_tasks"`
	// CurrentImages are the references of CurrentTasks, in the same order.
	CurrentImages []string `json:"current_images"`
}

// Scanner states.
const (
	ScannerActive  = "active"
	ScannerGone    = "gone"
	ScannerStopped = "stopped"
)

func (s *store) addScanner(ctx context.Context, sc Scanner) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO scanners(id, name, concurrency, db_digest, version, state, registered_at, last_seen) VALUES(?,?,?,?,?,?,?,?)`,
		sc.ID, sc.Name, sc.Concurrency, sc.DBDigest, sc.Version, sc.State, sc.RegisteredAt.UnixNano(), sc.LastSeen.UnixNano())
	if err != nil {
		return fmt.Errorf("registering scanner: %w", err)
	}
	return nil
}

// touchScanner records a sign of life; a scanner declared gone that comes
// back is active again (its old leases were already handed back).
func (s *store) touchScanner(ctx context.Context, id string, now time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE scanners SET last_seen = ?, state = ? WHERE id = ?`, now.UnixNano(), ScannerActive, id)
	if err != nil {
		return false, fmt.Errorf("updating scanner %s: %w", id, err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func (s *store) setScannerState(ctx context.Context, id, state string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE scanners SET state = ? WHERE id = ?`, state, id)
	if err != nil {
		return fmt.Errorf("updating scanner %s: %w", id, err)
	}
	return nil
}

func (s *store) countScan(ctx context.Context, id string, ok bool) error {
	col := "failed"
	if ok {
		col = "done"
	}
	_, err := s.db.ExecContext(ctx, `UPDATE scanners SET `+col+` = `+col+` + 1 WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("updating scanner %s: %w", id, err)
	}
	return nil
}

func (s *store) listScanners(ctx context.Context, where string, args ...any) ([]Scanner, error) {
	// #nosec G202 -- where is a constant clause written by this package; values go through args
	rows, err := s.db.QueryContext(ctx, `SELECT id, name, concurrency, db_digest, version, state, registered_at, last_seen, done, failed FROM scanners `+where+` ORDER BY registered_at`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing scanners: %w", err)
	}
	defer rows.Close()
	var out []Scanner
	for rows.Next() {
		var (
			sc        Scanner
			reg, seen int64
		)
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.Concurrency, &sc.DBDigest, &sc.Version, &sc.State, &reg, &seen, &sc.Done, &sc.Failed); err != nil {
			return nil, fmt.Errorf("listing scanners: %w", err)
		}
		sc.RegisteredAt, sc.LastSeen = time.Unix(0, reg).UTC(), time.Unix(0, seen).UTC()
		out = append(out, sc)
	}
	return out, rows.Err()
}

// ImageSummary is one scanned image in listings.
type ImageSummary struct {
	Registry        string         `json:"registry"`
	Repository      string         `json:"repository"`
	Tag             string         `json:"tag"`
	Digest          string         `json:"digest"`
	Reference       string         `json:"reference"`
	DBDigest        string         `json:"db_digest"`
	ScannedAt       time.Time      `json:"scanned_at"`
	ScannedBy       string         `json:"scanned_by"`
	Scans           int            `json:"scans"`
	Packages        int            `json:"packages"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities"`
	// Coverage is CoverageCovered, CoverageNotCovered (NotCovered names
	// the OS releases and ecosystems the database had no data for: the
	// counts are then incomplete, not zero) or CoverageUnknown; listings
	// fill it (imagelist.go).
	Coverage   string   `json:"coverage,omitempty"`
	NotCovered []string `json:"not_covered,omitempty"`
	// Tags are all the tags the digest is known under in the repository
	// (Tag is the one it was last scanned under).
	Tags []string `json:"tags,omitempty"`
}

func (s *store) putResult(ctx context.Context, im ImageSummary, rep *report.Report, raw []byte) error {
	_, err := s.putResultUnlessSince(ctx, im, rep, raw, time.Time{})
	return err
}

// putResultUnlessSince stores the result of a task queued at since, unless
// the image already has a result stored at or after since: then it
// changes nothing and reports false. A task's key is unique among live
// tasks, so a result stored since the task was queued is that task's (or
// a submitter's): a second post for the same task (a retry, or a second
// scanner that got the task after its first holder was declared dead
// while posting) is not stored again and not counted as a second scan.
// Check and write are one transaction, and the state database has one
// connection, so two concurrent posts for a task store it once. A zero
// since stores unconditionally.
func (s *store) putResultUnlessSince(ctx context.Context, im ImageSummary, rep *report.Report, raw []byte, since time.Time) (bool, error) {
	sev := map[string]int{}
	for _, v := range rep.Vulnerabilities {
		sev[strings.ToUpper(v.Severity)]++
	}
	sevJSON, _ := json.Marshal(sev)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("storing result: %w", err)
	}
	defer tx.Rollback()
	if !since.IsZero() {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=? AND scanned_at >= ?`,
			im.Registry, im.Repository, im.Digest, since.UnixNano()).Scan(&n); err != nil {
			return false, fmt.Errorf("storing result: looking up %s/%s@%s: %w", im.Registry, im.Repository, im.Digest, err)
		}
		if n > 0 {
			return false, nil
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO images(registry, repository, digest, tag, reference, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, report)
		VALUES(?,?,?,?,?,?,?,?,1,?,?,?,?)
		ON CONFLICT(registry, repository, digest) DO UPDATE SET tag=excluded.tag, reference=excluded.reference, db_digest=excluded.db_digest,
			scanned_at=excluded.scanned_at, scanned_by=excluded.scanned_by, scans=scans+1, packages=excluded.packages,
			vulnerabilities=excluded.vulnerabilities, severities=excluded.severities, report=excluded.report`,
		im.Registry, im.Repository, im.Digest, im.Tag, im.Reference, im.DBDigest, im.ScannedAt.UnixNano(), im.ScannedBy,
		len(rep.Packages), len(rep.Vulnerabilities), string(sevJSON), raw)
	if err != nil {
		return false, fmt.Errorf("storing result: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM image_vulns WHERE registry=? AND repository=? AND digest=?`, im.Registry, im.Repository, im.Digest); err != nil {
		return false, fmt.Errorf("storing result: %w", err)
	}
	for _, v := range rep.Vulnerabilities {
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO image_vulns(registry, repository, digest, vuln_id, severity) VALUES(?,?,?,?,?)`,
				im.Registry, im.Repository, im.Digest, id, strings.ToUpper(v.Severity)); err != nil {
				return false, fmt.Errorf("storing result: %w", err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("storing result: %w", err)
	}
	return true, nil
}

// scannedWith reports whether the image was scanned with the DB digest.
func (s *store) scannedWith(ctx context.Context, registry, repo, digest, dbDigest string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=? AND db_digest=?`,
		registry, repo, digest, dbDigest).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up image: %w", err)
	}
	return n > 0, nil
}

// ImageFilter selects images; zero fields match everything.
type ImageFilter struct {
	Registry, Repository, Severity, CVE, Digest string
}

func (s *store) listImages(ctx context.Context, f ImageFilter) ([]ImageSummary, error) {
	q := `SELECT registry, repository, digest, tag, reference, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities FROM images i WHERE 1=1`
	var args []any
	if f.Registry != "" {
		q += ` AND registry = ?`
		args = append(args, f.Registry)
	}
	if f.Repository != "" {
		q += ` AND repository = ?`
		args = append(args, f.Repository)
	}
	if f.Digest != "" {
		q += ` AND digest = ?`
		args = append(args, f.Digest)
	}
	if f.Severity != "" || f.CVE != "" {
		q += ` AND EXISTS (SELECT 1 FROM image_vulns v WHERE v.registry=i.registry AND v.repository=i.repository AND v.digest=i.digest`
		if f.Severity != "" {
			q += ` AND v.severity = ?`
			args = append(args, strings.ToUpper(f.Severity))
		}
		if f.CVE != "" {
			q += ` AND v.vuln_id = ?`
			args = append(args, f.CVE)
		}
		q += `)`
	}
	q += ` ORDER BY registry, repository, tag, digest`
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	defer rows.Close()
	out := []ImageSummary{}
	for rows.Next() {
		var (
			im  ImageSummary
			at  int64
			sev string
		)
		if err := rows.Scan(&im.Registry, &im.Repository, &im.Digest, &im.Tag, &im.Reference, &im.DBDigest, &at, &im.ScannedBy, &im.Scans, &im.Packages, &im.Vulnerabilities, &sev); err != nil {
			return nil, fmt.Errorf("listing images: %w", err)
		}
		im.ScannedAt = time.Unix(0, at).UTC()
		if err := json.Unmarshal([]byte(sev), &im.Severities); err != nil {
			return nil, fmt.Errorf("listing images: %w", err)
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

func (s *store) imageReport(ctx context.Context, digest string) ([]byte, bool, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT report FROM images WHERE digest = ? ORDER BY scanned_at DESC LIMIT 1`, digest).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading image %s: %w", digest, err)
	}
	return raw, true, nil
}

func (s *store) getLayer(ctx context.Context, key string) ([]byte, bool, error) {
	var raw []byte
	err := s.db.QueryRowContext(ctx, `SELECT analysis FROM layers WHERE key = ?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("reading layer %s: %w", key, err)
	}
	return raw, true, nil
}

func (s *store) putLayer(ctx context.Context, key string, raw []byte) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO layers(key, analysis, stored_at) VALUES(?,?,?) ON CONFLICT(key) DO UPDATE SET analysis=excluded.analysis, stored_at=excluded.stored_at`,
		key, raw, time.Now().UnixNano())
	if err != nil {
		return fmt.Errorf("storing layer %s: %w", key, err)
	}
	return nil
}
