package provider

import (
	"context"
	"fmt"
	"net/url"
)

// nexus lists one Docker repository of Sonatype Nexus Repository 3
// through its components API
// (https://help.sonatype.com/en/components-api.html): GET
// /service/rest/v1/components?repository=NAME, paged by the
// "continuationToken" of each answer, with basic auth. Each Docker
// component is one tag of one image ("name" the image, "version" the
// tag), so names repeat; the crawler dedups them. The names are those a
// client pulls through the repository's Docker connector (its own port or
// host), which is the registry URL to configure; the API is served on
// Nexus's main port, so set API when the two differ.
type nexus struct {
	c    *client
	repo string
}

func newNexus(c *client) (Lister, error) {
	return &nexus{c: c, repo: c.cfg.Namespace}, nil
}

func (n *nexus) Repositories(ctx context.Context, yield func(string) error) error {
	auth := basic(n.c.cfg.Username, n.c.cfg.Password)
	token := ""
	seen := map[string]bool{}
	for i := 0; ; i++ {
		if i == maxPages || seen[token] {
			return fmt.Errorf("nexus API: paging does not end (%d pages)", i)
		}
		seen[token] = true
		v := url.Values{"repository": {n.repo}}
		if token != "" {
			v.Set("continuationToken", token)
		}
		var page struct {
			Items []struct {
				Name   string `json:"name"`
				Format string `json:"format"`
			} `json:"items"`
			ContinuationToken *string `json:"continuationToken"`
		}
		if _, err := n.c.get(ctx, n.c.url("/service/rest/v1/components", v), auth, &page); err != nil {
			return err
		}
		last := ""
		for _, it := range page.Items {
			if it.Format != "" && it.Format != "docker" {
				return fmt.Errorf("nexus API: repository %q holds %s components, not docker", n.repo, it.Format)
			}
			if it.Name == last {
				continue // tags of one image come together; skip the obvious repeats
			}
			last = it.Name
			if err := yield(it.Name); err != nil {
				return err
			}
		}
		if page.ContinuationToken == nil || *page.ContinuationToken == "" {
			return nil
		}
		token = *page.ContinuationToken
	}
}
