// Package autoscaling serves the auto-scaler's API (GET and PUT
// /api/v1/autoscaler) and runs the decision engine (package autoscale)
// over the controller's Scaler; an API change is kept in the shared store
// until the flags or the config file change the auto-scaler.
package autoscaling

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

// autoscalerSetting names the stored API change of the auto-scaler.
const autoscalerSetting = "autoscaler"

// storedAutoscaler is an auto-scaler configuration set through the API,
// with the flag or config-file configuration it replaced. At start the
// stored one is used only while that base is still what flags and file
// say: an operator who changed them since made the newer decision.
type storedAutoscaler struct {
	Config autoscale.Config `json:"config"`
	Base   autoscale.Config `json:"base"`
}

// Service is the auto-scaler of one controller.
type Service struct {
	store  store.Store
	queue  queue.Queue
	log    *slog.Logger
	scaler autoscale.Scaler
	// engine makes the decisions; base is the configuration flags and
	// the config file give, which an API change is stored against.
	engine *autoscale.AutoScaler
	base   autoscale.Config
}

// Config is what the auto-scaler needs from its controller.
type Config struct {
	Store  store.Store
	Queue  queue.Queue
	Scaler autoscale.Scaler
	// Base is the flags' configuration, or the config file's when it
	// has an autoscaler section.
	Base autoscale.Config
	// Options tunes the engine; its Scaler, TaskCount and IsLeader are
	// set here.
	Options  autoscale.Options
	IsLeader func() bool
	Metrics  prometheus.Registerer
	Logger   *slog.Logger
}

// New builds the decision engine over cfg.Scaler (nil: a Service that
// reports the auto-scaler disabled and refuses changes). A configuration
// set through the API wins over cfg.Base until the base changes.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Service{store: cfg.Store, queue: cfg.Queue, log: cfg.Logger, scaler: cfg.Scaler}
	if cfg.Scaler == nil {
		return c, nil
	}
	acfg := cfg.Base
	if acfg.Strategy == "" {
		acfg.Strategy = autoscale.Delayed
	}
	c.base = acfg
	raw, ok, err := c.store.Setting(ctx, autoscalerSetting)
	if err != nil {
		return nil, err
	}
	if ok {
		var st storedAutoscaler
		switch err := json.Unmarshal([]byte(raw), &st); {
		case err != nil:
			c.log.Warn("ignoring the stored auto-scaler settings", "err", err)
		case st.Base == acfg:
			acfg = st.Config
			c.log.Info("auto-scaler settings from the API kept across the restart", "strategy", acfg.Strategy,
				"minScannerPods", acfg.MinScannerPods, "maxScannerPods", acfg.MaxScannerPods)
		default:
			c.log.Info("flags or config file changed the auto-scaler since its API change; they win", "strategy", acfg.Strategy,
				"minScannerPods", acfg.MinScannerPods, "maxScannerPods", acfg.MaxScannerPods)
			if err := c.store.DeleteSetting(ctx, autoscalerSetting); err != nil {
				return nil, err
			}
		}
	}
	opts := cfg.Options
	opts.Scaler = c.scaler
	opts.TaskCount = c.queuedTasks
	// With several controllers only the leader scales; a follower's
	// engine observes and resets its windows.
	opts.IsLeader = cfg.IsLeader
	if opts.Logger == nil {
		opts.Logger = c.log
	}
	a, err := autoscale.New(acfg, opts)
	if err != nil {
		return nil, err
	}
	c.engine = a
	cfg.Metrics.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "scanfleet_autoscaler_desired_replicas",
		Help: "Scanner replicas the auto-scaler's Scaler reports as desired (-1 when unreadable).",
	}, func() float64 {
		n, err := c.scaler.Replicas(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	return c, nil
}

// Routes registers GET and PUT /api/v1/autoscaler.
func (c *Service) Routes(h web.Route) {
	h("GET /api/v1/autoscaler", web.ReadAccess, 0, c.getAutoscaler)
	h("PUT /api/v1/autoscaler", web.AdminAccess, web.MaxSmallBody, c.putAutoscaler)
}

// Enabled says whether there is a Scaler to drive.
func (c *Service) Enabled() bool { return c.engine != nil }

// Engine is the decision engine (nil when not Enabled).
func (c *Service) Engine() *autoscale.AutoScaler { return c.engine }

// queuedTasks is the auto-scaler's task count: runnable tasks no scanner
// holds yet.
func (c *Service) queuedTasks(ctx context.Context) (int, error) {
	counts, err := c.queue.Counts(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting queued tasks: %w", err)
	}
	return counts[queue.StateQueued], nil
}

func (c *Service) autoscalerView(ctx context.Context) api.AutoscalerView {
	if c.engine == nil {
		return api.AutoscalerView{Events: []autoscale.Event{}}
	}
	c.sync(ctx)
	v := api.AutoscalerView{Enabled: true, Config: c.engine.Config(), Events: c.engine.Events()}
	if v.Events == nil {
		v.Events = []autoscale.Event{}
	}
	if n, err := c.scaler.Replicas(ctx); err == nil {
		v.Replicas = &n
	}
	return v
}

// getAutoscaler is GET /api/v1/autoscaler.
func (c *Service) getAutoscaler(w http.ResponseWriter, r *http.Request) error {
	web.WriteJSON(w, http.StatusOK, c.autoscalerView(r.Context()))
	return nil
}

// putAutoscaler is PUT /api/v1/autoscaler (admin): a new strategy, min or
// max takes effect at the next scale event. It is stored, and survives
// restarts until the flags or config file change the auto-scaler.
func (c *Service) putAutoscaler(w http.ResponseWriter, r *http.Request) error {
	if c.engine == nil {
		return web.Errorf(http.StatusConflict, "no scanner scaler configured (start the fleet with --local-scanners-max)")
	}
	var in autoscale.Config
	if err := web.Decode(r, &in); err != nil {
		return err
	}
	if s, err := autoscale.ParseStrategy(string(in.Strategy)); err == nil {
		in.Strategy = s
	}
	if err := c.engine.SetConfig(in); err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	b, err := json.Marshal(storedAutoscaler{Config: c.engine.Config(), Base: c.base})
	if err != nil {
		return err
	}
	if err := c.store.PutSetting(r.Context(), autoscalerSetting, string(b)); err != nil {
		return err
	}
	c.log.Info("auto-scaler configured", "strategy", in.Strategy, "minScannerPods", in.MinScannerPods, "maxScannerPods", in.MaxScannerPods)
	web.WriteJSON(w, http.StatusOK, c.autoscalerView(r.Context()))
	return nil
}

// syncEvery is how often a controller adopts an auto-scaler change stored
// through another replica's API.
const syncEvery = 2 * time.Second

// sync adopts an auto-scaler change another replica stored, so a PUT on
// any controller steers the leader's engine (and every replica's view)
// without a restart. A change made against other flags is ignored, as at
// start.
func (c *Service) sync(ctx context.Context) {
	raw, ok, err := c.store.Setting(ctx, autoscalerSetting)
	if err != nil {
		c.log.Warn("reading the stored auto-scaler settings", "err", err)
		return
	}
	if !ok {
		return
	}
	var st storedAutoscaler
	if err := json.Unmarshal([]byte(raw), &st); err != nil || st.Base != c.base || st.Config == c.engine.Config() {
		return
	}
	if err := c.engine.SetConfig(st.Config); err != nil {
		c.log.Warn("ignoring the stored auto-scaler settings", "err", err)
		return
	}
	c.log.Info("auto-scaler settings changed through another controller adopted", "strategy", st.Config.Strategy,
		"minScannerPods", st.Config.MinScannerPods, "maxScannerPods", st.Config.MaxScannerPods)
}

// Run runs the engine until ctx is done, if there is one, adopting
// changes stored by other replicas every syncEvery.
func (c *Service) Run(ctx context.Context) {
	if c.engine == nil {
		return
	}
	go func() {
		t := time.NewTicker(syncEvery)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				c.sync(ctx)
			}
		}
	}()
	if err := c.engine.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		c.log.Warn("auto-scaler stopped", "err", err)
	}
}
