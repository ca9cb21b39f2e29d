// Package fleettest runs a fleet of real processes for tests: it builds
// the scanfleet binaries, creates tokens with them and starts controller
// and scanner processes, which the test can then SIGKILL or stop. The
// process-level tests of internal/worker, internal/controller and
// test/chaos share it.
package fleettest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/scanfleet/scanfleet/internal/testutil"
)

// Build builds the module's command ./cmd/<name> ("scanfleet", or
// "scanfleet-controller" for the build with the Kubernetes integration)
// into dir and returns the binary's path.
func Build(t testing.TB, dir, name string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	build := exec.Command("go", "build", "-o", bin, "./cmd/"+name)
	build.Dir = testutil.ModuleRoot(t)
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/%s: %v\n%s", name, err, out)
	}
	return bin
}

// Token creates a token of role in the controller data directory data
// with the binary (`controller token create`; args such as --name are
// passed on) and returns it.
func Token(t testing.TB, bin, data, role string, args ...string) string {
	t.Helper()
	argv := append([]string{"controller", "token", "create", "--role", role, "--data-dir", data}, args...)
	out, err := exec.Command(bin, argv...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("token create %s: %v\n%s", role, err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// Proc is a child process whose exit is collected once, by a goroutine
// of its own, so that killing it, stopping it and the test's clean-up
// can each wait for it.
type Proc struct {
	Cmd  *exec.Cmd
	done chan struct{}
	err  error // the exit, once done is closed
}

// Start starts cmd and SIGKILLs it when the test ends, if it is still
// running then.
func Start(t testing.TB, cmd *exec.Cmd) *Proc {
	t.Helper()
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %v: %v", cmd.Args, err)
	}
	p := &Proc{Cmd: cmd, done: make(chan struct{})}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(p.Kill)
	return p
}

// Done is closed when the process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Kill SIGKILLs the process and waits for it to exit.
func (p *Proc) Kill() {
	_ = p.Cmd.Process.Signal(syscall.SIGKILL)
	<-p.done
}

// Stop sends SIGTERM and waits up to timeout for the process to exit. It
// returns the exit error (nil for a clean exit), or an error saying the
// process did not stop in time; the process is SIGKILLed then.
func (p *Proc) Stop(timeout time.Duration) error {
	if err := p.Cmd.Process.Signal(syscall.SIGTERM); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("SIGTERM %v: %w", p.Cmd.Args, err)
	}
	select {
	case <-p.done:
		return p.err
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("%v did not stop within %v of SIGTERM", p.Cmd.Args, timeout)
	}
}

// Controller is a `controller` process.
type Controller struct {
	*Proc
	Addr string // the address it listens on (host:port)
	Base string // http://Addr
}

// StartController runs `bin controller --listen listen --data-dir data
// args...` (listen 127.0.0.1:0 for any port; args may carry global flags
// such as --log-level) with its log going to logs, and waits for the
// "listening on ADDR" line it prints first.
func StartController(t testing.TB, bin, data, listen string, logs io.Writer, args ...string) *Controller {
	t.Helper()
	argv := append([]string{"controller", "--listen", listen, "--data-dir", data}, args...)
	cmd := exec.Command(bin, argv...)
	cmd.Stderr = logs
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := Start(t, cmd)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("controller %v: reading its first line: %v; logs:\n%s", argv, err, logs)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(line), "listening on ")
	if !ok {
		t.Fatalf("controller %v printed %q first, want \"listening on ADDR\"; logs:\n%s", argv, line, logs)
	}
	return &Controller{Proc: p, Addr: addr, Base: "http://" + addr}
}

// StartScanner runs `bin scanner --controller base --name name
// --poll-interval 100ms args...` with token in SCANFLEET_TOKEN and its
// log going to logs.
func StartScanner(t testing.TB, bin, base, token, name string, logs io.Writer, args ...string) *Proc {
	t.Helper()
	argv := append([]string{"scanner", "--controller", base, "--name", name, "--poll-interval", "100ms"}, args...)
	cmd := exec.Command(bin, argv...)
	cmd.Env = append(os.Environ(), "SCANFLEET_TOKEN="+token)
	cmd.Stderr = logs
	return Start(t, cmd)
}

// Call calls the controller's API: method on url with token as bearer,
// in (if not nil) sent as JSON, and a 2xx JSON answer decoded into out.
// It returns the status, or 0 and the error when there was no answer,
// which a test that restarts controllers expects now and then.
func Call(method, url, token string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return 0, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: reading the answer: %w", method, url, err)
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decoding %q: %w", method, url, raw, err)
		}
	}
	return resp.StatusCode, nil
}

// Do is Call that fails the test when there was no answer.
func Do(t testing.TB, method, url, token string, in, out any) int {
	t.Helper()
	code, err := Call(method, url, token, in, out)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return code
}

// WaitDrained polls the controller at base until want tasks are done or
// failed and none is queued or leased, and returns the queue's counts.
// A request without an answer (a controller being restarted) is polled
// again; the wait is bounded by timeout.
func WaitDrained(t testing.TB, base, token string, want int, timeout time.Duration) map[string]int {
	t.Helper()
	deadline := time.Now().Add(timeout)
	var counts map[string]int
	for time.Now().Before(deadline) {
		counts = nil
		if code, err := Call("GET", base+"/api/v1/queue", token, nil, &counts); err == nil && code == http.StatusOK &&
			counts["done"]+counts["failed"] >= want && counts["queued"] == 0 && counts["leased"] == 0 {
			return counts
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("queue did not drain within %v: %v", timeout, counts)
	return nil
}
