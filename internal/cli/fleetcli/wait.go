package fleetcli

import (
	"context"
	"fmt"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
)

// scalerNote explains why tasks are queued and none is leased, from the
// controller's auto-scaler (GET /api/v1/autoscaler): with the default
// delayed strategy no scanner starts until tasks have waited 90 s, and a
// user watching "queued 7 leased 0" deserves to know that, and until when.
// It returns "" when there is nothing to explain or the controller does not
// say (an older controller, or no access).
//
// crawlStart is the controller's clock, as is the estimate; the time is
// printed as a clock time, so a small skew between the machines shows as
// an error of that size, no more.
func scalerNote(ctx context.Context, c *apiClient, crawlStart time.Time) string {
	v, err := c.Autoscaler(ctx)
	if err != nil {
		return ""
	}
	return explainScaler(v, crawlStart)
}

func explainScaler(v api.AutoscalerView, crawlStart time.Time) string {
	if !v.Enabled {
		return "no scanner has taken a task; this controller starts none itself (no --local-scanners-max or --kube-deployment): start 'scanfleet scanner --controller …'"
	}
	cfg := v.Config
	replicas := -1
	if v.Replicas != nil {
		replicas = *v.Replicas
	}
	last := ""
	if n := len(v.Events); n > 0 && !v.Events[n-1].Time.Before(crawlStart) {
		last = fmt.Sprintf("; last auto-scaler event %s: %s", v.Events[n-1].Time.Local().Format(time.TimeOnly), v.Events[n-1].Reason)
	}
	switch {
	case cfg.Strategy == autoscale.Disabled:
		return fmt.Sprintf("the auto-scaler is disabled (%d scanners running); tasks wait for a scanner to connect or free up%s", max(replicas, 0), last)
	case replicas >= cfg.MaxScannerPods && replicas > 0:
		return fmt.Sprintf("all %d scanners (the auto-scaler's maximum) are starting or busy%s", replicas, last)
	case cfg.Strategy == autoscale.Delayed:
		// The controller counts the wait from its first observation of a
		// non-empty queue, which comes within one interval of the crawl.
		at := crawlStart.Add(autoscale.DefaultScaleUpAfter + autoscale.DefaultInterval)
		return fmt.Sprintf("waiting for the auto-scaler: its delayed strategy adds a scanner once tasks have waited %s, about %s (%d of at most %d running)%s",
			autoscale.DefaultScaleUpAfter, at.Local().Format(time.TimeOnly), max(replicas, 0), cfg.MaxScannerPods, last)
	default:
		return fmt.Sprintf("the auto-scaler (%s) is starting scanners (%d of at most %d running)%s", cfg.Strategy, max(replicas, 0), cfg.MaxScannerPods, last)
	}
}
