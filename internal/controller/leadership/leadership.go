// Package leadership runs a controller's side of the leader election: it
// runs the Elector, starts the leader's work under a context cancelled
// the moment leadership is seen lost, logs and counts each change, and
// serves GET /api/v1/leader.
package leadership

import (
	"context"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/leader"
)

// elector is the election this controller takes part in.
func (c *Leadership) elector() leader.Elector { return c.e }

// IsLeader guards the work done once per fleet: scheduled crawls and
// auto-scaling.
func (c *Leadership) IsLeader() bool { return c.elector().IsLeader() }

// Leadership is one controller's part in the election.
type Leadership struct {
	e    leader.Elector
	log  *slog.Logger
	lead func(context.Context)

	mu sync.Mutex
	// since is when leadership last changed.
	since time.Time
}

// New returns the leadership of elector e (nil: a lone controller, which
// always leads); lead is the leader's work, run while leading. It
// registers the scanfleet_leader gauge with reg.
func New(e leader.Elector, lead func(context.Context), reg prometheus.Registerer, log *slog.Logger) *Leadership {
	if e == nil {
		e = leader.Always{ID: "controller"}
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	c := &Leadership{e: e, log: log, lead: lead, since: time.Now()}
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "scanfleet_leader",
		Help: "1 while this controller is the fleet's leader (runs scheduled crawls and auto-scaling), else 0.",
	}, func() float64 {
		if c.IsLeader() {
			return 1
		}
		return 0
	}))
	return c
}

// Run runs the election until ctx is done, notes each change of
// leadership and, while this controller leads, runs the leader's work
// (lead) under a context derived from work that is cancelled the moment
// leadership is seen lost. The leader package offers no callbacks, so
// the change is seen by polling every leaderPoll: leader-only work stops
// within that of the elector giving leadership up.
func (c *Leadership) Run(ctx, work context.Context) {
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
	c.note(was)
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
			c.note(now)
		}
	}
}

// leaderPoll is how often Run looks at the elector.
const leaderPoll = 200 * time.Millisecond

func (c *Leadership) note(leading bool) {
	c.mu.Lock()
	c.since = time.Now()
	c.mu.Unlock()
	e := c.elector()
	if leading {
		c.log.Info("this controller leads the fleet: it runs scheduled crawls and auto-scaling", "identity", e.Identity(), "election", e.Kind())
	} else {
		c.log.Info("this controller does not lead the fleet", "identity", e.Identity(), "election", e.Kind(), "leader", e.Leader())
	}
}

// Status is what GET /api/v1/leader returns.
func (c *Leadership) Status() api.LeaderView {
	e := c.elector()
	c.mu.Lock()
	since := c.since
	c.mu.Unlock()
	return api.LeaderView{Leader: e.IsLeader(), Identity: e.Identity(), Holder: e.Leader(), Election: e.Kind(), Since: since}
}

// Routes registers GET /api/v1/leader.
func (c *Leadership) Routes(h web.Route) {
	h("GET /api/v1/leader", web.ReadAccess, 0, c.getLeader)
}

// getLeader is GET /api/v1/leader.
func (c *Leadership) getLeader(w http.ResponseWriter, _ *http.Request) error {
	web.WriteJSON(w, http.StatusOK, c.Status())
	return nil
}
