package web

import (
	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/store"
)

// TaskPayload is the queue payload of a scan task.
type TaskPayload struct {
	Registry   string `json:"registry"`
	Repository string `json:"repository"`
	Tag        string `json:"tag"`
	Digest     string `json:"digest"`
	Reference  string `json:"reference"` // by digest
	DBDigest   string `json:"db_digest"`
	// IndexDigest and Platform are set for one platform of a
	// multi-platform image (Digest is then that platform's manifest).
	IndexDigest string `json:"index_digest,omitempty"`
	Platform    string `json:"platform,omitempty"`
}

// SettingsOf is a stored registry's non-secret settings.
func SettingsOf(r store.Registry) api.Registry {
	return api.Registry{Name: r.Name, URL: r.URL, Username: r.Username, Insecure: r.Insecure, CACertFile: r.CACertFile,
		Filters: r.Filters, MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags, Interval: api.Duration(r.Interval),
		RescanAfterDBUpdate: r.RescanAfterDBUpdate, Kind: r.Kind, Repositories: r.Repositories, Namespace: r.Namespace, API: r.API,
		MaxPulls: r.MaxPulls, PullsPerSecond: r.RequestsPerSecond, Platforms: r.Platforms}
}

// ViewOf is a stored registry as the API shows it: never a secret, only
// whether one is set.
func ViewOf(r store.Registry) api.RegistryView {
	v := api.RegistryView{Registry: SettingsOf(r), PasswordSet: len(r.PasswordSealed) > 0, TokenSet: len(r.TokenSealed) > 0,
		APITokenSet: len(r.APITokenSealed) > 0, WebhookSecretSet: len(r.WebhookSecretSealed) > 0, LastError: r.LastError}
	if !r.LastCrawl.IsZero() {
		t := r.LastCrawl
		v.LastCrawl = &t
	}
	return v
}
