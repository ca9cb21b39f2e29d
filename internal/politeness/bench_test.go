package politeness

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/queue"
)

// BenchmarkLimitedPulls is issue #23's benchmark at the queue: 1,000
// images across 50 repositories of one registry limited to N concurrent
// pulls, 16 scanners leasing through the Governor's limits from the real
// SQLite queue, each "pull" holding its lease for 2 ms. It reports the
// most pulls seen at once (must never exceed N), failures (must be 0) and
// images per second.
func BenchmarkLimitedPulls(b *testing.B) {
	for _, n := range []int{1, 4, 8} {
		b.Run(fmt.Sprintf("max-pulls=%d", n), func(b *testing.B) {
			for range b.N {
				peak, failed, elapsed := runLimitedFleet(b, n, 16, 1000, 50, 2*time.Millisecond)
				if peak > n || failed != 0 {
					b.Fatalf("peak %d pulls at once (max %d), %d failed", peak, n, failed)
				}
				b.ReportMetric(float64(peak), "peak-pulls")
				b.ReportMetric(float64(failed), "failed")
				b.ReportMetric(1000/elapsed.Seconds(), "images/s")
			}
		})
	}
}

func runLimitedFleet(tb testing.TB, maxPulls, scanners, images, repos int, pull time.Duration) (peak, failed int, elapsed time.Duration) {
	ctx := context.Background()
	q, err := queue.OpenSQLite(ctx, filepath.Join(tb.TempDir(), "q.db"))
	if err != nil {
		tb.Fatal(err)
	}
	defer q.Close()
	tasks := make([]queue.Task, images)
	for i := range tasks {
		tasks[i] = queue.Task{Key: fmt.Sprintf("hub/team/app%02d@sha256:%064d|db", i%repos, i)}
	}
	if _, err := q.EnqueueBatch(ctx, tasks); err != nil {
		tb.Fatal(err)
	}
	g := New(nil, nil)
	regs := map[string]Limits{"hub": {MaxPulls: maxPulls}}
	ll := q.(queue.LimitedLeaser)
	var (
		mu       sync.Mutex
		running  int
		finished int
		wg       sync.WaitGroup
	)
	start := time.Now()
	deadline := start.Add(5 * time.Minute)
	for w := range scanners {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := fmt.Sprintf("scanner-%d", w)
			for time.Now().Before(deadline) {
				limits, err := g.Limits(ctx, regs)
				if err != nil {
					tb.Error(err)
					return
				}
				got, err := ll.LeaseLimited(ctx, name, 1, time.Minute, limits)
				if err != nil {
					tb.Error(err)
					return
				}
				if len(got) == 0 {
					mu.Lock()
					all := finished == images
					mu.Unlock()
					if all {
						return
					}
					time.Sleep(200 * time.Microsecond)
					continue
				}
				for _, t := range got {
					if !strings.HasPrefix(t.Key, "hub/") {
						tb.Errorf("unexpected task %s", t.Key)
					}
					mu.Lock()
					running++
					peak = max(peak, running)
					mu.Unlock()
					time.Sleep(pull)
					mu.Lock()
					running--
					finished++
					mu.Unlock()
					if err := q.Complete(ctx, name, t.ID); err != nil {
						tb.Error(err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed = time.Since(start)
	counts, err := q.Counts(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	if counts[queue.StateDone] != images {
		tb.Fatalf("queue counts %v, want %d done", counts, images)
	}
	return peak, counts[queue.StateFailed], elapsed
}
