package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// ghcr lists the container packages of a GitHub organisation or user
// through the REST API
// (https://docs.github.com/en/rest/packages/packages#list-packages-for-an-organization
// and ...#list-packages-for-a-user): GET /orgs/{org}/packages or
// /users/{username}/packages with package_type=container, paged by the
// Link header. The token needs read:packages. GHCR names a package's
// image ghcr.io/OWNER/NAME with the owner lower-cased.
type ghcr struct {
	c     *client
	path  string // "/orgs/ORG" or "/users/LOGIN"
	owner string
}

func newGHCR(c *client) (Lister, error) {
	ns := c.cfg.Namespace
	g := &ghcr{c: c}
	if login, ok := strings.CutPrefix(ns, "user:"); ok {
		g.path, g.owner = "/users/"+url.PathEscape(login), login
	} else {
		g.path, g.owner = "/orgs/"+url.PathEscape(ns), ns
	}
	return g, nil
}

func (g *ghcr) Repositories(ctx context.Context, yield func(string) error) error {
	tok := g.c.token()
	auth := func(r *http.Request) {
		bearer(tok)(r)
		r.Header.Set("Accept", "application/vnd.github+json")
		r.Header.Set("X-GitHub-Api-Version", "2022-11-28")
	}
	first := g.c.url(g.path+"/packages", url.Values{"package_type": {"container"}, "per_page": {"100"}})
	return g.c.pages(ctx, first, auth, func(b []byte) ([]string, error) {
		var pkgs []struct {
			Name  string `json:"name"`
			Owner struct {
				Login string `json:"login"`
			} `json:"owner"`
		}
		if err := json.Unmarshal(b, &pkgs); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(pkgs))
		for _, p := range pkgs {
			owner := p.Owner.Login
			if owner == "" {
				owner = g.owner
			}
			out = append(out, strings.ToLower(owner+"/"+p.Name))
		}
		return out, nil
	}, yield)
}
