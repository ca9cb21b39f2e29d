package fleetdb

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// Registries, scanners and settings (tokens are in tokens.go).

const registryCols = `name, url, username, password_enc, token_enc, insecure, ca_cert_file, filters, max_repositories, max_tags, interval_ns, last_crawl, last_error, rescan_after_db_update,
	kind, namespace, api_url, api_token_enc, repositories, webhook_secret_enc, max_pulls, requests_per_second, platforms`

func scanRegistry(sc sqlcore.RowScanner) (model.Registry, error) {
	var (
		r                   model.Registry
		filters, repos      string
		plats               string
		interval, lastCrawl int64
	)
	if err := sc.Scan(&r.Name, &r.URL, &r.Username, &r.PasswordSealed, &r.TokenSealed, &r.Insecure, &r.CACertFile, &filters,
		&r.MaxRepositories, &r.MaxTags, &interval, &lastCrawl, &r.LastError, &r.RescanAfterDBUpdate,
		&r.Kind, &r.Namespace, &r.API, &r.APITokenSealed, &repos, &r.WebhookSecretSealed, &r.MaxPulls, &r.RequestsPerSecond, &plats); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(filters), &r.Filters); err != nil {
		return r, fmt.Errorf("registry %q filters: %w", r.Name, err)
	}
	if err := json.Unmarshal([]byte(repos), &r.Repositories); err != nil {
		return r, fmt.Errorf("registry %q repositories: %w", r.Name, err)
	}
	if err := json.Unmarshal([]byte(plats), &r.Platforms); err != nil {
		return r, fmt.Errorf("registry %q platforms: %w", r.Name, err)
	}
	r.Interval = time.Duration(interval)
	r.LastCrawl = sqlcore.FromNanos(lastCrawl)
	return r, nil
}

func (s *Registries) PutRegistry(ctx context.Context, r model.Registry) error {
	if err := sqlcore.CheckText("registry name", r.Name); err != nil {
		return err
	}
	if r.MaxPulls < 0 || r.RequestsPerSecond < 0 || math.IsNaN(r.RequestsPerSecond) || math.IsInf(r.RequestsPerSecond, 0) {
		return fmt.Errorf("%w: registry %q limits: max pulls %d, requests per second %v (want 0 for none, or a positive number)",
			model.ErrInvalid, r.Name, r.MaxPulls, r.RequestsPerSecond)
	}
	filters, err := json.Marshal(sqlcore.NonNil(r.Filters))
	if err != nil {
		return fmt.Errorf("storing registry %q: %w", r.Name, err)
	}
	repos, err := json.Marshal(sqlcore.NonNil(r.Repositories))
	if err != nil {
		return fmt.Errorf("storing registry %q: %w", r.Name, err)
	}
	plats, err := json.Marshal(sqlcore.NonNil(r.Platforms))
	if err != nil {
		return fmt.Errorf("storing registry %q: %w", r.Name, err)
	}
	_, err = s.db.Exec(ctx, `INSERT INTO registries(name, url, username, password_enc, token_enc, insecure, ca_cert_file, filters, max_repositories, max_tags, interval_ns, rescan_after_db_update,
			kind, namespace, api_url, api_token_enc, repositories, webhook_secret_enc, max_pulls, requests_per_second, platforms)
		VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(name) DO UPDATE SET url=excluded.url, username=excluded.username, password_enc=excluded.password_enc,
			token_enc=excluded.token_enc, insecure=excluded.insecure, ca_cert_file=excluded.ca_cert_file, filters=excluded.filters,
			max_repositories=excluded.max_repositories, max_tags=excluded.max_tags, interval_ns=excluded.interval_ns,
			rescan_after_db_update=excluded.rescan_after_db_update, kind=excluded.kind, namespace=excluded.namespace,
			api_url=excluded.api_url, api_token_enc=excluded.api_token_enc, repositories=excluded.repositories,
			webhook_secret_enc=excluded.webhook_secret_enc, max_pulls=excluded.max_pulls, requests_per_second=excluded.requests_per_second,
			platforms=excluded.platforms`,
		r.Name, sqlcore.CleanText(r.URL), sqlcore.CleanText(r.Username), r.PasswordSealed, r.TokenSealed, r.Insecure, sqlcore.CleanText(r.CACertFile), string(filters),
		r.MaxRepositories, r.MaxTags, int64(r.Interval), r.RescanAfterDBUpdate,
		sqlcore.CleanText(r.Kind), sqlcore.CleanText(r.Namespace), sqlcore.CleanText(r.API), r.APITokenSealed, sqlcore.CleanText(string(repos)), r.WebhookSecretSealed,
		r.MaxPulls, r.RequestsPerSecond, sqlcore.CleanText(string(plats)))
	if err != nil {
		return fmt.Errorf("storing registry %q: %w", r.Name, err)
	}
	return nil
}

func (s *Registries) GetRegistry(ctx context.Context, name string) (model.Registry, bool, error) {
	r, err := scanRegistry(s.db.QueryRow(ctx, `SELECT `+registryCols+` FROM registries WHERE name = ?`, sqlcore.CleanText(name)))
	ok, err := sqlcore.NoRows(err)
	if err != nil {
		return r, false, fmt.Errorf("reading registry %q: %w", name, err)
	}
	return r, ok, nil
}

func (s *Registries) ListRegistries(ctx context.Context) ([]model.Registry, error) {
	rows, err := s.db.Query(ctx, `SELECT `+registryCols+` FROM registries ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing registries: %w", err)
	}
	defer rows.Close()
	var out []model.Registry
	for rows.Next() {
		r, err := scanRegistry(rows)
		if err != nil {
			return nil, fmt.Errorf("listing registries: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Registries) DeleteRegistry(ctx context.Context, name string) (bool, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM registries WHERE name = ?`, sqlcore.CleanText(name))
	if err != nil {
		return false, fmt.Errorf("deleting registry %q: %w", name, err)
	}
	return n > 0, nil
}

func (s *Registries) SetCrawled(ctx context.Context, name string, at time.Time, crawlErr string) error {
	if _, err := s.db.Exec(ctx, `UPDATE registries SET last_crawl = ?, last_error = ? WHERE name = ?`,
		sqlcore.Nanos(at), sqlcore.CleanText(crawlErr), sqlcore.CleanText(name)); err != nil {
		return fmt.Errorf("recording crawl of %q: %w", name, err)
	}
	return nil
}

// sealedColumns are the registries' sealed secrets, re-sealed together.
var sealedColumns = []struct{ col, what string }{
	{"password_enc", "password"}, {"token_enc", "token"}, {"api_token_enc", "API token"}, {"webhook_secret_enc", "webhook secret"},
}

func (s *Registries) Reseal(ctx context.Context, k model.Resealer) (int, error) {
	changed := 0
	cols := make([]string, len(sealedColumns))
	sets := make([]string, len(sealedColumns))
	for i, c := range sealedColumns {
		cols[i] = c.col
		sets[i] = c.col + " = ?"
	}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		rows, err := t.Query(`SELECT name, ` + strings.Join(cols, ", ") + ` FROM registries ORDER BY name` + s.db.ForUpdate())
		if err != nil {
			return err
		}
		type creds struct {
			name   string
			sealed [][]byte
		}
		var all []creds
		for rows.Next() {
			c := creds{sealed: make([][]byte, len(sealedColumns))}
			dest := []any{&c.name}
			for i := range c.sealed {
				dest = append(dest, &c.sealed[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return err
			}
			all = append(all, c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, c := range all {
			dirty := false
			args := make([]any, 0, len(sealedColumns)+1)
			for i, v := range c.sealed {
				nv, ch, err := k.Reseal(v)
				if err != nil {
					return fmt.Errorf("registry %q %s: %w", c.name, sealedColumns[i].what, err)
				}
				dirty = dirty || ch
				args = append(args, nv)
			}
			if !dirty {
				continue
			}
			if _, err := t.Exec(`UPDATE registries SET `+strings.Join(sets, ", ")+` WHERE name = ?`, append(args, c.name)...); err != nil {
				return fmt.Errorf("registry %q: %w", c.name, err)
			}
			changed++
		}
		// Notification subscriptions' signing secrets are sealed with
		// the same keys: re-sealed in the same transaction, so the old
		// key can be dropped afterwards.
		srows, err := t.Query(`SELECT id, secret_enc FROM notify_subscriptions WHERE secret_enc IS NOT NULL ORDER BY id` + s.db.ForUpdate())
		if err != nil {
			return err
		}
		type subSecret struct {
			id     string
			sealed []byte
		}
		var subs []subSecret
		for srows.Next() {
			var ss subSecret
			if err := srows.Scan(&ss.id, &ss.sealed); err != nil {
				srows.Close()
				return err
			}
			subs = append(subs, ss)
		}
		srows.Close()
		if err := srows.Err(); err != nil {
			return err
		}
		for _, ss := range subs {
			nv, ch, err := k.Reseal(ss.sealed)
			if err != nil {
				return fmt.Errorf("subscription %q secret: %w", ss.id, err)
			}
			if !ch {
				continue
			}
			if _, err := t.Exec(`UPDATE notify_subscriptions SET secret_enc = ? WHERE id = ?`, nv, ss.id); err != nil {
				return fmt.Errorf("subscription %q: %w", ss.id, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("re-sealing registry credentials: %w", err)
	}
	return changed, nil
}

func (s *Scanners) AddScanner(ctx context.Context, sc model.Scanner) error {
	if err := sqlcore.CheckText("scanner id", sc.ID); err != nil {
		return err
	}
	_, err := s.db.Exec(ctx, `INSERT INTO scanners(id, name, concurrency, db_digest, version, state, registered_at, last_seen) VALUES(?,?,?,?,?,?,?,?)`,
		sc.ID, sqlcore.CleanText(sc.Name), sc.Concurrency, sqlcore.CleanText(sc.DBDigest), sqlcore.CleanText(sc.Version), sc.State, sqlcore.Nanos(sc.RegisteredAt), sqlcore.Nanos(sc.LastSeen))
	if err != nil {
		return fmt.Errorf("registering scanner %s: %w", sc.ID, err)
	}
	return nil
}

func (s *Scanners) TouchScanner(ctx context.Context, id string, now time.Time) (bool, error) {
	// A stopped scanner has handed its tasks back and exited: a heartbeat
	// or lease it sent before its release but that is served after it
	// must neither make it active again nor (through the lease) give it
	// a released task it will never scan. A gone one (reaped, or replaced
	// under its name) that speaks again is alive after all.
	n, err := s.db.Affected(ctx, `UPDATE scanners SET last_seen = ?, state = ? WHERE id = ? AND state <> ?`, sqlcore.Nanos(now), model.ScannerActive, sqlcore.CleanText(id), model.ScannerStopped)
	if err != nil {
		return false, fmt.Errorf("updating scanner %s: %w", id, err)
	}
	return n > 0, nil
}

func (s *Scanners) SetScannerState(ctx context.Context, id, state string) error {
	if _, err := s.db.Exec(ctx, `UPDATE scanners SET state = ? WHERE id = ?`, state, sqlcore.CleanText(id)); err != nil {
		return fmt.Errorf("updating scanner %s: %w", id, err)
	}
	return nil
}

func (s *Scanners) CountScan(ctx context.Context, id string, ok bool) error {
	col := "failed"
	if ok {
		col = "done"
	}
	if _, err := s.db.Exec(ctx, `UPDATE scanners SET `+col+` = `+col+` + 1 WHERE id = ?`, sqlcore.CleanText(id)); err != nil {
		return fmt.Errorf("updating scanner %s: %w", id, err)
	}
	return nil
}

func (s *Scanners) ListScanners(ctx context.Context, f model.ScannerFilter) ([]model.Scanner, error) {
	q := `SELECT id, name, concurrency, db_digest, version, state, registered_at, last_seen, done, failed FROM scanners WHERE 1=1`
	var args []any
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, f.State)
	}
	if f.Name != "" {
		q += ` AND name = ?`
		args = append(args, sqlcore.CleanText(f.Name))
	}
	if !f.SeenBefore.IsZero() {
		q += ` AND last_seen < ?`
		args = append(args, sqlcore.Nanos(f.SeenBefore))
	}
	rows, err := s.db.Query(ctx, q+` ORDER BY registered_at, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("listing scanners: %w", err)
	}
	defer rows.Close()
	var out []model.Scanner
	for rows.Next() {
		var (
			sc        model.Scanner
			reg, seen int64
		)
		if err := rows.Scan(&sc.ID, &sc.Name, &sc.Concurrency, &sc.DBDigest, &sc.Version, &sc.State, &reg, &seen, &sc.Done, &sc.Failed); err != nil {
			return nil, fmt.Errorf("listing scanners: %w", err)
		}
		sc.RegisteredAt, sc.LastSeen = sqlcore.FromNanos(reg), sqlcore.FromNanos(seen)
		out = append(out, sc)
	}
	return out, rows.Err()
}

func (s *Scanners) CountScanners(ctx context.Context, state string) (int, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM scanners WHERE state = ?`, state).Scan(&n); err != nil {
		return 0, fmt.Errorf("counting scanners: %w", err)
	}
	return n, nil
}

func (s *Settings) Setting(ctx context.Context, name string) (string, bool, error) {
	var v string
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT value FROM settings WHERE name = ?`, sqlcore.CleanText(name)).Scan(&v))
	if err != nil {
		return "", false, fmt.Errorf("reading setting %s: %w", name, err)
	}
	return v, ok, nil
}

func (s *Settings) PutSetting(ctx context.Context, name, value string) error {
	if err := sqlcore.CheckText("setting name", name); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO settings (name, value) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET value = excluded.value`, name, sqlcore.CleanText(value)); err != nil {
		return fmt.Errorf("storing setting %s: %w", name, err)
	}
	return nil
}

func (s *Settings) DeleteSetting(ctx context.Context, name string) error {
	if _, err := s.db.Exec(ctx, `DELETE FROM settings WHERE name = ?`, sqlcore.CleanText(name)); err != nil {
		return fmt.Errorf("deleting setting %s: %w", name, err)
	}
	return nil
}
