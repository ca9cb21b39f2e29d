// Package provider lists a registry's repositories through the registry
// vendor's own API, for the registries whose distribution API has no
// usable /v2/_catalog: Docker Hub, GHCR and GitLab serve none, Harbor's
// needs a system administrator, Quay's is off on quay.io, Artifactory and
// Nexus serve one per Docker repository on a path of their own, and
// Artifact Registry lists its images through a Google API.
//
// Each kind is one small file. They all answer one question, "which
// repositories are there", in the form the registry's v2 API names them
// ("namespace/name"); tags and digests are then read through the v2 API
// by package crawl, the same way for every kind. Listings that need a
// cloud SDK (ECR's DescribeRepositories, which needs AWS SigV4) live in
// package cloudcreds, which only scanfleet-controller links, and satisfy
// the same Lister interface.
package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// Kinds of registry. The zero value "" means Generic.
const (
	Generic     = "generic"     // CNCF distribution: /v2/_catalog
	DockerHub   = "dockerhub"   // hub.docker.com namespace repositories API
	GHCR        = "ghcr"        // GitHub packages API (org or user)
	GitLab      = "gitlab"      // GitLab container registry API (group or project)
	Harbor      = "harbor"      // Harbor v2.0 API (projects, repositories)
	Quay        = "quay"        // Quay v1 API (repositories of a namespace)
	Artifactory = "artifactory" // JFrog: per-repository /artifactory/api/docker/KEY/v2/_catalog
	Nexus       = "nexus"       // Sonatype Nexus 3: /repository/NAME/v2/_catalog
	ECR         = "ecr"         // AWS: DescribeRepositories through the AWS SDK (cloudcreds)
	GAR         = "gar"         // Google Artifact Registry: repositories/*/dockerImages
	ACR         = "acr"         // Azure: /v2/_catalog with an ACR token (cloudcreds)
)

// Kinds lists every kind, for validation and help texts.
var Kinds = []string{Generic, DockerHub, GHCR, GitLab, Harbor, Quay, Artifactory, Nexus, ECR, GAR, ACR}

// ErrUnauthorized marks a listing API's refusal of the credentials (401 or
// 403); ErrUnreachable a failure to reach it at all. Package crawl maps
// them onto its own sentinels.
var (
	ErrUnauthorized = errors.New("listing API refused the credentials")
	ErrUnreachable  = errors.New("listing API unreachable")
	// ErrNotFound: the namespace, group, organisation or repository key
	// does not exist (or is hidden from these credentials).
	ErrNotFound = errors.New("listing API: namespace not found")
)

// Lister lists a registry's repositories.
type Lister interface {
	// Repositories calls yield with each repository name, as the
	// registry's v2 API spells it ("team/app"), in the API's order. A
	// name may repeat; the caller dedups. An error from yield stops the
	// listing and is returned as is. Every request is bounded by ctx.
	Repositories(ctx context.Context, yield func(repo string) error) error
}

// Config is what a listing needs.
type Config struct {
	Kind string
	// API is the base URL of the vendor API. Empty means the kind's public
	// service (https://hub.docker.com, https://api.github.com,
	// https://quay.io, https://artifactregistry.googleapis.com) or, for
	// the self-hosted kinds (GitLab, Harbor, Artifactory, Nexus), Registry.
	API string
	// Registry is the registry's own URL ("https://host"), the default API
	// base of self-hosted kinds.
	Registry string
	// Namespace selects what to list; its meaning depends on the kind:
	//   dockerhub   the namespace (user or organisation)
	//   ghcr        "ORG" or "user:LOGIN"
	//   gitlab      a group's full path, or "project:GROUP/PROJECT"
	//   harbor      a project name; empty lists every visible project
	//   quay        the organisation or user
	//   artifactory the Docker repository key
	//   nexus       the Docker repository name
	//   gar         "projects/P/locations/L/repositories/R"
	Namespace string
	// Username and Password are the registry credentials; Token is a
	// bearer token for the API (a GitHub or GitLab personal access token,
	// a Quay OAuth application token, a Google access token). Kinds that
	// take a token for the API fall back to Password when Token is empty,
	// because GitHub and GitLab tokens double as registry passwords.
	Username, Password, Token string
	// Client makes the requests (default: http.DefaultClient). Its
	// transport's timeouts bound each request; ctx bounds the listing.
	Client *http.Client
}

// NeedsLister reports whether kind lists repositories through an API
// rather than the v2 catalog. For ECR that API is the AWS SDK's, so New
// refuses it: the caller must be handed a Lister by cloudcreds.
func NeedsLister(kind string) bool {
	switch kind {
	case "", Generic, ACR:
		return false
	}
	return true
}

// Valid reports whether kind is known ("" counts as generic).
func Valid(kind string) bool { return kind == "" || slices.Contains(Kinds, kind) }

// New returns the Lister for cfg.Kind. Kinds listed through the catalog
// (generic, acr) have none and are an error here, and so is ecr, whose
// listing needs the AWS SDK (cloudcreds.ECR).
func New(cfg Config) (Lister, error) {
	if cfg.Client == nil {
		cfg.Client = http.DefaultClient
	}
	var defaultAPI string
	switch cfg.Kind {
	case DockerHub:
		defaultAPI = "https://hub.docker.com"
	case GHCR:
		defaultAPI = "https://api.github.com"
	case Quay:
		defaultAPI = "https://quay.io"
	case GAR:
		defaultAPI = "https://artifactregistry.googleapis.com"
	case GitLab, Harbor, Artifactory, Nexus:
		defaultAPI = cfg.Registry
	case ECR:
		return nil, errors.New("kind ecr lists repositories through the AWS SDK, which only scanfleet-controller links")
	case "", Generic, ACR:
		return nil, fmt.Errorf("kind %q lists repositories through /v2/_catalog, not a vendor API", cfg.Kind)
	default:
		return nil, fmt.Errorf("unknown registry kind %q (want one of %s)", cfg.Kind, strings.Join(Kinds, ", "))
	}
	if cfg.API == "" {
		cfg.API = defaultAPI
	}
	api, err := parseBase(cfg.API)
	if err != nil {
		return nil, fmt.Errorf("kind %s: API URL: %w", cfg.Kind, err)
	}
	if strings.TrimSpace(cfg.Namespace) == "" && cfg.Kind != Harbor {
		return nil, fmt.Errorf("kind %s needs a namespace (%s) or an explicit repository list", cfg.Kind, namespaceHelp(cfg.Kind))
	}
	c := &client{kind: cfg.Kind, base: api, http: cfg.Client, cfg: cfg}
	switch cfg.Kind {
	case DockerHub:
		return &dockerHub{c: c}, nil
	case GHCR:
		return newGHCR(c)
	case GitLab:
		return newGitLab(c)
	case Harbor:
		return &harbor{c: c}, nil
	case Quay:
		return &quay{c: c}, nil
	case Artifactory:
		return newArtifactory(c)
	case Nexus:
		return newNexus(c)
	default: // GAR
		return newGAR(c)
	}
}

func namespaceHelp(kind string) string {
	switch kind {
	case DockerHub:
		return "a Docker Hub user or organisation"
	case GHCR:
		return `a GitHub organisation, or "user:LOGIN"`
	case GitLab:
		return `a group path, or "project:GROUP/PROJECT"`
	case Quay:
		return "a Quay organisation or user"
	case Artifactory:
		return "the Docker repository key"
	case Nexus:
		return "the Docker repository name"
	case GAR:
		return `"projects/P/locations/L/repositories/R"`
	}
	return "see docs/registries.md"
}
