package crawl

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Filter selects repositories and tags of a registry. Its textual form is
// "REPO[:TAG]":
//
//   - REPO is a slash-separated glob matched segment by segment with
//     path.Match semantics: "*" matches any run of characters within one
//     segment (never a "/"), "?" one character, "[a-z]" a class. A segment
//     that is exactly "**" matches zero or more whole segments, so
//     "team/**" selects "team/app" and "team/x/y" (and "team" itself).
//   - The lone REPO "*" is shorthand for "**" (every repository), because
//     that is what users of registry scanners (NeuVector, Harbor) write to
//     mean "everything"; anywhere else "*" stays within a segment.
//   - TAG is a path.Match glob on the tag ("v*", "1.[0-9]*"). Without
//     ":TAG", every tag of the selected repositories matches.
//
// Repository names never contain ":" (distribution's grammar), so the first
// ":" separates REPO from TAG. Digests ("@sha256:...") are not accepted:
// crawling enumerates tags.
type Filter struct {
	raw  string
	repo []string // glob segments; "**" spans segments
	tag  string   // "" matches every tag
}

// ParseFilter parses a filter in the form described on Filter.
func ParseFilter(s string) (Filter, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Filter{}, errors.New("empty filter")
	}
	if strings.Contains(s, "@") {
		return Filter{}, fmt.Errorf("filter %q: digests are not supported, use REPO[:TAG]", s)
	}
	repo, tag, hasTag := strings.Cut(s, ":")
	if repo == "" {
		return Filter{}, fmt.Errorf("filter %q: empty repository pattern (use \"*:TAG\" for every repository)", s)
	}
	if hasTag && tag == "" {
		return Filter{}, fmt.Errorf("filter %q: empty tag pattern after ':'", s)
	}
	f := Filter{raw: s}
	if repo == "*" {
		repo = "**"
	}
	for seg := range strings.SplitSeq(repo, "/") {
		if seg == "" {
			return Filter{}, fmt.Errorf("filter %q: empty path segment in repository pattern", s)
		}
		if _, err := path.Match(seg, ""); err != nil {
			return Filter{}, fmt.Errorf("filter %q: repository pattern segment %q: %w", s, seg, err)
		}
		f.repo = append(f.repo, seg)
	}
	if hasTag && tag != "*" {
		if strings.Contains(tag, "/") {
			return Filter{}, fmt.Errorf("filter %q: tag pattern cannot contain '/'", s)
		}
		if _, err := path.Match(tag, ""); err != nil {
			return Filter{}, fmt.Errorf("filter %q: tag pattern %q: %w", s, tag, err)
		}
		f.tag = tag
	}
	return f, nil
}

// String returns the filter as it was written (trimmed).
func (f Filter) String() string { return f.raw }

// Match reports whether the filter selects tag of repo.
func (f Filter) Match(repo, tag string) bool {
	if !f.MatchRepository(repo) {
		return false
	}
	if f.tag == "" {
		return true
	}
	ok, _ := path.Match(f.tag, tag) // pattern validated by ParseFilter
	return ok
}

// MatchRepository reports whether some tag of repo could be selected, i.e.
// whether the repository part of the filter matches. The crawler uses it to
// skip listing the tags of repositories no filter wants.
func (f Filter) MatchRepository(repo string) bool {
	if repo == "" || len(f.repo) == 0 {
		return false
	}
	return matchSegments(f.repo, strings.Split(repo, "/"))
}

// matchSegments matches glob segments against name segments. It is a
// dynamic programme over (pattern, name) prefixes rather than recursive
// backtracking so that patterns with many "**" stay linear in
// len(pat)*len(name) instead of exponential.
func matchSegments(pat, name []string) bool {
	prev := make([]bool, len(name)+1)
	cur := make([]bool, len(name)+1)
	prev[0] = true
	for _, p := range pat {
		if p == "**" {
			run := false
			for j := range cur {
				run = run || prev[j]
				cur[j] = run
			}
		} else {
			cur[0] = false
			for j := 1; j <= len(name); j++ {
				cur[j] = false
				if prev[j-1] {
					ok, _ := path.Match(p, name[j-1]) // validated by ParseFilter
					cur[j] = ok
				}
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(name)]
}

// parseFilters parses a registry's filter list; an empty list selects
// everything.
func parseFilters(ss []string) ([]Filter, error) {
	if len(ss) == 0 {
		ss = []string{"**"}
	}
	out := make([]Filter, 0, len(ss))
	for _, s := range ss {
		f, err := ParseFilter(s)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

func anyRepository(fs []Filter, repo string) bool {
	for _, f := range fs {
		if f.MatchRepository(repo) {
			return true
		}
	}
	return false
}

func anyMatch(fs []Filter, repo, tag string) bool {
	for _, f := range fs {
		if f.Match(repo, tag) {
			return true
		}
	}
	return false
}
