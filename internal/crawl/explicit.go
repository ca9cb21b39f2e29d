package crawl

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// parseRepositories parses Registry.Repositories ("REPO" or
// "REPO:TAGGLOB") into tag globs by repository. A repository listed once
// without a glob (or with "*") takes every tag, whatever globs other
// entries give it.
func parseRepositories(kind string, entries []string) (map[string][]string, error) {
	globs := map[string][]string{}
	all := map[string]bool{}
	for _, e := range entries {
		e = strings.TrimSpace(e)
		repo, glob, hasGlob := strings.Cut(e, ":")
		if kind == provider.DockerHub && repo != "" && !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
		if !validRepository(repo) {
			return nil, fmt.Errorf("repository list entry %q: %q is not a repository name (globs belong in Filters)", e, repo)
		}
		if hasGlob {
			if glob == "" || strings.Contains(glob, "/") {
				return nil, fmt.Errorf("repository list entry %q: empty tag pattern or one with '/'", e)
			}
			if _, err := path.Match(glob, ""); err != nil {
				return nil, fmt.Errorf("repository list entry %q: tag pattern: %w", e, err)
			}
		}
		if _, ok := globs[repo]; !ok {
			globs[repo] = nil
		}
		if !hasGlob || glob == "*" {
			all[repo] = true
		} else if !slices.Contains(globs[repo], glob) {
			globs[repo] = append(globs[repo], glob)
		}
	}
	for repo := range all {
		globs[repo] = nil
	}
	return globs, nil
}

// explicitLister lists the explicit repositories in sorted order (the
// same every crawl, so MaxRepositories cuts the same ones).
type explicitLister map[string][]string

func (l explicitLister) Repositories(ctx context.Context, yield func(string) error) error {
	repos := make([]string, 0, len(l))
	for r := range l {
		repos = append(repos, r)
	}
	slices.Sort(repos)
	for _, r := range repos {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := yield(r); err != nil {
			return err
		}
	}
	return nil
}

// explicitTag reports whether the explicit list lets tag of repo through:
// always when there is no list or the repository has no glob.
func (c *crawler) explicitTag(repo, tag string) bool {
	globs := c.tagGlobs[repo]
	if len(globs) == 0 {
		return true
	}
	for _, g := range globs {
		if ok, _ := path.Match(g, tag); ok {
			return true
		}
	}
	return false
}

// ValidateRepositories checks an explicit repository list (see
// Registry.Repositories) as a crawl of kind would read it, so a bad entry
// is refused when the registry is configured rather than at its first
// crawl.
func ValidateRepositories(kind string, entries []string) error {
	_, err := parseRepositories(kind, entries)
	return err
}
