package worker_test

import (
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/fleettest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// TestProcessKillMidScan runs the real binary: a controller and two
// scanner processes. One scanner is SIGKILLed while it downloads a layer;
// its task must be finished by the other scanner, no image may be missing
// and none scanned twice to completion. The survivor is then stopped with
// SIGTERM and must exit cleanly.
func TestProcessKillMidScan(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	br := newBlobRegistry(t)
	images := pushVariants(t, br, "alpine-minirootfs-3.20.3-x86_64.tar.gz", "team/alpine", 3)
	debs := pushVariants(t, br, "debian-bookworm-minbase.tar.gz", "team/debian", 2)
	images = append(images, debs...)
	br.mu.Lock()
	br.slow, br.delay = debs[0].extra, 20*time.Second
	br.mu.Unlock()

	tmp := t.TempDir()
	bin := fleettest.Build(t, tmp, "scanfleet")
	data := filepath.Join(tmp, "data")
	admin, scannerTok := fleettest.Token(t, bin, data, "admin"), fleettest.Token(t, bin, data, "scanner")

	logs := &testutil.SyncBuffer{}
	// The victim's death is noticed after --scanner-timeout: 4 s keeps the
	// test short without taking a live scanner whose heartbeats a loaded
	// CI machine delayed for a second for dead (1 s could).
	base := fleettest.StartController(t, bin, data, "127.0.0.1:0", logs, "--log-level", "debug", "--scanner-timeout", "4s", "--lease", "30s").Base

	reg := api.RegistryInput{Registry: api.Registry{Name: "local", URL: "http://" + br.host}, Password: secretPassword}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries", admin, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}

	scanners := map[string]*fleettest.Proc{}
	for _, name := range []string{"sa", "sb"} {
		scanners[name] = fleettest.StartScanner(t, bin, base, scannerTok, name, logs, "--log-level", "debug", "--concurrency", "1")
	}
	if code := fleettest.Do(t, "POST", base+"/api/v1/registries/local/scan", admin, nil, nil); code != http.StatusAccepted {
		t.Fatalf("scan: %d", code)
	}

	select {
	case <-br.slowed:
	case <-time.After(60 * time.Second):
		t.Fatalf("no scanner reached the slow layer; logs:\n%s", logs)
	}
	// The slow blob is debs[0]'s own layer: whoever holds that task is
	// downloading it now. Kill that process.
	slowRef := br.host + "/" + debs[0].repo + "@" + debs[0].digest
	var victim api.Scanner
	for deadline := time.Now().Add(time.Minute); victim.ID == "" && time.Now().Before(deadline); {
		var list []api.Scanner
		fleettest.Do(t, "GET", base+"/api/v1/scanners", admin, nil, &list)
		for _, s := range list {
			if slices.Contains(s.CurrentImages, slowRef) {
				victim = s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	if victim.ID == "" {
		t.Fatalf("no scanner holds %s", slowRef)
	}
	scanners[victim.Name].Kill()

	counts := fleettest.WaitDrained(t, base, admin, len(images), 3*time.Minute) // a hang, not a slow machine
	if counts["done"] != len(images) {
		t.Fatalf("queue %v, want %d done; logs:\n%s", counts, len(images), logs)
	}
	var list []api.ImageSummary
	fleettest.Do(t, "GET", base+"/api/v1/images", admin, nil, &list)
	got := map[string]api.ImageSummary{}
	for _, im := range list {
		got[im.Digest] = im
		if im.Scans != 1 {
			t.Errorf("%s scanned %d times to completion", im.Reference, im.Scans)
		}
	}
	for _, im := range images {
		if _, ok := got[im.digest]; !ok {
			t.Errorf("%s:%s missing", im.repo, im.tag)
		}
	}
	if by := got[debs[0].digest].ScannedBy; by == victim.ID || by == "" {
		t.Errorf("killed image scanned by %q, want the survivor (victim %s)", by, victim.ID)
	}
	var scs []api.Scanner
	fleettest.Do(t, "GET", base+"/api/v1/scanners", admin, nil, &scs)
	for _, s := range scs {
		if s.ID == victim.ID && s.State != api.ScannerGone {
			t.Errorf("killed scanner state %q, want gone", s.State)
		}
	}

	// The survivor stops cleanly on SIGTERM.
	for name, p := range scanners {
		if name == victim.Name {
			continue
		}
		if err := p.Stop(15 * time.Second); err != nil {
			t.Errorf("scanner %s: %v", name, err)
		}
	}
	if strings.Contains(logs.String(), secretPassword) {
		t.Error("registry password appears in a log")
	}
	if t.Failed() {
		t.Logf("logs:\n%s", logs)
	}
}
