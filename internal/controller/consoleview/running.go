package consoleview

import (
	"context"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller/triageapi"
)

// runningTTL is how long the set of running digests is reused: resolving
// it costs a store lookup per distinct running image, and every open
// images page asks again every 10 s; the Pod informer itself lags by
// seconds.
const runningTTL = 5 * time.Second

// runningCache holds the digests that run (triageapi.RunningDigests).
type runningCache struct {
	mu         sync.Mutex
	at         time.Time
	digests    map[string]bool
	containers int
}

// running gives the running digests and how many running containers are
// recorded, at most runningTTL old.
func (cs *State) running(ctx context.Context) (map[string]bool, int, error) {
	c := &cs.runningCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.digests != nil && time.Since(c.at) < runningTTL {
		return c.digests, c.containers, nil
	}
	d, n, err := triageapi.RunningDigests(ctx, cs.store)
	if err != nil {
		return nil, 0, err
	}
	c.at, c.digests, c.containers = time.Now(), d, n
	return d, n, nil
}
