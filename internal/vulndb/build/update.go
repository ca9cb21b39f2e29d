package build

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/ecosystem"
	"github.com/scanfleet/scanfleet/internal/ecosystem/all"
	"github.com/scanfleet/scanfleet/internal/vulndb"
)

// Default feed locations. Every one can be overridden in UpdateConfig (or
// the --config file) to point at a mirror.
const (
	DefaultOSVBaseURL       = "https://osv-vulnerabilities.storage.googleapis.com"
	DefaultAlpineSecDBURL   = "https://secdb.alpinelinux.org"
	DefaultDebianTrackerURL = "https://security-tracker.debian.org/tracker/data/json"

	// Enrichment sources (severities, scores, titles, exploitation).
	// The CVE List as one archive of CVE JSON 5 records, with the CNA's
	// and the ADP containers (CISA's Vulnrichment among them).
	DefaultCVEListURL = "https://github.com/CVEProject/cvelistV5/archive/refs/heads/main.zip"
	// The NVD CVE API 2.0, read page by page within its rate limits; used
	// only when an API key or nvd_api_url is configured, since without a
	// key a full download takes over 15 minutes.
	DefaultNVDAPIURL = "https://services.nvd.nist.gov/rest/json/cves/2.0"
	DefaultKEVURL    = "https://www.cisa.gov/sites/default/files/feeds/known_exploited_vulnerabilities.json"
	// FIRST's daily EPSS scores for every CVE.
	DefaultEPSSURL = "https://epss.empiricalsecurity.com/epss_scores-current.csv.gz"
)

// EnvNVDAPIKey names the environment variable `db update` reads an NVD
// API key from when the config file gives none.
const EnvNVDAPIKey = "NVD_API_KEY" // #nosec G101 -- the name of an environment variable, not a credential

// defaultAlpineBranches are the secdb branches fetched by default.
var defaultAlpineBranches = []string{"v3.18", "v3.19", "v3.20", "v3.21", "v3.22", "edge"}

// defaultAlpineRepos are the secdb repositories fetched for each branch.
var defaultAlpineRepos = []string{"main", "community"}

// DefaultOSVEcosystems returns the OSV ecosystems fetched by default: those
// of every ecosystem descriptor's OSV feed (internal/ecosystem/all), in
// list order.
func DefaultOSVEcosystems() []string {
	var out []string
	for _, d := range all.Descriptors() {
		for _, f := range d.Feeds {
			if f.Format == ecosystem.FeedOSV {
				out = append(out, f.OSVNames...)
			}
		}
	}
	return out
}

// DefaultDistroFeeds returns the URLs of the descriptors' feeds that are
// fetched as they are (Wolfi's secdb, Amazon's updateinfo, OVAL files),
// in list order.
func DefaultDistroFeeds() []string {
	var out []string
	for _, d := range all.Descriptors() {
		for _, f := range d.Feeds {
			if f.Format != ecosystem.FeedOSV {
				out = append(out, f.URLs...)
			}
		}
	}
	return out
}

// UpdateConfig says where Update gets its feeds and where the database
// goes. Zero fields take the defaults. It is also the format of the
// --config YAML file.
type UpdateConfig struct {
	// DB is the database path; empty means vulndb.DefaultPath().
	DB string `yaml:"db"`
	// Sources, when set, replaces the whole default source list: each is
	// a URL or a local path that the feed readers accept.
	Sources []string `yaml:"sources"`

	// The rest builds the default source list.
	OSVBaseURL       string   `yaml:"osv_base_url"`       // <base>/<ecosystem>/all.zip
	OSVEcosystems    []string `yaml:"osv_ecosystems"`     // default DefaultOSVEcosystems
	AlpineSecDBURL   string   `yaml:"alpine_secdb_url"`   // <url>/<branch>/<repo>.json; "-" disables
	AlpineBranches   []string `yaml:"alpine_branches"`    // default v3.18 .. edge
	AlpineRepos      []string `yaml:"alpine_repos"`       // default main, community
	DebianTrackerURL string   `yaml:"debian_tracker_url"` // "-" disables
	// DistroFeeds replaces the descriptors' other feeds (Wolfi and
	// Chainguard secdb, ...); ["-"] disables them.
	DistroFeeds []string `yaml:"distro_feeds"`
	CVEListURL  string   `yaml:"cve_list_url"` // CVE JSON 5 archive; "-" disables
	// CVEListRecordsURL is where the CVE List repository's files are
	// served one by one (cves/deltaLog.json, cves/<year>/<n>xxx/<id>.json),
	// so an update fetches only the records changed since the archive it
	// read. Default: raw.githubusercontent.com for a GitHub archive URL;
	// "-" disables (the archive is read whole when it changed).
	CVEListRecordsURL string `yaml:"cve_list_records_url"`
	NVDAPIURL         string `yaml:"nvd_api_url"` // default: only with an API key; "-" disables
	KEVURL            string `yaml:"kev_url"`     // "-" disables
	EPSSURL           string `yaml:"epss_url"`    // "-" disables
	// NVDAPIKey is sent to the NVD API as the apiKey header (never
	// stored in the database); $NVD_API_KEY when empty.
	NVDAPIKey string `yaml:"nvd_api_key"`
	// NVDInterval overrides the pause between NVD API requests (tests).
	NVDInterval time.Duration `yaml:"-"`

	// HTTPClient fetches the sources; nil means a client with a 10 minute
	// timeout per request.
	HTTPClient *http.Client `yaml:"-"`
	// Progress is called after each source is loaded.
	Progress func(vulndb.SourceInfo) `yaml:"-"`
	// BuiltAt overrides the recorded build time (reproducible builds).
	BuiltAt time.Time `yaml:"-"`
	// CacheDir keeps each feed's parsed intermediate and fingerprint
	// between updates, so an update downloads and parses only the feeds
	// that changed (BuildOptions.CacheDir). Empty means "cache" beside the
	// database file; "-" disables it.
	CacheDir string `yaml:"cache_dir"`
	// Logger receives a line per feed saying whether it was parsed or
	// reused; nil logs nothing.
	Logger *slog.Logger `yaml:"-"`
}

// cacheDir resolves CacheDir for the database at dest.
func (cfg UpdateConfig) cacheDir(dest string) string {
	switch cfg.CacheDir {
	case "-":
		return ""
	case "":
		return filepath.Join(filepath.Dir(dest), "cache")
	}
	return cfg.CacheDir
}

// LoadUpdateConfig reads a YAML config file; unknown keys are errors so a
// misspelt mirror setting does not silently fall back to the public feed.
func LoadUpdateConfig(path string) (UpdateConfig, error) {
	var cfg UpdateConfig
	f, err := os.Open(path)
	if err != nil {
		return cfg, fmt.Errorf("reading update config: %w", err)
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("reading update config %s: %w", path, err)
	}
	return cfg, nil
}

// SourceURLs returns the sources Update will load for cfg.
func (cfg UpdateConfig) SourceURLs() []string {
	if len(cfg.Sources) > 0 {
		return append([]string(nil), cfg.Sources...)
	}
	var out []string
	base := strings.TrimRight(or(cfg.OSVBaseURL, DefaultOSVBaseURL), "/")
	for _, eco := range orList(cfg.OSVEcosystems, DefaultOSVEcosystems()) {
		// OSV bucket object names are the ecosystem names, spaces included;
		// they must be escaped in the URL path.
		out = append(out, base+"/"+strings.ReplaceAll(eco, " ", "%20")+"/all.zip")
	}
	if alp := or(cfg.AlpineSecDBURL, DefaultAlpineSecDBURL); alp != "-" {
		alp = strings.TrimRight(alp, "/")
		for _, br := range orList(cfg.AlpineBranches, defaultAlpineBranches) {
			for _, repo := range orList(cfg.AlpineRepos, defaultAlpineRepos) {
				out = append(out, alp+"/"+br+"/"+repo+".json")
			}
		}
	}
	if deb := or(cfg.DebianTrackerURL, DefaultDebianTrackerURL); deb != "-" {
		out = append(out, deb)
	}
	if df := orList(cfg.DistroFeeds, DefaultDistroFeeds()); len(df) != 1 || df[0] != "-" {
		out = append(out, df...)
	}
	// Enrichment last: it is merged by CVE whatever the order, and the
	// feeds' records are what a failed download would cost most.
	if u := or(cfg.CVEListURL, DefaultCVEListURL); u != "-" {
		out = append(out, u)
	}
	if u := cfg.NVDAPIURL; u != "-" && (u != "" || cfg.NVDAPIKey != "") {
		out = append(out, or(u, DefaultNVDAPIURL))
	}
	if u := or(cfg.KEVURL, DefaultKEVURL); u != "-" {
		out = append(out, u)
	}
	if u := or(cfg.EPSSURL, DefaultEPSSURL); u != "-" {
		out = append(out, u)
	}
	return out
}

// Update downloads every configured source and builds the database into a
// temporary file next to cfg.DB, renamed into place only when every source
// loaded. Any source that fails (unreachable, HTTP error, unreadable
// archive) fails the update and leaves the existing database untouched:
// a database silently missing a whole ecosystem would turn "vulnerable"
// into "clean", which is worse than a stale database. Malformed records
// within a source do not fail it; they are counted in the database's
// per-source info. With a cache directory (the default), a feed whose
// server answers 304 to the previous ETag/Last-Modified, or whose content
// has the previous sha256, is not parsed again: its intermediate from the
// previous update is merged as it is, and the file is byte for byte what
// a full build of the same inputs gives.
func Update(ctx context.Context, cfg UpdateConfig) (vulndb.Info, error) {
	dest := cfg.DB
	if dest == "" {
		dest = vulndb.DefaultPath()
	}
	client := cfg.HTTPClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	sources := cfg.SourceURLs()
	info, err := Build(ctx, dest, sources, BuildOptions{HTTPClient: client, Progress: cfg.Progress, BuiltAt: cfg.BuiltAt,
		NVDAPIKey: cfg.NVDAPIKey, NVDInterval: cfg.NVDInterval, CacheDir: cfg.cacheDir(dest), Logger: cfg.Logger,
		CVEListRecords: cfg.cveListRecords(sources)})
	if err != nil {
		return vulndb.Info{}, fmt.Errorf("update: %w", err)
	}
	return info, nil
}

// githubArchive matches a GitHub branch archive URL.
var githubArchive = regexp.MustCompile(`^https://github\.com/([^/]+)/([^/]+)/archive/refs/heads/([^/]+)\.zip$`)

// cveListRecords maps the CVE List archive among sources to the location
// of its repository's files (BuildOptions.CVEListRecords).
func (cfg UpdateConfig) cveListRecords(sources []string) map[string]string {
	archive := or(cfg.CVEListURL, DefaultCVEListURL)
	if !slices.Contains(sources, archive) || cfg.CVEListRecordsURL == "-" {
		return nil
	}
	base := cfg.CVEListRecordsURL
	if m := githubArchive.FindStringSubmatch(archive); base == "" && m != nil {
		base = "https://raw.githubusercontent.com/" + m[1] + "/" + m[2] + "/" + m[3]
	}
	if base == "" {
		return nil
	}
	return map[string]string{archive: base}
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orList(s, def []string) []string {
	if len(s) == 0 {
		return def
	}
	return s
}
