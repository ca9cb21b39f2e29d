package consoleview

// The web console (package console) is a static single-page application;
// this file serves it and the read-only JSON views it needs beyond the
// rest of the API: a filtered, sorted, paginated image list with per-image
// OS and fixable counts, CVE → affected images, per-registry scan progress,
// queue length over time, report downloads in other formats, and the
// caller's role.
//
// The image list must stay fast on thousands of images, but OS and
// fix/no-fix counts live only inside each stored report. Rather than add
// columns to the images table, the console keeps a small digest of each
// report in memory (imageStats), keyed by image and invalidated by a
// fingerprint (scan time, database digest, finding counts) that any new
// result or re-match changes. A report is decoded once per change: by a
// background pass every few seconds, or by the first request that needs it
// before that.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/console"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/store"
)

// Queue history: one sample every HistoryInterval, HistorySize kept (an
// hour). The leader takes the samples and keeps the ring in the shared
// store (setting historySetting), so every controller answers the same
// history.
const (
	HistoryInterval = 5 * time.Second
	HistorySize     = 720
	historySetting  = "console.queue_history"
)

// State is the console's memory: report digests, a cache of what
// the shared store holds (console_digests, keyed by each result's
// fingerprint), so that every controller shows the same.
type State struct {
	store    store.Store
	queue    queue.Queue
	log      *slog.Logger
	isLeader func() bool

	mu    sync.Mutex
	stats map[consoleKey]*imageStats
	// histMu serialises this controller's read-append-write of the
	// shared history ring.
	histMu sync.Mutex
	// lastDay is when run last recorded the day's totals (run's
	// goroutine only).
	lastDay time.Time
	// strs interns the findings' strings: images built on the same base
	// share most of their findings, so the cache holds each package name,
	// version and ID once.
	strs map[string]string
	// runningCache: the digests running containers resolve to.
	runningCache runningCache
}

type consoleKey = store.ImageKey

// imageStats is what the console needs from one stored report.
type imageStats struct {
	fingerprint string
	os          string
	layers      int
	size        int64
	fixable     map[string]int
	findings    []Finding
	// notCovered lists the ecosystems the database had no data for;
	// hasCoverage says whether the report recorded coverage at all.
	notCovered  []string
	hasCoverage bool
}

// coverageState is the image's coverage (see api.CoverageCovered) for an
// image with packages packages.
func (st *imageStats) coverageState(packages int) (string, []string) {
	switch {
	case len(st.notCovered) > 0:
		return api.CoverageNotCovered, st.notCovered
	case !st.hasCoverage && packages > 0:
		return api.CoverageUnknown, nil
	}
	return api.CoverageCovered, nil
}

// Finding is one finding in the console's compact views.
type Finding struct {
	ID          string   `json:"id"`
	Aliases     []string `json:"aliases,omitempty"`
	Package     string   `json:"package"`
	PackageType string   `json:"package_type,omitempty"`
	Installed   string   `json:"installed_version"`
	Fixed       string   `json:"fixed_version"`
	Severity    string   `json:"severity"`
}

// ImageRow is one image of GET /api/v1/console/images.
type ImageRow struct {
	api.ImageSummary
	OS string `json:"os"`
	// Fixable counts findings with a fixed version, by severity; the rest
	// of Severities have no fix yet.
	Fixable map[string]int `json:"fixable"`
	Layers  int            `json:"layers"`
	Size    int64          `json:"size"`
	// Running: a running container's image resolves to this digest
	// (GET /api/v1/workloads, --watch-pods).
	Running bool `json:"running"`
}

// ImagePage is GET /api/v1/console/images: one page of the filtered,
// sorted list, with totals over the whole filtered set.
type ImagePage struct {
	Total  int        `json:"total"`
	Offset int        `json:"offset"`
	Limit  int        `json:"limit"`
	Items  []ImageRow `json:"items"`
	// Severities and Fixable sum the filtered images' findings.
	Severities map[string]int `json:"severities"`
	Fixable    map[string]int `json:"fixable"`
	// NotCovered counts the filtered images whose database lacked data
	// for some of their contents (their counts are incomplete), Unknown
	// those whose reports do not say.
	NotCovered      int `json:"not_covered"`
	CoverageUnknown int `json:"coverage_unknown"`
	// Running counts the filtered images that run; RunningContainers is
	// how many running containers are recorded at all (0 when the
	// controller watches no cluster, so "not running" means unknown).
	Running           int `json:"running"`
	RunningContainers int `json:"running_containers"`
	// Registries and Repositories list every value present (before
	// filtering), for the console's filter choices.
	Registries   []string `json:"registries"`
	Repositories []string `json:"repositories"`
}

// RegistryStatus is one registry of GET /api/v1/console/registries: its
// settings and the progress of its latest crawl.
type RegistryStatus struct {
	api.RegistryView
	Crawling bool `json:"crawling"`
	// Queued, Leased: the registry's tasks waiting and being scanned;
	// Failed: tasks given up since the last crawl started; Scanned:
	// images whose results arrived since then; Images: all its images.
	Queued  int `json:"queued"`
	Leased  int `json:"leased"`
	Failed  int `json:"failed"`
	Scanned int `json:"scanned"`
	Images  int `json:"images"`
}

// QueueSample is one point of GET /api/v1/queue/history.
type QueueSample struct {
	Time   time.Time `json:"time"`
	Queued int       `json:"queued"`
	Leased int       `json:"leased"`
	Done   int       `json:"done"`
	Failed int       `json:"failed"`
	// Scanners is the number of active scanners.
	Scanners int `json:"scanners"`
}

// QueueHistory is GET /api/v1/queue/history.
type QueueHistory struct {
	IntervalSeconds float64       `json:"interval_seconds"`
	Samples         []QueueSample `json:"samples"`
}

// VulnerabilitySummary is one entry of GET /api/v1/vulnerabilities.
type VulnerabilitySummary struct {
	ID       string `json:"id"`
	Severity string `json:"severity"`
	Images   int    `json:"images"`
}

// AffectedImage is an image carrying a vulnerability, with the findings.
type AffectedImage struct {
	Registry   string    `json:"registry"`
	Repository string    `json:"repository"`
	Tag        string    `json:"tag"`
	Digest     string    `json:"digest"`
	Reference  string    `json:"reference"`
	ScannedAt  time.Time `json:"scanned_at"`
	Findings   []Finding `json:"findings"`
	// Tags are all the tags of the digest in the repository.
	Tags []string `json:"tags,omitempty"`
}

// VulnerabilityView is GET /api/v1/vulnerabilities/{id}.
type VulnerabilityView struct {
	ID          string          `json:"id"`
	Aliases     []string        `json:"aliases"`
	Severity    string          `json:"severity"`
	Description string          `json:"description,omitempty"`
	References  []string        `json:"references"`
	Images      []AffectedImage `json:"images"`
	// Title, SeveritySource, CVSS, KEV and EPSS are the advisory's, as
	// the reports carry them (empty when the database had none).
	Title          string        `json:"title,omitempty"`
	SeveritySource string        `json:"severity_source,omitempty"`
	CVSS           []report.CVSS `json:"cvss,omitempty"`
	KEV            *report.KEV   `json:"kev,omitempty"`
	EPSS           *report.EPSS  `json:"epss,omitempty"`
}

// Deps is what the console's views read: the shared store and queue,
// and whether this controller leads (the leader alone records the queue
// history and the day's totals).
type Deps struct {
	Store    store.Store
	Queue    queue.Queue
	Logger   *slog.Logger
	IsLeader func() bool
}

// New returns the console's views over d; Run keeps them warm.
func New(d Deps) *State {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.IsLeader == nil {
		d.IsLeader = func() bool { return true }
	}
	return &State{store: d.Store, queue: d.Queue, log: d.Logger, isLeader: d.IsLeader, stats: map[consoleKey]*imageStats{}}
}

// Routes registers the console's assets at /console/, a redirect from /
// to them, and its read-only views through h.
func (cs *State) Routes(mux *http.ServeMux, h web.Route) error {
	assets, err := console.New()
	if err != nil {
		return fmt.Errorf("console assets: %w", err)
	}
	mux.Handle("GET /console/{path...}", assets)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		// "GET /" matches every path nothing else claims; only the root
		// itself leads to the console.
		if r.URL.Path != "/" {
			web.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "not found"})
			return
		}
		http.Redirect(w, r, console.Prefix, http.StatusFound)
	})
	h("GET /api/v1/console/images", web.ReadAccess, 0, cs.listImages)
	h("GET /api/v1/console/registries", web.ReadAccess, 0, cs.listRegistries)
	h("GET /api/v1/vulnerabilities", web.ReadAccess, 0, cs.searchVulnerabilities)
	h("GET /api/v1/vulnerabilities/{id}", web.ReadAccess, 0, cs.getVulnerability)
	h("GET /api/v1/queue/history", web.ReadAccess, 0, cs.queueHistory)
	h("GET /api/v1/images/{digest}/report", web.ReadAccess, 0, cs.imageReportFile)
	cs.overviewRoutes(h)
	return nil
}

// Run samples the queue every HistoryInterval until ctx ends, and keeps
// the report digests up to date, so that the console's first page after a
// restart or a big crawl does not wait for reports to be decoded.
func (cs *State) Run(ctx context.Context) {
	t := time.NewTicker(HistoryInterval)
	defer t.Stop()
	for {
		if cs.isLeader() {
			cs.Sample(ctx)
		}
		if rows, err := cs.loadRows(ctx); err == nil {
			stats, err := cs.statsFor(ctx, rows, true)
			if err != nil && ctx.Err() == nil {
				cs.log.Warn("console: reading reports", "err", err)
			}
			// The overview's trend: the day's totals, once a minute.
			// Taken by the leader, kept in the shared store.
			if now := time.Now(); err == nil && cs.isLeader() && now.Sub(cs.lastDay) >= time.Minute {
				if err := cs.snapshot(ctx, now, totals(rows, stats)); err != nil && ctx.Err() == nil {
					cs.log.Warn("console: recording the day's totals", "err", err)
				} else {
					cs.lastDay = now
				}
			}
		} else if ctx.Err() == nil {
			cs.log.Warn("console: listing images", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Sample appends a sample of now to the shared history ring, dropping
// the oldest beyond HistorySize.
func (cs *State) Sample(ctx context.Context) {
	// Taken under the lock: a sample taken before another that is stored
	// first would land out of order in the ring.
	cs.histMu.Lock()
	defer cs.histMu.Unlock()
	s, err := cs.current(ctx)
	if err == nil {
		var hist []QueueSample
		if hist, err = cs.history(ctx); err == nil {
			hist = append(hist, s)
			if n := len(hist) - HistorySize; n > 0 {
				hist = hist[n:]
			}
			var b []byte
			if b, err = json.Marshal(hist); err == nil {
				err = cs.store.PutSetting(ctx, historySetting, string(b))
			}
		}
	}
	if err != nil && ctx.Err() == nil {
		cs.log.Warn("console: sampling the queue", "err", err)
	}
}

// history reads the shared ring, oldest first; an unreadable one starts
// again empty.
func (cs *State) history(ctx context.Context) ([]QueueSample, error) {
	raw, ok, err := cs.store.Setting(ctx, historySetting)
	if err != nil || !ok {
		return nil, err
	}
	var hist []QueueSample
	if err := json.Unmarshal([]byte(raw), &hist); err != nil {
		cs.log.Warn("console: stored queue history does not decode; starting it again", "err", err)
		return nil, nil
	}
	return hist, nil
}

func (cs *State) current(ctx context.Context) (QueueSample, error) {
	counts, err := cs.queue.Counts(ctx)
	if err != nil {
		return QueueSample{}, fmt.Errorf("counting tasks: %w", err)
	}
	active, err := cs.store.CountScanners(ctx, api.ScannerActive)
	if err != nil {
		return QueueSample{}, fmt.Errorf("counting scanners: %w", err)
	}
	return QueueSample{Time: time.Now().UTC(), Queued: counts[queue.StateQueued], Leased: counts[queue.StateLeased],
		Done: counts[queue.StateDone], Failed: counts[queue.StateFailed], Scanners: active}, nil
}

// queueHistory answers the samples, oldest first, followed by one taken
// now, so a chart always ends at the present.
func (cs *State) queueHistory(w http.ResponseWriter, r *http.Request) error {
	// The history first, then now: a sample stored in between is then
	// older than now, never newer.
	hist, err := cs.history(r.Context())
	if err != nil {
		return err
	}
	now, err := cs.current(r.Context())
	if err != nil {
		return err
	}
	out := append(hist, now)
	web.WriteJSON(w, http.StatusOK, QueueHistory{IntervalSeconds: HistoryInterval.Seconds(), Samples: out})
	return nil
}

// imageRow is an images-table row with its report's fingerprint.
type imageRow struct {
	store.ImageSummary
	fingerprint string
}

func (cs *State) loadRows(ctx context.Context) ([]imageRow, error) {
	ims, err := cs.store.ListImages(ctx, store.ImageFilter{})
	if err != nil {
		return nil, err
	}
	out := make([]imageRow, 0, len(ims))
	for _, im := range ims {
		// Fingerprint changes with a new result (scan time) or a
		// re-match (database digest).
		out = append(out, imageRow{ImageSummary: im, fingerprint: im.Fingerprint})
	}
	return out, nil
}

// reportDigest is the part of a report the console keeps.
type reportDigest struct {
	Image *struct {
		Layers []struct {
			Size int64 `json:"size"`
		} `json:"layers"`
	} `json:"image"`
	OS              *report.OS        `json:"os"`
	Coverage        []report.Coverage `json:"coverage"`
	Vulnerabilities []struct {
		ID               string   `json:"id"`
		Aliases          []string `json:"aliases"`
		Package          string   `json:"package"`
		PackageType      string   `json:"package_type"`
		InstalledVersion string   `json:"installed_version"`
		FixedVersion     string   `json:"fixed_version"`
		Severity         string   `json:"severity"`
	} `json:"vulnerabilities"`
}

func digestReport(raw []byte, fingerprint string) (*imageStats, error) {
	var rd reportDigest
	if err := json.Unmarshal(raw, &rd); err != nil {
		return nil, err
	}
	st := &imageStats{fingerprint: fingerprint, fixable: map[string]int{}, findings: make([]Finding, 0, len(rd.Vulnerabilities)),
		hasCoverage: len(rd.Coverage) > 0}
	for _, c := range rd.Coverage {
		if !c.Covered {
			st.notCovered = append(st.notCovered, c.Ecosystem)
		}
	}
	if rd.OS != nil {
		st.os = rd.OS.PrettyName
		if st.os == "" {
			st.os = strings.TrimSpace(rd.OS.ID + " " + rd.OS.VersionID)
		}
	}
	if rd.Image != nil {
		st.layers = len(rd.Image.Layers)
		for _, l := range rd.Image.Layers {
			st.size += l.Size
		}
	}
	for _, v := range rd.Vulnerabilities {
		sev := strings.ToUpper(v.Severity)
		if v.FixedVersion != "" {
			st.fixable[sev]++
		}
		st.findings = append(st.findings, Finding{ID: v.ID, Aliases: v.Aliases, Package: v.Package, PackageType: v.PackageType,
			Installed: v.InstalledVersion, Fixed: v.FixedVersion, Severity: sev})
	}
	return st, nil
}

// statsFor returns the digests of rows' reports, decoding those that are
// new or changed, and forgets images that are gone.
func (cs *State) statsFor(ctx context.Context, rows []imageRow, prune bool) (map[consoleKey]*imageStats, error) {
	out := make(map[consoleKey]*imageStats, len(rows))
	var stale []imageRow
	cs.mu.Lock()
	for _, r := range rows {
		k := r.Key()
		if st := cs.stats[k]; st != nil && st.fingerprint == r.fingerprint {
			out[k] = st
		} else {
			stale = append(stale, r)
		}
	}
	pruned := false
	if prune {
		present := make(map[consoleKey]bool, len(rows))
		for _, r := range rows {
			present[r.Key()] = true
		}
		for k := range cs.stats {
			if !present[k] {
				delete(cs.stats, k)
				pruned = true
			}
		}
	}
	cs.mu.Unlock()
	if pruned {
		if _, err := cs.store.PruneConsoleDigests(ctx); err != nil {
			cs.log.Warn("console: pruning stored digests", "err", err)
		}
	}
	for _, r := range stale {
		k := r.Key()
		st, ok := cs.storedDigest(ctx, r)
		if !ok {
			raw, found, err := cs.store.Report(ctx, k)
			if err != nil || !found {
				// Deleted between the two queries, or a real failure.
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				continue
			}
			if st, err = digestReport(raw, r.fingerprint); err != nil {
				cs.log.Warn("console: stored report does not decode", "image", r.Reference, "err", err)
				st = &imageStats{fingerprint: r.fingerprint, fixable: map[string]int{}}
			}
			cs.storeDigest(ctx, r, st)
		}
		out[k] = st
		cs.mu.Lock()
		cs.intern(st)
		cs.stats[k] = st
		cs.mu.Unlock()
	}
	return out, nil
}

// The console keeps each image's digest (imageStats) beside its report
// in the shared store (console_digests), tagged with the result's
// fingerprint: a digest is a few percent of its report, so after a
// restart, or on another controller, the console reads these instead of
// decoding every report again (seconds for a thousand large reports).

// storedStatsVersion changes when storedStats gains what older stored
// digests lack; those are then made again from their reports.
const storedStatsVersion = 2

// storedStats is imageStats as console_digests keeps it.
type storedStats struct {
	Version     int            `json:"v,omitempty"`
	NotCovered  []string       `json:"not_covered,omitempty"`
	HasCoverage bool           `json:"has_coverage,omitempty"`
	OS          string         `json:"os,omitempty"`
	Layers      int            `json:"layers,omitempty"`
	Size        int64          `json:"size,omitempty"`
	Fixable     map[string]int `json:"fixable,omitempty"`
	Findings    []Finding      `json:"findings,omitempty"`
}

// storedDigest returns r's digest from console_digests if it was made from
// the report r now holds.
func (cs *State) storedDigest(ctx context.Context, r imageRow) (*imageStats, bool) {
	data, ok, err := cs.store.ConsoleDigest(ctx, r.Key(), r.fingerprint)
	if err != nil || !ok {
		return nil, false
	}
	var ss storedStats
	if err := json.Unmarshal([]byte(data), &ss); err != nil || ss.Version != storedStatsVersion {
		return nil, false
	}
	if ss.Fixable == nil {
		ss.Fixable = map[string]int{}
	}
	if ss.Findings == nil {
		ss.Findings = []Finding{}
	}
	return &imageStats{fingerprint: r.fingerprint, os: ss.OS, layers: ss.Layers, size: ss.Size, fixable: ss.Fixable, findings: ss.Findings,
		notCovered: ss.NotCovered, hasCoverage: ss.HasCoverage}, true
}

// storeDigest keeps st for the next restart; a failure only costs that
// restart a decode, so it is logged, not returned.
func (cs *State) storeDigest(ctx context.Context, r imageRow, st *imageStats) {
	data, err := json.Marshal(storedStats{Version: storedStatsVersion, OS: st.os, Layers: st.layers, Size: st.size, Fixable: st.fixable,
		Findings: st.findings, NotCovered: st.notCovered, HasCoverage: st.hasCoverage})
	if err == nil {
		err = cs.store.PutConsoleDigest(ctx, r.Key(), r.fingerprint, string(data))
	}
	if err != nil && ctx.Err() == nil {
		cs.log.Warn("console: storing an image digest", "image", r.Reference, "err", err)
	}
}

// intern replaces st's strings by equal ones already held; cs.mu is held.
func (cs *State) intern(st *imageStats) {
	if cs.strs == nil {
		cs.strs = map[string]string{}
	}
	in := func(s *string) {
		if v, ok := cs.strs[*s]; ok {
			*s = v
		} else {
			cs.strs[*s] = *s
		}
	}
	in(&st.os)
	for j := range st.notCovered {
		in(&st.notCovered[j])
	}
	for i := range st.findings {
		f := &st.findings[i]
		in(&f.ID)
		in(&f.Package)
		in(&f.PackageType)
		in(&f.Installed)
		in(&f.Fixed)
		in(&f.Severity)
		for j := range f.Aliases {
			in(&f.Aliases[j])
		}
	}
}

// severityOf reads a stored finding's severity word for ranking; a word
// report does not know (or none) counts as UNKNOWN.
func severityOf(word string) report.Severity {
	if s := report.ParseSeverity(word); s != "" {
		return s
	}
	return report.SeverityUnknown
}

// imageQuery is the parsed query of GET /api/v1/console/images.
type imageQuery struct {
	registry, repository, q, severity string
	coverage                          string
	fixableOnly                       bool
	running                           *bool // nil: both
	sort                              string
	desc                              bool
	limit, offset                     int
}

var imageSorts = []string{"reference", "repository", "tag", "os", "scanned_at", "severity", "vulnerabilities", "fixable", "packages", "coverage"}

func parseImageQuery(v map[string][]string) (imageQuery, error) {
	get := func(k string) string {
		if s := v[k]; len(s) > 0 {
			return s[0]
		}
		return ""
	}
	q := imageQuery{registry: get("registry"), repository: get("repository"), q: strings.ToLower(strings.TrimSpace(get("q"))),
		severity: strings.ToUpper(get("severity")), sort: get("sort"), limit: 50}
	if q.sort == "" {
		q.sort = "severity"
	}
	if !slices.Contains(imageSorts, q.sort) {
		return q, fmt.Errorf("unknown sort %q (want one of %s)", q.sort, strings.Join(imageSorts, ", "))
	}
	switch get("order") {
	case "", "desc":
		q.desc = get("order") == "desc" || (get("order") == "" && slices.Contains([]string{"scanned_at", "severity", "vulnerabilities", "fixable", "packages"}, q.sort))
	case "asc":
	default:
		return q, fmt.Errorf("unknown order %q (asc, desc)", get("order"))
	}
	if q.severity != "" {
		s, ok := report.LookupSeverity(q.severity)
		if !ok {
			return q, fmt.Errorf("unknown severity %q (want one of %s)", get("severity"), report.SeverityNames())
		}
		q.severity = string(s)
	}
	q.coverage = get("coverage")
	if q.coverage != "" && !slices.Contains(coverageStates, q.coverage) {
		return q, fmt.Errorf("unknown coverage %q (want one of %s)", q.coverage, strings.Join(coverageStates, ", "))
	}
	switch get("fixable") {
	case "", "false":
	case "true":
		q.fixableOnly = true
	default:
		return q, fmt.Errorf("fixable must be true or false, not %q", get("fixable"))
	}
	switch get("running") {
	case "":
	case "true", "false":
		b := get("running") == "true"
		q.running = &b
	default:
		return q, fmt.Errorf("running must be true or false, not %q", get("running"))
	}
	for _, p := range []struct {
		name string
		dst  *int
		max  int
	}{{"limit", &q.limit, 500}, {"offset", &q.offset, 1 << 30}} {
		s := get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || (p.name == "limit" && n == 0) {
			return q, fmt.Errorf("bad %s %q", p.name, s)
		}
		*p.dst = min(n, p.max)
	}
	return q, nil
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// compareSeverities orders by the count of the worst severity, then the
// next, and so on.
func compareSeverities(a, b map[string]int) int {
	for _, s := range report.Severities() {
		if d := a[string(s)] - b[string(s)]; d != 0 {
			return d
		}
	}
	return 0
}

func (cs *State) listImages(w http.ResponseWriter, r *http.Request) error {
	q, err := parseImageQuery(r.URL.Query())
	if err != nil {
		return web.Errorf(http.StatusBadRequest, "%v", err)
	}
	rows, err := cs.loadRows(r.Context())
	if err != nil {
		return err
	}
	stats, err := cs.statsFor(r.Context(), rows, true)
	if err != nil {
		return err
	}
	tags, err := cs.store.ImageTags(r.Context())
	if err != nil {
		return err
	}
	running, containers, err := cs.running(r.Context())
	if err != nil {
		return err
	}
	page := ImagePage{RunningContainers: containers, Offset: q.offset, Limit: q.limit, Items: []ImageRow{}, Severities: map[string]int{}, Fixable: map[string]int{},
		Registries: []string{}, Repositories: []string{}}
	var all []ImageRow
	for _, row := range rows {
		if !slices.Contains(page.Registries, row.Registry) {
			page.Registries = append(page.Registries, row.Registry)
		}
		if (q.registry == "" || row.Registry == q.registry) && !slices.Contains(page.Repositories, row.Repository) {
			page.Repositories = append(page.Repositories, row.Repository)
		}
		st := stats[row.Key()]
		if st == nil {
			continue
		}
		ir := ImageRow{ImageSummary: apiconv.ImageSummary(row.ImageSummary), OS: st.os, Fixable: st.fixable, Layers: st.layers, Size: st.size}
		if ir.Severities == nil {
			ir.Severities = map[string]int{}
		}
		ir.Coverage, ir.NotCovered = st.coverageState(ir.Packages)
		ir.Tags = tags[row.Key()]
		ir.Running = running[ir.Digest]
		switch {
		case q.registry != "" && ir.Registry != q.registry,
			q.repository != "" && ir.Repository != q.repository,
			q.severity != "" && ir.Severities[q.severity] == 0,
			q.coverage != "" && ir.Coverage != q.coverage,
			q.fixableOnly && sum(ir.Fixable) == 0,
			q.running != nil && ir.Running != *q.running:
			continue
		}
		if q.q != "" && !strings.Contains(strings.ToLower(ir.Reference+" "+ir.Repository+":"+strings.Join(append([]string{ir.Tag}, ir.Tags...), " ")+
			" "+ir.Digest+" "+ir.OS+" "+strings.Join(ir.NotCovered, " ")), q.q) {
			continue
		}
		all = append(all, ir)
		if ir.Running {
			page.Running++
		}
		switch ir.Coverage {
		case api.CoverageNotCovered:
			page.NotCovered++
		case api.CoverageUnknown:
			page.CoverageUnknown++
		}
		for s, n := range ir.Severities {
			page.Severities[s] += n
		}
		for s, n := range ir.Fixable {
			page.Fixable[s] += n
		}
	}
	slices.Sort(page.Registries)
	slices.Sort(page.Repositories)
	cmp := func(a, b ImageRow) int {
		switch q.sort {
		case "reference":
			return strings.Compare(a.Reference, b.Reference)
		case "repository":
			return strings.Compare(a.Repository, b.Repository)
		case "tag":
			return strings.Compare(a.Tag, b.Tag)
		case "os":
			return strings.Compare(a.OS, b.OS)
		case "scanned_at":
			return a.ScannedAt.Compare(b.ScannedAt)
		case "severity":
			return compareSeverities(a.Severities, b.Severities)
		case "vulnerabilities":
			return a.Vulnerabilities - b.Vulnerabilities
		case "fixable":
			return sum(a.Fixable) - sum(b.Fixable)
		case "packages":
			return a.Packages - b.Packages
		case "coverage":
			return strings.Compare(a.Coverage, b.Coverage)
		}
		return 0
	}
	slices.SortStableFunc(all, func(a, b ImageRow) int {
		d := cmp(a, b)
		if q.desc {
			d = -d
		}
		if d != 0 {
			return d
		}
		// A total order, so pages never overlap or skip.
		return cmpKeys(a, b)
	})
	page.Total = len(all)
	if q.offset < len(all) {
		page.Items = all[q.offset:min(len(all), q.offset+q.limit)]
	}
	web.WriteJSON(w, http.StatusOK, page)
	return nil
}

// cmpKeys orders images by registry, repository, tag and digest.
func cmpKeys(a, b ImageRow) int {
	for _, p := range [][2]string{{a.Registry, b.Registry}, {a.Repository, b.Repository}, {a.Tag, b.Tag}, {a.Digest, b.Digest}} {
		if d := strings.Compare(p[0], p[1]); d != 0 {
			return d
		}
	}
	return 0
}

func (cs *State) listRegistries(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	regs, err := cs.store.ListRegistries(ctx)
	if err != nil {
		return err
	}
	// A crawl runs on whichever controller took it: the store knows.
	live, err := cs.store.ListCrawls(ctx, store.CrawlFilter{Live: true})
	if err != nil {
		return err
	}
	crawling := map[string]bool{}
	for _, cr := range live {
		if cr.State == store.CrawlRunning {
			crawling[cr.Registry] = true
		}
	}
	out := make([]RegistryStatus, 0, len(regs))
	idx := map[string]int{}
	for _, rr := range regs {
		idx[rr.Name] = len(out)
		out = append(out, RegistryStatus{RegistryView: web.ViewOf(rr), Crawling: crawling[rr.Name]})
	}
	ts, err := cs.queue.List(ctx, queue.ListFilter{States: []queue.State{queue.StateQueued, queue.StateLeased, queue.StateFailed}})
	if err != nil {
		return err
	}
	for _, t := range ts {
		var p web.TaskPayload
		if json.Unmarshal(t.Payload, &p) != nil {
			continue
		}
		i, ok := idx[p.Registry]
		if !ok {
			continue
		}
		switch t.State {
		case queue.StateQueued:
			out[i].Queued++
		case queue.StateLeased:
			out[i].Leased++
		case queue.StateFailed:
			if lc := out[i].LastCrawl; lc != nil && !t.UpdatedAt.Before(*lc) {
				out[i].Failed++
			}
		}
	}
	ims, err := cs.store.ListImages(ctx, store.ImageFilter{})
	if err != nil {
		return err
	}
	for _, im := range ims {
		i, ok := idx[im.Registry]
		if !ok {
			continue
		}
		out[i].Images++
		if lc := out[i].LastCrawl; lc != nil && !im.ScannedAt.Before(*lc) {
			out[i].Scanned++
		}
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// searchVulnerabilities lists vulnerability IDs found in stored images
// whose ID contains ?q= (case-insensitive), most widespread first.
func (cs *State) searchVulnerabilities(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	limit := 50
	if s := r.URL.Query().Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			return web.Errorf(http.StatusBadRequest, "bad limit %q", s)
		}
		limit = min(n, 1000)
	}
	// From the report digests in memory, not image_vulns: counting
	// distinct images per ID in SQL takes about half a second on 1,000
	// images with 250 findings each, this a few milliseconds.
	rows, err := cs.loadRows(r.Context())
	if err != nil {
		return err
	}
	stats, err := cs.statsFor(r.Context(), rows, true)
	if err != nil {
		return err
	}
	type agg struct {
		worst  report.Severity
		images int
	}
	found := map[string]*agg{}
	uq := strings.ToUpper(q)
	for _, st := range stats {
		seen := map[string]bool{}
		for _, f := range st.findings {
			sev := severityOf(f.Severity)
			// An alias is searchable and listed as itself, as image_vulns
			// files it.
			for _, id := range append([]string{f.ID}, f.Aliases...) {
				if uq != "" && !strings.Contains(strings.ToUpper(id), uq) {
					continue
				}
				a := found[id]
				if a == nil {
					a = &agg{worst: sev}
					found[id] = a
				}
				if report.CompareSeverity(sev, a.worst) > 0 {
					a.worst = sev
				}
				if !seen[id] {
					seen[id] = true
					a.images++
				}
			}
		}
	}
	out := make([]VulnerabilitySummary, 0, len(found))
	for id, a := range found {
		out = append(out, VulnerabilitySummary{ID: id, Severity: string(a.worst), Images: a.images})
	}
	slices.SortFunc(out, func(a, b VulnerabilitySummary) int {
		if a.Images != b.Images {
			return b.Images - a.Images
		}
		return strings.Compare(a.ID, b.ID)
	})
	out = out[:min(len(out), limit)]
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// getVulnerability lists the images carrying a vulnerability (by its ID
// or an alias, case-insensitive) and the findings in each.
func (cs *State) getVulnerability(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := r.PathValue("id")
	// IDs are stored as their databases spell them: CVE-…, GO-… upper
	// case, GHSA-… with a lower-case body. Asking for those spellings
	// keeps the lookup on the index, whatever case the user typed.
	ghsa := id
	if pre, rest, ok := strings.Cut(id, "-"); ok && strings.EqualFold(pre, "GHSA") {
		ghsa = "GHSA-" + strings.ToLower(rest)
	}
	keys, err := cs.store.ImagesWithVuln(ctx, id, strings.ToUpper(id), ghsa)
	if err != nil {
		return fmt.Errorf("looking up %s: %w", id, err)
	}
	want := map[consoleKey]bool{}
	for _, k := range keys {
		want[k] = true
	}
	if len(want) == 0 {
		return web.Errorf(http.StatusNotFound, "no stored image has %s", id)
	}
	all, err := cs.loadRows(ctx)
	if err != nil {
		return err
	}
	var hit []imageRow
	for _, row := range all {
		if want[row.Key()] {
			hit = append(hit, row)
		}
	}
	stats, err := cs.statsFor(ctx, hit, false)
	if err != nil {
		return err
	}
	tags, err := cs.store.ImageTags(ctx)
	if err != nil {
		return err
	}
	v := VulnerabilityView{ID: id, Aliases: []string{}, References: []string{}, Images: []AffectedImage{}}
	worst := report.SeverityUnknown
	for _, row := range hit {
		st := stats[row.Key()]
		if st == nil {
			continue
		}
		ai := AffectedImage{Registry: row.Registry, Repository: row.Repository, Tag: row.Tag, Digest: row.Digest, Reference: row.Reference, ScannedAt: row.ScannedAt,
			Tags: tags[row.Key()]}
		for _, f := range st.findings {
			if !strings.EqualFold(f.ID, id) && !slices.ContainsFunc(f.Aliases, func(a string) bool { return strings.EqualFold(a, id) }) {
				continue
			}
			ai.Findings = append(ai.Findings, f)
			if s := severityOf(f.Severity); report.CompareSeverity(s, worst) > 0 {
				worst = s
			}
			for _, a := range append([]string{f.ID}, f.Aliases...) {
				if !strings.EqualFold(a, id) && !slices.Contains(v.Aliases, a) {
					v.Aliases = append(v.Aliases, a)
				}
			}
		}
		if len(ai.Findings) > 0 {
			v.Images = append(v.Images, ai)
		}
	}
	v.Severity = string(worst)
	slices.Sort(v.Aliases)
	slices.SortFunc(v.Images, func(a, b AffectedImage) int { return strings.Compare(a.Reference, b.Reference) })
	if len(v.Images) > 0 {
		// The description and references come from one report: all
		// reports take them from the same advisory database.
		if err := cs.describe(ctx, &v); err != nil {
			return err
		}
	}
	web.WriteJSON(w, http.StatusOK, v)
	return nil
}

func (cs *State) describe(ctx context.Context, v *VulnerabilityView) error {
	im := v.Images[0]
	raw, ok, err := cs.store.Report(ctx, store.ImageKey{Registry: im.Registry, Repository: im.Repository, Digest: im.Digest})
	if err != nil || !ok {
		// Deleted meanwhile: the list is still right, only undescribed.
		return nil
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return nil
	}
	for _, f := range rep.Vulnerabilities {
		if strings.EqualFold(f.ID, v.ID) || slices.ContainsFunc(f.Aliases, func(a string) bool { return strings.EqualFold(a, v.ID) }) {
			v.Description, v.Title, v.CVSS, v.KEV, v.EPSS = f.Description, f.Title, f.CVSS, f.KEV, f.EPSS
			if strings.EqualFold(string(f.Severity), v.Severity) {
				v.SeveritySource = f.SeveritySource
			}
			if f.References != nil {
				v.References = f.References
			}
			return nil
		}
	}
	return nil
}

// reportFormats maps ?format= to a content type and a file extension.
var reportFormats = map[string]struct{ ctype, ext string }{
	"json":      {"application/json", "json"},
	"sarif":     {"application/sarif+json", "sarif"},
	"cyclonedx": {"application/vnd.cyclonedx+json", "cdx.json"},
	"spdx":      {"application/spdx+json", "spdx.json"},
}

// imageReportFile is GET /api/v1/images/{digest}/report?format=…: the
// stored report rendered as a file to download.
func (cs *State) imageReportFile(w http.ResponseWriter, r *http.Request) error {
	digest := r.PathValue("digest")
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "json"
	}
	f, ok := reportFormats[format]
	if !ok {
		return web.Errorf(http.StatusBadRequest, "unknown format %q (json, sarif, cyclonedx, spdx)", format)
	}
	digest, err := cs.ResolveDigest(r.Context(), digest)
	if err != nil {
		return err
	}
	raw, ok, err := cs.store.ImageReport(r.Context(), digest)
	if err != nil {
		return err
	}
	if !ok {
		return web.Errorf(http.StatusNotFound, "image %q not scanned", digest)
	}
	var rep report.Report
	if err := json.Unmarshal(raw, &rep); err != nil {
		return fmt.Errorf("stored report of %s: %w", digest, err)
	}
	var buf bytes.Buffer
	if err := output.Write(&buf, format, &rep); err != nil {
		return fmt.Errorf("rendering %s as %s: %w", digest, format, err)
	}
	name := strings.NewReplacer(":", "-", "/", "-", `"`, "", "\\", "").Replace(digest)
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"."+f.ext+`"`)
	_, _ = w.Write(buf.Bytes())
	return nil
}

// Warm brings every image's report digest up to date, as the background
// pass does (dropping those of images gone).
func (cs *State) Warm(ctx context.Context) error {
	rows, err := cs.loadRows(ctx)
	if err == nil {
		_, err = cs.statsFor(ctx, rows, true)
	}
	return err
}

// Forget drops the report digests held in memory, leaving this
// controller as a restarted one finds itself.
func (cs *State) Forget() {
	cs.mu.Lock()
	cs.stats = map[consoleKey]*imageStats{}
	cs.mu.Unlock()
}

// RecordDay records the fleet's totals as of now for the overview's
// trend, as the leader's background pass does once a minute.
func (cs *State) RecordDay(ctx context.Context, now time.Time) error {
	rows, err := cs.loadRows(ctx)
	if err != nil {
		return err
	}
	stats, err := cs.statsFor(ctx, rows, false)
	if err != nil {
		return err
	}
	return cs.snapshot(ctx, now, totals(rows, stats))
}
