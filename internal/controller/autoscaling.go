package controller

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/queue"
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

// newAutoscaler builds the decision engine over cfg.Scaler. The config
// file's autoscaler section, when present, wins over cfg.Autoscale, and a
// configuration set through the API wins over both until they change.
func (c *Controller) newAutoscaler(ctx context.Context) error {
	if c.cfg.Scaler == nil {
		return nil
	}
	acfg := c.cfg.Autoscale
	if c.cfg.File != nil && c.cfg.File.Autoscaler != nil {
		acfg = *c.cfg.File.Autoscaler
	}
	if acfg.Strategy == "" {
		acfg.Strategy = autoscale.Delayed
	}
	c.autoscaleBase = acfg
	raw, ok, err := c.store.Setting(ctx, autoscalerSetting)
	if err != nil {
		return err
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
				return err
			}
		}
	}
	opts := c.cfg.AutoscaleOptions
	opts.Scaler = c.cfg.Scaler
	opts.TaskCount = c.queuedTasks
	// With several controllers only the leader scales (leader.go); a
	// follower's engine observes and resets its windows.
	opts.IsLeader = c.isLeader
	if opts.Logger == nil {
		opts.Logger = c.log
	}
	a, err := autoscale.New(acfg, opts)
	if err != nil {
		return err
	}
	c.autoscaler = a
	c.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "scanfleet_autoscaler_desired_replicas",
		Help: "Scanner replicas the auto-scaler's Scaler reports as desired (-1 when unreadable).",
	}, func() float64 {
		n, err := c.cfg.Scaler.Replicas(context.Background())
		if err != nil {
			return -1
		}
		return float64(n)
	}))
	return nil
}

// queuedTasks is the auto-scaler's task count: runnable tasks no scanner
// holds yet.
func (c *Controller) queuedTasks(ctx context.Context) (int, error) {
	counts, err := c.queue.Counts(ctx)
	if err != nil {
		return 0, fmt.Errorf("counting queued tasks: %w", err)
	}
	return counts[queue.StateQueued], nil
}

func (c *Controller) autoscalerView(ctx context.Context) AutoscalerView {
	if c.autoscaler == nil {
		return AutoscalerView{Events: []autoscale.Event{}}
	}
	v := AutoscalerView{Enabled: true, Config: c.autoscaler.Config(), Events: c.autoscaler.Events()}
	if v.Events == nil {
		v.Events = []autoscale.Event{}
	}
	if n, err := c.cfg.Scaler.Replicas(ctx); err == nil {
		v.Replicas = &n
	}
	return v
}

// getAutoscaler is GET /api/v1/autoscaler.
func (c *Controller) getAutoscaler(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, c.autoscalerView(r.Context()))
	return nil
}

// putAutoscaler is PUT /api/v1/autoscaler (admin): a new strategy, min or
// max takes effect at the next scale event. It is stored, and survives
// restarts until the flags or config file change the auto-scaler.
func (c *Controller) putAutoscaler(w http.ResponseWriter, r *http.Request) error {
	if c.autoscaler == nil {
		return errorf(http.StatusConflict, "no scanner scaler configured (start the fleet with --local-scanners-max)")
	}
	var in autoscale.Config
	if err := decode(r, &in); err != nil {
		return err
	}
	if s, err := autoscale.ParseStrategy(string(in.Strategy)); err == nil {
		in.Strategy = s
	}
	if err := c.autoscaler.SetConfig(in); err != nil {
		return errorf(http.StatusBadRequest, "%v", err)
	}
	b, err := json.Marshal(storedAutoscaler{Config: c.autoscaler.Config(), Base: c.autoscaleBase})
	if err != nil {
		return err
	}
	if err := c.store.PutSetting(r.Context(), autoscalerSetting, string(b)); err != nil {
		return err
	}
	c.log.Info("auto-scaler configured", "strategy", in.Strategy, "minScannerPods", in.MinScannerPods, "maxScannerPods", in.MaxScannerPods)
	writeJSON(w, http.StatusOK, c.autoscalerView(r.Context()))
	return nil
}

// runAutoscaler runs the engine until ctx is done, if there is one.
func (c *Controller) runAutoscaler(ctx context.Context) {
	if c.autoscaler == nil {
		return
	}
	if err := c.autoscaler.Run(ctx); err != nil && !errors.Is(err, context.Canceled) {
		c.log.Warn("auto-scaler stopped", "err", err)
	}
}
