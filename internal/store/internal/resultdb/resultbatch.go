package resultdb

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/scanfleet/scanfleet/internal/store/internal/sqlcore"
	"github.com/scanfleet/scanfleet/internal/store/model"
)

// PutResults stores rs in one transaction: each as PutResult would (the
// same statements, idempotent per task id), then the scanners' done
// counters, one statement per scanner. It is all or nothing: on an error
// nothing of rs is stored and the error names the result that failed, so
// a caller batching results from independent requests can retry them
// one by one. stored[i] is PutResult's stored for rs[i].
//
// Rows are written in image-key order and the counters in scanner order,
// so batches written at once by several controllers lock rows in the
// same order and cannot deadlock on each other.
func (s *Results) PutResults(ctx context.Context, rs []model.Result) ([]bool, error) {
	for _, r := range rs {
		im := r.Image
		if err := sqlcore.CheckText("image key", im.Registry, im.Repository, im.Digest); err != nil {
			return nil, err
		}
		if r.Report == nil {
			return nil, fmt.Errorf("%w: result of %s/%s@%s has no report", model.ErrInvalid, im.Registry, im.Repository, im.Digest)
		}
	}
	order := make([]int, len(rs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		ka, kb := rs[a].Image, rs[b].Image
		return cmp.Or(cmp.Compare(ka.Registry, kb.Registry), cmp.Compare(ka.Repository, kb.Repository), cmp.Compare(ka.Digest, kb.Digest))
	})
	stored := make([]bool, len(rs))
	named := false // the error names its result already
	err := s.db.WithTx(ctx, func(t *sqlcore.Tx) error {
		done := map[string]int{}
		for _, i := range order {
			r := rs[i]
			ok, err := putResult(t, r)
			if err != nil {
				im := r.Image
				named = true
				return fmt.Errorf("storing result of %s/%s@%s (task %q): %w", im.Registry, im.Repository, im.Digest, r.TaskID, err)
			}
			stored[i] = ok
			if ok && r.TaskID != "" {
				done[sqlcore.CleanText(r.Image.ScannedBy)]++
			}
		}
		scanners := make([]string, 0, len(done))
		for id := range done {
			scanners = append(scanners, id)
		}
		slices.Sort(scanners)
		for _, id := range scanners {
			if _, err := t.ExecPrepared(countDoneSQL, done[id], id); err != nil {
				named = true
				return fmt.Errorf("counting the scans of scanner %s: %w", id, err)
			}
		}
		return nil
	})
	switch {
	case err == nil:
		return stored, nil
	case len(rs) > 1:
		return nil, fmt.Errorf("storing %d results in one transaction: %w", len(rs), err)
	case named:
		return nil, err
	default: // begin or commit
		im := rs[0].Image
		return nil, fmt.Errorf("storing result of %s/%s@%s (task %q): %w", im.Registry, im.Repository, im.Digest, rs[0].TaskID, err)
	}
}
