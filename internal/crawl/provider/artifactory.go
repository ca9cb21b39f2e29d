package provider

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
)

// artifactory lists one Docker repository of JFrog Artifactory through its
// per-repository catalog
// (https://jfrog.com/help/r/jfrog-rest-apis/list-docker-repositories):
// GET /artifactory/api/docker/{repo-key}/v2/_catalog, paged like
// distribution's (n, last, Link), with basic auth or an access token
// (Token, sent as bearer). The names it returns are relative to the
// repository; with Artifactory's default "repository path" access method
// an image is pulled as HOST/REPO-KEY/NAME, so each name is yielded as
// "REPO-KEY/NAME".
type artifactory struct {
	c   *client
	key string
}

func newArtifactory(c *client) (Lister, error) {
	return &artifactory{c: c, key: strings.Trim(c.cfg.Namespace, "/")}, nil
}

func (a *artifactory) Repositories(ctx context.Context, yield func(string) error) error {
	auth := basic(a.c.cfg.Username, a.c.cfg.Password)
	if a.c.cfg.Token != "" {
		auth = bearer(a.c.cfg.Token)
	}
	first := a.c.url("/artifactory/api/docker/"+url.PathEscape(a.key)+"/v2/_catalog", url.Values{"n": {"1000"}})
	return a.c.pages(ctx, first, auth, catalogNames(a.key+"/"), yield)
}

// catalogNames decodes a distribution catalog page, prefixing each name.
func catalogNames(prefix string) func([]byte) ([]string, error) {
	return func(b []byte) ([]string, error) {
		var page struct {
			Repositories []string `json:"repositories"`
		}
		if err := json.Unmarshal(b, &page); err != nil {
			return nil, err
		}
		out := make([]string, 0, len(page.Repositories))
		for _, r := range page.Repositories {
			out = append(out, prefix+r)
		}
		return out, nil
	}
}
