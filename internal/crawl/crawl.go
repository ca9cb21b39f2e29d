// Package crawl enumerates the images of a container registry — the
// registry-scanning half of the controller ("Assets → Registries" in
// NeuVector's terms): it lists repositories through the catalog API, keeps
// those the configured filters select, lists their tags, resolves each tag
// to its manifest digest and emits one Image per tag, so the controller can
// queue one scan task per image. It also decodes distribution's push
// notifications for scan-on-push (ParseNotification).
//
// go-containerregistry does the authentication handshake (ping, basic or
// bearer token exchange), error decoding and manifest parsing. Paging and
// request URLs are built here; see pager.go for why ggcr's own paging is
// not used.
package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/distribution/reference"
	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"

	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// Sentinel errors; Crawl wraps them together with the registry name, so
// test with errors.Is.
var (
	// ErrUnauthorized: the registry refused the credentials (or their
	// absence) for the catalog.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnreachable: the registry could not be contacted (DNS, refused
	// connection, timeout, TLS handshake or certificate failure).
	ErrUnreachable = errors.New("registry unreachable")
	// ErrCatalogUnsupported: the registry does not offer the catalog API
	// (Docker Hub, many cloud registries); its repositories must be
	// configured explicitly.
	ErrCatalogUnsupported = errors.New("catalog API not supported")
	// ErrNotFound: the namespace a vendor listing was asked for does not
	// exist or is hidden from the credentials.
	ErrNotFound = errors.New("namespace not found")
	// ErrInvalidConfig: the Registry or Options are unusable.
	ErrInvalidConfig = errors.New("invalid registry configuration")
)

// Registry is one configured registry to crawl.
type Registry struct {
	// Name identifies the registry in errors, Images and logs.
	Name string
	// URL is "http://host[:port]" (plain HTTP) or "https://host[:port]".
	// The scheme decides, never a guess: go-containerregistry's habit of
	// falling back to plain HTTP for loopback and private addresses is
	// switched off. The distribution API lives at /v2/ on the host root, so
	// a path is rejected; use Filters ("team/**") to crawl one namespace.
	URL string
	// Username and Password authenticate with basic auth or, on token
	// registries, in the token exchange. Token, when set, is a registry
	// bearer token sent as is (it wins over Username/Password). None of
	// them ever appears in an error or a log line.
	Username, Password, Token string
	// Insecure skips TLS certificate verification (https only).
	Insecure bool
	// CACertFile adds a PEM CA bundle to the system roots for https.
	CACertFile string
	// Filters select what to crawl, see Filter; empty means everything.
	// An image is crawled when any filter matches it.
	Filters []string
	// Kind is the registry's flavour (provider.Kinds; "" means generic):
	// it decides how repositories are found when Repositories is empty.
	// generic and acr read /v2/_catalog; ecr needs Options.Lister (the
	// AWS SDK, in scanfleet-controller); the other kinds ask their
	// vendor's API (package provider). Tags and digests are read through
	// the v2 API for every kind.
	Kind string
	// Repositories, when set, is the explicit list of repositories to
	// crawl, for registries without a usable listing: each entry is
	// "REPO" (every tag) or "REPO:TAGGLOB" (tags matching the path.Match
	// glob; an entry may repeat with other globs). Neither the catalog nor
	// a vendor API is then read. Filters still apply on top. On Docker
	// Hub a one-segment name means "library/NAME", as docker pull does.
	Repositories []string
	// Namespace, API and APIToken configure a vendor listing (see
	// provider.Config): what to list (organisation, group, project...),
	// the API's base URL when it is not the kind's public service or the
	// registry itself, and the API's bearer token when it is not
	// Password (Quay OAuth tokens, Google access tokens). APIToken is a
	// secret like Password.
	Namespace, API, APIToken string
	// MaxRepositories caps how many (filter-selected) repositories are
	// crawled, in catalog order; MaxTags caps the (filter-selected) tags
	// crawled per repository, in tag-list order (lexical on distribution).
	// 0 means no cap. Stats.Truncated says whether a cap cut the crawl.
	MaxRepositories, MaxTags int
}

// CredentialSource hands out short-lived registry credentials for a
// registry: an ECR authorization token, a Google access token, an ACR
// refresh token. The controller calls it when crawling and when leasing a
// task of such a registry, and hands the result to the scanner with the
// lease; expiry tells it how long the pair may be reused (implementations
// cache and refresh before it). Errors name the registry and the cause
// and never carry a secret.
type CredentialSource interface {
	Credentials(ctx context.Context, r Registry) (username, password string, expiry time.Time, err error)
}

// CloudKind reports whether kind gets its credentials from a
// CredentialSource rather than from the stored username and password.
func CloudKind(kind string) bool {
	return kind == provider.ECR || kind == provider.GAR || kind == provider.ACR
}

// Image is one tagged image found in a registry.
type Image struct {
	Registry string // Registry.Name
	// Host is the registry's host[:port] as in Registry.URL (Docker Hub's
	// "docker.io" spelled "index.docker.io"), for building references.
	Host       string
	Repository string // e.g. "team/app"
	Tag        string
	// Digest is the manifest digest the tag points to: the index digest
	// for multi-platform images.
	Digest    string
	MediaType string
	// Platforms lists an index's platforms ("linux/amd64",
	// "linux/arm/v7"), skipping "unknown/unknown" attestation entries.
	// It is empty for a single-platform manifest (its platform lives in
	// the config blob, which crawling does not fetch).
	Platforms []string
	// Manifests are an index's platform manifests, in index order,
	// without attestation entries ("unknown/unknown") and without
	// repeats of a platform: what a fleet scans one by one.
	Manifests []PlatformManifest
}

// PlatformManifest is one platform's image manifest in an image index.
type PlatformManifest struct {
	Platform  string // "os/arch[/variant]"
	Digest    string
	MediaType string
}

// Reference returns the image's reference by tag, "host/repo:tag".
func (i Image) Reference() string {
	return i.Host + "/" + i.Repository + ":" + i.Tag
}

// DigestReference returns the image's reference by digest,
// "host/repo@sha256:...": what a scan task should pull, so that the image
// scanned is the one crawled even if the tag moves meanwhile.
func (i Image) DigestReference() string {
	return i.Host + "/" + i.Repository + "@" + i.Digest
}

// Options tune a crawl.
type Options struct {
	// Concurrency bounds concurrent requests to the registry (default 8).
	Concurrency int
	// Transport is the base HTTP transport (default: a clone of
	// http.DefaultTransport with bounded dial/TLS/header timeouts). When
	// it is an *http.Transport it is cloned and the Registry's TLS
	// settings applied; any other RoundTripper is used as is, and then
	// Registry.Insecure/CACertFile must be unset. There are no retries
	// here: wrap Transport for them; the controller re-crawls anyway.
	Transport http.RoundTripper
	// PageSize is the "n" asked of paginated catalog and tag listings
	// (0: the registry's default). CNCF distribution refuses an n above
	// its catalog maximum (1000 by default) with PAGINATION_NUMBER_INVALID.
	PageSize int
	// Lister, when set, lists the repositories instead of the catalog or
	// the kind's API: cloud listings that need an SDK (ECR through
	// cloudcreds) are handed in this way by the one binary that links
	// them. Registry.Repositories still wins over it.
	Lister provider.Lister
	// Credentials, when set, supplies the registry's username and
	// password for the cloud kinds (ecr, gar, acr), replacing the
	// configured ones: the short-lived tokens of cloudcreds, which only
	// scanfleet-controller links.
	Credentials CredentialSource
	// Progress, when set, is called with running totals after each
	// repository and once at the end. It is never called concurrently
	// with itself, emit or emitErr.
	Progress func(Stats)
}

// Stats are a crawl's totals.
type Stats struct {
	Repositories int // repositories selected by the filters and crawled
	Tags         int // tags selected by the filters
	Images       int // images emitted
	Errors       int // errors reported through emitErr
	// Truncated is set when MaxRepositories or MaxTags cut the crawl.
	Truncated bool
	Duration  time.Duration
}

const defaultConcurrency = 8

// Crawl lists r's repositories (paginated catalog, following Link
// rel="next"), keeps those r.Filters select, lists their tags (paginated),
// keeps the selected tags, resolves each to its manifest digest (HEAD,
// falling back to GET when HEAD gives no Docker-Content-Digest, and GET for
// indexes to read their platforms) with at most opts.Concurrency requests
// in flight, and calls emit for each image.
//
// emit and emitErr are never called concurrently. A per-repository or
// per-tag failure goes to emitErr (tag is "" for repository-level ones) and
// the crawl goes on. Failures that make the whole crawl pointless — the
// registry unreachable, the catalog unauthorized or unsupported, a bad
// configuration — are returned wrapped with the registry name and one of
// the sentinel errors. An error returned by emit stops the crawl and is
// returned wrapped; so is ctx's error on cancellation. Stats are returned
// in every case.
func Crawl(ctx context.Context, r Registry, opts Options, emit func(Image) error, emitErr func(repo, tag string, err error)) (Stats, error) {
	start := time.Now()
	if opts.Credentials != nil && CloudKind(r.Kind) {
		user, pass, _, err := opts.Credentials.Credentials(ctx, r)
		if err != nil {
			c := &crawler{r: r}
			return Stats{Duration: time.Since(start)}, c.redact(fmt.Errorf("registry %q: obtaining %s credentials: %w", displayName(r), r.Kind, err))
		}
		r.Username, r.Password, r.Token = user, pass, ""
	}
	c, err := newCrawler(r, opts, emit, emitErr)
	if err != nil {
		return Stats{Duration: time.Since(start)}, c.redact(fmt.Errorf("registry %q: %w: %w", displayName(r), ErrInvalidConfig, err))
	}
	err = c.run(ctx)
	c.mu.Lock()
	st := c.stats
	st.Duration = time.Since(start)
	c.mu.Unlock()
	if c.opts.Progress != nil {
		c.mu.Lock()
		c.opts.Progress(st)
		c.mu.Unlock()
	}
	if err != nil {
		return st, c.redact(fmt.Errorf("registry %q: %w", c.name, err))
	}
	return st, nil
}

func displayName(r Registry) string {
	if r.Name != "" {
		return r.Name
	}
	return redactURL(r.URL)
}

type crawler struct {
	r       Registry
	name    string
	opts    Options
	filters []Filter
	ep      endpoint
	reg     name.Registry
	auth    authn.Authenticator
	base    http.RoundTripper
	sem     chan struct{} // request slots
	// cancel stops the crawl with a fatal error (set by run).
	cancel context.CancelCauseFunc
	// shared, when set, is the one transport used for every repository:
	// registries without token auth need no per-repository scope, so the
	// handshake is done once instead of once per repository.
	shared http.RoundTripper
	// lister lists repositories when the catalog is not used (a vendor
	// API, Options.Lister or the explicit list).
	lister provider.Lister
	// tagGlobs holds the explicit list's tag globs by repository; a
	// repository listed without a glob maps to nil (every tag).
	tagGlobs map[string][]string

	mu      sync.Mutex // serialises emit, emitErr, Progress and stats
	emit    func(Image) error
	emitErr func(repo, tag string, err error)
	stats   Stats
}

// newCrawler validates the configuration. It returns a crawler even on
// error so the caller can redact secrets with it.
func newCrawler(r Registry, opts Options, emit func(Image) error, emitErr func(repo, tag string, err error)) (*crawler, error) {
	c := &crawler{r: r, name: displayName(r), opts: opts, emit: emit, emitErr: emitErr}
	if emit == nil {
		return c, errors.New("emit is nil")
	}
	if c.emitErr == nil {
		c.emitErr = func(string, string, error) {}
	}
	if c.opts.Concurrency <= 0 {
		c.opts.Concurrency = defaultConcurrency
	}
	if c.opts.PageSize < 0 || r.MaxRepositories < 0 || r.MaxTags < 0 {
		return c, errors.New("PageSize, MaxRepositories and MaxTags must not be negative")
	}
	var err error
	if c.filters, err = parseFilters(r.Filters); err != nil {
		return c, err
	}
	if c.ep, err = parseEndpoint(r.URL); err != nil {
		return c, err
	}
	var nopts []name.Option
	if c.ep.scheme == "http" {
		nopts = append(nopts, name.Insecure)
	}
	if c.reg, err = name.NewRegistry(c.ep.host, nopts...); err != nil {
		return c, fmt.Errorf("registry host: %w", err)
	}
	// ggcr rewrites docker.io to index.docker.io; use its spelling so its
	// auth transports recognise our requests as going to the registry.
	c.ep.host = c.reg.RegistryStr()
	switch {
	case r.Token != "":
		c.auth = &authn.Bearer{Token: r.Token}
	case r.Username != "" || r.Password != "":
		c.auth = &authn.Basic{Username: r.Username, Password: r.Password}
	default:
		c.auth = authn.Anonymous
	}
	if c.base, err = baseTransport(r, opts.Transport); err != nil {
		return c, err
	}
	apiBase := c.base
	c.base = &pinScheme{host: c.ep.host, scheme: c.ep.scheme, inner: c.base}
	c.sem = make(chan struct{}, c.opts.Concurrency)
	if !provider.Valid(r.Kind) {
		return c, fmt.Errorf("unknown kind %q (want one of %s)", r.Kind, strings.Join(provider.Kinds, ", "))
	}
	switch {
	case len(r.Repositories) > 0:
		if c.tagGlobs, err = parseRepositories(r.Kind, r.Repositories); err != nil {
			return c, err
		}
		c.lister = explicitLister(c.tagGlobs)
	case opts.Lister != nil:
		c.lister = opts.Lister
	case r.Kind == provider.ECR:
		return c, errors.New("kind ecr lists repositories through the AWS SDK: run scanfleet-controller, or give an explicit repository list")
	case provider.NeedsLister(r.Kind):
		c.lister, err = provider.New(provider.Config{
			Kind: r.Kind, API: r.API, Registry: c.ep.scheme + "://" + c.ep.host, Namespace: r.Namespace,
			Username: r.Username, Password: r.Password, Token: r.APIToken,
			// The API is another host: no pinScheme, no registry auth
			// transport, only the base transport's TLS and timeouts.
			Client: &http.Client{Transport: apiBase, CheckRedirect: sameHostRedirect},
		})
		if err != nil {
			return c, err
		}
	}
	return c, nil
}

// sameHostRedirect keeps a vendor API's redirects (and the credentials
// the request carries) on the API's host.
func sameHostRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 5 {
		return errors.New("too many redirects")
	}
	if req.URL.Host != via[0].URL.Host {
		return fmt.Errorf("redirect to another host (%s) refused", req.URL.Host)
	}
	return nil
}

// authTransport performs ggcr's handshake (ping, then basic or token auth)
// for the given scope.
func (c *crawler) authTransport(ctx context.Context, scope string) (http.RoundTripper, error) {
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	defer c.release()
	rt, err := transport.NewWithContext(ctx, c.reg, c.auth, c.base, []string{scope})
	if err != nil {
		return nil, classify(err)
	}
	return rt, nil
}

func (c *crawler) acquire(ctx context.Context) error {
	select {
	case c.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return context.Cause(ctx)
	}
}

func (c *crawler) release() { <-c.sem }

// run does the crawl. The catalog is read page by page on this goroutine
// and repositories are handed to goroutines as they come, so a large
// registry starts emitting before its catalog is fully read.
func (c *crawler) run(parent context.Context) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	c.cancel = cancel

	rt, err := c.registryTransport(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return context.Cause(ctx)
		}
		return err
	}
	var wg sync.WaitGroup
	// repoSlots bounds repositories in progress so an enormous catalog
	// does not turn into an enormous number of goroutines.
	repoSlots := make(chan struct{}, c.opts.Concurrency)
	selected := 0
	// take starts the crawl of one listed repository; false means stop
	// listing (a cap reached or the crawl cancelled).
	take := func(repo string) bool {
		if !anyRepository(c.filters, repo) {
			return true
		}
		if c.r.MaxRepositories > 0 && selected == c.r.MaxRepositories {
			c.mu.Lock()
			c.stats.Truncated = true
			c.mu.Unlock()
			return false
		}
		selected++
		if !validRepository(repo) {
			c.report(repo, "", fmt.Errorf("listing named an invalid repository %q", repo))
			return true
		}
		select {
		case repoSlots <- struct{}{}:
		case <-ctx.Done():
			return false
		}
		wg.Go(func() {
			defer func() { <-repoSlots }()
			if err := c.crawlRepository(ctx, repo); err != nil {
				cancel(err)
			}
		})
		return true
	}
	if c.lister != nil {
		c.listRepositories(ctx, take)
	} else {
		c.readCatalog(ctx, rt, take)
	}
	wg.Wait()
	return context.Cause(ctx)
}

// registryTransport returns the transport for the catalog. Without a
// catalog to read, it only pings (the catalog scope may be refused to
// credentials that can pull) and returns nil. Either way it sets
// c.shared when the registry needs no per-repository token.
func (c *crawler) registryTransport(ctx context.Context) (http.RoundTripper, error) {
	if c.lister == nil {
		rt, err := c.authTransport(ctx, c.reg.Scope(""))
		if err != nil {
			return nil, err
		}
		if pr, err := transport.Ping(ctx, c.reg, c.base); err == nil && !strings.EqualFold(pr.Scheme, "bearer") {
			c.shared = rt
		}
		return rt, nil
	}
	if err := c.acquire(ctx); err != nil {
		return nil, err
	}
	pr, err := transport.Ping(ctx, c.reg, c.base)
	c.release()
	if err != nil {
		return nil, classify(err)
	}
	if !strings.EqualFold(pr.Scheme, "bearer") {
		rt, err := c.authTransport(ctx, c.reg.Scope(""))
		if err != nil {
			return nil, err
		}
		c.shared = rt
	}
	return nil, nil
}

// readCatalog pages through /v2/_catalog handing each name to take. The
// catalog is read page by page on this goroutine and repositories are
// handed to goroutines as they come, so a large registry starts emitting
// before its catalog is fully read. A catalog that fails part-way is
// fatal: the crawl would silently miss repositories.
func (c *crawler) readCatalog(ctx context.Context, rt http.RoundTripper, take func(string) bool) {
	p := c.newPager(rt, c.ep.url("/v2/_catalog", c.opts.PageSize))
	for {
		var page catalogPage
		if err := c.acquire(ctx); err != nil {
			return
		}
		more, err := p.next(ctx, &page)
		c.release()
		if err != nil {
			if ctx.Err() == nil {
				c.cancel(catalogError(err))
			}
			return
		}
		for _, repo := range page.Repositories {
			if !take(repo) {
				return
			}
		}
		if !more {
			return
		}
	}
}

// errStopListing ends a listing from inside its yield.
var errStopListing = errors.New("stop listing")

// listRepositories lists through c.lister, dropping repeats (GAR and
// Nexus list one record per image or tag). A listing that fails is fatal,
// as a failing catalog is.
func (c *crawler) listRepositories(ctx context.Context, take func(string) bool) {
	seen := map[string]bool{}
	err := c.lister.Repositories(ctx, func(repo string) error {
		if seen[repo] {
			return nil
		}
		seen[repo] = true
		if !take(repo) {
			return errStopListing
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStopListing) && ctx.Err() == nil {
		c.cancel(listingError(c.r.Kind, err))
	}
}

// listingError maps a lister's failure onto the package's sentinels.
func listingError(kind string, err error) error {
	if kind == "" {
		kind = provider.Generic
	}
	switch {
	case errors.Is(err, provider.ErrUnauthorized):
		return fmt.Errorf("%w: listing repositories (kind %s): %w", ErrUnauthorized, kind, err)
	case errors.Is(err, provider.ErrUnreachable):
		return fmt.Errorf("%w: listing repositories (kind %s): %w", ErrUnreachable, kind, err)
	case errors.Is(err, provider.ErrNotFound):
		return fmt.Errorf("%w: listing repositories (kind %s): %w", ErrNotFound, kind, err)
	}
	return fmt.Errorf("listing repositories (kind %s): %w", kind, classify(err))
}

type catalogPage struct {
	Repositories []string `json:"repositories"`
}

type tagsPage struct {
	Name string   `json:"name"`
	Tags []string `json:"tags"`
}

// crawlRepository lists and resolves one repository's tags. It returns
// only fatal errors (emit failed, ctx done); the rest go to emitErr.
func (c *crawler) crawlRepository(ctx context.Context, repo string) error {
	defer c.progress()
	c.mu.Lock()
	c.stats.Repositories++
	c.mu.Unlock()
	rt := c.shared
	if rt == nil {
		var err error
		rt, err = c.authTransport(ctx, c.reg.Repo(repo).Scope(transport.PullScope))
		if err != nil {
			return c.reportOrStop(ctx, repo, "", err)
		}
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	taken := 0
	p := c.newPager(rt, c.ep.url("/v2/"+repo+"/tags/list", c.opts.PageSize))
	for {
		var page tagsPage
		if err := c.acquire(ctx); err != nil {
			return err
		}
		more, err := p.next(ctx, &page)
		c.release()
		if err != nil {
			return c.reportOrStop(ctx, repo, "", fmt.Errorf("listing tags: %w", err))
		}
		for _, tag := range page.Tags {
			if !anyMatch(c.filters, repo, tag) || !c.explicitTag(repo, tag) {
				continue
			}
			if c.r.MaxTags > 0 && taken == c.r.MaxTags {
				c.mu.Lock()
				c.stats.Truncated = true
				c.mu.Unlock()
				return nil
			}
			taken++
			c.mu.Lock()
			c.stats.Tags++
			c.mu.Unlock()
			if !validTag(tag) {
				c.report(repo, tag, fmt.Errorf("tag list holds an invalid tag %q", tag))
				continue
			}
			if err := c.acquire(ctx); err != nil {
				return err
			}
			wg.Go(func() {
				defer c.release()
				img, err := c.resolve(ctx, rt, repo, tag)
				if err != nil {
					_ = c.reportOrStop(ctx, repo, tag, err)
					return
				}
				if err := c.emitImage(img); err != nil {
					c.cancel(err)
				}
			})
		}
		if !more {
			return nil
		}
	}
}

// reportOrStop sends a per-item error to emitErr unless the crawl is
// being cancelled, in which case the cancellation is returned instead
// (errors caused by the cancellation are noise).
func (c *crawler) reportOrStop(ctx context.Context, repo, tag string, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	c.report(repo, tag, err)
	return nil
}

func (c *crawler) report(repo, tag string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.stats.Errors++
	c.emitErr(repo, tag, c.redact(err))
}

func (c *crawler) emitImage(img Image) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.emit(img); err != nil {
		return fmt.Errorf("emit %s:%s: %w", img.Repository, img.Tag, err)
	}
	c.stats.Images++
	return nil
}

func (c *crawler) progress() {
	if c.opts.Progress == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.opts.Progress(c.stats)
}

// Repository names and tags come from the registry; they are checked
// against distribution's grammar before being put into request paths so a
// hostile or broken registry cannot steer requests elsewhere ("../").
var (
	anchoredName = regexp.MustCompile(`^` + reference.NameRegexp.String() + `$`)
	anchoredTag  = regexp.MustCompile(`^` + reference.TagRegexp.String() + `$`)
)

func validRepository(s string) bool {
	return len(s) <= reference.RepositoryNameTotalLengthMax && anchoredName.MatchString(s)
}

func validTag(s string) bool { return anchoredTag.MatchString(s) }
