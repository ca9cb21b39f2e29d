// Package model is the store's vocabulary: the record types, the errors
// callers branch on and the interfaces grouped by concern (Store is all of
// them). Package store re-exports every name here as an alias, so callers
// write store.Registry, store.Store and so on; the names live in this
// package only so that the implementation packages under
// internal/store/internal can use them while package store imports those
// packages to compose its Store (store -> fleetdb, resultdb, triagedb ->
// model, with no cycle).
//
// The interfaces are small and grouped by concern so that a caller (and a
// test double) names only what it uses; Store is all of them.
package model

import (
	"context"
	"errors"
	"time"

	"github.com/scanfleet/scanfleet/internal/admission"
	"github.com/scanfleet/scanfleet/internal/report"
)

// Errors callers branch on; each is wrapped with the object it concerns.
var (
	// ErrNotHolder: the caller does not hold the live claim or crawl it
	// tried to act on (it expired and another took it, or never existed).
	ErrNotHolder = errors.New("not held by this caller")
	// ErrInvalid: an argument cannot be stored (empty key, text with NUL
	// or invalid UTF-8, which PostgreSQL TEXT rejects).
	ErrInvalid = errors.New("invalid argument")
)

// Store is every part of the control-plane state.
type Store interface {
	Tokens
	Registries
	Scanners
	Results
	Layers
	Hosts
	Admission
	Settings
	Crawls
	Exceptions
	Audit
	Notifications
	Workloads
	// Backend is "sqlite" or "postgres".
	Backend() string
	Close() error
}

// Role is what an API token may do.
type Role string

// Roles (see the controller's authorisation).
const (
	RoleAdmin     Role = "admin"
	RoleScanner   Role = "scanner"
	RoleSubmitter Role = "submitter"
	RoleReader    Role = "reader"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleScanner || r == RoleSubmitter || r == RoleReader
}

// Registry is a registry as stored: settings, sealed credentials (see
// internal/store/keyring) and the last crawl's outcome.
type Registry struct {
	Name                string
	URL                 string
	Username            string
	Insecure            bool
	CACertFile          string
	Filters             []string
	MaxRepositories     int
	MaxTags             int
	Interval            time.Duration
	RescanAfterDBUpdate bool
	PasswordSealed      []byte
	TokenSealed         []byte
	LastCrawl           time.Time // zero: never crawled
	LastError           string

	// Kind is the registry's flavour (crawl.Registry.Kind; "" is
	// generic). Namespace, API and APITokenSealed configure its vendor
	// listing; Repositories is the explicit list ("REPO" or
	// "REPO:TAGGLOB") crawled instead of any listing.
	Kind           string
	Namespace      string
	API            string
	APITokenSealed []byte
	Repositories   []string
	// WebhookSecretSealed authenticates the registry's push webhook.
	WebhookSecretSealed []byte
	// MaxPulls bounds the scans of this registry running at once across
	// the whole fleet, RequestsPerSecond the rate at which its scans
	// start; 0 means no limit.
	MaxPulls          int
	RequestsPerSecond float64
	// Platforms are the platforms ("os/arch[/variant]") of an image
	// index that are scanned; empty means every platform it lists.
	Platforms []string
}

// Registries are the registries to crawl.
type Registries interface {
	// PutRegistry creates or replaces r's settings and credentials; the
	// last crawl's outcome is kept.
	PutRegistry(ctx context.Context, r Registry) error
	GetRegistry(ctx context.Context, name string) (Registry, bool, error)
	// ListRegistries lists by name.
	ListRegistries(ctx context.Context) ([]Registry, error)
	DeleteRegistry(ctx context.Context, name string) (bool, error)
	// SetCrawled records a crawl's start time and error ("" for none).
	SetCrawled(ctx context.Context, name string, at time.Time, crawlErr string) error
	// Reseal re-seals every stored credential with k (a keyring.Keyring:
	// opened with any of its keys, sealed with the newest) in one
	// transaction, and returns how many registries changed.
	Reseal(ctx context.Context, k Resealer) (int, error)
}

// Resealer re-seals one sealed value with its newest key, reporting
// whether the value changed; keyring.Keyring is one.
type Resealer interface {
	Reseal(sealed []byte) ([]byte, bool, error)
}

// Scanner states.
const (
	ScannerActive  = "active"
	ScannerGone    = "gone"    // missed heartbeats
	ScannerStopped = "stopped" // released its tasks
)

// Scanner is a registered scanner as the API shows it. CurrentTasks and
// CurrentImages come from the queue, not from the store.
type Scanner struct {
	ID            string    `json:"id"`
	Name          string    `json:"name"`
	Concurrency   int       `json:"concurrency"`
	DBDigest      string    `json:"db_digest"`
	Version       string    `json:"version"`
	State         string    `json:"state"`
	RegisteredAt  time.Time `json:"registered_at"`
	LastSeen      time.Time `json:"last_seen"`
	Done          int       `json:"done"`
	Failed        int       `json:"failed"`
	CurrentTasks  []string  `json:"current_tasks"`
	CurrentImages []string  `json:"current_images"`
}

// ScannerFilter selects scanners; zero fields match everything.
type ScannerFilter struct {
	State      string
	Name       string
	SeenBefore time.Time // last_seen strictly before
}

// Scanners are the registered scanners.
type Scanners interface {
	AddScanner(ctx context.Context, sc Scanner) error
	// TouchScanner records a sign of life and makes the scanner active;
	// false when the id is unknown or the scanner has stopped (released
	// its tasks), whose late requests must not revive it.
	TouchScanner(ctx context.Context, id string, now time.Time) (bool, error)
	SetScannerState(ctx context.Context, id, state string) error
	// CountScan adds one to the scanner's done (ok) or failed counter.
	CountScan(ctx context.Context, id string, ok bool) error
	// ListScanners lists by registration time.
	ListScanners(ctx context.Context, f ScannerFilter) ([]Scanner, error)
	CountScanners(ctx context.Context, state string) (int, error)
}

// ImageKey names one stored result.
type ImageKey struct {
	Registry, Repository, Digest string
}

// ImageSummary is one scanned image in listings.
type ImageSummary struct {
	Registry        string         `json:"registry"`
	Repository      string         `json:"repository"`
	Tag             string         `json:"tag"`
	Digest          string         `json:"digest"`
	Reference       string         `json:"reference"`
	DBDigest        string         `json:"db_digest"`
	ScannedAt       time.Time      `json:"scanned_at"`
	ScannedBy       string         `json:"scanned_by"`
	Scans           int            `json:"scans"`
	Packages        int            `json:"packages"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities"`
	// Coverage, NotCovered and Tags are filled by the caller's listings
	// (from the console's report digests and ImageTags), not stored here.
	Coverage   string   `json:"coverage,omitempty"`
	NotCovered []string `json:"not_covered,omitempty"`
	Tags       []string `json:"tags,omitempty"`
	// Fingerprint changes whenever the stored report does (a new scan
	// or a re-match); the console keys its cached digests on it.
	Fingerprint string `json:"-"`
	// GoneAt is when a crawl first found the image no longer in its
	// registry (zero: present). Gone images are kept for history.
	GoneAt time.Time `json:"gone_at,omitzero"`
	// IndexDigest and Platform are set for one platform of a
	// multi-platform image: Digest is then the platform's manifest
	// digest, IndexDigest the image index's (what the tag points to)
	// and Platform "os/arch[/variant]".
	IndexDigest string `json:"index_digest,omitempty"`
	Platform    string `json:"platform,omitempty"`
}

// Key returns the image's key.
func (im ImageSummary) Key() ImageKey { return ImageKey{im.Registry, im.Repository, im.Digest} }

// ImageFilter selects images; zero fields match everything.
type ImageFilter struct {
	Registry, Repository, Severity, CVE, Digest string
	// Index selects the platforms of one image index (IndexDigest).
	Index string
	// IncludeGone lists images a crawl marked gone too.
	IncludeGone bool
	// Limit, when positive, returns at most that many images: one page,
	// cut in the database rather than after reading every image.
	Limit int
	// After, when set, lists only the images after it in the listing's
	// order (registry, repository, tag, digest): give the last image of
	// the previous page, so that a page costs its length, not its offset.
	After *ImageSummary
}

// Result is one scan result to store. With a TaskID the put is idempotent
// per task (see PutResult).
type Result struct {
	TaskID string
	Image  ImageSummary // Registry..ScannedBy; the counts come from Report
	Report *report.Report
	Raw    []byte // Report as JSON, stored verbatim
}

// ImageChanges is what the last database change did to an image.
type ImageChanges struct {
	Registry   string    `json:"registry"`
	Repository string    `json:"repository"`
	Digest     string    `json:"digest"`
	DBBefore   string    `json:"db_before"`
	DBAfter    string    `json:"db_after"`
	ChangedAt  time.Time `json:"changed_at"`
	New        []string  `json:"new"`
	Fixed      []string  `json:"fixed"`
	// EnteredKEV are the vulnerability IDs now in CISA's Known Exploited
	// Vulnerabilities catalog that were not before.
	EnteredKEV []string `json:"entered_kev"`
	// Reranked is set when the new database changed only enrichment
	// (same advisories digest): the stored findings were re-rated
	// (severity, scores, KEV, EPSS) without matching packages again.
	Reranked bool `json:"reranked,omitempty"`
}

// Seen is one tag (or, with Tag "", one digest: a platform manifest of an
// index) a crawl found in a repository.
type Seen struct {
	Repository, Tag, Digest string
}

// GoneCounts is what MarkGone changed.
type GoneCounts struct {
	TagsGone, ImagesGone int // newly marked gone
	TagsBack, ImagesBack int // gone before, present again
}

// StoredImage is the result an admission lookup found.
type StoredImage struct {
	Digest    string
	ScannedAt time.Time
	Report    []byte
	// Platform is set when Digest is one platform of the image index
	// asked for: the platform whose result is the worst (see FindImage).
	Platform string
}

// Results are image results and what derives from them: image_tags,
// image_vulns (the CVE index), image_changes and the console's digests.
type Results interface {
	// PutResult stores a result, replacing the image's previous one and
	// counting a scan. With r.TaskID set it is idempotent: the first put
	// for a task stores the result and adds one to the scanner's done
	// counter (r.Image.ScannedBy) in the same transaction; any later put
	// for that task stores nothing and returns stored=false. So a task
	// can be completed in the queue after its result is durable, and a
	// repeated post (a retry, a restarted scanner, another replica) does
	// not count twice.
	PutResult(ctx context.Context, r Result) (stored bool, err error)
	// PutResults stores several results in one transaction (a group
	// commit of results posted at once), each as PutResult would; all
	// or nothing. stored[i] is PutResult's stored for rs[i].
	PutResults(ctx context.Context, rs []Result) (stored []bool, err error)
	// TaskResults returns which of ids have a stored result (a sweep
	// looks for tasks done in the queue without one).
	TaskResults(ctx context.Context, ids []string) (map[string]bool, error)
	// PruneTaskResults forgets task ids recorded before t (the images
	// stay); a put for a forgotten task would store again.
	PruneTaskResults(ctx context.Context, before time.Time) (int64, error)
	// ResultStoredSince reports whether k has a result stored at or after
	// since, by scanner unless scanner is "".
	ResultStoredSince(ctx context.Context, k ImageKey, scanner string, since time.Time) (bool, error)
	// ScannedWith reports whether the image was scanned with dbDigest.
	ScannedWith(ctx context.Context, k ImageKey, dbDigest string) (bool, error)
	// ListImages lists by registry, repository, tag, digest.
	ListImages(ctx context.Context, f ImageFilter) ([]ImageSummary, error)
	// ImageReport returns the newest report of digest in any repository.
	ImageReport(ctx context.Context, digest string) ([]byte, bool, error)
	// Report returns the report stored for exactly k.
	Report(ctx context.Context, k ImageKey) ([]byte, bool, error)
	// ImagesWithVuln lists the images with a finding (or alias) whose ID
	// is one of ids, exactly as spelt.
	ImagesWithVuln(ctx context.Context, ids ...string) ([]ImageKey, error)
	// ImagesNotMatchedWith lists images whose db_digest differs.
	ImagesNotMatchedWith(ctx context.Context, dbDigest string) ([]ImageSummary, error)
	// PutRematch replaces an image's findings after a re-match and
	// records ch; it does not count a scan.
	PutRematch(ctx context.Context, ch ImageChanges, rep *report.Report, raw []byte) error
	ImageChanges(ctx context.Context, digest string) (ImageChanges, bool, error)
	// ImageTags returns every tag each stored image is known under: the
	// tags recorded for its digest (a tag that moved names only its
	// newest digest) and the tag its result was scanned under unless
	// that tag has moved to another digest since; sorted.
	ImageTags(ctx context.Context) (map[ImageKey][]string, error)
	// DigestsWithPrefix returns up to limit distinct stored digests that
	// start with prefix, in order (resolving a short digest).
	DigestsWithPrefix(ctx context.Context, prefix string, limit int) ([]string, error)
	// PutTag records that registry/repository:tag is digest (a tag moves:
	// the newest wins); a tag marked gone is present again.
	PutTag(ctx context.Context, k ImageKey, tag string, at time.Time) error
	// MarkGone records what a complete crawl of registry found: every
	// tag of a repository inScope accepts that is not in seen, and every
	// image of such a repository whose digest is in no seen entry of its
	// repository, is marked gone at at (if not already); seen tags and
	// images that were gone are present again. Results are kept. The
	// caller calls it only after a crawl that listed everything in scope
	// (no errors, no caps), so nothing is marked gone on a partial view.
	MarkGone(ctx context.Context, registry string, seen []Seen, inScope func(repository string) bool, at time.Time) (GoneCounts, error)
	// FindImage returns the newest result for repository in any of
	// registries, by digest when given (then in any repository if none),
	// else by tag through image_tags and the results' own tags. Images
	// and tags marked gone (MarkGone) are not found.
	FindImage(ctx context.Context, registries []string, repository, tag, digest string) (StoredImage, bool, error)
	// ConsoleDigest returns the console's digest of k's report made from
	// the report with fingerprint.
	ConsoleDigest(ctx context.Context, k ImageKey, fingerprint string) (string, bool, error)
	PutConsoleDigest(ctx context.Context, k ImageKey, fingerprint, data string) error
	// PruneConsoleDigests drops digests of images no longer stored.
	PruneConsoleDigests(ctx context.Context) (int64, error)
}

// Claim is a scanner's promise to analyse a layer and store it.
type Claim struct {
	Key     string
	Holder  string // "<scanner id>/<random>"
	Scanner string // the scanner id part of Holder
	Expires time.Time
}

// Layers are the fleet-wide layer analyses and the claims on layers being
// analysed. Claims are in the store so every replica sees them; each has
// an expiry so a dead holder's claim lapses on its own.
type Layers interface {
	GetLayer(ctx context.Context, key string) ([]byte, bool, error)
	// GetLayers reads the analyses of keys in one query (a scan's
	// layers): those stored, by key; the others are absent.
	GetLayers(ctx context.Context, keys []string) (map[string][]byte, error)
	// PutLayer stores an analysis unconditionally and drops any claim.
	PutLayer(ctx context.Context, key string, raw []byte) error
	// PutClaimedLayer stores an analysis only if holder holds a live
	// claim on key at now (ErrNotHolder otherwise), and ends the claim.
	PutClaimedLayer(ctx context.Context, key, holder string, raw []byte, now time.Time) error
	// DeleteLayer drops an entry (one found corrupt is a miss).
	DeleteLayer(ctx context.Context, key string) (bool, error)
	// ClaimLayer gives key to holder until expires unless another holder
	// has a claim live at now; it returns the claim in force either way.
	// A holder claiming again renews its claim.
	ClaimLayer(ctx context.Context, key, scanner, holder string, now, expires time.Time) (got bool, cur Claim, err error)
	LayerClaim(ctx context.Context, key string, now time.Time) (Claim, bool, error)
	// ReleaseLayerClaim ends holder's claim on key; false if not held.
	ReleaseLayerClaim(ctx context.Context, key, holder string) (bool, error)
	// RenewLayerClaims extends every claim of scanner to expires.
	RenewLayerClaims(ctx context.Context, scanner string, expires time.Time) (int64, error)
	// DropLayerClaims ends every claim of scanner (declared gone).
	DropLayerClaims(ctx context.Context, scanner string) (int64, error)
	// ExpireLayerClaims deletes claims that lapsed at or before now.
	ExpireLayerClaims(ctx context.Context, now time.Time) (int64, error)
}

// HostSummary is one scanned host in listings.
type HostSummary struct {
	Name            string         `json:"name"`
	Hostname        string         `json:"hostname"`
	Kernel          string         `json:"kernel,omitempty"`
	Root            string         `json:"root"`
	OS              string         `json:"os,omitempty"`
	DBDigest        string         `json:"db_digest"`
	ScannedAt       time.Time      `json:"scanned_at"`
	ScannedBy       string         `json:"scanned_by"`
	Scans           int            `json:"scans"`
	Packages        int            `json:"packages"`
	Vulnerabilities int            `json:"vulnerabilities"`
	Severities      map[string]int `json:"severities"`
}

// Hosts are host scans.
type Hosts interface {
	PutHost(ctx context.Context, h HostSummary, rep *report.Report, raw []byte) error
	ListHosts(ctx context.Context) ([]HostSummary, error)
	HostReport(ctx context.Context, name string) ([]byte, bool, error)
}

// Decision is one admission review answered, as the log keeps it.
type Decision struct {
	ID        int64           `json:"id"`
	At        time.Time       `json:"at"`
	UID       string          `json:"uid"`
	Kind      string          `json:"kind"`
	Namespace string          `json:"namespace"`
	Name      string          `json:"name"`
	Operation string          `json:"operation"`
	User      string          `json:"user"`
	DryRun    bool            `json:"dry_run,omitempty"`
	Allowed   bool            `json:"allowed"`
	Result    string          `json:"result"`
	Mode      admission.Mode  `json:"mode"`
	Message   string          `json:"message,omitempty"`
	Images    []ImageDecision `json:"images"`
}

// ImageDecision is the verdict on one container's image.
type ImageDecision struct {
	Container     string            `json:"container"`
	ContainerKind string            `json:"container_kind"`
	Image         string            `json:"image"`
	Resolved      string            `json:"resolved,omitempty"`
	Digest        string            `json:"digest,omitempty"`
	Scanned       bool              `json:"scanned"`
	ScannedAt     *time.Time        `json:"scanned_at,omitempty"`
	Verdict       admission.Verdict `json:"verdict"`
}

// DecisionFilter selects decisions; zero fields match everything.
type DecisionFilter struct {
	Result, Namespace string
	Limit             int
}

// MaxDecisions is how many decisions the log keeps.
const MaxDecisions = 10000

// Admission is the admission rules (in order), settings and decision log.
type Admission interface {
	// AdmissionSettings returns the settings, defaults filled.
	AdmissionSettings(ctx context.Context) (admission.Settings, error)
	PutAdmissionSettings(ctx context.Context, st admission.Settings) error
	AdmissionRules(ctx context.Context) ([]admission.Rule, error)
	// PutAdmissionRule creates (last) or replaces (in place) a rule and
	// reports whether it is new.
	PutAdmissionRule(ctx context.Context, r admission.Rule) (bool, error)
	DeleteAdmissionRule(ctx context.Context, name string) (bool, error)
	// AddDecision logs d, setting d.ID, and trims the log to MaxDecisions.
	AddDecision(ctx context.Context, d *Decision) error
	// Decisions lists the newest first.
	Decisions(ctx context.Context, f DecisionFilter) ([]Decision, error)
}

// Settings are API-changed settings that outlive a restart, by name.
type Settings interface {
	Setting(ctx context.Context, name string) (string, bool, error)
	PutSetting(ctx context.Context, name, value string) error
	DeleteSetting(ctx context.Context, name string) error
	// TakeTokens takes up to want tokens (a negative want gives -want
	// back) from the token bucket name, which refills at perSecond up to
	// burst, as of now, in one row-level update, and returns how many it
	// took. Every controller sharing the store draws on the same bucket.
	TakeTokens(ctx context.Context, name string, perSecond float64, burst, want int, now time.Time) (int, error)
}
