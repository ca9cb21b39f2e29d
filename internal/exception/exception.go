// Package exception is the fleet's vulnerability exceptions: a decision,
// made by a named person for a stated reason, that a vulnerability does not
// count in some scope (registries, repositories, images, tags, digests,
// packages, Kubernetes namespaces), optionally until an expiry date.
//
// Applying a set to a report moves the findings it covers from the
// report's vulnerabilities (and per-layer views) to its suppressed list
// with status "exception", the reason, the author and the expiry, so
// every count, export and admission decision made from the report sees
// them suppressed and says why. Apply first restores what an earlier
// application suppressed, so a stored report can be re-evaluated at any
// time: an exception deleted or expired since stops applying by itself,
// and an expired one that would have matched is named in the report's
// warnings.
//
// Globs follow the admission rules' syntax (path.Match, '*' stops at '/',
// and "**" alone matches anything), so one pattern means the same thing in
// an allow rule and in an exception.
package exception

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/scanfleet/scanfleet/internal/report"
)

// StatusException is report.Suppressed.Status for a finding an exception
// suppressed.
const StatusException = "exception"

// Limits on one exception's fields.
const (
	MaxReason   = 4096
	MaxPatterns = 100
)

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid exception")

// Exception is one fleet-wide exception. Within a scope field any pattern
// may match; across fields all non-empty ones must. An empty scope covers
// every image.
type Exception struct {
	ID string `json:"id"`
	// Vulnerability is matched against a finding's id and its aliases,
	// case-insensitively (CVE-2024-1234, GHSA-xxxx-...).
	Vulnerability string `json:"vulnerability"`
	// Registries are globs on the configured registry name or its host.
	Registries []string `json:"registries,omitempty"`
	// Repositories are globs on the repository path ("team/*").
	Repositories []string `json:"repositories,omitempty"`
	// Images are globs on "registry/repository:tag" or
	// "registry/repository@digest".
	Images []string `json:"images,omitempty"`
	// Tags are globs on any tag the image is known under.
	Tags []string `json:"tags,omitempty"`
	// Digests are exact image digests (sha256:...).
	Digests []string `json:"digests,omitempty"`
	// Packages are globs on the finding's package or source package name.
	Packages []string `json:"packages,omitempty"`
	// Namespaces are globs on the Kubernetes namespace. An exception with
	// namespaces applies only where a namespace is known (admission
	// decisions), never to stored results, which run in no namespace.
	Namespaces []string `json:"namespaces,omitempty"`
	// Reason is required: why the finding may be ignored.
	Reason string `json:"reason"`
	// Author is who made it (the API token's name), set by the server.
	Author string `json:"author"`
	// Created is when the exception was first made; replacing it (PUT,
	// a VEX re-import) keeps it and sets Updated.
	Created time.Time  `json:"created"`
	Updated *time.Time `json:"updated,omitempty"`
	// Expires, when set, is the moment the exception stops applying.
	Expires *time.Time `json:"expires,omitempty"`
}

var validID = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// NewID returns a random exception id.
func NewID() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		// crypto/rand does not fail on supported platforms.
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return "exc-" + hex.EncodeToString(b[:])
}

// Validate checks every field and returns an error naming the exception
// and each problem found.
func (e *Exception) Validate() error {
	name := e.ID
	if name == "" {
		name = e.Vulnerability
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !validID.MatchString(e.ID) {
		bad("id %q: want 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", e.ID)
	}
	switch {
	case e.Vulnerability == "":
		bad("vulnerability: required")
	case len(e.Vulnerability) > 256 || !utf8.ValidString(e.Vulnerability) || strings.IndexFunc(e.Vulnerability, unicode.IsSpace) >= 0 ||
		strings.ContainsRune(e.Vulnerability, 0):
		bad("vulnerability %q: want one identifier such as CVE-2024-1234, without spaces", e.Vulnerability)
	}
	if strings.TrimSpace(e.Reason) == "" {
		bad("reason: required (say why the finding may be ignored)")
	} else if len(e.Reason) > MaxReason || !utf8.ValidString(e.Reason) || strings.ContainsRune(e.Reason, 0) {
		bad("reason: at most %d bytes of UTF-8 text", MaxReason)
	}
	if strings.TrimSpace(e.Author) == "" {
		bad("author: required")
	}
	if e.Created.IsZero() {
		bad("created: required")
	}
	if e.Expires != nil && !e.Expires.After(e.Created) {
		bad("expires %s: not after created %s", e.Expires.Format(time.RFC3339), e.Created.Format(time.RFC3339))
	}
	for _, f := range []struct {
		name string
		list []string
	}{{"registries", e.Registries}, {"repositories", e.Repositories}, {"images", e.Images}, {"tags", e.Tags},
		{"packages", e.Packages}, {"namespaces", e.Namespaces}} {
		if len(f.list) > MaxPatterns {
			bad("%s: more than %d patterns", f.name, MaxPatterns)
		}
		for _, g := range f.list {
			if g == "" || !utf8.ValidString(g) || strings.ContainsRune(g, 0) {
				bad("%s: empty or invalid pattern %q", f.name, g)
				continue
			}
			if _, err := path.Match(g, ""); err != nil {
				bad("%s: pattern %q: %v", f.name, g, err)
			}
		}
	}
	if len(e.Digests) > MaxPatterns {
		bad("digests: more than %d", MaxPatterns)
	}
	for _, d := range e.Digests {
		if alg, hex, ok := strings.Cut(d, ":"); !ok || alg == "" || hex == "" || strings.ContainsAny(d, " /*?[") {
			bad("digests: %q is not a digest (sha256:...)", d)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w %s: %w", ErrInvalid, name, errors.Join(errs...))
	}
	return nil
}

// ActiveAt reports whether e applies at now (it has not expired).
func (e *Exception) ActiveAt(now time.Time) bool {
	return e.Expires == nil || now.Before(*e.Expires)
}

// Target is the image (and, in admission, the workload) a report is
// evaluated for.
type Target struct {
	// Registries are the names the image's registry goes by: the
	// controller's registry name and the host, as known.
	Registries []string
	Repository string
	// Tags are every tag the image is known under.
	Tags   []string
	Digest string
	// Namespace is the workload's namespace; "" outside admission.
	Namespace string
}

// glob is path.Match with "**" matching anything, as admission's rules;
// patterns were checked by Validate, so a match error means no match.
func glob(pattern, s string) bool {
	if pattern == "**" {
		return true
	}
	ok, err := path.Match(pattern, s)
	return err == nil && ok
}

func anyGlob(patterns []string, values ...string) bool {
	for _, p := range patterns {
		for _, v := range values {
			if glob(p, v) {
				return true
			}
		}
	}
	return false
}

// imageNames are the strings an image glob is matched against.
func (t Target) imageNames() []string {
	var out []string
	for _, r := range t.Registries {
		base := r + "/" + t.Repository
		out = append(out, base)
		for _, tag := range t.Tags {
			out = append(out, base+":"+tag)
		}
		if t.Digest != "" {
			out = append(out, base+"@"+t.Digest)
		}
	}
	return out
}

// Covers reports whether e's scope covers the image of t, ignoring the
// vulnerability and the package.
func (e *Exception) Covers(t Target) bool {
	if len(e.Registries) > 0 && !anyGlob(e.Registries, t.Registries...) {
		return false
	}
	if len(e.Repositories) > 0 && !anyGlob(e.Repositories, t.Repository) {
		return false
	}
	if len(e.Tags) > 0 && !anyGlob(e.Tags, t.Tags...) {
		return false
	}
	if len(e.Digests) > 0 && (t.Digest == "" || !slices.Contains(e.Digests, t.Digest)) {
		return false
	}
	if len(e.Images) > 0 && !anyGlob(e.Images, t.imageNames()...) {
		return false
	}
	if len(e.Namespaces) > 0 && (t.Namespace == "" || !anyGlob(e.Namespaces, t.Namespace)) {
		return false
	}
	return true
}

// Matches reports whether e covers finding v of the image of t (expiry
// aside).
func (e *Exception) Matches(v report.Vulnerability, t Target) bool {
	if !matchesVuln(e.Vulnerability, v) {
		return false
	}
	if len(e.Packages) > 0 {
		names := []string{v.Package}
		if v.SourceName != "" {
			names = append(names, v.SourceName)
		}
		if !anyGlob(e.Packages, names...) {
			return false
		}
	}
	return e.Covers(t)
}

func matchesVuln(id string, v report.Vulnerability) bool {
	if strings.EqualFold(id, v.ID) {
		return true
	}
	for _, a := range v.Aliases {
		if strings.EqualFold(id, a) {
			return true
		}
	}
	return false
}

// Set is the exceptions in force, evaluated at a given time.
type Set struct {
	list []Exception
}

// NewSet returns a set of excs; the first by id decides among several
// that match one finding, so the outcome does not depend on their order.
func NewSet(excs []Exception) *Set {
	l := slices.Clone(excs)
	slices.SortFunc(l, func(a, b Exception) int { return strings.Compare(a.ID, b.ID) })
	return &Set{list: l}
}

// Len is the number of exceptions in the set, expired ones included.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.list)
}

// Expired returns the set's exceptions that have expired at now.
func (s *Set) Expired(now time.Time) []Exception {
	var out []Exception
	if s == nil {
		return nil
	}
	for _, e := range s.list {
		if !e.ActiveAt(now) {
			out = append(out, e)
		}
	}
	return out
}

// Decide returns the active exception that covers v in t at now, and
// the expired one that would have (nil when none).
func (s *Set) Decide(v report.Vulnerability, t Target, now time.Time) (active, expired *Exception) {
	if s == nil {
		return nil, nil
	}
	for i := range s.list {
		e := &s.list[i]
		if !e.Matches(v, t) {
			continue
		}
		if e.ActiveAt(now) {
			return e, nil
		}
		if expired == nil {
			expired = e
		}
	}
	return nil, expired
}

// Outcome is what Apply did to one report.
type Outcome struct {
	// Suppressed are the findings the set suppressed.
	Suppressed []report.Suppressed
	// Expired are the exceptions that would have suppressed a finding
	// had they not expired, each once.
	Expired []Exception
}

// expiredWarning starts each warning Apply adds; Reset removes them.
const expiredWarning = "exception expired: "

// Reset undoes what an earlier Apply did to rep: findings suppressed by an
// exception return to the vulnerabilities (and to the per-layer views,
// when the report has them) and its expiry warnings are removed. VEX
// suppressions stay. It reports whether rep changed.
func Reset(rep *report.Report) bool {
	if rep == nil {
		return false
	}
	changed := false
	kept := rep.Suppressed[:0:0]
	var back []report.Vulnerability
	for _, s := range rep.Suppressed {
		if s.Status == StatusException {
			back = append(back, s.Vulnerability)
			continue
		}
		kept = append(kept, s)
	}
	if len(back) > 0 {
		changed = true
		rep.Suppressed = kept
		if len(rep.Suppressed) == 0 {
			rep.Suppressed = nil
		}
		rep.Vulnerabilities = append(rep.Vulnerabilities, back...)
		if rep.Image != nil {
			for _, v := range back {
				for i := range rep.Image.Layers {
					l := &rep.Image.Layers[i]
					// A layer with packages has per-layer views (--layers).
					if l.Digest == v.Layer && v.Layer != "" && len(l.Packages) > 0 {
						l.Vulnerabilities = append(l.Vulnerabilities, v)
						break
					}
				}
			}
		}
	}
	warnings := rep.Warnings[:0:0]
	for _, w := range rep.Warnings {
		if strings.HasPrefix(w, expiredWarning) {
			changed = true
			continue
		}
		warnings = append(warnings, w)
	}
	if len(warnings) == 0 {
		warnings = nil
	}
	rep.Warnings = warnings
	return changed
}

type findingKey struct{ name, typ, version, id, path string }

func keyOf(v report.Vulnerability) findingKey {
	return findingKey{v.Package, v.PackageType, v.InstalledVersion, v.ID, v.PackagePath}
}

// Apply re-evaluates rep for t at now: it first Resets rep, then moves
// each finding an active exception covers to rep.Suppressed (status
// "exception", the reason in Statement, the id, author and expiry) and
// out of the per-layer views, and adds a warning naming each expired
// exception that would have covered a finding. A nil or empty set only
// resets.
func (s *Set) Apply(rep *report.Report, t Target, now time.Time) Outcome {
	var out Outcome
	if rep == nil {
		return out
	}
	Reset(rep)
	if s.Len() == 0 {
		return out
	}
	kept := rep.Vulnerabilities[:0:0]
	gone := map[findingKey]bool{}
	seenExpired := map[string]bool{}
	for _, v := range rep.Vulnerabilities {
		e, exp := s.Decide(v, t, now)
		if exp != nil && !seenExpired[exp.ID] {
			seenExpired[exp.ID] = true
			out.Expired = append(out.Expired, *exp)
		}
		if e == nil {
			kept = append(kept, v)
			continue
		}
		out.Suppressed = append(out.Suppressed, report.Suppressed{
			Vulnerability: v,
			Status:        StatusException,
			Statement:     e.Reason,
			Source:        "exception " + e.ID,
			Exception:     e.ID,
			Author:        e.Author,
			Expires:       e.Expires,
		})
		gone[keyOf(v)] = true
	}
	for _, e := range out.Expired {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%sexception %s (%s, by %s: %q) expired at %s; its findings count again",
			expiredWarning, e.ID, e.Vulnerability, e.Author, e.Reason, e.Expires.UTC().Format(time.RFC3339)))
	}
	if len(out.Suppressed) == 0 {
		return out
	}
	rep.Vulnerabilities = kept
	if rep.Image != nil {
		for i := range rep.Image.Layers {
			l := &rep.Image.Layers[i]
			if len(l.Vulnerabilities) == 0 {
				continue
			}
			lk := l.Vulnerabilities[:0:0]
			for _, v := range l.Vulnerabilities {
				if !gone[keyOf(v)] {
					lk = append(lk, v)
				}
			}
			l.Vulnerabilities = lk
		}
	}
	rep.Suppressed = append(rep.Suppressed, out.Suppressed...)
	return out
}
