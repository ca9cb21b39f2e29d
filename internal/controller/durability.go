package controller

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
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
// Controllers sharing a PostgreSQL queue share the store too, so the
// leader judges every task; tasks last held by a scanner the store does
// not know (a queue shared with controllers on another store) are left
// alone. Tasks found sound are remembered (by id and update time) so a
// sweep reads only what changed.
func (c *Controller) sweepResults(ctx context.Context) (int, error) {
	done, err := c.queue.List(ctx, queue.ListFilter{States: []queue.State{queue.StateDone}})
	if err != nil {
		return 0, fmt.Errorf("result sweep: %w", err)
	}
	scs, err := c.store.ListScanners(ctx, store.ScannerFilter{})
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
		var p web.TaskPayload
		if !ours[t.LeasedBy] || json.Unmarshal(t.Payload, &p) != nil {
			sound[t.ID] = t.UpdatedAt
			continue
		}
		exists, seen := regs[p.Registry]
		if !seen {
			if _, exists, err = c.store.GetRegistry(ctx, p.Registry); err != nil {
				return requeued, fmt.Errorf("result sweep: %w", err)
			}
			regs[p.Registry] = exists
		}
		if !exists {
			// Completed without a scan because its registry was deleted.
			sound[t.ID] = t.UpdatedAt
			continue
		}
		stored, err := c.store.ResultStoredSince(ctx, store.ImageKey{Registry: p.Registry, Repository: p.Repository, Digest: p.Digest}, "", t.CreatedAt)
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
