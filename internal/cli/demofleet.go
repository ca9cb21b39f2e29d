package cli

import (
	"github.com/scanfleet/scanfleet/internal/cli/servecli"

	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"text/tabwriter"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/cli/fleetcli"
	"github.com/scanfleet/scanfleet/internal/controller"
	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// demoFleet is the second half of the demo: the same image and variants of
// it (sharing its base layers) in the embedded registry, a controller with
// its durable queue in a temporary directory, and local scanner processes
// started by the auto-scaler, which scan the registry in parallel.
func demoFleet(ctx context.Context, e *env, host string, layers []imagebuild.Layer, variants, scanners int, dbPath string) error {
	// Variants: the demo image plus one small layer of its own each, so
	// the fleet shares the base layers and the layer store is exercised.
	for i := 1; i <= variants; i++ {
		l, err := imagebuild.Files(imagebuild.File{Path: fmt.Sprintf("srv/variant-%d.txt", i), Content: []byte(fmt.Sprintf("variant %d\n", i))})
		if err != nil {
			return err
		}
		img, err := imagebuild.Image(append(append([]imagebuild.Layer(nil), layers...), imagebuild.Layer{Layer: l, CreatedBy: fmt.Sprintf("COPY variant-%d.txt /srv/", i)})...)
		if err != nil {
			return err
		}
		if err := push(ctx, img, fmt.Sprintf("%s/demo/app-%d:1.0", host, i)); err != nil {
			return err
		}
	}

	dataDir, err := os.MkdirTemp("", "scanfleet-demo-controller-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dataDir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("demo controller: %w", err)
	}
	defer ln.Close()
	ls, err := servecli.NewLocalScaler(ctx, &e.Env, ln.Addr(), controller.Config{DataDir: dataDir}, dbPath, "")
	if err != nil {
		return err
	}
	defer ls.Close()
	c, err := controller.New(ctx, controller.Config{
		DataDir:   dataDir,
		DBPath:    dbPath,
		Scaler:    ls,
		Autoscale: autoscale.Config{Strategy: autoscale.Immediate, MinScannerPods: scanners, MaxScannerPods: scanners},
		Logger:    e.Logger,
	})
	if err != nil {
		return err
	}
	defer c.Close()
	srv := &http.Server{Handler: c.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() { _ = c.Run(runCtx) }()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(e.Stderr, "demo: controller at %s, up to %d local scanners (auto-scaler: immediate)\n", base, scanners)

	if err := c.PutRegistry(ctx, api.RegistryInput{Registry: api.Registry{Name: "demo", URL: "http://" + host, Filters: []string{"demo/*"}}}); err != nil {
		return err
	}
	n, err := c.Crawl(ctx, "demo", queue.PriorityManual)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Stderr, "demo: crawled the registry: %d scan tasks queued\n", n)

	token, err := controller.CreateToken(ctx, dataDir, api.RoleReader)
	if err != nil {
		return err
	}
	get := func(path string, v any) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %s", path, resp.Status)
		}
		return json.NewDecoder(resp.Body).Decode(v)
	}

	start := time.Now()
	var images []api.ImageSummary
	last := ""
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Second):
		}
		if err := get("/api/v1/images", &images); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		var scs []api.Scanner
		if err := get("/api/v1/scanners", &scs); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		active := 0
		for _, s := range scs {
			if s.State == api.ScannerActive {
				active++
			}
		}
		line := fmt.Sprintf("demo: %d/%d images scanned, %d scanners active", len(images), n, active)
		if line != last {
			fmt.Fprintf(e.Stderr, "%s (%s)\n", line, time.Since(start).Round(time.Second))
			last = line
		}
		if len(images) >= n {
			break
		}
		if time.Since(start) > 5*time.Minute {
			return fmt.Errorf("demo: fleet scan did not finish in 5 minutes (%d/%d images)", len(images), n)
		}
	}

	sort.Slice(images, func(i, j int) bool { return images[i].Repository < images[j].Repository })
	fmt.Fprintf(e.Stdout, "\nFleet scan of %s: %d images in %s\n", host, len(images), time.Since(start).Round(time.Second))
	writeFleetTable(e.Stdout, images)
	// Stop the scanners while the API still serves them.
	cancel()
	return ls.Close()
}

// writeFleetTable prints the fleet's images with their coverage: an image
// whose OS the database does not cover shows NOT COVERED, not a clean 0.
func writeFleetTable(w io.Writer, images []api.ImageSummary) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "IMAGE\tDIGEST\tPACKAGES\tVULNERABILITIES\tCOVERAGE\tSCANNED BY")
	for _, im := range images {
		fmt.Fprintf(tw, "%s:%s\t%s\t%d\t%d\t%s\t%s\n", im.Repository, fleetcli.ImageTags(im), short(im.Digest), im.Packages, im.Vulnerabilities, fleetcli.CoverageCell(im), im.ScannedBy)
	}
	tw.Flush()
}

func push(ctx context.Context, img v1.Image, ref string) error {
	r, err := name.ParseReference(ref)
	if err != nil {
		return err
	}
	if err := remote.Write(r, img, remote.WithContext(ctx)); err != nil {
		return fmt.Errorf("pushing %s: %w", ref, err)
	}
	return nil
}
