// Command registry benchmarks fleet scanning: it fills a registry with
// images that share four base layers (the shared root filesystems plus one
// small distinct layer each), then for each fleet size runs a
// `scanfleet controller` process and that many `scanfleet scanner`
// processes, times the crawl-to-drained scan, and counts the layer blob
// GETs the registry served against the number of unique layers.
//
// By default the registry is go-containerregistry's in-memory one behind a
// handler that counts blob GETs; -registry HOST uses a real registry
// instead (then GETs cannot be counted and are reported as "n/a").
//
//	go run ./bench/registry -bin bin/scanfleet -images 1000 -scanners 1,2,4
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"golang.org/x/sync/errgroup"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
)

var rootfsFiles = []struct{ file, short string }{
	{"alpine-minirootfs-3.18.9-x86_64.tar.gz", "alpine318"},
	{"alpine-minirootfs-3.19.4-x86_64.tar.gz", "alpine319"},
	{"alpine-minirootfs-3.20.3-x86_64.tar.gz", "alpine320"},
	{"debian-bookworm-minbase.tar.gz", "debian"},
}

func main() {
	bin := flag.String("bin", "bin/scanfleet", "scanfleet binary")
	rootfs := flag.String("rootfs", "../shared/testdata/rootfs", "directory of root filesystem tarballs")
	n := flag.Int("images", 1000, "images to push (spread evenly over the four bases)")
	fleets := flag.String("scanners", "1,2,4", "comma-separated scanner process counts to run")
	conc := flag.Int("concurrency", 2, "images each scanner scans at once")
	realReg := flag.String("registry", "", "host:port of a plain-HTTP registry to use instead of the in-process one")
	timeout := flag.Duration("timeout", 15*time.Minute, "give up on one fleet run after this long")
	flag.Parse()
	if err := run(*bin, *rootfs, *n, *fleets, *conc, *realReg, *timeout); err != nil {
		log.Fatal(err)
	}
}

// counter counts blob GETs per digest in front of the in-process registry.
type counter struct {
	mu   sync.Mutex
	gets map[string]int
}

func (c *counter) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, d, ok := strings.Cut(r.URL.Path, "/blobs/"); ok && r.Method == http.MethodGet {
			c.mu.Lock()
			c.gets[d]++
			c.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (c *counter) reset() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.gets
	c.gets = map[string]int{}
	return old
}

func run(bin, rootfs string, n int, fleets string, conc int, realReg string, timeout time.Duration) error {
	bin, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	var cnt *counter
	host := realReg
	if host == "" {
		cnt = &counter{gets: map[string]int{}}
		srv := httptest.NewServer(cnt.wrap(registry.New(registry.Logger(log.New(io.Discard, "", 0)))))
		defer srv.Close()
		host = strings.TrimPrefix(srv.URL, "http://")
	}
	rnd := make([]byte, 4)
	if _, err := rand.Read(rnd); err != nil {
		return err
	}
	ns := "bench-" + hex.EncodeToString(rnd)
	start := time.Now()
	layers, err := push(host, ns, rootfs, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "pushed %d images (%d unique layers) to %s/%s in %v\n", n, len(layers), host, ns, time.Since(start).Round(time.Millisecond))

	fmt.Println("| scanners | images | seconds | images/s | layer blob GETs | unique layers | layers fetched more than once |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, f := range strings.Split(fleets, ",") {
		k, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || k < 1 {
			return fmt.Errorf("-scanners: bad count %q", f)
		}
		if cnt != nil {
			cnt.reset()
		}
		secs, err := fleetRun(bin, host, ns, n, k, conc, timeout)
		if err != nil {
			return fmt.Errorf("%d scanners: %w", k, err)
		}
		gets, dup := "n/a", "n/a"
		if cnt != nil {
			g := cnt.reset()
			total, more := 0, 0
			for d := range layers {
				total += g[d]
				if g[d] > 1 {
					more++
				}
			}
			gets, dup = strconv.Itoa(total), strconv.Itoa(more)
		}
		fmt.Printf("| %d | %d | %.1f | %.1f | %s | %d | %s |\n", k, n, secs, float64(n)/secs, gets, len(layers), dup)
	}
	return nil
}

// push builds and pushes n images under ns and returns the set of their
// layer digests. One v1.Layer per base, so each base is hashed once.
func push(host, ns, rootfs string, n int) (map[string]bool, error) {
	type job struct {
		ref string
		img v1.Image
	}
	var jobs [][]job
	layers := map[string]bool{}
	for b, fs := range rootfsFiles {
		base, err := imagebuild.FromFile(filepath.Join(rootfs, fs.file))
		if err != nil {
			return nil, err
		}
		d, err := base.Digest()
		if err != nil {
			return nil, err
		}
		layers[d.String()] = true
		var group []job
		for i := b; i < n; i += len(rootfsFiles) {
			repo := fmt.Sprintf("%s/%s-%d", ns, fs.short, i)
			extra, err := imagebuild.Files(imagebuild.File{Path: "etc/variant", Content: fmt.Appendf(nil, "%s\n", repo)})
			if err != nil {
				return nil, err
			}
			ed, err := extra.Digest()
			if err != nil {
				return nil, err
			}
			layers[ed.String()] = true
			img, err := imagebuild.Image(imagebuild.Layer{Layer: base, CreatedBy: "rootfs " + fs.file}, imagebuild.Layer{Layer: extra, CreatedBy: "variant"})
			if err != nil {
				return nil, err
			}
			group = append(group, job{host + "/" + repo + ":1", img})
		}
		jobs = append(jobs, group)
	}
	write := func(j job) error {
		ref, err := name.ParseReference(j.ref)
		if err != nil {
			return err
		}
		if err := remote.Write(ref, j.img); err != nil {
			return fmt.Errorf("pushing %s: %w", j.ref, err)
		}
		return nil
	}
	// The first image of each base uploads the big blob; the rest then
	// only HEAD it.
	var g errgroup.Group
	g.SetLimit(8)
	for _, group := range jobs {
		if len(group) == 0 {
			continue
		}
		if err := write(group[0]); err != nil {
			return nil, err
		}
		for _, j := range group[1:] {
			g.Go(func() error { return write(j) })
		}
	}
	return layers, g.Wait()
}

// fleetRun starts a controller and k scanners on a fresh data dir, scans
// the namespace and returns the seconds from the scan request to a
// drained queue.
func fleetRun(bin, host, ns string, n, k, conc int, timeout time.Duration) (float64, error) {
	dir, err := os.MkdirTemp("", "scanfleet-bench-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	token := func(role string) (string, error) {
		out, err := exec.Command(bin, "controller", "token", "create", "--role", role, "--data-dir", dir).Output()
		if err != nil {
			return "", fmt.Errorf("token create: %w", err)
		}
		return strings.TrimSpace(string(out)), nil
	}
	admin, err := token("admin")
	if err != nil {
		return 0, err
	}
	scannerTok, err := token("scanner")
	if err != nil {
		return 0, err
	}
	var logs bytes.Buffer
	var logMu sync.Mutex
	logW := writerFunc(func(p []byte) (int, error) { logMu.Lock(); defer logMu.Unlock(); return logs.Write(p) })
	ctl := exec.Command(bin, "--log-level", "warn", "controller", "--listen", "127.0.0.1:0", "--data-dir", dir, "--lease", "2m")
	ctl.Stderr = logW
	stdout, err := ctl.StdoutPipe()
	if err != nil {
		return 0, err
	}
	if err := ctl.Start(); err != nil {
		return 0, err
	}
	procs := []*exec.Cmd{ctl}
	defer func() {
		// Scanners first, so they hand back nothing to a dead controller.
		for i := len(procs) - 1; i >= 0; i-- {
			_ = procs[i].Process.Signal(syscall.SIGTERM)
			_ = procs[i].Wait()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return 0, fmt.Errorf("controller output: %w", err)
	}
	base := "http://" + strings.TrimSpace(strings.TrimPrefix(line, "listening on "))
	reg := map[string]any{"name": "bench", "url": "http://" + host, "filters": []string{ns + "/**"}}
	if err := call("POST", base+"/api/v1/registries", admin, reg, nil, http.StatusCreated); err != nil {
		return 0, err
	}
	for i := range k {
		sc := exec.Command(bin, "--log-level", "warn", "scanner", "--controller", base, "--name", fmt.Sprintf("b%d", i),
			"--concurrency", strconv.Itoa(conc), "--poll-interval", "100ms")
		sc.Env = append(os.Environ(), "SCANFLEET_TOKEN="+scannerTok)
		sc.Stderr = logW
		if err := sc.Start(); err != nil {
			return 0, err
		}
		procs = append(procs, sc)
	}
	// Wait for every scanner to register, so that start-up is not timed.
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	for {
		var list []json.RawMessage
		if err := call("GET", base+"/api/v1/scanners", admin, nil, &list, http.StatusOK); err != nil {
			return 0, err
		}
		if len(list) >= k {
			break
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return 0, fmt.Errorf("scanners did not register: %w", err)
		}
	}
	start := time.Now()
	if err := call("POST", base+"/api/v1/registries/bench/scan", admin, nil, nil, http.StatusAccepted); err != nil {
		return 0, err
	}
	for {
		var q map[string]int
		if err := call("GET", base+"/api/v1/queue", admin, nil, &q, http.StatusOK); err != nil {
			return 0, err
		}
		if q["done"]+q["failed"] >= n && q["queued"] == 0 && q["leased"] == 0 {
			secs := time.Since(start).Seconds()
			if q["failed"] != 0 {
				return 0, fmt.Errorf("%d scans failed; logs:\n%s", q["failed"], logs.String())
			}
			return secs, nil
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return 0, fmt.Errorf("queue not drained (%v): %w", q, err)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

func sleep(ctx context.Context, d time.Duration) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// call sends a JSON API request and decodes the answer into out.
func call(method, url, token string, in, out any, want int) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, url, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d: %s", method, url, resp.StatusCode, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			return errors.Join(fmt.Errorf("%s %s: decoding answer", method, url), err)
		}
	}
	return nil
}
