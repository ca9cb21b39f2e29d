// Package cloudcreds obtains short-lived registry credentials the way
// each cloud does, with the clouds' own libraries: ECR through the AWS
// SDK's default credential chain and GetAuthorizationToken, Artifact
// Registry through Google application default credentials, ACR through an
// Azure AD token from azidentity exchanged for an ACR refresh token. It also lists ECR
// repositories (DescribeRepositories), which needs AWS request signing.
//
// Only cmd/scanfleet-controller links this package (the controller
// performs the exchanges and hands scanners the resulting pair with each
// lease), as it alone links the Kubernetes libraries: the scanner binary
// stays free of the cloud SDKs, which TestScannerLinksNoCloudSDK in
// cmd/scanfleet asserts.
package cloudcreds

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
)

// Options configure a Source. The zero value talks to the real clouds
// with the credentials their libraries find in the environment.
type Options struct {
	// ECREndpoint overrides the ECR API endpoint (a VPC endpoint, or a
	// test server); empty lets the SDK resolve it from the region (it
	// also honours AWS_ENDPOINT_URL_ECR).
	ECREndpoint string
	// AzureAuthority is the Azure AD login host (default
	// AZURE_AUTHORITY_HOST, else https://login.microsoftonline.com).
	AzureAuthority string
	// HTTPClient is used by the Google and Azure exchanges (default: a
	// client with bounded timeouts); the AWS SDK uses its own.
	HTTPClient *http.Client
	// Now is the clock (tests); default time.Now.
	Now func() time.Time
}

// Source implements crawl.CredentialSource for the cloud kinds, caching
// each registry's pair and fetching a new one once three quarters of its
// lifetime has passed, so a pair handed to a scanner is never about to
// expire. It is safe for concurrent use; concurrent callers for one
// registry share one exchange.
type Source struct {
	opts Options

	mu    sync.Mutex
	cache map[string]*entry
}

type entry struct {
	mu               sync.Mutex // held during an exchange
	user, pass       string
	obtained, expiry time.Time
}

var _ crawl.CredentialSource = (*Source)(nil)

// New returns a Source.
func New(opts Options) *Source {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 30 * time.Second
		opts.HTTPClient = &http.Client{Transport: t, Timeout: 60 * time.Second}
	}
	return &Source{opts: opts, cache: map[string]*entry{}}
}

// Credentials returns a username and password for r (kinds ecr, gar,
// acr) and when they expire.
func (s *Source) Credentials(ctx context.Context, r crawl.Registry) (string, string, time.Time, error) {
	key := r.Kind + "\x00" + r.URL + "\x00" + r.Namespace
	s.mu.Lock()
	e := s.cache[key]
	if e == nil {
		e = &entry{}
		s.cache[key] = e
	}
	s.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	now := s.opts.Now()
	if e.pass != "" && now.Before(e.obtained.Add(e.expiry.Sub(e.obtained)*3/4)) {
		return e.user, e.pass, e.expiry, nil
	}
	var (
		user, pass string
		expiry     time.Time
		err        error
	)
	switch r.Kind {
	case provider.ECR:
		user, pass, expiry, err = s.ecrToken(ctx, r)
	case provider.GAR:
		user, pass, expiry, err = s.googleToken(ctx)
	case provider.ACR:
		user, pass, expiry, err = s.acrToken(ctx, r)
	default:
		err = fmt.Errorf("kind %q has no cloud credentials (want ecr, gar or acr)", r.Kind)
	}
	if err != nil {
		return "", "", time.Time{}, err
	}
	if !expiry.After(now) {
		return "", "", time.Time{}, fmt.Errorf("%s credentials for %s already expired (%s)", r.Kind, r.URL, expiry.Format(time.RFC3339))
	}
	e.user, e.pass, e.obtained, e.expiry = user, pass, now, expiry
	return user, pass, expiry, nil
}

// Lister returns the repository lister for r when its kind needs one
// that package provider cannot give (ECR), else nil: the caller then
// lets crawl pick the kind's own.
func (s *Source) Lister(ctx context.Context, r crawl.Registry) (provider.Lister, error) {
	if r.Kind != provider.ECR {
		return nil, nil
	}
	return s.ecrLister(ctx, r)
}
