package resultdb

import (
	"context"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// GoneBatch bounds the keys of one UPDATE ... IN (...) of MarkGone (3 per
// tag), below both back ends' variable limits.
const GoneBatch = 300

// MarkGone compares what is stored for registry with what a complete
// crawl saw. It reads the registry's tags and images (keys only) and
// updates only rows whose state changes, in one transaction, so a crawl
// that finds everything where it was writes nothing.
func (s *Tags) MarkGone(ctx context.Context, registry string, seen []model.Seen, inScope func(string) bool, at time.Time) (model.GoneCounts, error) {
	var n model.GoneCounts
	if err := sqlcore.CheckText("registry name", registry); err != nil {
		return n, err
	}
	if at.IsZero() {
		return n, fmt.Errorf("%w: marking images of %q gone: no time", model.ErrInvalid, registry)
	}
	type repoTag struct{ repo, tag string }
	type repoDigest struct{ repo, digest string }
	seenTags := map[repoTag]bool{}
	seenDigests := map[repoDigest]bool{}
	for _, e := range seen {
		if e.Tag != "" {
			seenTags[repoTag{e.Repository, e.Tag}] = true
		}
		if e.Digest != "" {
			seenDigests[repoDigest{e.Repository, e.Digest}] = true
		}
	}
	scoped := func(repo string) bool { return inScope == nil || inScope(repo) }

	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		n = model.GoneCounts{}
		var goneTags, backTags, goneImages, backImages [][]any
		err := t.Each(func(sc sqlcore.RowScanner) error {
			var (
				repo, tag string
				gone      int64
			)
			if err := sc.Scan(&repo, &tag, &gone); err != nil {
				return err
			}
			switch {
			case seenTags[repoTag{repo, tag}] && gone != 0:
				backTags = append(backTags, []any{registry, repo, tag})
			case !seenTags[repoTag{repo, tag}] && gone == 0 && scoped(repo):
				goneTags = append(goneTags, []any{registry, repo, tag})
			}
			return nil
		}, `SELECT repository, tag, gone_at FROM image_tags WHERE registry = ?`+s.db.ForUpdate(), registry)
		if err != nil {
			return fmt.Errorf("reading tags: %w", err)
		}
		err = t.Each(func(sc sqlcore.RowScanner) error {
			var (
				repo, digest string
				gone         int64
			)
			if err := sc.Scan(&repo, &digest, &gone); err != nil {
				return err
			}
			switch {
			case seenDigests[repoDigest{repo, digest}] && gone != 0:
				backImages = append(backImages, []any{registry, repo, digest})
			case !seenDigests[repoDigest{repo, digest}] && gone == 0 && scoped(repo):
				goneImages = append(goneImages, []any{registry, repo, digest})
			}
			return nil
		}, `SELECT repository, digest, gone_at FROM images WHERE registry = ?`+s.db.ForUpdate(), registry)
		if err != nil {
			return fmt.Errorf("reading images: %w", err)
		}
		for _, u := range []struct {
			table, key string
			rows       [][]any
			gone       int64
			count      *int
		}{
			{"image_tags", "tag", goneTags, sqlcore.Nanos(at), &n.TagsGone},
			{"image_tags", "tag", backTags, 0, &n.TagsBack},
			{"images", "digest", goneImages, sqlcore.Nanos(at), &n.ImagesGone},
			{"images", "digest", backImages, 0, &n.ImagesBack},
		} {
			for start := 0; start < len(u.rows); start += GoneBatch {
				chunk := u.rows[start:min(start+GoneBatch, len(u.rows))]
				args := []any{u.gone}
				for _, r := range chunk {
					args = append(args, r...)
				}
				res, err := t.Exec(`UPDATE `+u.table+` SET gone_at = ? WHERE (registry, repository, `+u.key+`) IN (VALUES `+tuples(len(chunk))+`)`, args...)
				if err != nil {
					return fmt.Errorf("updating %s: %w", u.table, err)
				}
				c, err := res.RowsAffected()
				if err != nil {
					return err
				}
				*u.count += int(c)
			}
		}
		return nil
	})
	if err != nil {
		return model.GoneCounts{}, fmt.Errorf("marking images of %q gone: %w", registry, err)
	}
	return n, nil
}

// tuples is "(?,?,?),(?,?,?)..." for n rows of three values.
func tuples(n int) string {
	out := make([]byte, 0, n*8)
	for i := range n {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, "(?,?,?)"...)
	}
	return string(out)
}
