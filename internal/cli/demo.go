package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/registry"
	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/imagebuild"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
)

// The demo is the README's main job: it needs no external service. It
// starts an in-process registry, builds an image from a real root
// filesystem plus real binaries, pushes it, builds a vulnerability database
// from real advisory files, and scans the image through the registry with
// the same pipeline as 'scanfleet scan'.
func newDemoCmd(e *env) *cobra.Command {
	var (
		rootfs     string
		adds       []string
		advisories []string
		workDir    string
		format     string
		variants   int
		scanners   int
	)
	cmd := &cobra.Command{
		Use:   "demo --rootfs ROOTFS.tar.gz [--add SRC:DEST]... --advisories SRC...",
		Short: "Build an image, serve it from an embedded registry, and scan it end to end",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rootfs == "" {
				return usagef("--rootfs is required")
			}
			ctx := cmd.Context()
			host, stop, err := startRegistry()
			if err != nil {
				return err
			}
			defer stop()
			ref := host + "/demo/app:1.0"
			fmt.Fprintf(e.Stderr, "demo: embedded registry at %s\n", host)

			layers := []imagebuild.Layer{}
			base, err := imagebuild.FromFile(rootfs)
			if err != nil {
				return err
			}
			layers = append(layers, imagebuild.Layer{Layer: base, CreatedBy: "ADD " + filepath.Base(rootfs) + " /"})
			for _, a := range adds {
				src, dest, ok := strings.Cut(a, ":")
				if !ok || dest == "" {
					return usagef("--add wants SRC:DEST, got %q", a)
				}
				b, err := os.ReadFile(src)
				if err != nil {
					return fmt.Errorf("--add: %w", err)
				}
				l, err := imagebuild.Files(imagebuild.File{Path: strings.TrimPrefix(dest, "/"), Content: b, Mode: 0o755})
				if err != nil {
					return err
				}
				layers = append(layers, imagebuild.Layer{Layer: l, CreatedBy: "COPY " + filepath.Base(src) + " " + dest})
			}
			img, err := imagebuild.Image(layers...)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.Stderr, "demo: pushing %s (%d layers)\n", ref, len(layers))
			if err := push(ctx, img, ref); err != nil {
				return err
			}

			if workDir == "" {
				workDir, err = os.MkdirTemp("", "scanfleet-demo-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(workDir)
			}
			dbPath := filepath.Join(workDir, "scanfleet.db")
			f := &scanFlags{format: format, platform: "linux/amd64", timeout: 10 * time.Minute}
			if len(advisories) == 0 {
				f.skipDB = true
			} else {
				// The Go vulnerability database alone is thousands of
				// files: say which source is being read and how long each
				// took, rather than sitting silent.
				fmt.Fprintf(e.Stderr, "demo: building vulnerability database from %d sources\n", len(advisories))
				start, srcStart := time.Now(), time.Now()
				info, err := vulndbbuild.Build(ctx, dbPath, advisories, vulndbbuild.BuildOptions{Progress: func(s vulndb.SourceInfo) {
					fmt.Fprintf(e.Stderr, "demo: loaded %s: %d records in %s\n", s.Source, s.Records, time.Since(srcStart).Round(100*time.Millisecond))
					srcStart = time.Now()
				}})
				if err != nil {
					return fmt.Errorf("building demo database: %w", err)
				}
				fmt.Fprintf(e.Stderr, "demo: database %s: %d advisories, built in %s\n", dbPath, info.Advisories, time.Since(start).Round(100*time.Millisecond))
				f.dbPath = dbPath
			}
			fmt.Fprintf(e.Stderr, "demo: scanning %s\n", ref)
			start := time.Now()
			scanErr := runScan(ctx, e, ref, f)
			fmt.Fprintf(e.Stderr, "demo: scanned %s in %s\n", ref, time.Since(start).Round(100*time.Millisecond))
			if variants > 0 {
				// The scan's exit status (4 when a feed is missing) stays
				// the demo's; a fleet failure is reported over it.
				var ee *exitError
				if scanErr != nil && !errors.As(scanErr, &ee) {
					return scanErr
				}
				db := ""
				if !f.skipDB {
					db = dbPath
				}
				if err := demoFleet(ctx, e, host, layers, variants, scanners, db); err != nil {
					return err
				}
			}
			return scanErr
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&rootfs, "rootfs", "", "root filesystem tarball (tar or tar.gz) for the base layer")
	fl.StringArrayVar(&adds, "add", nil, "add the file SRC at DEST in a layer of its own (repeatable)")
	fl.StringArrayVar(&advisories, "advisories", nil, "advisory source for the database (directory, zip, tar.gz, URL; repeatable)")
	fl.StringVar(&workDir, "work-dir", "", "keep the database here instead of a temporary directory")
	fl.StringVarP(&format, "format", "f", "table", "output format")
	fl.IntVar(&variants, "fleet-variants", 0, "then scan this many variants of the image (sharing its layers) with a controller and local scanners (0: skip)")
	fl.IntVar(&scanners, "fleet-scanners", 2, "local scanner processes for the fleet scan")
	return cmd
}

// startRegistry serves go-containerregistry's in-memory registry on a
// loopback port.
func startRegistry() (host string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("embedded registry: %w", err)
	}
	srv := &http.Server{Handler: registry.New(registry.Logger(nopLogger())), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "embedded registry:", err)
		}
	}()
	return ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}

func nopLogger() *log.Logger { return log.New(io.Discard, "", 0) }
