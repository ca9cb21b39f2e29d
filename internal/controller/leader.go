package controller

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scanfleet/scanfleet/internal/leader"
)

// elector returns Config.Elector, or the lone controller's Always.
func (c *Controller) elector() leader.Elector {
	if c.cfg.Elector == nil {
		return leader.Always{ID: "controller"}
	}
	return c.cfg.Elector
}

// isLeader guards the work done once per fleet: scheduled crawls and
// auto-scaling.
func (c *Controller) isLeader() bool { return c.elector().IsLeader() }

// scheduleIfLeader requests the due periodic crawls, on the leader only:
// followers would only request the same crawls again.
func (c *Controller) scheduleIfLeader(ctx context.Context) {
	if c.isLeader() {
		c.schedule(ctx)
	}
}

// initLeader registers the scanfleet_leader gauge.
func (c *Controller) initLeader() {
	c.leaderSince = time.Now()
	c.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "scanfleet_leader",
		Help: "1 while this controller is the fleet's leader (runs scheduled crawls and auto-scaling), else 0.",
	}, func() float64 {
		if c.isLeader() {
			return 1
		}
		return 0
	}))
}

// runElector runs the election until ctx is done, notes each change of
// leadership and, while this controller leads, runs the leader's work
// (lead) under a context derived from work that is cancelled the moment
// leadership is seen lost. The leader package offers no callbacks, so
// the change is seen by polling every leaderPoll: leader-only work stops
// within that of the elector giving leadership up.
func (c *Controller) runElector(ctx, work context.Context) {
	e := c.elector()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := e.Run(ctx); err != nil {
			c.log.Error("leader election stopped; this controller will not lead", "err", err, "election", e.Kind())
		}
	}()
	var (
		stopLead func()
		leadDone chan struct{}
	)
	step := func(leading bool) {
		switch {
		case leading && stopLead == nil:
			lctx, cancel := context.WithCancel(work)
			stopLead, leadDone = cancel, make(chan struct{})
			go func(done chan struct{}) {
				defer close(done)
				c.lead(lctx)
			}(leadDone)
		case !leading && stopLead != nil:
			stopLead()
			<-leadDone
			stopLead, leadDone = nil, nil
		}
	}
	defer step(false)
	was := e.IsLeader()
	c.noteLeadership(was)
	step(was)
	t := time.NewTicker(leaderPoll)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			step(false)
			<-done
			return
		case <-t.C:
		}
		if now := e.IsLeader(); now != was {
			was = now
			// Stopped before it is announced: nothing leader-only runs
			// once the log says this controller does not lead.
			step(now)
			c.noteLeadership(now)
		}
	}
}

// leaderPoll is how often runElector looks at the elector.
const leaderPoll = 200 * time.Millisecond

func (c *Controller) noteLeadership(leading bool) {
	c.mu.Lock()
	c.leaderSince = time.Now()
	c.mu.Unlock()
	e := c.elector()
	if leading {
		c.log.Info("this controller leads the fleet: it runs scheduled crawls and auto-scaling", "identity", e.Identity(), "election", e.Kind())
	} else {
		c.log.Info("this controller does not lead the fleet", "identity", e.Identity(), "election", e.Kind(), "leader", e.Leader())
	}
}

// LeaderStatus is what GET /api/v1/leader returns.
func (c *Controller) LeaderStatus() LeaderView {
	e := c.elector()
	c.mu.Lock()
	since := c.leaderSince
	c.mu.Unlock()
	return LeaderView{Leader: e.IsLeader(), Identity: e.Identity(), Holder: e.Leader(), Election: e.Kind(), Since: since}
}

func (c *Controller) leaderRoutes(h routeFunc) {
	h("GET /api/v1/leader", readAccess, 0, c.getLeader)
}

// getLeader is GET /api/v1/leader.
func (c *Controller) getLeader(w http.ResponseWriter, _ *http.Request) error {
	writeJSON(w, http.StatusOK, c.LeaderStatus())
	return nil
}
