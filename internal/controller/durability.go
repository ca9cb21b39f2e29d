package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/queue"
)

// resultSweepInterval is how often Run looks for tasks done without a
// stored result.
const resultSweepInterval = 30 * time.Second

// sweepResults finds tasks that are done although their image has no
// result stored since the task was created, and queues them again. The
// result handler stores before it completes, so this repairs what older
// controllers, crashes of the state database or manual edits left; it is
// the proof behind "nothing is lost" rather than the mechanism.
//
// Only tasks last held by a scanner registered with this controller are
// considered: controllers sharing a PostgreSQL queue each keep their own
// results, and another controller's task is not ours to judge. Tasks
// found sound are remembered (by id and update time) so a sweep reads
// only what changed.
func (c *Controller) sweepResults(ctx context.Context) (int, error) {
	done, err := c.queue.List(ctx, queue.ListFilter{States: []queue.State{queue.StateDone}})
	if err != nil {
		return 0, fmt.Errorf("result sweep: %w", err)
	}
	scs, err := c.store.listScanners(ctx, "")
	if err != nil {
		return 0, fmt.Errorf("result sweep: %w", err)
	}
	ours := make(map[string]bool, len(scs))
	for _, sc := range scs {
		ours[sc.ID] = true
	}
	c.mu.Lock()
	prev := c.sweptOK
	c.mu.Unlock()
	sound := make(map[string]time.Time, len(done))
	regs := map[string]bool{}
	requeued := 0
	for _, t := range done {
		if at, ok := prev[t.ID]; ok && at.Equal(t.UpdatedAt) {
			sound[t.ID] = at
			continue
		}
		var p taskPayload
		if !ours[t.LeasedBy] || json.Unmarshal(t.Payload, &p) != nil {
			sound[t.ID] = t.UpdatedAt
			continue
		}
		exists, seen := regs[p.Registry]
		if !seen {
			if _, exists, err = c.store.getRegistry(ctx, p.Registry); err != nil {
				return requeued, fmt.Errorf("result sweep: %w", err)
			}
			regs[p.Registry] = exists
		}
		if !exists {
			// Completed without a scan because its registry was deleted.
			sound[t.ID] = t.UpdatedAt
			continue
		}
		stored, err := c.resultStoredSince(ctx, p, "", t.CreatedAt)
		if err != nil {
			return requeued, fmt.Errorf("result sweep: %w", err)
		}
		if stored {
			sound[t.ID] = t.UpdatedAt
			continue
		}
		ok, err := c.queue.Requeue(ctx, t.ID, "completed without a stored result; queued again")
		if err != nil {
			return requeued, fmt.Errorf("result sweep: %w", err)
		}
		if ok {
			requeued++
			c.log.Warn("task was done without a stored result; queued again", "task", t.ID, "image", p.Reference, "scanner", t.LeasedBy)
		}
	}
	c.mu.Lock()
	c.sweptOK = sound
	c.mu.Unlock()
	return requeued, nil
}

// resultStoredSince reports whether the image has a result stored at or
// after since, by scanner unless scanner is "".
func (s *store) resultStoredSince(ctx context.Context, registry, repo, digest, scanner string, since time.Time) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM images WHERE registry=? AND repository=? AND digest=?
		AND scanned_at >= ? AND (? = '' OR scanned_by = ?)`, registry, repo, digest, since.UnixNano(), scanner, scanner).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("looking up the result of %s/%s@%s: %w", registry, repo, digest, err)
	}
	return n > 0, nil
}
