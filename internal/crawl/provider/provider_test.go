package provider

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// fakeAPIs answers each vendor's listing API with small shapes recorded
// from the vendors' documentation, over two pages where the API pages,
// and checks the credentials each API wants. Sources:
//   - Docker Hub: https://docs.docker.com/reference/api/hub/latest/
//     (POST /v2/auth/token; GET /v2/namespaces/{namespace}/repositories)
//   - GitHub: https://docs.github.com/en/rest/packages/packages#list-packages-for-an-organization
//   - GitLab: https://docs.gitlab.com/api/container_registry/#within-a-group
//   - Harbor: https://github.com/goharbor/harbor/blob/main/api/v2.0/swagger.yaml
//     (listProjects, listRepositories; paging by Link)
//   - Quay: https://docs.quay.io/api/swagger/#!/repository/listRepos
//   - Artifactory: https://jfrog.com/help/r/jfrog-rest-apis/list-docker-repositories
//   - Nexus: https://help.sonatype.com/en/components-api.html
//   - Artifact Registry: https://cloud.google.com/artifact-registry/docs/reference/rest/v1/projects.locations.repositories.dockerImages/list
type fakeAPIs struct {
	t *testing.T
	// status, when set, is answered to every listing request.
	status int
	// loop makes the second page point back at the first.
	loop bool
	srv  *httptest.Server
}

func (f *fakeAPIs) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.status != 0 && r.URL.Path != "/v2/auth/token" {
		http.Error(w, `{"message":"nope"}`, f.status)
		return
	}
	q := r.URL.Query()
	page2 := q.Get("page") == "2" || q.Get("last") != "" || q.Get("next_page") != "" || q.Get("continuationToken") != "" || q.Get("pageToken") != ""
	link := func(next string) {
		w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="next", <%s>; rel="last"`, next, next))
	}
	if f.loop && page2 {
		link(r.URL.RequestURI()) // overwritten by a handler's own link, if any
	}
	want := func(header, value string) bool {
		if got := r.Header.Get(header); got != value {
			w.Header().Set("WWW-Authenticate", "Bearer")
			http.Error(w, fmt.Sprintf(`{"message":"%s %q"}`, header, got), http.StatusUnauthorized)
			return false
		}
		return true
	}
	write := func(v string) { io.WriteString(w, v) }
	switch p := r.URL.EscapedPath(); {
	case p == "/v2/auth/token" && r.Method == http.MethodPost:
		var in struct{ Identifier, Secret string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Identifier != "hubuser" || in.Secret != "dckr_pat_x" {
			http.Error(w, `{"detail":"Incorrect authentication credentials"}`, http.StatusUnauthorized)
			return
		}
		write(`{"access_token":"hubjwt"}`)
	case p == "/v2/namespaces/acme/repositories":
		if !want("Authorization", "Bearer hubjwt") {
			return
		}
		if !page2 {
			write(`{"count":3,"next":"` + f.srv.URL + `/v2/namespaces/acme/repositories?page=2&page_size=100","previous":null,"results":[{"name":"web","namespace":"acme","repository_type":"image","status":1,"is_private":true},{"name":"api","namespace":"acme"}]}`)
		} else if f.loop {
			write(`{"count":3,"next":"` + f.srv.URL + r.URL.RequestURI() + `","results":[]}`)
		} else {
			write(`{"count":3,"next":null,"previous":"x","results":[{"name":"worker","namespace":"acme"}]}`)
		}
	case p == "/orgs/acme/packages" || p == "/users/Octo/packages":
		if !want("Authorization", "Bearer ghp_x") || !want("X-GitHub-Api-Version", "2022-11-28") || q.Get("package_type") != "container" {
			return
		}
		owner := "Acme"
		if strings.HasPrefix(p, "/users/") {
			owner = "Octo"
		}
		if !page2 {
			link(p + "?package_type=container&per_page=100&page=2")
			write(`[{"id":1,"name":"Web","package_type":"container","owner":{"login":"` + owner + `","type":"Organization"},"visibility":"private"}]`)
		} else {
			write(`[{"id":2,"name":"tools/cli","package_type":"container","owner":{"login":"` + owner + `"}}]`)
		}
	case p == "/api/v4/groups/acme%2Fplatform/registry/repositories", p == "/api/v4/projects/acme%2Fplatform%2Fweb/registry/repositories":
		if !want("PRIVATE-TOKEN", "glpat-x") {
			return
		}
		if !page2 {
			link(f.srv.URL + p + "?page=2&per_page=100")
			write(`[{"id":1,"name":"","path":"acme/platform/web","project_id":9,"location":"gitlab.example.com/acme/platform/web","created_at":"2019-01-10T13:38:57.391Z"}]`)
		} else {
			write(`[{"id":2,"name":"worker","path":"acme/platform/web/worker","project_id":9,"location":"gitlab.example.com/acme/platform/web/worker"}]`)
		}
	case p == "/api/v2.0/projects" || strings.HasPrefix(p, "/api/v2.0/projects/"):
		if u, pw, ok := r.BasicAuth(); !ok || u != "robot$scan" || pw != "s3cret" {
			http.Error(w, `{"errors":[{"code":"UNAUTHORIZED","message":"unauthorized"}]}`, http.StatusUnauthorized)
			return
		}
		switch p {
		case "/api/v2.0/projects":
			if !page2 {
				link("/api/v2.0/projects?page=2&page_size=100")
				write(`[{"project_id":1,"name":"library","repo_count":1}]`)
			} else {
				write(`[{"project_id":2,"name":"team","repo_count":1}]`)
			}
		case "/api/v2.0/projects/library/repositories":
			write(`[{"id":1,"name":"library/nginx","project_id":1,"artifact_count":2}]`)
		case "/api/v2.0/projects/team/repositories":
			if !page2 {
				link("/api/v2.0/projects/team/repositories?page=2&page_size=100")
				write(`[{"id":2,"name":"team/app","project_id":2}]`)
			} else {
				write(`[{"id":3,"name":"team/sub/job","project_id":2}]`)
			}
		default:
			http.Error(w, `{"errors":[{"code":"NOT_FOUND","message":"project not found"}]}`, http.StatusNotFound)
		}
	case p == "/api/v1/repository":
		if !want("Authorization", "Bearer quaytok") || q.Get("namespace") != "acme" {
			return
		}
		if !page2 {
			write(`{"repositories":[{"namespace":"acme","name":"web","description":null,"is_public":false,"kind":"image","state":"NORMAL"}],"next_page":"gAAAAABk"}`)
		} else if f.loop {
			write(`{"repositories":[],"next_page":"gAAAAABk"}`)
		} else {
			write(`{"repositories":[{"namespace":"acme","name":"worker","kind":"image"}]}`)
		}
	case p == "/artifactory/api/docker/docker-local/v2/_catalog":
		if u, pw, ok := r.BasicAuth(); !ok || u != "jf" || pw != "jfpass" {
			http.Error(w, `{"errors":[{"status":401,"message":"Bad credentials"}]}`, http.StatusUnauthorized)
			return
		}
		if !page2 {
			link("/artifactory/api/docker/docker-local/v2/_catalog?last=app&n=1000")
			write(`{"repositories":["app"]}`)
		} else {
			write(`{"repositories":["team/svc"]}`)
		}
	case p == "/service/rest/v1/components":
		if u, pw, ok := r.BasicAuth(); !ok || u != "nx" || pw != "nxpass" || q.Get("repository") != "docker-hosted" {
			http.Error(w, "", http.StatusUnauthorized)
			return
		}
		if !page2 {
			write(`{"items":[{"id":"a","repository":"docker-hosted","format":"docker","group":null,"name":"app","version":"1.0"},{"id":"b","repository":"docker-hosted","format":"docker","name":"app","version":"latest"}],"continuationToken":"88491cd1d185dd136f143f20c4e7d50c"}`)
		} else if f.loop {
			write(`{"items":[],"continuationToken":"88491cd1d185dd136f143f20c4e7d50c"}`)
		} else {
			write(`{"items":[{"id":"c","repository":"docker-hosted","format":"docker","name":"team/db","version":"16"}],"continuationToken":null}`)
		}
	case p == "/v1/projects/proj/locations/us/repositories/imgs/dockerImages":
		if !want("Authorization", "Bearer ya29.x") {
			return
		}
		if !page2 {
			write(`{"dockerImages":[{"name":"projects/proj/locations/us/repositories/imgs/dockerImages/app@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","uri":"us-docker.pkg.dev/proj/imgs/app@sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b","tags":["v1"],"imageSizeBytes":"2806", "mediaType":"application/vnd.docker.distribution.manifest.v2+json"},{"uri":"us-docker.pkg.dev/proj/imgs/app@sha256:aaaa","tags":["v2"]}],"nextPageToken":"CgRhcHAy"}`)
		} else if f.loop {
			write(`{"dockerImages":[],"nextPageToken":"CgRhcHAy"}`)
		} else {
			write(`{"dockerImages":[{"uri":"us-docker.pkg.dev/proj/imgs/team/svc@sha256:bbbb","tags":[]}]}`)
		}
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	}
}

func newFake(t *testing.T) *fakeAPIs {
	f := &fakeAPIs{t: t}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func list(t *testing.T, cfg Config) ([]string, error) {
	t.Helper()
	l, err := New(cfg)
	if err != nil {
		return nil, err
	}
	var got []string
	err = l.Repositories(t.Context(), func(r string) error {
		got = append(got, r)
		return nil
	})
	return got, err
}

var listings = []struct {
	name string
	cfg  Config
	want []string
}{
	{"dockerhub", Config{Kind: DockerHub, Namespace: "acme", Username: "hubuser", Password: "dckr_pat_x"}, []string{"acme/web", "acme/api", "acme/worker"}},
	{"ghcr org", Config{Kind: GHCR, Namespace: "acme", Username: "bot", Password: "ghp_x"}, []string{"acme/web", "acme/tools/cli"}},
	{"ghcr user", Config{Kind: GHCR, Namespace: "user:Octo", Token: "ghp_x"}, []string{"octo/web", "octo/tools/cli"}},
	{"gitlab group", Config{Kind: GitLab, Namespace: "acme/platform", Username: "bot", Password: "glpat-x"}, []string{"acme/platform/web", "acme/platform/web/worker"}},
	{"gitlab project", Config{Kind: GitLab, Namespace: "project:acme/platform/web", Token: "glpat-x"}, []string{"acme/platform/web", "acme/platform/web/worker"}},
	{"harbor all projects", Config{Kind: Harbor, Username: "robot$scan", Password: "s3cret"}, []string{"library/nginx", "team/app", "team/sub/job"}},
	{"harbor one project", Config{Kind: Harbor, Namespace: "team", Username: "robot$scan", Password: "s3cret"}, []string{"team/app", "team/sub/job"}},
	{"quay", Config{Kind: Quay, Namespace: "acme", Username: "acme+robot", Password: "robotpw", Token: "quaytok"}, []string{"acme/web", "acme/worker"}},
	{"artifactory", Config{Kind: Artifactory, Namespace: "docker-local", Username: "jf", Password: "jfpass"}, []string{"docker-local/app", "docker-local/team/svc"}},
	{"nexus", Config{Kind: Nexus, Namespace: "docker-hosted", Username: "nx", Password: "nxpass"}, []string{"app", "team/db"}},
	{"gar", Config{Kind: GAR, Namespace: "projects/proj/locations/us/repositories/imgs", Token: "ya29.x"}, []string{"proj/imgs/app", "proj/imgs/app", "proj/imgs/team/svc"}},
}

// TestListings: every kind lists all pages of its API with the
// credentials in the form its API wants, and names repositories as the
// registry's v2 API does.
func TestListings(t *testing.T) {
	f := newFake(t)
	for _, tc := range listings {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.API = f.srv.URL
			got, err := list(t, cfg)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("listed %q, want %q", got, tc.want)
			}
		})
	}
}

// TestListingFailures: refused credentials, a missing namespace and an
// unreachable API are told apart by sentinel errors that name the kind
// and never carry a credential; pages that loop are refused.
func TestListingFailures(t *testing.T) {
	f := newFake(t)
	for _, tc := range listings {
		t.Run(tc.name, func(t *testing.T) {
			secrets := []string{tc.cfg.Password, tc.cfg.Token}
			bad := tc.cfg
			bad.API = f.srv.URL
			bad.Password, bad.Token = "wrong-secret", "wrong-secret"
			_, err := list(t, bad)
			if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), tc.cfg.Kind) {
				t.Errorf("wrong credentials: %v; want ErrUnauthorized naming %s", err, tc.cfg.Kind)
			}
			for _, s := range append(secrets, "wrong-secret") {
				if s != "" && err != nil && strings.Contains(err.Error(), s) {
					t.Errorf("error %q leaks a credential", err)
				}
			}

			nf := &fakeAPIs{t: t, status: http.StatusNotFound}
			nf.srv = httptest.NewServer(nf)
			defer nf.srv.Close()
			cfg := tc.cfg
			cfg.API = nf.srv.URL
			if _, err := list(t, cfg); !errors.Is(err, ErrNotFound) {
				t.Errorf("404: %v; want ErrNotFound", err)
			}

			nf.srv.Close()
			if _, err := list(t, cfg); !errors.Is(err, ErrUnreachable) {
				t.Errorf("closed server: %v; want ErrUnreachable", err)
			}
		})
	}
	loop := &fakeAPIs{t: t, loop: true}
	loop.srv = httptest.NewServer(loop)
	defer loop.srv.Close()
	for _, tc := range listings {
		cfg := tc.cfg
		cfg.API = loop.srv.URL
		if _, err := list(t, cfg); err == nil || !strings.Contains(err.Error(), "loops") && !strings.Contains(err.Error(), "does not end") {
			t.Errorf("%s: a page that loops back: %v; want an error", tc.name, err)
		}
	}
}

// TestListingRefusesOtherHost: a next-page link to another host would
// carry the API token there; it is refused.
func TestListingRefusesOtherHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", `<https://evil.example/orgs/acme/packages?page=2>; rel="next"`)
		io.WriteString(w, `[{"name":"web","owner":{"login":"acme"}}]`)
	}))
	defer srv.Close()
	_, err := list(t, Config{Kind: GHCR, Namespace: "acme", Token: "ghp_x", API: srv.URL})
	if err == nil || !strings.Contains(err.Error(), "another host") {
		t.Fatalf("error %v; want a refusal of the other host", err)
	}
}

func TestNewErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Kind: "nope"}, "unknown registry kind"},
		{Config{Kind: Generic}, "_catalog"},
		{Config{Kind: ACR}, "_catalog"},
		{Config{Kind: ECR}, "AWS SDK"},
		{Config{Kind: Quay}, "needs a namespace"},
		{Config{Kind: GitLab, Namespace: "g"}, "API URL"}, // no registry URL to default to
		{Config{Kind: Quay, Namespace: "o", API: "https://u:p@quay.example"}, "not the URL"},
		{Config{Kind: Quay, Namespace: "o", API: "https://quay.example?x=1"}, "no query"},
		{Config{Kind: GAR, Namespace: "projects/p/locations/l"}, "want projects/PROJECT"},
	} {
		if _, err := New(tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v; want %q", tc.cfg, err, tc.want)
		}
	}
}
