// Package fleetcli is the command group that talks to a controller over
// its REST API (package api's typed client): registry, images, image,
// scanners, queue, exception, vex, audit, subscription, workloads and
// token. Package cli attaches it to the root command (AddCommands); the
// controller and scanner processes themselves are cli's.
package fleetcli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/cli/cmdio"
	"github.com/scanfleet/scanfleet/internal/output"
	"github.com/scanfleet/scanfleet/internal/queue"
	"github.com/scanfleet/scanfleet/internal/report"
)

// defaultControllerURL is where 'scanfleet controller' listens by default.
const defaultControllerURL = "http://127.0.0.1:8480"

// clientFlags are the connection flags every client command takes.
type clientFlags struct {
	controller, token, caCert string
}

// addTo registers the flags as persistent flags of cmd so its subcommands
// inherit them. They are not root flags: 'scanfleet scanner' has its own
// --controller/--token with different defaults.
func (f *clientFlags) addTo(cmd *cobra.Command) {
	pf := cmd.PersistentFlags()
	pf.StringVar(&f.controller, "controller", "", "controller URL (env SCANFLEET_CONTROLLER, default "+defaultControllerURL+")")
	// The token never becomes a flag default: help output would print it.
	pf.StringVar(&f.token, "token", "", "API token (prefer env SCANFLEET_TOKEN)")
	pf.StringVar(&f.caCert, "ca-cert", "", "PEM CA bundle to trust for the controller's TLS")
}

// apiClient is the controller's typed REST client.
type apiClient = api.Client

// client resolves the flags and environment into an apiClient.
func (f *clientFlags) client(e *cmdio.Env) (*apiClient, error) {
	base := f.controller
	if base == "" {
		base = e.Getenv("SCANFLEET_CONTROLLER")
	}
	if base == "" {
		base = defaultControllerURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, cmdio.Usagef("--controller %q: want http(s)://host[:port]", base)
	}
	tok := f.token
	if tok == "" {
		tok = e.Getenv("SCANFLEET_TOKEN")
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if f.caCert != "" {
		pem, err := os.ReadFile(f.caCert)
		if err != nil {
			return nil, fmt.Errorf("--ca-cert: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-cert %s: no PEM certificates", f.caCert)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return api.NewClient(base, tok, &http.Client{Transport: tr, Timeout: 2 * time.Minute}), nil
}

// NewClient is the client of the controller at controller (empty: env
// SCANFLEET_CONTROLLER, then the default) with token (empty: env
// SCANFLEET_TOKEN), trusting the PEM bundle caCert when not empty; the
// commands that send reports use it too.
func NewClient(controller, token, caCert string, e *cmdio.Env) (*api.Client, error) {
	return (&clientFlags{controller: controller, token: token, caCert: caCert}).client(e)
}

// Humane words the controller's refusals of a token for a person at a
// terminal; other errors pass unchanged.
func Humane(err error) error {
	var e *api.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Status {
	case http.StatusUnauthorized:
		if e.Message == "token expired" || e.Message == "token revoked" {
			return fmt.Errorf("controller %s: HTTP 401: %s: ask an admin for a new one (set --token or SCANFLEET_TOKEN)", e.Base, e.Message)
		}
		return fmt.Errorf("controller %s: HTTP 401: token missing/invalid (set --token or SCANFLEET_TOKEN)", e.Base)
	case http.StatusForbidden:
		if strings.HasPrefix(e.Message, "role ") {
			// The controller names the roles the route takes.
			need := "admin"
			if _, roles, ok := strings.Cut(e.Message, "needs a token of role "); ok && roles != "" {
				need = roles
			}
			return fmt.Errorf("controller %s: HTTP 403: token lacks the %s role (%s %s)", e.Base, need, e.Method, e.Path)
		}
		return fmt.Errorf("controller %s: HTTP 403: %s (%s %s)", e.Base, e.Message, e.Method, e.Path)
	}
	return err
}

// AddCommands attaches the controller API client commands.
func AddCommands(root *cobra.Command, e *cmdio.Env) {
	for _, cmd := range []*cobra.Command{
		newRegistryCmd(e), newImagesCmd(e), newImageCmd(e), newScannersCmd(e), newQueueCmd(e),
		newExceptionCmd(e), newVEXCmd(e), newAuditCmd(e), newSubscriptionCmd(e), newWorkloadsCmd(e),
		newTokenCmd(e),
	} {
		root.AddCommand(cmd)
	}
}

func checkListFormat(format string) error {
	if format != "table" && format != "json" {
		return cmdio.Usagef("--format must be table or json, not %q", format)
	}
	return nil
}

// getAndShow is the shape of every listing command: GET path into a T,
// then print it as JSON or, through table, as aligned columns.
func getAndShow[T any](ctx context.Context, e *cmdio.Env, cf *clientFlags, format string, get func(*apiClient, context.Context) (T, error), table func(w io.Writer, v T)) error {
	if err := checkListFormat(format); err != nil {
		return err
	}
	c, err := cf.client(e)
	if err != nil {
		return err
	}
	v, err := get(c, ctx)
	if err != nil {
		return Humane(err)
	}
	if format == "json" {
		return writeJSONOut(e.Stdout, v)
	}
	tw := tabwriter.NewWriter(e.Stdout, 0, 4, 2, ' ', 0)
	table(tw, v)
	return tw.Flush()
}

// writeJSONOut writes v indented; an empty list is [], never null, so
// scripts can iterate over any answer.
func writeJSONOut(w io.Writer, v any) error {
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice && rv.IsNil() {
		v = []struct{}{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// limitsText is a registry's fleet-wide politeness for the table: max
// pulls, pulls per second, and a pause in force.
func limitsText(r api.RegistryView) string {
	var parts []string
	if r.MaxPulls > 0 {
		parts = append(parts, fmt.Sprintf("%d pulls", r.MaxPulls))
	}
	if r.PullsPerSecond > 0 {
		parts = append(parts, fmt.Sprintf("%g/s", r.PullsPerSecond))
	}
	if r.PausedUntil != nil && r.PausedUntil.After(time.Now()) {
		parts = append(parts, "paused until "+r.PausedUntil.Local().Format(time.TimeOnly))
	}
	return dash(strings.Join(parts, ", "))
}

func newRegistryCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "registry", Short: "Manage the controller's registries"}
	cf.addTo(cmd)

	var (
		in            api.RegistryInput
		passwordStdin bool
		interval      time.Duration
		apiTokenFile  string
		webhookFile   string
	)
	add := &cobra.Command{
		Use:   "add NAME --url URL",
		Short: "Add (or replace) a registry the controller crawls",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if in.URL == "" {
				return cmdio.Usagef("--url is required")
			}
			if passwordStdin && in.Username == "" {
				return cmdio.Usagef("--password-stdin needs --username")
			}
			if interval < 0 {
				return cmdio.Usagef("--interval must not be negative")
			}
			if in.MaxPulls < 0 || in.PullsPerSecond < 0 {
				return cmdio.Usagef("--max-pulls and --pulls-per-second must not be negative")
			}
			// Secrets come from files, never from the command line,
			// which other users of the machine can read.
			for _, s := range []struct {
				flag, path string
				dst        *string
			}{{"--api-token-file", apiTokenFile, &in.APIToken}, {"--webhook-secret-file", webhookFile, &in.WebhookSecret}} {
				if s.path == "" {
					continue
				}
				b, err := os.ReadFile(s.path)
				if err != nil {
					return cmdio.Usagef("%s: %v", s.flag, err)
				}
				if *s.dst = strings.TrimSpace(string(b)); *s.dst == "" {
					return cmdio.Usagef("%s: %s is empty", s.flag, s.path)
				}
			}
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			if passwordStdin {
				b, err := io.ReadAll(io.LimitReader(e.Stdin, 1<<20))
				if err != nil {
					return fmt.Errorf("reading password from stdin: %w", err)
				}
				in.Password = strings.TrimRight(string(b), "\r\n")
				if in.Password == "" {
					return cmdio.Usagef("--password-stdin: stdin is empty")
				}
			}
			in.Name = args[0]
			in.Interval = api.Duration(interval)
			v, err := c.PutRegistry(cmd.Context(), in)
			if err != nil {
				return Humane(err)
			}
			fmt.Fprintf(e.Stdout, "registry %s configured: %s\n", v.Name, v.URL)
			return nil
		},
	}
	fl := add.Flags()
	fl.StringVar(&in.URL, "url", "", "registry URL, http(s)://host[:port]")
	fl.StringVar(&in.Username, "username", "", "registry user name")
	fl.BoolVar(&passwordStdin, "password-stdin", false, "read the registry password from stdin")
	fl.StringArrayVar(&in.Filters, "filter", nil, "repository[:tag] glob to crawl (repeatable; default everything)")
	fl.BoolVar(&in.Insecure, "insecure", false, "skip TLS verification of the registry")
	fl.DurationVar(&interval, "interval", 0, "re-crawl this often (0: manual scans only)")
	fl.StringVar(&in.Kind, "kind", "", "registry kind: generic (default), dockerhub, ghcr, gitlab, harbor, quay, artifactory, nexus, ecr, gar, acr (docs/registries.md)")
	fl.StringArrayVar(&in.Repositories, "repository", nil, "crawl this repository (REPO or REPO:TAGGLOB; repeatable) instead of the catalog or the vendor listing")
	fl.StringVar(&in.Namespace, "namespace", "", "what the kind's listing API lists (organisation, group, project, repository key...)")
	fl.StringVar(&in.API, "api", "", "the listing API's base URL when not the kind's default")
	fl.StringVar(&apiTokenFile, "api-token-file", "", "file holding the listing API's token when it is not the password (Quay)")
	fl.StringVar(&webhookFile, "webhook-secret-file", "", "file holding the secret the registry's push webhook sends (POST /api/v1/registries/NAME/webhook)")
	fl.IntVar(&in.MaxPulls, "max-pulls", 0, "at most this many scans of the registry at once in the whole fleet (0: no limit)")
	fl.Float64Var(&in.PullsPerSecond, "pulls-per-second", 0, "start scans of the registry at most this fast, all controllers together (0: no limit)")
	fl.StringArrayVar(&in.Platforms, "platform", nil, "scan this platform (os/arch[/variant]) of multi-platform images, each its own result (repeatable; default every platform an image index lists)")

	var listFormat string
	list := &cobra.Command{
		Use:   "list",
		Short: "List registries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return getAndShow(cmd.Context(), e, &cf, listFormat, (*apiClient).Registries, func(tw io.Writer, regs []api.RegistryView) {
				fmt.Fprintln(tw, "NAME\tKIND\tURL\tUSERNAME\tFILTERS\tINTERVAL\tLIMITS\tLAST CRAWL\tLAST ERROR")
				for _, r := range regs {
					last := "never"
					if r.LastCrawl != nil {
						last = r.LastCrawl.Local().Format(time.DateTime)
					}
					iv := "manual"
					if r.Interval != 0 {
						iv = time.Duration(r.Interval).String()
					}
					kind := r.Kind
					if kind == "" {
						kind = "generic"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, kind, r.URL, dash(r.Username), dash(strings.Join(r.Filters, ",")), iv,
						limitsText(r), last, dash(oneLine(r.LastError)))
				}
			})
		},
	}
	list.Flags().StringVar(&listFormat, "format", "table", "table or json")

	var (
		wait        bool
		waitTimeout time.Duration
	)
	scan := &cobra.Command{
		Use:   "scan NAME",
		Short: "Crawl a registry now and queue its new images for scanning",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			ctx := cmd.Context()
			if waitTimeout > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, waitTimeout)
				defer cancel()
			}
			name := args[0]
			before, err := c.Registry(ctx, name)
			if err != nil {
				return Humane(err)
			}
			started, err := c.ScanRegistry(ctx, name)
			if err != nil {
				return Humane(err)
			}
			if !wait {
				if started {
					fmt.Fprintf(e.Stdout, "crawl of registry %s started\n", name)
				} else {
					fmt.Fprintf(e.Stdout, "a crawl of registry %s is already running\n", name)
				}
				return nil
			}
			return waitForRegistry(ctx, c, e, name, before.LastCrawl)
		},
	}
	scan.Flags().BoolVar(&wait, "wait", false, "wait until the registry's tasks are done, showing progress on stderr")
	scan.Flags().DurationVar(&waitTimeout, "timeout", 0, "give up waiting after this long (0: never)")

	cmd.AddCommand(add, list, scan)
	return cmd
}

// taskListLimit is the most tasks GET /api/v1/tasks returns per call.
const taskListLimit = 1000

// progress is a registry's share of the queue since its crawl started.
type progress struct {
	queued, leased, done, failed int
	// complete is false when a listing was cut at taskListLimit, so a zero
	// count may hide tasks beyond it.
	complete bool
	failures []api.TaskView
}

func (p progress) String() string {
	return fmt.Sprintf("queued %d  leased %d  done %d  failed %d", p.queued, p.leased, p.done, p.failed)
}

// registryProgress counts the registry's queued and leased tasks, and the
// images it stored and tasks that failed since crawlStart (controller
// clock, so client clock skew does not matter). Done is counted from the
// images listing because the task listing is capped and ordered oldest
// first.
func registryProgress(ctx context.Context, c *apiClient, name string, crawlStart time.Time) (progress, error) {
	p := progress{complete: true}
	for _, s := range []queue.State{queue.StateQueued, queue.StateLeased, queue.StateFailed} {
		ts, err := c.Tasks(ctx, s, taskListLimit)
		if err != nil {
			return p, Humane(err)
		}
		if len(ts) >= taskListLimit && s != queue.StateFailed {
			p.complete = false
		}
		for _, t := range ts {
			if t.Registry != name {
				continue
			}
			switch s {
			case queue.StateQueued:
				p.queued++
			case queue.StateLeased:
				p.leased++
			case queue.StateFailed:
				if !t.UpdatedAt.Before(crawlStart) {
					p.failed++
					p.failures = append(p.failures, t)
				}
			}
		}
	}
	ims, err := c.Images(ctx, api.ImageQuery{Registry: name})
	if err != nil {
		return p, Humane(err)
	}
	for _, im := range ims {
		if !im.ScannedAt.Before(crawlStart) {
			p.done++
		}
	}
	return p, nil
}

// waitForRegistry waits for the crawl started after prevCrawl to finish,
// then for the registry's queued and leased tasks to drain, redrawing the
// counts on stderr every second.
func waitForRegistry(ctx context.Context, c *apiClient, e *cmdio.Env, name string, prevCrawl *time.Time) error {
	tty := cmdio.IsTerminal(e.Stderr)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	sleep := func() error {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for registry %s: %w", name, context.Cause(ctx))
		case <-tick.C:
			return nil
		}
	}
	// outage waits out a 503 for the controller's unavailable database
	// (a PostgreSQL restart) instead of ending the wait, within the
	// wait's own --timeout: true when err was one and it was waited out.
	outage := func(err error) (bool, error) {
		cause, ok := api.DatabaseUnavailable(err)
		if !ok {
			return false, nil
		}
		pause := max(api.RetryAfterOf(err), time.Second)
		if tty {
			fmt.Fprintln(e.Stderr)
		}
		fmt.Fprintf(e.Stderr, "registry %s: the controller's database is unavailable (%s); asking again in %s\n", name, cause, pause)
		select {
		case <-ctx.Done():
			return true, fmt.Errorf("waiting for registry %s: %w (last answer: %w)", name, context.Cause(ctx), err)
		case <-time.After(pause):
			return true, nil
		}
	}
	started := time.Now()
	var view api.RegistryView
	for {
		var err error
		if view, err = c.Registry(ctx, name); err != nil {
			if waited, werr := outage(err); waited {
				if werr != nil {
					return werr
				}
				continue
			}
			return Humane(err)
		}
		if view.LastCrawl != nil && (prevCrawl == nil || view.LastCrawl.After(*prevCrawl)) {
			break
		}
		if tty {
			fmt.Fprintf(e.Stderr, "\rregistry %s: crawling…", name)
		}
		if err := sleep(); err != nil {
			return err
		}
	}
	crawlStart := *view.LastCrawl
	last := ""
	var p progress
	for {
		var err error
		if p, err = registryProgress(ctx, c, name, crawlStart); err != nil {
			if waited, werr := outage(err); waited {
				if werr != nil {
					return werr
				}
				continue
			}
			return err
		}
		line := fmt.Sprintf("registry %s: %s", name, p)
		if p.queued > 0 && p.leased == 0 {
			if note := scalerNote(ctx, c, crawlStart); note != "" {
				line += " — " + note
			}
		}
		switch {
		case tty:
			fmt.Fprintf(e.Stderr, "\r\033[K%s", line)
		case line != last:
			// Not a terminal (CI logs): one line per change, not per second.
			fmt.Fprintln(e.Stderr, line)
		}
		last = line
		if p.complete && p.queued == 0 && p.leased == 0 {
			break
		}
		if err := sleep(); err != nil {
			if tty {
				fmt.Fprintln(e.Stderr)
			}
			return err
		}
	}
	if tty {
		fmt.Fprintln(e.Stderr)
	}
	fmt.Fprintf(e.Stderr, "registry %s: %d images scanned, %d failed in %s\n", name, p.done, p.failed, time.Since(started).Round(100*time.Millisecond))
	for _, t := range p.failures {
		fmt.Fprintf(e.Stderr, "  failed: %s: %s\n", t.Reference, oneLine(t.LastError))
	}
	var errs []error
	if view.LastError != "" {
		errs = append(errs, fmt.Errorf("registry %s: crawl error: %s", name, oneLine(view.LastError)))
	}
	if p.failed > 0 {
		errs = append(errs, fmt.Errorf("registry %s: %d scan tasks failed", name, p.failed))
	}
	return errors.Join(errs...)
}

func newImagesCmd(e *cmdio.Env) *cobra.Command {
	var (
		cf                                      clientFlags
		registry, repo, severity, cve, coverage string
		format                                  string
		includeGone                             bool
	)
	cmd := &cobra.Command{
		Use:   "images",
		Short: "List the images the controller has scanned",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := api.ImageQuery{Registry: registry, Repository: repo, Severity: severity, CVE: cve, Coverage: coverage, IncludeGone: includeGone}
			get := func(c *apiClient, ctx context.Context) ([]api.ImageSummary, error) { return c.Images(ctx, q) }
			notCovered := 0
			err := getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, ims []api.ImageSummary) {
				fmt.Fprintln(tw, "REGISTRY\tREPOSITORY\tTAGS\tDIGEST\tPACKAGES\tVULNS\tCRITICAL\tHIGH\tMEDIUM\tLOW\tOTHER\tCOVERAGE\tSCANNED")
				// A gone image (--include-gone) says so in its TAGS cell.
				for _, im := range ims {
					// OTHER is whatever the four named columns miss (UNKNOWN,
					// NEGLIGIBLE, ...), so the row adds up to VULNS.
					other := im.Vulnerabilities
					for _, s := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW"} {
						other -= im.Severities[s]
					}
					if im.Coverage == api.CoverageNotCovered {
						notCovered++
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%s\t%s\n", im.Registry, im.Repository, ImageTags(im), shortDigest(im.Digest),
						im.Packages, im.Vulnerabilities, im.Severities["CRITICAL"], im.Severities["HIGH"], im.Severities["MEDIUM"], im.Severities["LOW"], other,
						CoverageCell(im), im.ScannedAt.Local().Format(time.DateTime))
				}
			})
			if err == nil && notCovered > 0 {
				// Zero findings in those rows means "not known", not "clean".
				fmt.Fprintf(e.Stderr, "%d image(s) NOT COVERED: the database has no data for an OS release or ecosystem they contain, so their counts are incomplete\n", notCovered)
			}
			return err
		},
	}
	cf.addTo(cmd)
	fl := cmd.Flags()
	fl.StringVar(&registry, "registry", "", "only images of this registry")
	fl.StringVar(&repo, "repository", "", "only images of this repository")
	fl.StringVar(&severity, "severity", "", "only images with a vulnerability of this severity")
	fl.StringVar(&cve, "cve", "", "only images affected by this vulnerability (CVE-…, GHSA-…)")
	fl.StringVar(&coverage, "coverage", "", "only images with this coverage: covered, not_covered (the database lacks data for their OS or an ecosystem) or unknown")
	fl.StringVar(&format, "format", "table", "table or json")
	fl.BoolVar(&includeGone, "include-gone", false, "also list images a crawl found no longer in their registry (kept for history)")
	return cmd
}

// ImageTags is every tag of an image, comma-separated.
func ImageTags(im api.ImageSummary) string {
	if !im.GoneAt.IsZero() {
		return "(gone " + im.GoneAt.Local().Format(time.DateOnly) + ")"
	}
	if len(im.Tags) > 0 {
		return strings.Join(im.Tags, ",")
	}
	return dash(im.Tag)
}

// CoverageCell says whether an image's counts can be trusted.
func CoverageCell(im api.ImageSummary) string {
	switch im.Coverage {
	case api.CoverageNotCovered:
		return "NOT COVERED: " + strings.Join(im.NotCovered, ",")
	case "":
		return "-"
	}
	return im.Coverage
}

func newImageCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	cmd := &cobra.Command{Use: "image", Short: "Inspect one scanned image"}
	cf.addTo(cmd)
	var format string
	show := &cobra.Command{
		Use:   "show DIGEST",
		Short: "Print an image's latest stored report (DIGEST may be a unique prefix, as 'images' prints it)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			hex := args[0]
			if _, h, ok := strings.Cut(args[0], ":"); ok {
				hex = h
			}
			if len(hex) < 4 || strings.Trim(strings.ToLower(hex), "0123456789abcdef") != "" {
				return cmdio.Usagef("DIGEST must look like sha256:<hex> or a prefix of one with at least 4 hex digits (sha256:0123abcd, or the hex digits alone), not %q", args[0])
			}
			c, err := cf.client(e)
			if err != nil {
				return err
			}
			// Resolve a prefix once, so the report and its tags are of
			// the same image.
			ims, err := c.Images(cmd.Context(), api.ImageQuery{Digest: args[0]})
			if err != nil {
				return Humane(err)
			}
			// A multi-platform image (its index digest): every
			// platform's report, together.
			norm := strings.ToLower(args[0])
			if !strings.Contains(norm, ":") {
				norm = "sha256:" + norm
			}
			if len(ims) > 0 && ims[0].IndexDigest != "" && strings.HasPrefix(ims[0].IndexDigest, norm) {
				v, err := c.ImagePlatforms(cmd.Context(), ims[0].IndexDigest)
				if err != nil {
					return Humane(err)
				}
				return showPlatforms(e.Stdout, format, v)
			}
			digest := args[0]
			if len(ims) > 0 {
				digest = ims[0].Digest
			}
			// Not found: the controller's own answer says so.
			rep, err := c.ImageReport(cmd.Context(), digest)
			if err != nil {
				return Humane(err)
			}
			if format == "table" {
				// The report names the reference it was scanned as; the
				// controller knows every tag of the digest.
				var refs []string
				for _, im := range ims {
					for _, t := range im.Tags {
						refs = append(refs, im.Registry+"/"+im.Repository+":"+t)
					}
				}
				if len(refs) > 0 {
					fmt.Fprintf(e.Stdout, "Tags: %s\n", strings.Join(refs, ", "))
				}
			}
			return output.Write(e.Stdout, format, rep)
		},
	}
	show.Flags().StringVar(&format, "format", "table", "output format: "+strings.Join(output.Formats, ", "))
	cmd.AddCommand(show)
	return cmd
}

// showPlatforms prints a multi-platform image's results together: as
// JSON the IndexView (a platforms array of reports), as a table one
// section per platform with its counts, then the distinct total.
func showPlatforms(w io.Writer, format string, v *api.IndexView) error {
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	if format != "table" {
		return cmdio.Usagef("a multi-platform image (%s) is shown as table or json; give one platform's digest for --format %s", v.IndexDigest, format)
	}
	fmt.Fprintf(w, "Image index %s: %d platform results", v.IndexDigest, len(v.Platforms))
	if len(v.Tags) > 0 {
		fmt.Fprintf(w, ", tags %s", strings.Join(v.Tags, ", "))
	}
	fmt.Fprintln(w)
	for _, p := range v.Platforms {
		var rep report.Report
		if err := json.Unmarshal(p.Report, &rep); err != nil {
			return fmt.Errorf("report of platform %s (%s): %w", p.Platform, p.Digest, err)
		}
		fmt.Fprintf(w, "\n== Platform %s (%s/%s@%s): %d packages, %d vulnerabilities %s\n",
			p.Platform, p.Registry, p.Repository, p.Digest, p.Packages, p.Vulnerabilities, severityCounts(p.Severities))
		if err := output.Write(w, "table", &rep); err != nil {
			return err
		}
	}
	fmt.Fprintf(w, "\nAll platforms: %d distinct vulnerabilities %s\n", v.Vulnerabilities, severityCounts(v.Severities))
	return nil
}

// severityCounts is "(CRITICAL 1, HIGH 2)" in severity order, or "".
func severityCounts(m map[string]int) string {
	var parts []string
	for _, s := range []string{"CRITICAL", "HIGH", "MEDIUM", "LOW", "NEGLIGIBLE", "UNKNOWN"} {
		if m[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, m[s]))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func newScannersCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	var format string
	cmd := &cobra.Command{
		Use:   "scanners",
		Short: "List the scanners registered with the controller",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return getAndShow(cmd.Context(), e, &cf, format, (*apiClient).Scanners, func(tw io.Writer, scs []api.Scanner) {
				fmt.Fprintln(tw, "ID\tNAME\tSTATE\tCONCURRENCY\tDONE\tFAILED\tLAST SEEN\tVERSION\tCURRENT IMAGES")
				for _, s := range scs {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\t%s\n", s.ID, s.Name, s.State, s.Concurrency, s.Done, s.Failed,
						s.LastSeen.Local().Format(time.DateTime), dash(s.Version), dash(strings.Join(s.CurrentImages, ",")))
				}
			})
		},
	}
	cf.addTo(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

func newQueueCmd(e *cmdio.Env) *cobra.Command {
	var cf clientFlags
	var format, state string
	cmd := &cobra.Command{
		Use:   "queue",
		Short: "Show the scan queue: tasks per state, or the tasks in one state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if state != "" {
				get := func(c *apiClient, ctx context.Context) ([]api.TaskView, error) {
					return c.Tasks(ctx, queue.State(state), taskListLimit)
				}
				return getAndShow(cmd.Context(), e, &cf, format, get, func(tw io.Writer, ts []api.TaskView) {
					fmt.Fprintln(tw, "ID\tSTATE\tATTEMPTS\tLEASED BY\tUPDATED\tREFERENCE\tLAST ERROR")
					for _, t := range ts {
						fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", t.ID, t.State, t.Attempts, dash(t.LeasedBy),
							t.UpdatedAt.Local().Format(time.DateTime), t.Reference, dash(oneLine(t.LastError)))
					}
				})
			}
			return getAndShow(cmd.Context(), e, &cf, format, (*apiClient).QueueCounts, func(tw io.Writer, counts api.QueueCounts) {
				// Life order first, then any state this client does not know.
				order := append([]queue.State(nil), queue.States...)
				var extra []queue.State
				for s := range counts {
					if !slices.Contains(order, s) {
						extra = append(extra, s)
					}
				}
				slices.Sort(extra)
				fmt.Fprintln(tw, "STATE\tTASKS")
				for _, s := range append(order, extra...) {
					fmt.Fprintf(tw, "%s\t%d\n", s, counts[s])
				}
			})
		},
	}
	cf.addTo(cmd)
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	cmd.Flags().StringVar(&state, "state", "", "list the tasks in this state (queued, leased, done, failed) instead of counting")
	return cmd
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine keeps multi-line errors from breaking table rows.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// shortDigest is "sha256:" plus 12 hex digits, as docker prints them.
func shortDigest(d string) string {
	if algo, hex, ok := strings.Cut(d, ":"); ok && len(hex) > 12 {
		return algo + ":" + hex[:12]
	}
	return d
}
