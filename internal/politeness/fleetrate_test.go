package politeness

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/store"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// settingsOnly hides a store's shared buckets: the Governor then keeps
// its rate per replica, as before the buckets moved into the store.
type settingsOnly struct{ Shared }

// TestFleetWideRate: two controller replicas (two Governors, each on its
// own connection to one store) lease as fast as they can while an
// injected clock advances 100 ms per round for 10 s. With the start-rate
// bucket in the shared store, the starts of both together stay within
// the bucket's arithmetic: at most burst + rate × window in every window
// (counted from the starts each replica records at its clock time), and
// the budget is used (no starvation). Without it (each replica its own
// bucket) they start twice the rate, which is what the shared bucket
// fixes. On SQLite (two handles on one file) and PostgreSQL.
func TestFleetWideRate(t *testing.T) {
	const (
		rate   = 5.0
		step   = 100 * time.Millisecond
		rounds = 100 // 10 s
		tries  = 3   // leases per replica per round
	)
	for _, b := range []struct {
		name string
		open func(t *testing.T) (store.Store, store.Store)
	}{
		{"sqlite", openSQLitePair},
		{"postgres", openPostgresPair},
	} {
		for _, c := range []struct {
			name     string
			shared   bool
			min, max int // total starts over the 10 s
			window   int // most starts in any 1 s window
		}{
			// burst 5 at the start + 5/s for 10 s.
			{"shared bucket", true, 50, 55, 10},
			// Each replica: its own burst and rate.
			{"per replica", false, 100, 110, 20},
		} {
			t.Run(b.name+"/"+c.name, func(t *testing.T) {
				s1, s2 := b.open(t)
				clk := &clock{t: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
				var govs []*Governor
				for _, s := range []store.Store{s1, s2} {
					var sh Shared = s
					if !c.shared {
						sh = settingsOnly{s}
					}
					govs = append(govs, New(sh, clk.now))
				}
				ctx := context.Background()
				var starts []time.Time
				for range rounds {
					var (
						mu sync.Mutex
						wg sync.WaitGroup
					)
					for _, g := range govs {
						wg.Go(func() {
							for i := range tries {
								res, err := g.Reserve(ctx, map[string]Limits{"hub": {PullsPerSecond: rate}})
								if err != nil {
									t.Error(err)
									return
								}
								n := 0
								for _, l := range res.Limits {
									if l.Prefix == KeyPrefix("hub") {
										n = l.MaxNew
									}
								}
								// A lease takes all it is offered, or on
								// odd tries one less (fewer tasks queued),
								// giving the rest back.
								took := n
								if i%2 == 1 && took > 0 {
									took--
								}
								res.Done(ctx, map[string]int{"hub": took})
								mu.Lock()
								for range took {
									starts = append(starts, clk.now())
								}
								mu.Unlock()
							}
						})
					}
					wg.Wait()
					clk.add(step)
				}
				if len(starts) < c.min || len(starts) > c.max {
					t.Errorf("%d starts in %v at %g/s, want %d to %d", len(starts), rounds*step, rate, c.min, c.max)
				}
				most := 0
				for _, from := range starts {
					n := 0
					for _, at := range starts {
						if !at.Before(from) && at.Before(from.Add(time.Second)) {
							n++
						}
					}
					most = max(most, n)
				}
				if most > c.window {
					t.Errorf("%d starts in one second, want at most %d (burst %d + %g/s)", most, c.window, burst(rate), rate)
				}
				t.Logf("%d starts, at most %d in a second", len(starts), most)
			})
		}
	}
}

func openSQLitePair(t *testing.T) (store.Store, store.Store) {
	path := filepath.Join(t.TempDir(), "state.db")
	return openTwice(t, func() (store.Store, error) { return store.OpenSQLite(context.Background(), path) })
}

// openPostgresPair opens two stores on a fresh schema of the server in
// SCANFLEET_TEST_POSTGRES, as two controller replicas would.
func openPostgresPair(t *testing.T) (store.Store, store.Store) {
	scoped := testutil.PostgresSchema(t, "politeness_test")
	return openTwice(t, func() (store.Store, error) { return store.OpenPostgres(context.Background(), scoped) })
}

func openTwice(t *testing.T, open func() (store.Store, error)) (store.Store, store.Store) {
	var out [2]store.Store
	for i := range out {
		s, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		out[i] = s
	}
	return out[0], out[1]
}

// TestBucketInDebtStartsNothing: a replica's own bucket that concurrent
// leases overspent (Took more than Limits offered) hands out MaxNew 0
// until it refills, never a negative MaxNew, which the queue reads as no
// bound at all (it did: two replicas then started 200 tasks in a second
// at 2/s in TestPullsPerSecondAcrossReplicas's setting).
func TestBucketInDebtStartsNothing(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)}
	g := New(nil, clk.now)
	regs := map[string]Limits{"hub": {PullsPerSecond: 2}}
	maxNew := func() int {
		lims, err := g.Limits(context.Background(), regs)
		if err != nil || len(lims) != 1 {
			t.Fatalf("Limits = %+v, %v", lims, err)
		}
		return lims[0].MaxNew
	}
	if n := maxNew(); n != 2 {
		t.Fatalf("full bucket: MaxNew %d, want 2", n)
	}
	// Three leases that each saw the two tokens took them.
	g.Took("hub", 2)
	g.Took("hub", 2)
	g.Took("hub", 2)
	for _, c := range []struct {
		after time.Duration
		want  int
	}{{0, 0}, {time.Second, 0}, {time.Second, 0}, {500 * time.Millisecond, 1}, {time.Second, 2}} { // -4, -2, 0, 1, 2 (the burst)
		clk.add(c.after)
		if n := maxNew(); n != c.want {
			t.Errorf("+%v: MaxNew %d, want %d", c.after, n, c.want)
		}
	}
}
