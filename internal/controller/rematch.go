package controller

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/match"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
)

// migrate brings a state database created by an older controller up to
// the current schema: CREATE TABLE IF NOT EXISTS does not add columns.
func migrate(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('registries')`)
	if err != nil {
		return fmt.Errorf("reading registries columns: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("reading registries columns: %w", err)
		}
		have[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading registries columns: %w", err)
	}
	if !have["rescan_after_db_update"] {
		if _, err := db.ExecContext(ctx, `ALTER TABLE registries ADD COLUMN rescan_after_db_update INTEGER NOT NULL DEFAULT 0`); err != nil {
			return fmt.Errorf("adding rescan_after_db_update: %w", err)
		}
	}
	return migrateChanges(ctx, db)
}

// migrateChanges adds the enrichment columns of image_changes (issue 17).
func migrateChanges(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM pragma_table_info('image_changes')`)
	if err != nil {
		return fmt.Errorf("reading image_changes columns: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return fmt.Errorf("reading image_changes columns: %w", err)
		}
		have[n] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading image_changes columns: %w", err)
	}
	for _, col := range []struct{ name, def string }{
		{"entered_kev", `TEXT NOT NULL DEFAULT '[]'`},
		{"reranked", `INTEGER NOT NULL DEFAULT 0`},
	} {
		if have[col.name] {
			continue
		}
		if _, err := db.ExecContext(ctx, `ALTER TABLE image_changes ADD COLUMN `+col.name+` `+col.def); err != nil {
			return fmt.Errorf("adding image_changes.%s: %w", col.name, err)
		}
	}
	return nil
}

// ImageChanges is GET /api/v1/images/{digest}/changes: what the last
// database change did to an image's findings.
type ImageChanges struct {
	Registry   string    `json:"registry"`
	Repository string    `json:"repository"`
	Digest     string    `json:"digest"`
	DBBefore   string    `json:"db_before"`
	DBAfter    string    `json:"db_after"`
	ChangedAt  time.Time `json:"changed_at"`
	// New are the vulnerability IDs found now and not before; Fixed those
	// found before and not now (withdrawn or corrected advisories).
	New   []string `json:"new"`
	Fixed []string `json:"fixed"`
	// EnteredKEV are the vulnerability IDs now in CISA's Known Exploited
	// Vulnerabilities catalog that were not before.
	EnteredKEV []string `json:"entered_kev"`
	// Reranked is set when the new database changed only enrichment
	// (same advisories digest): the stored findings were re-rated
	// (severity, scores, KEV, EPSS) without matching packages again.
	Reranked bool `json:"reranked,omitempty"`
}

// RematchStats summarises one re-match pass.
type RematchStats struct {
	DBDigest  string `json:"db_digest"`
	Images    int    `json:"images"`
	Changed   int    `json:"changed"`
	Errors    int    `json:"errors"`
	Enqueued  int    `json:"enqueued"`
	Unchanged bool   `json:"-"` // the database had not changed: nothing done
}

// CheckDB makes the watcher look at the database file now and, when the
// database in service differs from the one last re-matched against,
// re-matches every stored inventory (Rematch). Run calls it periodically;
// it is exported so `db update` style callers and tests can trigger it.
func (c *Controller) CheckDB(ctx context.Context) (RematchStats, error) {
	if c.watcher == nil {
		return RematchStats{Unchanged: true}, nil
	}
	c.checkMu.Lock()
	defer c.checkMu.Unlock()
	// A rejected new file keeps the old DB in service; the watcher logs it.
	_, _ = c.watcher.Check()
	cur := c.dbDigest()
	c.mu.Lock()
	last := c.rematchedDB
	c.mu.Unlock()
	if cur == last {
		return RematchStats{DBDigest: cur, Unchanged: true}, nil
	}
	st, err := c.Rematch(ctx)
	if err == nil {
		c.mu.Lock()
		c.rematchedDB = st.DBDigest
		c.mu.Unlock()
	}
	return st, err
}

// Rematch re-matches the stored inventory (OS and packages) of every
// image not matched against the current database, without pulling
// anything, stores the new findings and records per image which IDs
// appeared and disappeared. Images of registries with
// RescanAfterDBUpdate are then also enqueued for a full scan (periodic
// priority); their task keys carry the new DB digest, so they do not
// collide with tasks queued under the old one.
//
// Known limits: VEX suppressions and per-layer findings (--layers) of the
// stored report are not recomputed; the per-layer lists are dropped
// rather than left stale.
func (c *Controller) Rematch(ctx context.Context) (RematchStats, error) {
	var st RematchStats
	if c.watcher == nil {
		return st, errors.New("rematch: no vulnerability database configured")
	}
	db, release := c.watcher.Acquire()
	defer release()
	info := db.Info()
	st.DBDigest = info.Digest
	keys, err := c.store.imagesNotMatchedWith(ctx, info.Digest)
	if err != nil {
		return st, err
	}
	// Rescans are queued before re-matching: re-matching moves an image
	// to the new database, so a controller killed in between would
	// otherwise find nothing left to rescan when it restarts.
	if st.Enqueued, err = c.enqueueRescans(ctx, info.Digest, keys); err != nil {
		return st, err
	}
	for _, k := range keys {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		st.Images++
		changed, err := c.rematchImage(ctx, db, k, &report.DBInfo{SchemaVersion: info.SchemaVersion, BuiltAt: info.BuiltAt, Digest: info.Digest, AdvisoriesDigest: info.AdvisoriesDigest})
		if err != nil {
			st.Errors++
			c.log.Warn("re-matching image", "registry", k.registry, "repository", k.repository, "digest", k.digest, "err", err)
			continue
		}
		if changed {
			st.Changed++
		}
	}
	c.log.Info("re-matched stored inventories against new vulnerability database", "db", info.Digest,
		"images", st.Images, "changed", st.Changed, "errors", st.Errors, "enqueued", st.Enqueued)
	return st, nil
}

type imageKey struct{ registry, repository, digest, tag, reference, dbDigest string }

func (s *store) imagesNotMatchedWith(ctx context.Context, dbDigest string) ([]imageKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT registry, repository, digest, tag, reference, db_digest FROM images WHERE db_digest != ? ORDER BY registry, repository, digest`, dbDigest)
	if err != nil {
		return nil, fmt.Errorf("listing images to re-match: %w", err)
	}
	defer rows.Close()
	var out []imageKey
	for rows.Next() {
		var k imageKey
		if err := rows.Scan(&k.registry, &k.repository, &k.digest, &k.tag, &k.reference, &k.dbDigest); err != nil {
			return nil, fmt.Errorf("listing images to re-match: %w", err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// vulnIDs is the sorted set of a finding list's IDs.
func vulnIDs(vs []report.Vulnerability) []string {
	out := []string{}
	for _, v := range vs {
		out = append(out, v.ID)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// minus returns the elements of sorted a not in sorted b.
func minus(a, b []string) []string {
	out := []string{}
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

func (c *Controller) rematchImage(ctx context.Context, db match.Store, k imageKey, dbInfo *report.DBInfo) (bool, error) {
	var raw []byte
	err := c.store.db.QueryRowContext(ctx, `SELECT report FROM images WHERE registry=? AND repository=? AND digest=?`, k.registry, k.repository, k.digest).Scan(&raw)
	if err != nil {
		return false, fmt.Errorf("reading stored report: %w", err)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return false, fmt.Errorf("decoding stored report: %w", err)
	}
	before := vulnIDs(rep.Vulnerabilities)
	kevBefore := kevIDs(rep.Vulnerabilities)
	sevBefore := sevCounts(rep.Vulnerabilities)
	// A database whose advisories are those the stored findings were
	// matched with (only KEV, EPSS, scores or titles changed, as they do
	// daily) needs the findings re-rated, not re-matched: the per-layer
	// lists and the VEX-suppressed findings are re-rated too and kept.
	rerank := rep.DB != nil && rep.DB.AdvisoriesDigest != "" && rep.DB.AdvisoriesDigest == dbInfo.AdvisoriesDigest
	if rerank {
		if err := match.Enrich(ctx, db, rep.Vulnerabilities); err != nil {
			return false, fmt.Errorf("re-rating: %w", err)
		}
		match.SortByRisk(rep.Vulnerabilities)
		if rep.Image != nil {
			for i := range rep.Image.Layers {
				if err := match.Enrich(ctx, db, rep.Image.Layers[i].Vulnerabilities); err != nil {
					return false, fmt.Errorf("re-rating: %w", err)
				}
				match.SortByRisk(rep.Image.Layers[i].Vulnerabilities)
			}
		}
		for i := range rep.Suppressed {
			one := []report.Vulnerability{rep.Suppressed[i].Vulnerability}
			if err := match.Enrich(ctx, db, one); err != nil {
				return false, fmt.Errorf("re-rating: %w", err)
			}
			rep.Suppressed[i].Vulnerability = one[0]
		}
		rep.DB = dbInfo
	} else {
		vulns, cov, err := match.Match(ctx, db, rep.OS, rep.Packages)
		if err != nil {
			return false, fmt.Errorf("matching: %w", err)
		}
		if vulns == nil {
			vulns = []report.Vulnerability{}
		}
		rep.Vulnerabilities, rep.Coverage, rep.DB = vulns, cov, dbInfo
		if rep.Image != nil {
			for i := range rep.Image.Layers {
				rep.Image.Layers[i].Vulnerabilities = nil
			}
		}
	}
	vulns := rep.Vulnerabilities
	after := vulnIDs(vulns)
	ch := ImageChanges{Registry: k.registry, Repository: k.repository, Digest: k.digest,
		DBBefore: k.dbDigest, DBAfter: dbInfo.Digest, ChangedAt: time.Now().UTC(),
		New: minus(after, before), Fixed: minus(before, after),
		EnteredKEV: minus(kevIDs(vulns), kevBefore), Reranked: rerank}
	if len(ch.EnteredKEV) > 0 {
		c.log.Warn("findings entered CISA's Known Exploited Vulnerabilities catalog", "registry", k.registry,
			"repository", k.repository, "digest", k.digest, "ids", ch.EnteredKEV)
	}
	newRaw, err := json.Marshal(&rep)
	if err != nil {
		return false, fmt.Errorf("encoding report: %w", err)
	}
	if err := c.store.putRematch(ctx, ch, &rep, newRaw); err != nil {
		return false, err
	}
	return len(ch.New)+len(ch.Fixed)+len(ch.EnteredKEV) > 0 || !maps.Equal(sevBefore, sevCounts(vulns)), nil
}

// kevIDs is the sorted set of the IDs of findings in KEV.
func kevIDs(vs []report.Vulnerability) []string {
	out := []string{}
	for _, v := range vs {
		if v.KEV != nil {
			out = append(out, v.ID)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func sevCounts(vs []report.Vulnerability) map[string]int {
	m := map[string]int{}
	for _, v := range vs {
		m[strings.ToUpper(v.Severity)]++
	}
	return m
}

// putRematch replaces an image's findings and records the change; unlike
// putResult it does not count a scan.
func (s *store) putRematch(ctx context.Context, ch ImageChanges, rep *report.Report, raw []byte) error {
	sev := map[string]int{}
	for _, v := range rep.Vulnerabilities {
		sev[strings.ToUpper(v.Severity)]++
	}
	sevJSON, _ := json.Marshal(sev)
	newJSON, _ := json.Marshal(ch.New)
	fixedJSON, _ := json.Marshal(ch.Fixed)
	kevJSON, _ := json.Marshal(ch.EnteredKEV)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("storing re-match: %w", err)
	}
	defer tx.Rollback()
	key := []any{ch.Registry, ch.Repository, ch.Digest}
	if _, err := tx.ExecContext(ctx, `UPDATE images SET db_digest=?, vulnerabilities=?, severities=?, report=? WHERE registry=? AND repository=? AND digest=?`,
		append([]any{ch.DBAfter, len(rep.Vulnerabilities), string(sevJSON), raw}, key...)...); err != nil {
		return fmt.Errorf("storing re-match: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM image_vulns WHERE registry=? AND repository=? AND digest=?`, key...); err != nil {
		return fmt.Errorf("storing re-match: %w", err)
	}
	for _, v := range rep.Vulnerabilities {
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO image_vulns(registry, repository, digest, vuln_id, severity) VALUES(?,?,?,?,?)`,
				ch.Registry, ch.Repository, ch.Digest, id, strings.ToUpper(v.Severity)); err != nil {
				return fmt.Errorf("storing re-match: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO image_changes(registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked) VALUES(?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(registry, repository, digest) DO UPDATE SET db_before=excluded.db_before, db_after=excluded.db_after,
			changed_at=excluded.changed_at, new_ids=excluded.new_ids, fixed_ids=excluded.fixed_ids,
			entered_kev=excluded.entered_kev, reranked=excluded.reranked`,
		ch.Registry, ch.Repository, ch.Digest, ch.DBBefore, ch.DBAfter, ch.ChangedAt.UnixNano(), string(newJSON), string(fixedJSON), string(kevJSON), ch.Reranked); err != nil {
		return fmt.Errorf("storing re-match: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("storing re-match: %w", err)
	}
	return nil
}

func (s *store) imageChanges(ctx context.Context, digest string) (ImageChanges, bool, error) {
	var (
		ch              ImageChanges
		at              int64
		newIDs, fixedID string
		kevIDs          string
	)
	err := s.db.QueryRowContext(ctx, `SELECT registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked FROM image_changes WHERE digest = ? ORDER BY changed_at DESC LIMIT 1`, digest).
		Scan(&ch.Registry, &ch.Repository, &ch.Digest, &ch.DBBefore, &ch.DBAfter, &at, &newIDs, &fixedID, &kevIDs, &ch.Reranked)
	if errors.Is(err, sql.ErrNoRows) {
		return ch, false, nil
	}
	if err != nil {
		return ch, false, fmt.Errorf("reading changes of %s: %w", digest, err)
	}
	ch.ChangedAt = time.Unix(0, at).UTC()
	if err := json.Unmarshal([]byte(newIDs), &ch.New); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	if err := json.Unmarshal([]byte(fixedID), &ch.Fixed); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	if err := json.Unmarshal([]byte(kevIDs), &ch.EnteredKEV); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	return ch, true, nil
}

// enqueueRescans enqueues a full scan of the images among keys (those
// just re-matched) whose registry asked for one after a database update.
func (c *Controller) enqueueRescans(ctx context.Context, dbDigest string, keys []imageKey) (int, error) {
	regs, err := c.store.listRegistries(ctx)
	if err != nil {
		return 0, err
	}
	var tasks []queue.Task
	for _, r := range regs {
		if !r.RescanAfterDBUpdate {
			continue
		}
		host, err := registryHost(r.URL)
		if err != nil {
			return 0, fmt.Errorf("registry %q: %w", r.Name, err)
		}
		for _, k := range keys {
			if k.registry != r.Name {
				continue
			}
			t, err := scanTask(r.Name, host, k.repository, k.tag, k.digest, dbDigest, queue.PriorityPeriodic)
			if err != nil {
				return 0, err
			}
			tasks = append(tasks, t)
		}
	}
	if len(tasks) == 0 {
		return 0, nil
	}
	n, err := c.queue.EnqueueBatch(ctx, tasks)
	if err != nil {
		return n, fmt.Errorf("enqueueing rescans: %w", err)
	}
	return n, nil
}

// imageChangesHandler is GET /api/v1/images/{digest}/changes.
func (c *Controller) imageChangesHandler(w http.ResponseWriter, r *http.Request) error {
	d := r.PathValue("digest")
	ch, ok, err := c.store.imageChanges(r.Context(), d)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(http.StatusNotFound, "no database change recorded for image %s", d)
	}
	writeJSON(w, http.StatusOK, ch)
	return nil
}

func (c *Controller) checkDB(ctx context.Context) {
	if _, err := c.CheckDB(ctx); err != nil && ctx.Err() == nil {
		c.log.Warn("re-matching after database change", "err", err)
	}
}
