package controller

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/scanfleet/scanfleet/internal/politeness"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/store"
)

// metrics uses a registry of its own (no global state), so several
// controllers in one test process do not collide.
type metrics struct {
	c         *Controller
	reg       *prometheus.Registry
	queueLen  *prometheus.GaugeVec
	scanners  *prometheus.GaugeVec
	scans     *prometheus.CounterVec
	duration  prometheus.Histogram
	layerHits *prometheus.CounterVec
	// Per registry with a politeness limit: scans running, the bound,
	// whether paused; 429s reported by scanners.
	regPulls   *prometheus.GaugeVec
	regMax     *prometheus.GaugeVec
	regPaused  *prometheus.GaugeVec
	regLimited *prometheus.CounterVec
}

func newMetrics(c *Controller) *metrics {
	m := &metrics{
		c:   c,
		reg: prometheus.NewRegistry(),
		queueLen: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "scanfleet_queue_tasks", Help: "Scan tasks in the queue by state.",
		}, []string{"state"}),
		scanners: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "scanfleet_scanners", Help: "Registered scanners by state.",
		}, []string{"state"}),
		scans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scanfleet_scans_total", Help: "Scan results received by outcome.",
		}, []string{"outcome"}),
		duration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "scanfleet_scan_duration_seconds", Help: "Duration of successful scans as reported by scanners.",
			Buckets: prometheus.ExponentialBuckets(0.05, 2, 14),
		}),
		layerHits: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "scanfleet_layer_cache_requests_total", Help: "Layer store lookups by result (hit, miss).",
		}, []string{"result"}),
	}
	m.regPulls = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scanfleet_registry_pulls", Help: "Scans of a registry running in the fleet (leased tasks), for registries with a max pulls limit.",
	}, []string{"registry"})
	m.regMax = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scanfleet_registry_max_pulls", Help: "A registry's fleet-wide max concurrent pulls (0: none).",
	}, []string{"registry"})
	m.regPaused = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "scanfleet_registry_paused", Help: "1 while new scans of a registry are paused after a 429.",
	}, []string{"registry"})
	m.regLimited = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "scanfleet_registry_rate_limited_total", Help: "429 responses scanners reported, by registry.",
	}, []string{"registry"})
	m.reg.MustRegister(m.regPulls, m.regMax, m.regPaused, m.regLimited)
	m.reg.MustRegister(m.queueLen, m.scanners, m.scans, m.duration, m.layerHits,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, o := range []string{"success", "failure"} {
		m.scans.WithLabelValues(o)
	}
	m.layerHits.WithLabelValues("hit")
	m.layerHits.WithLabelValues("miss")
	return m
}

func (m *metrics) scanDone(outcome string, seconds float64) {
	m.scans.WithLabelValues(outcome).Inc()
	if outcome == "success" && seconds > 0 {
		m.duration.Observe(seconds)
	}
}

func (m *metrics) rateLimited(registry string) { m.regLimited.WithLabelValues(registry).Inc() }

// refreshRegistries sets the per-registry politeness gauges.
func (m *metrics) refreshRegistries(ctx context.Context) {
	regs, err := m.c.store.ListRegistries(ctx)
	if err != nil {
		return
	}
	m.regPulls.Reset()
	m.regMax.Reset()
	m.regPaused.Reset()
	var prefixes []string
	for _, r := range regs {
		prefixes = append(prefixes, politeness.KeyPrefix(r.Name))
	}
	var leased map[string]int
	if ll, ok := m.c.queue.(queue.LimitedLeaser); ok {
		leased, _ = ll.LeasedByPrefix(ctx, prefixes)
	}
	now := time.Now()
	for _, r := range regs {
		m.regMax.WithLabelValues(r.Name).Set(float64(r.MaxPulls))
		if leased != nil {
			m.regPulls.WithLabelValues(r.Name).Set(float64(leased[politeness.KeyPrefix(r.Name)]))
		}
		paused := 0.0
		if until, err := m.c.politeness.PausedUntil(ctx, r.Name); err == nil && until.After(now) {
			paused = 1
		}
		m.regPaused.WithLabelValues(r.Name).Set(paused)
	}
}

func (m *metrics) layerLookup(hit bool) {
	if hit {
		m.layerHits.WithLabelValues("hit").Inc()
	} else {
		m.layerHits.WithLabelValues("miss").Inc()
	}
}

// refresh reads the gauges from the databases at scrape time, so they are
// right even when another process changed the queue.
func (m *metrics) refresh(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if counts, err := m.c.queue.Counts(ctx); err == nil {
		for _, s := range queue.States {
			m.queueLen.WithLabelValues(string(s)).Set(float64(counts[s]))
		}
	}
	if scs, err := m.c.store.ListScanners(ctx, store.ScannerFilter{}); err == nil {
		by := map[string]int{store.ScannerActive: 0, store.ScannerGone: 0, store.ScannerStopped: 0}
		for _, s := range scs {
			by[s.State]++
		}
		for s, n := range by {
			m.scanners.WithLabelValues(s).Set(float64(n))
		}
	}
	m.refreshRegistries(ctx)
}

// handler serves /metrics. It needs no token, as is usual for Prometheus
// scrapes; it discloses counts only.
func (m *metrics) handler() http.Handler {
	h := promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.refresh(r.Context())
		h.ServeHTTP(w, r)
	})
}
