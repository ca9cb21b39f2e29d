package controller

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/scanfleet/scanfleet/internal/api"
	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/store"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func validateRegistry(r api.RegistryInput) error {
	if !validName.MatchString(r.Name) {
		return fmt.Errorf("registry name %q: want letters, digits, '.', '_', '-' (at most 63)", r.Name)
	}
	// Only scheme, host and port: a path ("/../..") would be joined to
	// every API path, and credentials or a query have their own fields.
	u, err := url.Parse(r.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" ||
		(u.Path != "" && u.Path != "/") || u.RawPath != "" || u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || u.Opaque != "" {
		return fmt.Errorf("registry %q: url %q must be http(s)://host[:port], nothing more", r.Name, r.URL)
	}
	for _, f := range r.Filters {
		if _, err := crawl.ParseFilter(f); err != nil {
			return fmt.Errorf("registry %q: %w", r.Name, err)
		}
	}
	if r.MaxRepositories < 0 || r.MaxTags < 0 || r.MaxPulls < 0 || r.PullsPerSecond < 0 ||
		math.IsNaN(r.PullsPerSecond) || math.IsInf(r.PullsPerSecond, 0) {
		return fmt.Errorf("registry %q: negative limit", r.Name)
	}
	if !provider.Valid(r.Kind) {
		return fmt.Errorf("registry %q: unknown kind %q (want one of %s)", r.Name, r.Kind, strings.Join(provider.Kinds, ", "))
	}
	if err := crawl.ValidateRepositories(r.Kind, r.Repositories); err != nil {
		return fmt.Errorf("registry %q: %w", r.Name, err)
	}
	if err := crawl.ValidatePlatforms(r.Platforms); err != nil {
		return fmt.Errorf("registry %q: %w", r.Name, err)
	}
	// A vendor listing is checked now (namespace, API URL) rather than at
	// the first crawl; ecr's needs the AWS SDK, checked when crawling.
	if len(r.Repositories) == 0 && provider.NeedsLister(r.Kind) && r.Kind != provider.ECR {
		if _, err := provider.New(provider.Config{Kind: r.Kind, API: r.API, Registry: r.URL, Namespace: r.Namespace}); err != nil {
			return fmt.Errorf("registry %q: %w", r.Name, err)
		}
	}
	if r.API != "" {
		if u, err := url.Parse(r.API); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
			return fmt.Errorf("registry %q: api %q must be an http(s) URL", r.Name, r.API)
		}
	}
	return nil
}

// PutRegistry creates or replaces a registry, sealing its secrets.
func (c *Controller) PutRegistry(ctx context.Context, in api.RegistryInput) error {
	if err := validateRegistry(in); err != nil {
		return err
	}
	pw, err := c.keys.Seal(in.Password)
	if err != nil {
		return err
	}
	tok, err := c.keys.Seal(in.Token)
	if err != nil {
		return err
	}
	row := rowOf(in.Registry, pw, tok)
	if row.APITokenSealed, err = c.keys.Seal(in.APIToken); err != nil {
		return err
	}
	if row.WebhookSecretSealed, err = c.keys.Seal(in.WebhookSecret); err != nil {
		return err
	}
	if err := c.store.PutRegistry(ctx, row); err != nil {
		return err
	}
	c.log.Info("registry configured", "registry", in.Name, "url", in.URL, "kind", in.Kind, "password_set", in.Password != "", "token_set", in.Token != "",
		"api_token_set", in.APIToken != "", "webhook_secret_set", in.WebhookSecret != "", "max_pulls", in.MaxPulls, "pulls_per_second", in.PullsPerSecond)
	return nil
}

// rowOf is a registry's settings as stored, with sealed credentials.
func rowOf(r api.Registry, pw, tok []byte) store.Registry {
	return store.Registry{Name: r.Name, URL: r.URL, Username: r.Username, Insecure: r.Insecure, CACertFile: r.CACertFile,
		Filters: r.Filters, MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags, Interval: time.Duration(r.Interval),
		RescanAfterDBUpdate: r.RescanAfterDBUpdate, PasswordSealed: pw, TokenSealed: tok,
		Kind: r.Kind, Namespace: r.Namespace, API: r.API, Repositories: r.Repositories, MaxPulls: r.MaxPulls, RequestsPerSecond: r.PullsPerSecond,
		Platforms: r.Platforms}
}

// access is what pulling from and listing a stored registry takes: its
// settings with every secret opened and, for the cloud kinds (ecr, gar,
// acr), a short-lived username and password from the cloud's own
// libraries (Config.Cloud, which only scanfleet-controller links). It is
// what the crawler lists with and what a lease hands a scanner.
func (c *Controller) access(ctx context.Context, r store.Registry) (crawl.Registry, error) {
	pw, tok, err := c.credentials(r)
	if err != nil {
		return crawl.Registry{}, err
	}
	apiTok, err := c.keys.Open(r.APITokenSealed)
	if err != nil {
		return crawl.Registry{}, fmt.Errorf("registry %q API token: %w", r.Name, err)
	}
	cr := crawl.Registry{Name: r.Name, URL: r.URL, Username: r.Username, Password: pw, Token: tok,
		Insecure: r.Insecure, CACertFile: r.CACertFile, Filters: r.Filters, Kind: r.Kind, Repositories: r.Repositories,
		Namespace: r.Namespace, API: r.API, APIToken: apiTok, MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags}
	if crawl.CloudKind(r.Kind) {
		if c.cfg.Cloud == nil {
			return cr, fmt.Errorf("registry %q: kind %s needs cloud credentials, which only scanfleet-controller has (this is scanfleet)", r.Name, r.Kind)
		}
		user, pass, _, err := c.cfg.Cloud.Credentials(ctx, cr)
		if err != nil {
			return cr, fmt.Errorf("registry %q: %w", r.Name, err)
		}
		cr.Username, cr.Password, cr.Token = user, pass, ""
	}
	return cr, nil
}

// webhookSecret opens r's push webhook secret ("" when none is set).
func (c *Controller) webhookSecret(r store.Registry) (string, error) {
	s, err := c.keys.Open(r.WebhookSecretSealed)
	if err != nil {
		return "", fmt.Errorf("registry %q webhook secret: %w", r.Name, err)
	}
	return s, nil
}

// lister is the repository lister of the kinds only a cloud SDK lists
// (ecr), else nil.
func (c *Controller) lister(ctx context.Context, r crawl.Registry) (provider.Lister, error) {
	if c.cfg.Cloud == nil || !provider.NeedsLister(r.Kind) || len(r.Repositories) > 0 {
		return nil, nil
	}
	return c.cfg.Cloud.Lister(ctx, r)
}

// Cloud is what the controller takes from the clouds' libraries (package
// cloudcreds, linked into scanfleet-controller only): short-lived
// credentials for the ecr, gar and acr kinds and the ECR listing.
type Cloud interface {
	crawl.CredentialSource
	Lister(ctx context.Context, r crawl.Registry) (provider.Lister, error)
}

// credentials returns a registry's decrypted secrets.
func (c *Controller) credentials(r store.Registry) (password, token string, err error) {
	if password, err = c.keys.Open(r.PasswordSealed); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	if token, err = c.keys.Open(r.TokenSealed); err != nil {
		return "", "", fmt.Errorf("registry %q: %w", r.Name, err)
	}
	return password, token, nil
}
