package cloudcreds

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/scanfleet/scanfleet/internal/crawl"
)

// acrUser is the user name ACR takes with a refresh token as password
// (https://learn.microsoft.com/azure/container-registry/container-registry-authentication#az-acr-login-with---expose-token).
const acrUser = "00000000-0000-0000-0000-000000000000"

// acrToken gets an Azure AD access token for the service principal or
// workload identity in the environment, then exchanges it at the
// registry's /oauth2/exchange for an ACR refresh token
// (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md).
//
// The Azure SDK's azidentity module is not served by the module proxy
// this project builds from, so the AD step is golang.org/x/oauth2's
// client-credentials flow against the Microsoft identity platform's v2.0
// token endpoint, with the environment variables azidentity's
// EnvironmentCredential and WorkloadIdentityCredential read:
// AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (service
// principal) or AZURE_FEDERATED_TOKEN_FILE (AKS workload identity, a
// client assertion). Managed identity (IMDS) is not supported.
func (s *Source) acrToken(ctx context.Context, r crawl.Registry) (string, string, time.Time, error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", time.Time{}, fmt.Errorf("acr registry %q: URL must be https://NAME.azurecr.io", r.Name)
	}
	tenant, client := os.Getenv("AZURE_TENANT_ID"), os.Getenv("AZURE_CLIENT_ID")
	secret, fedFile := os.Getenv("AZURE_CLIENT_SECRET"), os.Getenv("AZURE_FEDERATED_TOKEN_FILE")
	if tenant == "" || client == "" || (secret == "" && fedFile == "") {
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (service principal) or AZURE_FEDERATED_TOKEN_FILE (workload identity)", crawl.ErrUnauthorized, r.Name)
	}
	authority := s.opts.AzureAuthority
	if authority == "" {
		authority = os.Getenv("AZURE_AUTHORITY_HOST")
	}
	if authority == "" {
		authority = "https://login.microsoftonline.com"
	}
	cc := clientcredentials.Config{
		ClientID:     client,
		ClientSecret: secret,
		TokenURL:     strings.TrimRight(authority, "/") + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/token",
		Scopes:       []string{"https://management.azure.com/.default"},
		AuthStyle:    oauth2.AuthStyleInParams,
	}
	if secret == "" {
		// Workload identity: the projected service-account token is the
		// client assertion (re-read each time: the kubelet rotates it).
		b, err := os.ReadFile(fedFile) // #nosec G703 -- the federated token file the operator (or the kubelet) names in AZURE_FEDERATED_TOKEN_FILE
		if err != nil {
			return "", "", time.Time{}, fmt.Errorf("acr registry %q: federated token: %w", r.Name, err)
		}
		cc.EndpointParams = url.Values{
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
			"client_assertion":      {strings.TrimSpace(string(b))},
		}
	}
	aad, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, s.opts.HTTPClient))
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: Azure AD token: %w", oauthSentinel(err), r.Name, redactOAuth(err, secret))
	}

	form := url.Values{"grant_type": {"access_token"}, "service": {u.Host}, "tenant": {tenant}, "access_token": {aad.AccessToken}}
	exch := (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/oauth2/exchange"}).String()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, exch, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", time.Time{}, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: POST %s: %w", crawl.ErrUnreachable, r.Name, exch, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: reading exchange answer: %w", crawl.ErrUnreachable, r.Name, err)
	}
	if resp.StatusCode != http.StatusOK {
		e := fmt.Errorf("acr registry %q: POST %s: %s", r.Name, exch, resp.Status)
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusBadRequest {
			e = fmt.Errorf("%w: %w", crawl.ErrUnauthorized, e)
		}
		return "", "", time.Time{}, e
	}
	var out struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.Unmarshal(body, &out); err != nil || out.RefreshToken == "" {
		return "", "", time.Time{}, fmt.Errorf("acr registry %q: exchange answer has no refresh_token", r.Name)
	}
	expiry := aad.Expiry
	if exp, ok := jwtExpiry(out.RefreshToken); ok {
		expiry = exp
	}
	return acrUser, out.RefreshToken, expiry, nil
}

// jwtExpiry reads the "exp" claim of a JWT without verifying it: only to
// schedule the refresh; the registry verifies the token.
func jwtExpiry(tok string) (time.Time, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return time.Time{}, false
	}
	var c struct {
		Exp int64 `json:"exp"`
	}
	if json.Unmarshal(b, &c) != nil || c.Exp == 0 {
		return time.Time{}, false
	}
	return time.Unix(c.Exp, 0), true
}

// redactOAuth keeps an OAuth error's text but removes the client secret,
// should the identity provider echo it.
func redactOAuth(err error, secret string) error {
	if secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), secret, "***"))
}
