package provider

import (
	"context"
	"encoding/json"
	"net/url"
)

// harbor lists repositories through the Harbor v2.0 API
// (https://goharbor.io/docs/main/build-customize-contribute/configure-swagger/,
// swagger at /devcenter-api-2.0): GET /api/v2.0/projects and
// GET /api/v2.0/projects/{project_name}/repositories, both paged by the
// Link header, with basic auth (a robot account works). Harbor's own
// /v2/_catalog needs a system administrator, which a scanner's robot
// account should not be. A repository's "name" is "project/repo".
type harbor struct{ c *client }

func (h *harbor) Repositories(ctx context.Context, yield func(string) error) error {
	auth := basic(h.c.cfg.Username, h.c.cfg.Password)
	q := url.Values{"page_size": {"100"}}
	var projects []string
	if ns := h.c.cfg.Namespace; ns != "" {
		projects = []string{ns}
	} else {
		err := h.c.pages(ctx, h.c.url("/api/v2.0/projects", q), auth, func(b []byte) ([]string, error) {
			return names(b)
		}, func(p string) error {
			projects = append(projects, p)
			return nil
		})
		if err != nil {
			return err
		}
	}
	for _, p := range projects {
		first := h.c.url("/api/v2.0/projects/"+url.PathEscape(p)+"/repositories", q)
		if err := h.c.pages(ctx, first, auth, names, yield); err != nil {
			return err
		}
	}
	return nil
}

// names decodes a JSON array of objects with a "name".
func names(b []byte) ([]string, error) {
	var v []struct {
		Name string `json:"name"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	out := make([]string, 0, len(v))
	for _, x := range v {
		out = append(out, x.Name)
	}
	return out, nil
}
