package store

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/scanfleet/scanfleet/internal/report"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestPutResults: a batch of results stores each as PutResult would
// (idempotent per task, the last result of an image wins, each stored
// task counted once for its scanner), all or nothing; batches written at
// once by two controllers in opposite orders neither deadlock nor store
// a task twice.
func TestPutResults(t *testing.T) {
	for _, b := range []backend{sqliteBackend, postgresBackend} {
		t.Run(b.name, func(t *testing.T) {
			if b.name == "postgres" {
				testutil.Service(t, "SCANFLEET_TEST_POSTGRES")
			}
			for _, c := range []struct {
				name string
				run  func(e *env)
			}{
				{"one transaction, as PutResult", testPutResultsBatch},
				{"all or nothing", testPutResultsAllOrNothing},
				{"concurrent batches of two controllers", testPutResultsConcurrent},
			} {
				t.Run(c.name, func(t *testing.T) { c.run(openEnv(t, b)) })
			}
		})
	}
}

func scannerDone(e *env) map[string]int64 {
	e.t.Helper()
	scs, err := e.s.ListScanners(e.ctx, ScannerFilter{})
	e.must(err)
	out := map[string]int64{}
	for _, sc := range scs {
		out[sc.ID] = int64(sc.Done)
	}
	return out
}

func testPutResultsBatch(e *env) {
	for _, id := range []string{"s1", "s2"} {
		e.must(e.s.AddScanner(e.ctx, Scanner{ID: id, State: ScannerActive}))
	}
	r1, raw1 := rep(1, report.Vulnerability{ID: "CVE-1", Severity: "HIGH"})
	r2, raw2 := rep(2, report.Vulnerability{ID: "CVE-2", Severity: "LOW", Aliases: []string{"GHSA-2"}})
	imA := ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", Tag: "1", ScannedAt: t0, ScannedBy: "s1"}
	imB := ImageSummary{Registry: "r", Repository: "base", Digest: "sha256:b", Tag: "1", ScannedAt: t0, ScannedBy: "s2"}
	imA2 := imA
	imA2.ScannedAt = t0.Add(1)
	got, err := e.s.PutResults(e.ctx, []Result{
		{TaskID: "t1", Image: imA, Report: r1, Raw: raw1},
		{TaskID: "t2", Image: imB, Report: r1, Raw: raw1},
		{TaskID: "t1", Image: imA, Report: r1, Raw: raw1},  // the same task twice in a batch: stored once
		{TaskID: "t3", Image: imA2, Report: r2, Raw: raw2}, // a later task of image A: its result wins
	})
	e.must(err)
	if want := []bool{true, true, false, true}; !slices.Equal(got, want) {
		e.t.Errorf("stored = %v, want %v", got, want)
	}
	if d := scannerDone(e); d["s1"] != 2 || d["s2"] != 1 {
		e.t.Errorf("scanners' done = %v, want s1 2, s2 1", d)
	}
	ims := mustList(e, ImageFilter{})
	if len(ims) != 2 || ims[0].Digest != "sha256:a" || ims[0].Scans != 2 || ims[0].Vulnerabilities != 1 || ims[1].Scans != 1 {
		e.t.Fatalf("images = %+v", ims)
	}
	if keys, err := e.s.ImagesWithVuln(e.ctx, "GHSA-2"); err != nil || len(keys) != 1 || keys[0].Digest != "sha256:a" {
		e.t.Errorf("ImagesWithVuln(GHSA-2) = %v, %v: want image A (t3's report)", keys, err)
	}
	if keys, err := e.s.ImagesWithVuln(e.ctx, "CVE-1"); err != nil || len(keys) != 1 || keys[0].Digest != "sha256:b" {
		e.t.Errorf("ImagesWithVuln(CVE-1) = %v, %v: want only image B (A's index rewritten)", keys, err)
	}
	// A second batch repeating a stored task stores only the new one.
	imC := ImageSummary{Registry: "r", Repository: "cache", Digest: "sha256:c", ScannedAt: t0, ScannedBy: "s2"}
	got, err = e.s.PutResults(e.ctx, []Result{{TaskID: "t2", Image: imB, Report: r1, Raw: raw1}, {TaskID: "t4", Image: imC, Report: r1, Raw: raw1}})
	e.must(err)
	if want := []bool{false, true}; !slices.Equal(got, want) {
		e.t.Errorf("second batch stored = %v, want %v", got, want)
	}
	if d := scannerDone(e); d["s2"] != 2 {
		e.t.Errorf("s2 done = %d, want 2", d["s2"])
	}
}

func testPutResultsAllOrNothing(e *env) {
	e.must(e.s.AddScanner(e.ctx, Scanner{ID: "s1", State: ScannerActive}))
	r, raw := rep(1, report.Vulnerability{ID: "CVE-1", Severity: "HIGH"})
	ok := ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:a", ScannedAt: t0, ScannedBy: "s1"}
	for _, bad := range []Result{
		{TaskID: "t2", Image: ImageSummary{Registry: "r", Repository: "app", Digest: "sha256:b", ScannedBy: "s1"}}, // no report
		{TaskID: "t2", Image: ImageSummary{Registry: "r", Repository: "", Digest: "sha256:b", ScannedBy: "s1"}, Report: r, Raw: raw},
	} {
		_, err := e.s.PutResults(e.ctx, []Result{{TaskID: "t1", Image: ok, Report: r, Raw: raw}, bad})
		if !errors.Is(err, ErrInvalid) {
			e.t.Errorf("PutResults with %+v: err = %v, want ErrInvalid", bad.Image, err)
		}
	}
	if got, err := e.s.TaskResults(e.ctx, []string{"t1", "t2"}); err != nil || len(got) != 0 {
		e.t.Errorf("TaskResults after failed batches = %v, %v; want none stored", got, err)
	}
	if ims := mustList(e, ImageFilter{}); len(ims) != 0 || scannerDone(e)["s1"] != 0 {
		e.t.Errorf("after failed batches: images %v, done %d; want none, 0", ims, scannerDone(e)["s1"])
	}
}

func testPutResultsConcurrent(e *env) {
	handles := []Store{e.s, e.second()}
	const scanners, images, rounds = 4, 8, 6
	for s := range scanners {
		e.must(e.s.AddScanner(e.ctx, Scanner{ID: fmt.Sprint("s", s), State: ScannerActive}))
	}
	r, raw := rep(1, report.Vulnerability{ID: "CVE-1", Severity: "HIGH"})
	// Every controller posts every task, in opposite orders, so two
	// transactions lock the same images and scanners at once.
	batch := func(round int, reverse bool) []Result {
		var rs []Result
		for i := range images {
			im := ImageSummary{Registry: "r", Repository: "app", Digest: fmt.Sprint("sha256:", i), ScannedAt: t0, ScannedBy: fmt.Sprint("s", i%scanners)}
			rs = append(rs, Result{TaskID: fmt.Sprintf("t%d-%d", round, i), Image: im, Report: r, Raw: raw})
		}
		if reverse {
			slices.Reverse(rs)
		}
		return rs
	}
	var (
		mu     sync.Mutex
		stored = map[string]int{}
		wg     sync.WaitGroup
	)
	for h := range 2 * len(handles) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range rounds {
				rs := batch(round, h%2 == 1)
				got, err := handles[h%len(handles)].PutResults(e.ctx, rs)
				if err != nil {
					e.t.Error(err)
					return
				}
				mu.Lock()
				for i, ok := range got {
					if ok {
						stored[rs[i].TaskID]++
					}
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(stored) != images*rounds {
		e.t.Errorf("%d tasks stored, want %d", len(stored), images*rounds)
	}
	for id, n := range stored {
		if n != 1 {
			e.t.Errorf("task %s stored %d times, want 1", id, n)
		}
	}
	for id, n := range scannerDone(e) {
		if n != images/scanners*rounds {
			e.t.Errorf("scanner %s done = %d, want %d", id, n, images/scanners*rounds)
		}
	}
	for _, im := range mustList(e, ImageFilter{}) {
		if im.Scans != rounds {
			e.t.Errorf("image %s: %d scans, want %d", im.Digest, im.Scans, rounds)
		}
	}
}
