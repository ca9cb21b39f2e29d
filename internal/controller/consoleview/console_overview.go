package consoleview

// The console's overview (fleet totals, coverage gaps, scans per day, the
// most widespread fixable findings, trends) and its hosts list with
// coverage.
//
// Trends need yesterday's totals, which nothing else keeps: the console's
// background pass writes one row per UTC day to console_days (the day's
// latest totals, at most once a minute). Scans per day are the growth of
// the images' cumulative scan counts from one day's row to the next, so
// they count every stored result, crawled or submitted, since the first
// row; a deleted image can make a day's growth negative, which shows as 0.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/controller/apiconv"
	"github.com/scanfleet/scanfleet/internal/controller/web"
	"github.com/scanfleet/scanfleet/internal/report"
)

// overviewDays is how many days of trend the overview answers.
const overviewDays = 30

// DaysSetting keeps the overview's daily totals in the shared store, a
// JSON object by day (storedDay), so every controller answers the same
// trend; the leader records them.
const DaysSetting = "console.days"

// storedDay is one day's totals as DaysSetting keeps them.
type storedDay struct {
	Images     int            `json:"images"`
	NotCovered int            `json:"not_covered"`
	ScansTotal int            `json:"scans_total"`
	Severities map[string]int `json:"severities"`
	Fixable    map[string]int `json:"fixable"`
}

// storedDays reads DaysSetting; an unreadable value starts it again.
func (cs *State) storedDays(ctx context.Context) (map[string]storedDay, error) {
	raw, ok, err := cs.store.Setting(ctx, DaysSetting)
	if err != nil {
		return nil, fmt.Errorf("reading daily totals: %w", err)
	}
	out := map[string]storedDay{}
	if ok {
		if err := json.Unmarshal([]byte(raw), &out); err != nil {
			cs.log.Warn("console: stored daily totals do not decode; starting them again", "err", err)
			out = map[string]storedDay{}
		}
	}
	return out, nil
}

// DaySample is one day of GET /api/v1/console/overview's trend.
type DaySample struct {
	Day        string `json:"day"` // YYYY-MM-DD, UTC
	Images     int    `json:"images"`
	NotCovered int    `json:"not_covered"`
	// Scans is how many results arrived that day (see console_overview.go).
	Scans      int            `json:"scans"`
	Severities map[string]int `json:"severities"`
	Fixable    map[string]int `json:"fixable"`
}

// UncoveredImage is an image whose database lacked data for some of its
// contents.
type UncoveredImage struct {
	Registry   string   `json:"registry"`
	Repository string   `json:"repository"`
	Tag        string   `json:"tag"`
	Digest     string   `json:"digest"`
	NotCovered []string `json:"not_covered"`
	Packages   int      `json:"packages"`
}

// FixableFinding is a vulnerability with a fixed version, and how many
// images carry it.
type FixableFinding struct {
	ID       string   `json:"id"`
	Severity string   `json:"severity"`
	Images   int      `json:"images"`
	Packages []string `json:"packages"`
}

// Overview is GET /api/v1/console/overview.
type Overview struct {
	Images          int              `json:"images"`
	Hosts           int              `json:"hosts"`
	Severities      map[string]int   `json:"severities"`
	Fixable         map[string]int   `json:"fixable"`
	NotCovered      int              `json:"not_covered"`
	CoverageUnknown int              `json:"coverage_unknown"`
	Uncovered       []UncoveredImage `json:"uncovered"`
	TopFixable      []FixableFinding `json:"top_fixable"`
	// Days is the trend, oldest first, ending today.
	Days []DaySample `json:"days"`
}

// HostRow is one host of GET /api/v1/console/hosts: its summary and the
// coverage of its report.
type HostRow struct {
	api.HostSummary
	Coverage   string   `json:"coverage"`
	NotCovered []string `json:"not_covered,omitempty"`
}

func (cs *State) overviewRoutes(h web.Route) {
	h("GET /api/v1/console/overview", web.ReadAccess, 0, cs.overview)
	h("GET /api/v1/console/hosts", web.ReadAccess, 0, cs.listHosts)
}

// fleetTotals sums the images' findings and coverage.
type fleetTotals struct {
	images, notCovered, unknown, scans int
	severities, fixable                map[string]int
}

func totals(rows []imageRow, stats map[consoleKey]*imageStats) fleetTotals {
	t := fleetTotals{severities: map[string]int{}, fixable: map[string]int{}}
	for _, r := range rows {
		st := stats[r.Key()]
		if st == nil {
			continue
		}
		t.images++
		t.scans += r.Scans
		for s, n := range r.Severities {
			t.severities[s] += n
		}
		for s, n := range st.fixable {
			t.fixable[s] += n
		}
		switch cov, _ := st.coverageState(r.Packages); cov {
		case api.CoverageNotCovered:
			t.notCovered++
		case api.CoverageUnknown:
			t.unknown++
		}
	}
	return t
}

// snapshot records today's totals, dropping days past the trend.
func (cs *State) snapshot(ctx context.Context, now time.Time, t fleetTotals) error {
	days, err := cs.storedDays(ctx)
	if err != nil {
		return err
	}
	days[now.UTC().Format(time.DateOnly)] = storedDay{Images: t.images, NotCovered: t.notCovered, ScansTotal: t.scans,
		Severities: t.severities, Fixable: t.fixable}
	from := now.UTC().AddDate(0, 0, -overviewDays-1).Format(time.DateOnly)
	for d := range days {
		if d < from {
			delete(days, d)
		}
	}
	b, err := json.Marshal(days)
	if err != nil {
		return err
	}
	if err := cs.store.PutSetting(ctx, DaysSetting, string(b)); err != nil {
		return fmt.Errorf("recording the day's totals: %w", err)
	}
	return nil
}

// days reads the trend: the stored days of the last overviewDays, with
// today's live totals in place of today's row.
func (cs *State) days(ctx context.Context, now time.Time, today fleetTotals) ([]DaySample, error) {
	from := now.UTC().AddDate(0, 0, -overviewDays).Format(time.DateOnly)
	stored, err := cs.storedDays(ctx)
	if err != nil {
		return nil, err
	}
	type day struct {
		DaySample
		total int
	}
	var ds []day
	for _, d := range slices.Sorted(maps.Keys(stored)) {
		if d < from {
			continue
		}
		sd := stored[d]
		ds = append(ds, day{DaySample: DaySample{Day: d, Images: sd.Images, NotCovered: sd.NotCovered, Severities: sd.Severities, Fixable: sd.Fixable},
			total: sd.ScansTotal})
	}
	td := day{DaySample: DaySample{Day: now.UTC().Format(time.DateOnly), Images: today.images, NotCovered: today.notCovered,
		Severities: today.severities, Fixable: today.fixable}, total: today.scans}
	if n := len(ds); n > 0 && ds[n-1].Day == td.Day {
		ds[n-1] = td
	} else {
		ds = append(ds, td)
	}
	out := make([]DaySample, len(ds))
	prev := 0
	for i, d := range ds {
		d.Scans = max(0, d.total-prev)
		prev = d.total
		out[i] = d.DaySample
	}
	return out, nil
}

func (cs *State) overview(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rows, err := cs.loadRows(ctx)
	if err != nil {
		return err
	}
	stats, err := cs.statsFor(ctx, rows, true)
	if err != nil {
		return err
	}
	t := totals(rows, stats)
	ov := Overview{Images: t.images, Severities: t.severities, Fixable: t.fixable, NotCovered: t.notCovered, CoverageUnknown: t.unknown,
		Uncovered: []UncoveredImage{}, TopFixable: []FixableFinding{}}
	hosts, err := cs.store.ListHosts(ctx)
	if err != nil {
		return err
	}
	ov.Hosts = len(hosts)
	type agg struct {
		worst  report.Severity
		images int
		pkgs   []string
	}
	fixable := map[string]*agg{}
	for _, row := range rows {
		st := stats[row.Key()]
		if st == nil {
			continue
		}
		if cov, nc := st.coverageState(row.Packages); cov == api.CoverageNotCovered {
			ov.Uncovered = append(ov.Uncovered, UncoveredImage{Registry: row.Registry, Repository: row.Repository, Tag: row.Tag, Digest: row.Digest,
				NotCovered: nc, Packages: row.Packages})
		}
		seen := map[string]bool{}
		for _, f := range st.findings {
			if f.Fixed == "" {
				continue
			}
			sev := severityOf(f.Severity)
			a := fixable[f.ID]
			if a == nil {
				a = &agg{worst: sev}
				fixable[f.ID] = a
			}
			if report.CompareSeverity(sev, a.worst) > 0 {
				a.worst = sev
			}
			if !slices.Contains(a.pkgs, f.Package) {
				a.pkgs = append(a.pkgs, f.Package)
			}
			if !seen[f.ID] {
				seen[f.ID] = true
				a.images++
			}
		}
	}
	for id, a := range fixable {
		slices.Sort(a.pkgs)
		ov.TopFixable = append(ov.TopFixable, FixableFinding{ID: id, Severity: string(a.worst), Images: a.images, Packages: a.pkgs})
	}
	// Most images first, then the worst, then by ID: a stable order.
	slices.SortFunc(ov.TopFixable, func(a, b FixableFinding) int {
		if a.Images != b.Images {
			return b.Images - a.Images
		}
		if c := report.CompareSeverity(report.Severity(b.Severity), report.Severity(a.Severity)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	ov.TopFixable = ov.TopFixable[:min(len(ov.TopFixable), 10)]
	slices.SortFunc(ov.Uncovered, func(a, b UncoveredImage) int {
		return strings.Compare(a.Registry+"/"+a.Repository+":"+a.Tag, b.Registry+"/"+b.Repository+":"+b.Tag)
	})
	ov.Uncovered = ov.Uncovered[:min(len(ov.Uncovered), 50)]
	if ov.Days, err = cs.days(ctx, time.Now(), t); err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, ov)
	return nil
}

// listHosts is the hosts list with each report's coverage. Host reports
// are decoded on every call: hosts are few next to images.
func (cs *State) listHosts(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hs, err := cs.store.ListHosts(ctx)
	if err != nil {
		return err
	}
	out := make([]HostRow, 0, len(hs))
	for _, h := range hs {
		row := HostRow{HostSummary: apiconv.HostSummary(h), Coverage: api.CoverageUnknown}
		raw, ok, err := cs.store.HostReport(ctx, h.Name)
		if err != nil {
			return err
		}
		var rd struct {
			Coverage []report.Coverage `json:"coverage"`
		}
		if ok && json.Unmarshal(raw, &rd) == nil {
			row.Coverage, row.NotCovered = coverageOf(rd.Coverage, h.Packages)
		}
		out = append(out, row)
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}
