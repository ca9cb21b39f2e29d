package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/report"
)

// severities counts a report's findings per upper-case severity, as JSON
// (json.Marshal sorts map keys, so equal counts give equal text).
func severities(rep *report.Report) string {
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

// replaceVulns rewrites the CVE index of one image: every finding's ID and
// aliases. The caller has already locked the images row (upsert/update),
// which serialises concurrent writers of the same image.
func (t *tx) replaceVulns(k ImageKey, rep *report.Report) error {
	if _, err := t.execPrepared(deleteVulnsSQL, k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	if t.s.stmts != nil {
		// SQLite, in process: one prepared row at a time costs less
		// than parsing a multi-row statement on every result.
		for _, v := range rep.Vulnerabilities {
			sev := cleanText(strings.ToUpper(string(v.Severity)))
			for _, id := range append([]string{v.ID}, v.Aliases...) {
				if _, err := t.execPrepared(insertVulnSQL, k.Registry, k.Repository, k.Digest, cleanText(id), sev); err != nil {
					return err
				}
			}
		}
		return t.replaceExceptions(k, rep)
	}
	var args []any
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		n := len(args) / 5
		q := insertVulnSQL + strings.Repeat(",(?,?,?,?,?)", n-1)
		_, err := t.exec(q, args...)
		args = args[:0]
		return err
	}
	for _, v := range rep.Vulnerabilities {
		sev := cleanText(strings.ToUpper(string(v.Severity)))
		for _, id := range append([]string{v.ID}, v.Aliases...) {
			args = append(args, k.Registry, k.Repository, k.Digest, cleanText(id), sev)
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
	return t.replaceExceptions(k, rep)
}

func (s *db) PutResult(ctx context.Context, r Result) (bool, error) {
	stored, err := s.PutResults(ctx, []Result{r})
	if err != nil {
		return false, err
	}
	return stored[0], nil
}

// The statements of a result write (prepared on SQLite: stmtCache).
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
	// insertVulnSQL is one row; replaceVulns adds rows on PostgreSQL.
	insertVulnSQL = `INSERT INTO image_vulns(registry, repository, digest, vuln_id, severity) VALUES (?,?,?,?,?)`
	countDoneSQL  = `UPDATE scanners SET done = done + ? WHERE id = ?`
)

// putResult is PutResult's writes for one result but the scanner's
// counter (PutResults adds those up at the end of its transaction).
func (t *tx) putResult(r Result) (stored bool, err error) {
	im := r.Image
	if r.TaskID != "" {
		// First, so that a concurrent put of the same task waits
		// here for this one and then stores nothing.
		res, err := t.execPrepared(insertTaskResultSQL, cleanText(r.TaskID), im.Registry, im.Repository, im.Digest, cleanText(im.ScannedBy), time.Now().UnixNano())
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return false, err
		}
	}
	if _, err := t.execPrepared(upsertImageSQL,
		im.Registry, im.Repository, im.Digest, cleanText(im.Tag), cleanText(im.Reference), cleanText(im.DBDigest), nanos(im.ScannedAt),
		cleanText(im.ScannedBy), len(r.Report.Packages), len(r.Report.Vulnerabilities), severities(r.Report), r.Raw,
		cleanText(im.IndexDigest), cleanText(im.Platform)); err != nil {
		return false, err
	}
	if err := t.replaceVulns(im.Key(), r.Report); err != nil {
		return false, err
	}
	return true, nil
}

func (s *db) TaskResults(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.query(ctx, `SELECT task_id FROM task_results WHERE task_id IN `+in(len(chunk)), anys(chunk)...)
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

func (s *db) PruneTaskResults(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM task_results WHERE stored_at < ?`, nanos(before))
	if err != nil {
		return 0, fmt.Errorf("pruning task results: %w", err)
	}
	return n, nil
}

func (s *db) ResultStoredSince(ctx context.Context, k ImageKey, scanner string, since time.Time) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=?
		AND scanned_at >= ? AND (? = '' OR scanned_by = ?)`, cleanText(k.Registry), cleanText(k.Repository), cleanText(k.Digest),
		nanos(since), cleanText(scanner), cleanText(scanner)).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up the result of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return n > 0, nil
}

func (s *db) ScannedWith(ctx context.Context, k ImageKey, dbDigest string) (bool, error) {
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=? AND db_digest=?`,
		cleanText(k.Registry), cleanText(k.Repository), cleanText(k.Digest), cleanText(dbDigest)).Scan(&n); err != nil {
		return false, fmt.Errorf("looking up image %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return n > 0, nil
}

const imageCols = `registry, repository, digest, tag, reference, db_digest, scanned_at, scanned_by, scans, packages, vulnerabilities, severities, gone_at,
	index_digest, platform`

func scanImage(sc rowScanner) (ImageSummary, error) {
	var (
		im       ImageSummary
		at, gone int64
		sev      string
	)
	if err := sc.Scan(&im.Registry, &im.Repository, &im.Digest, &im.Tag, &im.Reference, &im.DBDigest, &at, &im.ScannedBy, &im.Scans,
		&im.Packages, &im.Vulnerabilities, &sev, &gone, &im.IndexDigest, &im.Platform); err != nil {
		return im, err
	}
	im.ScannedAt = fromNanos(at)
	im.GoneAt = fromNanos(gone)
	if err := json.Unmarshal([]byte(sev), &im.Severities); err != nil {
		return im, fmt.Errorf("image %s severities: %w", im.Digest, err)
	}
	im.Fingerprint = fingerprint(at, im.DBDigest, im.Vulnerabilities, sev)
	return im, nil
}

func (s *db) listImages(ctx context.Context, q string, args ...any) ([]ImageSummary, error) {
	rows, err := s.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("listing images: %w", err)
	}
	defer rows.Close()
	out := []ImageSummary{}
	for rows.Next() {
		im, err := scanImage(rows)
		if err != nil {
			return nil, fmt.Errorf("listing images: %w", err)
		}
		out = append(out, im)
	}
	return out, rows.Err()
}

func (s *db) ListImages(ctx context.Context, f ImageFilter) ([]ImageSummary, error) {
	q := `SELECT ` + imageCols + ` FROM images i WHERE 1=1`
	var args []any
	if !f.IncludeGone {
		q += ` AND gone_at = 0`
	}
	if f.Registry != "" {
		q += ` AND registry = ?`
		args = append(args, cleanText(f.Registry))
	}
	if f.Repository != "" {
		q += ` AND repository = ?`
		args = append(args, cleanText(f.Repository))
	}
	if f.Digest != "" {
		// An index digest lists the index's platforms.
		q += ` AND (digest = ? OR index_digest = ?)`
		args = append(args, cleanText(f.Digest), cleanText(f.Digest))
	}
	if f.Index != "" {
		q += ` AND index_digest = ?`
		args = append(args, cleanText(f.Index))
	}
	if f.Severity != "" || f.CVE != "" {
		q += ` AND EXISTS (SELECT 1 FROM image_vulns v WHERE v.registry=i.registry AND v.repository=i.repository AND v.digest=i.digest`
		if f.Severity != "" {
			q += ` AND v.severity = ?`
			args = append(args, cleanText(strings.ToUpper(f.Severity)))
		}
		if f.CVE != "" {
			q += ` AND v.vuln_id = ?`
			args = append(args, cleanText(f.CVE))
		}
		q += `)`
	}
	if f.After != nil {
		// A row-value comparison (SQLite 3.15+, PostgreSQL) in the order
		// of the listing; both back ends compare TEXT bytewise.
		q += ` AND (registry, repository, tag, digest) > (?, ?, ?, ?)`
		args = append(args, cleanText(f.After.Registry), cleanText(f.After.Repository), cleanText(f.After.Tag), cleanText(f.After.Digest))
	}
	q += ` ORDER BY registry, repository, tag, digest`
	switch {
	case f.Limit < 0:
		return nil, fmt.Errorf("%w: listing images: limit %d is negative", ErrInvalid, f.Limit)
	case f.Limit > 0:
		q += ` LIMIT ?`
		args = append(args, f.Limit)
	}
	return s.listImages(ctx, q, args...)
}

func (s *db) ImagesNotMatchedWith(ctx context.Context, dbDigest string) ([]ImageSummary, error) {
	return s.listImages(ctx, `SELECT `+imageCols+` FROM images WHERE db_digest != ? ORDER BY registry, repository, digest`, cleanText(dbDigest))
}

func (s *db) ImageReport(ctx context.Context, digest string) ([]byte, bool, error) {
	var raw []byte
	ok, err := noRows(s.queryRow(ctx, `SELECT report FROM images WHERE digest = ? ORDER BY scanned_at DESC LIMIT 1`, cleanText(digest)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading image %s: %w", digest, err)
	}
	return raw, ok, nil
}

func (s *db) Report(ctx context.Context, k ImageKey) ([]byte, bool, error) {
	var raw []byte
	ok, err := noRows(s.queryRow(ctx, `SELECT report FROM images WHERE registry=? AND repository=? AND digest=?`,
		cleanText(k.Registry), cleanText(k.Repository), cleanText(k.Digest)).Scan(&raw))
	if err != nil {
		return nil, false, fmt.Errorf("reading report of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return raw, ok, nil
}

func (s *db) ImagesWithVuln(ctx context.Context, ids ...string) ([]ImageKey, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	clean := make([]any, len(ids))
	for i, id := range ids {
		clean[i] = cleanText(id)
	}
	rows, err := s.query(ctx, `SELECT DISTINCT registry, repository, digest FROM image_vulns WHERE vuln_id IN `+in(len(ids))+
		` ORDER BY registry, repository, digest`, clean...)
	if err != nil {
		return nil, fmt.Errorf("looking up %s: %w", ids[0], err)
	}
	defer rows.Close()
	var out []ImageKey
	for rows.Next() {
		var k ImageKey
		if err := rows.Scan(&k.Registry, &k.Repository, &k.Digest); err != nil {
			return nil, fmt.Errorf("looking up %s: %w", ids[0], err)
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

func (s *db) PutRematch(ctx context.Context, ch ImageChanges, rep *report.Report, raw []byte) error {
	newJSON, _ := json.Marshal(nonNil(ch.New))
	fixedJSON, _ := json.Marshal(nonNil(ch.Fixed))
	k := ImageKey{ch.Registry, ch.Repository, ch.Digest}
	err := s.withTx(ctx, func(t *tx) error {
		res, err := t.exec(`UPDATE images SET db_digest=?, vulnerabilities=?, severities=?, report=? WHERE registry=? AND repository=? AND digest=?`,
			cleanText(ch.DBAfter), len(rep.Vulnerabilities), severities(rep), raw, k.Registry, k.Repository, k.Digest)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return fmt.Errorf("image not stored (deleted meanwhile?): %v", err)
		}
		if err := t.replaceVulns(k, rep); err != nil {
			return err
		}
		kevJSON, _ := json.Marshal(nonNil(ch.EnteredKEV))
		_, err = t.exec(`INSERT INTO image_changes(registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked) VALUES(?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(registry, repository, digest) DO UPDATE SET db_before=excluded.db_before, db_after=excluded.db_after,
				changed_at=excluded.changed_at, new_ids=excluded.new_ids, fixed_ids=excluded.fixed_ids,
				entered_kev=excluded.entered_kev, reranked=excluded.reranked`,
			k.Registry, k.Repository, k.Digest, cleanText(ch.DBBefore), cleanText(ch.DBAfter), nanos(ch.ChangedAt), cleanText(string(newJSON)), cleanText(string(fixedJSON)),
			string(kevJSON), ch.Reranked)
		return err
	})
	if err != nil {
		return fmt.Errorf("storing re-match of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *db) ImageChanges(ctx context.Context, digest string) (ImageChanges, bool, error) {
	var (
		ch            ImageChanges
		at            int64
		newIDs, fixed string
		kev           string
	)
	ok, err := noRows(s.queryRow(ctx, `SELECT registry, repository, digest, db_before, db_after, changed_at, new_ids, fixed_ids, entered_kev, reranked
		FROM image_changes WHERE digest = ? ORDER BY changed_at DESC LIMIT 1`, cleanText(digest)).
		Scan(&ch.Registry, &ch.Repository, &ch.Digest, &ch.DBBefore, &ch.DBAfter, &at, &newIDs, &fixed, &kev, &ch.Reranked))
	if err != nil || !ok {
		if err != nil {
			err = fmt.Errorf("reading changes of %s: %w", digest, err)
		}
		return ch, false, err
	}
	ch.ChangedAt = fromNanos(at)
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

func (s *db) PutTag(ctx context.Context, k ImageKey, tag string, at time.Time) error {
	if err := checkText("image tag", k.Registry, k.Repository, k.Digest, tag); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO image_tags(registry, repository, tag, digest, updated_at) VALUES(?,?,?,?,?)
		ON CONFLICT(registry, repository, tag) DO UPDATE SET digest=excluded.digest, updated_at=excluded.updated_at, gone_at=0`,
		k.Registry, k.Repository, tag, k.Digest, nanos(at)); err != nil {
		return fmt.Errorf("recording tag %s/%s:%s: %w", k.Registry, k.Repository, tag, err)
	}
	return nil
}

func (s *db) ImageTags(ctx context.Context) (map[ImageKey][]string, error) {
	out := map[ImageKey][]string{}
	moved := map[[3]string]string{} // registry, repository, tag -> digest
	err := s.eachRow(ctx, func(sc rowScanner) error {
		var (
			k    ImageKey
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
		err = s.eachRow(ctx, func(sc rowScanner) error {
			var (
				k   ImageKey
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

func (s *db) DigestsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error) {
	var out []string
	// A range, not LIKE, keeps the lookup on the digest index. In byte
	// order (COLLATE "C" on PostgreSQL) prefix + the greatest code point
	// bounds every stored (valid UTF-8) text that starts with prefix.
	err := s.eachRow(ctx, func(sc rowScanner) error {
		var d string
		err := sc.Scan(&d)
		out = append(out, d)
		return err
	}, `SELECT d FROM (SELECT digest AS d FROM images WHERE digest >= ? AND digest < ?
			UNION SELECT index_digest AS d FROM images WHERE index_digest >= ? AND index_digest < ?) AS u ORDER BY d LIMIT ?`,
		cleanText(prefix), cleanText(prefix)+"\U0010FFFF", cleanText(prefix), cleanText(prefix)+"\U0010FFFF", limit)
	if err != nil {
		return nil, fmt.Errorf("looking up digest prefix %s: %w", prefix, err)
	}
	return out, nil
}

func (s *db) FindImage(ctx context.Context, registries []string, repository, tag, digest string) (StoredImage, bool, error) {
	var im StoredImage
	if len(registries) == 0 {
		return im, false, nil
	}
	regs := make([]any, len(registries))
	for i, r := range registries {
		regs[i] = cleanText(r)
	}
	repository, tag, digest = cleanText(repository), cleanText(tag), cleanText(digest)
	byDigest := digest != ""
	set := in(len(registries))
	if !byDigest {
		args := append(append(append([]any{}, regs...), repository, tag), append(append([]any{}, regs...), repository, tag)...)
		ok, err := noRows(s.queryRow(ctx, `SELECT digest, at FROM (
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
	ok, err := noRows(s.queryRow(ctx, `SELECT digest, scanned_at, report FROM images WHERE registry IN `+set+` AND repository = ? AND digest = ?
		AND gone_at = 0 ORDER BY scanned_at DESC LIMIT 1`, args...).Scan(&im.Digest, &at, &im.Report))
	if err == nil && !ok {
		// An image index: judged by its worst platform.
		ok, err = s.worstPlatform(ctx, &im, &at, `registry IN `+set+` AND repository = ? AND index_digest = ?`, args...)
	}
	if err == nil && !ok && byDigest {
		// A digest names content wherever it was scanned: the same image
		// pushed to another repository has the same findings.
		ok, err = noRows(s.queryRow(ctx, `SELECT digest, scanned_at, report FROM images WHERE digest = ? AND gone_at = 0 ORDER BY scanned_at DESC LIMIT 1`,
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
	im.ScannedAt = fromNanos(at)
	return im, true, nil
}

// worstPlatform reads into im the worst of the stored platforms of an
// image index selected by where (a condition on images): the most
// critical findings, then high, medium, low, then the most findings, then
// the oldest scan. An index is admitted only as far as every platform of
// it would be: the worst platform is what admission rules judge. Reports
// are read one at a time after the choice, from the counts alone.
func (s *db) worstPlatform(ctx context.Context, im *StoredImage, at *int64, where string, args ...any) (bool, error) {
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
	err := s.eachRow(ctx, func(sc rowScanner) error {
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
	ok, err := noRows(s.queryRow(ctx, `SELECT report FROM images WHERE `+where+` AND digest = ? AND gone_at = 0 LIMIT 1`,
		append(append([]any{}, args...), best.digest)...).Scan(&im.Report))
	if err != nil || !ok {
		return false, err
	}
	im.Digest, im.Platform, *at = best.digest, best.platform, best.at
	return true, nil
}

func (s *db) ConsoleDigest(ctx context.Context, k ImageKey, fp string) (string, bool, error) {
	var data string
	ok, err := noRows(s.queryRow(ctx, `SELECT data FROM console_digests WHERE registry=? AND repository=? AND digest=? AND fingerprint=?`,
		cleanText(k.Registry), cleanText(k.Repository), cleanText(k.Digest), cleanText(fp)).Scan(&data))
	if err != nil {
		return "", false, fmt.Errorf("reading console digest of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return data, ok, nil
}

func (s *db) PutConsoleDigest(ctx context.Context, k ImageKey, fp, data string) error {
	if err := checkText("image key", k.Registry, k.Repository, k.Digest); err != nil {
		return err
	}
	if _, err := s.exec(ctx, `INSERT INTO console_digests (registry, repository, digest, fingerprint, data) VALUES (?,?,?,?,?)
		ON CONFLICT (registry, repository, digest) DO UPDATE SET fingerprint = excluded.fingerprint, data = excluded.data`,
		k.Registry, k.Repository, k.Digest, cleanText(fp), cleanText(data)); err != nil {
		return fmt.Errorf("storing console digest of %s/%s@%s: %w", k.Registry, k.Repository, k.Digest, err)
	}
	return nil
}

func (s *db) PruneConsoleDigests(ctx context.Context) (int64, error) {
	n, err := s.affected(ctx, `DELETE FROM console_digests WHERE NOT EXISTS (SELECT 1 FROM images i
		WHERE i.registry = console_digests.registry AND i.repository = console_digests.repository AND i.digest = console_digests.digest)`)
	if err != nil {
		return 0, fmt.Errorf("pruning console digests: %w", err)
	}
	return n, nil
}
