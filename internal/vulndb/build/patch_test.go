package build

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// osvEco publishes one OSV ecosystem folder the way the OSV bucket does:
// all.zip, modified_id.csv (newest first) and every record as <id>.json.
type osvEco struct {
	srv      *feedServer
	dir      string            // "/Go"
	recs     map[string][]byte // id -> record JSON
	reverse  bool              // write the archive's members in reverse order
	list     []byte            // when set, served instead of the real list
	noList   bool              // serve no list at all
	unserved string            // a record not served on its own
}

func (e *osvEco) publish(t *testing.T, mod time.Time) {
	t.Helper()
	ids := make([]string, 0, len(e.recs))
	for id := range e.recs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if e.reverse {
		for i, j := 0, len(ids)-1; i < j; i, j = i+1, j-1 {
			ids[i], ids[j] = ids[j], ids[i]
		}
	}
	var zb bytes.Buffer
	zw := zip.NewWriter(&zb)
	type row struct{ mod, id string }
	var rows []row
	for _, id := range ids {
		fw, err := zw.Create(id + ".json")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(e.recs[id])
		e.srv.set(e.dir+"/"+id+".json", e.recs[id], mod)
		var r struct {
			Modified string `json:"modified"`
		}
		json.Unmarshal(e.recs[id], &r)
		rows = append(rows, row{r.Modified, id})
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if e.unserved != "" {
		e.srv.mu.Lock()
		delete(e.srv.files, e.dir+"/"+e.unserved+".json")
		e.srv.mu.Unlock()
	}
	e.srv.set(e.dir+"/all.zip", zb.Bytes(), mod)
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].mod != rows[j].mod {
			return rows[i].mod > rows[j].mod
		}
		return rows[i].id < rows[j].id
	})
	var csv bytes.Buffer
	for _, r := range rows {
		fmt.Fprintf(&csv, "%s,%s\n", r.mod, r.id)
	}
	switch {
	case e.noList:
		e.srv.mu.Lock()
		delete(e.srv.files, e.dir+"/modified_id.csv")
		e.srv.mu.Unlock()
	case e.list != nil:
		e.srv.set(e.dir+"/modified_id.csv", e.list, mod)
	default:
		e.srv.set(e.dir+"/modified_id.csv", csv.Bytes(), mod)
	}
}

// edit rewrites record id: fields set (nil deletes) and a new modified time.
func (e *osvEco) edit(t *testing.T, id string, mod time.Time, set map[string]any) {
	t.Helper()
	var m map[string]any
	if b, ok := e.recs[id]; ok {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
	} else {
		m = map[string]any{"id": id}
	}
	for k, v := range set {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	m["modified"] = mod.Format(time.RFC3339)
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	e.recs[id] = b
}

// goRecords reads n records of the shared Go vulnerability database.
func goRecords(t *testing.T, n int) map[string][]byte {
	t.Helper()
	gz, err := gzip.NewReader(bytes.NewReader(readData(t, "advisories", "osv-go-vulndb.tar.gz")))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	var names []string
	all := map[string][]byte{}
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(h.Name, ".json") {
			continue
		}
		b, _ := io.ReadAll(tr)
		id := strings.TrimSuffix(filepath.Base(h.Name), ".json")
		all[id] = b
		names = append(names, id)
	}
	sort.Strings(names)
	out := map[string][]byte{}
	for _, id := range names[:min(n, len(names))] {
		out[id] = all[id]
	}
	return out
}

// TestRecordLevelUpdate runs updates against an OSV-style ecosystem
// folder whose records change a few at a time: each update must fetch
// modified_id.csv and only the records it lists as new or modified (not
// all.zip), leave the other feed's cache entry alone, and write the file
// a full build of the new all.zip gives, byte for byte — with the
// archive's members in another order, records added, replaced, removed,
// withdrawn and malformed. A record that fails to download fails the
// update and leaves the database and cache as they were; a list that
// cannot be read or is malformed makes the update read all.zip whole.
func TestRecordLevelUpdate(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	fs := newFeedServer()
	srv := httptest.NewServer(fs)
	defer srv.Close()
	eco := &osvEco{srv: fs, dir: "/Go", recs: goRecords(t, 400)}
	eco.publish(t, t0)
	fs.set("/crates/all.tar.gz", readData(t, "advisories", "osv-crates.tar.gz"), t0)
	urls := []string{srv.URL + "/Go/all.zip", srv.URL + "/crates/all.tar.gz"}
	ids := make([]string, 0, len(eco.recs))
	for id := range eco.recs {
		ids = append(ids, id)
	}
	sort.Strings(ids)

	dir := t.TempDir()
	var log bytes.Buffer
	cfg := UpdateConfig{DB: filepath.Join(dir, "db", "scanfleet.db"), Sources: urls, BuiltAt: dbtest.BuiltAt,
		CacheDir: filepath.Join(dir, "cache"), Logger: slog.New(slog.NewTextHandler(&log, nil))}
	ctx := context.Background()
	metaOf := cacheMetaOf(t, cfg.CacheDir, urls)
	gets := func() (archive, list, records int) {
		fs.mu.Lock()
		defer fs.mu.Unlock()
		for p, n := range fs.gets {
			switch {
			case p == "/Go/all.zip":
				archive += n
			case p == "/Go/modified_id.csv":
				list += n
			case strings.HasPrefix(p, "/Go/"):
				records += n
			}
		}
		return
	}

	type step struct {
		name    string
		change  func(day time.Time)
		archive int    // all.zip downloads
		records int    // single records downloaded
		fails   string // the update fails naming this
		logs    string // the log says this
	}
	steps := []step{
		{name: "first update", change: func(time.Time) {}, archive: 1},
		{name: "nothing changed", change: func(time.Time) {}},
		{name: "a day's changes", change: func(day time.Time) {
			eco.reverse = true // a full reading sees the members in another order
			eco.edit(t, ids[3], day, map[string]any{"summary": "changed today"})
			eco.edit(t, ids[10], day, map[string]any{"aliases": []string{"CVE-2099-0001"}})
			eco.edit(t, ids[20], day, map[string]any{"withdrawn": day.Format(time.RFC3339)})
			eco.edit(t, ids[30], day, map[string]any{"affected": []any{map[string]any{
				"package": map[string]any{"ecosystem": "Go", "name": "example.com/broken"},
				"ranges":  []any{map[string]any{"type": "SEMVER", "events": []any{map[string]any{"introduced": "not-a-version"}}}},
			}}})
			delete(eco.recs, ids[40])
			for i, id := range []string{"GO-2099-0001", "GO-2099-0002"} {
				var m map[string]any
				json.Unmarshal(eco.recs[ids[50+i]], &m)
				m["id"] = id
				eco.edit(t, id, day, m)
			}
		}, records: 6},
		{name: "a record fails to download", change: func(day time.Time) {
			eco.edit(t, ids[60], day, map[string]any{"summary": "changed again"})
			eco.edit(t, ids[61], day, map[string]any{"summary": "changed again"})
			eco.publish(t, day)
			fs.fail("/Go/"+ids[61]+".json", http.StatusInternalServerError, false)
		}, fails: "/Go/" + ids[61] + ".json"},
		{name: "the record is back", change: func(time.Time) {}, records: 2},
		{name: "malformed list", change: func(day time.Time) {
			eco.edit(t, ids[70], day, map[string]any{"summary": "changed with a bad list"})
			eco.list = []byte("2026-12-09T00:00:00Z,GO-2099-0003\nthis is not a list row\n")
		}, archive: 1, logs: "malformed modified_id.csv: line 2"},
		{name: "list not served", change: func(day time.Time) {
			eco.list, eco.noList = nil, true
			eco.edit(t, ids[71], day, map[string]any{"summary": "changed without a list"})
		}, archive: 1, logs: "404 Not Found"},
		{name: "record-level again", change: func(day time.Time) {
			eco.noList = false
			eco.edit(t, ids[80], day, map[string]any{"summary": "and again"})
		}, records: 1},
		// The list names a record the server does not have: list and
		// records disagree, so the archive is read whole.
		{name: "listed record not served", change: func(day time.Time) {
			eco.edit(t, ids[90], day, map[string]any{"summary": "listed, not served"})
			eco.unserved = ids[90]
		}, archive: 1, logs: "record listed but not served"},
	}
	for n, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			day := t0.Add(time.Duration(n) * 24 * time.Hour)
			before, _ := os.ReadFile(cfg.DB)
			cratesMeta := metaOf(urls[1])
			goMeta := metaOf(urls[0])
			a0, _, r0 := gets()
			st.change(day)
			if st.fails == "" && st.name != "the record is back" {
				eco.publish(t, day)
			}
			if st.name == "the record is back" {
				fs.set("/Go/"+ids[61]+".json", eco.recs[ids[61]], day)
			}
			log.Reset()
			_, err := Update(ctx, cfg)
			after, _ := os.ReadFile(cfg.DB)
			a1, _, r1 := gets()
			if st.fails != "" {
				if err == nil || !strings.Contains(err.Error(), st.fails) {
					t.Fatalf("update error %v, want one naming %s", err, st.fails)
				}
				if !bytes.Equal(before, after) {
					t.Fatal("a failed update changed the database")
				}
				if !bytes.Equal(goMeta, metaOf(urls[0])) {
					t.Fatal("a failed update changed the feed's cache entry")
				}
				return
			}
			if err != nil {
				t.Fatalf("update: %v\n%s", err, log.String())
			}
			if a1-a0 != st.archive {
				t.Errorf("all.zip downloaded %d times, want %d\n%s", a1-a0, st.archive, log.String())
			}
			if r1-r0 != st.records {
				t.Errorf("%d records downloaded one by one, want %d\n%s", r1-r0, st.records, log.String())
			}
			if st.logs != "" && !strings.Contains(log.String(), st.logs) {
				t.Errorf("log does not say %q:\n%s", st.logs, log.String())
			}
			if before != nil && !bytes.Equal(cratesMeta, metaOf(urls[1])) {
				t.Error("the unchanged feed's cache entry was rewritten")
			}
			sameAsFullBuild(t, cfg.DB, urls, log.String())
		})
	}
	// The patched entry holds what it should: the day's withdrawn and
	// malformed records are counted, the removed one is gone.
	db, err := vulndb.Open(cfg.DB)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var goInfo vulndb.SourceInfo
	for _, s := range db.Info().Sources {
		if s.Source == urls[0] {
			goInfo = s
		}
	}
	if goInfo.Withdrawn == 0 || goInfo.Malformed == 0 || len(goInfo.Errors) == 0 || !strings.Contains(strings.Join(goInfo.Errors, "\n"), "all.zip:"+ids[30]+".json") {
		t.Errorf("source info after the patches: %+v", goInfo)
	}
	if _, err := feed.ParseModifiedIDs(strings.NewReader("x")); !errors.Is(err, feed.ErrModifiedList) {
		t.Errorf("a malformed list gives %v, want ErrModifiedList", err)
	}
}
