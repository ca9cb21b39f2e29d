// Package api is the controller's REST API as its clients see it: the
// JSON wire types of every request and answer, and Client, one typed
// client with a method per route that the scanner worker, the CLI and the
// tests all use. It holds no server code: the handlers are in package
// controller and its subpackages, which encode and decode these types, so
// the wire format has one definition (openapi.json documents it, and the
// controller's TestOpenAPISchemasMatchTypes keeps the two in step).
package api

import (
	"encoding/json"
	"fmt"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/scanfleet/scanfleet/internal/autoscale"
	"github.com/scanfleet/scanfleet/internal/queue"
)

// Coverage states of an image (ImageSummary.Coverage).
const (
	// CoverageCovered: the database had data for every OS release and
	// ecosystem the image contains.
	CoverageCovered = "covered"
	// CoverageNotCovered: it lacked data for some (ImageSummary.NotCovered
	// names them), so the finding counts are incomplete, not zero.
	CoverageNotCovered = "not_covered"
	// CoverageUnknown: the report has packages but no coverage record
	// (made by a scanner that did not record it).
	CoverageUnknown = "unknown"
)

// Duration is a time.Duration written as "90s"/"1h" in JSON and YAML.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	if d == 0 {
		return []byte(`""`), nil
	}
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"1h\": %w", err)
	}
	return d.parse(s)
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	return d.parse(s)
}

func (d *Duration) parse(s string) error {
	if s == "" {
		*d = 0
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	if v < 0 {
		return fmt.Errorf("duration %q is negative", s)
	}
	*d = Duration(v)
	return nil
}

// Registry is a registry's non-secret settings.
type Registry struct {
	Name            string   `json:"name" yaml:"name"`
	URL             string   `json:"url" yaml:"url"` // http(s)://host[:port]
	Username        string   `json:"username,omitempty" yaml:"username"`
	Insecure        bool     `json:"insecure,omitempty" yaml:"insecure"`
	CACertFile      string   `json:"ca_cert_file,omitempty" yaml:"ca_cert_file"`
	Filters         []string `json:"filters,omitempty" yaml:"filters"`
	MaxRepositories int      `json:"max_repositories,omitempty" yaml:"max_repositories"`
	MaxTags         int      `json:"max_tags,omitempty" yaml:"max_tags"`
	// Interval re-crawls the registry periodically; 0 means manual only.
	Interval Duration `json:"interval,omitempty" yaml:"interval"`
	// RescanAfterDBUpdate re-enqueues the registry's stored images for a
	// full scan when the vulnerability database changes. Without it they
	// are only re-matched from their stored inventories (no pull).
	RescanAfterDBUpdate bool `json:"rescan_after_db_update,omitempty" yaml:"rescan_after_db_update"`
	// Kind says how repositories are listed and where credentials come
	// from: generic (the default), dockerhub, ghcr, gitlab, harbor,
	// quay, artifactory, nexus, ecr, gar, acr (docs/registries.md).
	Kind string `json:"kind,omitempty" yaml:"kind"`
	// Repositories is an explicit list ("REPO" or "REPO:TAGGLOB")
	// crawled instead of the catalog or the vendor's listing.
	Repositories []string `json:"repositories,omitempty" yaml:"repositories"`
	// Namespace is what the vendor listing lists (organisation, group,
	// project...); API its base URL when not the kind's default.
	Namespace string `json:"namespace,omitempty" yaml:"namespace"`
	API       string `json:"api,omitempty" yaml:"api"`
	// MaxPulls bounds the scans of this registry running at once in the
	// whole fleet; PullsPerSecond how fast they start. 0: no limit.
	MaxPulls       int     `json:"max_pulls,omitempty" yaml:"max_pulls"`
	PullsPerSecond float64 `json:"pulls_per_second,omitempty" yaml:"pulls_per_second"`
	// Platforms are the platforms ("os/arch[/variant]") of a
	// multi-platform image scanned, each its own result; empty: every
	// platform the image index lists (attestations left out).
	Platforms []string `json:"platforms,omitempty" yaml:"platforms"`
}

// RegistryInput is what the API and the config file accept: the settings
// plus write-only secrets.
type RegistryInput struct {
	Registry `yaml:",inline"`
	Password string `json:"password,omitempty" yaml:"password"`
	Token    string `json:"token,omitempty" yaml:"token"`
	// APIToken is the vendor API's bearer token when it is not Password
	// (Quay); WebhookSecret authenticates the registry's push webhook.
	APIToken      string `json:"api_token,omitempty" yaml:"api_token"`
	WebhookSecret string `json:"webhook_secret,omitempty" yaml:"webhook_secret"`
}

// RegistryView is what the API returns: never a secret, only whether one
// is set.
type RegistryView struct {
	Registry
	PasswordSet      bool       `json:"password_set"`
	TokenSet         bool       `json:"token_set"`
	APITokenSet      bool       `json:"api_token_set,omitempty"`
	WebhookSecretSet bool       `json:"webhook_secret_set,omitempty"`
	LastCrawl        *time.Time `json:"last_crawl,omitempty"`
	LastError        string     `json:"last_error,omitempty"`
	// PausedUntil is set while a 429 from the registry pauses new scans
	// of it for the whole fleet.
	PausedUntil *time.Time `json:"paused_until,omitempty"`
}

// Scanner protocol messages.
type (
	// RegisterRequest is POST /api/v1/scanners.
	RegisterRequest struct {
		Name        string `json:"name"`
		Concurrency int    `json:"concurrency"`
		DBDigest    string `json:"db_digest"`
		Version     string `json:"version"`
	}
	// RegisterResponse answers it.
	RegisterResponse struct {
		ID string `json:"id"`
		// LeaseSeconds and HeartbeatSeconds tell the scanner how often to
		// heartbeat.
		LeaseSeconds     float64 `json:"lease_seconds"`
		HeartbeatSeconds float64 `json:"heartbeat_seconds"`
	}
	// LeaseRequest is POST /api/v1/scanners/{id}/lease.
	LeaseRequest struct {
		Max int `json:"max"`
	}
	// LeasedTask is one task with what is needed to pull its image.
	LeasedTask struct {
		ID         string `json:"id"`
		Reference  string `json:"reference"` // by digest
		Registry   string `json:"registry"`
		Repository string `json:"repository"`
		Tag        string `json:"tag"`
		Digest     string `json:"digest"`
		// IndexDigest and Platform are set when Digest is one platform's
		// manifest of a multi-platform image.
		IndexDigest string `json:"index_digest,omitempty"`
		Platform    string `json:"platform,omitempty"`
		Username    string `json:"username,omitempty"`
		Password    string `json:"password,omitempty"`
		Token       string `json:"token,omitempty"`
		Insecure    bool   `json:"insecure,omitempty"`
		Attempt     int    `json:"attempt"`
	}
	// LeaseResponse answers a lease.
	LeaseResponse struct {
		Tasks []LeasedTask `json:"tasks"`
	}
	// TaskIDs is the heartbeat and release body.
	TaskIDs struct {
		TaskIDs []string `json:"task_ids"`
	}
	// HeartbeatResponse lists the tasks the scanner no longer holds: it
	// should stop scanning them.
	HeartbeatResponse struct {
		Lost []string `json:"lost"`
	}
	// ResultRequest is POST /api/v1/tasks/{id}/result.
	ResultRequest struct {
		Scanner         string          `json:"scanner"`
		DurationSeconds float64         `json:"duration_seconds"`
		Report          json.RawMessage `json:"report"`
	}
	// RateLimitedRequest is POST /api/v1/registries/{name}/rate-limited:
	// a scanner met a 429 (Too Many Requests) from the registry.
	RateLimitedRequest struct {
		Scanner string `json:"scanner,omitempty"`
		// RetryAfter is the response's Retry-After header as sent
		// (seconds or an HTTP date; "" when absent).
		RetryAfter string `json:"retry_after,omitempty"`
	}
	// FailRequest is POST /api/v1/tasks/{id}/fail.
	FailRequest struct {
		Scanner string `json:"scanner"`
		Error   string `json:"error"`
		// Permanent says retrying cannot change the outcome (the image
		// is missing or broken, credentials are refused): the task is
		// failed at once instead of being queued again.
		Permanent bool `json:"permanent,omitempty"`
	}
	// QueueCounts is GET /api/v1/queue.
	QueueCounts map[queue.State]int
)

// TaskView is a task as GET /api/v1/tasks shows it: no payload, so no
// credentials could ever leak through it.
type TaskView struct {
	ID         string      `json:"id"`
	Key        string      `json:"key"`
	State      queue.State `json:"state"`
	Priority   int         `json:"priority"`
	Attempts   int         `json:"attempts"`
	LeasedBy   string      `json:"leased_by,omitempty"`
	LastError  string      `json:"last_error,omitempty"`
	UpdatedAt  time.Time   `json:"updated_at"`
	NotBefore  *time.Time  `json:"not_before,omitempty"`
	Reference  string      `json:"reference"`
	Registry   string      `json:"registry"`
	Repository string      `json:"repository"`
}

// AutoscalerView is GET /api/v1/autoscaler (and the PUT answer).
type AutoscalerView struct {
	// Enabled is whether the controller runs scanners at all (a Scaler is
	// configured); the strategy may still be "disabled".
	Enabled bool             `json:"enabled"`
	Config  autoscale.Config `json:"config"`
	// Replicas is the scanner count the Scaler reports (desired, as last
	// applied); absent when it could not be read.
	Replicas *int              `json:"replicas,omitempty"`
	Events   []autoscale.Event `json:"events"`
}

// SubmitRequest is POST /api/v1/results: a report made outside the
// controller's queue (a standalone scan in a build pipeline, a host scan)
// handed in for storage.
type SubmitRequest struct {
	Report json.RawMessage `json:"report"`
	// References are the registry references the image was scanned
	// under ("host/repo:tag", "host/repo@sha256:…"); by default the
	// report's own image reference. The result is stored for each
	// reference's repository and every tag is recorded, so admission
	// control resolves them.
	References []string `json:"references,omitempty"`
	// Scanner names who scanned (its advertised address or hostname).
	Scanner string `json:"scanner,omitempty"`
	// Name is a host report's name in the API (default: its hostname).
	Name string `json:"name,omitempty"`
	// IndexDigest and Platform say that the report is one platform of a
	// multi-platform image (scan --platform all|LIST): the report's
	// image digest is that platform's manifest, IndexDigest the image
	// index's (what its tags point to). The result is then stored as a
	// crawl stores a platform's (api.LeasedTask's fields of the same
	// names), so the index lists it and admission judges the index by
	// its worst platform.
	IndexDigest string `json:"index_digest,omitempty"`
	Platform    string `json:"platform,omitempty"`
}

// StoredImage is one repository a submitted image result was stored in.
type StoredImage struct {
	Registry   string   `json:"registry"`
	Repository string   `json:"repository"`
	Digest     string   `json:"digest"`
	Tags       []string `json:"tags,omitempty"`
}

// SubmitResponse answers a submission.
type SubmitResponse struct {
	// Kind is "image" or "host".
	Kind   string        `json:"kind"`
	Images []StoredImage `json:"images,omitempty"`
	Host   string        `json:"host,omitempty"`
}

// NotifyResponse answers POST /api/v1/registries/{name}/notify.
type NotifyResponse struct {
	// Pushes is how many tagged manifest pushes the envelope carried.
	Pushes int `json:"pushes"`
	// Enqueued is how many scan tasks were added; a push filtered out,
	// already scanned with the current database or already queued adds
	// none.
	Enqueued int `json:"enqueued"`
	Filtered int `json:"filtered"`
}

// LeaderView is GET /api/v1/leader: whether this controller leads the
// fleet, i.e. runs the scheduled crawls and the auto-scaler.
type LeaderView struct {
	// Leader is true on the controller that currently leads.
	Leader bool `json:"leader"`
	// Identity is this controller's name in the election.
	Identity string `json:"identity"`
	// Holder is the leader's identity as this controller last saw it
	// ("" when unknown or nobody leads).
	Holder string `json:"holder"`
	// Election is the mechanism: "kubernetes" (a Lease), "postgres" (an
	// advisory lock) or "none" (a lone controller, always the leader).
	Election string `json:"election"`
	// Since is when this controller last became leader or stopped being
	// leader, as observed by the controller.
	Since time.Time `json:"since"`
}

// WhoAmI is GET /api/v1/whoami.
type WhoAmI struct {
	// Name, Role and ExpiresAt are the caller's token's (no expiry: none).
	Name      string     `json:"name"`
	Role      Role       `json:"role"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
	// AdmissionWebhook says whether this controller serves admission
	// reviews (scanfleet-controller does; scanfleet answers 501), so the
	// console offers its Admission page only where it means something.
	AdmissionWebhook bool `json:"admission_webhook"`
}
