// Package dbcmd implements the `scanfleet db` command group: building,
// updating, inspecting and moving the vulnerability database. The work is
// done by package vulndb; this package only parses flags and prints.
package dbcmd

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/scanfleet/scanfleet/internal/vulndb"
	vulndbbuild "github.com/scanfleet/scanfleet/internal/vulndb/build"
	vulndbdist "github.com/scanfleet/scanfleet/internal/vulndb/dist"
)

// NewCommand returns the `db` command with its subcommands.
func NewCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Build, update, inspect and distribute the vulnerability database",
		Long: `The vulnerability database is one file, by default $SCANFLEET_DB, else
$XDG_CACHE_HOME/scanfleet/db/scanfleet.db (~/.cache/scanfleet/db/scanfleet.db).
Every command that writes it writes a temporary file next to it and renames it
into place, so running scans are never disturbed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newBuild(), newUpdate(), newInfo(), newExport(), newImport(), newPush(), newPull())
	return cmd
}

func dbFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "db", "", "database file (default $SCANFLEET_DB or "+vulndb.DefaultPath()+")")
}

func dbPath(p string) string {
	if p == "" {
		return vulndb.DefaultPath()
	}
	return p
}

func newBuild() *cobra.Command {
	var (
		out    string
		strict bool
	)
	cmd := &cobra.Command{
		Use:   "build --out FILE SOURCE...",
		Short: "Build a database from advisory and enrichment sources (directories, zip, tar.gz, JSON/YAML/CSV files, URLs)",
		Long: `Builds a database from local files or URLs, for air-gapped sites. Each
source is read by content: OSV records, Alpine secdb, the Debian tracker, and
the enrichment sources (CVE JSON 5 records of the CVE List, NVD CVE API 2.0
pages or cve objects, CISA's KEV catalog JSON, FIRST's EPSS CSV, plain or
gzipped), so a directory may hold any mix of them.

A source that adds nothing (no advisory or enrichment record; DSA/DLA lists
with no Debian advisory to attach to) is a warning, and with --strict an
error that leaves --out as it was.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return errors.New("db build: --out FILE is required")
			}
			start := time.Now()
			// With --strict the file is built beside --out and renamed
			// into place only when every source added something.
			dest := out
			if strict {
				dest = out + ".strict-build"
				defer os.Remove(dest)
			}
			defer limitHeap()()
			tr := newTracker(cmd.ErrOrStderr(), args)
			info, err := vulndbbuild.Build(cmd.Context(), dest, args, vulndbbuild.BuildOptions{Progress: tr.loaded})
			tr.stop()
			if err != nil {
				return tr.failure(err, out+" was not written")
			}
			empty := emptySources(info)
			for _, e := range empty {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: source added nothing: %s\n", e)
			}
			if strict {
				if len(empty) > 0 {
					return fmt.Errorf("db build --strict: %d of %d sources added nothing; %s was not written", len(empty), len(args), out)
				}
				if err := os.Rename(dest, out); err != nil {
					return fmt.Errorf("db build: %w", err)
				}
				info.Path = out
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "built %s in %s\n", out, time.Since(start).Round(time.Millisecond))
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "out", "o", "", "database file to write")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail, leaving --out as it was, when a source adds nothing to the database")
	return cmd
}

// buildMemoryLimit is the soft heap limit of db build and db update. A
// build allocates tens of GB over its life (every record parsed and
// encoded) while what it holds is two sorted runs and some buffers; left
// alone the heap grows to twice the live data between collections. The
// nightly updater runs as a CronJob with a memory limit.
const buildMemoryLimit = 224 << 20

// limitHeap sets buildMemoryLimit unless GOMEMLIMIT is set, and returns
// the function that restores the previous limit.
func limitHeap() func() {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(buildMemoryLimit)
	return func() { debug.SetMemoryLimit(prev) }
}

func newUpdate() *cobra.Command {
	var (
		db, config, cacheDir string
		cpuProfile           string
		sources              []string
	)
	cmd := &cobra.Command{
		Use:   "update [--db FILE] [--source URL ...] [--config FILE]",
		Short: "Download the advisory feeds and rebuild the database",
		Long: `Downloads the configured feeds (by default the public OSV per-ecosystem
archives, Alpine secdb, the Debian security tracker and the other
distributions' own feeds such as Wolfi's and Chainguard's secdb, plus the enrichment
sources: the CVE List's JSON 5 archive, CISA's KEV catalog, FIRST's EPSS
scores, and the NVD CVE API when an API key is given) and rebuilds the
database. If any source fails the update fails and the existing database is
left as it was. --source replaces the whole source list; --config reads a
YAML file whose keys are: db, sources, osv_base_url, osv_ecosystems,
alpine_secdb_url, alpine_branches, alpine_repos, debian_tracker_url,
distro_feeds (a list; ["-"] disables them), cve_list_url, nvd_api_url, nvd_api_key, kev_url, epss_url (a URL of "-"
disables that feed), cache_dir. The NVD API key may also come from $NVD_API_KEY.

Each feed's parsed records are kept in the cache directory with the feed's
ETag, Last-Modified and sha256: the next update sends a conditional request
and does not download or parse a feed that did not change. For an OSV
archive (<base>/<ecosystem>/all.zip) it reads <ecosystem>/modified_id.csv
and downloads only the records added or modified since (<id>.json); the
whole archive when the list is missing or malformed. Keys whose entries did
not change are copied from the previous file. The file it writes is byte
for byte what a full build of the same feeds gives. Two updates sharing a
cache directory take turns (the second waits up to 10 minutes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var cfg vulndbbuild.UpdateConfig
			if config != "" {
				c, err := vulndbbuild.LoadUpdateConfig(config)
				if err != nil {
					return err
				}
				cfg = c
			}
			if db != "" {
				cfg.DB = db
			}
			cfg.DB = dbPath(cfg.DB)
			if len(sources) > 0 {
				cfg.Sources = sources
			}
			if cfg.NVDAPIKey == "" {
				cfg.NVDAPIKey = os.Getenv(vulndbbuild.EnvNVDAPIKey)
			}
			if cacheDir != "" {
				cfg.CacheDir = cacheDir
			}
			cfg.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			fmt.Fprintf(cmd.ErrOrStderr(), "updating %s from %d sources\n", cfg.DB, len(cfg.SourceURLs()))
			defer limitHeap()()
			if cpuProfile != "" {
				stop, err := startCPUProfile(cpuProfile)
				if err != nil {
					return err
				}
				defer stop()
			}
			tr := newTracker(cmd.ErrOrStderr(), cfg.SourceURLs())
			cfg.Progress = tr.loaded
			info, err := vulndbbuild.Update(cmd.Context(), cfg)
			tr.stop()
			if err != nil {
				return tr.failure(err, "the database was left as it was")
			}
			for _, e := range emptySources(info) {
				fmt.Fprintf(cmd.ErrOrStderr(), "warning: source added nothing: %s\n", e)
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringArrayVar(&sources, "source", nil, "feed URL or path (repeatable; replaces the default list)")
	cmd.Flags().StringVar(&config, "config", "", "YAML file with sources and mirror URLs")
	cmd.Flags().StringVar(&cacheDir, "cache-dir", "", `feeds' parsed intermediates kept between updates (default "cache" beside the database; "-" disables)`)
	// For bench/db.sh: where an update spends its CPU, on the real command.
	cmd.Flags().StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile (pprof) of the update to FILE")
	_ = cmd.Flags().MarkHidden("cpuprofile")
	return cmd
}

func newInfo() *cobra.Command {
	var (
		db     string
		asJSON bool
		verify bool
	)
	cmd := &cobra.Command{
		Use:   "info [--db FILE] [--json] [--verify]",
		Short: "Show the database's schema version, build time, digest and per-source counts (--verify: check every page)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			// Opening checks the header, the metadata and the digest
			// tree's roots, which cover every page: a few milliseconds
			// for any size. --verify also hashes every page (a third of
			// a second for a 330 MB file), the operator's "is this
			// file good?"; installs and the Watcher always do.
			open := vulndb.Open
			if verify {
				open = vulndb.OpenVerified
			}
			d, err := open(dbPath(db))
			if err != nil {
				return err
			}
			defer d.Close()
			info := d.Info()
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(info)
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&verify, "verify", false, "check the digest of every page of the file, not only the header, metadata and digest tree roots")
	return cmd
}

func newExport() *cobra.Command {
	var db, out string
	cmd := &cobra.Command{
		Use:   "export --db FILE --out FILE",
		Short: "Write the database as one verifiable file for air-gapped sites",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("db export: --out FILE is required (- for standard output)")
			}
			w := cmd.OutOrStdout()
			var f *os.File
			if out != "-" {
				var err error
				if f, err = os.Create(out); err != nil {
					return fmt.Errorf("db export: %w", err)
				}
				w = f
			}
			info, err := vulndbdist.Export(dbPath(db), w)
			if f != nil {
				if cerr := f.Close(); err == nil && cerr != nil {
					err = fmt.Errorf("db export: %w", cerr)
				}
				if err != nil {
					os.Remove(out)
				}
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "exported %s (%s) to %s\n", info.Path, info.Digest, out)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVarP(&out, "out", "o", "", "export file to write (- for standard output)")
	return cmd
}

func newImport() *cobra.Command {
	var db, in string
	cmd := &cobra.Command{
		Use:   "import --in FILE [--db FILE]",
		Short: "Install a database from an export file, after verifying it",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return errors.New("db import: --in FILE is required (- for standard input)")
			}
			r := cmd.InOrStdin()
			if in != "-" {
				f, err := os.Open(in)
				if err != nil {
					return fmt.Errorf("db import: %w", err)
				}
				defer f.Close()
				r = f
			}
			info, err := vulndbdist.Import(r, dbPath(db))
			if err != nil {
				return fmt.Errorf("db import %s: %w", in, err)
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	dbFlag(cmd, &db)
	cmd.Flags().StringVarP(&in, "in", "i", "", "export file to read (- for standard input)")
	return cmd
}

type regFlags struct {
	username, password string
	insecure           bool
}

func (r *regFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&r.username, "username", "", "registry user name (default: Docker config credentials)")
	cmd.Flags().StringVar(&r.password, "password", "", "registry password or token")
	cmd.Flags().BoolVar(&r.insecure, "insecure", false, "allow plain HTTP and unverified TLS")
}

func (r *regFlags) opts() vulndbdist.RegistryOptions {
	return vulndbdist.RegistryOptions{Username: r.username, Password: r.password, Insecure: r.insecure}
}

func newPush() *cobra.Command {
	var (
		db  string
		reg regFlags
	)
	cmd := &cobra.Command{
		Use:   "push [--db FILE] REF",
		Short: "Push the database to a registry as an OCI artifact",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pushed, err := vulndbdist.Push(cmd.Context(), dbPath(db), args[0], reg.opts())
			if err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), pushed)
			return nil
		},
	}
	dbFlag(cmd, &db)
	reg.add(cmd)
	return cmd
}

func newPull() *cobra.Command {
	var (
		db  string
		reg regFlags
	)
	cmd := &cobra.Command{
		Use:   "pull REF [--db FILE]",
		Short: "Pull the database from a registry and install it",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			info, err := vulndbdist.Pull(cmd.Context(), args[0], dbPath(db), reg.opts())
			if err != nil {
				return err
			}
			printInfo(cmd.OutOrStdout(), info)
			return nil
		},
	}
	dbFlag(cmd, &db)
	reg.add(cmd)
	return cmd
}

// printInfo writes the human-readable summary.
func printInfo(w io.Writer, info vulndb.Info) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	if info.Path != "" {
		fmt.Fprintf(tw, "Path:\t%s\n", info.Path)
	}
	fmt.Fprintf(tw, "Schema version:\t%d\n", info.SchemaVersion)
	fmt.Fprintf(tw, "Built at:\t%s\n", info.BuiltAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(tw, "Digest:\t%s\n", info.Digest)
	fmt.Fprintf(tw, "Size:\t%d bytes\n", info.Size)
	fmt.Fprintf(tw, "Advisories:\t%d\n", info.Advisories)
	fmt.Fprintf(tw, "Packages:\t%d\n", info.Keys)
	fmt.Fprintf(tw, "Ecosystems:\t%s\n", summarize(info.Ecosystems, 12))
	if e := info.Enrichment; e != nil {
		fmt.Fprintf(tw, "CVE enrichment:\t%d CVEs, %d scored, %d in KEV, %d with EPSS%s\n", e.CVEs, e.WithCVSS, e.KEV, e.EPSS, paren(e.EPSSDate, "scored "))
	}
	tw.Flush()
	if len(info.Sources) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "RECORDS\tENRICHMENT\tMALFORMED\tWITHDRAWN\tSKIPPED\tFILES\t  SOURCE")
	for _, s := range info.Sources {
		fmt.Fprintf(tw, "%d\t%d\t%d\t%d\t%d\t%d\t  %s\n", s.Records, s.Enrichment, s.Malformed, s.Withdrawn, s.Skipped, s.Files, s.Source)
	}
	tw.Flush()
	for _, s := range info.Sources {
		for _, e := range s.Errors {
			fmt.Fprintf(w, "malformed in %s: %s\n", s.Source, e)
		}
	}
}

func paren(s, prefix string) string {
	if s == "" {
		return ""
	}
	return " (" + prefix + s + ")"
}

func summarize(list []string, max int) string {
	if len(list) <= max {
		return strings.Join(list, ", ")
	}
	return fmt.Sprintf("%s, ... (%d in all)", strings.Join(list[:max], ", "), len(list))
}

// startCPUProfile profiles the process into path until the returned
// function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
