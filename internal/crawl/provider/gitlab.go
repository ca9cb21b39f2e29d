package provider

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// gitLab lists the container repositories of a group (with its
// subgroups' projects) or of one project through the GitLab REST API
// (https://docs.gitlab.com/api/container_registry/): GET
// /api/v4/groups/:id/registry/repositories or
// /api/v4/projects/:id/registry/repositories, :id being the URL-encoded
// full path, paged by the Link header. The token (PRIVATE-TOKEN) needs
// read_api or read_registry. Each record's "path" is the v2 repository
// name.
type gitLab struct {
	c    *client
	path string
}

func newGitLab(c *client) (Lister, error) {
	ns := c.cfg.Namespace
	kind := "groups"
	if p, ok := strings.CutPrefix(ns, "project:"); ok {
		kind, ns = "projects", p
	}
	return &gitLab{c: c, path: "/api/v4/" + kind + "/" + url.PathEscape(ns) + "/registry/repositories"}, nil
}

func (g *gitLab) Repositories(ctx context.Context, yield func(string) error) error {
	tok := g.c.token()
	auth := func(r *http.Request) {
		if tok != "" {
			r.Header.Set("PRIVATE-TOKEN", tok)
		}
	}
	return g.c.pages(ctx, g.c.url(g.path, url.Values{"per_page": {"100"}}), auth, func(b []byte) ([]string, error) {
		var repos []struct {
			Path string `json:"path"`
		}
		if err := json.Unmarshal(b, &repos); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(repos))
		for _, r := range repos {
			out = append(out, r.Path)
		}
		return out, nil
	}, yield)
}
