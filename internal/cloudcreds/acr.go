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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/scanfleet/scanfleet/internal/crawl"
)

// acrUser is the user name ACR takes with a refresh token as password
// (https://learn.microsoft.com/azure/container-registry/container-registry-authentication#az-acr-login-with---expose-token).
const acrUser = "00000000-0000-0000-0000-000000000000"

// acrToken gets a Microsoft Entra ID (Azure AD) access token with the
// Azure SDK's azidentity, then exchanges it at the registry's
// /oauth2/exchange for an ACR refresh token
// (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md).
//
// The token comes from DefaultAzureCredential, the chain Azure's own
// tools use: a service principal from AZURE_TENANT_ID, AZURE_CLIENT_ID
// and AZURE_CLIENT_SECRET (or a certificate); AKS workload identity
// (AZURE_FEDERATED_TOKEN_FILE, re-read as the kubelet rotates it); a
// managed identity (IMDS, App Service, Arc...; AZURE_CLIENT_ID picks a
// user-assigned one); then the developer tools (az, azd, PowerShell).
// AZURE_TOKEN_CREDENTIALS narrows the chain ("prod", or one credential's
// name) as it does for every Azure SDK. The login host is
// Options.AzureAuthority, else AZURE_AUTHORITY_HOST, else the public
// cloud's.
func (s *Source) acrToken(ctx context.Context, r crawl.Registry) (string, string, time.Time, error) {
	u, err := url.Parse(r.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", "", time.Time{}, fmt.Errorf("acr registry %q: URL must be https://NAME.azurecr.io", r.Name)
	}
	tenant := os.Getenv("AZURE_TENANT_ID")
	secret := os.Getenv("AZURE_CLIENT_SECRET")
	cred, err := s.azureCredential()
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: Azure identity: %w", crawl.ErrUnauthorized, r.Name, redactOAuth(err, secret))
	}
	aad, err := cred.GetToken(ctx, policy.TokenRequestOptions{Scopes: []string{"https://management.azure.com/.default"}})
	if err != nil {
		var authErr *azidentity.AuthenticationFailedError
		if !errors.As(err, &authErr) {
			// Every credential of the chain was unavailable: say what
			// configures one (azidentity's message says what each lacked).
			err = fmt.Errorf("no Azure identity found (set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal, "+
				"AZURE_FEDERATED_TOKEN_FILE for workload identity, or run with a managed identity): %w", err)
		}
		return "", "", time.Time{}, fmt.Errorf("%w: acr registry %q: Azure AD token: %w", crawl.ErrUnauthorized, r.Name, redactOAuth(err, secret))
	}

	form := url.Values{"grant_type": {"access_token"}, "service": {u.Host}, "access_token": {aad.Token}}
	if tenant != "" {
		form.Set("tenant", tenant)
	}
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
	expiry := aad.ExpiresOn
	if exp, ok := jwtExpiry(out.RefreshToken); ok {
		expiry = exp
	}
	return acrUser, out.RefreshToken, expiry, nil
}

// azureCredential builds DefaultAzureCredential on the Source's HTTP
// client, pointed at the configured login host. Instance discovery (a
// call to the public cloud asking whether the host is a known authority)
// is skipped for a host of one's own (Azure Stack, a sovereign proxy, a
// test server), as azidentity's documentation advises.
func (s *Source) azureCredential() (azcore.TokenCredential, error) {
	opts := &azidentity.DefaultAzureCredentialOptions{ClientOptions: azcore.ClientOptions{Transport: s.opts.HTTPClient}}
	authority := s.opts.AzureAuthority
	if authority != "" {
		opts.Cloud = cloud.Configuration{ActiveDirectoryAuthorityHost: authority}
	} else {
		authority = os.Getenv("AZURE_AUTHORITY_HOST")
	}
	public := false
	for _, c := range []cloud.Configuration{cloud.AzurePublic, cloud.AzureChina, cloud.AzureGovernment} {
		public = public || strings.TrimRight(authority, "/") == strings.TrimRight(c.ActiveDirectoryAuthorityHost, "/")
	}
	if authority != "" && !public {
		opts.DisableInstanceDiscovery = true
	}
	return azidentity.NewDefaultAzureCredential(opts)
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
