package build

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/scanfleet/scanfleet/internal/ecosystem/debian/tracker"
	"github.com/scanfleet/scanfleet/internal/feed"
	"github.com/scanfleet/scanfleet/internal/vulndb"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/cachedir"
	"github.com/scanfleet/scanfleet/internal/vulndb/build/internal/members"
)

// maxErrorsKept bounds the per-source error list stored in the file; the
// counts stay exact.
const maxErrorsKept = members.MaxCauses

// ErrCacheBusy is returned when another build holds the cache directory
// for longer than BuildOptions.LockWait: two updates sharing a cache
// would replace each other's entries under them.
var ErrCacheBusy = cachedir.ErrBusy

// BuildOptions tunes Build. The zero value is ready to use.
type BuildOptions struct {
	// HTTPClient fetches URL sources; nil means http.DefaultClient.
	HTTPClient *http.Client
	// BuiltAt is recorded as the build time; zero means now. Setting it
	// makes builds of the same input byte-identical.
	BuiltAt time.Time
	// Progress, when set, is called after each source has been loaded.
	Progress func(vulndb.SourceInfo)
	// NVDAPIKey and NVDInterval are handed to the NVD CVE API reader
	// (feed.Options); the key is never stored in the file.
	NVDAPIKey   string
	NVDInterval time.Duration
	// CacheDir, when set, keeps each source's parsed intermediate (sorted
	// runs, records, stats) with the source's fingerprint, so the next
	// build downloads and parses only the sources that changed; see
	// buildFeed. Empty: everything is read again and nothing is kept.
	CacheDir string
	// Logger, when set, receives one line per source saying whether it
	// was parsed or reused from CacheDir.
	Logger *slog.Logger

	// LockWait bounds how long a build waits for another one holding
	// CacheDir (ErrCacheBusy after it); zero means 10 minutes.
	LockWait time.Duration

	// Workers is how many sources are read at once; zero means
	// GOMAXPROCS, at most 4 (each holds a sorted run in memory).
	Workers int

	// CVEListRecords maps a CVE List archive source to the base URL of
	// its repository's files (cves/deltaLog.json and cves/<year>/<n>xxx/
	// <id>.json), with which an update with a cache fetches only the
	// records changed since the archive it read (cvelist.go).
	CVEListRecords map[string]string

	// runBytes overrides the size of a sorted run (tests force many).
	runBytes int
}

// loadFunc is feed.LoadAll's signature; tests substitute it.
type loadFunc func(ctx context.Context, src string, emit feed.EmitFunc, opts feed.Options) (feed.Stats, error)

// Build loads every source with the feed readers and writes one database
// file at out, replacing it atomically (temporary file in the same
// directory, then rename), so readers of an older file at out are never
// disturbed. A source that cannot be read at all fails the build and out
// is left untouched; malformed records inside a source are counted in the
// source's vulndb.SourceInfo and do not fail the build.
//
// Records are streamed: each source is turned into sorted runs of items
// spilled to disk (see package runs) and a records file, and the database is
// written by merging the runs of every source, so memory does not grow
// with the corpus. With BuildOptions.CacheDir, each source's runs are
// kept there with its fingerprint and reused by the next build when the
// source did not change (see buildFeed).
func Build(ctx context.Context, out string, sources []string, opts BuildOptions) (vulndb.Info, error) {
	return build(ctx, out, sources, opts, feed.LoadAll)
}

func build(ctx context.Context, out string, sources []string, opts BuildOptions, load loadFunc) (vulndb.Info, error) {
	if len(sources) == 0 {
		return vulndb.Info{}, fmt.Errorf("building database: no sources given")
	}
	// Debian's DSA/DLA lists are not advisories of their own: they name the
	// advisory that fixed a CVE in a release, and are attached to the Debian
	// records of the other sources as aliases and references. Read them
	// first, so they are known when those records stream past.
	idx, rest, dsaInfos, err := dsaSources(sources)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("building database: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return vulndb.Info{}, fmt.Errorf("building database: %w", err)
	}
	if opts.CacheDir != "" {
		wait := opts.LockWait
		if wait <= 0 {
			wait = cachedir.DefaultWait
		}
		unlock, err := cachedir.Lock(ctx, opts.CacheDir, wait)
		if err != nil {
			return vulndb.Info{}, fmt.Errorf("building database: %w", err)
		}
		defer unlock()
	}
	// Spill next to the output, not in $TMPDIR: /tmp is often a tmpfs,
	// whose pages count as memory.
	work, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+".build-*")
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("building database: %w", err)
	}
	defer os.RemoveAll(work)
	fb := &feedBuilder{opts: opts, load: load, dsa: idx, work: work}
	if opts.CacheDir != "" {
		if fb.dsaKey, err = dsaFingerprint(sources); err != nil {
			return vulndb.Info{}, fmt.Errorf("building database: %w", err)
		}
	}
	infos := append([]vulndb.SourceInfo(nil), dsaInfos...)
	feeds, err := fb.buildAll(ctx, rest, func(fo *feedOut) {
		infos = append(infos, fo.meta.Info)
		if opts.Progress != nil {
			opts.Progress(fo.meta.Info)
		}
	})
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("building database: %w", err)
	}
	builtAt := opts.BuiltAt
	if builtAt.IsZero() {
		builtAt = time.Now()
	}
	ms, err := assemble(ctx, out, work, opts.CacheDir, feeds, builtAt.UTC(), infos)
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("building database: %w", err)
	}
	if opts.CacheDir != "" {
		if opts.Logger != nil {
			opts.Logger.Info("merged", "keys", ms.Keys, "entries_reused", ms.Reused, "entries_encoded", ms.Keys-ms.Reused)
		}
		// Entries of sources no longer in the list would otherwise stay
		// forever (a feed's worth of disk each).
		keep := map[string]bool{}
		for _, src := range rest {
			keep[fb.cacheKey(src)] = true
		}
		for _, k := range cachedir.Prune(opts.CacheDir, keep) {
			if opts.Logger != nil {
				opts.Logger.Info("removed the cache entry of a source no longer built", "entry", k)
			}
		}
	}
	db, err := vulndb.Open(out)
	if err != nil { // cannot happen unless assemble and parse disagree
		return vulndb.Info{}, fmt.Errorf("building database: reopening: %w", err)
	}
	defer db.Close()
	info := db.Info()
	info.Path = out
	return info, nil
}

// dsaSources splits the Debian security tracker's DSA/DLA lists (a tracker
// checkout's directory, holding data/DSA/list and data/DLA/list, or a list
// file itself) from the advisory sources, and indexes them.
func dsaSources(sources []string) (*tracker.DSAIndex, []string, []vulndb.SourceInfo, error) {
	var (
		rest    []string
		infos   []vulndb.SourceInfo
		entries [][]tracker.DSAEntry
	)
	for _, src := range sources {
		lists := dsaListFiles(src)
		if len(lists) == 0 {
			rest = append(rest, src)
			continue
		}
		si := vulndb.SourceInfo{Source: src, Files: len(lists)}
		for _, l := range lists {
			f, err := os.Open(l)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("source %s: %w", src, err)
			}
			e, bad, err := tracker.ParseDSAList(f)
			f.Close()
			if err != nil {
				return nil, nil, nil, fmt.Errorf("source %s: %s: %w", src, l, err)
			}
			entries = append(entries, e)
			si.Records += len(e)
			si.Malformed += len(bad)
			for _, m := range bad {
				if len(si.Errors) < maxErrorsKept {
					si.Errors = append(si.Errors, l+": "+m)
				}
			}
		}
		infos = append(infos, si)
	}
	if len(entries) == 0 {
		return nil, rest, nil, nil
	}
	return tracker.NewDSAIndex(entries...), rest, infos, nil
}

func dsaListFiles(src string) []string {
	fi, err := os.Stat(src)
	if err != nil {
		return nil
	}
	if !fi.IsDir() {
		if filepath.Base(src) == "list" {
			if d := filepath.Base(filepath.Dir(src)); d == "DSA" || d == "DLA" {
				return []string{src}
			}
		}
		return nil
	}
	var out []string
	for _, rel := range []string{"data/DSA/list", "data/DLA/list", "DSA/list", "DLA/list"} {
		p := filepath.Join(src, rel)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			out = append(out, p)
		}
	}
	return out
}
