package resultdb

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/exception"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// Severities counts a report's findings per upper-case severity, as JSON
// (json.Marshal sorts map keys, so equal counts give equal text).
func Severities(rep *report.Report) string {
	sev := map[string]int{}
	for _, v := range rep.Vulnerabilities {
		sev[strings.ToUpper(string(v.Severity))]++
	}
	b, _ := json.Marshal(sev) // a map[string]int always encodes
	return string(b)
}

// fingerprint changes with every new result (scan time) and re-match (DB
// digest); it is computed from columns so no report is read for it.
func fingerprint(at int64, dbDigest string, vulns int, sev string) string {
	return fmt.Sprintf("%d|%s|%d|%s", at, dbDigest, vulns, sev)
}

// vulnBatch bounds the rows of one multi-row INSERT into image_vulns (5
// values each), below SQLite's and PostgreSQL's variable limits.
const vulnBatch = 200

// ReplaceVulns rewrites the CVE index of one image: every finding's ID and
// aliases. The caller has already locked the images row (upsert/update),
// which serialises concurrent writers of the same image.
func ReplaceVulns(t *sqlcore.Tx, k model.ImageKey, rep *report.Report) error {
	if _, err := t.ExecPrepared(deleteVulnsSQL, k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	if t.Prepared() {
		// SQLite, in process: one prepared row at a time costs less
		// than parsing a multi-row statement on every result.
		for _, v := range rep.Vulnerabilities {
			sev := sqlcore.CleanText(strings.ToUpper(string(v.Severity)))
			for _, id := range append([]string{v.ID}, v.Aliases...) {
				if _, err := t.ExecPrepared(insertVulnSQL, k.Registry, k.Repository, k.Digest, sqlcore.CleanText(id), sev); err != nil {
					return err
				}
			}
		}
		return replaceExceptions(t, k, rep)
	}
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / 5
		q := insertVulnSQL + strings.Repeat(",(?,?,?,?,?)", n-1)
		_, err := t.Exec(q, args...)
		args = args[:0]
		return err
	}
	for _, v := range rep.Vulnerabilities {
		sev := sqlcore.CleanText(strings.ToUpper(string(v.Severity)))
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			args = append(args, k.Registry, k.Repository, k.Digest, sqlcore.CleanText(id), sev)
			if len(args) == 5*vulnBatch {
				if err := flush(); err != nil {
					return err
				}
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	return replaceExceptions(t, k, rep)
}

func (s *Results) PutResult(ctx context.Context, r model.Result) (bool, error) {
	stored, err := s.PutResults(ctx, []model.Result{r})
	if err != nil {
		return false, err
	}
	return stored[0], nil
}

// The statements of a result write (prepared on SQLite: PreparedWrites).
const (
	// insertTaskResultSQL goes first, so that a concurrent put of the
	// same task waits on it and then stores nothing.
	insertTaskResultSQL = `INSERT INTO task_results(task_id, registry, repository, digest, scanner, stored_at) VALUES(?,?,?,?,?,?)
		ON CONFLICT(task_id) DO NOTHING`
	upsertImageSQL = `INSERT INTO images(registry, repository, digest, tag, reference, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, report,
			index_digest, platform)
		VALUES(?,?,?,?,?,?,?,?,1,?,?,?,?,?,?)
		ON CONFLICT(registry, repository, digest) DO UPDATE SET tag=excluded.tag, reference=excluded.reference, db_digest=excluded.db_digest,
			scanned_at=excluded.scanned_at, scanned_by=excluded.scanned_by, scans=images.scans+1, packages=excluded.packages,
			vulnerabilities=excluded.vulnerabilities, severities=excluded.severities, report=excluded.report, gone_at=0,
			index_digest=CASE WHEN excluded.index_digest != '' THEN excluded.index_digest ELSE images.index_digest END,
			platform=CASE WHEN excluded.platform != '' THEN excluded.platform ELSE images.platform END`
	deleteVulnsSQL = `DELETE FROM image_vulns WHERE registry=? AND repository=? AND digest=?`
	// insertVulnSQL is one row; ReplaceVulns adds rows on PostgreSQL.
	insertVulnSQL = `INSERT INTO image_vulns(registry, repository, digest, vuln_id, severity) VALUES (?,?,?,?,?)`
	countDoneSQL  = `UPDATE scanners SET done = done + ? WHERE id = ?`
)

// putResult is PutResult's writes for one result but the scanner's
// counter (PutResults adds those up at the end of its transaction).
func putResult(t *sqlcore.Tx, r model.Result) (stored bool, err error) {
	im := r.Image
	if r.TaskID != "" {
		// First, so that a concurrent put of the same task waits
		// here for this one and then stores nothing.
		res, err := t.ExecPrepared(insertTaskResultSQL, sqlcore.CleanText(r.TaskID), im.Registry, im.Repository, im.Digest, sqlcore.CleanText(im.ScannedBy), time.Now().UnixNano())
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return false, err
		}
	}
	if _, err := t.ExecPrepared(upsertImageSQL,
		im.Registry, im.Repository, im.Digest, sqlcore.CleanText(im.Tag), sqlcore.CleanText(im.Reference), sqlcore.CleanText(im.DBDigest), sqlcore.Nanos(im.ScannedAt),
		sqlcore.CleanText(im.ScannedBy), len(r.Report.Packages), len(r.Report.Vulnerabilities), Severities(r.Report), r.Raw,
		sqlcore.CleanText(im.IndexDigest), sqlcore.CleanText(im.Platform)); err != nil {
		return false, err
	}
	if err := ReplaceVulns(t, im.Key(), r.Report); err != nil {
		return false, err
	}
	return true, nil
}

func (s *Results) TaskResults(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.db.Query(ctx, `SELECT task_id FROM task_results WHERE task_id IN `+sqlcore.In(len(chunk)), sqlcore.Anys(chunk)...)
		if err != nil {
			return nil, fmt.Errorf("looking up task results: %w", err)
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("looking up task results: %w", err)
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("looking up task results: %w", err)
		}
	}
	return out, nil
}

func (s *Results) PruneTaskResults(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM task_results WHERE stored_at < ?`, sqlcore.Nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning task results: %w", err)
	}
	return n, nil
}

func (s *Results) ResultStoredSince(ctx context.Context, k model.ImageKey, scanner string, since time.Time) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=?
		AND scanned_at >= ? AND (? = '' OR scanned_by = ?)`, sqlcore.CleanText(k.Registry), sqlcore.CleanText(k.Repository), sqlcore.CleanText(k.Digest),
		sqlcore.Nanos(since), sqlcore.CleanText(scanner), sqlcore.CleanText(scanner)).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up the result of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return n > 0, nil
}

func (s *Results) ScannedWith(ctx context.Context, k model.ImageKey, dbDigest string) (bool, error) {
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=? AND db_digest=?`,
		sqlcore.CleanText(k.Registry), sqlcore.CleanText(k.Repository), sqlcore.CleanText(k.Digest), sqlcore.CleanText(dbDigest)).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up image %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return n > 0, nil
}

const imageCols = `registry, repository, digest, tag, reference, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, gone_at,
	index_digest, platform`

func scanImage(sc sqlcore.RowScanner) (model.ImageSummary, error) {
	var (
		im       model.ImageSummary
		at, gone int64
		sev      string
	)
	if err := sc.Scan(&im.Registry, &im.Repository, &im.Digest, &im.Tag, &im.Reference, &im.DBDigest, &at, &im.ScannedBy, &im.Scans,
		&im.Packages, &im.Vulnerabilities, &sev, &gone, &im.IndexDigest, &im.Platform); err != nil {
		return im, err
	}
	im.ScannedAt = sqlcore.FromNanos(at)
	im.GoneAt = sqlcore.FromNanos(gone)
	if err := json.Unmarshal([]byte(sev), &im.Severities); err != nil {
		return im, fmt.Errorf("image %s severities: %w", im.Digest, err)
	}
	im.Fingerprint = fingerprint(at, im.DBDigest, im.Vulnerabilities, sev)
	return im, nil
}

func (s *Images) listImages(ctx context.Context, q string, args ...any) ([]model.ImageSummary, error) {
	rows, err := s.db.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	defer rows.Close()
	out := []model.ImageSummary{}
	for rows.Next() {
		im, err := scanImage(rows)
		if err != nil {
			return nil, fmt.Errorf("listing images: %w", err)
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

func (s *Images) ListImages(ctx context.Context, f model.ImageFilter) ([]model.ImageSummary, error) {
	q := `SELECT ` + imageCols + ` FROM images i WHERE 1=1`
	var args []any
	if !f.IncludeGone {
		q += ` AND gone_at = 0`
	}
	if f.Registry != "" {
		q += ` AND registry = ?`
		args = append(args, sqlcore.CleanText(f.Registry))
	}
	if f.Repository != "" {
		q += ` AND repository = ?`
		args = append(args, sqlcore.CleanText(f.Repository))
	}
	if f.Digest != "" {
		// An index digest lists the index's platforms.
		q += ` AND (digest = ? OR index_digest = ?)`
		args = append(args, sqlcore.CleanText(f.Digest), sqlcore.CleanText(f.Digest))
	}
	if f.Index != "" {
		q += ` AND index_digest = ?`
		args = append(args, sqlcore.CleanText(f.Index))
	}
	if f.Severity != "" || f.CVE != "" {
		q += ` AND EXISTS (SELECT 1 FROM image_vulns v WHERE v.registry=i.registry AND v.repository=i.repository AND v.digest=i.digest`
		if f.Severity != "" {
			q += ` AND v.severity = ?`
			args = append(args, sqlcore.CleanText(strings.ToUpper(f.Severity)))
		}
		if f.CVE != "" {
			q += ` AND v.vuln_id = ?`
			args = append(args, sqlcore.CleanText(f.CVE))
		}
		q += `)`
	}
	if f.After != nil {
		// A row-value comparison (SQLite 3.15+, PostgreSQL) in the order
		// of the listing; both back ends compare TEXT bytewise.
		q += ` AND (registry, repository, tag, digest) > (?, ?, ?, ?)`
		args = append(args, sqlcore.CleanText(f.After.Registry), sqlcore.CleanText(f.After.Repository), sqlcore.CleanText(f.After.Tag), sqlcore.CleanText(f.After.Digest))
	}
	q += ` ORDER BY registry, repository, tag, digest`
	switch {
	case f.Limit < 0:
		return nil, fmt.Errorf("%w: listing images: limit %d is negative", model.ErrInvalid, f.Limit)
	case f.Limit > 0:
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return s.listImages(ctx, q, args...)
}

func (s *Images) ImagesNotMatchedWith(ctx context.Context, dbDigest string) ([]model.ImageSummary, error) {
	return s.listImages(ctx, `SELECT `+imageCols+` FROM images WHERE db_digest != ? ORDER BY registry, repository, digest`, sqlcore.CleanText(dbDigest))
}

func (s *Images) ImageReport(ctx context.Context, digest string) ([]byte, bool, error) {
	var raw []byte
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT report FROM images WHERE digest = ? ORDER BY scanned_at DESC LIMIT 1`, sqlcore.CleanText(digest)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading image %s: %w", digest, err)
	}
	return raw, ok, nil
}

func (s *Images) Report(ctx context.Context, k model.ImageKey) ([]byte, bool, error) {
	var raw []byte
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT report FROM images WHERE registry=? AND repository=? AND digest=?`,
		sqlcore.CleanText(k.Registry), sqlcore.CleanText(k.Repository), sqlcore.CleanText(k.Digest)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading report of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return raw, ok, nil
}

func (s *Images) ImagesWithVuln(ctx context.Context, ids ...string) ([]model.ImageKey, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	clean := make([]any, len(ids))
	for i, id := range ids {
		clean[i] = sqlcore.CleanText(id)
	}
	rows, err := s.db.Query(ctx, `SELECT DISTINCT registry, repository, digest FROM image_vulns WHERE vuln_id IN `+sqlcore.In(len(ids))+
		` ORDER BY registry, repository, digest`, clean...)
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", ids[0], err)
	}
	defer rows.Close()
	var out []model.ImageKey
	for rows.Next() {
		var k model.ImageKey
		if err := rows.Scan(&k.Registry, &k.Repository, &k.Digest); err != nil {
			return nil, fmt.Errorf("looking up %s: %w", ids[0], err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *Results) PutRematch(ctx context.Context, ch model.ImageChanges, rep *report.Report, raw []byte) error {
	newJSON, _ := json.Marshal(sqlcore.NonNil(ch.New))
	fixedJSON, _ := json.Marshal(sqlcore.NonNil(ch.Fixed))
	k := model.ImageKey{Registry: ch.Registry, Repository: ch.Repository, Digest: ch.Digest}
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		res, err := t.Exec(`UPDATE images SET db_digest=?, vulnerabilities=?, severities=?, report=? WHERE registry=? AND repository=? AND digest=?`,
			sqlcore.CleanText(ch.DBAfter), len(rep.Vulnerabilities), Severities(rep), raw, k.Registry, k.Repository, k.Digest)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("image not stored (deleted meanwhile?): %v", err)
		}
		if err := ReplaceVulns(t, k, rep); err != nil {
			return err
		}
		kevJSON, _ := json.Marshal(sqlcore.NonNil(ch.EnteredKEV))
		_, err = t.Exec(`INSERT INTO image_changes(registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked) VALUES(?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(registry, repository, digest) DO UPDATE SET db_before=excluded.db_before, db_after=excluded.db_after,
				changed_at=excluded.changed_at, new_ids=excluded.new_ids, fixed_ids=excluded.fixed_ids,
				entered_kev=excluded.entered_kev, reranked=excluded.reranked`,
			k.Registry, k.Repository, k.Digest, sqlcore.CleanText(ch.DBBefore), sqlcore.CleanText(ch.DBAfter), sqlcore.Nanos(ch.ChangedAt), sqlcore.CleanText(string(newJSON)), sqlcore.CleanText(string(fixedJSON)),
			string(kevJSON), ch.Reranked)
		return err
	})
	if err != nil {
		return fmt.Errorf("storing re-match of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return nil
}

func (s *Results) ImageChanges(ctx context.Context, digest string) (model.ImageChanges, bool, error) {
	var (
		ch            model.ImageChanges
		at            int64
		newIDs, fixed string
		kev           string
	)
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked
		FROM image_changes WHERE digest = ? ORDER BY changed_at DESC LIMIT 1`, sqlcore.CleanText(digest)).
		Scan(&ch.Registry, &ch.Repository, &ch.Digest, &ch.DBBefore, &ch.DBAfter, &at, &newIDs, &fixed, &kev, &ch.Reranked))
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("reading changes of %s: %w", digest, err)
		}
		return ch, false, err
	}
	ch.ChangedAt = sqlcore.FromNanos(at)
	if err := json.Unmarshal([]byte(newIDs), &ch.New); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	if err := json.Unmarshal([]byte(fixed), &ch.Fixed); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	if err := json.Unmarshal([]byte(kev), &ch.EnteredKEV); err != nil {
		return ch, false, fmt.Errorf("changes of %s: %w", digest, err)
	}
	return ch, true, nil
}

func (s *Tags) PutTag(ctx context.Context, k model.ImageKey, tag string, at time.Time) error {
	if err := sqlcore.CheckText("image tag", k.Registry, k.Repository, k.Digest, tag); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO image_tags(registry, repository, tag, digest, updated_at) VALUES(?,?,?,?,?)
		ON CONFLICT(registry, repository, tag) DO UPDATE SET digest=excluded.digest, updated_at=excluded.updated_at, gone_at=0`,
		k.Registry, k.Repository, tag, k.Digest, sqlcore.Nanos(at)); err != nil {
		return fmt.Errorf("recording tag %s/%s:%s: %w", k.Registry, k.Repository, tag, err)
	}
	return nil
}

func (s *Tags) ImageTags(ctx context.Context) (map[model.ImageKey][]string, error) {
	out := map[model.ImageKey][]string{}
	moved := map[[3]string]string{} // registry, repository, tag -> digest
	err := s.db.EachRow(ctx, func(sc sqlcore.RowScanner) error {
		var (
			k    model.ImageKey
			tag  string
			gone int64
		)
		if err := sc.Scan(&k.Registry, &k.Repository, &tag, &k.Digest, &gone); err != nil {
			return err
		}
		if gone != 0 {
			// The tag is no longer in the registry: it names no image,
			// not even the one its result was scanned under.
			moved[[3]string{k.Registry, k.Repository, tag}] = ""
			return nil
		}
		out[k] = append(out[k], tag)
		moved[[3]string{k.Registry, k.Repository, tag}] = k.Digest
		return nil
	}, `SELECT registry, repository, tag, digest, gone_at FROM image_tags ORDER BY tag`)
	if err == nil {
		err = s.db.EachRow(ctx, func(sc sqlcore.RowScanner) error {
			var (
				k   model.ImageKey
				tag string
			)
			if err := sc.Scan(&k.Registry, &k.Repository, &k.Digest, &tag); err != nil {
				return err
			}
			if d, ok := moved[[3]string{k.Registry, k.Repository, tag}]; (ok && d != k.Digest) || slices.Contains(out[k], tag) {
				return nil
			}
			out[k] = append(out[k], tag)
			slices.Sort(out[k])
			return nil
		}, `SELECT registry, repository, digest, tag FROM images WHERE tag != ''`)
	}
	if err != nil {
		return nil, fmt.Errorf("listing tags: %w", err)
	}
	return out, nil
}

func (s *Images) DigestsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	var out []string
	// A range, not LIKE, keeps the lookup on the digest index. In byte
	// order (COLLATE "C" on PostgreSQL) prefix + the greatest code point
	// bounds every stored (valid UTF-8) text that starts with prefix.
	err := s.db.EachRow(ctx, func(sc sqlcore.RowScanner) error {
		var d string
		err := sc.Scan(&d)
		out = append(out, d)
		return err
	}, `SELECT d FROM (SELECT digest AS d FROM images WHERE digest >= ? AND digest < ?
			UNION SELECT index_digest AS d FROM images WHERE index_digest >= ? AND index_digest < ?) AS u ORDER BY d LIMIT ?`,
		sqlcore.CleanText(prefix), sqlcore.CleanText(prefix)+"\U0010FFFF", sqlcore.CleanText(prefix), sqlcore.CleanText(prefix)+"\U0010FFFF", limit)
	if err != nil {
		return nil, fmt.Errorf("looking up digest prefix %s: %w", prefix, err)
	}
	return out, nil
}

func (s *Images) FindImage(ctx context.Context, registries []string, repository, tag, digest string) (model.StoredImage, bool, error) {
	var im model.StoredImage
	if len(registries) == 0 {
		return im, false, nil
	}
	regs := make([]any, len(registries))
	for i, r := range registries {
		regs[i] = sqlcore.CleanText(r)
	}
	repository, tag, digest = sqlcore.CleanText(repository), sqlcore.CleanText(tag), sqlcore.CleanText(digest)
	byDigest := digest != ""
	set := sqlcore.In(len(registries))
	if !byDigest {
		args := append(append(append([]any{}, regs...), repository, tag), append(append([]any{}, regs...), repository, tag)...)
		ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT digest, at FROM (
				SELECT digest, updated_at AS at FROM image_tags WHERE registry IN `+set+` AND repository = ? AND tag = ? AND gone_at = 0
				UNION ALL
				SELECT CASE WHEN index_digest != '' THEN index_digest ELSE digest END, scanned_at AS at FROM images
					WHERE registry IN `+set+` AND repository = ? AND tag = ? AND gone_at = 0
					AND NOT EXISTS (SELECT 1 FROM image_tags g WHERE g.registry = images.registry AND g.repository = images.repository
						AND g.tag = images.tag AND g.gone_at != 0)) AS candidates
			ORDER BY at DESC LIMIT 1`, args...).Scan(&digest, new(int64)))
		if err != nil || !ok {
			if err != nil {
				err = fmt.Errorf("resolving %s:%s: %w", repository, tag, err)
			}
			return im, false, err
		}
	}
	var at int64
	args := append(append([]any{}, regs...), repository, digest)
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT digest, scanned_at, report FROM images WHERE registry IN `+set+` AND repository = ? AND digest = ?
		AND gone_at = 0 ORDER BY scanned_at DESC LIMIT 1`, args...).Scan(&im.Digest, &at, &im.Report))
	if err == nil && !ok {
		// An image index: judged by its worst platform.
		ok, err = s.worstPlatform(ctx, &im, &at, `registry IN `+set+` AND repository = ? AND index_digest = ?`, args...)
	}
	if err == nil && !ok && byDigest {
		// A digest names content wherever it was scanned: the same image
		// pushed to another repository has the same findings.
		ok, err = sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT digest, scanned_at, report FROM images WHERE digest = ? AND gone_at = 0 ORDER BY scanned_at DESC LIMIT 1`,
			digest).Scan(&im.Digest, &at, &im.Report))
		if err == nil && !ok {
			ok, err = s.worstPlatform(ctx, &im, &at, `index_digest = ?`, digest)
		}
	}
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("reading result of %s@%s: %w", repository, digest, err)
		}
		return im, false, err
	}
	im.ScannedAt = sqlcore.FromNanos(at)
	return im, true, nil
}

// worstPlatform reads into im the worst of the stored platforms of an
// image index selected by where (a condition on images): the most
// critical findings, then high, medium, low, then the most findings, then
// the oldest scan. An index is admitted only as far as every platform of
// it would be: the worst platform is what admission rules judge. Reports
// are read one at a time after the choice, from the counts alone.
func (s *Images) worstPlatform(ctx context.Context, im *model.StoredImage, at *int64, where string, args ...any) (bool, error) {
	type cand struct {
		digest, platform string
		at               int64
		vulns            int
		sev              map[string]int
	}
	var best *cand
	worse := func(a, b *cand) bool {
		for _, k := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW"} {
			if a.sev[k] != b.sev[k] {
				return a.sev[k] > b.sev[k]
			}
		}
		if a.vulns != b.vulns {
			return a.vulns > b.vulns
		}
		return a.at < b.at
	}
	err := s.db.EachRow(ctx, func(sc sqlcore.RowScanner) error {
		var (
			c   cand
			sev string
		)
		if err := sc.Scan(&c.digest, &c.platform, &c.at, &c.vulns, &sev); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(sev), &c.sev); err != nil {
			return fmt.Errorf("image %s severities: %w", c.digest, err)
		}
		if best == nil || worse(&c, best) {
			best = &c
		}
		return nil
	}, `SELECT digest, platform, scanned_at, vulnerabilities, severities FROM images WHERE `+where+` AND gone_at = 0`, args...)
	if err != nil || best == nil {
		return false, err
	}
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT report FROM images WHERE `+where+` AND digest = ? AND gone_at = 0 LIMIT 1`,
		append(append([]any{}, args...), best.digest)...).Scan(&im.Report))
	if err != nil || !ok {
		return false, err
	}
	im.Digest, im.Platform, *at = best.digest, best.platform, best.at
	return true, nil
}

func (s *Images) ConsoleDigest(ctx context.Context, k model.ImageKey, fp string) (string, bool, error) {
	var data string
	ok, err := sqlcore.NoRows(s.db.QueryRow(ctx, `SELECT data FROM console_digests WHERE registry=? AND repository=? AND digest=? AND fingerprint=?`,
		sqlcore.CleanText(k.Registry), sqlcore.CleanText(k.Repository), sqlcore.CleanText(k.Digest), sqlcore.CleanText(fp)).Scan(&data))
	if err != nil {
		return "", false, fmt.Errorf("reading console digest of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return data, ok, nil
}

func (s *Images) PutConsoleDigest(ctx context.Context, k model.ImageKey, fp, data string) error {
	if err := sqlcore.CheckText("image key", k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	if _, err := s.db.Exec(ctx, `INSERT INTO console_digests (registry, repository, digest, fingerprint, data) VALUES (?,?,?,?,?)
		ON CONFLICT (registry, repository, digest) DO UPDATE SET fingerprint = excluded.fingerprint, data = excluded.data`,
		k.Registry, k.Repository, k.Digest, sqlcore.CleanText(fp), sqlcore.CleanText(data)); err != nil {
		return fmt.Errorf("storing console digest of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return nil
}

func (s *Images) PruneConsoleDigests(ctx context.Context) (int64, error) {
	n, err := s.db.Affected(ctx, `DELETE FROM console_digests WHERE NOT EXISTS (SELECT 1 FROM images i
		WHERE i.registry = console_digests.registry AND i.repository = console_digests.repository AND i.digest = console_digests.digest)`)
	if err != nil {
		return 0, fmt.Errorf("pruning console digests: %w", err)
	}
	return n, nil
}

// ---- where exceptions apply

// replaceExceptions rewrites which exceptions suppress findings in k's
// report (its suppressed entries of status "exception").
func replaceExceptions(t *sqlcore.Tx, k model.ImageKey, rep *report.Report) error {
	if _, err := t.Exec(`DELETE FROM image_exceptions WHERE registry=? AND repository=? AND digest=?`, k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, s := range rep.Suppressed {
		if s.Status != exception.StatusException || s.Exception == "" || seen[s.Exception] {
			continue
		}
		seen[s.Exception] = true
		if _, err := t.Exec(`INSERT INTO image_exceptions(registry, repository, digest, exception_id) VALUES(?,?,?,?)`,
			k.Registry, k.Repository, k.Digest, sqlcore.CleanText(s.Exception)); err != nil {
			return err
		}
	}
	return nil
}
