package worker_test

import (
	"bufio"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/controller"
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
	bin := buildBinary(t, tmp)
	data := filepath.Join(tmp, "data")
	token := func(role string) string {
		out, err := exec.Command(bin, "controller", "token", "create", "--role", role, "--data-dir", data).Output()
		if err != nil {
			t.Fatalf("token create: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	admin, scannerTok := token("admin"), token("scanner")

	logs := &syncBuffer{}
	ctl := exec.Command(bin, "--log-level", "debug", "controller", "--listen", "127.0.0.1:0", "--data-dir", data,
		"--scanner-timeout", "1s", "--lease", "30s")
	ctl.Stderr = logs
	stdout, err := ctl.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ctl.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ctl.Process.Signal(syscall.SIGTERM); _ = ctl.Wait() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("controller output: %v; logs:\n%s", err, logs)
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on "))

	reg := controller.RegistryInput{Registry: controller.Registry{Name: "local", URL: "http://" + br.host}, Password: secretPassword}
	if code := api(t, "POST", base+"/api/v1/registries", admin, reg, nil); code != http.StatusCreated {
		t.Fatalf("create registry: %d", code)
	}

	scanners := map[string]*exec.Cmd{}
	for _, name := range []string{"sa", "sb"} {
		cmd := exec.Command(bin, "--log-level", "debug", "scanner", "--controller", base, "--name", name,
			"--concurrency", "1", "--poll-interval", "100ms")
		cmd.Env = append(os.Environ(), "SCANFLEET_TOKEN="+scannerTok)
		cmd.Stderr = logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		scanners[name] = cmd
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	}
	if code := api(t, "POST", base+"/api/v1/registries/local/scan", admin, nil, nil); code != http.StatusAccepted {
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
	var victim controller.Scanner
	for deadline := time.Now().Add(10 * time.Second); victim.ID == "" && time.Now().Before(deadline); {
		var list []controller.Scanner
		api(t, "GET", base+"/api/v1/scanners", admin, nil, &list)
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
	if err := scanners[victim.Name].Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = scanners[victim.Name].Wait()

	counts := waitDone(t, base, admin, len(images), 60*time.Second)
	if counts["done"] != len(images) {
		t.Fatalf("queue %v, want %d done; logs:\n%s", counts, len(images), logs)
	}
	var list []controller.ImageSummary
	api(t, "GET", base+"/api/v1/images", admin, nil, &list)
	got := map[string]controller.ImageSummary{}
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
	var scs []controller.Scanner
	api(t, "GET", base+"/api/v1/scanners", admin, nil, &scs)
	for _, s := range scs {
		if s.ID == victim.ID && s.State != controller.ScannerGone {
			t.Errorf("killed scanner state %q, want gone", s.State)
		}
	}

	// The survivor stops cleanly on SIGTERM.
	for name, cmd := range scanners {
		if name == victim.Name {
			continue
		}
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("scanner %s after SIGTERM: %v", name, err)
			}
		case <-time.After(15 * time.Second):
			t.Errorf("scanner %s did not stop on SIGTERM", name)
		}
	}
	if strings.Contains(logs.String(), secretPassword) {
		t.Error("registry password appears in a log")
	}
	if t.Failed() {
		t.Logf("logs:\n%s", logs)
	}
}
