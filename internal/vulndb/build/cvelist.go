package build

import (
	"archive/zip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/enrich"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/members"
)

// Record-level updates of the CVE List archive (issue 19), in the spirit
// of the OSV ones (patch.go).
//
// The CVE List is one archive of 300,000 CVE JSON 5 records
// (cvelistV5's main.zip) that changes every few minutes; reading it whole
// was most of a day's update. Its repository also publishes
// cves/deltaLog.json, the fetches of the last days (newest first), each
// with its fetchTime and the ids of the records it added or changed, and
// every record as cves/<year>/<n>xxx/<id>.json (enrich.ParseCVEDeltaLog).
// So when the archive is read with a cache, the intermediate keeps a
// member table whose entries number the enrichment items (one per
// record), and the archive's time: the newest fetch of the deltaLog.json
// it holds. The next update reads the log from the repository's files
// (BuildOptions.CVEListRecords) and, when the log reaches back to that
// time, fetches only the records of the fetches since and patches the
// intermediate as patch.go does, the replaced items listed as dead. The
// file is byte for byte what a full build of the archive as of the log's
// newest fetch gives (TestCVEListRecordLevelUpdate).
//
// The archive is read whole instead, saying why in the log — never a
// silently stale database — when the previous reading found no delta log
// in the archive, when the log cannot be had, is malformed, or begins
// after the archive's time (a gap: changes in between are not listed),
// when a listed record cannot be fetched, when a record's path in the
// archive is not the repository's, and on the bounds of patch.go (the
// number of changes, of patches, of dead items).

// DefaultCVEListRecordsURL is where the CVE List repository's files are
// served one by one (cves/deltaLog.json and the records).
const DefaultCVEListRecordsURL = "https://raw.githubusercontent.com/CVEProject/cvelistV5/main"

// maxDeltaLog bounds the delta log read (it lists a month of fetches,
// some MB).
const maxDeltaLog = 64 << 20

// cveRecordPath matches a CVE List member named as the repository lays
// its records out: <prefix>cves/<year>/<n>xxx/<id>.json.
var cveRecordPath = regexp.MustCompile(`^(.*?)cves/([0-9]{4})/([0-9]+xxx)/(CVE-[0-9]{4}-[0-9]{4,})\.json$`)

// cvePath returns a record's path under cves/: CVE-2024-12345 is
// 2024/12xxx/CVE-2024-12345.json.
func cvePath(id string) string {
	parts := strings.SplitN(id, "-", 3)
	num := parts[2]
	return parts[1] + "/" + num[:len(num)-3] + "xxx/" + id + ".json"
}

// cveListBase returns the base URL of the repository files of the CVE
// List archive src, or "" when it has none.
func (fb *feedBuilder) cveListBase(src string) string {
	return strings.TrimRight(fb.opts.CVEListRecords[src], "/")
}

// archiveLogTime returns the newest fetch of the delta log inside the CVE
// List archive read from path (fetched, or src when local), or "" when it
// has none (the next update then reads the archive whole, as it says).
func (fb *feedBuilder) archiveLogTime(src, fetched string) string {
	path := fetched
	if path == "" {
		path = src
	}
	t, err := zipLogTime(path)
	if err != nil {
		if fb.opts.Logger != nil {
			fb.opts.Logger.Warn("the next update reads the archive whole: "+err.Error(), "source", src)
		}
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func zipLogTime(path string) (time.Time, error) {
	zr, err := zip.OpenReader(path)
	if err != nil {
		return time.Time{}, fmt.Errorf("the archive's delta log: %w", err)
	}
	defer zr.Close()
	for _, f := range zr.File {
		if f.Name != "cves/deltaLog.json" && !strings.HasSuffix(f.Name, "/cves/deltaLog.json") {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			return time.Time{}, fmt.Errorf("the archive's %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, maxDeltaLog+1))
		rc.Close()
		if err != nil {
			return time.Time{}, fmt.Errorf("the archive's %s: %w", f.Name, err)
		}
		log, err := enrich.ParseCVEDeltaLog(b)
		if err != nil {
			return time.Time{}, fmt.Errorf("the archive's %s: %w", f.Name, err)
		}
		newest, _ := logSpan(log)
		if newest.IsZero() {
			return time.Time{}, fmt.Errorf("the archive's %s lists no fetch", f.Name)
		}
		return newest, nil
	}
	return time.Time{}, errors.New("the archive holds no cves/deltaLog.json")
}

// logSpan returns the newest and the oldest fetch of a delta log.
func logSpan(log []enrich.CVEDelta) (newest, oldest time.Time) {
	for i, d := range log {
		if i == 0 || d.FetchTime.After(newest) {
			newest = d.FetchTime
		}
		if i == 0 || d.FetchTime.Before(oldest) {
			oldest = d.FetchTime
		}
	}
	return newest, oldest
}

// patchCVEList brings the cached intermediate of the CVE List archive up
// to date record by record (see the top of this file). done is false
// when the archive must be read whole instead; the cause is logged.
func (fb *feedBuilder) patchCVEList(ctx context.Context, src, cached string, prev *feedMeta) (fo *feedOut, done bool, err error) {
	fallback := func(why string, args ...any) (*feedOut, bool, error) {
		if fb.opts.Logger != nil {
			fb.opts.Logger.Warn("reading the whole archive: "+fmt.Sprintf(why, args...), "source", src)
		}
		return nil, false, nil
	}
	base := fb.cveListBase(src)
	switch {
	case base == "":
		return fallback("no location of the CVE List's records is configured")
	case prev.LogTime == "":
		return fallback("the archive read last held no delta log, so its time is not known")
	case prev.Patches >= maxPatches:
		return fallback("%d record-level updates since it was last read whole", prev.Patches)
	}
	t0, err := time.Parse(time.RFC3339Nano, prev.LogTime)
	if err != nil {
		return fallback("cache entry's archive time %q: %v", prev.LogTime, err)
	}
	logURL := base + "/cves/deltaLog.json"
	lf, err := feed.Fetch(ctx, fb.opts.HTTPClient, logURL, prev.List, fb.work)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, err
		}
		return fallback("cves/deltaLog.json: %v", err)
	}
	if lf.NotModified {
		fb.log("delta log not modified: reusing the parsed records", src)
		return &feedOut{dir: cached, meta: *prev}, true, nil
	}
	defer os.Remove(lf.Path)
	data, err := readBounded(lf.Path, maxDeltaLog)
	if err != nil {
		return fallback("%s: %v", logURL, err)
	}
	log, err := enrich.ParseCVEDeltaLog(data)
	if err != nil {
		return fallback("%s: %v", logURL, err)
	}
	newest, oldest := logSpan(log)
	if len(log) == 0 || oldest.After(t0) {
		return fallback("%s begins at %s, after the archive's time %s: the changes in between are not listed",
			logURL, oldest.Format(time.RFC3339), t0.Format(time.RFC3339))
	}
	changed := map[string]bool{}
	for _, d := range log {
		if d.FetchTime.After(t0) {
			for _, id := range d.CVEs {
				changed[id] = true
			}
		}
	}
	m := *prev
	m.List = lf.Fingerprint
	if len(changed) == 0 {
		// Fetches that changed nothing still move the time on: the log
		// keeps only the last weeks.
		if newest.After(t0) {
			m.LogTime = newest.Format(time.RFC3339Nano)
		}
		fb.log("no record changed since the archive: reusing the parsed records", src)
		if err := writeFeedMeta(cached, &m); err != nil {
			return nil, false, err
		}
		return &feedOut{dir: cached, meta: m}, true, nil
	}
	ents, err := members.ReadTable(filepath.Join(cached, prev.Table))
	if err != nil {
		return fallback("%v", err)
	}
	// The records' names in the archive: <prefix>cves/<path>.
	prefix, byID := "", make(map[string]int, len(ents))
	for i := range ents {
		sm := cveRecordPath.FindStringSubmatch(ents[i].Name)
		if sm == nil {
			if ents[i].Seq != members.NoSeq {
				return fallback("member %s holds a record but is not named cves/<year>/<n>xxx/<id>.json", ents[i].Name)
			}
			continue // README, the delta logs: not records
		}
		if len(byID) == 0 {
			prefix = sm[1]
		}
		id := sm[4]
		if sm[1] != prefix || ents[i].Name != prefix+"cves/"+cvePath(id) {
			return fallback("member %s is not where the repository keeps %s", ents[i].Name, id)
		}
		if _, dup := byID[id]; dup {
			return fallback("the archive holds %s twice", id)
		}
		byID[id] = i
	}
	if len(byID) == 0 {
		return fallback("the archive read last held no records")
	}
	ids := make([]string, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	drop := make([]bool, len(ents))
	refs := make([]feed.MemberRef, len(ids))
	newDead, added := 0, 0
	for k, id := range ids {
		refs[k] = feed.MemberRef{URL: base + "/cves/" + cvePath(id), Name: prefix + "cves/" + cvePath(id)}
		i, ok := byID[id]
		if !ok {
			added++
			continue
		}
		drop[i] = true
		if ents[i].Seq != members.NoSeq {
			newDead++
		}
	}
	if why := prev.tooFar(cached, len(ids), len(ents), newDead); why != "" {
		return fallback("%s", why)
	}
	fetched, err := feed.FetchDocs(ctx, fb.opts.HTTPClient, refs, maxPatchFetch)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, err
		}
		return fallback("%v", err)
	}
	fo, why, err := fb.applyPatch(ctx, src, cached, prev, &patchSet{ents: ents, drop: drop, fetched: fetched,
		list: lf.Fingerprint, logTime: newest.Format(time.RFC3339Nano)})
	if err != nil || why != "" {
		if why != "" {
			return fallback("%s", why)
		}
		return nil, false, err
	}
	if fb.opts.Logger != nil {
		fb.opts.Logger.Info("source patched record by record", "source", src,
			"added", added, "replaced", len(ids)-added, "since", t0.Format(time.RFC3339), "until", newest.Format(time.RFC3339))
	}
	return fo, true, nil
}

// readBounded reads a downloaded file of at most limit bytes.
func readBounded(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}
