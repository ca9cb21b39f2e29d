package protocol

import (
	"context"
	"fmt"
	"sync"

	"github.com/scanfleet/scanfleet/internal/store"
)

// resultBatcher group-commits results posted at the same time: while a
// transaction of results is being written, the posts arriving meanwhile
// queue up and go into the next one together (store.PutResults). Under
// load a controller then pays one transaction (and, on PostgreSQL, one
// WAL flush and one pooled connection) per batch instead of per result;
// a lone post is written at once, as before, so nothing waits on a
// timer. Each post still returns only once its own result is durable (or
// failed), so a task is completed only after its result is stored.
type resultBatcher struct {
	put func(context.Context, []store.Result) ([]bool, error)
	// max bounds a batch (and so the time a transaction holds its rows);
	// parallel is how many batches may be written at once.
	max, parallel int

	mu      sync.Mutex
	pending []*pendingResult
	running int
}

type pendingResult struct {
	ctx    context.Context
	r      store.Result
	done   chan struct{}
	stored bool
	err    error
}

func newResultBatcher(put func(context.Context, []store.Result) ([]bool, error), max, parallel int) *resultBatcher {
	return &resultBatcher{put: put, max: max, parallel: parallel}
}

// Put stores r (with the next batch) and reports whether it was stored,
// as store.PutResult does. It returns when r is durable or failed, or
// when ctx ends (r may then still be stored, which a repeated post of
// the task finds: puts are idempotent per task).
func (b *resultBatcher) Put(ctx context.Context, r store.Result) (bool, error) {
	p := &pendingResult{ctx: ctx, r: r, done: make(chan struct{})}
	b.mu.Lock()
	b.pending = append(b.pending, p)
	start := b.running < b.parallel
	if start {
		b.running++
	}
	b.mu.Unlock()
	if start {
		go b.drain()
	}
	select {
	case <-p.done:
		return p.stored, p.err
	case <-ctx.Done():
		return false, fmt.Errorf("storing result of task %q: %w", r.TaskID, context.Cause(ctx))
	}
}

// drain writes batches until nothing is pending. It runs only while
// there is work, so the batcher needs no Close.
func (b *resultBatcher) drain() {
	for {
		b.mu.Lock()
		var batch []*pendingResult
		for len(b.pending) > 0 && len(batch) < b.max {
			p := b.pending[0]
			b.pending[0] = nil
			b.pending = b.pending[1:]
			if p.ctx.Err() != nil {
				// Its post gave up (and answered an error): store
				// nothing nobody waits for; the scanner posts again.
				p.err = context.Cause(p.ctx)
				close(p.done)
				continue
			}
			batch = append(batch, p)
		}
		if len(batch) == 0 {
			b.running--
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.write(batch)
	}
}

// write stores one batch; if the batch fails as a whole (one bad result,
// a deadlock, a lost connection), each result is retried on its own so
// that only a failing one fails its post.
func (b *resultBatcher) write(batch []*pendingResult) {
	rs := make([]store.Result, len(batch))
	for i, p := range batch {
		rs[i] = p.r
	}
	// Each post's context is detached from its request and bounded; the
	// batch is bounded by its first post's.
	stored, err := b.put(batch[0].ctx, rs)
	if err == nil {
		for i, p := range batch {
			p.stored = stored[i]
			close(p.done)
		}
		return
	}
	if len(batch) == 1 {
		batch[0].err = err
		close(batch[0].done)
		return
	}
	for _, p := range batch {
		stored, err := b.put(p.ctx, []store.Result{p.r})
		if err == nil {
			p.stored = stored[0]
		}
		p.err = err
		close(p.done)
	}
}
