package provider

import (
	"context"
	"fmt"
	"net/url"
)

// quay lists a namespace's repositories through the Quay API
// (https://docs.quay.io/api/swagger/, listRepos): GET
// /api/v1/repository?namespace=NS, paged by the "next_page" token of
// each answer, with an OAuth application token as bearer. Quay's registry
// login (a robot account) is not accepted by this API, hence Token.
type quay struct{ c *client }

func (q *quay) Repositories(ctx context.Context, yield func(string) error) error {
	auth := bearer(q.c.token())
	ns := q.c.cfg.Namespace
	next := ""
	seen := map[string]bool{}
	for n := 0; ; n++ {
		v := url.Values{"namespace": {ns}}
		if next != "" {
			v.Set("next_page", next)
		}
		if n == maxPages || seen[next] {
			return fmt.Errorf("quay API: paging does not end (%d pages)", n)
		}
		seen[next] = true
		var page struct {
			Repositories []struct {
				Namespace string `json:"namespace"`
				Name      string `json:"name"`
			} `json:"repositories"`
			NextPage string `json:"next_page"`
		}
		if _, err := q.c.get(ctx, q.c.url("/api/v1/repository", v), auth, &page); err != nil {
			return err
		}
		for _, r := range page.Repositories {
			rns := r.Namespace
			if rns == "" {
				rns = ns
			}
			if err := yield(rns + "/" + r.Name); err != nil {
				return err
			}
		}
		if page.NextPage == "" {
			return nil
		}
		next = page.NextPage
	}
}
