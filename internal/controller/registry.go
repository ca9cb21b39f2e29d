package controller

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"time"

	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/store"
)

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$`)

func validateRegistry(r RegistryInput) error {
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
	if r.MaxRepositories < 0 || r.MaxTags < 0 {
		return fmt.Errorf("registry %q: negative limit", r.Name)
	}
	return nil
}

// PutRegistry creates or replaces a registry, sealing its secrets.
func (c *Controller) PutRegistry(ctx context.Context, in RegistryInput) error {
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
	if err := c.store.PutRegistry(ctx, rowOf(in.Registry, pw, tok)); err != nil {
		return err
	}
	c.log.Info("registry configured", "registry", in.Name, "url", in.URL, "password_set", in.Password != "", "token_set", in.Token != "")
	return nil
}

// rowOf is a registry's settings as stored, with sealed credentials.
func rowOf(r Registry, pw, tok []byte) store.Registry {
	return store.Registry{Name: r.Name, URL: r.URL, Username: r.Username, Insecure: r.Insecure, CACertFile: r.CACertFile,
		Filters: r.Filters, MaxRepositories: r.MaxRepositories, MaxTags: r.MaxTags, Interval: time.Duration(r.Interval),
		RescanAfterDBUpdate: r.RescanAfterDBUpdate, PasswordSealed: pw, TokenSealed: tok}
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
