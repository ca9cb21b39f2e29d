package cloudcreds

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"

	"github.com/scanfleet/scanfleet/internal/crawl"
	"github.com/scanfleet/scanfleet/internal/crawl/provider"
	"github.com/scanfleet/scanfleet/internal/source/imagetest"
	"github.com/scanfleet/scanfleet/internal/testutil"
)

// isolateAWS gives the SDK's default credential chain static keys from
// the environment and nothing else (no shared files, no instance
// metadata), as a CI job or pod with AWS_ACCESS_KEY_ID would.
func isolateAWS(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDSCANFLEETTEST")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "test-secret-key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_REGION", "")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_ENDPOINT_URL", "")
	t.Setenv("AWS_ENDPOINT_URL_ECR", "")
}

// fakeECR speaks the ECR API's JSON 1.1 protocol
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetAuthorizationToken.html,
// .../API_DescribeRepositories.html): POST / with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.OPERATION, SigV4-signed.
type fakeECR struct {
	t         *testing.T
	region    string
	user      string // the user:password the token decodes to
	pass      string
	expiresIn time.Duration
	now       func() time.Time
	repos     []string
	deny      bool

	tokens, describes atomic.Int64
}

func (f *fakeECR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDSCANFLEETTEST/") || !strings.Contains(auth, "/"+f.region+"/ecr/aws4_request") {
		f.t.Errorf("request not SigV4-signed with the environment's key for %s/ecr: %q", f.region, auth)
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	if f.deny {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ecr:GetAuthorizationToken"}`)
		return
	}
	body, _ := io.ReadAll(r.Body)
	switch op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "AmazonEC2ContainerRegistry_V20150921."); op {
	case "GetAuthorizationToken":
		f.tokens.Add(1)
		tok := base64.StdEncoding.EncodeToString([]byte(f.user + ":" + f.pass))
		fmt.Fprintf(w, `{"authorizationData":[{"authorizationToken":%q,"expiresAt":%d,"proxyEndpoint":"https://123456789012.dkr.ecr.%s.amazonaws.com"}]}`,
			tok, f.now().Add(f.expiresIn).Unix(), f.region)
	case "DescribeRepositories":
		f.describes.Add(1)
		var in struct {
			RegistryID string `json:"registryId"`
			NextToken  string `json:"nextToken"`
		}
		if err := json.Unmarshal(body, &in); err != nil {
			f.t.Errorf("DescribeRepositories body %s: %v", body, err)
		}
		if in.RegistryID != "123456789012" {
			f.t.Errorf("registryId %q, want the account of the registry host", in.RegistryID)
		}
		// Two pages: the first half, then the rest.
		half := len(f.repos) / 2
		page, next := f.repos[:half], `,"nextToken":"page2"`
		if in.NextToken == "page2" {
			page, next = f.repos[half:], ""
		}
		var items []string
		for _, r := range page {
			items = append(items, fmt.Sprintf(`{"repositoryArn":"arn:aws:ecr:%s:123456789012:repository/%s","registryId":"123456789012","repositoryName":%q,"repositoryUri":"123456789012.dkr.ecr.%s.amazonaws.com/%s","imageTagMutability":"MUTABLE"}`, f.region, r, r, f.region, r))
		}
		fmt.Fprintf(w, `{"repositories":[%s]%s}`, strings.Join(items, ","), next)
	default:
		f.t.Errorf("unexpected ECR operation %q", op)
		w.WriteHeader(http.StatusBadRequest)
	}
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// TestECRTokenRefreshedBeforeExpiry: the real AWS SDK, pointed at a local
// ECR endpoint, signs with the default chain's keys; the 12-hour token
// is reused until three quarters of its life have passed, then fetched
// again, so the pair handed out always has over 3 hours left.
func TestECRTokenRefreshedBeforeExpiry(t *testing.T) {
	isolateAWS(t)
	clk := &clock{t: time.Now()}
	f := &fakeECR{t: t, region: "eu-west-1", user: "AWS", pass: "ecr-password", expiresIn: 12 * time.Hour, now: clk.now}
	srv := httptest.NewServer(f)
	defer srv.Close()
	s := New(Options{ECREndpoint: srv.URL, Now: clk.now})
	r := crawl.Registry{Name: "prod-ecr", Kind: provider.ECR, URL: "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com"}

	for i, tc := range []struct {
		advance    time.Duration
		wantTokens int64
	}{
		{0, 1},
		{time.Hour, 1},
		{7 * time.Hour, 1},              // 8 h into 12: still reused
		{90 * time.Minute, 2},           // 9.5 h: refreshed
		{time.Minute, 2},                // the new one is reused
		{12*time.Hour + time.Minute, 3}, // long idle: refreshed again
	} {
		clk.add(tc.advance)
		user, pass, exp, err := s.Credentials(t.Context(), r)
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if user != "AWS" || pass != "ecr-password" {
			t.Errorf("step %d: %q/%q", i, user, pass)
		}
		if left := exp.Sub(clk.now()); left < 2*time.Hour {
			t.Errorf("step %d: handed out a token with only %v left", i, left)
		}
		if got := f.tokens.Load(); got != tc.wantTokens {
			t.Errorf("step %d: %d GetAuthorizationToken calls, want %d", i, got, tc.wantTokens)
		}
	}

	// Concurrent callers share one exchange.
	clk.add(13 * time.Hour)
	before := f.tokens.Load()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, _, _, err := s.Credentials(t.Context(), r); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := f.tokens.Load() - before; got != 1 {
		t.Errorf("8 concurrent callers made %d exchanges, want 1", got)
	}
}

func TestECRDenied(t *testing.T) {
	isolateAWS(t)
	f := &fakeECR{t: t, region: "us-east-1", deny: true, now: time.Now}
	srv := httptest.NewServer(f)
	defer srv.Close()
	s := New(Options{ECREndpoint: srv.URL})
	r := crawl.Registry{Name: "e", Kind: provider.ECR, URL: "https://123456789012.dkr.ecr.us-east-1.amazonaws.com"}
	_, _, _, err := s.Credentials(t.Context(), r)
	if !errors.Is(err, crawl.ErrUnauthorized) || !strings.Contains(err.Error(), "GetAuthorizationToken") || strings.Contains(err.Error(), "test-secret-key") {
		t.Errorf("denied: %v; want ErrUnauthorized naming the operation, without the secret key", err)
	}
	l, err := s.Lister(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	err = l.Repositories(t.Context(), func(string) error { return nil })
	if !errors.Is(err, provider.ErrUnauthorized) {
		t.Errorf("denied listing: %v; want provider.ErrUnauthorized", err)
	}
	if _, _, _, err := s.Credentials(t.Context(), crawl.Registry{Name: "x", Kind: provider.ECR, URL: "https://registry.example"}); err == nil || !strings.Contains(err.Error(), "give the region") {
		t.Errorf("non-ECR host without a region: %v", err)
	}
}

// TestECRCrawlsRealRegistry: a crawl of kind ecr end to end against the
// real TLS registry with htpasswd auth: the repositories come from
// DescribeRepositories (two pages) through the SDK, the registry
// password from GetAuthorizationToken, and tags and digests from the
// registry's v2 API with that password. Namespace gives the region, as
// the registry is not reached under an ECR host name here.
func TestECRCrawlsRealRegistry(t *testing.T) {
	host := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS")
	caFile := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_TLS_CA")
	user := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_USER")
	pass := testutil.Service(t, "SCANFLEET_TEST_REGISTRY_PASSWORD")
	isolateAWS(t)

	ns := fmt.Sprintf("ecrtest-%d", time.Now().UnixNano())
	push := []remote.Option{remote.WithTransport(imagetest.TLSTransport(t, caFile)), remote.WithAuth(&authn.Basic{Username: user, Password: pass})}
	var repos []string
	for _, repo := range []string{"app", "db", "team/job"} {
		img, err := random.Image(64, 1)
		if err != nil {
			t.Fatal(err)
		}
		ref, err := name.NewTag(host + "/" + ns + "/" + repo + ":v1")
		if err != nil {
			t.Fatal(err)
		}
		if err := remote.Write(ref, img, push...); err != nil {
			t.Fatal(err)
		}
		repos = append(repos, ns+"/"+repo)
	}
	f := &fakeECR{t: t, region: "eu-central-1", user: user, pass: pass, expiresIn: 12 * time.Hour, now: time.Now, repos: repos}
	srv := httptest.NewServer(f)
	defer srv.Close()
	s := New(Options{ECREndpoint: srv.URL})
	r := crawl.Registry{Name: "ecr", Kind: provider.ECR, URL: "https://" + host, CACertFile: caFile, Namespace: "eu-central-1"}
	// The account is that of an ECR host; this registry's host has none,
	// so the test's fake expects the one it would have.
	l := &ecrLister{name: r.Name, account: "123456789012"}
	cl, _, err := s.ecrClient(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	l.cl = cl

	var got []string
	st, err := crawl.Crawl(t.Context(), r, crawl.Options{Credentials: s, Lister: l}, func(img crawl.Image) error {
		got = append(got, img.Repository+":"+img.Tag)
		return nil
	}, func(repo, tag string, err error) { t.Errorf("%s:%s: %v", repo, tag, err) })
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got)
	want := []string{ns + "/app:v1", ns + "/db:v1", ns + "/team/job:v1"}
	if !slices.Equal(got, want) {
		t.Errorf("crawled %v, want %v (stats %+v)", got, want, st)
	}
	if f.describes.Load() != 2 || f.tokens.Load() != 1 {
		t.Errorf("%d DescribeRepositories and %d GetAuthorizationToken calls, want 2 and 1", f.describes.Load(), f.tokens.Load())
	}
}

// TestGoogleApplicationDefaultCredentials: golang.org/x/oauth2/google
// reads the service-account key named by GOOGLE_APPLICATION_CREDENTIALS
// (generated here, its token_uri a local server) and exchanges a signed
// JWT for an access token (https://developers.google.com/identity/protocols/oauth2/service-account#authorizingrequests);
// the server verifies the signature with the key's public half.
func TestGoogleApplicationDefaultCredentials(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	var exchanges atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.URL.Path != "/token" {
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			return
		}
		if r.Form.Get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer" {
			t.Errorf("grant_type %q", r.Form.Get("grant_type"))
		}
		claims, err := verifyRS256(r.Form.Get("assertion"), &key.PublicKey)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"error":"invalid_grant","error_description":"Invalid JWT Signature."}`)
			return
		}
		if claims["iss"] != "scanner@proj.iam.gserviceaccount.com" || claims["scope"] != garScope {
			t.Errorf("claims %v", claims)
		}
		exchanges.Add(1)
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"access_token":"ya29.c.test-token","expires_in":3599,"token_type":"Bearer"}`)
	}))
	defer srv.Close()
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(key))})
	sa, _ := json.Marshal(map[string]string{
		"type": "service_account", "project_id": "proj", "private_key_id": "k1", "private_key": string(keyPEM),
		"client_email": "scanner@proj.iam.gserviceaccount.com", "client_id": "1", "token_uri": srv.URL + "/token",
	})
	file := filepath.Join(t.TempDir(), "sa.json")
	if err := os.WriteFile(file, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GOOGLE_APPLICATION_CREDENTIALS", file)

	s := New(Options{})
	r := crawl.Registry{Name: "gar", Kind: provider.GAR, URL: "https://us-docker.pkg.dev"}
	user, tok, exp, err := s.Credentials(t.Context(), r)
	if err != nil {
		t.Fatal(err)
	}
	if user != "oauth2accesstoken" || tok != "ya29.c.test-token" || time.Until(exp) < 50*time.Minute {
		t.Errorf("got %q %q expiring %v", user, tok, exp)
	}
	if _, _, _, err := s.Credentials(t.Context(), r); err != nil || exchanges.Load() != 1 {
		t.Errorf("second call: %v, %d exchanges; want the cached token", err, exchanges.Load())
	}

	// A key the server does not know is refused as unauthorized.
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	keyPEM = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: must(x509.MarshalPKCS8PrivateKey(other))})
	sa, _ = json.Marshal(map[string]string{"type": "service_account", "private_key": string(keyPEM), "client_email": "scanner@proj.iam.gserviceaccount.com", "token_uri": srv.URL + "/token"})
	if err := os.WriteFile(file, sa, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := New(Options{}).Credentials(t.Context(), r); !errors.Is(err, crawl.ErrUnauthorized) {
		t.Errorf("unknown key: %v; want ErrUnauthorized", err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// verifyRS256 checks a compact JWS signed with RS256 and returns its claims.
func verifyRS256(tok string, pub *rsa.PublicKey) (map[string]any, error) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWT")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig); err != nil {
		return nil, err
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, err
	}
	var c map[string]any
	return c, json.Unmarshal(b, &c)
}

// fakeAzure is, over TLS (the Microsoft Authentication Library that
// azidentity runs accepts only https authorities), the Microsoft identity
// platform's OpenID configuration and v2.0 token endpoint
// (https://learn.microsoft.com/entra/identity-platform/v2-protocols-oidc,
// https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow),
// App Service's managed identity endpoint
// (https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference),
// and ACR's token exchange
// (https://github.com/Azure/acr/blob/main/docs/AAD-OAuth.md#calling-post-oauth2exchange-to-get-an-acr-refresh-token).
func fakeAzure(t *testing.T, refreshExp time.Time) (*httptest.Server, *atomic.Int64) {
	var exchanges atomic.Int64
	refresh := "eyJhbGciOiJSUzI1NiJ9." + base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, `{"exp":%d,"grant_type":"refresh_token"}`, refreshExp.Unix())) + ".c2ln"
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/tenant-1/v2.0/.well-known/openid-configuration":
			fmt.Fprintf(w, `{"token_endpoint":%q,"authorization_endpoint":%q,"issuer":%q}`,
				srv.URL+"/tenant-1/oauth2/v2.0/token", srv.URL+"/tenant-1/oauth2/v2.0/authorize", srv.URL+"/tenant-1/v2.0")
		case "/tenant-1/oauth2/v2.0/token":
			f := r.PostForm
			ok := f.Get("grant_type") == "client_credentials" && f.Get("client_id") == "app-1" && strings.Contains(f.Get("scope"), "https://management.azure.com/.default") &&
				(f.Get("client_secret") == "sp-secret" ||
					f.Get("client_assertion_type") == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" && f.Get("client_assertion") == "projected-sa-token")
			if !ok {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided."}`)
				return
			}
			io.WriteString(w, `{"token_type":"Bearer","expires_in":3599,"ext_expires_in":3599,"access_token":"aad-access-token"}`)
		case "/msi/token":
			if r.Header.Get("X-IDENTITY-HEADER") != "mi-header" || r.URL.Query().Get("resource") != "https://management.azure.com" {
				w.WriteHeader(http.StatusUnauthorized)
				io.WriteString(w, `{"error":"invalid_request"}`)
				return
			}
			fmt.Fprintf(w, `{"access_token":"aad-access-token","expires_on":"%d","resource":"https://management.azure.com","token_type":"Bearer"}`, time.Now().Add(time.Hour).Unix())
		case "/oauth2/exchange":
			f := r.PostForm
			if f.Get("grant_type") != "access_token" || f.Get("access_token") != "aad-access-token" || f.Get("service") != strings.TrimPrefix(srv.URL, "https://") {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			exchanges.Add(1)
			fmt.Fprintf(w, `{"refresh_token":%q}`, refresh)
		default:
			t.Errorf("unexpected %s %s", r.Method, r.URL)
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &exchanges
}

// TestACRExchange: azidentity's DefaultAzureCredential, pointed at a
// local identity platform, gets an Azure AD token for a service
// principal, a workload identity or a managed identity, and it is
// exchanged for an ACR refresh token, user 0000...; the refresh token's
// own exp schedules the next exchange. Refusals are ErrUnauthorized and
// never carry the secret.
func TestACRExchange(t *testing.T) {
	exp := time.Now().Add(3 * time.Hour).Truncate(time.Second)
	srv, exchanges := fakeAzure(t, exp)
	fed := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(fed, []byte("projected-sa-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	r := crawl.Registry{Name: "acr", Kind: provider.ACR, URL: srv.URL}
	sp := map[string]string{"AZURE_TENANT_ID": "tenant-1", "AZURE_CLIENT_ID": "app-1"}
	with := func(m map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	for _, tc := range []struct {
		name    string
		env     map[string]string
		wantErr string
	}{
		{"service principal", with(sp, "AZURE_CLIENT_SECRET", "sp-secret"), ""},
		{"workload identity", with(sp, "AZURE_FEDERATED_TOKEN_FILE", fed), ""},
		{"managed identity (App Service)", map[string]string{"IDENTITY_ENDPOINT": srv.URL + "/msi/token", "IDENTITY_HEADER": "mi-header"}, ""},
		{"wrong secret", with(sp, "AZURE_CLIENT_SECRET", "bad-secret"), "invalid_client"},
		{"nothing configured", map[string]string{"AZURE_TOKEN_CREDENTIALS": "EnvironmentCredential"}, "AZURE_CLIENT_SECRET"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, k := range []string{"AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_FEDERATED_TOKEN_FILE",
				"IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_TOKEN_CREDENTIALS", "AZURE_AUTHORITY_HOST"} {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			before := exchanges.Load()
			user, pass, got, err := New(Options{AzureAuthority: srv.URL, HTTPClient: srv.Client()}).Credentials(context.Background(), r)
			if tc.wantErr != "" {
				if !errors.Is(err, crawl.ErrUnauthorized) || !strings.Contains(err.Error(), tc.wantErr) || strings.Contains(err.Error(), "bad-secret") {
					t.Errorf("error %v; want ErrUnauthorized with %q and no secret", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if user != acrUser || !strings.HasPrefix(pass, "eyJ") || !got.Equal(exp) || exchanges.Load() != before+1 {
				t.Errorf("got %q %q %v; want the refresh token expiring %v", user, pass, got, exp)
			}
		})
	}
}
