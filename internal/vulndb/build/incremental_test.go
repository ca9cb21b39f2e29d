package build

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
	"github.com/scanfleet/scanfleet/internal/vulndb/internal/dbtest"
)

// feedServer serves feed files with ETag and Last-Modified, answers
// conditional requests with 304, and counts full downloads per path.
type feedServer struct {
	mu    sync.Mutex
	files map[string]served
	gets  map[string]int // 200 responses
	n304  map[string]int
}

type served struct {
	data    []byte
	mod     time.Time
	etag    string
	status  int  // non-zero: answer this status instead
	chopped bool // send half the body, then drop the connection
}

func newFeedServer() *feedServer {
	return &feedServer{files: map[string]served{}, gets: map[string]int{}, n304: map[string]int{}}
}

func (s *feedServer) set(path string, data []byte, mod time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sum := sha256.Sum256(append(data, mod.String()...))
	s.files[path] = served{data: data, mod: mod, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
}

func (s *feedServer) fail(path string, status int, chopped bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.files[path]
	f.status, f.chopped = status, chopped
	f.etag, f.mod = `"broken"`, f.mod.Add(time.Hour)
	s.files[path] = f
}

func (s *feedServer) counts(path string) (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gets[path], s.n304[path]
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	f, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	if f.status != 0 {
		http.Error(w, "broken feed", f.status)
		return
	}
	w.Header().Set("ETag", f.etag)
	rec := &statusRecorder{ResponseWriter: w}
	if f.chopped {
		w.Header().Set("Content-Length", strconvItoa(len(f.data)))
		w.WriteHeader(http.StatusOK)
		w.Write(f.data[:len(f.data)/2])
		panic(http.ErrAbortHandler) // the connection drops mid-body
	}
	http.ServeContent(rec, r, filepath.Base(r.URL.Path), f.mod, bytes.NewReader(f.data))
	s.mu.Lock()
	switch rec.status {
	case http.StatusOK:
		s.gets[r.URL.Path]++
	case http.StatusNotModified:
		s.n304[r.URL.Path]++
	}
	s.mu.Unlock()
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func strconvItoa(n int) string { return strconv.Itoa(n) }

func readData(t *testing.T, parts ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(testutil.Data(t, parts...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestIncrementalUpdate runs updates against a feed server whose feeds
// change one at a time, and checks after each that only the changed feed
// was downloaded and parsed, that the file is byte-identical to a full
// build (no cache) of the same feeds, and that a feed failing midway
// leaves the old database and the other feeds' cache entries in place.
func TestIncrementalUpdate(t *testing.T) {
	goDB := readData(t, "advisories", "osv-go-vulndb.tar.gz")
	crates := readData(t, "advisories", "osv-crates.tar.gz")
	pypi := readData(t, "advisories", "osv-pypi.tar.gz")
	kev := readData(t, "enrichment", "kev", "known_exploited_vulnerabilities.json")
	t0 := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

	fs := newFeedServer()
	fs.set("/go/all.tar.gz", goDB, t0)
	fs.set("/crates/all.tar.gz", crates, t0)
	fs.set("/kev.json", kev, t0)
	srv := httptest.NewServer(fs)
	defer srv.Close()
	paths := []string{"/go/all.tar.gz", "/crates/all.tar.gz", "/kev.json"}
	var urls []string
	for _, p := range paths {
		urls = append(urls, srv.URL+p)
	}

	dir := t.TempDir()
	cfg := UpdateConfig{DB: filepath.Join(dir, "db", "scanfleet.db"), Sources: urls, BuiltAt: dbtest.BuiltAt,
		CacheDir: filepath.Join(dir, "cache")}
	ctx := context.Background()
	full := func(t *testing.T) []byte {
		t.Helper()
		out := filepath.Join(t.TempDir(), "full.db")
		if _, err := Build(ctx, out, urls, BuildOptions{BuiltAt: dbtest.BuiltAt}); err != nil {
			t.Fatalf("full build: %v", err)
		}
		b, _ := os.ReadFile(out)
		return b
	}
	dsaKey, err := dsaFingerprint(urls)
	if err != nil {
		t.Fatal(err)
	}
	entryStamp := func(t *testing.T, src string) time.Time {
		fb := &feedBuilder{dsaKey: dsaKey}
		fi, err := os.Stat(filepath.Join(cfg.CacheDir, "feeds", fb.cacheKey(src), "records.idx"))
		if err != nil {
			t.Fatalf("cache entry of %s: %v", src, err)
		}
		return fi.ModTime()
	}

	type step struct {
		name       string
		change     func()
		downloaded []string // paths answered 200 by this update
		parsed     []string // paths whose cache entry was rewritten
		fails      bool
	}
	steps := []step{
		{name: "first update", change: func() {}, downloaded: paths, parsed: paths},
		{name: "nothing changed", change: func() {}},
		{name: "one feed changed", change: func() { fs.set("/crates/all.tar.gz", pypi, t0.Add(24*time.Hour)) },
			downloaded: []string{"/crates/all.tar.gz"}, parsed: []string{"/crates/all.tar.gz"}},
		{name: "new validators, same content", change: func() { fs.set("/kev.json", kev, t0.Add(48*time.Hour)) },
			downloaded: []string{"/kev.json"}},
		{name: "feed fails with 500", change: func() { fs.fail("/go/all.tar.gz", http.StatusInternalServerError, false) }, fails: true},
		{name: "feed drops midway", change: func() {
			fs.set("/go/all.tar.gz", crates, t0.Add(72*time.Hour))
			fs.fail("/go/all.tar.gz", 0, true)
		}, fails: true},
		// The failed updates kept the feed's old cache entry, whose
		// content this is again: downloaded, not parsed.
		{name: "feed back", change: func() { fs.set("/go/all.tar.gz", goDB, t0.Add(96*time.Hour)) },
			downloaded: []string{"/go/all.tar.gz"}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before, _ := os.ReadFile(cfg.DB)
			gets, stamps := map[string]int{}, map[string]time.Time{}
			for i, p := range paths {
				gets[p], _ = fs.counts(p)
				if before != nil {
					stamps[p] = entryStamp(t, urls[i])
				}
			}
			st.change()
			time.Sleep(10 * time.Millisecond) // distinct mtimes for rewritten cache entries
			_, err := Update(ctx, cfg)
			after, _ := os.ReadFile(cfg.DB)
			if st.fails {
				if err == nil {
					t.Fatal("update succeeded with a broken feed")
				}
				if !strings.Contains(err.Error(), "/go/all.tar.gz") {
					t.Errorf("error does not name the feed: %v", err)
				}
				if !bytes.Equal(before, after) {
					t.Fatal("a failed update changed the database")
				}
			} else if err != nil {
				t.Fatal(err)
			}
			for i, p := range paths {
				n, _ := fs.counts(p)
				want := 0
				if contains(st.downloaded, p) {
					want = 1
				}
				if got := n - gets[p]; got != want {
					t.Errorf("%s downloaded %d times, want %d", p, got, want)
				}
				if before == nil || st.fails {
					continue
				}
				rewritten := entryStamp(t, urls[i]) != stamps[p]
				if rewritten != contains(st.parsed, p) {
					t.Errorf("%s: cache entry rewritten = %v, want %v", p, rewritten, !rewritten)
				}
			}
			if !st.fails {
				if want := full(t); !bytes.Equal(after, want) {
					t.Fatalf("update gave %d bytes, not the %d bytes of a full build of the same feeds", len(after), len(want))
				}
			}
		})
	}
	// No scratch files are left beside the database or in the cache.
	for _, d := range []string{filepath.Dir(cfg.DB), filepath.Join(cfg.CacheDir, "feeds")} {
		ents, _ := os.ReadDir(d)
		for _, e := range ents {
			if strings.Contains(e.Name(), ".tmp") || strings.Contains(e.Name(), ".build-") {
				t.Errorf("left behind: %s", filepath.Join(d, e.Name()))
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
