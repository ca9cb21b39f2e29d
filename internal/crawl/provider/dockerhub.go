package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// dockerHub lists a namespace's repositories through the Docker Hub API
// (https://docs.docker.com/reference/api/hub/latest/): with credentials,
// POST /v2/auth/token {identifier, secret} gives a bearer token (the
// secret may be a personal or organisation access token); then
// GET /v2/namespaces/{namespace}/repositories pages by its "next" URL.
// Without credentials only public repositories are listed.
type dockerHub struct{ c *client }

func (d *dockerHub) Repositories(ctx context.Context, yield func(string) error) error {
	var auth func(*http.Request)
	if d.c.cfg.Username != "" || d.c.cfg.Password != "" {
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		in := map[string]string{"identifier": d.c.cfg.Username, "secret": d.c.cfg.Password}
		if err := d.c.post(ctx, d.c.url("/v2/auth/token", nil), in, &tok); err != nil {
			return fmt.Errorf("docker hub login: %w", err)
		}
		if tok.AccessToken == "" {
			return fmt.Errorf("%w: docker hub login: no access_token in the answer", ErrUnauthorized)
		}
		d.c.secrets = append(d.c.secrets, tok.AccessToken)
		auth = bearer(tok.AccessToken)
	}
	ns := d.c.cfg.Namespace
	u := d.c.url("/v2/namespaces/"+url.PathEscape(ns)+"/repositories", url.Values{"page_size": {"100"}})
	seen := map[string]bool{}
	for n := 0; u != ""; n++ {
		if n == maxPages || seen[u] {
			return fmt.Errorf("dockerhub API: paging does not end (%d pages)", n)
		}
		seen[u] = true
		var page struct {
			Next    string `json:"next"`
			Results []struct {
				Name      string `json:"name"`
				Namespace string `json:"namespace"`
			} `json:"results"`
		}
		if _, err := d.c.get(ctx, u, auth, &page); err != nil {
			return err
		}
		for _, r := range page.Results {
			rns := r.Namespace
			if rns == "" {
				rns = ns
			}
			if err := yield(rns + "/" + r.Name); err != nil {
				return err
			}
		}
		u = page.Next
	}
	return nil
}
