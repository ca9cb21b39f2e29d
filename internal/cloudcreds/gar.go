package cloudcreds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"

	"github.com/scanfleet/scanfleet/internal/crawl"
)

// garScope is the OAuth2 scope Artifact Registry accepts for pulls and
// listings.
const garScope = "https://www.googleapis.com/auth/cloud-platform"

// googleToken gets an access token from Google application default
// credentials (https://cloud.google.com/docs/authentication/application-default-credentials):
// GOOGLE_APPLICATION_CREDENTIALS (a service-account key or a workload
// identity federation config), gcloud's user credentials, or the GCE/GKE
// metadata server (workload identity). Artifact Registry and GCR accept
// it as the password of user "oauth2accesstoken"
// (https://cloud.google.com/artifact-registry/docs/docker/authentication#token).
func (s *Source) googleToken(ctx context.Context) (string, string, time.Time, error) {
	ctx = context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTPClient)
	creds, err := google.FindDefaultCredentials(ctx, garScope)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: google application default credentials: %w", crawl.ErrUnauthorized, err)
	}
	tok, err := creds.TokenSource.Token()
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: google access token: %w", oauthSentinel(err), err)
	}
	if tok.AccessToken == "" || tok.Expiry.IsZero() {
		return "", "", time.Time{}, fmt.Errorf("google access token: empty token or no expiry")
	}
	return "oauth2accesstoken", tok.AccessToken, tok.Expiry, nil
}

// oauthSentinel tells a refused credential (an OAuth2 error answer) from
// a failure to reach the token endpoint.
func oauthSentinel(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		return crawl.ErrUnauthorized
	}
	return crawl.ErrUnreachable
}
