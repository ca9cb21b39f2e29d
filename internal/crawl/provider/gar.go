package provider

import (
	"context"
	"fmt"
	"net/url"
	"strings"
)

// gar lists the images of one Google Artifact Registry repository through
// the Artifact Registry API
// (https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories.dockerImages/list):
// GET /v1/projects/P/locations/L/repositories/R/dockerImages, paged by
// "nextPageToken", with a Google OAuth2 access token as bearer (Token;
// cloudcreds.GAR obtains one from application default credentials). Each
// record is one digest; its "uri" is LOCATION-docker.pkg.dev/P/R/IMAGE@sha256:...,
// whose path is the v2 repository name. Names repeat across digests;
// the crawler dedups them.
type gar struct {
	c      *client
	parent string
}

func newGAR(c *client) (Lister, error) {
	p := strings.Trim(c.cfg.Namespace, "/")
	parts := strings.Split(p, "/")
	if len(parts) != 6 || parts[0] != "projects" || parts[2] != "locations" || parts[4] != "repositories" {
		return nil, fmt.Errorf("kind gar: namespace %q: want projects/PROJECT/locations/LOCATION/repositories/REPOSITORY", p)
	}
	return &gar{c: c, parent: p}, nil
}

func (g *gar) Repositories(ctx context.Context, yield func(string) error) error {
	auth := bearer(g.c.token())
	token := ""
	seen := map[string]bool{}
	for i := 0; ; i++ {
		if i == maxPages || seen[token] {
			return fmt.Errorf("gar API: paging does not end (%d pages)", i)
		}
		seen[token] = true
		v := url.Values{"pageSize": {"1000"}}
		if token != "" {
			v.Set("pageToken", token)
		}
		var page struct {
			DockerImages []struct {
				URI string `json:"uri"`
			} `json:"dockerImages"`
			NextPageToken string `json:"nextPageToken"`
		}
		if _, err := g.c.get(ctx, g.c.url("/v1/"+g.parent+"/dockerImages", v), auth, &page); err != nil {
			return err
		}
		for _, im := range page.DockerImages {
			repo, err := garRepository(im.URI)
			if err != nil {
				return fmt.Errorf("gar API: %w", err)
			}
			if err := yield(repo); err != nil {
				return err
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		token = page.NextPageToken
	}
}

// garRepository turns "HOST/P/R/IMAGE@sha256:..." into "P/R/IMAGE".
func garRepository(uri string) (string, error) {
	s, _, _ := strings.Cut(uri, "@")
	_, path, ok := strings.Cut(s, "/")
	if !ok || path == "" {
		return "", fmt.Errorf("image uri %q has no repository path", uri)
	}
	return path, nil
}
