package vulndb

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The RSS measurement recorded in docs/db-format.md. It is a measurement,
// not a pass/fail test, and is skipped unless asked for:
//
//	SCANFLEET_MEASURE_RSS=1 go test -count=1 -run TestMeasureRSS -v ./internal/vulndb/
//
// The fixture build allocates far more than the DB itself, so the figures
// come from a child process (this test binary re-executed) that only opens
// the database and looks up 500 keys spread over the sorted key set.

const (
	envMeasureRSS = "SCANFLEET_MEASURE_RSS"
	envRSSChild   = "SCANFLEET_RSS_CHILD_DB"
	envRSSPattern = "SCANFLEET_RSS_PATTERN"
)

// rssReport is what the child prints, as one JSON line.
type rssReport struct {
	Pattern                                string
	StartRSSKB, OpenRSSKB, EndRSSKB, HWMKB int64
	OpenFileKB, EndFileKB, EndAnonKB       int64
	OpenMapKB, EndMapKB                    int64 // Rss of the DB's mapping
	HeadBytes, TouchedBytes                int64
	FileBytes                              int64
	OpenMS, LookupMS                       float64
	Lookups, Advisories                    int
}

func TestMeasureRSS(t *testing.T) {
	if os.Getenv(envMeasureRSS) == "" {
		t.Skipf("measurement only: set %s=1", envMeasureRSS)
	}
	f := fullDB(t)
	for _, pattern := range []string{"spread", "spread", "cluster", "cluster"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestRSSChild$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), envRSSChild+"="+f.path, envRSSPattern+"="+pattern)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		var r rssReport
		found := false
		sc := bufio.NewScanner(strings.NewReader(string(out)))
		for sc.Scan() {
			if line, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "RSS "); ok {
				if err := json.Unmarshal([]byte(line), &r); err != nil {
					t.Fatal(err)
				}
				found = true
			}
		}
		if !found {
			t.Fatalf("child printed no report:\n%s", out)
		}
		t.Logf("%s: file %.2f MB (head %.2f MB): DB mapping resident after Open %.2f MB, after lookups %.2f MB; VmRSS start %.1f MB, after Open %.1f MB (+%.1f; file-backed %.1f), after %d lookups (%d advisories) %.1f MB (+%.1f; file-backed %.1f, anon %.1f; data blocks read %.1f MB), VmHWM %.1f MB; open %.2f ms, lookups %.1f ms",
			r.Pattern, float64(r.FileBytes)/1e6, float64(r.HeadBytes)/1e6, mb(r.OpenMapKB), mb(r.EndMapKB), mb(r.StartRSSKB), mb(r.OpenRSSKB), mb(r.OpenRSSKB-r.StartRSSKB), mb(r.OpenFileKB),
			r.Lookups, r.Advisories, mb(r.EndRSSKB), mb(r.EndRSSKB-r.StartRSSKB), mb(r.EndFileKB), mb(r.EndAnonKB), float64(r.TouchedBytes)/(1<<20), mb(r.HWMKB), r.OpenMS, r.LookupMS)
	}
}

func mb(kb int64) float64 { return float64(kb) / 1024 }

// TestRSSChild is the measured process; it does nothing unless started by
// TestMeasureRSS.
func TestRSSChild(t *testing.T) {
	path := os.Getenv(envRSSChild)
	if path == "" {
		t.Skip("run by TestMeasureRSS only")
	}
	var r rssReport
	r.StartRSSKB = procStatus(t, "VmRSS")
	t0 := time.Now()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	r.OpenMS = float64(time.Since(t0).Microseconds()) / 1000
	defer db.Close()
	r.OpenRSSKB = procStatus(t, "VmRSS")
	r.OpenFileKB = procStatus(t, "RssFile")
	r.HeadBytes = int64(HeaderSize + len(db.l.top))
	r.OpenMapKB = mappingRSS(t, path)
	r.FileBytes = db.Info().Size
	// Pick 500 keys spread over the sorted index, as sampleKeys does; the
	// index is read anyway (verified on Open).
	keys, err := db.keys()
	if err != nil {
		t.Fatal(err)
	}
	// "spread": 500 keys evenly over all keys, the worst case for
	// locality. "cluster": 500 consecutive keys from the middle, like
	// the packages of one distro image (one ecosystem, sorted names).
	r.Pattern = os.Getenv(envRSSPattern)
	n := min(500, len(keys))
	pick := func(i int) [2]string { return keys[i*len(keys)/n] }
	if r.Pattern == "cluster" {
		pick = func(i int) [2]string { return keys[len(keys)/2-n/2+i] }
	}
	ctx := context.Background()
	t1 := time.Now()
	for i := 0; i < n; i++ {
		k := pick(i)
		got, err := db.Advisories(ctx, k[0], k[1])
		if err != nil {
			t.Fatal(err)
		}
		r.Advisories += len(got)
	}
	r.LookupMS = float64(time.Since(t1).Microseconds()) / 1000
	r.Lookups = n
	r.EndRSSKB = procStatus(t, "VmRSS")
	r.HWMKB = procStatus(t, "VmHWM")
	r.EndFileKB = procStatus(t, "RssFile")
	r.TouchedBytes = int64(db.l.verifiedDataBlocks()) * pageSize
	r.EndAnonKB = procStatus(t, "RssAnon")
	r.EndMapKB = mappingRSS(t, path)
	js, _ := json.Marshal(r)
	fmt.Printf("RSS %s\n", js)
}

// procStatus returns a "kB" field of /proc/self/status.
func procStatus(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skipf("no /proc/self/status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("parsing %s: %v", line, err)
			}
			return n
		}
	}
	t.Fatalf("%s not in /proc/self/status", field)
	return 0
}

// mappingRSS returns the resident kB of the mappings of path, from
// /proc/self/smaps (0 when the file is not mapped, e.g. on non-unix).
func mappingRSS(t *testing.T, path string) int64 {
	t.Helper()
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	var total int64
	in := false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 5 && strings.Contains(f[0], "-") && !strings.HasSuffix(f[0], ":") {
			in = f[len(f)-1] == path
			continue
		}
		if in && len(f) >= 2 && f[0] == "Rss:" {
			n, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				t.Fatalf("parsing smaps %q: %v", line, err)
			}
			total += n
		}
	}
	return total
}
